//! The shared per-message table of an open mailbox: fixed-size records
//! sorted by UID plus one string arena for the Maildir base names, so that a
//! message costs 40 bytes + its name and no allocation of its own. It holds
//! no I/O and knows nothing of logs or sessions.

use crate::flags::SystemFlags;

/// Which Maildir subdirectory the file was last seen in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Cur,
    New,
}

/// One message. `name_off`/`name_len` point into the table's arena.
#[derive(Clone, Debug)]
pub struct MessageRecord {
    pub uid: u32,
    name_off: u32,
    /// The size, or `u32::MAX` when it is in `Messages::big_sizes`: a
    /// message of 4 GiB or more cannot come through IMAP, so it is rare
    /// enough not to cost every message 4 more bytes.
    size: u32,
    name_len: u16,
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
            name_len: u16::try_from(name.len()).unwrap_or(0),
            flags: new.flags,
            location: new.location,
            keywords: new.keywords,
            modseq: new.modseq,
            internal_date: new.internal_date,
        };
        match self.recs.last() {
            None => self.recs.push(rec),
            Some(last) if last.uid < rec.uid => self.recs.push(rec),
            _ => match self.find(rec.uid) {
                Some(i) => {
                    if let Some(slot) = self.recs.get_mut(i) {
                        self.garbage += usize::from(slot.name_len);
                        *slot = rec;
                    }
                }
                None => {
                    let at = self.recs.partition_point(|r| r.uid < rec.uid);
                    self.recs.insert(at, rec);
                }
            },
        }
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

    pub fn name(&self, rec: &MessageRecord) -> &str {
        let start = rec.name_off as usize;
        self.names
            .get(start..start + usize::from(rec.name_len))
            .unwrap_or_default()
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
        self.recs.retain(|r| {
            let gone = sorted.binary_search(&r.uid).is_ok();
            if gone {
                garbage += usize::from(r.name_len);
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
                .get(start..start + usize::from(rec.name_len))
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
    }

    /// Heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        self.recs.capacity() * std::mem::size_of::<MessageRecord>()
            + self.names.capacity()
            + self.big_sizes.capacity() * std::mem::size_of::<(u32, u64)>()
    }
}

/// Maildir names are at most 255 bytes on the file systems we target; a
/// longer one cannot be a real file, so it is cut at a char boundary.
fn truncate_name(name: &str) -> &str {
    let mut end = name.len().min(usize::from(u16::MAX));
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
    fn record_is_small() {
        assert_eq!(std::mem::size_of::<MessageRecord>(), 40);
    }
}
