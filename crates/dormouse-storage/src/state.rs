//! The in-memory state of one open mailbox and the single function that
//! applies index records to it, used both when replaying the log and after
//! a live change was logged, so the two can never disagree. No I/O here.

use crate::changes::{Change, ChangeKind, ChangeRing};
use crate::flags::SystemFlags;
use crate::index::record::{Record, Stamp};
use crate::keyword_table::KeywordTable;
use crate::messages::{Location, Messages, NewRecord};
use crate::uidlist_sync::UidlistState;

/// The mtimes of `cur/` and `new/` as of the last full scan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirStamps {
    pub cur: Stamp,
    pub new: Stamp,
}

pub struct State {
    pub uidvalidity: u32,
    pub next_uid: u32,
    pub highest_modseq: u64,
    /// Messages with a UID at or above this are \Recent for the next
    /// read-write session that syncs them.
    pub first_recent_uid: u32,
    pub messages: Messages,
    pub keywords: KeywordTable,
    pub changes: ChangeRing,
    /// (uid, modseq) of expunges still known one by one, ascending modseq.
    pub expunged: Vec<(u32, u64)>,
    /// Expunges at or below this modseq were folded away.
    pub expunged_floor: u64,
    /// `Some` when the last scan's stamps can be trusted (see scan.rs).
    pub stamps: Option<DirStamps>,
    /// What the index says the stamps were; differs from `stamps` when the
    /// current ones were never logged.
    pub logged_stamps: Option<DirStamps>,
    pub log_bytes: u64,
    pub uidlist: UidlistState,
    pub guid: Option<String>,
    /// Messages whose file is still in `new/`.
    pub in_new: u32,
    /// Set when the mailbox was deleted or renamed away under open views.
    pub gone: bool,
}

impl State {
    pub fn new(uidvalidity: u32) -> State {
        State {
            uidvalidity,
            next_uid: 1,
            // RFC 7162's mod-sequence-value is positive, and the first change
            // must get a value above the HIGHESTMODSEQ reported before it.
            highest_modseq: 1,
            first_recent_uid: 1,
            messages: Messages::default(),
            keywords: KeywordTable::default(),
            changes: ChangeRing::default(),
            expunged: Vec::new(),
            expunged_floor: 0,
            stamps: None,
            logged_stamps: None,
            log_bytes: 0,
            uidlist: UidlistState::default(),
            guid: None,
            in_new: 0,
            gone: false,
        }
    }

    /// Applies records in order. Expunges are collected and removed in one
    /// pass at the end, so a batch of many costs O(messages) once.
    pub fn apply(&mut self, records: &[Record<'_>]) {
        let mut dead: Vec<u32> = Vec::new();
        for rec in records {
            self.apply_one(rec, &mut dead);
        }
        self.remove_dead(dead);
    }

    pub fn apply_one(&mut self, rec: &Record<'_>, dead: &mut Vec<u32>) {
        match *rec {
            Record::Append {
                uid,
                modseq,
                flags,
                keywords,
                internal_date,
                size,
                name,
            } => {
                self.see_uid(uid);
                self.see_modseq(modseq);
                self.messages.insert(
                    NewRecord {
                        uid,
                        flags: SystemFlags::from_bits_truncate(flags),
                        location: Location::Cur,
                        keywords,
                        modseq,
                        internal_date,
                        size,
                    },
                    name,
                );
            }
            Record::Flags {
                uid,
                modseq,
                flags,
                keywords,
            } => {
                self.see_uid(uid);
                self.see_modseq(modseq);
                if let Some(m) = self
                    .messages
                    .find(uid)
                    .and_then(|i| self.messages.get_mut(i))
                {
                    m.flags = SystemFlags::from_bits_truncate(flags);
                    m.keywords = keywords;
                    m.modseq = modseq;
                    self.changes.push(Change {
                        modseq,
                        uid,
                        kind: ChangeKind::Flags,
                    });
                }
            }
            Record::Expunge { uid, modseq } => {
                self.see_uid(uid);
                self.see_modseq(modseq);
                if modseq > self.expunged_floor {
                    self.expunged.push((uid, modseq));
                }
                self.changes.push(Change {
                    modseq,
                    uid,
                    kind: ChangeKind::Expunge,
                });
                dead.push(uid);
            }
            Record::Keyword { index, name } => self.keywords.set(usize::from(index), name),
            Record::State {
                next_uid,
                highest_modseq,
                first_recent_uid,
            } => {
                self.next_uid = self.next_uid.max(next_uid);
                self.see_modseq(highest_modseq);
                self.first_recent_uid = self.first_recent_uid.max(first_recent_uid);
            }
            Record::ExpungedBefore { modseq } => {
                self.expunged_floor = self.expunged_floor.max(modseq);
                let floor = self.expunged_floor;
                self.expunged.retain(|&(_, m)| m > floor);
            }
            Record::DirStamps { cur, new } => {
                self.logged_stamps = Some(DirStamps { cur, new });
            }
        }
    }

    pub fn remove_dead(&mut self, mut dead: Vec<u32>) {
        if dead.is_empty() {
            return;
        }
        dead.sort_unstable();
        dead.dedup();
        self.uidlist.expunged(
            dead.iter()
                .copied()
                .filter(|&u| self.messages.find(u).is_some()),
        );
        let in_new = dead
            .iter()
            .filter_map(|&u| self.messages.by_uid(u))
            .filter(|r| r.location == Location::New)
            .count();
        self.in_new = self
            .in_new
            .saturating_sub(u32::try_from(in_new).unwrap_or(u32::MAX));
        self.messages.remove_sorted(&dead);
    }

    fn see_uid(&mut self, uid: u32) {
        self.next_uid = self.next_uid.max(uid.saturating_add(1));
    }

    fn see_modseq(&mut self, modseq: u64) {
        self.highest_modseq = self.highest_modseq.max(modseq);
    }

    pub fn set_location(&mut self, uid: u32, location: Location) {
        if let Some(m) = self
            .messages
            .find(uid)
            .and_then(|i| self.messages.get_mut(i))
            && m.location != location
        {
            m.location = location;
            match location {
                Location::New => self.in_new += 1,
                Location::Cur => self.in_new = self.in_new.saturating_sub(1),
            }
        }
    }

    /// Heap bytes of everything shared by the sessions on this mailbox.
    pub fn heap_bytes(&self) -> usize {
        self.messages.heap_bytes()
            + self.keywords.heap_bytes()
            + self.changes.heap_bytes()
            + self.expunged.capacity() * std::mem::size_of::<(u32, u64)>()
    }

    /// Count of UIDs in `[first_recent_uid, next_uid)` that exist.
    pub fn unclaimed_recent(&self) -> u32 {
        let start = self.messages.first_at_or_above(self.first_recent_uid);
        u32::try_from(self.messages.len() - start.min(self.messages.len())).unwrap_or(u32::MAX)
    }
}
