//! Byte-exact checks of FETCH responses: the RFC 3501 §7.4.2 example with
//! ENVELOPE and BODY, BODYSTRUCTURE forms, body sections and BINARY.

use std::num::NonZeroU32;

use super::{EncodeOptions, encode_response};
use crate::types::*;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

fn fetch(seq: u32, items: Vec<FetchData>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_response(
        &Response::Data(Data::Fetch {
            seq: nz(seq),
            items,
        }),
        EncodeOptions::default(),
        &mut out,
    );
    out
}

fn fetch_str(seq: u32, items: Vec<FetchData>) -> String {
    String::from_utf8(fetch(seq, items)).unwrap_or_else(|e| panic!("not UTF-8: {e}"))
}

fn b(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

fn addr(name: Option<&str>, mailbox: &str, host: &str) -> Address {
    Address {
        name: name.and_then(b),
        adl: None,
        mailbox: b(mailbox),
        host: b(host),
    }
}

fn text_plain(params: &[(&str, &str)], size: u32, lines: u32) -> SinglePart {
    SinglePart {
        media_type: "TEXT".into(),
        subtype: "PLAIN".into(),
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        id: None,
        description: None,
        encoding: "7BIT".into(),
        size,
        kind: SinglePartKind::Text { lines },
    }
}

fn single(body: SinglePart) -> BodyStructure {
    BodyStructure::Single {
        body,
        extension: None,
    }
}

#[test]
fn rfc3501_fetch_example() {
    let gray = addr(Some("Terry Gray"), "gray", "cac.washington.edu");
    let envelope = Envelope {
        date: b("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"),
        subject: b("IMAP4rev1 WG mtg summary and minutes"),
        from: vec![gray.clone()],
        sender: vec![gray.clone()],
        reply_to: vec![gray],
        to: vec![addr(None, "imap", "cac.washington.edu")],
        cc: vec![
            addr(None, "minutes", "CNRI.Reston.VA.US"),
            addr(Some("John Klensin"), "KLENSIN", "MIT.EDU"),
        ],
        bcc: vec![],
        in_reply_to: None,
        message_id: b("<B27397-0100000@cac.washington.edu>"),
    };
    let items = vec![
        FetchData::Flags(vec![Flag::Seen]),
        FetchData::InternalDate(DateTime {
            date: Date {
                year: 1996,
                month: 7,
                day: 17,
            },
            hour: 2,
            minute: 44,
            second: 25,
            zone_minutes: -7 * 60,
        }),
        FetchData::Rfc822Size(4286),
        FetchData::Envelope(Box::new(envelope)),
        FetchData::BodyStructure {
            extensible: false,
            body: Box::new(single(text_plain(&[("CHARSET", "US-ASCII")], 3028, 92))),
        },
    ];
    assert_eq!(
        fetch_str(12, items),
        "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" \
         RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
         \"IMAP4rev1 WG mtg summary and minutes\" \
         ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
         ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
         ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
         ((NIL NIL \"imap\" \"cac.washington.edu\")) \
         ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")\
         (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \
         \"<B27397-0100000@cac.washington.edu>\") \
         BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
    );
}

#[test]
fn simple_items() {
    assert_eq!(
        fetch_str(
            23,
            vec![
                FetchData::Flags(vec![Flag::Seen]),
                FetchData::Uid(nz(4827313))
            ]
        ),
        "* 23 FETCH (FLAGS (\\Seen) UID 4827313)\r\n"
    );
    // RFC 7162 §3.1.4.1.
    assert_eq!(
        fetch_str(
            4,
            vec![FetchData::Uid(nz(8)), FetchData::ModSeq(12121130956)]
        ),
        "* 4 FETCH (UID 8 MODSEQ (12121130956))\r\n"
    );
    assert_eq!(
        fetch_str(
            1,
            vec![FetchData::BinarySize {
                part: vec![nz(1), nz(2)],
                size: 2983
            }]
        ),
        "* 1 FETCH (BINARY.SIZE[1.2] 2983)\r\n"
    );
}

#[test]
fn multipart_bodystructure_rfc3501() {
    let mut diff = text_plain(&[("CHARSET", "US-ASCII"), ("NAME", "cc.diff")], 4554, 73);
    diff.id = b("<960723163407.20117h@cac.washington.edu>");
    diff.description = b("Compiler diff");
    diff.encoding = "BASE64".into();
    let body = BodyStructure::Multi {
        parts: vec![
            single(text_plain(&[("CHARSET", "US-ASCII")], 1152, 23)),
            single(diff),
        ],
        subtype: "MIXED".into(),
        extension: None,
    };
    assert_eq!(
        fetch_str(
            1,
            vec![FetchData::BodyStructure {
                extensible: true,
                body: Box::new(body)
            }]
        ),
        "* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \
         \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \
         \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \
         \"MIXED\"))\r\n"
    );
}

fn extended_structure() -> BodyStructure {
    let inner_text = BodyStructure::Single {
        body: text_plain(&[], 10, 1),
        extension: Some(SinglePartExtension {
            md5: None,
            disposition: None,
            language: vec![],
            location: None,
        }),
    };
    let message = SinglePart {
        media_type: "MESSAGE".into(),
        subtype: "RFC822".into(),
        params: vec![],
        id: None,
        description: None,
        encoding: "7BIT".into(),
        size: 300,
        kind: SinglePartKind::Message {
            envelope: Box::new(Envelope {
                subject: b("hi"),
                ..Envelope::default()
            }),
            body: Box::new(inner_text),
            lines: 12,
        },
    };
    let image = SinglePart {
        media_type: "IMAGE".into(),
        subtype: "PNG".into(),
        params: vec![],
        id: None,
        description: None,
        encoding: "BASE64".into(),
        size: 4,
        kind: SinglePartKind::Basic,
    };
    BodyStructure::Multi {
        parts: vec![
            BodyStructure::Single {
                body: message,
                extension: Some(SinglePartExtension {
                    md5: b("Q2hlY2sgSW50ZWdyaXR5IQ=="),
                    disposition: Some((
                        "attachment".into(),
                        vec![("filename".into(), "fwd.eml".into())],
                    )),
                    language: vec!["en".into()],
                    location: None,
                }),
            },
            BodyStructure::Single {
                body: image,
                extension: Some(SinglePartExtension {
                    md5: None,
                    disposition: Some(("inline".into(), vec![])),
                    language: vec!["en".into(), "de".into()],
                    location: b("http://x/y.png"),
                }),
            },
        ],
        subtype: "MIXED".into(),
        extension: Some(MultiPartExtension {
            params: vec![("BOUNDARY".into(), "xyz".into())],
            disposition: None,
            language: vec![],
            location: None,
        }),
    }
}

#[test]
fn bodystructure_with_extension_data() {
    let out = fetch_str(
        7,
        vec![FetchData::BodyStructure {
            extensible: true,
            body: Box::new(extended_structure()),
        }],
    );
    assert_eq!(
        out,
        "* 7 FETCH (BODYSTRUCTURE ((\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 300 \
         (NIL \"hi\" NIL NIL NIL NIL NIL NIL NIL NIL) \
         (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL) 12 \
         \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"attachment\" (\"filename\" \"fwd.eml\")) \"en\" NIL)\
         (\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 4 NIL (\"inline\" NIL) (\"en\" \"de\") \
         \"http://x/y.png\") \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL NIL NIL))\r\n"
    );
}

#[test]
fn body_omits_extension_data_at_every_level() {
    let out = fetch_str(
        7,
        vec![FetchData::BodyStructure {
            extensible: false,
            body: Box::new(extended_structure()),
        }],
    );
    assert_eq!(
        out,
        "* 7 FETCH (BODY ((\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 300 \
         (NIL \"hi\" NIL NIL NIL NIL NIL NIL NIL NIL) \
         (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1) 12)\
         (\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 4) \"MIXED\"))\r\n"
    );
}

#[test]
fn body_sections_are_literals() {
    let header = "Date: x\r\nFrom: y\r\n\r\n";
    assert_eq!(
        fetch_str(
            12,
            vec![FetchData::BodySection {
                section: Section {
                    part: vec![],
                    text: Some(SectionText::Header)
                },
                origin: None,
                data: b(header)
            }]
        ),
        format!(
            "* 12 FETCH (BODY[HEADER] {{{}}}\r\n{header})\r\n",
            header.len()
        )
    );
    assert_eq!(
        fetch_str(
            3,
            vec![FetchData::BodySection {
                section: Section {
                    part: vec![nz(1), nz(2)],
                    text: Some(SectionText::HeaderFields(vec![
                        "DATE".into(),
                        "FROM".into()
                    ]))
                },
                origin: Some(0),
                data: b("")
            }]
        ),
        "* 3 FETCH (BODY[1.2.HEADER.FIELDS (DATE FROM)]<0> {0}\r\n)\r\n"
    );
    assert_eq!(
        fetch_str(
            3,
            vec![FetchData::BodySection {
                section: Section::default(),
                origin: None,
                data: None
            }]
        ),
        "* 3 FETCH (BODY[] NIL)\r\n"
    );
}

#[test]
fn nul_bytes_need_binary() {
    // BODY[] cannot carry NUL: it becomes 0x80 (as Dovecot sends it).
    assert_eq!(
        fetch(
            1,
            vec![FetchData::BodySection {
                section: Section::default(),
                origin: None,
                data: Some(b"a\0b".to_vec())
            }]
        ),
        b"* 1 FETCH (BODY[] {3}\r\na\x80b)\r\n"
    );
    // BINARY uses literal8 only when it has to.
    assert_eq!(
        fetch(
            1,
            vec![
                FetchData::Binary {
                    part: vec![nz(2)],
                    origin: None,
                    data: Some(b"a\0b".to_vec())
                },
                FetchData::Binary {
                    part: vec![],
                    origin: Some(4),
                    data: Some(b"ab".to_vec())
                },
                FetchData::Binary {
                    part: vec![nz(3)],
                    origin: None,
                    data: None
                },
            ]
        ),
        b"* 1 FETCH (BINARY[2] ~{3}\r\na\0b BINARY[]<4> {2}\r\nab BINARY[3] NIL)\r\n"
    );
}

#[test]
fn rfc822_items() {
    assert_eq!(
        fetch_str(
            2,
            vec![
                FetchData::Rfc822Header(b("A: b\r\n\r\n")),
                FetchData::Rfc822Text(None),
                FetchData::Rfc822(b("x")),
            ]
        ),
        "* 2 FETCH (RFC822.HEADER {8}\r\nA: b\r\n\r\n RFC822.TEXT NIL RFC822 {1}\r\nx)\r\n"
    );
}

#[test]
fn envelope_strings_pick_their_form() {
    // An 8-bit subject goes as a literal; quotes are escaped; groups use the
    // RFC 3501 NIL-host encoding.
    let env = Envelope {
        subject: Some("Grüße \"x\"".as_bytes().to_vec()),
        to: vec![
            Address {
                name: None,
                adl: None,
                mailbox: b("undisclosed"),
                host: None,
            },
            Address::default(),
        ],
        ..Envelope::default()
    };
    let out = fetch_str(1, vec![FetchData::Envelope(Box::new(env))]);
    assert_eq!(
        out,
        "* 1 FETCH (ENVELOPE (NIL {11}\r\nGrüße \"x\" NIL NIL NIL \
         ((NIL NIL \"undisclosed\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL))\r\n"
    );
}
