//! Connects the session's `MailAccess` to the Maildir store: expands the
//! configured mail location for the logged-in user and opens that tree.

use std::path::Path;

use dormouse_config::MailLocation;
use dormouse_session::MailAccess;
use dormouse_storage::{StorageError, Store, UserStore};

pub struct MaildirAccess {
    pub store: Store,
    pub location: MailLocation,
}

impl MailAccess for MaildirAccess {
    fn open(&self, user: &str, home: Option<&Path>) -> Result<UserStore, StorageError> {
        // The template refuses names that would leave the mail tree; the
        // user database already refuses them too, so this is a second wall.
        let root = self
            .location
            .expand(user, home)
            .map_err(|e| StorageError::InvalidName(e.to_string()))?;
        self.store.user(root)
    }
}
