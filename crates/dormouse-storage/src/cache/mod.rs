//! The per-mailbox message cache, `dormouse.cache`: one opaque payload per
//! message (the session layer stores its parsed ENVELOPE/BODYSTRUCTURE
//! there), appended to a checksummed file beside the index and located
//! through an 8-byte slot per message in the shared message table. It is
//! best effort: every failure is logged and becomes a miss, nothing is
//! fsynced, and the file can always be deleted. It never interprets a
//! payload.
//!
//! Why it never serves one message's payload for another: a slot lives
//! beside its message's record, so it dies with an expunge; the file's
//! header names the UIDVALIDITY and every read checks it, and each record
//! carries its UID under its CRC; entries are bound to messages only when
//! the file is first loaded, and only for UIDs the replayed index held
//! when the mailbox was opened (`Trust`); a rebuilt index discards the file.

mod file;
pub mod format;

use std::path::PathBuf;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::mailbox::Mailbox;
use file::Scan;
use format::HEADER_LEN;

pub const CACHE_NAME: &str = "dormouse.cache";

/// Files smaller than this are never worth rewriting (as for the index).
const MIN_COMPACT_BYTES: u64 = 64 * 1024;

/// Which entries already in the file may be bound to messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Those of UIDs below this: `next_uid` of the replayed index. A UID at
    /// or above it may be one a crash took back before its index record
    /// was durable, and be given to another message.
    UidsBelow(u32),
    /// None: the index was rebuilt, and the file is started afresh.
    Nothing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The file has not been read yet: no slot is set.
    Unloaded,
    Ready,
    /// The file cannot be used (I/O failed): every call is a miss.
    Off,
}

struct Tracker {
    phase: Phase,
    /// The file's length as last written.
    len: u64,
    /// The bytes the live entries take, header included, as of the last
    /// count; expunges since then make it high, never low.
    live: u64,
    /// `Messages::cache_slots_dropped` at the last count.
    dropped: u64,
}

pub struct MessageCache {
    /// Shared by readers; loading, appending and compaction hold it alone,
    /// so the file a slot points into is always the one it was set for.
    tracker: RwLock<Tracker>,
    trust: Trust,
}

impl MessageCache {
    pub fn new(trust: Trust) -> MessageCache {
        MessageCache {
            tracker: RwLock::new(Tracker {
                phase: Phase::Unloaded,
                len: 0,
                live: 0,
                dropped: 0,
            }),
            trust,
        }
    }

    /// The payload cached for `uid`, if any.
    pub fn get(&self, mb: &Mailbox, uid: u32) -> Option<Vec<u8>> {
        let _guard = self.ready(mb)?;
        let (uidvalidity, slot) = {
            let st = mb.read().ok()?;
            (st.uidvalidity, st.messages.cache_slot(uid))
        };
        if slot == 0 {
            return None;
        }
        match file::read(&path(mb), uidvalidity, slot, uid) {
            Ok(Some(payload)) => Some(payload),
            Ok(None) => {
                tracing::warn!(mailbox = %crate::logpath::PathTag::of(mb.dir()), uid, "cache entry failed its check; recomputing it");
                None
            }
            Err(e) => {
                tracing::warn!(mailbox = %crate::logpath::PathTag::of(mb.dir()), error = %e, "cache read failed");
                None
            }
        }
    }

    /// Caches `payload` for `uid` (replacing what it had), if the message
    /// is still there.
    pub fn put(&self, mb: &Mailbox, uid: u32, payload: &[u8]) {
        let Some(record) = format::record(uid, payload) else {
            return;
        };
        let Some(mut t) = self.ready_to_write(mb) else {
            return;
        };
        let (uidvalidity, current) = match mb.read() {
            Ok(st) if st.messages.by_uid(uid).is_some() => {
                (st.uidvalidity, st.messages.cache_slot(uid))
            }
            _ => return,
        };
        let path = path(mb);
        let written = match file::append(&path, uidvalidity, &record) {
            Ok(Some(at)) => Ok(at),
            Ok(None) => Err(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(None),
            Err(e) => Err(Some(e)),
        };
        let at = match written {
            Ok(at) => at,
            // Deleted or replaced by someone else: start afresh.
            Err(None) => {
                tracing::warn!(mailbox = %crate::logpath::PathTag::of(mb.dir()), "cache file vanished or changed; starting a new one");
                if !reset(mb, &mut t) {
                    return;
                }
                match file::append(&path, uidvalidity, &record) {
                    Ok(Some(at)) => at,
                    Ok(None) => return,
                    Err(e) => return turn_off(mb, &mut t, &e),
                }
            }
            Err(Some(e)) => return turn_off(mb, &mut t, &e),
        };
        let Some(slot) = format::slot(at, payload.len()) else {
            return;
        };
        if let Ok(mut st) = mb.write() {
            st.messages.swap_cache_slot(uid, current, slot);
        }
        let added = record.len() as u64;
        t.len = at + added;
        t.live += added;
        if current != 0 {
            t.live = t.live.saturating_sub(format::record_len(current));
        }
        maybe_compact(mb, &mut t);
    }

    /// The tracker, shared, once the file is loaded; `None` when off.
    fn ready(&self, mb: &Mailbox) -> Option<RwLockReadGuard<'_, Tracker>> {
        loop {
            {
                let t = self.tracker.read().unwrap_or_else(PoisonError::into_inner);
                match t.phase {
                    Phase::Ready => return Some(t),
                    Phase::Off => return None,
                    Phase::Unloaded => {}
                }
            }
            // Loads the file; the exclusive guard is not needed after.
            drop(self.ready_to_write(mb)?);
        }
    }

