//! Turns a raw RFC 5322 message into what IMAP FETCH, SEARCH and SORT need:
//! ENVELOPE, BODY/BODYSTRUCTURE, BODY[section], BINARY, decoded header and
//! body text, the sent date and sort keys. Pure: bytes in, values out; no
//! files, sockets or clock. MIME parsing is mail-parser's; this crate only
//! maps its result onto IMAP's rules.

mod address;
mod binary;
mod date;
mod envelope;
mod header;
mod message;
mod mime_fields;
mod section;
mod sort;
mod structure;
mod text;
mod tree;

pub use binary::BinaryError;
pub use message::{AddressField, Message};
pub use sort::base_subject;
pub use structure::Extensible;
pub use text::contains_ci;
