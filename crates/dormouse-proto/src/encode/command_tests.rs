//! Byte-exact checks of the client command encoder against command examples
//! from RFC 9051 and the extension RFCs, and of the literal styles.

use std::num::NonZeroU32;

use super::{ClientLiterals, Fragment, encode_command, encode_command_fragments};
use crate::types::*;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

fn set(ranges: &[(u32, u32)]) -> SequenceSet {
    SequenceSet::Ranges(
        ranges
            .iter()
            .map(|&(a, b)| SeqRange {
                start: SeqNum::Value(nz(a)),
                end: SeqNum::Value(nz(b)),
            })
            .collect(),
    )
}

fn cmd(tag: &str, body: CommandBody) -> Command {
    Command {
        tag: Tag::new(tag).unwrap_or_else(|| panic!("bad test tag {tag}")),
        body,
    }
}

fn wire(tag: &str, body: CommandBody) -> String {
    let mut out = Vec::new();
    encode_command(&cmd(tag, body), ClientLiterals::NonSync, &mut out);
    let s = String::from_utf8(out).unwrap_or_else(|e| panic!("not UTF-8: {e}"));
    match s.strip_suffix("\r\n") {
        Some(line) => line.to_owned(),
        None => panic!("no CRLF at the end of {s:?}"),
    }
}

fn date(year: u16, month: u8, day: u8) -> Date {
    Date { year, month, day }
}

#[test]
fn simple_commands() {
    for (body, text) in [
        (CommandBody::Capability, "CAPABILITY"),
        (CommandBody::Noop, "NOOP"),
        (CommandBody::Logout, "LOGOUT"),
        (CommandBody::StartTls, "STARTTLS"),
        (CommandBody::Namespace, "NAMESPACE"),
        (CommandBody::Idle, "IDLE"),
        (CommandBody::Check, "CHECK"),
        (CommandBody::Close, "CLOSE"),
        (CommandBody::Unselect, "UNSELECT"),
        (CommandBody::Expunge, "EXPUNGE"),
    ] {
        assert_eq!(wire("a1", body), format!("a1 {text}"));
    }
    assert_eq!(
        wire("a1", CommandBody::Compress("DEFLATE".into())),
        "a1 COMPRESS DEFLATE"
    );
    assert_eq!(
        wire("A202", CommandBody::UidExpunge(set(&[(3000, 3002)]))),
        "A202 UID EXPUNGE 3000:3002"
    );
}

#[test]
fn login_and_authenticate() {
    assert_eq!(
        wire(
            "a001",
            CommandBody::Login {
                username: "SMITH".into(),
                password: Secret(b"SESAME".to_vec())
            }
        ),
        "a001 LOGIN SMITH SESAME"
    );
    assert_eq!(
        wire(
            "a002",
            CommandBody::Login {
                username: "fred smith".into(),
                password: Secret(b"p\"w\\".to_vec())
            }
        ),
        "a002 LOGIN \"fred smith\" \"p\\\"w\\\\\""
    );
    assert_eq!(
        wire(
            "a003",
            CommandBody::Login {
                username: "jürgen".into(),
                password: Secret(b"".to_vec())
            }
        ),
        "a003 LOGIN {7+}\r\njürgen \"\""
    );
    assert_eq!(
        wire(
            "A01",
            CommandBody::Authenticate {
                mechanism: "PLAIN".into(),
                initial: Some(Secret(b"dGVzdAB0ZXN0AHRlc3Q=".to_vec()))
            }
        ),
        "A01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q="
    );
    assert_eq!(
        wire(
            "A02",
            CommandBody::Authenticate {
                mechanism: "GSSAPI".into(),
                initial: None
            }
        ),
        "A02 AUTHENTICATE GSSAPI"
    );
}

