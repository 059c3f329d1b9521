//! Property tests: arbitrary bytes, fed in arbitrary chunks, never panic
//! the decoder, never grow its buffer past the limits, and decode exactly
//! as when fed whole.

use dormouse_proto::parse::{CommandDecoder, Decoded, Limits, LineResult, LiteralPolicy};
use proptest::prelude::*;

use crate::support::drive;

const SMALL: Limits = Limits {
    max_line: 48,
    max_literal: 12,
    max_append_literal: 40,
    max_depth: 3,
};

/// Cuts `bytes` at the given offsets (taken modulo its length).
fn split<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts
        .iter()
        .map(|c| if bytes.is_empty() { 0 } else { c % bytes.len() })
        .collect();
    at.push(0);
    at.push(bytes.len());
    at.sort_unstable();
    at.dedup();
    at.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
}

/// Fragments of IMAP syntax, so that random streams reach deep into the
/// grammar rather than failing at the tag.
const TOKENS: &[&[u8]] = &[
    b"a ",
    b"b UID ",
    b"FETCH 1:* ",
    b"(BODY.PEEK[1.HEADER.FIELDS (From)]<0.5> FLAGS)",
    b"APPEND INBOX ",
    b"LOGIN ",
    b"SEARCH ",
    b"NOT ",
    b"OR ",
    b"(",
    b")",
    b"ALL",
    b" ",
    b"\r\n",
    b"\n",
    b"{3}\r\n",
    b"{5+}\r\n",
    b"~{2}\r\n",
    b"{99999999999999999999+}\r\n",
    b"{4294967296}\r\n",
    b"\"q\\\"x\"",
    b"xyz",
    b"\0",
    b"\xff",
];

fn imapish() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|ts| ts.concat())
}

fn check(limits: Limits, policy: LiteralPolicy, bytes: &[u8], cuts: &[usize]) {
    let whole = drive(limits, policy, &[bytes]);
    let pieces = split(bytes, cuts);
    let chunked = drive(limits, policy, &pieces);
    assert_eq!(whole, chunked);

    let bound = limits.max_line + limits.max_append_literal as usize;
    let mut dec = CommandDecoder::new(limits, policy);
    for (i, piece) in pieces.iter().enumerate() {
        dec.feed(piece);
        if i % 3 == 2 {
            while dec.decode_line() != LineResult::Incomplete {}
        } else {
            while dec.decode() != Decoded::Incomplete {}
        }
        assert!(dec.buffered_len() <= bound);
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
        minus in any::<bool>(),
    ) {
        let policy = if minus { LiteralPolicy::Minus } else { LiteralPolicy::Plus };
        check(SMALL, policy, &bytes, &cuts);
        check(Limits::default(), policy, &bytes, &cuts);
    }

    #[test]
    fn imap_like_streams_decode_the_same_however_they_are_cut(
        bytes in imapish(),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
    ) {
        check(SMALL, LiteralPolicy::Plus, &bytes, &cuts);
        check(Limits::default(), LiteralPolicy::Minus, &bytes, &cuts);
    }
}
