//! Reconciling the index with the Maildir directories: the full rescan that
//! picks up other programs' work (new files get UIDs, vanished files become
//! expunges, renamed files bring their flags), moving files out of `new/`
//! for read-write sessions, and rebuilding a lost index from
//! `dovecot-uidlist` and the files. It decides nothing about sessions.
//!
//! Change detection is by the mtimes of `cur/` and `new/`. An mtime is only
//! trusted once it is more than a second older than the scan that saw it,
//! because another change within the same timestamp tick would leave it
//! unchanged (Dovecot's `MAILDIR_SYNC_SECS` rule).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::StorageError;
use crate::crlf::crlf_len;
use crate::dovecot::{read_keywords, read_uidlist};
use crate::filename::{MaildirFile, parse_filename};
use crate::fsutil::Fsync;
use crate::index::record::{HEADER_LEN, Record, Stamp};
use crate::index::{compact, log};
use crate::keyword_table::{KeywordTable, LETTER_MASK};
use crate::locate::remember_file;
use crate::mailbox::{Mailbox, letters, new_uidvalidity};
use crate::messages::Location;
use crate::state::{DirStamps, State};

/// Whether a scan may move files from `new/` to `cur/` (read-write
/// sessions do, as Dovecot's do; read-only ones and STATUS leave them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanMode {
    ReadOnly,
    ReadWrite,
}

/// How often to relist when the directories change during a listing.
const LIST_ATTEMPTS: usize = 3;

/// One second, in nanoseconds: see the module comment.
const TRUST_AFTER_NS: i128 = 1_000_000_000;

pub fn dir_stamps(dir: &Path) -> io::Result<DirStamps> {
    let stamp = |sub: &str| -> io::Result<Stamp> {
        let meta = fs::metadata(dir.join(sub))?;
        Ok((meta.mtime(), u32::try_from(meta.mtime_nsec()).unwrap_or(0)))
    };
    Ok(DirStamps {
        cur: stamp("cur")?,
        new: stamp("new")?,
    })
}

struct DiskEntry {
    name: String,
    location: Location,
    file: MaildirFile,
}

struct Listing {
    entries: Vec<DiskEntry>,
    stamps: DirStamps,
    /// The directories did not change while they were listed.
    stable: bool,
    listed_at: SystemTime,
}

impl Listing {
    /// The stamps may be relied on to detect every later change.
    fn trusted(&self) -> bool {
        let listed = nanos_since_epoch(self.listed_at);
        let old =
            |s: Stamp| i128::from(s.0) * 1_000_000_000 + i128::from(s.1) + TRUST_AFTER_NS < listed;
        self.stable && old(self.stamps.cur) && old(self.stamps.new)
    }

    /// Base → entry index; for a base present twice, the entry in `cur/`
    /// (listed last) wins.
    fn by_base(&self) -> HashMap<&str, usize> {
        let mut map = HashMap::with_capacity(self.entries.len());
        for (i, e) in self.entries.iter().enumerate() {
            if map.insert(e.file.base.as_str(), i).is_some() {
                tracing::warn!(base = %e.file.base, "message file present twice; using one");
            }
        }
        map
    }
}

fn nanos_since_epoch(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// Lists `new/` then `cur/` (in that order, so a file moved from one to the
/// other meanwhile is seen in `cur/`), relisting if they changed meanwhile.
fn list(dir: &Path) -> io::Result<Listing> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let listed_at = SystemTime::now();
        let before = dir_stamps(dir)?;
        let mut entries = Vec::new();
        list_sub(dir, "new", Location::New, &mut entries)?;
        list_sub(dir, "cur", Location::Cur, &mut entries)?;
        let after = dir_stamps(dir)?;
        let stable = before == after;
        if stable || attempt >= LIST_ATTEMPTS {
            return Ok(Listing {
                entries,
                stamps: after,
                stable,
                listed_at,
            });
        }
    }
}

fn list_sub(dir: &Path, sub: &str, location: Location, out: &mut Vec<DiskEntry>) -> io::Result<()> {
    for entry in fs::read_dir(dir.join(sub))? {
        let entry = entry?;
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(name) = entry.file_name().into_string() else {
            tracing::warn!(mailbox = %crate::logpath::PathTag::of(dir), "skipping a message file whose name is not UTF-8");
            continue;
        };
        // Maildir readers ignore dot files; line breaks could not be
        // written to dovecot-uidlist.
        if name.starts_with('.') || name.contains(['\n', '\r', '\0']) {
            continue;
        }
        let file = parse_filename(&name);
        if file.base.is_empty() {
            continue;
        }
        out.push(DiskEntry {
            name,
            location,
            file,
        });
    }
    Ok(())
}

