//! The shared state of one open mailbox (`Mailbox`, behind an `Arc` in the
//! registry): loading it from the index log (or rebuilding the index from
//! Dovecot's files), the locks, logging changes, compaction, and keeping
//! `dovecot-keywords` in step. Directory scanning is in `scan.rs`, finding
//! and reading message files in `locate.rs`, `dovecot-uidlist` in
//! `uidlist_sync.rs`; the operations (append, store, expunge, copy) have
//! their own modules. No file descriptor outlives a call.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::StorageError;
use crate::bus::{ChangeBus, Note, NoteKind};
use crate::cache::{CACHE_NAME, MessageCache, Trust};
use crate::dovecot::{UIDLIST_NAME, peek_uidlist, write_keywords};
use crate::fsutil::{Fsync, dotlock};
use crate::index::compact;
use crate::index::log::{self, INDEX_NAME, Loaded};
use crate::index::record::Record;
use crate::keyword_table::{KeywordTable, LETTER_MASK};
use crate::scan::{self, ScanMode};
use crate::state::State;
use crate::uidlist_sync::UidlistState;

/// What a batch of index records tells subscribers.
fn note_kind(records: &[Record<'_>]) -> NoteKind {
    records.iter().fold(NoteKind::default(), |kind, r| {
        kind.union(match r {
            Record::Append { .. } => NoteKind::APPENDED,
            // A new keyword changes FLAGS and PERMANENTFLAGS even when no
            // message carries it yet.
            Record::Flags { .. } | Record::Keyword { .. } => NoteKind::FLAGS,
            Record::Expunge { .. } | Record::ExpungedBefore { .. } => NoteKind::EXPUNGED,
            _ => NoteKind::default(),
        })
    })
}

/// Dovecot's `MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT`.
const UIDLIST_LOCK_STALE: Duration = Duration::from_secs(120);

pub struct Mailbox {
    dir: PathBuf,
    fsync: Fsync,
    /// Every committed change is published here, under the write lock.
    bus: Arc<ChangeBus>,
    state: RwLock<State>,
    /// Held by the one thread writing `dovecot-uidlist` (see
    /// `uidlist_sync.rs`); taken before `state`, never after.
    pub(crate) uidlist_writer: Mutex<()>,
    /// Directory listings made to find misplaced message files.
    pub(crate) lookups: AtomicU64,
    cache: MessageCache,
}

impl Mailbox {
    /// Loads the mailbox in `dir` (which must hold `cur/`): replays the
    /// index, or rebuilds it from `dovecot-uidlist` and the files.
    pub fn open(dir: PathBuf, fsync: Fsync, bus: Arc<ChangeBus>) -> Result<Mailbox, StorageError> {
        if !dir.join("cur").is_dir() {
            return Err(StorageError::NoSuchMailbox);
        }
        let mut cache_trust = Trust::Nothing;
        let state = match log::load(&dir)? {
            Loaded::Log { uidvalidity, data } => {
                let mut st = replay(&dir, uidvalidity, &data, fsync)?;
                cache_trust = Trust::UidsBelow(st.next_uid);
                let shape = peek_uidlist(&dir).unwrap_or_else(|e| {
                    tracing::warn!(mailbox = %crate::logpath::PathTag::of(&dir), error = %e, "unreadable dovecot-uidlist; rewriting it");
                    None
                });
                st.uidlist = UidlistState::examine(shape, &st);
                st
            }
            Loaded::Foreign => {
                let aside = dir.join(format!("{INDEX_NAME}.broken"));
                tracing::error!(mailbox = %crate::logpath::PathTag::of(&dir), "index is not a dormouse index; rebuilding it");
                std::fs::rename(dir.join(INDEX_NAME), aside)?;
                discard_cache(&dir);
                scan::rebuild(&dir, fsync)?
            }
            Loaded::Missing => {
                discard_cache(&dir);
                scan::rebuild(&dir, fsync)?
            }
        };
        clean_tmp(&dir);
        let mailbox = Mailbox {
            dir,
            fsync,
            bus,
            cache: MessageCache::new(cache_trust),
            state: RwLock::new(state),
            uidlist_writer: Mutex::new(()),
            lookups: AtomicU64::new(0),
        };
        mailbox.flush_uidlist();
        Ok(mailbox)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn is_gone(&self) -> bool {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .gone
    }

    pub fn bus(&self) -> &Arc<ChangeBus> {
        &self.bus
    }

    pub fn fsync(&self) -> Fsync {
        self.fsync
    }

    /// The state for reading; fails once the mailbox was deleted or renamed.
    pub fn read(&self) -> Result<RwLockReadGuard<'_, State>, StorageError> {
        let st = self.state.read().unwrap_or_else(PoisonError::into_inner);
        if st.gone {
            return Err(StorageError::NoSuchMailbox);
        }
        Ok(st)
    }

    pub fn write(&self) -> Result<RwLockWriteGuard<'_, State>, StorageError> {
        let st = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if st.gone {
            return Err(StorageError::NoSuchMailbox);
        }
        Ok(st)
    }

    /// The write lock even when gone: for marking the mailbox gone.
    pub fn write_even_if_gone(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Brings the shared state up to date with the Maildir: a full scan when
    /// `cur/` or `new/` changed since the last trusted scan (or when a
    /// read-write sync must move files out of `new/`).
    pub fn sync_disk(&self, mode: ScanMode) -> Result<(), StorageError> {
        // While the directory is watched, outside changes arrive through
        // `Store::refresh` and the state is current: no need to look (two
        // stat calls for every session's every sync, 20,000 of them when a
        // delivery wakes 10,000 sessions on one mailbox).
        if (mode == ScanMode::ReadOnly || self.read()?.in_new == 0)
            && self.bus.is_watched(&self.dir)
        {
            return Ok(());
        }
        self.look_at_disk(mode)
    }

    /// Like `sync_disk`, but always looks at the directory's stamps (the
    /// watcher's own refresh).
    pub fn look_at_disk(&self, mode: ScanMode) -> Result<(), StorageError> {
        let now = scan::dir_stamps(&self.dir).map_err(|e| self.io_error(e))?;
        {
            let st = self.read()?;
            let moves_pending = mode == ScanMode::ReadWrite && st.in_new > 0;
            if st.stamps == Some(now) && !moves_pending {
                return Ok(());
            }
        }
        {
            let mut st = self.write()?;
            scan::rescan(self, &mut st, mode)?;
        }
        self.flush_uidlist();
        Ok(())
    }

    /// Maps an I/O error to `NoSuchMailbox` when the mailbox directory
    /// itself has disappeared (deleted by someone outside dormouse).
    pub fn io_error(&self, e: io::Error) -> StorageError {
        if e.kind() == io::ErrorKind::NotFound && !self.dir.join("cur").is_dir() {
            StorageError::NoSuchMailbox
        } else {
            StorageError::Io(e)
        }
    }

    /// Appends `records` to the index (fsynced per the settings), then
    /// applies them to `st`. Nothing is applied if the write fails.
    pub fn log(&self, st: &mut State, records: &[Record<'_>]) -> Result<(), StorageError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::new();
        for r in records {
            r.encode(&mut buf);
        }
        match log::append(&self.dir, &buf, self.fsync) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // The index vanished under us: write it afresh from memory,
                // then add the new records.
                tracing::warn!(mailbox = %crate::logpath::PathTag::of(&self.dir), "index file disappeared; rewriting it");
                self.rewrite(st)?;
                log::append(&self.dir, &buf, self.fsync).map_err(|e| self.io_error(e))?;
            }
            Err(e) => return Err(self.io_error(e)),
        }
        st.log_bytes += buf.len() as u64;
        st.apply(records);
        self.publish(st, note_kind(records));
        if compact::worth_compacting(st)
            && let Err(e) = self.rewrite(st)
        {
            // The log stays valid, only longer than it needs to be.
            tracing::warn!(mailbox = %crate::logpath::PathTag::of(&self.dir), error = %e, "index compaction failed");
        }
        Ok(())
    }

    /// Tells the change bus about a committed change; called with the write
    /// lock held (`st`), so notes for this mailbox go out in commit order.
    fn publish(&self, st: &State, kind: NoteKind) {
        if kind.is_empty() {
            return;
        }
        let note = Note {
            kind,
            modseq: st.highest_modseq,
            uid_next: st.next_uid,
        };
        self.bus.publish(&self.dir, &note);
    }

    /// Marks the mailbox deleted or renamed away and says so on the bus.
    pub fn set_gone(&self, st: &mut State) {
        st.gone = true;
        self.publish(st, NoteKind::GONE);
    }

    /// Appends records that may be lost in a crash without harm (recent
    /// claims, directory stamps): no fsync.
    pub fn log_lazily(&self, st: &mut State, records: &[Record<'_>]) {
        let mut buf = Vec::new();
        for r in records {
            r.encode(&mut buf);
        }
        match log::append(&self.dir, &buf, Fsync::Never) {
            Ok(()) => {
                st.log_bytes += buf.len() as u64;
                st.apply(records);
            }
            Err(e) => {
                tracing::warn!(mailbox = %crate::logpath::PathTag::of(&self.dir), error = %e, "index append failed");
            }
        }
    }

    /// Writes a compacted log from `st`.
    pub fn rewrite(&self, st: &mut State) -> Result<(), StorageError> {
        compact::fold_expunges(st);
        let records = compact::snapshot(st);
        log::write_fresh(&self.dir, st.uidvalidity, &records, self.fsync)
            .map_err(|e| self.io_error(e))?;
        st.log_bytes = (records.len() + crate::index::record::HEADER_LEN) as u64;
        Ok(())
    }

    /// Defines the keywords in `names` that the table lacks; returns their
    /// mask and the Keyword records to log. `dovecot-keywords` is rewritten
    /// at once when a new name got a Maildir letter, so that the letter in
    /// the file names written next means the same to Dovecot.
    ///
    /// `table` is the caller's copy of the mailbox's table, so that nothing
    /// is defined in memory unless the caller logs the records.
    pub fn define_keywords(
        &self,
        table: &mut KeywordTable,
        names: &[String],
    ) -> Result<(u64, Vec<(u8, String)>), StorageError> {
        let mut mask = 0u64;
        let mut new = Vec::new();
        for name in names {
            let (index, fresh) = table.define(name)?;
            mask |= 1u64 << index;
            if fresh {
                new.push((u8::try_from(index).unwrap_or(u8::MAX), name.clone()));
            }
        }
        if new.iter().any(|(i, _)| (1u64 << i) & LETTER_MASK != 0) {
            self.write_dovecot_keywords(table)?;
        }
        Ok((mask, new))
    }

    pub fn write_dovecot_keywords(&self, table: &KeywordTable) -> Result<(), StorageError> {
        // Dovecot writes dovecot-keywords only under the uidlist lock.
        let _lock = dotlock(&self.dir.join(UIDLIST_NAME), UIDLIST_LOCK_STALE)?;
        write_keywords(&self.dir, &table.letter_names(), self.fsync)
    }

    /// The message cache's payload for `uid` (see `cache/mod.rs`).
    pub fn cached(&self, uid: u32) -> Option<Vec<u8>> {
        self.cache.get(self, uid)
    }

    /// Caches `payload` for `uid`; failures are logged, not returned.
    pub fn cache(&self, uid: u32, payload: &[u8]) {
        self.cache.put(self, uid, payload);
    }

    /// Heap bytes of the shared state (for memory measurements).
    pub fn heap_bytes(&self) -> usize {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .heap_bytes()
    }
}

impl Drop for Mailbox {
    /// A uidlist write that failed earlier gets a last chance when the last
    /// session leaves; the next load would not know it is stale.
    fn drop(&mut self) {
        self.flush_uidlist();
    }
}

/// The Maildir letter bits of a keyword mask.
pub fn letters(keywords: u64) -> u32 {
    u32::try_from(keywords & LETTER_MASK).unwrap_or(0)
}

fn replay(dir: &Path, uidvalidity: u32, data: &[u8], fsync: Fsync) -> Result<State, StorageError> {
    let mut st = State::new(uidvalidity);
    let mut dead = Vec::new();
    let good = log::replay(data, |rec| st.apply_one(&rec, &mut dead));
    st.remove_dead(dead);
    if good < data.len() {
        log::truncate(dir, good as u64, fsync)?;
    }
    st.log_bytes = good as u64;
    // The ring only serves views, and there are none yet.
    st.changes = crate::changes::ChangeRing::starting_at(st.highest_modseq);
    st.stamps = st.logged_stamps;
    st.messages.shrink();
    Ok(st)
}

/// A rebuilt index may give a UID to another file than the lost one did
/// (a stale `dovecot-uidlist` under the same UIDVALIDITY), so the cache
/// entries keyed by the old UIDs go (and are not trusted if they stay).
fn discard_cache(dir: &Path) {
    match std::fs::remove_file(dir.join(CACHE_NAME)) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::error!(mailbox = %crate::logpath::PathTag::of(dir), error = %e, "could not remove the message cache of a rebuilt index");
        }
    }
}

