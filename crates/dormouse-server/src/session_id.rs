//! Short session ids for log lines: unique within a process run and
//! unguessable enough that ids from two runs rarely collide in merged logs.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// Starts at a random offset per process so ids differ between restarts.
static NEXT: AtomicU64 = AtomicU64::new(0);
static BASE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SessionId(u64);

impl SessionId {
    pub fn next() -> SessionId {
        let base = *BASE.get_or_init(|| rand::random::<u32>() as u64);
        SessionId(base.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed)))
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct() {
        let a = SessionId::next();
        let b = SessionId::next();
        assert!(a != b);
        assert_eq!(a.to_string().len(), 8);
    }
}
