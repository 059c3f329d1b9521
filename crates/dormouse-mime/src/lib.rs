//! Turns a raw RFC 5322 message into what IMAP FETCH, SEARCH and SORT need:
//! ENVELOPE, BODY/BODYSTRUCTURE, BODY[section], BINARY, decoded header and
//! body text, the sent date and sort keys. Pure: bytes in, values out; no
//! files, sockets or clock. MIME parsing is mail-parser's; this crate only
//! maps its result onto IMAP's rules.
//!
//! Choices, each explained where it is made: the last of a repeated field
//! wins (Dovecot's envelope, mail-parser's Content-Type); sizes and section
//! bytes are as stored, line endings included; line counts are LF counts;
//! the part tree is followed 100 levels deep (Dovecot's cap); SEARCH text
//! has HTML reduced to its text; text matching lower-cases per character.

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
