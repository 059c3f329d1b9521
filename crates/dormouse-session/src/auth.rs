//! The one thing a session asks of the outside world to log a user in:
//! checking a user name and password. How passwords are stored is not its
//! business.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Checks credentials. Implementations may block (hashing a password takes
/// tens of milliseconds), so the server runs commands that call this off its
/// async runtime; see [`crate::Session::is_blocking`].
pub trait Authenticator: Send + Sync + 'static {
    fn verify(&self, username: &str, password: &[u8], remote: IpAddr) -> AuthVerdict;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthVerdict {
    /// The credentials are good; `user` is the canonical name to log in as,
    /// which may differ from what the client typed (case, domain); `home`
    /// is the user's home directory when the user database has one (for
    /// `%h` in mail locations).
    Accepted { user: String, home: Option<PathBuf> },
    /// Wrong user name or password. The session tells the server to wait
    /// `delay` before answering, to slow down guessing.
    Rejected { delay: Duration },
    /// The password database could not be consulted; the client may retry.
    Unavailable,
}
