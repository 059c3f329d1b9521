//! `LoadError`, why a run could not start or had to stop, and `ErrorTally`,
//! the protocol errors a run counts while it goes on (a run with any of
//! those still finishes and reports, then exits non-zero).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum LoadError {
    #[error(
        "{what} address {addr} is not in 127.0.0.0/8; the load generator talks to loopback only"
    )]
    NotLoopback {
        what: &'static str,
        addr: SocketAddr,
    },
    #[error(
        "{requested} sessions requested; one process opens 1 to {cap} (spread larger runs over several processes)"
    )]
    SessionCap { requested: usize, cap: usize },
    #[error("--max-duration {requested:?} is outside 1ms..={cap:?}")]
    DurationCap { requested: Duration, cap: Duration },
    #[error("--sources {0}: between 1 and 254 source addresses (127.0.0.2 onwards)")]
    Sources(u8),
    #[error("cannot raise the open-file limit: {0}")]
    Rlimit(#[source] std::io::Error),
    #[error("the run needs about {needed} open files but the limit is {limit}")]
    FdLimit { needed: u64, limit: u64 },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {reason}", path.display())]
    Passwd {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{needed} users needed, the users file has {available} with a {{PLAIN}} password")]
    NotEnoughUsers { needed: usize, available: usize },
    #[error("{0}")]
    Invalid(String),
    #[error("the LMTP server at {addr} cannot be used: {reason}")]
    Lmtp { addr: SocketAddr, reason: String },
}

/// How many examples of each run error the report keeps verbatim.
const EXAMPLES: usize = 20;

/// Errors counted during a run, by kind, with the first few verbatim.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ErrorTally {
    pub total: u64,
    pub by_kind: BTreeMap<&'static str, u64>,
    pub examples: Vec<String>,
}

impl ErrorTally {
    pub fn record(&mut self, kind: &'static str, detail: impl Into<String>) {
        self.total += 1;
        *self.by_kind.entry(kind).or_default() += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(format!("{kind}: {}", detail.into()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Adds another tally's counts and, room permitting, its examples.
    pub fn merge(&mut self, other: ErrorTally) {
        self.total += other.total;
        for (kind, n) in other.by_kind {
            *self.by_kind.entry(kind).or_default() += n;
        }
        let room = EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_all_and_keeps_the_first_examples() {
        let mut t = ErrorTally::default();
        for i in 0..30 {
            t.record("exists-timeout", format!("session {i}"));
        }
        t.record("unexpected-reply", "x");
        assert_eq!(t.total, 31);
        assert_eq!(t.by_kind.get("exists-timeout"), Some(&30));
        assert_eq!(t.by_kind.get("unexpected-reply"), Some(&1));
        assert_eq!(t.examples.len(), EXAMPLES);
        assert_eq!(
            t.examples.first().map(String::as_str),
            Some("exists-timeout: session 0")
        );
        let mut u = ErrorTally::default();
        u.record("lmtp", "a");
        u.merge(t);
        assert_eq!(u.total, 32);
        assert_eq!(u.by_kind.get("lmtp"), Some(&1));
        assert_eq!(u.examples.len(), EXAMPLES);
        assert_eq!(u.examples.first().map(String::as_str), Some("lmtp: a"));
    }
}
