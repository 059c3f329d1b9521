//! A set of UIDs stored as sorted, disjoint, non-adjacent ranges, with
//! sequence-number ↔ UID mapping in O(log ranges). This is what a session
//! holds instead of a per-message array: its memory is O(number of gaps).
//! It does not know what the UIDs refer to.

/// Sorted disjoint ranges `[start, end]` plus, for each range, how many UIDs
/// come before it (so seq → uid is a binary search).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UidSet {
    ranges: Vec<(u32, u32)>,
    /// `before[i]` = number of UIDs in `ranges[..i]`.
    before: Vec<u32>,
    len: u32,
}

impl UidSet {
    pub fn new() -> UidSet {
        UidSet::default()
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of ranges: the memory this set costs.
    pub fn range_count(&self) -> usize {
        self.ranges.len()
    }

    pub fn max(&self) -> Option<u32> {
        self.ranges.last().map(|r| r.1)
    }

    /// Appends `uid`, which must be greater than every UID already present;
    /// smaller or equal UIDs are ignored (UIDs only ever grow at the end).
    pub fn push(&mut self, uid: u32) {
        match self.ranges.last_mut() {
            Some(last) if uid <= last.1 => return,
            Some(last) if uid == last.1 + 1 => last.1 = uid,
            _ => {
                self.before.push(self.len);
                self.ranges.push((uid, uid));
            }
        }
        self.len += 1;
    }

    /// Appends the whole range `[start, end]`, which must lie above every UID
    /// already present (else it is ignored).
    pub fn push_range(&mut self, start: u32, end: u32) {
        if start > end || self.max().is_some_and(|m| start <= m) {
            return;
        }
        match self.ranges.last_mut() {
            Some(last) if start == last.1 + 1 => last.1 = end,
            _ => {
                self.before.push(self.len);
                self.ranges.push((start, end));
            }
        }
        self.len += end - start + 1;
    }

    fn range_index(&self, uid: u32) -> Result<usize, usize> {
        self.ranges.binary_search_by(|&(start, end)| {
            if end < uid {
                std::cmp::Ordering::Less
            } else if start > uid {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
    }

    pub fn contains(&self, uid: u32) -> bool {
        self.range_index(uid).is_ok()
    }

    /// The 1-based position of `uid` in the set.
    pub fn seq_of(&self, uid: u32) -> Option<u32> {
        let i = self.range_index(uid).ok()?;
        let (start, _) = *self.ranges.get(i)?;
        Some(self.before.get(i)? + (uid - start) + 1)
    }

    /// The UID at 1-based position `seq`.
    pub fn uid_at(&self, seq: u32) -> Option<u32> {
        if seq == 0 || seq > self.len {
            return None;
        }
        let index = seq - 1;
        // The last range whose `before` is <= index.
        let i = self
            .before
            .partition_point(|&b| b <= index)
            .checked_sub(1)?;
        let (start, _) = *self.ranges.get(i)?;
        Some(start + (index - self.before.get(i)?))
    }

    /// Removes every UID in `sorted` (ascending; absent ones are skipped).
    /// One pass over the ranges, so removing many UIDs at once is cheap.
    pub fn remove_sorted(&mut self, sorted: &[u32]) {
        if sorted.is_empty() || self.ranges.is_empty() {
            return;
        }
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(self.ranges.len() + sorted.len());
        let mut k = 0;
        for &(start, end) in &self.ranges {
            // u64 so that removing u32::MAX cannot wrap.
            let mut cur = u64::from(start);
            while sorted.get(k).is_some_and(|&u| u < start) {
                k += 1;
            }
            while let Some(&uid) = sorted.get(k).filter(|&&u| u <= end) {
                if u64::from(uid) > cur {
                    out.push((cur as u32, uid - 1));
                }
                cur = u64::from(uid) + 1;
                k += 1;
            }
            if cur <= u64::from(end) {
                out.push((cur as u32, end));
            }
        }
        self.rebuild(out);
    }

    fn rebuild(&mut self, ranges: Vec<(u32, u32)>) {
        self.ranges = ranges;
        self.before.clear();
        self.len = 0;
        for &(start, end) in &self.ranges {
            self.before.push(self.len);
            self.len += end - start + 1;
        }
        self.ranges.shrink_to_fit();
        self.before.shrink_to_fit();
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges.iter().flat_map(|&(start, end)| start..=end)
    }

    pub fn ranges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.ranges.iter().copied()
    }

    /// How many UIDs of `self` are also in `other`.
    pub fn intersection_len(&self, other: &UidSet) -> u32 {
        let (mut i, mut j, mut n) = (0, 0, 0u32);
        while let (Some(&(a0, a1)), Some(&(b0, b1))) = (self.ranges.get(i), other.ranges.get(j)) {
            let lo = a0.max(b0);
            let hi = a1.min(b1);
            if lo <= hi {
                n += hi - lo + 1;
            }
            if a1 < b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        n
    }

    /// Approximate heap bytes held, for memory accounting in tests.
    pub fn heap_bytes(&self) -> usize {
        self.ranges.capacity() * std::mem::size_of::<(u32, u32)>()
            + self.before.capacity() * std::mem::size_of::<u32>()
    }
}

impl FromIterator<u32> for UidSet {
    /// Collects UIDs in any order (duplicates allowed).
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> UidSet {
        let mut uids: Vec<u32> = iter.into_iter().collect();
        uids.sort_unstable();
        let mut set = UidSet::new();
        for uid in uids {
            set.push(uid);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(set: &UidSet) -> Vec<u32> {
        set.iter().collect()
    }

    #[test]
    fn seq_and_uid_map_both_ways() {
        let set: UidSet = [1, 2, 3, 7, 8, 20].into_iter().collect();
        assert_eq!(set.len(), 6);
        assert_eq!(set.range_count(), 3);
        let uids = naive(&set);
        for (i, uid) in uids.iter().enumerate() {
            let seq = i as u32 + 1;
            assert_eq!(set.uid_at(seq), Some(*uid));
            assert_eq!(set.seq_of(*uid), Some(seq));
        }
        assert_eq!(set.uid_at(0), None);
        assert_eq!(set.uid_at(7), None);
        assert_eq!(set.seq_of(4), None);
        assert_eq!(set.seq_of(21), None);
    }

    #[test]
    fn removal_splits_and_merges_ranges() {
        let mut set = UidSet::new();
        set.push_range(1, 10);
        set.remove_sorted(&[1, 5, 6, 10, 11]);
        assert_eq!(naive(&set), vec![2, 3, 4, 7, 8, 9]);
        assert_eq!(set.range_count(), 2);
        assert_eq!(set.seq_of(7), Some(4));
        set.push(12);
        assert_eq!(set.uid_at(7), Some(12));
    }

    #[test]
    fn matches_a_vector_model() {
        // A deterministic pseudo-random walk compared with a plain Vec.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut set = UidSet::new();
        let mut model: Vec<u32> = Vec::new();
        let mut top = 0u32;
        for _ in 0..2000 {
            if next() % 3 == 0 && !model.is_empty() {
                let mut victims: Vec<u32> = (0..(next() % 4))
                    .filter_map(|_| model.get((next() as usize) % model.len()).copied())
                    .collect();
                victims.sort_unstable();
                victims.dedup();
                set.remove_sorted(&victims);
                model.retain(|u| victims.binary_search(u).is_err());
            } else {
                top += 1 + (next() % 3) as u32;
                set.push(top);
                model.push(top);
            }
            assert_eq!(set.len() as usize, model.len());
        }
        assert_eq!(naive(&set), model);
        for (i, uid) in model.iter().enumerate() {
            assert_eq!(set.seq_of(*uid), Some(i as u32 + 1));
            assert_eq!(set.uid_at(i as u32 + 1), Some(*uid));
        }
    }

    #[test]
    fn intersection_counts_overlap() {
        let a: UidSet = (1..=10).collect();
        let mut b = UidSet::new();
        b.push_range(5, 7);
        b.push_range(9, 30);
        assert_eq!(a.intersection_len(&b), 5);
        assert_eq!(b.intersection_len(&a), 5);
    }

    #[test]
    fn max_uid_can_be_removed() {
        let mut set = UidSet::new();
        set.push_range(u32::MAX - 2, u32::MAX);
        set.remove_sorted(&[u32::MAX]);
        assert_eq!(naive(&set), vec![u32::MAX - 2, u32::MAX - 1]);
    }
}
