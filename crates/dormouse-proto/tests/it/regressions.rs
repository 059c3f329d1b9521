//! Inputs the fuzzer (`fuzz/fuzz_targets/command_decoder.rs`) once found
//! failing, replayed through the same checks the fuzz target makes. Each
//! test is named after what went wrong.

use dormouse_proto::parse::{
    CommandDecoder, Decoded, Limits, LineResult, LiteralPolicy, parse_command,
};

use crate::support::drive;

/// The fuzz target's small limits (keep in sync with it).
const SMALL: Limits = Limits {
    max_line: 64,
    max_literal: 16,
    max_append_literal: 100,
    max_depth: 4,
};

/// The fuzz target's chunking: xorshift32 seeded from the config byte.
fn chunks(stream: &[u8], seed: u8) -> Vec<&[u8]> {
    let mut state = u32::from(seed).wrapping_mul(2_654_435_761) | 1;
    let mut out = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let len = match state % 8 {
            0 => 1,
            1..=5 => 1 + (state >> 8) as usize % 16,
            _ => 1 + (state >> 8) as usize % 300,
        };
        let (head, tail) = rest.split_at(len.min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// Everything `command_decoder` asserts, for one fuzz input.
fn replay(data: &[u8]) {
    let Some((&config, stream)) = data.split_first() else {
        return;
    };
    let policy = if config & 1 == 0 {
        LiteralPolicy::Plus
    } else {
        LiteralPolicy::Minus
    };
    let limits = if config & 2 == 0 {
        Limits::default()
    } else {
        SMALL
    };
    let pieces = chunks(stream, config);
    assert_eq!(
        drive(limits, policy, &[stream]),
        drive(limits, policy, &pieces)
    );
    let bound = limits.max_line + limits.max_append_literal as usize;
    let mut dec = CommandDecoder::new(limits, policy);
    for (i, piece) in pieces.iter().enumerate() {
        dec.feed(piece);
        if config.rotate_left(i as u32 % 8) & 1 == 1 {
            loop {
                match dec.decode_line() {
                    LineResult::Line(line) => assert!(line.len() <= limits.max_line),
                    LineResult::TooLong => {}
                    LineResult::Incomplete => break,
                }
            }
        } else {
            while dec.decode() != Decoded::Incomplete {}
        }
        assert!(dec.buffered_len() <= bound);
    }
    let _ = parse_command(stream);
}

/// Found by the first fuzz run: a raw line over `max_line` followed, in
/// the same chunk, by more input. The harness stopped reading lines at
/// `TooLong` and blamed the decoder for the bytes it had left unread;
/// the decoder must (and does) keep serving the following lines.
#[test]
fn regression_decode_line_too_long_then_pipelined_input() {
    replay(b"{0}\x0d\x0a\x01a APPENn) \x22 7-Feb-19&BINARY.SIZE94 21:52:25 -08002 {5+SUBsCRIBEP\x0d\x0ac L=GIN \x85\xcd\xcf\xce+}\x0d\x0axxxxxxxxxxxxxxxx}\x0d\x0ahello\x22${5+}\x0d\x0ahellOR~{3}\x02a STORE \xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff2:4 (UNCHANGEDSINCE 32\x0d\x0aa\x000");
    let mut dec = CommandDecoder::new(SMALL, LiteralPolicy::Minus);
    let mut input = vec![b'x'; 100];
    input.extend_from_slice(b"\r\nnext\r\n");
    dec.feed(&input);
    assert_eq!(dec.decode_line(), LineResult::TooLong);
    assert_eq!(dec.decode_line(), LineResult::Line(b"next".to_vec()));
    assert_eq!(dec.buffered_len(), 0);
}
