//! The shared per-message table of an open mailbox: fixed-size records
//! sorted by UID plus one string arena for the Maildir base names, so that a
//! message costs 40 bytes + its name and no allocation of its own, and 8
//! more once the message cache is in use (its slots, kept in step with the
//! records). A file whose name is not the one its flags imply (letters we
//! do not map, no `:2,` info) also keeps its exact suffix, right after its
//! base in the arena. It holds no I/O and knows nothing of logs or sessions.

use crate::flags::SystemFlags;

/// Which Maildir subdirectory the file was last seen in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Cur,
    New,
}

/// One message. At `name_off` in the table's arena: the base name
/// (`name_len` bytes), then the file's exact suffix when the file does not
/// have its canonical name.
#[derive(Clone, Debug)]
pub struct MessageRecord {
    pub uid: u32,
    name_off: u32,
    /// The size, or `u32::MAX` when it is in `Messages::big_sizes`: a
    /// message of 4 GiB or more cannot come through IMAP, so it is rare
    /// enough not to cost every message 4 more bytes.
    size: u32,
    /// File names are at most 255 bytes (`NAME_MAX`), so base and suffix
    /// lengths each fit a byte.
    name_len: u8,
    /// 0: the canonical name; else 1 + the length of the exact suffix
    /// (which may be empty: a file in `cur/` without `:2,` info).
    suffix_tag: u8,
    pub flags: SystemFlags,
    pub location: Location,
    pub keywords: u64,
    pub modseq: u64,
    pub internal_date: i64,
}

/// What a new record carries besides its name.
#[derive(Clone, Copy, Debug)]
pub struct NewRecord {
    pub uid: u32,
    pub flags: SystemFlags,
    pub location: Location,
    pub keywords: u64,
    pub modseq: u64,
    pub internal_date: i64,
    pub size: u64,
}

#[derive(Default)]
pub struct Messages {
    recs: Vec<MessageRecord>,
    names: String,
    /// Arena bytes no live record points at (expunged messages).
    garbage: usize,
    /// (uid, size) of messages of `u32::MAX` bytes or more, by UID.
    big_sizes: Vec<(u32, u64)>,
    /// Where each record's entry in `dormouse.cache` is (0: none), aligned
    /// with `recs`; empty until the cache is first used, so a mailbox that
    /// never serves ENVELOPE or BODYSTRUCTURE pays nothing for it. Living
    /// beside the record, a slot goes when its message is expunged.
    cache: Vec<u64>,
    /// How many slots went with their records, ever: the cache's cue that
    /// its file may now be mostly dead entries.
    cache_dropped: u64,
}

impl Messages {
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// Adds a record; UIDs arrive in ascending order in normal operation,
    /// anything else is inserted in place (an old log written out of order)
    /// and a UID already present is replaced.
    pub fn insert(&mut self, new: NewRecord, name: &str) {
        let name = truncate_name(name);
        let Ok(name_off) = u32::try_from(self.names.len()) else {
            // 4 GiB of names: compacting first always frees enough, since
            // no mailbox holds that much live name data.
            self.compact_names();
            return self.insert_after_compaction(new, name);
        };
        self.names.push_str(name);
        let size = match u32::try_from(new.size) {
            Ok(small) if small != u32::MAX => small,
            _ => {
                let at = self.big_sizes.partition_point(|b| b.0 < new.uid);
                self.big_sizes.retain(|b| b.0 != new.uid);
                self.big_sizes
                    .insert(at.min(self.big_sizes.len()), (new.uid, new.size));
                u32::MAX
            }
        };
        let rec = MessageRecord {
            uid: new.uid,
            name_off,
            size,
            name_len: u8::try_from(name.len()).unwrap_or(0),
            suffix_tag: 0,
            flags: new.flags,
            location: new.location,
            keywords: new.keywords,
            modseq: new.modseq,
            internal_date: new.internal_date,
        };
        let tracked = self.cache_tracked();
        match self.recs.last() {
            None => self.recs.push(rec),
            Some(last) if last.uid < rec.uid => self.recs.push(rec),
            _ => match self.find(rec.uid) {
                Some(i) => {
                    if let Some(slot) = self.recs.get_mut(i) {
                        self.garbage += slot.arena_len();
                        *slot = rec;
                    }
                    // A replaced record is a different message as far as
                    // the cache can tell.
                    if let Some(c) = self.cache.get_mut(i) {
                        self.cache_dropped += u64::from(*c != 0);
                        *c = 0;
                    }
                    return;
                }
                None => {
                    let at = self.recs.partition_point(|r| r.uid < rec.uid);
                    self.recs.insert(at, rec);
                    if tracked {
                        self.cache.insert(at.min(self.cache.len()), 0);
                    }
                    return;
                }
            },
        }
        if tracked {
            self.cache.push(0);
        }
    }

