//! Storage errors, classified by who is at fault so that the session layer
//! can map them to IMAP response codes in one place without knowing any
//! store's internals.

/// Who caused a failure; decides between NO with a client-facing code and
/// NO [SERVERBUG]/[UNAVAILABLE] plus a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The request cannot succeed as asked (no such mailbox, bad name).
    Client,
    /// The store could not do it right now (IO error, disk full).
    Storage,
    /// A bug or broken invariant in dormouse.
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// Deliberately the same text whether the mailbox is missing or belongs
    /// to someone else, so that errors never reveal other users' mailboxes.
    #[error("mailbox does not exist")]
    NoSuchMailbox,
    #[error("mailbox already exists")]
    AlreadyExists,
    #[error("invalid mailbox name: {0}")]
    InvalidName(String),
    #[error("storage is temporarily unavailable")]
    Io(#[from] std::io::Error),
    #[error("mail index is corrupt: {0}")]
    Corrupt(String),
}

impl StorageError {
    pub fn fault(&self) -> Fault {
        match self {
            StorageError::NoSuchMailbox
            | StorageError::AlreadyExists
            | StorageError::InvalidName(_) => Fault::Client,
            StorageError::Io(_) => Fault::Storage,
            StorageError::Corrupt(_) => Fault::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_classified() {
        assert_eq!(StorageError::NoSuchMailbox.fault(), Fault::Client);
        assert_eq!(
            StorageError::InvalidName("..".into()).fault(),
            Fault::Client
        );
        let io = std::io::Error::other("disk full");
        assert_eq!(StorageError::from(io).fault(), Fault::Storage);
        assert_eq!(StorageError::Corrupt("x".into()).fault(), Fault::Internal);
    }
}
