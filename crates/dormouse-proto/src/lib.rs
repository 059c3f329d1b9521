//! IMAP protocol syntax, sans-IO: a command decoder that takes bytes and
//! yields commands (or "need more input"), and a response encoder that turns
//! responses into bytes. It knows nothing of sockets, storage, users or time.

pub mod chars;
pub mod encode;
pub mod mutf7;
pub mod parse;
pub mod types;

pub use types::*;
