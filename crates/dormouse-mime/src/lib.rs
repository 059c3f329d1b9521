//! scratch
pub use mail_parser;
