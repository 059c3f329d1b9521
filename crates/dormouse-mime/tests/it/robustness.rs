//! Malformed and hostile input: no accessor panics on arbitrary bytes, and
//! deep nesting neither overflows the stack nor produces an unbounded
//! structure.

use std::num::NonZeroU32;

use dormouse_mime::{AddressField, Extensible, Message};
use dormouse_proto::{BodyStructure, Section, SectionText, SinglePartKind};
use proptest::prelude::*;

/// 2 MiB: the stack of a tokio worker or blocking thread, where the server
/// will call this crate.
const WORKER_STACK: usize = 2 * 1024 * 1024;

fn on_worker_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(f);
    match handle.map(|h| h.join()) {
        Ok(Ok(v)) => v,
        _ => panic!("thread failed"),
    }
}

fn exercise(raw: &[u8]) {
    let msg = Message::parse(raw);
    let _ = msg.envelope();
    let _ = msg.body_structure(Extensible::Yes);
    let _ = msg.body_structure(Extensible::No);
    let paths: [&[u32]; 6] = [&[], &[1], &[2], &[1, 1], &[1, 2, 1], &[3, 1]];
    for p in paths {
        let part: Vec<NonZeroU32> = p.iter().filter_map(|&n| NonZeroU32::new(n)).collect();
        for text in [
            None,
            Some(SectionText::Header),
            Some(SectionText::Text),
            Some(SectionText::Mime),
            Some(SectionText::HeaderFields(vec![
                "subject".into(),
                "from".into(),
            ])),
            Some(SectionText::HeaderFieldsNot(vec!["subject".into()])),
        ] {
            let _ = msg.section(&Section {
                part: part.clone(),
                text,
            });
        }
        let _ = msg.binary(&part);
        let _ = msg.binary_size(&part);
    }
    let _ = msg.header_text("subject");
    let _ = msg.header_text("from");
    let _ = msg.body_text();
    let _ = msg.sent_date();
    let _ = msg.sort_subject();
    let _ = msg.sort_mailbox(AddressField::From);
}

/// Pieces that steer a MIME parser into its corners.
fn mime_fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"Content-Type: multipart/mixed; boundary=b\r\n".to_vec()),
        Just(b"Content-Type: message/rfc822\r\n".to_vec()),
        Just(b"Content-Type: multipart/digest; boundary=\"b\"\r\n".to_vec()),
        Just(b"Content-Transfer-Encoding: base64\r\n".to_vec()),
        Just(b"Content-Transfer-Encoding: quoted-printable\r\n".to_vec()),
        Just(b"From: \"a (b\" <@x,@y:c@d> (e (f)), g:h;\r\n".to_vec()),
        Just(b"Subject: =?utf-8?q?=C3?= =?x?b?###?=\r\n".to_vec()),
        Just(b"Date: Mon, 32 Feb 99999 25:61:61 +9999\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"--b\r\n".to_vec()),
        Just(b"--b--\r\n".to_vec()),
        Just(b"--".to_vec()),
        Just(b" folded\r\n".to_vec()),
        Just(b"=\r\n=4".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..16),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise(&raw);
    }

    #[test]
    fn mime_shaped_bytes_never_panic(
        pieces in proptest::collection::vec(mime_fragment(), 0..40)
    ) {
        exercise(&pieces.concat());
    }
}

fn nested_multiparts(depth: usize) -> Vec<u8> {
    let mut raw = Vec::new();
    for level in 0..depth {
        raw.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n")
                .as_bytes(),
        );
    }
    raw.extend_from_slice(b"Content-Type: text/plain\r\n\r\ndeep text\r\n");
    for level in (0..depth).rev() {
        raw.extend_from_slice(format!("--b{level}--\r\n").as_bytes());
    }
    raw
}

fn nested_messages(depth: usize) -> Vec<u8> {
    let mut raw = Vec::new();
    for _ in 0..depth {
        raw.extend_from_slice(b"Subject: level\r\nContent-Type: message/rfc822\r\n\r\n");
    }
    raw.extend_from_slice(b"Subject: innermost\r\n\r\ndeep text\r\n");
    raw
}

/// Levels of nesting in a structure (a message/rfc822 counts as one).
fn depth_of(body: &BodyStructure) -> usize {
    let mut max = 0;
    let mut stack = vec![(body, 1usize)];
    while let Some((b, d)) = stack.pop() {
        max = max.max(d);
        match b {
            BodyStructure::Multi { parts, .. } => stack.extend(parts.iter().map(|p| (p, d + 1))),
            BodyStructure::Single { body, .. } => {
                if let SinglePartKind::Message { body, .. } = &body.kind {
                    stack.push((body, d + 1));
                }
            }
        }
    }
    max
}

