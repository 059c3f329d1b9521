//! Turns a command's sequence set (sequence numbers, UIDs, or SEARCHRES `$`)
//! into the messages of the session's view, as `(sequence number, UID)`
//! pairs in ascending order. The rules differ by mode (RFC 9051 §9,
//! `seq-number`): a sequence number beyond the mailbox is a client error,
//! a UID that does not exist is silently skipped.

use dormouse_proto::{SeqNum, SequenceSet, UidMode};
use dormouse_storage::{Uid, View};

use crate::errors::ClientError;

/// One addressed message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Addressed {
    pub(crate) seq: u32,
    pub(crate) uid: Uid,
}

/// The messages `set` addresses in `view`. `saved` is the SEARCHRES result
/// (RFC 5182), kept as UIDs so that expunges do not shift it.
pub(crate) fn resolve(
    set: &SequenceSet,
    mode: UidMode,
    view: &View,
    saved: &[Uid],
) -> Result<Vec<Addressed>, ClientError> {
    let ranges = match set {
        SequenceSet::Saved => return Ok(from_uids(view, saved.iter().copied())),
        SequenceSet::Ranges(ranges) => ranges,
    };
    match mode {
        UidMode::Seq => by_seq(ranges, view),
        UidMode::Uid => Ok(by_uid(ranges, view)),
    }
}

/// The numbers of a set that must not use `*` or `$` (QRESYNC's
/// known-uids and seq-match data, RFC 7162 §7), as sorted, merged spans;
/// `None` if it does use them.
pub(crate) fn literal_spans(set: &SequenceSet) -> Option<Vec<(u32, u32)>> {
    literal_spans_as_written(set).map(merge)
}

/// The same spans unmerged, in the order the client wrote them, for sets
/// whose order carries meaning (QRESYNC's seq-match pairs).
pub(crate) fn literal_spans_as_written(set: &SequenceSet) -> Option<Vec<(u32, u32)>> {
    let SequenceSet::Ranges(ranges) = set else {
        return None;
    };
    ranges
        .iter()
        .map(|range| match (range.start, range.end) {
            (SeqNum::Value(a), SeqNum::Value(b)) => {
                Some((a.get().min(b.get()), a.get().max(b.get())))
            }
            _ => None,
        })
        .collect()
}

fn by_seq(ranges: &[dormouse_proto::SeqRange], view: &View) -> Result<Vec<Addressed>, ClientError> {
    let exists = view.exists();
    let value = |n: SeqNum| -> Result<u32, ClientError> {
        match n {
            // RFC 9051 §9: `*` in an empty mailbox addresses nothing valid.
            SeqNum::Largest if exists == 0 => Err(ClientError::InvalidSequence),
            SeqNum::Largest => Ok(exists),
            SeqNum::Value(v) if v.get() <= exists => Ok(v.get()),
            SeqNum::Value(_) => Err(ClientError::InvalidSequence),
        }
    };
    let mut seqs: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for range in ranges {
        let (a, b) = (value(range.start)?, value(range.end)?);
        seqs.push((a.min(b), a.max(b)));
    }
    let mut out = Vec::new();
    for (lo, hi) in merge(seqs) {
        for seq in lo..=hi {
            if let Some(uid) = view.uid(seq) {
                out.push(Addressed { seq, uid });
            }
        }
    }
    Ok(out)
}

fn by_uid(ranges: &[dormouse_proto::SeqRange], view: &View) -> Vec<Addressed> {
    // `*` is the largest UID in use; with no messages, nothing matches.
    let Some(largest) = view.uid(view.exists()) else {
        return Vec::new();
    };
    let value = |n: SeqNum| match n {
        SeqNum::Largest => largest.0.get(),
        SeqNum::Value(v) => v.get(),
    };
    let spans = merge(
        ranges
            .iter()
            .map(|r| {
                let (a, b) = (value(r.start), value(r.end));
                (a.min(b), a.max(b))
            })
            .collect(),
    );
    let mut out = Vec::new();
    let mut spans = spans.into_iter().peekable();
    for (index, uid) in view.uids().enumerate() {
        let n = uid.0.get();
        while spans.peek().is_some_and(|&(_, hi)| hi < n) {
            spans.next();
        }
        let Some(&(lo, _)) = spans.peek() else { break };
        if n >= lo {
            out.push(Addressed {
                seq: index as u32 + 1,
                uid,
            });
        }
    }
    out
}

fn from_uids(view: &View, uids: impl Iterator<Item = Uid>) -> Vec<Addressed> {
    let mut out: Vec<Addressed> = uids
        .filter_map(|uid| view.seq(uid).map(|seq| Addressed { seq, uid }))
        .collect();
    out.sort_by_key(|a| a.seq);
    out.dedup();
    out
}

/// The intersection of two sorted lists of disjoint spans, in one pass
/// over both.
pub(crate) fn intersect(
    a: impl Iterator<Item = (u32, u32)>,
    b: impl Iterator<Item = (u32, u32)>,
) -> Vec<(u32, u32)> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    let mut out = Vec::new();
    while let (Some(&(a0, a1)), Some(&(b0, b1))) = (a.peek(), b.peek()) {
        let (lo, hi) = (a0.max(b0), a1.min(b1));
        if lo <= hi {
            out.push((lo, hi));
        }
        if a1 < b1 {
            a.next();
        } else {
            b.next();
        }
    }
    out
}

/// Sorts and merges overlapping or adjacent spans.
pub(crate) fn merge(mut spans: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    spans.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(spans.len());
    for (lo, hi) in spans {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn spans_merge() {
        assert_eq!(
            merge(vec![(5, 9), (1, 2), (3, 4), (20, 20)]),
            vec![(1, 9), (20, 20)]
        );
        assert_eq!(merge(vec![(1, u32::MAX), (2, 3)]), vec![(1, u32::MAX)]);
    }
}
