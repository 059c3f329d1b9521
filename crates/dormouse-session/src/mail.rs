//! What a session asks of the outside world once a user is logged in: that
//! user's mail store. Where the store lives (the mail_location template,
//! the user's home) is the server's business, not the session's.

use std::path::Path;

use dormouse_storage::{StorageError, UserStore};

/// Opens a logged-in user's mail store. May block (it may create the user's
/// Maildir on first login); called from the same blocking commands as
/// [`crate::Authenticator::verify`].
pub trait MailAccess: Send + Sync + 'static {
    fn open(&self, user: &str, home: Option<&Path>) -> Result<UserStore, StorageError>;
}
