//! The IMAP abstract syntax: commands a client sends and responses a server
//! sends, as plain Rust values. Nothing here parses or encodes bytes; see
//! `parse` and `encode` for that.

mod command;
mod core;
mod response;

pub use command::*;
pub use core::*;
pub use response::*;
