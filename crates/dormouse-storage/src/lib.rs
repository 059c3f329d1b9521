//! The mail store: Dovecot-compatible Maildir++ trees with dormouse's own
//! append-only index per mailbox, shared in-memory mailbox state, and one
//! `View` per selected session. Entry points: `Store` (process-wide) →
//! `UserStore` (one user's tree) → `View` (one session's selected mailbox).
//! It knows nothing of IMAP syntax or sockets, holds no file descriptor
//! between calls, and is called synchronously from blocking threads.

mod error;
mod file_header;
mod ids;
mod logpath;

// On-disk formats (Dovecot-compatible Maildir files) and file-system
// helpers; public so the integration tests and fuzzers can reach them.
pub mod dovecot;
pub mod filename;
mod flags;
pub mod fsutil;
mod name;
pub mod subscriptions;

// The storage engine: index log, shared mailboxes, sessions' views, and
// the bus that tells sessions of changes.
mod append;
pub mod bus;
mod cache;
mod changes;
mod copy;
mod crlf;
mod expunge;
mod flag_store;
mod index;
mod keyword_table;
mod list;
mod locate;
mod mailbox;
mod messages;
mod meta;
mod registry;
mod scan;
mod special_use;
mod state;
mod status;
mod store;
mod tree;
mod uidlist_sync;
pub mod uidset;
mod user;
mod view;

pub use append::NewMessage;
pub use bus::{ChangeBus, Note, NoteKind, Subscriber, Subscription, WatchHook};
pub use error::{Fault, StorageError};
pub use flag_store::{FlagOp, StoreMode};
pub use flags::SystemFlags;
pub use fsutil::Fsync;
pub use ids::{ModSeq, Uid, UidValidity};
pub use list::MailboxInfo;
pub use meta::MessageMeta;
pub use name::{INBOX, MailboxName};
pub use special_use::SpecialUse;
pub use status::MailboxStatus;
pub use store::{Store, StoreSettings};
pub use uidset::UidSet;
pub use user::{AppendResult, UserStore};
pub use view::{Access, Change, CopyResult, ParkedView, SeqPolicy, StoreResult, Unparkable, View};