#[test]
fn three_hundred_nested_multiparts_are_capped() {
    let depth = on_worker_stack(|| {
        let raw = nested_multiparts(300);
        exercise(&raw);
        let msg = Message::parse(&raw);
        let body = msg.body_structure(Extensible::Yes);
        // Part 1.1.1… down to the cap is still reachable as a multipart.
        let path: Vec<NonZeroU32> = (0..50).filter_map(|_| NonZeroU32::new(1)).collect();
        let part = msg.section(&Section {
            part: path,
            text: Some(SectionText::Mime),
        });
        assert_eq!(
            part.as_deref(),
            Some(&b"Content-Type: multipart/mixed; boundary=\"b50\"\r\n\r\n"[..])
        );
        depth_of(&body)
    });
    // 100 levels of structure (Dovecot's cap), then one opaque leaf.
    assert_eq!(depth, 101);
}

#[test]
fn capped_part_is_an_opaque_leaf() {
    let text = on_worker_stack(|| {
        let raw = nested_multiparts(150);
        let msg = Message::parse(&raw);
        let mut body = msg.body_structure(Extensible::No);
        loop {
            match body {
                BodyStructure::Multi { mut parts, .. } if !parts.is_empty() => {
                    body = parts.swap_remove(0)
                }
                other => break other,
            }
        }
    });
    match text {
        BodyStructure::Single { body, .. } => {
            assert_eq!(
                (body.media_type.as_str(), body.subtype.as_str()),
                ("APPLICATION", "OCTET-STREAM")
            );
            assert_eq!(body.kind, SinglePartKind::Basic);
        }
        other => panic!("expected a leaf, got {other:?}"),
    }
}

#[test]
fn thousands_of_nested_messages_do_not_overflow() {
    let subject = on_worker_stack(|| {
        let raw = nested_messages(5000);
        exercise(&raw);
        let msg = Message::parse(&raw);
        let body = msg.body_structure(Extensible::Yes);
        assert!(depth_of(&body) <= 102, "depth {}", depth_of(&body));
        msg.envelope().subject
    });
    assert_eq!(subject.as_deref(), Some(&b"level"[..]));
}

#[test]
fn deeply_nested_comments_in_addresses() {
    let env = on_worker_stack(|| {
        let mut raw = b"From: a@b ".to_vec();
        raw.extend(std::iter::repeat_n(b'(', 100_000));
        raw.extend_from_slice(b"\r\n\r\n");
        Message::parse(&raw).envelope()
    });
    assert_eq!(
        env.from.first().and_then(|a| a.mailbox.clone()),
        Some(b"a".to_vec())
    );
}

#[test]
fn deep_nesting_inside_an_encoded_message() {
    // mail-parser parses a base64 message/rfc822 from its decoded bytes in
    // a separate pass; the nesting inside must not overflow either.
    let subject = on_worker_stack(|| {
        let inner = nested_messages(20_000);
        let mut raw = b"Subject: outer\r\nContent-Type: message/rfc822\r\n\
Content-Transfer-Encoding: base64\r\n\r\n"
            .to_vec();
        raw.extend_from_slice(&base64(&inner));
        exercise(&raw);
        Message::parse(&raw).envelope().subject
    });
    assert_eq!(subject.as_deref(), Some(&b"outer"[..]));
}

fn base64(data: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    for (i, chunk) in data.chunks(3).enumerate() {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
        if i % 19 == 18 {
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

#[test]
fn regression_digest_holding_an_empty_message() {
    // Found by `mime_shaped_bytes_never_panic`: mail-parser reaches a
    // `debug_assert!` on this input.
    let raw = b"Content-Type: multipart/digest; boundary=\"b\"\r\n\r\n--b\r\n\r\n\
Content-Type: message/rfc822\r\n\r\n\r\n--b--\r\n";
    exercise(raw);
    let msg = Message::parse(raw);
    let whole = msg.section(&Section::default());
    assert_eq!(whole.as_deref(), Some(&raw[..]));
}

#[test]
fn encoded_message_rfc822_is_opaque() {
    let raw = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\
Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n\
U3ViamVjdDogaGkNCg0KYm9keQ0K\r\n--x--\r\n";
    let msg = Message::parse(raw);
    match msg.body_structure(Extensible::No) {
        BodyStructure::Multi { parts, .. } => match parts.first() {
            Some(BodyStructure::Single { body, .. }) => {
                assert_eq!(body.encoding, "BASE64");
                match &body.kind {
                    SinglePartKind::Message { envelope, .. } => {
                        assert_eq!(envelope.subject, None)
                    }
                    other => panic!("expected message kind, got {other:?}"),
                }
            }
            other => panic!("expected a single part, got {other:?}"),
        },
        other => panic!("expected multipart, got {other:?}"),
    }
    // BINARY still decodes it.
    let part: Vec<NonZeroU32> = NonZeroU32::new(1).into_iter().collect();
    assert_eq!(
        msg.binary(&part),
        Ok(b"Subject: hi\r\n\r\nbody\r\n".to_vec())
    );
    let header = msg.section(&Section {
        part,
        text: Some(SectionText::Header),
    });
    assert_eq!(header, None);
}
