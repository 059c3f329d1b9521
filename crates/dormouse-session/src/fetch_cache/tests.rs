//! The cache payload: arbitrary structures round-trip, arbitrary and
//! damaged bytes decode to an error or a value but never panic, nesting is
//! capped both ways, and BODY derived from the cached BODYSTRUCTURE is
//! what dormouse-mime answers for BODY.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::*;

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,8}"
}

fn raw() -> impl Strategy<Value = Option<Vec<u8>>> {
    option::of(vec(any::<u8>(), 0..12))
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    vec((text(), text()), 0..3)
}

fn disposition() -> impl Strategy<Value = Option<(String, Vec<(String, String)>)>> {
    option::of((text(), params()))
}

fn address() -> impl Strategy<Value = Address> {
    (raw(), raw(), raw(), raw()).prop_map(|(name, adl, mailbox, host)| Address {
        name,
        adl,
        mailbox,
        host,
    })
}

fn envelope() -> impl Strategy<Value = Envelope> {
    let list = || vec(address(), 0..3);
    (
        (raw(), raw(), raw(), raw()),
        (list(), list(), list(), list(), list(), list()),
    )
        .prop_map(
            |((date, subject, in_reply_to, message_id), (from, sender, reply_to, to, cc, bcc))| {
                Envelope {
                    date,
                    subject,
                    from,
                    sender,
                    reply_to,
                    to,
                    cc,
                    bcc,
                    in_reply_to,
                    message_id,
                }
            },
        )
}

fn single_extension() -> impl Strategy<Value = Option<SinglePartExtension>> {
    option::of((raw(), disposition(), vec(text(), 0..3), raw()).prop_map(
        |(md5, disposition, language, location)| SinglePartExtension {
            md5,
            disposition,
            language,
            location,
        },
    ))
}

fn multi_extension() -> impl Strategy<Value = Option<MultiPartExtension>> {
    option::of(
        (params(), disposition(), vec(text(), 0..3), raw()).prop_map(
            |(params, disposition, language, location)| MultiPartExtension {
                params,
                disposition,
                language,
                location,
            },
        ),
    )
}

fn single(kind: impl Strategy<Value = SinglePartKind>) -> impl Strategy<Value = BodyStructure> {
    (
        (text(), text(), params(), raw(), raw(), text(), any::<u32>()),
        kind,
        single_extension(),
    )
        .prop_map(
            |((media_type, subtype, params, id, description, encoding, size), kind, extension)| {
                BodyStructure::Single {
                    body: SinglePart {
                        media_type,
                        subtype,
                        params,
                        id,
                        description,
                        encoding,
                        size,
                        kind,
                    },
                    extension,
                }
            },
        )
}

fn body() -> impl Strategy<Value = BodyStructure> {
    let leaf = single(prop_oneof![
        Just(SinglePartKind::Basic),
        any::<u32>().prop_map(|lines| SinglePartKind::Text { lines }),
    ]);
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (vec(inner.clone(), 1..4), text(), multi_extension()).prop_map(
                |(parts, subtype, extension)| BodyStructure::Multi {
                    parts,
                    subtype,
                    extension,
                }
            ),
            single(
                (envelope(), inner, any::<u32>()).prop_map(|(envelope, body, lines)| {
                    SinglePartKind::Message {
                        envelope: Box::new(envelope),
                        body: Box::new(body),
                        lines,
                    }
                })
            ),
        ]
    })
}

fn structure() -> impl Strategy<Value = Structure> {
    (envelope(), body()).prop_map(|(envelope, body)| Structure { envelope, body })
}

proptest! {
    #[test]
    fn structures_round_trip(s in structure()) {
        let payload = encode(&s).expect("shallow enough");
        prop_assert_eq!(decode(&payload), Ok(s));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        let _ = decode(&bytes);
        let mut versioned = vec![VERSION];
        versioned.extend_from_slice(&bytes);
        let _ = decode(&versioned);
    }

    #[test]
    fn damaged_payloads_never_panic(s in structure(), at in any::<usize>(), flip in 1..=255u8) {
        let payload = encode(&s).expect("shallow enough");
        let at = at % payload.len();
        let _ = decode(&payload[..at]);
        prop_assert!(decode(&payload[..at]).is_err(), "a strict prefix is never a whole payload");
        let mut damaged = payload.clone();
        damaged[at] ^= flip;
        let _ = decode(&damaged);
        let mut longer = payload;
        longer.push(0);
        prop_assert_eq!(decode(&longer), Err(DecodeError::Malformed));
    }
}

fn leaf() -> BodyStructure {
    BodyStructure::Single {
        body: SinglePart {
            media_type: "TEXT".into(),
            subtype: "PLAIN".into(),
            params: Vec::new(),
            id: None,
            description: None,
            encoding: "7BIT".into(),
            size: 0,
            kind: SinglePartKind::Text { lines: 0 },
        },
        extension: None,
    }
}

fn nested(depth: usize) -> BodyStructure {
    (0..depth).fold(leaf(), |inner, _| BodyStructure::Multi {
        parts: vec![inner],
        subtype: "MIXED".into(),
        extension: None,
    })
}

#[test]
fn nesting_is_capped_when_encoding_and_decoding() {
    let ok = Structure {
        envelope: Envelope::default(),
        body: nested(MAX_DEPTH - 1),
    };
    let payload = encode(&ok).expect("at the cap");
    assert_eq!(decode(&payload), Ok(ok));
    let deep = Structure {
        envelope: Envelope::default(),
        body: nested(MAX_DEPTH),
    };
    assert_eq!(encode(&deep), None);

    // A hand-made payload opening a million multiparts: refused at the
    // cap, without exhausting the stack.
    let mut bytes = vec![VERSION];
    let mut w = Writer(Vec::new());
    w.envelope(&Envelope::default());
    bytes.extend_from_slice(&w.0);
    for _ in 0..1_000_000 {
        bytes.extend_from_slice(&[MULTI, 1]);
    }
    assert_eq!(decode(&bytes), Err(DecodeError::TooDeep));
}

#[test]
fn other_versions_and_lying_lengths_are_misses() {
    let s = Structure {
        envelope: Envelope::default(),
        body: leaf(),
    };
    let mut payload = encode(&s).expect("shallow");
    payload[0] = VERSION + 1;
    assert_eq!(decode(&payload), Err(DecodeError::Version));
    // A subject claiming 2^32-1 bytes.
    let lying = [VERSION, SOME, 0xff, 0xff, 0xff, 0xff, 0x0f];
    assert_eq!(decode(&lying), Err(DecodeError::Truncated));
    // A varint longer than a u32.
    let long = [VERSION, SOME, 0xff, 0xff, 0xff, 0xff, 0x7f];
    assert_eq!(decode(&long), Err(DecodeError::Malformed));
    assert_eq!(decode(&[]), Err(DecodeError::Truncated));
}

/// Every message fixture of the MIME crate.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = format!(
        "{}/../dormouse-mime/tests/fixtures",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| {
            let path = e.expect("entry").path();
            let bytes = std::fs::read(&path).expect("fixture");
            (path.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "fixtures in {dir}");
    out
}

#[test]
fn body_is_bodystructure_without_extensions_as_dormouse_mime_builds_it() {
    for (name, raw) in fixtures() {
        let message = Message::parse(&raw);
        let s = Structure::of(&message);
        assert_eq!(
            s.body_only(),
            message.body_structure(Extensible::No),
            "{name}"
        );
        let payload = encode(&s).expect("shallow");
        assert_eq!(decode(&payload).as_ref(), Ok(&s), "{name}");
    }
}
