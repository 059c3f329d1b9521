//! Bounds how many password hashes run at once. Argon2 as configured takes
//! 19 MiB and a core for tens of milliseconds; without a bound, a burst of
//! logins (or an attacker opening many connections) would run one per
//! blocking thread — hundreds — and exhaust memory and starve everything
//! else on the blocking pool. Waiting here costs latency, not memory.

use std::sync::{Condvar, Mutex, PoisonError};

pub(crate) struct HashGate {
    running: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

impl HashGate {
    /// One hash per core: more would only make each take longer.
    pub(crate) fn per_core() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashGate::new(cores)
    }

    pub(crate) fn new(limit: usize) -> HashGate {
        HashGate {
            running: Mutex::new(0),
            freed: Condvar::new(),
            limit: limit.max(1),
        }
    }

    /// Runs `hash` once fewer than `limit` hashes are running.
    pub(crate) fn run<T>(&self, hash: impl FnOnce() -> T) -> T {
        {
            let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
            while *running >= self.limit {
                running = self
                    .freed
                    .wait(running)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            *running += 1;
        }
        // Released even if the hash panics, so the gate never shrinks.
        let _slot = Slot(self);
        hash()
    }
}

struct Slot<'a>(&'a HashGate);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut running = self
            .0
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *running = running.saturating_sub(1);
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::HashGate;

    #[test]
    fn never_more_than_the_limit_at_once() {
        let gate = Arc::new(HashGate::new(2));
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gate, now, peak) = (gate.clone(), now.clone(), peak.clone());
                std::thread::spawn(move || {
                    gate.run(|| {
                        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(n, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        now.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        for t in threads {
            assert!(t.join().is_ok());
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }
}
