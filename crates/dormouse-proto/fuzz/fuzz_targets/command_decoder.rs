//! Fuzzes `CommandDecoder` with arbitrary bytes: the same stream fed whole
//! and in arbitrary chunks must decode to the same results, the buffer must
//! stay within the limits, and interleaving `decode_line` must not panic.
//! It does not check that commands mean what the client meant.
#![no_main]

use dormouse_proto::parse::{
    CommandDecoder, Decoded, Limits, LineResult, LiteralPolicy, parse_command,
};
use libfuzzer_sys::fuzz_target;

/// Small limits, so that the fuzzer reaches every limit quickly.
const SMALL: Limits = Limits {
    max_line: 64,
    max_literal: 16,
    max_append_literal: 100,
    max_depth: 4,
};

/// A deterministic chunk-size generator driven by the input's first byte.
struct Splitter(u32);

impl Splitter {
    fn next_len(&mut self) -> usize {
        // xorshift32
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        match self.0 % 8 {
            0 => 1,
            1..=5 => 1 + (self.0 >> 8) as usize % 16,
            _ => 1 + (self.0 >> 8) as usize % 300,
        }
    }
}

fn chunks<'a>(stream: &'a [u8], seed: u8) -> Vec<&'a [u8]> {
    let mut split = Splitter(u32::from(seed).wrapping_mul(2_654_435_761) | 1);
    let mut out = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        let n = split.next_len().min(rest.len());
        let (head, tail) = rest.split_at(n);
        out.push(head);
        rest = tail;
    }
    out
}

/// Decodes until `Incomplete` after each chunk; returns every outcome
/// other than `Incomplete`, in order.
fn run(limits: Limits, policy: LiteralPolicy, pieces: &[&[u8]]) -> Vec<Decoded> {
    let mut dec = CommandDecoder::new(limits, policy);
    let bound = limits.max_line + limits.max_append_literal as usize;
    let mut out = Vec::new();
    for piece in pieces {
        dec.feed(piece);
        loop {
            match dec.decode() {
                Decoded::Incomplete => break,
                other => out.push(other),
            }
        }
        assert!(
            dec.buffered_len() <= bound,
            "{} bytes buffered, bound {bound}",
            dec.buffered_len()
        );
    }
    dec.release_memory();
    out
}

/// Mixes raw-line reads with command decoding; only checks for panics and
/// the size bound.
fn mixed(limits: Limits, policy: LiteralPolicy, pieces: &[&[u8]], pattern: u8) {
    let mut dec = CommandDecoder::new(limits, policy);
    for (i, piece) in pieces.iter().enumerate() {
        dec.feed(piece);
        if pattern.rotate_left(i as u32 % 8) & 1 == 1 {
            loop {
                match dec.decode_line() {
                    LineResult::Line(line) => assert!(line.len() <= limits.max_line),
                    LineResult::TooLong => {}
                    LineResult::Incomplete => break,
                }
            }
        } else {
            while !matches!(dec.decode(), Decoded::Incomplete) {}
        }
        assert!(dec.buffered_len() <= limits.max_line + limits.max_append_literal as usize);
    }
}

fuzz_target!(|data: &[u8]| {
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
    let whole = run(limits, policy, &[stream]);
    let pieces = chunks(stream, config);
    let chunked = run(limits, policy, &pieces);
    assert_eq!(whole, chunked, "chunking changed the result");
    mixed(limits, policy, &pieces, config);
    let _ = parse_command(stream);
});