/// Maps keyword letters found in file names to table bits. Letters the
/// table lacks are looked up once in `dovecot-keywords` (another program
/// may have added them) and adopted if that slot is free; letters still
/// unknown are dropped.
struct LetterMapper<'a> {
    dir: &'a Path,
    table: KeywordTable,
    new: Vec<(u8, String)>,
    dovecot: Option<Vec<String>>,
}

impl LetterMapper<'_> {
    fn map(&mut self, file_letters: u32) -> u64 {
        let mut bits = 0u64;
        for i in 0..26usize {
            if file_letters & (1 << i) == 0 {
                continue;
            }
            if self.table.get(i).is_none() {
                self.adopt(i);
            }
            if self.table.get(i).is_some() {
                bits |= 1 << i;
            }
        }
        bits
    }

    fn adopt(&mut self, index: usize) {
        let dovecot = self
            .dovecot
            .get_or_insert_with(|| read_keywords(self.dir).unwrap_or_default());
        let Some(name) = dovecot.get(index).filter(|n| !n.is_empty()).cloned() else {
            return;
        };
        if self.table.lookup(&name).is_some() {
            // Known under another letter: remapping would mean renaming
            // files; the letter stays unmapped.
            return;
        }
        self.table.set(index, &name);
        self.new
            .push((u8::try_from(index).unwrap_or(u8::MAX), name));
    }
}

/// A file found on disk that has no UID yet.
struct Fresh {
    uid: u32,
    entry_index: usize,
    internal_date: i64,
    size: u64,
    keywords: u64,
}

/// Internal date (mtime) and IMAP size of a file; `None` if it vanished.
fn measure(path: &Path, file: &MaildirFile) -> io::Result<Option<(i64, u64)>> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let size = match file.vsize {
        Some(v) => v,
        None => match fs::read(path) {
            Ok(data) => crlf_len(&data),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        },
    };
    Ok(Some((meta.mtime(), size)))
}

fn entry_path(dir: &Path, e: &DiskEntry) -> std::path::PathBuf {
    let sub = match e.location {
        Location::Cur => "cur",
        Location::New => "new",
    };
    dir.join(sub).join(&e.name)
}

