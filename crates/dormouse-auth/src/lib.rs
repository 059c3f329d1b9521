//! Users and authentication for dormouse: Dovecot-compatible passwd-files,
//! password schemes, a verification cache and failed-login delays.
//!
//! It knows nothing of IMAP, sockets or configuration files. It does read
//! and write the passwd-file and reads the clock (cache TTL, failure decay),
//! but never sleeps: a rejected login carries the delay for the caller to
//! wait out. Usernames are logged only at debug level, passwords never.

mod cache;
mod error;
mod failures;
mod gate;
mod hashing;
mod passwd_line;
mod password;
mod shacrypt;
mod snapshot;
mod stats;
mod userdb;
mod username;

pub mod passwd_file;

use std::path::PathBuf;
use std::time::Duration;

pub use error::{AuthError, Fault};
pub use hashing::{MAX_PASSWORD_LEN, hash_password};
pub use stats::AuthStats;
pub use userdb::UserDb;
pub use username::{MAX_USERNAME_LEN, UsernameError, validate_username};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthOptions {
    /// How long a successful verification is remembered, so a phone
    /// reconnecting every few minutes does not pay for Argon2 each time.
    /// Default 15 minutes. Zero disables the cache.
    pub cache_ttl: Duration,
    /// Delay before the reply to the first failed login from an address;
    /// it doubles with each further failure. Default 2 s, Dovecot's
    /// `auth_failure_delay`.
    pub failure_delay: Duration,
    /// Cap on that delay when failures from one address pile up. Default
    /// 15 s.
    pub max_failure_delay: Duration,
}

impl Default for AuthOptions {
    fn default() -> AuthOptions {
        AuthOptions {
            cache_ttl: Duration::from_secs(15 * 60),
            failure_delay: Duration::from_secs(2),
            max_failure_delay: Duration::from_secs(15),
        }
    }
}

/// The outcome of [`UserDb::verify`]. An unknown user and a wrong password
/// are deliberately the same `Rejected`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted(UserEntry),
    /// Wait this long before telling the client; it grows with the failures
    /// counted against the client's address.
    Rejected {
        delay: Duration,
    },
}

/// A user as the passwd-file describes them. Holds no password or hash, so
/// it can be logged and passed around freely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserEntry {
    pub name: String,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub home: Option<PathBuf>,
    /// `key=value` extra fields in file order, e.g.
    /// `("userdb_mail", "maildir:~/Maildir")`.
    pub extra: Vec<(String, String)>,
}

impl UserEntry {
    /// The first extra field named `key`.
    pub fn extra_field(&self, key: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
