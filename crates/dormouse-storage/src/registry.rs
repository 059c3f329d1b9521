//! The process-wide registry of open mailboxes: one shared `Mailbox` per
//! mailbox directory, held weakly, so every session on a mailbox shares one
//! state and the state goes away with the last session. Loading is
//! serialised per directory (two loaders could otherwise both rebuild the
//! same index) without blocking opens of other mailboxes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use crate::StorageError;
use crate::bus::ChangeBus;
use crate::fsutil::Fsync;
use crate::mailbox::Mailbox;

#[derive(Default)]
struct Slot {
    mailbox: Mutex<Weak<Mailbox>>,
}

impl Slot {
    /// Someone is loading through this slot or holds its mailbox.
    fn is_live(self: &Arc<Self>) -> bool {
        Arc::strong_count(self) > 1
            || self
                .mailbox
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .strong_count()
                > 0
    }
}

pub struct Registry {
    slots: Mutex<HashMap<PathBuf, Arc<Slot>>>,
    bus: Arc<ChangeBus>,
}

impl Registry {
    pub fn new(bus: Arc<ChangeBus>) -> Registry {
        Registry {
            slots: Mutex::new(HashMap::new()),
            bus,
        }
    }

    pub fn bus(&self) -> &Arc<ChangeBus> {
        &self.bus
    }

    /// The shared mailbox for `dir`, loading it if no one has it open.
    pub fn open(&self, dir: &Path, fsync: Fsync) -> Result<Arc<Mailbox>, StorageError> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            if slots.len() >= 64 && slots.len().is_power_of_two() {
                // Amortised sweep of slots whose mailbox was dropped.
                slots.retain(|_, s| s.is_live());
            }
            slots.entry(dir.to_path_buf()).or_default().clone()
        };
        let mut weak = slot.mailbox.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(mb) = weak.upgrade()
            && !mb.is_gone()
        {
            return Ok(mb);
        }
        let mb = Arc::new(Mailbox::open(dir.to_path_buf(), fsync, self.bus.clone())?);
        *weak = Arc::downgrade(&mb);
        Ok(mb)
    }

    /// Forgets the slots of mailboxes nobody holds any more. A dead slot
    /// still pins its mailbox's allocation (the `Weak`) and its path:
    /// hundreds of bytes for every mailbox a parked session once had open.
    pub fn sweep(&self) {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.retain(|_, s| s.is_live());
        slots.shrink_to_fit();
    }

    /// The open mailbox whose directory is exactly `dir`, if any.
    pub fn open_at(&self, dir: &Path) -> Option<Arc<Mailbox>> {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots.get(dir)?;
        let weak = slot.mailbox.lock().unwrap_or_else(PoisonError::into_inner);
        weak.upgrade()
    }

    /// The open mailboxes whose directory is `dir` or, in Maildir++ terms,
    /// below it (`dir` + ".x"), for marking them gone on delete/rename.
    pub fn open_under(&self, dir: &Path) -> Vec<Arc<Mailbox>> {
        let prefix = dir.as_os_str().as_encoded_bytes();
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let mut found: Vec<(PathBuf, Arc<Mailbox>)> = slots
            .iter()
            .filter(|(path, _)| {
                let p = path.as_os_str().as_encoded_bytes();
                p == prefix || (p.starts_with(prefix) && p.get(prefix.len()) == Some(&b'.'))
            })
            .filter_map(|(path, slot)| {
                let weak = slot.mailbox.lock().unwrap_or_else(PoisonError::into_inner);
                weak.upgrade().map(|mb| (path.clone(), mb))
            })
            .collect();
        // A fixed order, so that callers locking several never deadlock.
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.into_iter().map(|(_, mb)| mb).collect()
    }

    /// Number of mailboxes currently open (for tests and metrics).
    pub fn open_count(&self) -> usize {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots
            .values()
            .filter(|s| {
                s.mailbox
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .strong_count()
                    > 0
            })
            .count()
    }
}
