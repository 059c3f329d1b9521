//! Stage one: the TOML file as written, every key optional, every default
//! declared beside its key with the reason for the number.
//!
//! Nothing here is interpreted: durations, sizes and addresses stay text
//! (with their position in the file) so that stage two can name the key and
//! the line when it rejects one. Unknown keys are refused by serde here.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use serde::Deserialize;
use toml::Spanned;

/// A value that may be written as a TOML integer or a string: sizes accept
/// both ("65536" or "64KiB"); durations take the integer only to explain
/// that a unit is needed.
#[derive(Debug, Clone)]
pub(crate) enum Scalar {
    Int(i64),
    Text(String),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer or a string such as \"64MiB\" or \"15m\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                i64::try_from(v)
                    .map(Scalar::Int)
                    .map_err(|_| E::custom("integer too large"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A raw value together with where it was written.
pub(crate) type At<T> = Option<Spanned<T>>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    /// Default [`DATA_DIR`]. Relative to the working directory.
    pub data_dir: At<String>,
    /// Default [`USERS_FILE`]. Relative paths resolve against `data_dir`.
    pub users_file: At<String>,
    /// Default [`MAIL_LOCATION`]. Relative expansions resolve against `data_dir`.
    pub mail_location: At<String>,
    /// Default [`SHUTDOWN_GRACE_SECS`].
    pub shutdown_grace: At<Scalar>,
    /// Default [`HIERARCHY_SEPARATOR`].
    pub hierarchy_separator: At<String>,
    #[serde(default)]
    pub listen: RawListen,
    pub tls: Option<RawTls>,
    #[serde(default)]
    pub auth: RawAuth,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub timeouts: RawTimeouts,
    #[serde(default)]
    pub log: RawLog,
}

/// Beside the binary's working directory, so a first run needs no setup.
pub const DATA_DIR: &str = "./dormouse-data";
/// Inside the data directory, so one directory holds all of dormouse's state.
pub const USERS_FILE: &str = "users";
/// One directory per full user name (with domain), so users of different
/// domains never collide.
pub const MAIL_LOCATION: &str = "mail/%u";
/// Long enough for a client to receive its BYE and for in-flight APPENDs of
/// ordinary size to finish; short enough that a restart feels immediate.
pub const SHUTDOWN_GRACE_SECS: u64 = 5;
/// The separator clients see between mailbox levels: `.` is Maildir++'s and
/// Dovecot's default for Maildir, so an existing tree looks the same; `/` is
/// what Dovecot shows with `separator = /`. On disk levels are always joined
/// with `.`.
pub const HIERARCHY_SEPARATOR: char = '.';

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawListen {
    /// Default [`IMAP_ADDR`].
    pub imap: At<String>,
    /// Default [`LMTP_ADDR`]. An address, or an absolute UNIX socket path.
    pub lmtp: At<String>,
    /// Default: none (no implicit-TLS listener). Requires `[tls]`.
    pub imaps: At<String>,
}

/// Loopback only, and 1143 rather than 143, so that a first run needs
/// neither root nor a firewall decision; production sets 0.0.0.0:143.
pub const IMAP_ADDR: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1143));
/// Loopback only: the MTA delivering over LMTP normally runs on the same
/// host, and LMTP has no authentication. Port 24 (IANA's "any private mail
/// system", which Dovecot uses for LMTP) moved above 1024 as 143 is to 1143.
pub const LMTP_ADDR: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 2424));

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTls {
    /// Required when `[tls]` is present: PEM certificate chain.
    pub cert: Spanned<String>,
    /// Required when `[tls]` is present: PEM private key.
    pub key: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAuth {
    /// Default [`ALLOW_PLAINTEXT_AUTH`].
    pub allow_plaintext_auth: Option<bool>,
    /// Default [`CACHE_TTL_SECS`].
    pub cache_ttl: At<Scalar>,
    /// Default [`FAILURE_DELAY_SECS`].
    pub failure_delay: At<Scalar>,
    /// Default [`MAX_FAILURE_DELAY_SECS`].
    pub max_failure_delay: At<Scalar>,
}

/// Passwords never cross a network in the clear unless the administrator
/// says so; loopback peers are exempt because the bytes never leave the host
/// (Dovecot's `disable_plaintext_auth = yes` makes the same exemption).
pub const ALLOW_PLAINTEXT_AUTH: bool = false;
/// How long a verified password is remembered, so that clients opening
/// many connections do not pay for a slow hash each time. 15 minutes bounds
/// how long an old password keeps working after a change (Dovecot's
/// `auth_cache_ttl` is 1 hour; dormouse prefers the shorter window).
pub const CACHE_TTL_SECS: u64 = 15 * 60;
/// The delay before answering a failed login: 2 s, Dovecot's
/// `AUTH_PENALTY_INIT_SECS` (`src/auth/auth-penalty.h`).
pub const FAILURE_DELAY_SECS: u64 = 2;
/// The cap the delay doubles up to on repeated failures: 15 s, Dovecot's
/// `AUTH_PENALTY_MAX_SECS`.
pub const MAX_FAILURE_DELAY_SECS: u64 = 15;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLimits {
    /// Default [`MAX_LINE_LENGTH`].
    pub max_line_length: At<Scalar>,
    /// Default [`MAX_LITERAL`].
    pub max_literal: At<Scalar>,
    /// Default [`MAX_APPEND_SIZE`].
    pub max_append_size: At<Scalar>,
    /// Default [`MAX_NESTING`].
    pub max_nesting: At<i64>,
    /// Default [`MAX_CONNECTIONS`].
    pub max_connections: At<i64>,
}

/// 64 KiB, Dovecot's `imap_max_line_length`: long enough for clients that
/// send UID sets of huge mailboxes on one line.
pub const MAX_LINE_LENGTH: usize = 64 * 1024;
/// The smallest accepted `max_line_length`: RFC 7162 §4 tells clients to
/// keep lines within 8192 octets, so a server must take at least that.
pub const MIN_LINE_LENGTH: usize = 8192;
/// 64 KiB for a literal outside APPEND (a SEARCH string, a LOGIN password):
/// such literals are held in memory as part of the command, so they get the
/// same bound as the line itself.
pub const MAX_LITERAL: u32 = 64 * 1024;
/// 64 MiB per APPENDed message: above every common MTA's message size
/// limit (Postfix's `message_size_limit` default is 10240000, large hosted
/// providers accept 25–50 MB), so any message that could be delivered can
/// also be uploaded, while bounding the disk one command can claim.
pub const MAX_APPEND_SIZE: u32 = 64 * 1024 * 1024;
/// Parenthesis nesting in one command (SEARCH criteria, BODY sections):
/// real clients stay in single digits; 32 keeps a recursive parser's stack
/// use small.
pub const MAX_NESTING: usize = 32;
/// The largest accepted `max_nesting`, so a typo cannot re-open the stack
/// exhaustion the limit exists to prevent: a debug build's parser overflows
/// a 2 MiB worker stack near 400 levels; 128 leaves a wide margin.
pub const MAX_NESTING_CEILING: usize = 128;
/// No limit beyond the process's open-file limit: IDLE clients are cheap,
/// and the fd limit already fails accept() gracefully.
pub const MAX_CONNECTIONS: usize = 0;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTimeouts {
    /// Default [`LOGIN_TIMEOUT_SECS`]; at least [`MIN_TIMEOUT_MS`].
    pub login: At<Scalar>,
    /// Default [`AUTOLOGOUT_SECS`]; at least [`MIN_TIMEOUT_MS`].
    pub autologout: At<Scalar>,
    /// Default [`IDLE_KEEPALIVE_SECS`]; at least [`MIN_TIMEOUT_MS`].
    pub idle_keepalive: At<Scalar>,
    /// Default [`IDLE_TIMEOUT_SECS`]; at least [`MIN_TIMEOUT_MS`].
    pub idle_timeout: At<Scalar>,
    /// Default [`WRITE_STALL_SECS`]; at least [`MIN_TIMEOUT_MS`].
    pub write_stall: At<Scalar>,
    /// Default [`HIBERNATE_AFTER_SECS`]; "0s" parks at once.
    pub hibernate_after: At<Scalar>,
}

/// How long a connection may stay unauthenticated, counted from connect
/// and not reset by input, so trickling bytes cannot hold a connection
/// (slowloris). A person typing a password or a SASL exchange needs
/// seconds; Dovecot's login processes allow 3 minutes
/// (`CLIENT_LOGIN_TIMEOUT_MSECS`); 1 minute is ample and frees hoarded
/// connections three times sooner.
pub const LOGIN_TIMEOUT_SECS: u64 = 60;
/// How long an authenticated connection may send nothing: 30 minutes, the
/// least RFC 9051 §5.4 allows for an inactivity autologout timer.
pub const AUTOLOGOUT_SECS: u64 = 30 * 60;
/// How often a session in IDLE hears `* OK Still here`: Dovecot's
/// `imap_idle_notify_interval` default, short enough for NAT boxes and
/// stateful firewalls that drop silent TCP flows after 5 minutes or more.
pub const IDLE_KEEPALIVE_SECS: u64 = 2 * 60;
/// How long a client may stay in one IDLE: RFC 2177 asks clients to
/// re-issue IDLE at least every 29 minutes, so 30 minutes ends only those
/// that forgot.
pub const IDLE_TIMEOUT_SECS: u64 = 30 * 60;
/// How long a write may make no progress before the client is taken for
/// gone: generous, because phones on bad links stall for a while.
pub const WRITE_STALL_SECS: u64 = 60;
/// How long a session must sit idle before it hibernates. Long enough that
/// a client working through a burst of commands (a sync after reconnect,
/// a user reading mail) stays awake between them, so parking and waking
/// are paid only by sessions that then sit for minutes or hours; short
/// enough that almost all of an IDLE session's life is spent parked.
pub const HIBERNATE_AFTER_SECS: u64 = 5;
/// The shortest accepted timeout, so that "0s" or a slip such as "30ms"
/// for "30m" cannot make every connection fail at once.
pub const MIN_TIMEOUT_MS: u64 = 1_000;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLog {
    /// Default [`LOG_LEVEL`].
    pub level: At<String>,
    /// Default: text.
    pub format: Option<crate::LogFormat>,
}

/// Connections, logins and errors, without per-command noise.
pub const LOG_LEVEL: &str = "info";
