//! `* VANISHED (EARLIER)` for `UID FETCH … (CHANGEDSINCE n VANISHED)`
//! (RFC 7162 §3.2.6): the UIDs of the command's set that were expunged
//! after `n`. The client's set is merged first and then intersected with
//! the store's sorted expunged ranges in one pass, so the work is linear in
//! the two lists however the client repeats or overlaps its ranges. It
//! checks nothing about whether QRESYNC is enabled (the handler does).

use std::num::NonZeroU32;

use dormouse_proto::{Data, SeqNum, SeqRange, SequenceSet};
use dormouse_storage::{ModSeq, Uid, View};

use crate::errors::CommandError;
use crate::seqset;

/// The VANISHED response for `set` (UIDs, or `$` as `saved`), or nothing
/// when none of its UIDs vanished after `since`.
pub(crate) fn vanished(
    view: &View,
    set: &SequenceSet,
    saved: &[Uid],
    since: u64,
) -> Result<Option<Data>, CommandError> {
    let gone = view.vanished_ranges_since(ModSeq(since))?;
    let spans = seqset::intersect(gone.ranges(), wanted(set, saved).into_iter());
    let ranges: Vec<SeqRange> = spans
        .into_iter()
        .filter_map(|(lo, hi)| {
            Some(SeqRange {
                start: SeqNum::Value(NonZeroU32::new(lo)?),
                end: SeqNum::Value(NonZeroU32::new(hi)?),
            })
        })
        .collect();
    Ok((!ranges.is_empty()).then_some(Data::Vanished {
        earlier: true,
        uids: SequenceSet::Ranges(ranges),
    }))
}

/// The UIDs the client named, as sorted, merged spans. `*` may name a UID
/// above every message left, so it reaches to the end of the UID space.
fn wanted(set: &SequenceSet, saved: &[Uid]) -> Vec<(u32, u32)> {
    let spans = match set {
        SequenceSet::Saved => saved.iter().map(|u| (u.0.get(), u.0.get())).collect(),
        SequenceSet::Ranges(ranges) => ranges
            .iter()
            .map(|r| {
                let value = |n: SeqNum| match n {
                    SeqNum::Largest => u32::MAX,
                    SeqNum::Value(v) => v.get(),
                };
                let (a, b) = (value(r.start), value(r.end));
                (a.min(b), a.max(b))
            })
            .collect(),
    };
    seqset::merge(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(a: u32, b: Option<u32>) -> SeqRange {
        let n = |v: u32| SeqNum::Value(NonZeroU32::new(v).unwrap_or(NonZeroU32::MIN));
        SeqRange {
            start: n(a),
            end: b.map_or(SeqNum::Largest, n),
        }
    }

    #[test]
    fn repeated_and_overlapping_ranges_merge_before_intersecting() {
        let mut ranges = vec![range(1, None); 20_000];
        ranges.push(range(7, Some(3)));
        let spans = wanted(&SequenceSet::Ranges(ranges), &[]);
        assert_eq!(spans, vec![(1, u32::MAX)]);
        let spans = wanted(
            &SequenceSet::Ranges(vec![
                range(9, Some(12)),
                range(2, Some(4)),
                range(5, Some(5)),
            ]),
            &[],
        );
        assert_eq!(spans, vec![(2, 5), (9, 12)]);
    }
}
