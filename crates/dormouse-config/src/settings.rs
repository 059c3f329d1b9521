//! The validated, typed settings groups that make up a `Config`.
//!
//! Plain data: every value here has already been checked, so consumers use
//! the fields directly. `Default` gives the built-in defaults from `raw`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::ListenAddr;
use crate::raw;

/// The sockets dormouse listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    /// Plain IMAP.
    pub imap: SocketAddr,
    /// LMTP delivery from the MTA: a TCP address or a UNIX socket path.
    pub lmtp: ListenAddr,
    /// IMAP over implicit TLS; `None` disables it.
    pub imaps: Option<SocketAddr>,
}

impl Default for Listen {
    fn default() -> Self {
        Listen {
            imap: raw::IMAP_ADDR,
            lmtp: ListenAddr::Tcp(raw::LMTP_ADDR),
            imaps: None,
        }
    }
}

/// Certificate and key files; configuration only names them, the server
/// loads them before binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// Login policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    /// When false, plaintext LOGIN/AUTHENTICATE PLAIN is refused on
    /// unencrypted connections except from loopback peers.
    pub allow_plaintext_auth: bool,
    /// How long a verified credential is cached; zero disables the cache.
    pub cache_ttl: Duration,
    /// Delay before answering the first failed login.
    pub failure_delay: Duration,
    /// Upper bound the delay grows to on repeated failures.
    pub max_failure_delay: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            allow_plaintext_auth: raw::ALLOW_PLAINTEXT_AUTH,
            cache_ttl: Duration::from_secs(raw::CACHE_TTL_SECS),
            failure_delay: Duration::from_secs(raw::FAILURE_DELAY_SECS),
            max_failure_delay: Duration::from_secs(raw::MAX_FAILURE_DELAY_SECS),
        }
    }
}

/// Resource bounds enforced on clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitSettings {
    /// Longest command line in bytes, literals excluded.
    pub max_line_length: usize,
    /// Largest literal in bytes outside APPEND.
    pub max_literal: u32,
    /// Largest message in bytes accepted by APPEND.
    pub max_append_size: u32,
    /// Deepest parenthesis nesting in one command.
    pub max_nesting: usize,
    /// Simultaneous connections; 0 means no limit beyond the fd limit.
    pub max_connections: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            max_line_length: raw::MAX_LINE_LENGTH,
            max_literal: raw::MAX_LITERAL,
            max_append_size: raw::MAX_APPEND_SIZE,
            max_nesting: raw::MAX_NESTING,
            max_connections: raw::MAX_CONNECTIONS,
        }
    }
}

impl LimitSettings {
    /// `max_connections` as an optional bound, so callers need not know
    /// that zero means unlimited.
    pub fn connection_limit(&self) -> Option<std::num::NonZeroUsize> {
        std::num::NonZeroUsize::new(self.max_connections)
    }
}

/// How long a connection may go without logging in or without input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutSettings {
    /// An unauthenticated connection is closed this long after it was
    /// accepted, whatever it sends.
    pub login: Duration,
    /// An authenticated connection is closed after this long without
    /// input. Below 30 minutes this breaks RFC 9051 §5.4.
    pub autologout: Duration,
    /// A session in IDLE is sent `* OK Still here` this often.
    pub idle_keepalive: Duration,
    /// A session that stays in one IDLE this long is closed with BYE.
    pub idle_timeout: Duration,
    /// A connection whose writes make no progress this long is closed:
    /// the bound on what a client that stops reading can cost.
    pub write_stall: Duration,
    /// An idle session (in IDLE, or logged in with nothing in flight) is
    /// parked in a compact record after this long; zero parks at once.
    pub hibernate_after: Duration,
}

impl Default for TimeoutSettings {
    fn default() -> Self {
        TimeoutSettings {
            login: Duration::from_secs(raw::LOGIN_TIMEOUT_SECS),
            autologout: Duration::from_secs(raw::AUTOLOGOUT_SECS),
            idle_keepalive: Duration::from_secs(raw::IDLE_KEEPALIVE_SECS),
            idle_timeout: Duration::from_secs(raw::IDLE_TIMEOUT_SECS),
            write_stall: Duration::from_secs(raw::WRITE_STALL_SECS),
            hibernate_after: Duration::from_secs(raw::HIBERNATE_AFTER_SECS),
        }
    }
}

/// How log output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogFormat {
    /// The spelling used in the configuration file.
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        }
    }
}

/// Logging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// A `tracing` filter: a level, or `target=level` directives separated
    /// by commas. Already checked, so `EnvFilter::try_new` accepts it.
    pub level: String,
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            level: raw::LOG_LEVEL.to_owned(),
            format: LogFormat::default(),
        }
    }
}
