//! Whatever bytes arrive, in whatever pieces: no panic, every output line
//! is a well-formed reply, and the session holds no more input than the
//! line bound plus what was just fed.

use proptest::prelude::*;

use crate::harness::{Run, settings};

/// Fragments that reach deep into the state machine, mixed with noise.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"LHLO x\r\n".to_vec()),
        Just(b"MAIL FROM:<a@b> SIZE=10 BODY=8BITMIME\r\n".to_vec()),
        Just(b"RCPT TO:<alice+d@example.org>\r\n".to_vec()),
        Just(b"RCPT TO:<ghost@example.org>\r\n".to_vec()),
        Just(b"DATA\r\n".to_vec()),
        Just(b"\r\n.\r\n".to_vec()),
        Just(b"..\r\n".to_vec()),
        Just(b"RSET\r\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..300),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_input_in_any_chunks_gets_well_formed_replies(
        pieces in proptest::collection::vec(piece(), 0..40),
        chunk in 1usize..64,
    ) {
        let input: Vec<u8> = pieces.concat();
        let mut run = Run::greeted_with(dormouse_lmtp::Settings {
            max_line: 256,
            ..settings(200)
        });
        for part in input.chunks(chunk) {
            let out = run.send(part);
            for line in out.split_terminator("\r\n") {
                let b = line.as_bytes();
                prop_assert!(
                    b.len() >= 4
                        && b[..3].iter().all(u8::is_ascii_digit)
                        && (b[3] == b' ' || b[3] == b'-'),
                    "bad reply line {:?}", line
                );
            }
            prop_assert!(run.session.buffered() <= 256 + chunk);
            if run.closed {
                break;
            }
        }
    }
}
