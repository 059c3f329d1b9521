//! QRESYNC's part of SELECT/EXAMINE (RFC 7162 §3.2.5): a client that cached
//! the mailbox as of some modseq hears, in one round trip, which of the
//! UIDs it knows vanished since (`* VANISHED (EARLIER)`) and which messages
//! changed (`* n FETCH (UID FLAGS MODSEQ)`). Whether QRESYNC may be used at
//! all is SELECT's question, not this module's.

use std::num::NonZeroU32;

use dormouse_proto::{Data, QResync, Response, SeqNum, SeqRange, SequenceSet};
use dormouse_storage::{ModSeq, Uid, View};

use crate::errors::{ClientError, CommandError};
use crate::seqset::{intersect, literal_spans, literal_spans_as_written};
use crate::state::Selected;
use crate::updates::{self, FetchShape};

/// A checked `(QRESYNC (...))` parameter.
pub(super) struct Resync {
    uidvalidity: NonZeroU32,
    modseq: ModSeq,
    /// known-uids as sorted spans; every UID when the client sent none.
    known: Vec<(u32, u32)>,
    /// Sample (sequence number, UID) pairs from the seq-match data, in the
    /// client's order.
    samples: Vec<(u32, u32)>,
}

impl Resync {
    pub(super) fn parse(q: &QResync) -> Result<Resync, ClientError> {
        let known = match &q.known_uids {
            Some(set) => literal_spans(set)
                .ok_or(ClientError::InvalidQresync("known-uids may not use * or $"))?,
            None => vec![(1, u32::MAX)],
        };
        let samples = match &q.seq_match {
            Some((seqs, uids)) => samples(seqs, uids)?,
            None => Vec::new(),
        };
        Ok(Resync {
            uidvalidity: q.uidvalidity,
            modseq: ModSeq(q.modseq),
            known,
            samples,
        })
    }

