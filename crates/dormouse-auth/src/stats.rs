//! Counters for metrics and benchmarks. Relaxed atomics: the numbers are
//! statistics, not synchronisation.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of a [`crate::UserDb`]'s counters since it was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuthStats {
    /// Calls to `verify`.
    pub verifications: u64,
    /// Password hashes actually computed, including the dummy ones run for
    /// unknown users. Equals `verifications - cache_hits`, except that
    /// over-long passwords are refused without hashing.
    pub hashes: u64,
    /// Verifications answered from the cache without hashing.
    pub cache_hits: u64,
    /// Verifications that ended in `Rejected`.
    pub failures: u64,
    /// Times the passwd-file was re-read after a change.
    pub reloads: u64,
    /// Users currently loaded.
    pub users: u64,
    /// Successful logins currently cached.
    pub cached: u64,
    /// Addresses (IPv6: /64 prefixes) with failures being counted.
    pub tracked_addresses: u64,
}

/// The gauges that are not counters, read by the caller under its locks.
pub(crate) struct Gauges {
    pub(crate) users: usize,
    pub(crate) cached: usize,
    pub(crate) tracked_addresses: usize,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) verifications: AtomicU64,
    pub(crate) hashes: AtomicU64,
    pub(crate) cache_hits: AtomicU64,
    pub(crate) failures: AtomicU64,
    pub(crate) reloads: AtomicU64,
}

pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    pub(crate) fn snapshot(&self, gauges: Gauges) -> AuthStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        AuthStats {
            verifications: get(&self.verifications),
            hashes: get(&self.hashes),
            cache_hits: get(&self.cache_hits),
            failures: get(&self.failures),
            reloads: get(&self.reloads),
            users: gauges.users as u64,
            cached: gauges.cached as u64,
            tracked_addresses: gauges.tracked_addresses as u64,
        }
    }
}