#[test]
fn id_and_enable() {
    assert_eq!(
        wire(
            "a023",
            CommandBody::Id(Some(vec![
                ("name".into(), Some("sodr".into())),
                ("version".into(), Some("19.34".into())),
                ("vendor".into(), None)
            ]))
        ),
        "a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" NIL)"
    );
    assert_eq!(wire("a", CommandBody::Id(None)), "a ID NIL");
    assert_eq!(
        wire(
            "t2",
            CommandBody::Enable(vec!["CONDSTORE".into(), "X-GOOD-IDEA".into()])
        ),
        "t2 ENABLE CONDSTORE X-GOOD-IDEA"
    );
}

#[test]
fn mailbox_commands() {
    assert_eq!(
        wire(
            "A142",
            CommandBody::Select {
                mailbox: Mailbox::new("inbox"),
                params: SelectParams::default()
            }
        ),
        "A142 SELECT INBOX"
    );
    assert_eq!(
        wire(
            "a",
            CommandBody::Examine {
                mailbox: Mailbox::new("blurdybloop"),
                params: SelectParams {
                    condstore: true,
                    qresync: None
                }
            }
        ),
        "a EXAMINE blurdybloop (CONDSTORE)"
    );
    // RFC 7162 §3.2.5.2.
    assert_eq!(
        wire(
            "A03",
            CommandBody::Select {
                mailbox: Mailbox::new("INBOX"),
                params: SelectParams {
                    condstore: false,
                    qresync: Some(QResync {
                        uidvalidity: nz(67890007),
                        modseq: 20050715194045000,
                        known_uids: Some(set(&[(41, 41), (43, 211), (214, 541)])),
                        seq_match: None
                    })
                }
            }
        ),
        "A03 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))"
    );
    assert_eq!(
        wire(
            "B04",
            CommandBody::Select {
                mailbox: Mailbox::new("INBOX"),
                params: SelectParams {
                    condstore: true,
                    qresync: Some(QResync {
                        uidvalidity: nz(67890007),
                        modseq: 90060115194045000,
                        known_uids: Some(set(&[(1, 600)])),
                        seq_match: Some((
                            set(&[(100, 100), (200, 200)]),
                            set(&[(300, 300), (400, 400)])
                        ))
                    })
                }
            }
        ),
        "B04 SELECT INBOX (CONDSTORE QRESYNC (67890007 90060115194045000 1:600 (100,200 300,400)))"
    );
    assert_eq!(
        wire(
            "t1",
            CommandBody::Create {
                mailbox: Mailbox::new("MySpecialTrash"),
                special_use: vec!["Trash".into()]
            }
        ),
        "t1 CREATE MySpecialTrash (USE (\\Trash))"
    );
    assert_eq!(
        wire("A683", CommandBody::Delete(Mailbox::new("blurdybloop"))),
        "A683 DELETE blurdybloop"
    );
    assert_eq!(
        wire(
            "A683",
            CommandBody::Rename {
                from: Mailbox::new("blurdybloop"),
                to: Mailbox::new("sarasoop")
            }
        ),
        "A683 RENAME blurdybloop sarasoop"
    );
    assert_eq!(
        wire(
            "A002",
            CommandBody::Subscribe(Mailbox::new("#news.comp.mail.mime"))
        ),
        "A002 SUBSCRIBE #news.comp.mail.mime"
    );
    assert_eq!(
        wire("A002", CommandBody::Unsubscribe(Mailbox::new("a b"))),
        "A002 UNSUBSCRIBE \"a b\""
    );
    assert_eq!(
        wire(
            "A042",
            CommandBody::Status {
                mailbox: Mailbox::new("blurdybloop"),
                items: vec![StatusItem::UidNext, StatusItem::Messages]
            }
        ),
        "A042 STATUS blurdybloop (UIDNEXT MESSAGES)"
    );
}

