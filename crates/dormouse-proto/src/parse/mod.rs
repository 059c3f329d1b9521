//! Client commands from bytes, sans-IO. `CommandDecoder` frames a byte
//! stream into complete commands (enforcing `Limits` before buffering
//! anything) and a recursive-descent parser turns each into a `Command`.
//! Nothing here reads sockets, sends continuation requests or decodes
//! modified UTF-7.

mod append;
mod command;
mod cursor;
mod decoder;
mod error;
mod fetch;
mod framing;
mod list;
mod misc;
mod search;
mod select;
mod sort;
mod store;
mod strings;
mod values;

pub use decoder::{CommandDecoder, Decoded, LITERAL_MINUS_MAX, LineResult};
pub use error::{DecodeError, DecodeErrorKind, Recovery};

use crate::types::Command;

/// Size and nesting limits, enforced before anything is buffered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of command text outside literal data, CRLFs included, summed
    /// over all lines of one command. Default 64 KiB, Dovecot's
    /// `imap_max_line_length`.
    pub max_line: usize,
    /// Largest literal in any command but APPEND, and the most literal
    /// data one such command may carry in total. Default 64 KiB.
    pub max_literal: u32,
    /// The same for APPEND (all messages of a MULTIAPPEND together).
    /// Default 64 MiB.
    pub max_append_literal: u32,
    /// Parenthesis and NOT/OR nesting (SEARCH, fetch lists). Also bounds
    /// the parser's recursion, hence its stack use. Default 32.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 64 * 1024,
            max_literal: 64 * 1024,
            max_append_literal: 64 * 1024 * 1024,
            max_depth: 32,
        }
    }
}

/// Which non-synchronising literals the server advertised (RFC 7888).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LiteralPolicy {
    /// LITERAL+: `{n+}` of any size within `Limits`.
    Plus,
    /// LITERAL-: `{n+}` only up to 4096 bytes.
    Minus,
}

/// Parses one complete command, literals inline (`{n}\r\n` followed by
/// the data), ending with its CRLF, under the default `Limits`. For tests
/// and fuzzing; a server uses `CommandDecoder`.
pub fn parse_command(bytes: &[u8]) -> Result<Command, DecodeError> {
    command::parse(bytes, &Limits::default())
}
