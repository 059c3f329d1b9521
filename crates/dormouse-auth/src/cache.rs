//! The cache of recent successful verifications, so a client that reconnects
//! every few minutes pays for Argon2 once per TTL. Holds only keyed digests:
//! neither passwords nor hashes are kept. Takes `now` from the caller rather
//! than reading the clock, so tests can move time.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

pub(crate) type CacheKey = [u8; 32];

/// Derives cache keys as SHA-256(secret || user || stored hash || password).
/// The per-process random secret means a memory dump of the cache is no
/// offline-guessing oracle, and including the stored hash means an entry
/// cached before a password change can never match after it.
pub(crate) struct Keyer {
    secret: [u8; 32],
}

impl Keyer {
    pub(crate) fn new(secret: [u8; 32]) -> Keyer {
        Keyer { secret }
    }

    pub(crate) fn key(&self, user: &str, stored: &str, password: &[u8]) -> CacheKey {
        // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        Sha256::new()
            .chain_update(self.secret)
            .chain_update((user.len() as u64).to_be_bytes())
            .chain_update(user)
            .chain_update((stored.len() as u64).to_be_bytes())
            .chain_update(stored)
            .chain_update(password)
            .finalize()
            .into()
    }
}

pub(crate) struct VerifiedCache {
    ttl: Duration,
    capacity: usize,
    inserted: HashMap<CacheKey, Instant>,
    /// Insertion order; every entry has the same TTL, so the front is both
    /// the oldest and the first to expire.
    order: VecDeque<(CacheKey, Instant)>,
}

impl VerifiedCache {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> VerifiedCache {
        VerifiedCache {
            ttl,
            capacity,
            inserted: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub(crate) fn contains(&self, key: &CacheKey, now: Instant) -> bool {
        self.inserted
            .get(key)
            .is_some_and(|&at| now.saturating_duration_since(at) < self.ttl)
    }

    pub(crate) fn insert(&mut self, key: CacheKey, now: Instant) {
        if self.ttl.is_zero() || self.capacity == 0 {
            return;
        }
        while let Some(&(_, at)) = self.order.front() {
            let expired = now.saturating_duration_since(at) >= self.ttl;
            if !expired && self.order.len() < self.capacity {
                break;
            }
            self.pop_front();
        }
        // Entries live for the TTL, far longer than the login.
        dormouse_alloc::long_lived(|| {
            self.inserted.insert(key, now);
            self.order.push_back((key, now));
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.inserted.len()
    }

    fn pop_front(&mut self) {
        if let Some((key, at)) = self.order.pop_front() {
            // Two threads verifying the same login at once each insert it; the
            // map then holds the later time, which this stale slot must not
            // remove.
            if self.inserted.get(&key) == Some(&at) {
                self.inserted.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyer() -> Keyer {
        Keyer::new([7; 32])
    }

    #[test]
    fn keys_separate_user_hash_and_password() {
        let k = keyer();
        let base = k.key("ab", "{PLAIN}x", b"pw");
        assert_ne!(base, k.key("a", "b{PLAIN}x", b"pw"));
        assert_ne!(base, k.key("ab", "{PLAIN}y", b"pw"));
        assert_ne!(base, k.key("ab", "{PLAIN}x", b"pw2"));
        assert_ne!(base, Keyer::new([8; 32]).key("ab", "{PLAIN}x", b"pw"));
        assert_eq!(base, k.key("ab", "{PLAIN}x", b"pw"));
    }

    #[test]
    fn entries_expire_after_ttl() {
        let t0 = Instant::now();
        let mut c = VerifiedCache::new(Duration::from_secs(60), 10);
        let key = keyer().key("u", "h", b"p");
        c.insert(key, t0);
        assert!(c.contains(&key, t0 + Duration::from_secs(59)));
        assert!(!c.contains(&key, t0 + Duration::from_secs(60)));
    }

    #[test]
    fn size_is_bounded_and_oldest_goes_first() {
        let t0 = Instant::now();
        let mut c = VerifiedCache::new(Duration::from_secs(60), 3);
        let keys: Vec<CacheKey> = (0..5u8).map(|i| keyer().key("u", "h", &[i])).collect();
        for (i, key) in keys.iter().enumerate() {
            c.insert(*key, t0 + Duration::from_millis(i as u64));
        }
        let later = t0 + Duration::from_secs(1);
        assert_eq!(c.len(), 3);
        assert!(!c.contains(&keys[0], later));
        assert!(!c.contains(&keys[1], later));
        assert!(keys[2..].iter().all(|k| c.contains(k, later)));
    }

    #[test]
    fn expired_entries_are_dropped_on_insert() {
        let t0 = Instant::now();
        let mut c = VerifiedCache::new(Duration::from_secs(1), 100);
        c.insert(keyer().key("a", "h", b"p"), t0);
        c.insert(keyer().key("b", "h", b"p"), t0 + Duration::from_secs(5));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn duplicate_insert_keeps_the_later_time() {
        let t0 = Instant::now();
        let mut c = VerifiedCache::new(Duration::from_secs(10), 2);
        let key = keyer().key("a", "h", b"p");
        c.insert(key, t0);
        c.insert(key, t0 + Duration::from_secs(5));
        c.insert(keyer().key("b", "h", b"p"), t0 + Duration::from_secs(6));
        assert!(c.contains(&key, t0 + Duration::from_secs(12)));
    }

    #[test]
    fn zero_ttl_disables_caching() {
        let t0 = Instant::now();
        let mut c = VerifiedCache::new(Duration::ZERO, 10);
        let key = keyer().key("a", "h", b"p");
        c.insert(key, t0);
        assert!(!c.contains(&key, t0));
        assert_eq!(c.len(), 0);
    }
}
