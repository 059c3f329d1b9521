//! Keeping `dovecot-uidlist` in step with the index, as Dovecot does: new
//! messages are appended as lines, and the file is rewritten whole only
//! when it must be (missing, torn, written by another program, a new
//! UIDVALIDITY) or when lines of expunged messages pile up. Rewriting a
//! 100k-message list after every delivery wrote ~5 MB (and an fsync) under
//! the mailbox lock; appending writes one line. Failures are logged, never
//! returned: the file only serves Dovecot, and the next change retries.

use std::sync::PoisonError;

use crate::dovecot::{UidList, UidlistAppend, UidlistShape, append_uidlist, write_uidlist};
use crate::mailbox::Mailbox;
use crate::state::State;

/// Stale lines (of expunged messages) allowed before a rewrite: a quarter
/// of the file, Dovecot's own rule (`UIDLIST_COMPRESS_PERCENTAGE` 75 in
/// `maildir-uidlist.c`), but never more than 1,000. A stale line costs
/// every reader of the file, and it keeps a base name tied to its old UID:
/// a file of that name restored from a backup would get that UID back
/// from Dovecot. The cap keeps a large mailbox's file close to its live
/// size, at one rewrite per thousand expunges at most.
const STALE_SHARE: u32 = 4;
const STALE_MAX: u32 = 1000;

/// Line length assumed when a file lists no live message to measure by
/// (a Maildir base name is about 50 bytes, plus the UID).
const TYPICAL_LINE: u64 = 60;

/// What `dovecot-uidlist` holds, as far as this process knows.
#[derive(Clone, Debug, Default)]
pub struct UidlistState {
    /// Every live message with a UID at or below this has its line.
    listed_up_to: u32,
    /// Record lines in the file (the header not counted).
    lines: u32,
    /// Lines of messages expunged since they were written.
    stale: u32,
    /// The file's length after the last write (or when it was examined);
    /// another length means another program wrote it.
    len: u64,
    /// Only a whole rewrite will do.
    rewrite: bool,
    /// Something changed that may need writing.
    dirty: bool,
}

enum Plan {
    Append {
        entries: Vec<(u32, String)>,
        len: u64,
    },
    Rewrite(UidList),
}

impl UidlistState {
    /// A file that must be written whole at the next flush.
    pub fn rewrite() -> UidlistState {
        UidlistState {
            rewrite: true,
            dirty: true,
            ..UidlistState::default()
        }
    }

    /// Judges the file found when loading a mailbox from its index, from
    /// its first and last lines and its length: lines can be appended if
    /// it has our UIDVALIDITY, lists no UID we do not know, and is not
    /// shorter than the lines of the live messages it must list. Its stale
    /// lines are estimated from the bytes beyond those.
    pub fn examine(shape: Option<UidlistShape>, st: &State) -> UidlistState {
        let Some(shape) = shape else {
            return UidlistState::rewrite();
        };
        if shape.uidvalidity != st.uidvalidity || shape.last_uid >= st.next_uid {
            return UidlistState::rewrite();
        }
        let (mut live, mut live_bytes) = (0u32, 0u64);
        for rec in st.messages.iter().take_while(|r| r.uid <= shape.last_uid) {
            live += 1;
            live_bytes += line_len(rec.uid, st.messages.name(rec));
        }
        let Some(extra) = shape
            .len
            .checked_sub(shape.header_len)
            .and_then(|body| body.checked_sub(live_bytes))
        else {
            // Shorter than the lines it must hold: some are missing.
            return UidlistState::rewrite();
        };
        let average = live_bytes
            .checked_div(u64::from(live))
            .unwrap_or(TYPICAL_LINE);
        let stale = u32::try_from(extra.div_ceil(average.max(1))).unwrap_or(u32::MAX);
        let unlisted = st.messages.first_at_or_above(shape.last_uid + 1) < st.messages.len();
        let mut out = UidlistState {
            listed_up_to: shape.last_uid,
            lines: live.saturating_add(stale),
            stale,
            len: shape.len,
            rewrite: false,
            dirty: unlisted,
        };
        out.dirty |= out.too_stale();
        out
    }

    /// New messages were added.
    pub fn added(&mut self) {
        self.dirty = true;
    }

    /// The messages `uids` were expunged; their lines, if written, are
    /// stale now.
    pub fn expunged(&mut self, uids: impl Iterator<Item = u32>) {
        let listed = uids.filter(|&u| u <= self.listed_up_to).count();
        self.stale = self
            .stale
            .saturating_add(u32::try_from(listed).unwrap_or(u32::MAX));
        self.dirty |= self.too_stale();
    }