    /// Whether cache slots are kept: then there is one per record.
    fn cache_tracked(&self) -> bool {
        !self.cache.is_empty()
    }

    /// Starts keeping cache slots (all empty); a no-op once started.
    pub fn track_cache(&mut self) {
        if self.cache.len() != self.recs.len() {
            self.cache = vec![0; self.recs.len()];
        }
    }

    /// The cache slot of `uid`: 0 when it has none (or is not here).
    pub fn cache_slot(&self, uid: u32) -> u64 {
        self.find(uid)
            .and_then(|i| self.cache.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Sets the cache slot of `uid` if the message is here and its slot is
    /// still `expected` (so a slot is never given to a message that
    /// replaced the one it was written for).
    pub fn swap_cache_slot(&mut self, uid: u32, expected: u64, slot: u64) {
        self.track_cache();
        if let Some(c) = self.find(uid).and_then(|i| self.cache.get_mut(i))
            && *c == expected
        {
            *c = slot;
        }
    }

    /// (uid, slot) of every message with a cache entry.
    pub fn cache_slots(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.recs
            .iter()
            .zip(&self.cache)
            .filter(|&(_, &c)| c != 0)
            .map(|(r, &c)| (r.uid, c))
    }

    /// Slots dropped with their records so far (a counter that only grows).
    pub fn cache_slots_dropped(&self) -> u64 {
        self.cache_dropped
    }

    /// Forgets every cache entry (the cache file was replaced).
    pub fn clear_cache_slots(&mut self) {
        self.cache.iter_mut().for_each(|c| *c = 0);
    }

    fn insert_after_compaction(&mut self, new: NewRecord, name: &str) {
        if u32::try_from(self.names.len()).is_ok() {
            self.insert(new, name);
        } else {
            tracing::error!("mailbox name arena is full; message not tracked");
        }
    }

    pub fn find(&self, uid: u32) -> Option<usize> {
        self.recs.binary_search_by_key(&uid, |r| r.uid).ok()
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut MessageRecord> {
        self.recs.get_mut(index)
    }

    pub fn by_uid(&self, uid: u32) -> Option<&MessageRecord> {
        self.find(uid).and_then(|i| self.recs.get(i))
    }

    /// The base name: the part of the file name that never changes.
    pub fn name(&self, rec: &MessageRecord) -> &str {
        let start = rec.name_off as usize;
        self.names
            .get(start..start + usize::from(rec.name_len))
            .unwrap_or_default()
    }

    /// What follows the base in the file's name, when that is not what
    /// the record's flags and location imply (see `locate.rs`).
    pub fn suffix(&self, rec: &MessageRecord) -> Option<&str> {
        let len = usize::from(rec.suffix_tag.checked_sub(1)?);
        let start = rec.name_off as usize + usize::from(rec.name_len);
        self.names.get(start..start + len)
    }

    /// Remembers the exact suffix of `uid`'s file name (`None`: the
    /// canonical one). A new suffix moves the name to the arena's end; the
    /// old copy is garbage, reclaimed by the next compaction. A suffix too
    /// long for any real file name is not kept.
    pub fn set_suffix(&mut self, uid: u32, suffix: Option<&str>) {
        let Some(i) = self.find(uid) else {
            return;
        };
        let Some(rec) = self.recs.get(i) else {
            return;
        };
        if self.suffix(rec) == suffix {
            return;
        }
        let old_len = rec.arena_len();
        let Some(suffix) = suffix else {
            self.garbage += old_len - usize::from(rec.name_len);
            if let Some(rec) = self.recs.get_mut(i) {
                rec.suffix_tag = 0;
            }
            return;
        };
        let Some(tag) = u8::try_from(suffix.len() + 1).ok() else {
            return;
        };
        let base = self.name(rec).to_owned();
        if u32::try_from(self.names.len() + base.len() + suffix.len()).is_err() {
            self.compact_names();
        }
        let Ok(name_off) = u32::try_from(self.names.len()) else {
            return;
        };
        self.names.push_str(&base);
        self.names.push_str(suffix);
        self.garbage += old_len;
        if let Some(rec) = self.recs.get_mut(i) {
            rec.name_off = name_off;
            rec.suffix_tag = tag;
        }
    }

    /// The IMAP size of a message.
    pub fn size(&self, rec: &MessageRecord) -> u64 {
        if rec.size != u32::MAX {
            return u64::from(rec.size);
        }
        self.big_sizes
            .binary_search_by_key(&rec.uid, |b| b.0)
            .ok()
            .and_then(|i| self.big_sizes.get(i))
            .map_or(u64::from(u32::MAX), |b| b.1)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, MessageRecord> {
        self.recs.iter()
    }

    /// Index of the first record with a UID >= `uid`.
    pub fn first_at_or_above(&self, uid: u32) -> usize {
        self.recs.partition_point(|r| r.uid < uid)
    }

    pub fn records_from(&self, index: usize) -> &[MessageRecord] {
        self.recs.get(index..).unwrap_or_default()
    }

    /// Removes the records whose UIDs are in `sorted` (ascending).
    pub fn remove_sorted(&mut self, sorted: &[u32]) {
        if sorted.is_empty() {
            return;
        }
        let mut garbage = 0;
        if self.cache_tracked() {
            // `retain` visits the slots in order, so they pair up with the
            // records (not yet removed) one by one.
            let mut uids = self.recs.iter().map(|r| r.uid);
            let mut dropped = 0;
            self.cache.retain(|&c| {
                let keep = uids
                    .next()
                    .is_none_or(|u| sorted.binary_search(&u).is_err());
                dropped += u64::from(!keep && c != 0);
                keep
            });
            self.cache_dropped += dropped;
        }
        self.recs.retain(|r| {
            let gone = sorted.binary_search(&r.uid).is_ok();
            if gone {
                garbage += r.arena_len();
            }
            !gone
        });
        self.garbage += garbage;
        if !self.big_sizes.is_empty() {
            self.big_sizes
                .retain(|b| sorted.binary_search(&b.0).is_err());
        }
        if self.garbage > 4096 && self.garbage > self.names.len() / 2 {
            self.compact_names();
        }
    }

    /// Rewrites the arena with only live names.
    fn compact_names(&mut self) {
        let mut names =
            String::with_capacity(self.names.len() - self.garbage.min(self.names.len()));
        for rec in &mut self.recs {
            let start = rec.name_off as usize;
            let name = self
                .names
                .get(start..start + rec.arena_len())
                .unwrap_or_default();
            rec.name_off = u32::try_from(names.len()).unwrap_or(u32::MAX);
            names.push_str(name);
        }
        self.names = names;
        self.garbage = 0;
    }

    /// Sum of live name bytes, for estimating the compacted log size.
    pub fn name_bytes(&self) -> usize {
        self.names.len().saturating_sub(self.garbage)
    }

    /// Drops spare capacity after a bulk load.
    pub fn shrink(&mut self) {
        self.recs.shrink_to_fit();
        self.names.shrink_to_fit();
        self.cache.shrink_to_fit();
    }

    /// Heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        self.recs.capacity() * std::mem::size_of::<MessageRecord>()
            + self.names.capacity()
            + self.big_sizes.capacity() * std::mem::size_of::<(u32, u64)>()
            + self.cache.capacity() * std::mem::size_of::<u64>()
    }
}

impl MessageRecord {
    /// Bytes of the arena this record points at.
    fn arena_len(&self) -> usize {
        usize::from(self.name_len) + usize::from(self.suffix_tag.saturating_sub(1))
    }
}

/// Maildir names are at most 255 bytes on the file systems we target; a
/// longer one cannot be a real file, so it is cut at a char boundary.
fn truncate_name(name: &str) -> &str {
    let mut end = name.len().min(usize::from(u8::MAX));
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(uid: u32) -> NewRecord {
        NewRecord {
            uid,
            flags: SystemFlags::SEEN,
            location: Location::Cur,
            keywords: 0,
            modseq: u64::from(uid),
            internal_date: 0,
            size: 10,
        }
    }

    #[test]
    fn records_stay_sorted_and_names_survive_compaction() {
        let mut m = Messages::default();
        for uid in [1, 2, 5, 3] {
            m.insert(rec(uid), &format!("name-{uid}"));
        }
        let uids: Vec<u32> = m.iter().map(|r| r.uid).collect();
        assert_eq!(uids, vec![1, 2, 3, 5]);
        m.remove_sorted(&[2, 5]);
        m.compact_names();
        let names: Vec<&str> = m.iter().map(|r| m.name(r)).collect();
        assert_eq!(names, vec!["name-1", "name-3"]);
        assert_eq!(m.by_uid(3).map(|r| m.size(r)), Some(10));
        assert!(m.by_uid(2).is_none());
    }

    #[test]
    fn exact_suffixes_survive_compaction_and_can_be_empty() {
        let mut m = Messages::default();
        for uid in 1..=3 {
            m.insert(rec(uid), &format!("name-{uid}"));
        }
        m.set_suffix(1, Some(":2,PS"));
        m.set_suffix(2, Some(""));
        m.set_suffix(1, Some(":2,FPS"));
        let suffixes = |m: &Messages| -> Vec<Option<String>> {
            m.iter().map(|r| m.suffix(r).map(str::to_owned)).collect()
        };
        assert_eq!(
            suffixes(&m),
            vec![Some(":2,FPS".into()), Some(String::new()), None]
        );
        m.remove_sorted(&[3]);
        m.compact_names();
        assert_eq!(
            suffixes(&m),
            vec![Some(":2,FPS".into()), Some(String::new())]
        );
        let names: Vec<&str> = m.iter().map(|r| m.name(r)).collect();
        assert_eq!(names, vec!["name-1", "name-2"]);
        assert_eq!(m.names.len(), "name-1:2,FPSname-2".len());
        m.set_suffix(1, None);
        assert_eq!(m.by_uid(1).and_then(|r| m.suffix(r)), None);
    }

    #[test]
    fn huge_sizes_are_kept_exactly() {
        let mut m = Messages::default();
        let big = u64::from(u32::MAX) + 7;
        m.insert(
            NewRecord {
                size: big,
                ..rec(1)
            },
            "a",
        );
        m.insert(
            NewRecord {
                size: u64::from(u32::MAX),
                ..rec(2)
            },
            "b",
        );
        m.insert(rec(3), "c");
        let sizes: Vec<u64> = m.iter().map(|r| m.size(r)).collect();
        assert_eq!(sizes, vec![big, u64::from(u32::MAX), 10]);
        m.remove_sorted(&[1]);
        assert_eq!(m.big_sizes.len(), 1);
    }

    #[test]
    fn cache_slots_follow_their_records() {
        let mut m = Messages::default();
        for uid in [1, 2, 4] {
            m.insert(rec(uid), "n");
        }
        assert_eq!(m.cache_slot(2), 0);
        m.swap_cache_slot(2, 0, 20);
        m.swap_cache_slot(4, 0, 40);
        m.swap_cache_slot(4, 7, 41);
        assert_eq!(
            (m.cache_slot(2), m.cache_slot(4)),
            (20, 40),
            "expected slot"
        );
        m.insert(rec(3), "n");
        m.insert(rec(5), "n");
        m.swap_cache_slot(3, 0, 30);
        assert_eq!(
            m.cache_slots().collect::<Vec<_>>(),
            vec![(2, 20), (3, 30), (4, 40)]
        );
        m.remove_sorted(&[1, 3]);
        assert_eq!(m.cache_slots().collect::<Vec<_>>(), vec![(2, 20), (4, 40)]);
        assert_eq!(m.cache_slots_dropped(), 1);
        // A record replaced under the same UID loses its slot.
        m.insert(rec(4), "other");
        assert_eq!(m.cache_slot(4), 0);
        assert_eq!(m.cache_slots_dropped(), 2);
        m.remove_sorted(&[2, 4, 5]);
        assert_eq!(m.cache_slots().count(), 0);
        m.insert(rec(6), "n");
        assert_eq!(m.cache_slot(6), 0);
        m.swap_cache_slot(6, 0, 60);
        assert_eq!(m.cache_slot(6), 60);
    }

    #[test]
    fn record_is_small() {
        assert_eq!(std::mem::size_of::<MessageRecord>(), 40);
    }
}
