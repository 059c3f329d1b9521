//! Malformed commands give errors with the right tag (or none when the tag
//! itself is bad), a sensible kind and a BAD text fit for the wire.

use dormouse_proto::parse::{DecodeErrorKind, Recovery};

use crate::support::error;

#[test]
fn errors_carry_the_tag_when_it_is_readable() {
    let cases: &[&[u8]] = &[
        b"t1 FETCH 0 FLAGS\r\n",
        b"t1 FETCH 1: FLAGS\r\n",
        b"t1 FETCH :1 FLAGS\r\n",
        b"t1 FETCH 1,,2 FLAGS\r\n",
        b"t1 FETCH 4294967296 FLAGS\r\n",
        b"t1 FETCH 1\r\n",
        b"t1 SEARCH SINCE 31-Feb-2020\r\n",
        b"t1 SEARCH SINCE 1-Feb-94\r\n",
        b"t1 SEARCH BEFORE 1-Fbr-1994\r\n",
        b"t1 SEARCH ON \"1-Feb-1994\r\n",
        b"t1 APPEND INBOX \"31-Apr-2020 10:00:00 +0000\" {1}\r\nx\r\n",
        b"t1 APPEND INBOX \"01-Apr-2020 10:60:00 +0000\" {1}\r\nx\r\n",
        b"t1 APPEND INBOX \"01-Apr-2020 10:00:00 0000\" {1}\r\nx\r\n",
        b"t1 LOGIN joe\r\n",
        b"t1 LOGIN\r\n",
        b"t1 LOGIN joe pass extra\r\n",
        b"t1 LOGIN \"joe pass\r\n",
        b"t1 LOGIN \"jo\\e\" pass\r\n",
        b"t1 SELECT\r\n",
        b"t1 SELECT \"\xc3\x28\"\r\n",
        b"t1 NOOP \r\n",
        b"t1  NOOP\r\n",
        b"t1 NOOP\r\r\n",
        b"t1 NOOP\r\nt2 NOOP\r\n",
        b"t1\r\n",
        b"t1 (\r\n",
        b"t1 LOGIN {5}\r\nabc\r\n",
        b"t1 LOGIN a\0b c\r\n",
        b"t1 STATUS INBOX (MESSAGES\r\n",
        b"t1 COPY 1:2\r\n",
    ];
    for bytes in cases {
        let e = error(bytes);
        assert_eq!(
            e.tag.as_ref().map(|t| t.as_str()),
            Some("t1"),
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
        assert_eq!(e.recovery, Recovery::Continue);
        let text = e.to_string();
        assert!(
            !text.is_empty() && !text.contains(['\r', '\n']),
            "BAD text {text:?}"
        );
    }
}

#[test]
fn unknown_commands_are_named_in_the_error() {
    let e = error(b"x1 FROBNICATE now\r\n");
    assert_eq!(e.kind, DecodeErrorKind::UnknownCommand("FROBNICATE".into()));
    assert_eq!(e.tag.unwrap().as_str(), "x1");
    let long = format!("x1 {}\r\n", "A".repeat(1000));
    let DecodeErrorKind::UnknownCommand(name) = error(long.as_bytes()).kind else {
        panic!("not UnknownCommand");
    };
    assert!(name.len() <= 32);
}

#[test]
fn bad_tags_give_untagged_errors() {
    for bytes in [
        &b"a+b NOOP\r\n"[..],
        b"a{b NOOP\r\n",
        b"a\"b NOOP\r\n",
        b"a*b NOOP\r\n",
        b" NOOP\r\n",
        b"(a) NOOP\r\n",
        b"\xc3\xa9 NOOP\r\n",
        b"\0 NOOP\r\n",
    ] {
        let e = error(bytes);
        assert_eq!(e.tag, None, "{:?}", String::from_utf8_lossy(bytes));
        assert_eq!(e.kind, DecodeErrorKind::InvalidTag);
    }
    assert_eq!(error(b"\r\n").kind, DecodeErrorKind::EmptyLine);
    assert_eq!(error(b"").kind, DecodeErrorKind::EmptyLine);
}

#[test]
fn garbage_never_parses() {
    for bytes in [
        &b"\xff\xfe\xfd\r\n"[..],
        b"GET / HTTP/1.1\r\n",
        b"a NOOP",
        b"a",
        b"}{\r\n",
        b"a UID\r\n",
        b"a UID FETCH\r\n",
        b"a FETCH 1 (FLAGS\r\n",
        b"a FETCH 1 FLAGS)\r\n",
        b"a SEARCH (ALL\r\n",
        b"a SEARCH ALL)\r\n",
    ] {
        error(bytes);
    }
}

#[test]
fn numbers_out_of_range_are_reported_as_such() {
    assert_eq!(
        error(b"a UID FETCH 99999999999 FLAGS\r\n").kind,
        DecodeErrorKind::NumberTooBig
    );
    assert_eq!(
        error(b"a UID FETCH 1 FLAGS (CHANGEDSINCE 9223372036854775808)\r\n").kind,
        DecodeErrorKind::NumberTooBig
    );
    assert_eq!(
        error(b"a SEARCH SINCE 30-Feb-2000\r\n").kind,
        DecodeErrorKind::InvalidDate
    );
}