#[test]
fn list_commands() {
    let list = |selection, reference: &str, patterns: &[&str], returns| {
        CommandBody::List(List {
            selection,
            reference: Mailbox::new(reference),
            patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
            returns,
        })
    };
    assert_eq!(
        wire("A101", list(vec![], "", &[""], vec![])),
        "A101 LIST \"\" \"\""
    );
    assert_eq!(
        wire("A102", list(vec![], "#news.comp.mail.misc", &["*"], vec![])),
        "A102 LIST #news.comp.mail.misc *"
    );
    assert_eq!(
        wire("A103", list(vec![], "~/Mail/", &["%"], vec![])),
        "A103 LIST ~/Mail/ %"
    );
    // RFC 5258 §5.
    assert_eq!(
        wire(
            "A04",
            list(
                vec![ListSelect::Subscribed, ListSelect::RecursiveMatch],
                "",
                &["%"],
                vec![ListReturn::Children]
            )
        ),
        "A04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (CHILDREN)"
    );
    assert_eq!(
        wire(
            "A05",
            list(
                vec![],
                "",
                &["%", "Other Users/*"],
                vec![ListReturn::SpecialUse]
            )
        ),
        "A05 LIST \"\" (% \"Other Users/*\") RETURN (SPECIAL-USE)"
    );
    // RFC 5819.
    assert_eq!(
        wire(
            "A02",
            list(
                vec![ListSelect::SpecialUse, ListSelect::Remote],
                "",
                &["%"],
                vec![ListReturn::Status(vec![
                    StatusItem::Messages,
                    StatusItem::Unseen
                ])]
            )
        ),
        "A02 LIST (SPECIAL-USE REMOTE) \"\" % RETURN (STATUS (MESSAGES UNSEEN))"
    );
    assert_eq!(
        wire(
            "A1",
            CommandBody::Lsub {
                reference: Mailbox::new("#news."),
                pattern: "comp.mail.*".into()
            }
        ),
        "A1 LSUB #news. comp.mail.*"
    );
}

#[test]
fn append_uses_literals() {
    let message = b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nHello\r\n".to_vec();
    let append = CommandBody::Append {
        mailbox: Mailbox::new("saved-messages"),
        messages: vec![
            AppendMessage {
                flags: vec![Flag::Seen],
                date: Some(DateTime {
                    date: date(1994, 2, 7),
                    hour: 21,
                    minute: 52,
                    second: 25,
                    zone_minutes: -480,
                }),
                data: message.clone(),
                encoding: LiteralKind::Text,
            },
            AppendMessage {
                flags: vec![],
                date: None,
                data: b"\0".to_vec(),
                encoding: LiteralKind::Binary,
            },
        ],
    };
    let expected_start = format!(
        "A003 APPEND saved-messages (\\Seen) \"07-Feb-1994 21:52:25 -0800\" {{{}",
        message.len()
    );
    let mut nonsync = Vec::new();
    encode_command(
        &cmd("A003", append.clone()),
        ClientLiterals::NonSync,
        &mut nonsync,
    );
    let mut expected = expected_start.clone().into_bytes();
    expected.extend_from_slice(b"+}\r\n");
    expected.extend_from_slice(&message);
    expected.extend_from_slice(b" ~{1+}\r\n\0\r\n");
    assert_eq!(nonsync, expected);

    let fragments = encode_command_fragments(&cmd("A003", append.clone()));
    assert_eq!(
        fragments,
        vec![
            Fragment::Line(format!("{expected_start}}}\r\n").into_bytes()),
            Fragment::Literal(message.clone()),
            Fragment::Line(b" ~{1}\r\n".to_vec()),
            Fragment::Literal(b"\0".to_vec()),
            Fragment::Line(b"\r\n".to_vec()),
        ]
    );
    let mut sync = Vec::new();
    encode_command(&cmd("A003", append), ClientLiterals::Sync, &mut sync);
    let joined: Vec<u8> = fragments
        .into_iter()
        .flat_map(|f| match f {
            Fragment::Line(b) | Fragment::Literal(b) => b,
        })
        .collect();
    assert_eq!(sync, joined);
}

