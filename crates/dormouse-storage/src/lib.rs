//! The storage interface: the identifiers and the error vocabulary that the
//! session layer and a mail store agree on. It knows nothing of IMAP syntax
//! or sockets. The Maildir store and the mailbox/message operations arrive
//! with the storage issue (#3); this crate holds only what is already true
//! for any store: what a UID, a UIDVALIDITY and a MODSEQ are, and who is at
//! fault when an operation fails.

mod error;
mod ids;

pub use error::{Fault, StorageError};
pub use ids::{ModSeq, Uid, UidValidity};
