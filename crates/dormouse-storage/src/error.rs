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
    /// A per-mailbox limit of the on-disk format was reached (e.g. Maildir
    /// has only the 26 letters `a`..`z` for keywords): NO [LIMIT].
    #[error("limit reached: {0}")]
    Limit(String),
    /// Dormouse asked the store to write something its formats cannot hold
    /// (a line break in a file name, UIDs out of order): a bug, not a disk
    /// problem.
    #[error("internal error: {0}")]
    Invariant(String),
    /// DELETE of a name that has children and no mailbox of its own
    /// (\Noselect): RFC 9051 §6.3.5 makes that an error, NO [HASCHILDREN].
    #[error("mailbox has children, delete them first")]
    HasChildren,
    /// The message was expunged (by another session or an outside writer)
    /// after this session last synced: NO [EXPUNGEISSUED].
    #[error("message was expunged")]
    Expunged,
    /// The operation is not possible on this mailbox (delete INBOX, write to
    /// a read-only view, rename a mailbox under itself): NO [CANNOT].
    #[error("{0}")]
    Cannot(&'static str),
    /// A keyword name the on-disk formats cannot hold (space, control
    /// character, leading '\\').
    #[error("invalid keyword: {0}")]
    InvalidKeyword(String),
}

impl StorageError {
    pub fn fault(&self) -> Fault {
        match self {
            StorageError::NoSuchMailbox
            | StorageError::AlreadyExists
            | StorageError::InvalidName(_)
            | StorageError::Limit(_)
            | StorageError::HasChildren
            | StorageError::Expunged
            | StorageError::Cannot(_)
            | StorageError::InvalidKeyword(_) => Fault::Client,
            StorageError::Io(_) => Fault::Storage,
            StorageError::Corrupt(_) | StorageError::Invariant(_) => Fault::Internal,
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
        assert_eq!(
            StorageError::Limit("26 keywords".into()).fault(),
            Fault::Client
        );
        assert_eq!(
            StorageError::Invariant("uid 0".into()).fault(),
            Fault::Internal
        );
    }
}
