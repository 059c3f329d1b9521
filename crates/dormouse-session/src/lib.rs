//! The IMAP session state machine, sans-IO: it takes parsed commands and
//! returns the responses to send, the delay to wait before sending them and
//! whether to close, or to come back for the command's next batch (a big
//! FETCH answers in bounded batches, `Session::resume`). It never touches a socket, a file or the clock, and it
//! never logs: what happened (a login, a failed login) comes back as a
//! [`SessionEvent`] for the server to log.
//!
//! Commands live one per file in `commands/`, registered in a table that says
//! which states allow each one and how it interacts with pipelining.

mod auth;
mod capabilities;
mod commands;
mod config;
mod convert;
mod credentials;
mod errors;
mod extensions;
mod fetch_cache;
mod fetch_condstore;
mod fetch_content;
mod fetch_date;
mod fetch_items;
mod fetch_pending;
mod fetch_plan;
mod fetch_seen;
mod fetch_vanished;
mod mail;
mod mbox_listing;
mod mbox_names;
mod mbox_pattern;
mod mbox_status;
mod outcome;
mod park;
mod sasl;
mod search_charset;
mod search_eval;
mod search_sort;
mod search_thread;
mod seqset;
mod session;
mod state;
mod updates;

pub use auth::{AuthVerdict, Authenticator};
pub use commands::CommandFlags;
pub use config::{ConnectionInfo, Literals, PlaintextAuth, SessionConfig, Transport};
pub use mail::MailAccess;
pub use outcome::{InputMode, Mechanism, Next, Outcome, SessionEvent};
pub use park::ParkedSession;
pub use session::{Services, Session, mailbox_gone};
pub use state::StateKind;
