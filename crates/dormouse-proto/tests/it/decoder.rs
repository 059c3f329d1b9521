//! The incremental decoder: feeding in pieces, pipelining, continuation
//! requests, LITERAL+/LITERAL-, every limit, recovery after errors, raw
//! lines and memory release.

use dormouse_proto::parse::{
    CommandDecoder, DecodeErrorKind, Decoded, Limits, LineResult, LiteralPolicy, Recovery,
    parse_command,
};
use dormouse_proto::{Code, CommandBody, Secret};

use crate::support::{bytewise, drive, drive_default};

fn commands(decoded: &[Decoded]) -> Vec<&CommandBody> {
    decoded
        .iter()
        .filter_map(|d| match d {
            Decoded::Command(c) => Some(&c.body),
            _ => None,
        })
        .collect()
}

fn the_error(decoded: &Decoded) -> &dormouse_proto::parse::DecodeError {
    match decoded {
        Decoded::Error(e) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn tag_of(decoded: &Decoded) -> Option<&str> {
    match decoded {
        Decoded::Command(c) => Some(c.tag.as_str()),
        Decoded::Error(e) => e.tag.as_ref().map(|t| t.as_str()),
        _ => None,
    }
}

const PIPELINE: &[u8] = b"a1 LOGIN joe {6}\r\nsecret\r\na2 SELECT INBOX\r\n\
    a3 APPEND INBOX (\\Seen) {5+}\r\nhello\r\na4 UID FETCH 1:* (FLAGS)\r\n\
    a5 FETCH 0 FLAGS\r\na6 NOOP\n";

#[test]
fn byte_at_a_time_equals_all_at_once() {
    let whole = drive_default(&[PIPELINE]);
    let bytewise = drive_default(&bytewise(PIPELINE));
    assert_eq!(whole, bytewise);
    let tags: Vec<_> = whole.iter().map(tag_of).collect();
    assert_eq!(
        tags,
        vec![
            None,
            Some("a1"),
            Some("a2"),
            Some("a3"),
            Some("a4"),
            Some("a5"),
            Some("a6")
        ]
    );
    assert_eq!(whole[0], Decoded::NeedContinuation);
    assert!(matches!(whole[5], Decoded::Error(_)));
    // Every command but the bad FETCH matches parsing it on its own.
    let CommandBody::Login { password, .. } = commands(&whole)[0] else {
        panic!("not LOGIN");
    };
    assert_eq!(password, &Secret(b"secret".to_vec()));
}

#[test]
fn sync_literal_asks_for_continuation_once_then_waits() {
    let mut dec = CommandDecoder::new(Limits::default(), LiteralPolicy::Plus);
    dec.feed(b"a LOGIN {3}\r\n");
    assert_eq!(dec.decode(), Decoded::NeedContinuation);
    assert_eq!(dec.decode(), Decoded::Incomplete);
    dec.feed(b"jo");
    assert_eq!(dec.decode(), Decoded::Incomplete);
    dec.feed(b"e {2}\r\n");
    assert_eq!(dec.decode(), Decoded::NeedContinuation);
    dec.feed(b"pw\r\n");
    let Decoded::Command(cmd) = dec.decode() else {
        panic!("no command");
    };
    assert_eq!(
        cmd.body,
        CommandBody::Login {
            username: "joe".into(),
            password: Secret(b"pw".to_vec())
        }
    );
    assert_eq!(dec.decode(), Decoded::Incomplete);
    assert_eq!(dec.buffered_len(), 0);
}

#[test]
fn literal_plus_needs_no_continuation() {
    let out = drive_default(&[b"a LOGIN {3+}\r\njoe {2+}\r\npw\r\n"]);
    assert_eq!(out.len(), 1);
    assert!(matches!(out[0], Decoded::Command(_)));
}

#[test]
fn literal_minus_allows_small_non_sync_only() {
    let small = format!("a LOGIN joe {{4096+}}\r\n{}\r\n", "x".repeat(4096));
    let out = drive(Limits::default(), LiteralPolicy::Minus, &[small.as_bytes()]);
    assert!(matches!(out[..], [Decoded::Command(_)]), "{out:?}");

    let big = format!(
        "a LOGIN joe {{4097+}}\r\n{}\r\nb NOOP\r\n",
        "x".repeat(4097)
    );
    for policy_out in [
        drive(Limits::default(), LiteralPolicy::Minus, &[big.as_bytes()]),
        drive(
            Limits::default(),
            LiteralPolicy::Minus,
            &bytewise(big.as_bytes()),
        ),
    ] {
        assert_eq!(policy_out.len(), 2, "{policy_out:?}");
        let e = the_error(&policy_out[0]);
        assert_eq!(e.kind, DecodeErrorKind::NonSyncLiteralTooBig { size: 4097 });
        assert_eq!(e.kind.code(), Some(Code::TooBig));
        assert_eq!(e.recovery, Recovery::Continue);
        assert_eq!(e.tag.as_ref().unwrap().as_str(), "a");
        // The 4097 bytes were skipped, not taken for the next command.
        assert_eq!(tag_of(&policy_out[1]), Some("b"));
    }

    // The same size is fine as a synchronising literal.
    let sync = format!("a LOGIN joe {{4097}}\r\n{}\r\n", "x".repeat(4097));
    let out = drive(Limits::default(), LiteralPolicy::Minus, &[sync.as_bytes()]);
    assert_eq!(out[0], Decoded::NeedContinuation);
    assert!(matches!(out[1], Decoded::Command(_)));
}

#[test]
fn oversized_sync_literals_are_refused_without_allocating() {
    for announced in [
        "4294967296",
        "99999999999999999999",
        "99999999999999999999999999999999",
    ] {
        let mut dec = CommandDecoder::new(Limits::default(), LiteralPolicy::Plus);
        dec.feed(format!("a APPEND INBOX {{{announced}}}\r\n").as_bytes());
        let Decoded::Error(e) = dec.decode() else {
            panic!("{announced}: no error");
        };
        assert_eq!(e.tag.unwrap().as_str(), "a");
        assert_eq!(e.recovery, Recovery::Continue);
        assert_eq!(e.kind.code(), Some(Code::TooBig));
        assert_eq!(dec.buffered_len(), 0);
        // The client got no `+`, so it sends no data; the next command works.
        dec.feed(b"b NOOP\r\n");
        let Decoded::Command(cmd) = dec.decode() else {
            panic!("{announced}: decoder unusable");
        };
        assert_eq!(cmd.tag.as_str(), "b");
    }
}

#[test]
fn literal_limits_depend_on_the_command() {
    let limits = Limits {
        max_literal: 10,
        max_append_literal: 100,
        ..Limits::default()
    };
    let out = drive(limits, LiteralPolicy::Plus, &[b"a LOGIN {11}\r\n"]);
    assert_eq!(
        the_error(&out[0]).kind,
        DecodeErrorKind::LiteralTooBig {
            size: 11,
            limit: 10
        }
    );
    let out = drive(limits, LiteralPolicy::Plus, &[b"a APPEND INBOX {100}\r\n"]);
    assert_eq!(out, vec![Decoded::NeedContinuation]);
    let out = drive(limits, LiteralPolicy::Plus, &[b"a append INBOX {101}\r\n"]);
    assert_eq!(
        the_error(&out[0]).kind,
        DecodeErrorKind::LiteralTooBig {
            size: 101,
            limit: 100
        }
    );
    // Several literals of one command share the limit (MULTIAPPEND).
    let out = drive(
        limits,
        LiteralPolicy::Plus,
        &[b"a APPEND INBOX {60+}\r\n", &[b'x'; 60], b" {41}\r\n"],
    );
    assert_eq!(
        the_error(&out[0]).kind,
        DecodeErrorKind::CommandTooBig { limit: 100 }
    );
}

#[test]
fn oversized_non_sync_literal_is_skipped_with_the_rest_of_the_command() {
    let limits = Limits {
        max_literal: 10,
        ..Limits::default()
    };
    let stream = b"a LOGIN {20+}\r\n01234567890123456789 {3+}\r\nabc\r\nb NOOP\r\n";
    for out in [
        drive(limits, LiteralPolicy::Plus, &[stream]),
        drive(limits, LiteralPolicy::Plus, &bytewise(stream)),
    ] {
        assert_eq!(out.len(), 2, "{out:?}");
        let e = the_error(&out[0]);
        assert_eq!(
            e.kind,
            DecodeErrorKind::LiteralTooBig {
                size: 20,
                limit: 10
            }
        );
        assert_eq!(e.recovery, Recovery::Continue);
        assert_eq!(tag_of(&out[1]), Some("b"));
    }
}

#[test]
fn unreadable_non_sync_literal_size_closes() {
    let out = drive_default(&[b"a LOGIN {99999999999999999999+}\r\nwhatever"]);
    let e = the_error(&out[0]);
    assert_eq!(e.kind, DecodeErrorKind::LiteralSizeOverflow);
    assert_eq!(e.recovery, Recovery::Close);
}

#[test]
fn overlong_line_is_refused_and_skipped() {
    let limits = Limits {
        max_line: 100,
        ..Limits::default()
    };
    let long = format!("a SEARCH SUBJECT \"{}\"\r\nb NOOP\r\n", "x".repeat(200));
    for out in [
        drive(limits, LiteralPolicy::Plus, &[long.as_bytes()]),
        drive(limits, LiteralPolicy::Plus, &bytewise(long.as_bytes())),
    ] {
        assert_eq!(out.len(), 2, "{out:?}");
        let e = the_error(&out[0]);
        assert_eq!(e.kind, DecodeErrorKind::LineTooLong { limit: 100 });
        assert_eq!(e.recovery, Recovery::Continue);
        assert_eq!(e.tag.as_ref().unwrap().as_str(), "a");
        assert_eq!(tag_of(&out[1]), Some("b"));
    }
    // Without a readable tag the BAD is untagged.
    let out = drive(
        limits,
        LiteralPolicy::Plus,
        &[&[b'x'; 300], b"\r\nb NOOP\r\n"],
    );
    assert_eq!(the_error(&out[0]).tag, None);
    assert_eq!(tag_of(&out[1]), Some("b"));
}

#[test]
fn overlong_line_never_buffers_more_than_the_limit() {
    let limits = Limits {
        max_line: 100,
        ..Limits::default()
    };
    let mut dec = CommandDecoder::new(limits, LiteralPolicy::Plus);
    dec.feed(b"a NOOP ");
    for _ in 0..1000 {
        dec.feed(&[b'x'; 64]);
        assert_eq!(dec.decode(), Decoded::Incomplete);
        assert!(dec.buffered_len() <= 100, "{}", dec.buffered_len());
    }
    dec.feed(b"\r\n");
    assert_eq!(
        the_error(&dec.decode()).kind,
        DecodeErrorKind::LineTooLong { limit: 100 }
    );
}

#[test]
fn overlong_line_ending_in_a_literal_cannot_be_resynchronised() {
    let limits = Limits {
        max_line: 50,
        ..Limits::default()
    };
    let line = format!("a LOGIN \"{}\" {{5+}}\r\nhello\r\n", "x".repeat(60));
    let out = drive(limits, LiteralPolicy::Plus, &[line.as_bytes()]);
    let e = the_error(&out[0]);
    assert_eq!(e.kind, DecodeErrorKind::LineTooLong { limit: 50 });
    assert_eq!(e.recovery, Recovery::Close);
}

#[test]
fn text_limit_counts_every_line_of_a_command() {
    let limits = Limits {
        max_line: 40,
        ..Limits::default()
    };
    // Each line is short, the literal data is not counted, the sum is.
    let ok = b"a LOGIN {3+}\r\njoe {30+}\r\n012345678901234567890123456789\r\n";
    assert!(matches!(
        drive(limits, LiteralPolicy::Plus, &[ok])[..],
        [Decoded::Command(_)]
    ));
    let too_long = b"a LOGIN {3+}\r\njoe xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nb NOOP\r\n";
    let out = drive(limits, LiteralPolicy::Plus, &[too_long]);
    assert_eq!(
        the_error(&out[0]).kind,
        DecodeErrorKind::LineTooLong { limit: 40 }
    );
    assert_eq!(the_error(&out[0]).tag.as_ref().unwrap().as_str(), "a");
    assert_eq!(tag_of(&out[1]), Some("b"));
}

#[test]
fn deep_nesting_is_refused() {
    let depth = 40;
    let mut line = b"a SEARCH ".to_vec();
    line.extend(std::iter::repeat_n(b'(', depth));
    line.extend_from_slice(b"ALL");
    line.extend(std::iter::repeat_n(b')', depth));
    line.extend_from_slice(b"\r\n");
    let out = drive_default(&[&line, b"b NOOP\r\n"]);
    let e = the_error(&out[0]);
    assert_eq!(e.kind, DecodeErrorKind::TooDeep { limit: 32 });
    assert_eq!(e.tag.as_ref().unwrap().as_str(), "a");
    assert_eq!(tag_of(&out[1]), Some("b"));

    let nots = format!("a SEARCH {}ALL\r\n", "NOT ".repeat(10_000));
    assert_eq!(
        parse_command(nots.as_bytes()).unwrap_err().kind,
        DecodeErrorKind::TooDeep { limit: 32 }
    );
    let ok = format!("a SEARCH {}ALL\r\n", "NOT ".repeat(31));
    assert!(parse_command(ok.as_bytes()).is_ok());
}

#[test]
fn decode_line_reads_raw_lines() {
    let mut dec = CommandDecoder::new(Limits::default(), LiteralPolicy::Plus);
    dec.feed(b"a IDLE\r\nDO");
    assert!(matches!(dec.decode(), Decoded::Command(_)));
    assert_eq!(dec.decode_line(), LineResult::Incomplete);
    dec.feed(b"NE\r\nb NOOP\r\ndGVzdA==\n");
    assert_eq!(dec.decode_line(), LineResult::Line(b"DONE".to_vec()));
    assert!(matches!(dec.decode(), Decoded::Command(_)));
    assert_eq!(dec.decode_line(), LineResult::Line(b"dGVzdA==".to_vec()));
    assert_eq!(dec.decode_line(), LineResult::Incomplete);
}

#[test]
fn decode_line_refuses_long_lines_and_recovers() {
    let limits = Limits {
        max_line: 20,
        ..Limits::default()
    };
    let mut dec = CommandDecoder::new(limits, LiteralPolicy::Plus);
    dec.feed(&[b'x'; 30]);
    assert_eq!(dec.decode_line(), LineResult::TooLong);
    assert_eq!(dec.buffered_len(), 0);
    dec.feed(&[b'y'; 30]);
    assert_eq!(dec.decode_line(), LineResult::Incomplete);
    dec.feed(b"\r\nshort\r\n");
    assert_eq!(dec.decode_line(), LineResult::Line(b"short".to_vec()));

    dec.feed(b"0123456789012345678901234\r\nok\r\n");
    assert_eq!(dec.decode_line(), LineResult::TooLong);
    assert_eq!(dec.decode_line(), LineResult::Line(b"ok".to_vec()));
}

#[test]
fn release_memory_drops_the_buffer() {
    let mut dec = CommandDecoder::new(Limits::default(), LiteralPolicy::Plus);
    dec.feed(&[b'x'; 10_000]);
    dec.feed(b"\r\n");
    assert!(matches!(dec.decode(), Decoded::Error(_)));
    assert_eq!(dec.buffered_len(), 0);
    dec.release_memory();
    dec.feed(b"a NOOP\r\n");
    assert!(matches!(dec.decode(), Decoded::Command(_)));
    dec.feed(b"b NO");
    dec.release_memory();
    dec.feed(b"OP\r\n");
    assert_eq!(tag_of(&dec.decode()), Some("b"));
}

#[test]
fn literal_bodies_may_hold_line_ends_and_braces() {
    let out = drive_default(&bytewise(
        b"a LOGIN {7}\r\n{3}\r\n\r\n {5+}\r\n\r\n}\n{\r\n",
    ));
    let cmds = commands(&out);
    assert_eq!(
        cmds,
        vec![&CommandBody::Login {
            username: "{3}\r\n\r\n".into(),
            password: Secret(b"\r\n}\n{".to_vec())
        }]
    );
}

#[test]
fn literal8_outside_append_is_refused_before_the_data() {
    let out = drive_default(&[b"a LOGIN ~{3}\r\n", b"b NOOP\r\n"]);
    assert_eq!(the_error(&out[0]).kind, DecodeErrorKind::Literal8NotAllowed);
    assert_eq!(tag_of(&out[1]), Some("b"));
    // A non-synchronising one is skipped like any refused literal.
    let out = drive_default(&[b"a SEARCH TEXT ~{3+}\r\nabc\r\nb NOOP\r\n"]);
    assert_eq!(the_error(&out[0]).kind, DecodeErrorKind::Literal8NotAllowed);
    assert_eq!(tag_of(&out[1]), Some("b"));
    let out = drive_default(&[b"a APPEND INBOX ~{3+}\r\na\0b\r\n"]);
    assert!(matches!(out[..], [Decoded::Command(_)]), "{out:?}");
}