/// The full rescan, under the mailbox's write lock.
pub fn rescan(mb: &Mailbox, st: &mut State, mode: ScanMode) -> Result<(), StorageError> {
    let dir = mb.dir();
    let listing = list(dir).map_err(|e| mb.io_error(e))?;
    let by_base = listing.by_base();
    let mut mapper = LetterMapper {
        dir,
        table: st.keywords.clone(),
        new: Vec::new(),
        dovecot: None,
    };
    let mut matched = vec![false; listing.entries.len()];
    let mut expunged: Vec<u32> = Vec::new();
    let mut flag_changes: Vec<(u32, u8, u64)> = Vec::new();
    // (uid, listing index) of every file found, to remember its name.
    let mut found: Vec<(u32, usize)> = Vec::with_capacity(listing.entries.len());

    for rec in st.messages.iter() {
        let base = st.messages.name(rec);
        let Some(&i) = by_base.get(base) else {
            // A file missing from a listing taken while the directory kept
            // changing may just have been renamed: decide next time.
            if listing.stable {
                expunged.push(rec.uid);
            }
            continue;
        };
        let Some(e) = listing.entries.get(i) else {
            continue;
        };
        if let Some(m) = matched.get_mut(i) {
            *m = true;
        }
        found.push((rec.uid, i));
        if e.location == Location::Cur {
            let keywords = (rec.keywords & !LETTER_MASK) | mapper.map(e.file.keywords);
            if e.file.flags != rec.flags || keywords != rec.keywords {
                flag_changes.push((rec.uid, e.file.flags.bits(), keywords));
            }
        }
    }

    if !expunged.is_empty() {
        // A rename within the same mtime tick as the listing can hide a
        // file from it; a second look must agree before anything is
        // expunged (an expunge is final, a missed file is just late).
        let second = list(dir).map_err(|e| mb.io_error(e))?;
        let bases: HashSet<&str> = second
            .entries
            .iter()
            .map(|e| e.file.base.as_str())
            .collect();
        expunged.retain(|uid| {
            st.messages
                .by_uid(*uid)
                .is_some_and(|r| !bases.contains(st.messages.name(r)))
        });
    }

    let mut fresh_indexes: Vec<usize> = by_base
        .values()
        .copied()
        .filter(|&i| !matched.get(i).copied().unwrap_or(true))
        .collect();
    fresh_indexes.sort_by(|&a, &b| {
        let name = |i: usize| listing.entries.get(i).map(|e| e.name.as_str());
        name(a).cmp(&name(b))
    });
    let mut next_uid = st.next_uid;
    let mut fresh: Vec<Fresh> = Vec::new();
    for i in fresh_indexes {
        let Some(e) = listing.entries.get(i) else {
            continue;
        };
        let Some((internal_date, size)) = measure(&entry_path(dir, e), &e.file)? else {
            continue;
        };
        if next_uid == u32::MAX {
            tracing::error!(mailbox = %crate::logpath::PathTag::of(dir), "UID space exhausted; new files are ignored");
            break;
        }
        let keywords = match e.location {
            Location::Cur => mapper.map(e.file.keywords),
            Location::New => 0,
        };
        fresh.push(Fresh {
            uid: next_uid,
            entry_index: i,
            internal_date,
            size,
            keywords,
        });
        next_uid += 1;
    }

    let mut records: Vec<Record<'_>> = Vec::new();
    for (index, name) in &mapper.new {
        records.push(Record::Keyword {
            index: *index,
            name,
        });
    }
    let mut modseq = st.highest_modseq;
    for &uid in &expunged {
        modseq += 1;
        records.push(Record::Expunge { uid, modseq });
    }
    for &(uid, flags, keywords) in &flag_changes {
        modseq += 1;
        records.push(Record::Flags {
            uid,
            modseq,
            flags,
            keywords,
        });
    }
    for f in &fresh {
        let Some(e) = listing.entries.get(f.entry_index) else {
            continue;
        };
        modseq += 1;
        records.push(Record::Append {
            uid: f.uid,
            modseq,
            flags: e.file.flags.bits(),
            keywords: f.keywords,
            internal_date: f.internal_date,
            size: f.size,
            name: &e.file.base,
        });
    }
    let trusted = listing.trusted();
    let stamps_record = Record::DirStamps {
        cur: listing.stamps.cur,
        new: listing.stamps.new,
    };
    let changed = !records.is_empty();
    let log_stamps = trusted && st.logged_stamps != Some(listing.stamps);
    if changed {
        if log_stamps {
            records.push(stamps_record.clone());
        }
        mb.log(st, &records)?;
    } else if log_stamps {
        mb.log_lazily(st, &[stamps_record]);
    }
    found.extend(fresh.iter().map(|f| (f.uid, f.entry_index)));
    for (uid, i) in found {
        if let Some(e) = listing.entries.get(i) {
            remember_file(st, uid, e.location, &e.name);
        }
    }
    if !fresh.is_empty() {
        st.uidlist.added();
    }
    st.stamps = trusted.then_some(listing.stamps);
    if mode == ScanMode::ReadWrite && st.in_new > 0 {
        move_new_to_cur(mb, st);
    }
    Ok(())
}

/// Moves every file still in `new/` to `cur/` with an info part, as a
/// read-write Dovecot session does. A file that cannot be moved stays
/// where it is (and keeps working from there).
fn move_new_to_cur(mb: &Mailbox, st: &mut State) {
    let dir = mb.dir();
    let moves: Vec<(u32, std::path::PathBuf, String)> = st
        .messages
        .iter()
        .filter(|m| m.location == Location::New)
        .map(|m| {
            let from = mb.expected_path(st, m);
            // Letters another program put on a file in new/ are kept.
            let current = from
                .file_name()
                .and_then(|n| n.to_str())
                .map(parse_filename)
                .unwrap_or_else(|| parse_filename(st.messages.name(m)));
            let cur_name = MaildirFile {
                flags: m.flags,
                keywords: letters(m.keywords),
                ..current
            }
            .file_name();
            (m.uid, from, cur_name)
        })
        .collect();
    let mut moved_any = false;
    for (uid, from, cur_name) in moves {
        match fs::rename(&from, dir.join("cur").join(&cur_name)) {
            Ok(()) => {
                remember_file(st, uid, Location::Cur, &cur_name);
                moved_any = true;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(mailbox = %crate::logpath::PathTag::of(dir), error = %e, "could not move a file from new/ to cur/")
            }
        }
    }
    if moved_any {
        // Our own renames changed both directories' mtimes.
        st.stamps = None;
    }
}

