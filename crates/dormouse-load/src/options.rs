//! The settings of an `idle` run and of an `lmtp-rate` run, with their
//! defaults and the checks that make a run safe to start.

use std::net::SocketAddr;
use std::time::Duration;

use crate::LoadError;
use crate::limits::{check_duration, check_loopback, check_sessions, source_addresses};
use crate::passwd::User;

/// Settings of `dormouse-load idle`.
#[derive(Debug, Clone)]
pub struct IdleOptions {
    pub imap: SocketAddr,
    pub lmtp: SocketAddr,
    /// The users to choose from (each needs a clear-text password).
    pub users: Vec<User>,
    pub sessions: usize,
    /// Sessions logged in as the same user (1: every session its own user).
    pub sessions_per_user: usize,
    /// Source addresses: 127.0.0.2 .. 127.0.0.(1+sources).
    pub sources: u8,
    /// Setups in flight at once.
    pub concurrency: usize,
    /// How long all sessions sit in IDLE before deliveries start.
    pub hold: Duration,
    /// Single deliveries, one at a time, each timed to its EXISTS.
    pub deliveries: usize,
    /// Distinct users that get one message each in the burst (0: no burst).
    pub burst: usize,
    pub rcpts_per_txn: usize,
    pub lmtp_connections: usize,
    pub wake_waves: usize,
    /// Percentage of the live sessions woken in each wave.
    pub wake_percent: u8,
    /// Whether a woken session sends NOOP before its new IDLE.
    pub wake_noop: bool,
    /// The server's pid, for memory and CPU readings from /proc.
    pub server_pid: Option<u32>,
    pub seed: u64,
    pub max_duration: Duration,
    /// The limit on each reply, IMAP or LMTP, and on each wake.
    pub reply_timeout: Duration,
    /// How long after its delivery an EXISTS may take before it counts as
    /// missing.
    pub exists_timeout: Duration,
    /// The domain added to user names without one for RCPT TO.
    pub rcpt_domain: String,
}

/// Defaults, and where they come from.
impl IdleOptions {
    pub fn new(imap: SocketAddr, lmtp: SocketAddr, users: Vec<User>) -> IdleOptions {
        IdleOptions {
            imap,
            lmtp,
            users,
            sessions: 1000,
            sessions_per_user: 1,
            // 16 × ~28,000 ephemeral ports: far more than 19,000 sessions.
            sources: 16,
            // Enough to keep both cores of the server busy without piling
            // up thousands of half-open handshakes.
            concurrency: 256,
            hold: Duration::from_secs(5),
            deliveries: 200,
            // Issue #4: "a burst of 2,000 deliveries to 2,000 distinct users".
            burst: 2000,
            // Postfix's lmtp_destination_recipient_limit is 50; 100 keeps
            // transactions few while staying a realistic size.
            rcpts_per_txn: 100,
            lmtp_connections: 4,
            wake_waves: 3,
            wake_percent: 10,
            wake_noop: false,
            server_pid: None,
            seed: 1,
            max_duration: Duration::from_secs(600),
            reply_timeout: Duration::from_secs(30),
            exists_timeout: Duration::from_secs(10),
            rcpt_domain: "localhost".into(),
        }
    }

    /// The users a run needs.
    pub fn users_needed(&self) -> usize {
        self.sessions.div_ceil(self.sessions_per_user.max(1))
    }