    /// The tracker, exclusively, once the file is loaded; `None` when off.
    fn ready_to_write(&self, mb: &Mailbox) -> Option<RwLockWriteGuard<'_, Tracker>> {
        let mut t = self.tracker.write().unwrap_or_else(PoisonError::into_inner);
        if t.phase == Phase::Unloaded {
            self.load(mb, &mut t);
        }
        (t.phase == Phase::Ready).then_some(t)
    }

    /// Reads the file and sets the slots of the messages it has entries
    /// for; a torn tail is cut, an unusable file replaced.
    fn load(&self, mb: &Mailbox, t: &mut Tracker) {
        let Ok(uidvalidity) = mb.read().map(|st| st.uidvalidity) else {
            return;
        };
        let Trust::UidsBelow(horizon) = self.trust else {
            reset(mb, t);
            return;
        };
        let path = path(mb);
        let (entries, intact, len) = match file::scan(&path, uidvalidity) {
            Ok(Scan::Usable {
                entries,
                intact,
                len,
            }) => (entries, intact, len),
            Ok(Scan::Unusable) => {
                reset(mb, t);
                return;
            }
            Err(e) => return turn_off(mb, t, &e),
        };
        if intact < len {
            tracing::warn!(mailbox = %crate::logpath::PathTag::of(mb.dir()), offset = intact, "cache file ends in a torn or garbled record; cutting it off");
            if let Err(e) = file::truncate(&path, intact) {
                return turn_off(mb, t, &e);
            }
        }
        let Ok(mut st) = mb.write() else {
            return;
        };
        st.messages.track_cache();
        // A UID written twice was re-cached: the last entry wins.
        for (uid, slot) in entries {
            if uid < horizon {
                let current = st.messages.cache_slot(uid);
                st.messages.swap_cache_slot(uid, current, slot);
            }
        }
        t.live = live_bytes(&st.messages);
        t.dropped = st.messages.cache_slots_dropped();
        t.len = intact;
        t.phase = Phase::Ready;
    }
}

fn path(mb: &Mailbox) -> PathBuf {
    mb.dir().join(CACHE_NAME)
}

/// Starts an empty file and forgets every slot; false if that failed (the
/// cache is then off).
fn reset(mb: &Mailbox, t: &mut Tracker) -> bool {
    let Ok(mut st) = mb.write() else {
        return false;
    };
    if let Err(e) = file::create(&path(mb), st.uidvalidity) {
        drop(st);
        turn_off(mb, t, &e);
        return false;
    }
    st.messages.track_cache();
    st.messages.clear_cache_slots();
    t.len = HEADER_LEN as u64;
    t.live = HEADER_LEN as u64;
    t.dropped = st.messages.cache_slots_dropped();
    t.phase = Phase::Ready;
    true
}

/// One warning, then the mailbox goes without a cache (a read-only or
/// full file system would otherwise warn once per message).
fn turn_off(mb: &Mailbox, t: &mut Tracker, e: &std::io::Error) {
    tracing::warn!(mailbox = %crate::logpath::PathTag::of(mb.dir()), error = %e, "message cache disabled for this mailbox");
    t.phase = Phase::Off;
    if let Ok(mut st) = mb.write() {
        st.messages.clear_cache_slots();
    }
}

fn live_bytes(messages: &crate::messages::Messages) -> u64 {
    HEADER_LEN as u64
        + messages
            .cache_slots()
            .map(|(_, slot)| format::record_len(slot))
            .sum::<u64>()
}

/// Rewrites the file once it is more than twice the size of its live
/// entries (expunged messages, entries written again). The live size is
/// recounted only when expunges dropped slots since the last count, so a
/// run of writes costs no scan of the message table each.
fn maybe_compact(mb: &Mailbox, t: &mut Tracker) {
    if t.len <= MIN_COMPACT_BYTES {
        return;
    }
    let (uidvalidity, mut entries) = {
        let Ok(st) = mb.read() else {
            return;
        };
        let dropped = st.messages.cache_slots_dropped();
        if dropped != t.dropped {
            t.live = live_bytes(&st.messages);
            t.dropped = dropped;
        }
        if t.len <= 2 * t.live {
            return;
        }
        let entries: Vec<(u32, u64)> = st.messages.cache_slots().collect();
        (st.uidvalidity, entries)
    };
    entries.sort_unstable_by_key(|&(_, slot)| format::unpack(slot).0);
    match file::rewrite(&path(mb), uidvalidity, &entries) {
        Ok((slots, len)) => {
            if let Ok(mut st) = mb.write() {
                for (&(uid, old), new) in entries.iter().zip(slots) {
                    st.messages.swap_cache_slot(uid, old, new);
                }
            }
            t.len = len;
            t.live = len;
        }
        Err(e) => {
            // The old file is still whole.
            tracing::warn!(mailbox = %crate::logpath::PathTag::of(mb.dir()), error = %e, "cache compaction failed");
        }
    }
}