    fn too_stale(&self) -> bool {
        self.stale > STALE_MAX || self.stale.saturating_mul(STALE_SHARE) > self.lines
    }

    /// What the next flush must write, with the state updated as if it
    /// succeeded; `None` if nothing.
    fn plan(st: &mut State) -> Option<Plan> {
        let this = &mut st.uidlist;
        if !this.dirty || st.gone {
            return None;
        }
        this.dirty = false;
        if this.rewrite || this.too_stale() {
            let entries: Vec<(u32, String)> = st
                .messages
                .iter()
                .map(|m| (m.uid, st.messages.name(m)))
                .filter(|(_, base)| writable(base))
                .map(|(uid, base)| (uid, base.to_owned()))
                .collect();
            st.uidlist = UidlistState {
                listed_up_to: st.next_uid.saturating_sub(1),
                lines: u32::try_from(entries.len()).unwrap_or(u32::MAX),
                ..UidlistState::default()
            };
            return Some(Plan::Rewrite(UidList {
                uidvalidity: st.uidvalidity,
                next_uid: st.next_uid,
                guid: st.guid.clone(),
                entries,
            }));
        }
        let start = st
            .messages
            .first_at_or_above(this.listed_up_to.saturating_add(1));
        let entries: Vec<(u32, String)> = st
            .messages
            .records_from(start)
            .iter()
            .map(|m| (m.uid, st.messages.name(m)))
            .filter(|(_, base)| writable(base))
            .map(|(uid, base)| (uid, base.to_owned()))
            .collect();
        if entries.is_empty() {
            return None;
        }
        let this = &mut st.uidlist;
        this.listed_up_to = st.next_uid.saturating_sub(1);
        this.lines = this
            .lines
            .saturating_add(u32::try_from(entries.len()).unwrap_or(u32::MAX));
        Some(Plan::Append {
            entries,
            len: this.len,
        })
    }
}

/// Bytes of the line `write_uidlist` writes for a message.
fn line_len(uid: u32, base: &str) -> u64 {
    let digits = uid.checked_ilog10().unwrap_or(0) + 1;
    u64::from(digits) + 2 + base.len() as u64 + 1
}

/// Names that cannot be written on one uidlist line (never ours, but a
/// file another program made) are left out; Dovecot lists them itself.
fn writable(base: &str) -> bool {
    !base.is_empty() && !base.contains(['\n', '\r', '\0', ':', '/'])
}

impl Mailbox {
    /// Writes to `dovecot-uidlist` what changed since the last write. The
    /// uidlist mutex is held from the plan to the write, so that writers
    /// append in UID order and an older snapshot never lands after a
    /// newer one; it is taken before the state lock, never after.
    pub fn flush_uidlist(&self) {
        let _writer = self
            .uidlist_writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let plan = {
            let mut st = self.write_even_if_gone();
            UidlistState::plan(&mut st)
        };
        let result = match plan {
            None => return,
            Some(Plan::Append { entries, len }) => {
                match append_uidlist(self.dir(), &entries, len, self.fsync()) {
                    Ok(UidlistAppend::Appended { len }) => Ok(Some(len)),
                    Ok(UidlistAppend::MustRewrite) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            Some(Plan::Rewrite(list)) => write_uidlist(self.dir(), &list, self.fsync()).map(Some),
        };
        let mut st = self.write_even_if_gone();
        match result {
            Ok(Some(len)) => st.uidlist.len = len,
            Ok(None) => {
                drop(st);
                self.rewrite_uidlist_now();
            }
            Err(e) => {
                tracing::warn!(mailbox = %crate::logpath::PathTag::of(self.dir()), error = %e, "could not update dovecot-uidlist");
                // What reached the file is unknown: only a whole rewrite
                // is sure to be right.
                st.uidlist = UidlistState::rewrite();
            }
        }
    }

    /// An append found the file not as we left it: write it whole (under
    /// the caller's uidlist mutex).
    fn rewrite_uidlist_now(&self) {
        let plan = {
            let mut st = self.write_even_if_gone();
            st.uidlist = UidlistState::rewrite();
            UidlistState::plan(&mut st)
        };
        let Some(Plan::Rewrite(list)) = plan else {
            return;
        };
        let result = write_uidlist(self.dir(), &list, self.fsync());
        let mut st = self.write_even_if_gone();
        match result {
            Ok(len) => st.uidlist.len = len,
            Err(e) => {
                tracing::warn!(mailbox = %crate::logpath::PathTag::of(self.dir()), error = %e, "could not rewrite dovecot-uidlist");
                st.uidlist = UidlistState::rewrite();
            }
        }
    }
}