/// Dovecot's rule (`MAILDIR_TMP_DELETE_SECS`): a file left in `tmp/` for 36
/// hours is a delivery that died half-way.
const TMP_MAX_AGE: Duration = Duration::from_secs(36 * 3600);

/// Removes what crashed writers left in `tmp/`: old temp files and the
/// directories of deleted mailboxes whose removal was interrupted.
fn clean_tmp(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir.join("tmp")) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let name = entry.file_name();
        let result = if is_dir {
            if !name
                .to_string_lossy()
                .starts_with(crate::tree::DELETED_PREFIX)
            {
                continue;
            }
            std::fs::remove_dir_all(&path)
        } else {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age > TMP_MAX_AGE);
            if !old {
                continue;
            }
            std::fs::remove_file(&path)
        };
        if let Err(e) = result {
            tracing::warn!(mailbox = %crate::logpath::PathTag::of(&path), error = %e, "could not clean tmp/");
        }
    }
}

/// A fresh UIDVALIDITY: the current time in seconds, as Dovecot does, but
/// never the same value twice in one process, so a mailbox deleted and
/// re-created within a second still gets a new one.
pub fn new_uidvalidity() -> u32 {
    static LAST: AtomicU32 = AtomicU32::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
        .unwrap_or(1)
        .max(1);
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(last.wrapping_add(1)).max(1);
        match LAST.compare_exchange(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}
