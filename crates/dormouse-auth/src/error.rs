//! The crate's error type, classified by who is at fault so callers can map
//! it to a reply or an exit code in one place. Texts never contain a password
//! or a hash.

use std::io;
use std::path::PathBuf;

use crate::username::UsernameError;

/// Who is to blame for an [`AuthError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The caller passed something unacceptable (bad name, duplicate user).
    Input,
    /// The filesystem failed or another editor holds the lock.
    Io,
    /// A bug or a broken dependency (hashing library, randomness source).
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid username: {0}")]
    InvalidUsername(#[from] UsernameError),
    #[error("unacceptable password: {0}")]
    InvalidPassword(&'static str),
    #[error("user already exists")]
    UserExists,
    #[error("no such user")]
    NoSuchUser,
    #[error(
        "passwd-file is being edited by someone else (lock file {lock} exists; remove it if no editor is running)"
    )]
    Locked { lock: PathBuf },
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("random number source failed: {0}")]
    Random(String),
}

impl AuthError {
    pub fn fault(&self) -> Fault {
        match self {
            AuthError::InvalidUsername(_)
            | AuthError::InvalidPassword(_)
            | AuthError::UserExists
            | AuthError::NoSuchUser => Fault::Input,
            AuthError::Locked { .. } | AuthError::Io { .. } => Fault::Io,
            AuthError::Hash(_) | AuthError::Random(_) => Fault::Internal,
        }
    }

    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> AuthError {
        AuthError::Io {
            op,
            path: path.into(),
            source,
        }
    }
}
