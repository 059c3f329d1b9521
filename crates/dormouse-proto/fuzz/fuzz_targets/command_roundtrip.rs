//! Round trip: whatever `parse_command` accepts, the client-side encoder
//! writes back so that it parses to the same command, both with
//! non-synchronising literals in one piece and with synchronising ones fed
//! through `CommandDecoder` after each continuation request. It says
//! nothing about inputs the parser rejects.
#![no_main]

use dormouse_proto::encode::{ClientLiterals, Fragment, encode_command, encode_command_fragments};
use dormouse_proto::parse::{CommandDecoder, Decoded, Limits, LiteralPolicy, parse_command};
use libfuzzer_sys::fuzz_target;

/// Limits no parsed fuzz input can reach, so only the round trip is tested.
const ROOMY: Limits = Limits {
    max_line: 1 << 20,
    max_literal: 1 << 20,
    max_append_literal: 1 << 20,
    max_depth: 32,
};

fuzz_target!(|data: &[u8]| {
    // The first byte is configuration in `command_decoder`; skipping it
    // here lets both targets share `seeds/`.
    let Ok(cmd) = parse_command(data.get(1..).unwrap_or_default()) else {
        return;
    };

    let mut bytes = Vec::new();
    encode_command(&cmd, ClientLiterals::NonSync, &mut bytes);
    match parse_command(&bytes) {
        Ok(again) => assert_eq!(again, cmd, "{:?}", String::from_utf8_lossy(&bytes)),
        Err(e) => panic!("{e:?} for {:?}", String::from_utf8_lossy(&bytes)),
    }

    let mut dec = CommandDecoder::new(ROOMY, LiteralPolicy::Plus);
    let mut decoded = None;
    for fragment in encode_command_fragments(&cmd) {
        let (Fragment::Line(b) | Fragment::Literal(b)) = fragment;
        dec.feed(&b);
        loop {
            match dec.decode() {
                Decoded::Incomplete | Decoded::NeedContinuation => break,
                Decoded::Command(c) => decoded = Some(c),
                Decoded::Error(e) => panic!("{e:?}"),
            }
        }
    }
    assert_eq!(decoded.as_ref(), Some(&cmd));
    assert_eq!(dec.buffered_len(), 0);
});
