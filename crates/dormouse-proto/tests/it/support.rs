//! Helpers shared by the test modules: parse-or-panic shortcuts, sequence
//! set builders, and a driver that feeds a decoder and collects results.

use std::num::NonZeroU32;

use dormouse_proto::parse::{
    CommandDecoder, DecodeError, Decoded, Limits, LiteralPolicy, parse_command,
};
use dormouse_proto::{CommandBody, Flag, Mailbox, SeqNum, SeqRange, SequenceSet};

/// The body of a command that must parse.
pub fn body(bytes: &[u8]) -> CommandBody {
    match parse_command(bytes) {
        Ok(cmd) => cmd.body,
        Err(e) => panic!("{:?} failed: {e:?}", String::from_utf8_lossy(bytes)),
    }
}

/// The error of a command that must not parse.
pub fn error(bytes: &[u8]) -> DecodeError {
    match parse_command(bytes) {
        Ok(cmd) => panic!("{:?} parsed as {cmd:?}", String::from_utf8_lossy(bytes)),
        Err(e) => e,
    }
}

pub fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("non-zero")
}

/// One end of a range; 0 stands for `*`.
fn seq_num(n: u32) -> SeqNum {
    match NonZeroU32::new(n) {
        Some(n) => SeqNum::Value(n),
        None => SeqNum::Largest,
    }
}

/// A sequence set from `(start, end)` pairs; 0 stands for `*`.
pub fn set(ranges: &[(u32, u32)]) -> SequenceSet {
    SequenceSet::Ranges(
        ranges
            .iter()
            .map(|&(a, b)| SeqRange {
                start: seq_num(a),
                end: seq_num(b),
            })
            .collect(),
    )
}

pub fn mailbox(name: &str) -> Mailbox {
    Mailbox(name.to_owned())
}

pub fn keyword(k: &str) -> Flag {
    Flag::Keyword(k.to_owned())
}

/// Feeds `pieces` one after another, decoding until `Incomplete` after
/// each; returns every other outcome in order.
pub fn drive(limits: Limits, policy: LiteralPolicy, pieces: &[&[u8]]) -> Vec<Decoded> {
    let mut dec = CommandDecoder::new(limits, policy);
    let mut out = Vec::new();
    for piece in pieces {
        dec.feed(piece);
        loop {
            match dec.decode() {
                Decoded::Incomplete => break,
                other => out.push(other),
            }
        }
    }
    out
}

/// `drive` with the default limits and LITERAL+.
pub fn drive_default(pieces: &[&[u8]]) -> Vec<Decoded> {
    drive(Limits::default(), LiteralPolicy::Plus, pieces)
}

/// Splits `bytes` into one-byte pieces.
pub fn bytewise(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.chunks(1).collect()
}
