//! Recipient lookup for LMTP: the passwd-file, tried under each name the
//! address offers (full address, then local part; see
//! `RecipientAddress::candidates`). Case is not folded except the domain's:
//! passwd-file names are matched exactly, as at login.
//!
//! `UserDb::lookup` answers from memory; at most once a second it stats
//! the file, and it re-reads it only when it changed, so it is called on
//! the connection's task rather than on a blocking thread.

use std::sync::Arc;

use dormouse_auth::{UserDb, UserEntry};
use dormouse_lmtp::{Directory, RecipientAddress, Resolution};

/// Who a recipient is and which mailbox its address asked for.
pub(crate) struct Account {
    pub entry: UserEntry,
    /// The `+detail` of the address, when the user was found without it.
    pub detail: Option<String>,
}

pub(crate) struct PasswdDirectory(pub Arc<UserDb>);

impl Directory for PasswdDirectory {
    type Account = Account;

    fn resolve(&self, address: &RecipientAddress) -> Resolution<Account> {
        for candidate in address.candidates() {
            if let Some(entry) = self.0.lookup(&candidate.name) {
                return Resolution::Found(Account {
                    entry,
                    detail: candidate.detail,
                });
            }
        }
        Resolution::Unknown
    }
}