    /// VANISHED (EARLIER), then a FETCH per changed message. A client whose
    /// UIDVALIDITY is stale gets nothing: its cache is void anyway (§3.2.5).
    pub(super) fn responses(&self, selected: &Selected) -> Result<Vec<Response>, CommandError> {
        let view = &selected.view;
        if view.uidvalidity().0 != self.uidvalidity {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        // UIDs the seq-match data shows the client already knows to be
        // gone or present: all of them up to the last matching pair.
        let floor = self.matched_uid(view).saturating_add(1);
        let below_next = view.uid_next().0.get().saturating_sub(1);
        let vanished: Vec<(u32, u32)> = intersect(
            view.vanished_ranges_since(self.modseq)?.ranges(),
            self.known.iter().copied(),
        )
        .into_iter()
        .filter_map(|(lo, hi)| {
            let (lo, hi) = (lo.max(floor), hi.min(below_next));
            (lo <= hi).then_some((lo, hi))
        })
        .collect();
        if let Some(uids) = to_set(&vanished) {
            out.push(Response::Data(Data::Vanished {
                earlier: true,
                uids,
            }));
        }
        for uid in view.changed_since(self.modseq)? {
            if !self.knows(uid) {
                continue;
            }
            let (Some(seq), Some(meta)) = (view.seq(uid), view.meta(uid)) else {
                continue;
            };
            let Some(seq) = NonZeroU32::new(seq) else {
                continue;
            };
            let shape = FetchShape {
                uid: true,
                flags: true,
            };
            out.push(updates::flags_fetch(selected, seq, uid, &meta, shape));
        }
        Ok(out)
    }

    fn knows(&self, uid: Uid) -> bool {
        let n = uid.0.get();
        self.known
            .binary_search_by(|&(lo, hi)| {
                if hi < n {
                    std::cmp::Ordering::Less
                } else if lo > n {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// The UID of the last sample pair, counting from the first, that still
    /// maps to the same sequence number here; 0 if the first one does not.
    /// Up to that UID nothing was expunged that the client has not seen,
    /// as in Dovecot's `expunges_drop_known`.
    fn matched_uid(&self, view: &View) -> u32 {
        let mut matched = 0;
        for &(seq, uid) in &self.samples {
            if view.uid(seq).map(|u| u.0.get()) != Some(uid) {
                break;
            }
            matched = uid;
        }
        matched
    }
}

/// The (sequence number, UID) pairs worth checking: the two ends of each
/// UID range and the sequence numbers in the same positions. Checking only
/// those keeps the work proportional to what the client wrote, not to the
/// numbers it spans. The two sets must be the same size.
fn samples(seqs: &SequenceSet, uids: &SequenceSet) -> Result<Vec<(u32, u32)>, ClientError> {
    const STAR: ClientError = ClientError::InvalidQresync("seq-match data may not use * or $");
    let seq_spans: Vec<(u32, u32)> = literal_spans_as_written(seqs).ok_or(STAR)?;
    let uid_spans: Vec<(u32, u32)> = literal_spans_as_written(uids).ok_or(STAR)?;
    let size = |spans: &[(u32, u32)]| -> u64 {
        spans.iter().map(|&(lo, hi)| u64::from(hi - lo) + 1).sum()
    };
    if size(&seq_spans) != size(&uid_spans) {
        return Err(ClientError::InvalidQresync(
            "the seq-match sets differ in size",
        ));
    }
    let mut nth = NthSeq::new(&seq_spans);
    let mut out = Vec::with_capacity(uid_spans.len() * 2);
    let mut position = 0u64;
    for &(lo, hi) in &uid_spans {
        if let Some(seq) = nth.at(position) {
            out.push((seq, lo));
        }
        let last = position + u64::from(hi - lo);
        if hi > lo
            && let Some(seq) = nth.at(last)
        {
            out.push((seq, hi));
        }
        position = last + 1;
    }
    Ok(out)
}

/// The n-th number of spans written in order, for increasing n.
struct NthSeq<'a> {
    spans: &'a [(u32, u32)],
    index: usize,
    /// How many numbers come before `spans[index]`.
    before: u64,
}

impl<'a> NthSeq<'a> {
    fn new(spans: &'a [(u32, u32)]) -> NthSeq<'a> {
        NthSeq {
            spans,
            index: 0,
            before: 0,
        }
    }

    fn at(&mut self, n: u64) -> Option<u32> {
        loop {
            let &(lo, hi) = self.spans.get(self.index)?;
            let len = u64::from(hi - lo) + 1;
            if n < self.before + len {
                let offset = u32::try_from(n.checked_sub(self.before)?).ok()?;
                return lo.checked_add(offset);
            }
            self.before += len;
            self.index += 1;
        }
    }
}

fn to_set(spans: &[(u32, u32)]) -> Option<SequenceSet> {
    let ranges: Vec<SeqRange> = spans
        .iter()
        .filter_map(|&(lo, hi)| {
            Some(SeqRange {
                start: SeqNum::Value(NonZeroU32::new(lo)?),
                end: SeqNum::Value(NonZeroU32::new(hi)?),
            })
        })
        .collect();
    (!ranges.is_empty()).then_some(SequenceSet::Ranges(ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(spans: &[(u32, u32)]) -> SequenceSet {
        to_set(spans).unwrap_or(SequenceSet::Saved)
    }

    #[test]
    fn spans_intersect() {
        let got = intersect(
            [(1, 5), (8, 10), (20, 30)].into_iter(),
            [(3, 9), (25, 25), (40, 50)].into_iter(),
        );
        assert_eq!(got, vec![(3, 5), (8, 9), (25, 25)]);
    }

    #[test]
    fn samples_pair_range_ends_with_sequence_positions() {
        // Sequence numbers 1,2,3,5 against UIDs 2,4,5,6: UID 2 is first,
        // UID 4 second, UID 6 fourth.
        let got = samples(&set(&[(1, 3), (5, 5)]), &set(&[(2, 2), (4, 6)]));
        assert!(
            matches!(got, Ok(ref v) if v == &[(1, 2), (2, 4), (5, 6)]),
            "{got:?}"
        );
    }

    #[test]
    fn samples_of_different_sizes_are_refused() {
        assert!(samples(&set(&[(1, 3)]), &set(&[(1, 4)])).is_err());
    }

    #[test]
    fn samples_stay_small_for_huge_ranges() {
        let got = samples(&set(&[(1, u32::MAX)]), &set(&[(1, u32::MAX)]));
        assert!(
            matches!(got, Ok(ref v) if v == &[(1, 1), (u32::MAX, u32::MAX)]),
            "{got:?}"
        );
    }
}
