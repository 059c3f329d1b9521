//! Turning the abstract syntax back into bytes: server responses (what the
//! server sends) and client commands (what tests and the load generator
//! send). Each encoder picks atom, quoted or literal forms itself. Nothing
//! here does I/O or waits for continuation requests; a client using
//! synchronising literals gets the command in fragments instead.

mod command;
mod fetch;
mod response;
mod search;
mod strings;
mod values;

#[cfg(test)]
mod command_tests;
#[cfg(test)]
mod fetch_tests;
#[cfg(test)]
mod response_tests;

use crate::types::{Command, Response};

pub use values::{compact_set, sequence_set_to_string};

/// How the connection has been set up, as far as encoding cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EncodeOptions {
    pub utf8: Utf8Mode,
}

/// Whether the client has enabled UTF8=ACCEPT (RFC 6855).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Utf8Mode {
    /// 8-bit text only ever travels in literals.
    #[default]
    Ascii,
    /// UTF-8 may appear in quoted strings and response text.
    Accept,
}

/// Which literal form a client encoder writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientLiterals {
    /// `{n+}` (LITERAL+, RFC 7888): the command is one byte stream.
    NonSync,
    /// `{n}`: the client must wait for `+` after each literal header. With
    /// `encode_command` the bytes are still concatenated; use
    /// `encode_command_fragments` to know where to wait.
    Sync,
}

/// A piece of a command sent with synchronising literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fragment {
    /// Command text; every `Line` but the last ends with `{n}\r\n`, after
    /// which the client waits for a continuation request.
    Line(Vec<u8>),
    /// The literal's data, sent once the server said `+`.
    Literal(Vec<u8>),
}

/// Appends one complete response, CRLF included.
pub fn encode_response(resp: &Response, opts: EncodeOptions, out: &mut Vec<u8>) {
    let mut w = strings::Writer::new(out, strings::LiteralStyle::Server, opts.utf8);
    response::response(&mut w, resp);
}

/// Appends one complete command, CRLF included.
pub fn encode_command(cmd: &Command, literals: ClientLiterals, out: &mut Vec<u8>) {
    let style = match literals {
        ClientLiterals::NonSync => strings::LiteralStyle::NonSync,
        // The fragments concatenated are the byte stream; one code path
        // decides where literals go.
        ClientLiterals::Sync => {
            for fragment in encode_command_fragments(cmd) {
                match fragment {
                    Fragment::Line(b) | Fragment::Literal(b) => out.extend_from_slice(&b),
                }
            }
            return;
        }
    };
    let mut w = strings::Writer::new(out, style, Utf8Mode::Ascii);
    command::command(&mut w, cmd);
}

/// The command split at each synchronising literal.
pub fn encode_command_fragments(cmd: &Command) -> Vec<Fragment> {
    let mut buf = Vec::new();
    let mut w = strings::Writer::new(&mut buf, strings::LiteralStyle::Sync, Utf8Mode::Ascii);
    command::command(&mut w, cmd);
    w.into_fragments()
}
