//! The coarse timer of parked sessions: deadlines rounded up to whole
//! seconds, kept as (slot, generation) pairs in one bucket per second. A
//! parked session costs 8 bytes here and no timer of its own; one tick a
//! second takes whatever is due. An entry whose session was woken or
//! re-parked meanwhile is recognised by its generation and skipped, so
//! nothing has to be removed from the wheel early.

use std::collections::BTreeMap;
use tokio::time::Instant;

/// Seconds since the wheel's start: compact, and fine-grained enough for
/// keepalives and timeouts measured in minutes.
pub(crate) type Secs = u32;

pub(crate) struct Wheel {
    start: Instant,
    buckets: BTreeMap<Secs, Vec<(u32, u32)>>,
    len: usize,
}

impl Wheel {
    pub(crate) fn new(start: Instant) -> Wheel {
        Wheel {
            start,
            buckets: BTreeMap::new(),
            len: 0,
        }
    }

    /// `at` as whole seconds since the start, rounded up (a deadline never
    /// fires early), saturating far in the future.
    pub(crate) fn secs(&self, at: Instant) -> Secs {
        let d = at.saturating_duration_since(self.start);
        let whole = d.as_secs() + u64::from(d.subsec_nanos() > 0);
        Secs::try_from(whole).unwrap_or(Secs::MAX)
    }

    pub(crate) fn insert(&mut self, at: Secs, slot: u32, generation: u32) {
        self.buckets.entry(at).or_default().push((slot, generation));
        self.len += 1;
    }

    /// Every entry due at or before `now`, oldest first, with the bucket
    /// it was in.
    pub(crate) fn due(&mut self, now: Instant) -> Vec<(Secs, u32, u32)> {
        let now = self.secs(now);
        let mut out = Vec::new();
        while let Some(entry) = self.buckets.first_entry() {
            if *entry.key() > now {
                break;
            }
            let at = *entry.key();
            out.extend(entry.remove().into_iter().map(|(s, g)| (at, s, g)));
        }
        self.len -= out.len();
        out
    }

    /// Heap bytes of the buckets' vectors (the map's few nodes aside),
    /// for the capacity benchmark.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.buckets
            .values()
            .map(|b| b.capacity() * std::mem::size_of::<(u32, u32)>())
            .sum()
    }

    /// Entries held (stale ones included until they come due).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn entries_come_due_in_order_and_never_early() {
        let start = Instant::now();
        let mut wheel = Wheel::new(start);
        let at = |ms| wheel.secs(start + Duration::from_millis(ms));
        let (a, b, c) = (at(1500), at(2000), at(500));
        assert_eq!((a, b, c), (2, 2, 1));
        wheel.insert(a, 1, 0);
        wheel.insert(b, 2, 0);
        wheel.insert(c, 3, 7);
        assert!(wheel.due(start).is_empty());
        assert_eq!(
            wheel.due(start + Duration::from_millis(1000)),
            vec![(1, 3, 7)]
        );
        assert_eq!(wheel.len(), 2);
        assert_eq!(
            wheel.due(start + Duration::from_secs(5)),
            vec![(2, 1, 0), (2, 2, 0)]
        );
        assert_eq!(wheel.len(), 0);
    }
}
