//! IMAP protocol syntax, sans-IO: a command decoder that takes bytes and
//! yields commands (or "need more input"), and a response encoder that turns
//! responses into bytes. It knows nothing of sockets, storage, users or time.

pub mod chars;
pub mod encode;
/// Modified UTF-7, its own crate so that storage can name Dovecot directories
/// without depending on IMAP syntax.
pub use dormouse_mutf7 as mutf7;
pub mod parse;
pub mod types;

pub use types::*;
