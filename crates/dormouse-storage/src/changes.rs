//! The ring of recent flag changes and expunges of a shared mailbox, so that
//! a session view catches up by reading only what changed since its last
//! sync. A view further behind than the ring compares itself with the whole
//! table instead. Appends are not recorded: a view finds new messages by
//! UID, since new UIDs are always above the ones it knows.

use std::collections::VecDeque;

/// Enough for a burst of single changes to reach every view cheaply; a bulk
/// STORE over more messages than this sends views to the full comparison,
/// which is O(messages) once per view.
const CAPACITY: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Flags,
    Expunge,
}

#[derive(Clone, Copy, Debug)]
pub struct Change {
    pub modseq: u64,
    pub uid: u32,
    pub kind: ChangeKind,
}

#[derive(Default)]
pub struct ChangeRing {
    entries: VecDeque<Change>,
    /// Every change with a modseq above this one is in `entries`.
    floor: u64,
}

impl ChangeRing {
    /// An empty ring that covers nothing before `modseq`.
    pub fn starting_at(modseq: u64) -> ChangeRing {
        ChangeRing {
            entries: VecDeque::new(),
            floor: modseq,
        }
    }

    pub fn push(&mut self, change: Change) {
        if self.entries.len() >= CAPACITY
            && let Some(old) = self.entries.pop_front()
        {
            self.floor = self.floor.max(old.modseq);
        }
        self.entries.push_back(change);
    }

    /// The changes after `modseq`, or `None` if some of them were dropped.
    pub fn since(&self, modseq: u64) -> Option<impl Iterator<Item = &Change>> {
        if modseq < self.floor {
            return None;
        }
        let start = self.entries.partition_point(|c| c.modseq <= modseq);
        Some(self.entries.range(start..))
    }

    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Change>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_raises_the_floor() {
        let mut ring = ChangeRing::starting_at(10);
        assert!(ring.since(9).is_none());
        for m in 11..11 + CAPACITY as u64 + 5 {
            ring.push(Change {
                modseq: m,
                uid: 1,
                kind: ChangeKind::Flags,
            });
        }
        assert!(ring.since(12).is_none());
        let from = 15 + 100;
        let got: Vec<u64> = ring.since(from).unwrap().map(|c| c.modseq).collect();
        assert_eq!(got.first(), Some(&(from + 1)));
        assert_eq!(got.len() as u64, 11 + CAPACITY as u64 + 5 - from - 1);
    }
}