    /// Refuses a run that breaks a safety bound or cannot work.
    pub fn validate(&self) -> Result<(), LoadError> {
        check_loopback("IMAP", self.imap)?;
        check_loopback("LMTP", self.lmtp)?;
        check_sessions(self.sessions)?;
        check_duration(self.max_duration)?;
        source_addresses(self.sources)?;
        let positive = [
            ("--sessions-per-user", self.sessions_per_user),
            ("--concurrency", self.concurrency),
            ("--rcpts-per-txn", self.rcpts_per_txn),
            ("--lmtp-connections", self.lmtp_connections),
        ];
        for (flag, value) in positive {
            if value == 0 {
                return Err(LoadError::Invalid(format!("{flag} must be at least 1")));
            }
        }
        if self.lmtp_connections > 64 {
            return Err(LoadError::Invalid("--lmtp-connections: at most 64".into()));
        }
        if !(1..=100).contains(&self.wake_percent) {
            return Err(LoadError::Invalid(
                "--wake-percent: between 1 and 100".into(),
            ));
        }
        if self.reply_timeout.is_zero() || self.exists_timeout.is_zero() {
            return Err(LoadError::Invalid("timeouts must be above zero".into()));
        }
        Ok(())
    }
}

/// Settings of `dormouse-load lmtp-rate`.
#[derive(Debug, Clone)]
pub struct LmtpRateOptions {
    pub lmtp: SocketAddr,
    pub users: Vec<User>,
    pub messages: usize,
    pub connections: usize,
    pub rcpts_per_txn: usize,
    pub seed: u64,
    pub max_duration: Duration,
    pub reply_timeout: Duration,
    pub rcpt_domain: String,
}

/// The most messages one `lmtp-rate` run delivers: each one is a file on
/// the server's disk.
pub const MAX_MESSAGES: usize = 1_000_000;

impl LmtpRateOptions {
    pub fn new(lmtp: SocketAddr, users: Vec<User>) -> LmtpRateOptions {
        LmtpRateOptions {
            lmtp,
            users,
            messages: 2000,
            connections: 4,
            rcpts_per_txn: 1,
            seed: 1,
            max_duration: Duration::from_secs(600),
            reply_timeout: Duration::from_secs(30),
            rcpt_domain: "localhost".into(),
        }
    }

    pub fn validate(&self) -> Result<(), LoadError> {
        check_loopback("LMTP", self.lmtp)?;
        check_duration(self.max_duration)?;
        if self.messages == 0 || self.messages > MAX_MESSAGES {
            return Err(LoadError::Invalid(format!(
                "--messages: between 1 and {MAX_MESSAGES}"
            )));
        }
        if self.connections == 0 || self.connections > 64 {
            return Err(LoadError::Invalid("--connections: between 1 and 64".into()));
        }
        if self.rcpts_per_txn == 0 {
            return Err(LoadError::Invalid(
                "--rcpts-per-txn must be at least 1".into(),
            ));
        }
        if self.users.is_empty() {
            return Err(LoadError::Invalid(
                "no users with a {PLAIN} password".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> IdleOptions {
        IdleOptions::new(
            "127.0.0.1:1143".parse().unwrap(),
            "127.0.0.1:2424".parse().unwrap(),
            Vec::new(),
        )
    }

    #[test]
    fn defaults_are_valid() {
        assert!(opts().validate().is_ok());
        let l = LmtpRateOptions::new(
            "127.0.0.1:2424".parse().unwrap(),
            vec![User {
                name: "a".into(),
                password: "a".into(),
            }],
        );
        assert!(l.validate().is_ok());
    }

    #[test]
    fn unsafe_runs_are_refused() {
        let mut o = opts();
        o.lmtp = "10.1.1.1:24".parse().unwrap();
        assert!(matches!(o.validate(), Err(LoadError::NotLoopback { .. })));
        let mut o = opts();
        o.sessions = 19_001;
        assert!(matches!(o.validate(), Err(LoadError::SessionCap { .. })));
        let mut o = opts();
        o.max_duration = Duration::from_secs(7200);
        assert!(matches!(o.validate(), Err(LoadError::DurationCap { .. })));
        let mut o = opts();
        o.concurrency = 0;
        assert!(o.validate().is_err());
    }

    #[test]
    fn users_needed_rounds_up() {
        let mut o = opts();
        o.sessions = 10;
        o.sessions_per_user = 3;
        assert_eq!(o.users_needed(), 4);
        o.sessions_per_user = 1;
        assert_eq!(o.users_needed(), 10);
    }
}
