//! Live counts a caller of [`crate::run_with_stats`] can read while the
//! server runs: IMAP sessions, and how many of them are hibernated. The
//! process title and the minute log line show the same.

use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Default)]
pub struct Stats {
    /// IMAP connections, parked ones included.
    pub(crate) sessions: AtomicUsize,
    /// IMAP sessions parked in the hibernation table.
    pub(crate) hibernated: AtomicUsize,
}

impl Stats {
    pub fn sessions(&self) -> usize {
        self.sessions.load(Ordering::Relaxed)
    }

    pub fn hibernated(&self) -> usize {
        self.hibernated.load(Ordering::Relaxed)
    }

    /// Sessions with a task of their own (not hibernated).
    pub fn active(&self) -> usize {
        self.sessions().saturating_sub(self.hibernated())
    }
}
