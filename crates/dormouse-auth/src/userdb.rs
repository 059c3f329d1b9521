//! The user database: a passwd-file loaded into memory, re-read when it
//! changes, with a cache of recent successes and per-address failure
//! counting. `verify` blocks (it may hash); it never sleeps, it returns the
//! delay for the caller to wait out without holding a thread.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use rand::RngCore;
use rand::rngs::OsRng;

use crate::cache::{Keyer, VerifiedCache};
use crate::failures::{FailureTracker, MAX_TRACKED, delay_for};
use crate::gate::HashGate;
use crate::hashing::MAX_PASSWORD_LEN;
use crate::snapshot::{Snapshot, stat};
use crate::stats::{AuthStats, Counters, Gauges, bump};
use crate::{AuthError, AuthOptions, UserEntry, Verdict, username};

/// The file is stat'ed at most this often, so a burst of logins costs one
/// system call per second rather than one each.
const STAT_INTERVAL: Duration = Duration::from_secs(1);

/// Most cached successes; each costs about 80 bytes.
const CACHE_CAPACITY: usize = 100_000;

/// A loaded passwd-file. `Send + Sync` and meant to be shared in an `Arc`;
/// all methods take `&self`.
pub struct UserDb {
    path: PathBuf,
    options: AuthOptions,
    snapshot: RwLock<Arc<Snapshot>>,
    last_stat: Mutex<Option<Instant>>,
    keyer: Keyer,
    cache: Mutex<VerifiedCache>,
    failures: Mutex<FailureTracker>,
    counters: Counters,
    gate: HashGate,
}

impl std::fmt::Debug for UserDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserDb")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl UserDb {
    /// Loads the passwd-file. A missing file means no users, so a server can
    /// start before its first user is added.
    pub fn open(path: impl Into<PathBuf>, options: AuthOptions) -> Result<UserDb, AuthError> {
        let path = path.into();
        let snapshot = Snapshot::load(&path)?;
        tracing::info!(path = %path.display(), users = snapshot.users.len(), "passwd-file loaded");
        let mut secret = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut secret)
            .map_err(|e| AuthError::Random(e.to_string()))?;
        Ok(UserDb {
            cache: Mutex::new(VerifiedCache::new(options.cache_ttl, CACHE_CAPACITY)),
            failures: Mutex::new(FailureTracker::new(MAX_TRACKED)),
            path,
            options,
            snapshot: RwLock::new(Arc::new(snapshot)),
            last_stat: Mutex::new(Some(Instant::now())),
            keyer: Keyer::new(secret),
            counters: Counters::default(),
            gate: HashGate::per_core(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks a login. Unknown users, users without a usable password and
    /// wrong passwords all look the same from outside: `Rejected`, after
    /// about the same amount of hashing.
    ///
    /// Blocking: may run a password hash. Callers run it off the async
    /// runtime.
    pub fn verify(&self, username: &str, password: &[u8], remote: IpAddr) -> Verdict {
        bump(&self.counters.verifications);
        self.refresh_if_due();
        match self.check(username, password) {
            Some(entry) => {
                tracing::debug!(user = username, %remote, "authenticated");
                Verdict::Accepted(entry)
            }
            None => {
                bump(&self.counters.failures);
                let failures = lock(&self.failures).record(remote, Instant::now());
                let delay = delay_for(
                    failures,
                    self.options.failure_delay,
                    self.options.max_failure_delay,
                );
                tracing::debug!(user = username, %remote, failures, "authentication failed");
                Verdict::Rejected { delay }
            }
        }
    }

    fn check(&self, username: &str, password: &[u8]) -> Option<UserEntry> {
        if password.len() > MAX_PASSWORD_LEN {
            // Refused whoever the user is, so this reveals nothing.
            return None;
        }
        let snapshot = self.current();
        let user = username::check(username)
            .ok()
            .and_then(|()| snapshot.users.get(username))
            .filter(|u| u.password.scheme().is_ok());
        let Some(user) = user else {
            bump(&self.counters.hashes);
            let _ = self.gate.run(|| snapshot.dummy.matches(password));
            return None;
        };
        let key = self.keyer.key(username, user.password.raw(), password);
        if lock(&self.cache).contains(&key, Instant::now()) {
            bump(&self.counters.cache_hits);
            return Some(user.entry.clone());
        }
        bump(&self.counters.hashes);
        if !self.gate.run(|| user.password.matches(password)) {
            return None;
        }
        lock(&self.cache).insert(key, Instant::now());
        Some(user.entry.clone())
    }

    /// The user's entry, without checking any password (for delivery and
    /// userdb lookups).
    pub fn lookup(&self, username: &str) -> Option<UserEntry> {
        self.refresh_if_due();
        username::check(username).ok()?;
        self.current().users.get(username).map(|u| u.entry.clone())
    }

    /// Failed logins counted against `remote` (its /64 for IPv6) that have
    /// not yet decayed.
    pub fn failures_from(&self, remote: IpAddr) -> u32 {
        lock(&self.failures).count(remote, Instant::now())
    }

    pub fn stats(&self) -> AuthStats {
        self.counters.snapshot(Gauges {
            users: self.current().users.len(),
            cached: lock(&self.cache).len(),
            tracked_addresses: lock(&self.failures).len(),
        })
    }

    /// Re-reads the file now if it changed since it was last read, without
    /// waiting for the once-a-second check (for SIGHUP and tests). Returns
    /// whether it was re-read. On error the previous users stay in force.
    pub fn reload_if_changed(&self) -> Result<bool, AuthError> {
        let stamp = stat(&self.path)?;
        if stamp == self.current().stamp {
            return Ok(false);
        }
        let snapshot = Snapshot::load(&self.path)?;
        let users = snapshot.users.len();
        *self
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
        bump(&self.counters.reloads);
        tracing::info!(path = %self.path.display(), users, "passwd-file reloaded");
        Ok(true)
    }

    fn refresh_if_due(&self) {
        let now = Instant::now();
        {
            let mut last = lock(&self.last_stat);
            if last.is_some_and(|t| now.saturating_duration_since(t) < STAT_INTERVAL) {
                return;
            }
            *last = Some(now);
        }
        if let Err(e) = self.reload_if_changed() {
            tracing::warn!(error = %e, "passwd-file reload failed; keeping the previous users");
        }
    }

    fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A panic while holding one of these locks leaves plain data (counters, a
/// cache) that is still consistent enough to use, so poisoning is ignored.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