/// Builds the state of a mailbox that has no index: UIDs, UIDVALIDITY and
/// next UID from `dovecot-uidlist` when there is one, keyword letters from
/// `dovecot-keywords`, and fresh UIDs (in file-name order) for files the
/// uidlist does not list. Writes the new index before returning.
pub fn rebuild(dir: &Path, fsync: Fsync) -> Result<State, StorageError> {
    let uidlist = match read_uidlist(dir) {
        Ok(list) => list,
        Err(e) => {
            tracing::error!(mailbox = %crate::logpath::PathTag::of(dir), error = %e, "unreadable dovecot-uidlist; assigning new UIDs");
            None
        }
    };
    let uidvalidity = uidlist
        .as_ref()
        .map(|l| l.uidvalidity)
        .filter(|&v| v != 0)
        .unwrap_or_else(new_uidvalidity);
    let mut st = State::new(uidvalidity);
    let mut table = KeywordTable::default();
    for (i, name) in read_keywords(dir).unwrap_or_default().iter().enumerate() {
        if !name.is_empty() {
            table.set(i, name);
        }
    }
    let mut preassigned: HashMap<String, u32> = HashMap::new();
    if let Some(list) = &uidlist {
        st.next_uid = list.next_uid.max(1);
        st.guid = list.guid.clone();
        for (uid, base) in &list.entries {
            preassigned.insert(base.clone(), *uid);
        }
    }
    // Modseqs restart: when the UIDVALIDITY is kept, start above any value
    // the lost index can have handed out (it counted up from 1, at far
    // less than 2^20 changes per second), so clients' cached HIGHESTMODSEQ
    // stays below ours.
    let mut modseq = if uidlist.is_some() {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        secs << 20
    } else {
        1
    };

    let listing = list(dir)?;
    let by_base = listing.by_base();
    let mut used: HashSet<u32> = HashSet::new();
    let mut known: Vec<(u32, usize)> = Vec::new();
    let mut unknown: Vec<usize> = Vec::new();
    for &i in by_base.values() {
        let Some(e) = listing.entries.get(i) else {
            continue;
        };
        match preassigned.get(&e.file.base) {
            Some(&uid) if uid != 0 && uid != u32::MAX && used.insert(uid) => known.push((uid, i)),
            _ => unknown.push(i),
        }
    }
    known.sort_unstable();
    unknown.sort_by(|&a, &b| {
        let name = |i: usize| listing.entries.get(i).map(|e| e.name.as_str());
        name(a).cmp(&name(b))
    });
    if let Some(&(max, _)) = known.last() {
        st.next_uid = st.next_uid.max(max + 1);
    }
    let mut assigned = known;
    for i in unknown {
        if st.next_uid == u32::MAX {
            tracing::error!(mailbox = %crate::logpath::PathTag::of(dir), "UID space exhausted; new files are ignored");
            break;
        }
        assigned.push((st.next_uid, i));
        st.next_uid += 1;
    }

    let mut mapper = LetterMapper {
        dir,
        table,
        new: Vec::new(),
        dovecot: None,
    };
    let mut records: Vec<Record<'_>> = Vec::new();
    for &(uid, i) in &assigned {
        let Some(e) = listing.entries.get(i) else {
            continue;
        };
        let Some((internal_date, size)) = measure(&entry_path(dir, e), &e.file)? else {
            continue;
        };
        let keywords = match e.location {
            Location::Cur => mapper.map(e.file.keywords),
            Location::New => 0,
        };
        modseq += 1;
        records.push(Record::Append {
            uid,
            modseq,
            flags: e.file.flags.bits(),
            keywords,
            internal_date,
            size,
            name: &e.file.base,
        });
    }
    st.keywords = mapper.table;
    st.apply(&records);
    st.highest_modseq = st.highest_modseq.max(modseq);
    // What was expunged before this rebuild is unknown: every modseq from
    // before it gets RFC 7162's "every gap may have vanished" answer, so a
    // QRESYNC client never keeps a message that is gone (review finding).
    st.expunged_floor = st.highest_modseq;
    for &(uid, i) in &assigned {
        if let Some(e) = listing.entries.get(i) {
            remember_file(&mut st, uid, e.location, &e.name);
        }
    }
    st.first_recent_uid = st.next_uid;
    st.changes = crate::changes::ChangeRing::starting_at(st.highest_modseq);
    st.stamps = listing.trusted().then_some(listing.stamps);
    st.logged_stamps = st.stamps;
    st.uidlist = crate::uidlist_sync::UidlistState::rewrite();
    st.messages.shrink();
    let snapshot = compact::snapshot(&st);
    log::write_fresh(dir, st.uidvalidity, &snapshot, fsync)?;
    st.log_bytes = (snapshot.len() + HEADER_LEN) as u64;
    tracing::info!(
        mailbox = %crate::logpath::PathTag::of(dir),
        messages = st.messages.len(),
        from_uidlist = uidlist.is_some(),
        "built a new index"
    );
    Ok(st)
}
