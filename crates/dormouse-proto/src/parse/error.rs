//! Why a command was rejected, in a form the server can answer with: the
//! tag to echo, a typed reason whose `Display` is the BAD text, and whether
//! the byte stream can still be trusted. Choosing BAD versus BYE is the
//! server's job, not this module's.

use crate::types::{Code, Tag};

/// A rejected command. The server answers `tag BAD [code] text` (or
/// `* BAD` when `tag` is `None`) and then continues or closes as
/// `recovery` says.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct DecodeError {
    /// The command's tag, whenever it could be read.
    pub tag: Option<Tag>,
    pub kind: DecodeErrorKind,
    pub recovery: Recovery,
}

/// Whether the decoder found the start of the next command again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Recovery {
    /// The rejected command has been skipped; keep decoding.
    Continue,
    /// The client may be sending data the decoder cannot delimit (a
    /// non-synchronising literal of unknown size): close the connection.
    Close,
}

/// What was wrong. The messages are written to be sent as the BAD text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeErrorKind {
    #[error("Command line too long (the limit is {limit} bytes)")]
    LineTooLong { limit: usize },
    #[error("Literal of {size} bytes is over the limit of {limit} bytes")]
    LiteralTooBig { size: u64, limit: u32 },
    #[error("Literal size does not fit in 64 bits")]
    LiteralSizeOverflow,
    #[error("The literals of this command add up to more than {limit} bytes")]
    CommandTooBig { limit: u32 },
    #[error(
        "Non-synchronizing literal of {size} bytes is over the LITERAL- limit of 4096 bytes; \
         use a synchronizing literal"
    )]
    NonSyncLiteralTooBig { size: u64 },
    #[error("Nesting deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("Empty command line")]
    EmptyLine,
    #[error("Invalid tag")]
    InvalidTag,
    #[error("Unknown command {0}")]
    UnknownCommand(String),
    #[error("Syntax error: expected {expected}")]
    Syntax { expected: &'static str },
    #[error("Number out of range")]
    NumberTooBig,
    #[error("Invalid date")]
    InvalidDate,
    #[error("Invalid UTF-8 in {what}")]
    InvalidUtf8 { what: &'static str },
    #[error("NUL in a literal; only literal8 (~{{n}}) may carry NUL")]
    NulInLiteral,
    #[error("literal8 (~{{n}}) is only allowed in APPEND")]
    Literal8NotAllowed,
}

impl DecodeErrorKind {
    /// The response code that belongs in the BAD response, if any.
    /// `[TOOBIG]` (RFC 7888, RFC 4469) for everything that is refused for
    /// its size; plain BAD for syntax (`[PARSE]` is about message headers,
    /// not commands).
    pub fn code(&self) -> Option<Code> {
        match self {
            DecodeErrorKind::LineTooLong { .. }
            | DecodeErrorKind::LiteralTooBig { .. }
            | DecodeErrorKind::LiteralSizeOverflow
            | DecodeErrorKind::CommandTooBig { .. }
            | DecodeErrorKind::NonSyncLiteralTooBig { .. } => Some(Code::TooBig),
            _ => None,
        }
    }
}