#[test]
fn search_commands() {
    // RFC 9051 §6.4.4.
    let search = |returns, charset: Option<&str>, criteria| {
        CommandBody::Search(Search {
            mode: UidMode::Seq,
            returns,
            charset: charset.map(str::to_owned),
            criteria,
        })
    };
    assert_eq!(
        wire(
            "A282",
            search(
                Some(vec![SearchReturn::Min, SearchReturn::Count]),
                None,
                vec![
                    SearchKey::Flagged,
                    SearchKey::Since(date(1994, 2, 1)),
                    SearchKey::Not(Box::new(SearchKey::From("Smith".into())))
                ]
            )
        ),
        "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM Smith"
    );
    assert_eq!(
        wire(
            "A284",
            search(
                None,
                Some("UTF-8"),
                vec![
                    SearchKey::Text("ρω".into()),
                    SearchKey::Subject("a \"b\"".into())
                ]
            )
        ),
        "A284 SEARCH CHARSET UTF-8 TEXT {4+}\r\nρω SUBJECT \"a \\\"b\\\"\""
    );
    assert_eq!(
        wire("A1", search(Some(vec![]), None, vec![SearchKey::All])),
        "A1 SEARCH RETURN () ALL"
    );
    assert_eq!(
        wire(
            "A2",
            search(
                None,
                None,
                vec![
                    SearchKey::Or(
                        Box::new(SearchKey::Uid(SequenceSet::Saved)),
                        Box::new(SearchKey::And(vec![
                            SearchKey::Larger(10),
                            SearchKey::Smaller(200)
                        ]))
                    ),
                    SearchKey::SequenceSet(set(&[(1, 5)])),
                    SearchKey::Header("X-Spam".into(), "".into()),
                    SearchKey::Keyword("$Junk".into()),
                    SearchKey::Unkeyword("NonJunk".into()),
                    SearchKey::Older(3600),
                    SearchKey::Younger(60),
                    SearchKey::SentOn(date(2024, 12, 31)),
                ]
            )
        ),
        "A2 SEARCH OR UID $ (LARGER 10 SMALLER 200) 1:5 HEADER X-Spam \"\" KEYWORD $Junk \
         UNKEYWORD NonJunk OLDER 3600 YOUNGER 60 SENTON 31-Dec-2024"
    );
    // RFC 7162 §3.1.5.
    assert_eq!(
        wire(
            "a",
            search(
                None,
                None,
                vec![SearchKey::ModSeq {
                    entry: Some(("/flags/\\draft".into(), EntryType::All)),
                    modseq: 620162338
                }]
            )
        ),
        "a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338"
    );
}

#[test]
fn fetch_commands() {
    let fetch = |mode, attributes, changed_since, vanished| {
        CommandBody::Fetch(Fetch {
            mode,
            set: set(&[(2, 4)]),
            attributes,
            changed_since,
            vanished,
        })
    };
    assert_eq!(
        wire(
            "A654",
            fetch(
                UidMode::Seq,
                FetchAttributes::Items(vec![
                    FetchItem::BodySection {
                        peek: false,
                        section: Section {
                            part: vec![],
                            text: Some(SectionText::HeaderFields(vec![
                                "DATE".into(),
                                "FROM".into()
                            ]))
                        },
                        partial: None
                    },
                    FetchItem::Binary {
                        peek: true,
                        part: vec![nz(1), nz(2)],
                        partial: Some(Partial {
                            offset: 0,
                            length: nz(1024)
                        })
                    },
                    FetchItem::BinarySize { part: vec![nz(1)] },
                ]),
                None,
                false
            )
        ),
        "A654 FETCH 2:4 (BODY[HEADER.FIELDS (DATE FROM)] BINARY.PEEK[1.2]<0.1024> BINARY.SIZE[1])"
    );
    assert_eq!(
        wire("a", fetch(UidMode::Seq, FetchAttributes::Full, None, false)),
        "a FETCH 2:4 FULL"
    );
    assert_eq!(
        wire(
            "a",
            fetch(
                UidMode::Seq,
                FetchAttributes::Items(vec![FetchItem::Flags]),
                None,
                false
            )
        ),
        "a FETCH 2:4 FLAGS"
    );
    // RFC 7162 §3.2.6.
    assert_eq!(
        wire(
            "s100",
            fetch(
                UidMode::Uid,
                FetchAttributes::Items(vec![FetchItem::Flags]),
                Some(12345),
                true
            )
        ),
        "s100 UID FETCH 2:4 FLAGS (CHANGEDSINCE 12345 VANISHED)"
    );
}

