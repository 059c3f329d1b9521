//! Compaction: the records that rebuild a mailbox's current state (State,
//! keyword table, the expunges still kept, one Append per live message),
//! and the rule for when the log has grown enough to be rewritten. It does
//! not write files; the mailbox does, under its lock.

use super::record::{FRAME_LEN, HEADER_LEN, Record};
use crate::state::State;

/// Expunges kept one by one for QRESYNC's VANISHED (RFC 7162 §3.2.10);
/// older ones fold into one "expunged before modseq X" record, after which
/// a client that far behind gets every UID in the gaps, which the RFC allows.
const EXPUNGES_KEPT: usize = 4096;

/// Logs smaller than this are never worth rewriting.
const MIN_COMPACT_BYTES: u64 = 64 * 1024;

/// Bytes of an Append record without its name.
const APPEND_FIXED: usize = FRAME_LEN + 1 + 4 + 8 + 1 + 8 + 8 + 8 + 2;
const EXPUNGE_LEN: usize = FRAME_LEN + 1 + 4 + 8;

/// Folds old expunges so that at most `EXPUNGES_KEPT` remain listed.
pub fn fold_expunges(st: &mut State) {
    let excess = st.expunged.len().saturating_sub(EXPUNGES_KEPT);
    if excess == 0 {
        return;
    }
    if let Some(&(_, modseq)) = st.expunged.get(excess - 1) {
        st.expunged_floor = st.expunged_floor.max(modseq);
    }
    st.expunged.drain(..excess);
}

/// The records of a fresh log for `st` (without the header).
pub fn snapshot(st: &State) -> Vec<u8> {
    let mut out = Vec::with_capacity(estimate(st));
    Record::State {
        next_uid: st.next_uid,
        highest_modseq: st.highest_modseq,
        first_recent_uid: st.first_recent_uid,
    }
    .encode(&mut out);
    if st.expunged_floor > 0 {
        Record::ExpungedBefore {
            modseq: st.expunged_floor,
        }
        .encode(&mut out);
    }
    for (index, name) in st.keywords.names().iter().enumerate() {
        if let (false, Ok(index)) = (name.is_empty(), u8::try_from(index)) {
            Record::Keyword { index, name }.encode(&mut out);
        }
    }
    for &(uid, modseq) in &st.expunged {
        Record::Expunge { uid, modseq }.encode(&mut out);
    }
    for m in st.messages.iter() {
        Record::Append {
            uid: m.uid,
            modseq: m.modseq,
            flags: m.flags.bits(),
            keywords: m.keywords,
            internal_date: m.internal_date,
            size: st.messages.size(m),
            name: st.messages.name(m),
        }
        .encode(&mut out);
    }
    if let Some(stamps) = st.stamps {
        Record::DirStamps {
            cur: stamps.cur,
            new: stamps.new,
        }
        .encode(&mut out);
    }
    out
}

/// Approximate size of a compacted log.
pub fn estimate(st: &State) -> usize {
    HEADER_LEN
        + 256
        + st.keywords
            .names()
            .iter()
            .map(|n| n.len() + 12)
            .sum::<usize>()
        + st.expunged.len() * EXPUNGE_LEN
        + st.messages.len() * APPEND_FIXED
        + st.messages.name_bytes()
}

/// A log more than twice its compacted size is rewritten.
pub fn worth_compacting(st: &State) -> bool {
    st.log_bytes > MIN_COMPACT_BYTES && st.log_bytes > 2 * estimate(st) as u64
}
