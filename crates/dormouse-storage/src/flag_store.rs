//! STORE: changing flags and keywords. Each changed message's file is
//! renamed to its new `:2,` info (so Dovecot and MUAs on the same Maildir
//! see the change) and a Flags record with a new modseq is logged.
//! Keywords past the 26 Maildir letters live only in the index. UNCHANGEDSINCE
//! (RFC 7162) is checked per message under the same lock as the change.

use std::fs;
use std::io;
use std::path::PathBuf;

use crate::StorageError;
use crate::filename::{MaildirFile, parse_filename};
use crate::flags::SystemFlags;
use crate::fsutil::{Fsync, fsync_dir};
use crate::index::record::Record;
use crate::locate::remember_file;
use crate::mailbox::{Mailbox, letters};
use crate::messages::Location;
use crate::meta::MessageMeta;
use crate::state::State;

/// How STORE combines the given flags with the current ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreMode {
    /// `+FLAGS`
    Add,
    /// `-FLAGS`
    Remove,
    /// `FLAGS`
    Replace,
}

/// One STORE operation: what to add, remove or set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagOp {
    pub mode: StoreMode,
    pub flags: SystemFlags,
    pub keywords: Vec<String>,
}

/// The outcome of a STORE, for the session's FETCH responses and the
/// MODIFIED response code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreOutcome {
    /// Every targeted message that was not rejected, with its flags now
    /// (changed or not), in UID order.
    pub messages: Vec<(u32, MessageMeta)>,
    /// Messages left alone because their modseq was above UNCHANGEDSINCE.
    pub modified: Vec<u32>,
    /// The modseqs this STORE used, so the view does not report its own
    /// changes back at the next sync.
    pub modseqs: Option<(u64, u64)>,
    /// (uid, modseq before this STORE) of every message it changed, so the
    /// view can tell whether it held a change the view was not yet told of.
    pub prior: Vec<(u32, u64)>,
}

struct Planned {
    uid: u32,
    prior: u64,
    flags: SystemFlags,
    keywords: u64,
    from: PathBuf,
}

impl Mailbox {
    /// Applies `op` to the messages `uids` (ascending, deduplicated).
    pub fn store_flags(
        &self,
        uids: &[u32],
        op: &FlagOp,
        unchanged_since: Option<u64>,
    ) -> Result<StoreOutcome, StorageError> {
        let mut st = self.write()?;
        let mut table = st.keywords.clone();
        let (mask, new_keywords) = match op.mode {
            StoreMode::Add | StoreMode::Replace => {
                self.define_keywords(&mut table, &op.keywords)?
            }
            StoreMode::Remove => (table.mask_of(&op.keywords), Vec::new()),
        };
        let mut outcome = StoreOutcome::default();
        let mut plan: Vec<Planned> = Vec::new();
        let mut untouched: Vec<u32> = Vec::new();
        for &uid in uids {
            let Some(rec) = st.messages.by_uid(uid) else {
                continue;
            };
            if unchanged_since.is_some_and(|m| rec.modseq > m) {
                outcome.modified.push(uid);
                continue;
            }
            let (flags, keywords) = match op.mode {
                StoreMode::Add => (rec.flags.union(op.flags), rec.keywords | mask),
                StoreMode::Remove => (rec.flags.difference(op.flags), rec.keywords & !mask),
                StoreMode::Replace => (op.flags, mask),
            };
            if flags == rec.flags && keywords == rec.keywords {
                untouched.push(uid);
                continue;
            }
            plan.push(Planned {
                uid,
                prior: rec.modseq,
                flags,
                keywords,
                from: self.expected_path(&st, rec),
            });
        }

        let cur = self.dir().join("cur");
        // Each renamed message with its file name now.
        let mut done: Vec<(&Planned, String)> = Vec::with_capacity(plan.len());
        let mut renamed = false;
        for p in &plan {
            match rename_message(self, &mut st, p) {
                Ok(Renamed::Unchanged(name)) => done.push((p, name)),
                Ok(Renamed::To(name)) => {
                    done.push((p, name));
                    renamed = true;
                }
                // Gone: an outside expunge the next scan will report.
                Ok(Renamed::Gone) => {}
                Err(e) => {
                    tracing::warn!(mailbox = %crate::logpath::PathTag::of(self.dir()), error = %e, "could not rename a message file for STORE");
                }
            }
        }
        if renamed && self.fsync() == Fsync::Always {
            fsync_dir(&cur).map_err(|e| self.io_error(e))?;
        }

        let first = st.highest_modseq + 1;
        let mut modseq = st.highest_modseq;
        let mut records = Record::keywords(&new_keywords);
        for (p, _) in &done {
            modseq += 1;
            records.push(Record::Flags {
                uid: p.uid,
                modseq,
                flags: p.flags.bits(),
                keywords: p.keywords,
            });
        }
        self.log(&mut st, &records)?;
        for (p, name) in &done {
            remember_file(&mut st, p.uid, Location::Cur, name);
        }
        if !done.is_empty() {
            outcome.modseqs = Some((first, modseq));
        }
        outcome.prior = done.iter().map(|(p, _)| (p.uid, p.prior)).collect();
        for &uid in uids {
            let changed = done.binary_search_by_key(&uid, |(p, _)| p.uid).is_ok()
                || untouched.binary_search(&uid).is_ok();
            if let (true, Some(rec)) = (changed, st.messages.by_uid(uid)) {
                outcome.messages.push((uid, MessageMeta::of(&st, rec)));
            }
        }
        Ok(outcome)
    }
}

enum Renamed {
    /// Renamed to this name in `cur/`.
    To(String),
    /// Already named so (only keywords past 'z' changed).
    Unchanged(String),
    Gone,
}

/// Renames the file of `p` into `cur/` with its new flags, keeping the
/// letters we do not map. If it is not where the index says (another
/// program renamed it), the directories are listed once to find it.
fn rename_message(mb: &Mailbox, st: &mut State, p: &Planned) -> io::Result<Renamed> {
    let cur = mb.dir().join("cur");
    let mut from = p.from.clone();
    let mut relocated = false;
    loop {
        let Some(current) = from
            .file_name()
            .and_then(|n| n.to_str())
            .map(parse_filename)
        else {
            return Err(io::Error::other("message file name is not UTF-8"));
        };
        let name = MaildirFile {
            flags: p.flags,
            keywords: letters(p.keywords),
            ..current
        }
        .file_name();
        let target = cur.join(&name);
        if target == from {
            return Ok(Renamed::Unchanged(name));
        }
        match fs::rename(&from, &target) {
            Ok(()) => return Ok(Renamed::To(name)),
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            Err(_) if relocated => return Ok(Renamed::Gone),
            Err(_) => {}
        }
        relocated = true;
        match mb.relocate(st, p.uid)? {
            Some(path) => from = path,
            None => return Ok(Renamed::Gone),
        }
    }
}