#[test]
fn store_copy_move() {
    assert_eq!(
        wire(
            "A003",
            CommandBody::Store(Store {
                mode: UidMode::Seq,
                set: set(&[(2, 4)]),
                unchanged_since: None,
                action: StoreAction::Add,
                response: StoreResponse::Answer,
                flags: vec![Flag::Deleted]
            })
        ),
        "A003 STORE 2:4 +FLAGS (\\Deleted)"
    );
    // RFC 7162 §3.1.3.
    assert_eq!(
        wire(
            "d105",
            CommandBody::Store(Store {
                mode: UidMode::Uid,
                set: set(&[(7, 7), (5, 5), (9, 9)]),
                unchanged_since: Some(320162338),
                action: StoreAction::Replace,
                response: StoreResponse::Silent,
                flags: vec![]
            })
        ),
        "d105 UID STORE 7,5,9 (UNCHANGEDSINCE 320162338) FLAGS.SILENT ()"
    );
    assert_eq!(
        wire(
            "A",
            CommandBody::Copy {
                mode: UidMode::Seq,
                set: set(&[(2, 4)]),
                mailbox: Mailbox::new("MEETING")
            }
        ),
        "A COPY 2:4 MEETING"
    );
    assert_eq!(
        wire(
            "a",
            CommandBody::Move {
                mode: UidMode::Uid,
                set: set(&[(42, 69)]),
                mailbox: Mailbox::new("foo")
            }
        ),
        "a UID MOVE 42:69 foo"
    );
}

#[test]
fn sort_and_thread() {
    // RFC 5256 §4.
    assert_eq!(
        wire(
            "A283",
            CommandBody::Sort(Sort {
                mode: UidMode::Seq,
                returns: None,
                criteria: vec![
                    SortCriterion {
                        reverse: true,
                        key: SortKey::Date
                    },
                    SortCriterion {
                        reverse: false,
                        key: SortKey::Subject
                    }
                ],
                charset: "UTF-8".into(),
                search: vec![SearchKey::Since(date(1994, 2, 1))]
            })
        ),
        "A283 SORT (REVERSE DATE SUBJECT) UTF-8 SINCE 1-Feb-1994"
    );
    // RFC 5267 ESORT.
    assert_eq!(
        wire(
            "A301",
            CommandBody::Sort(Sort {
                mode: UidMode::Uid,
                returns: Some(vec![SearchReturn::Min]),
                criteria: vec![SortCriterion {
                    reverse: false,
                    key: SortKey::DisplayFrom
                }],
                charset: "UTF-8".into(),
                search: vec![SearchKey::Undeleted]
            })
        ),
        "A301 UID SORT RETURN (MIN) (DISPLAYFROM) UTF-8 UNDELETED"
    );
    assert_eq!(
        wire(
            "A283",
            CommandBody::Thread(Thread {
                mode: UidMode::Seq,
                algorithm: "ORDEREDSUBJECT".into(),
                charset: "UTF-8".into(),
                search: vec![SearchKey::Since(date(1994, 2, 5))]
            })
        ),
        "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Feb-1994"
    );
}

/// Regression (found by the `command_roundtrip` fuzz target): RFC 7162
/// §3.2.5 allows seq-match-data without known-uids, and it must survive.
#[test]
fn qresync_seq_match_without_known_uids() {
    let line = "a SELECT INBOX (QRESYNC (67890007 90 (1:3 4:6)))";
    let parsed = crate::parse::parse_command(format!("{line}\r\n").as_bytes())
        .unwrap_or_else(|e| panic!("parse: {e:?}"));
    let mut out = Vec::new();
    encode_command(&parsed, ClientLiterals::NonSync, &mut out);
    assert_eq!(String::from_utf8_lossy(&out), format!("{line}\r\n"));
}
