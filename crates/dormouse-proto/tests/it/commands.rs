//! Every command form parses to the value it means: one test per command
//! family, each checking the full parsed value.

use dormouse_proto::parse::parse_command;
use dormouse_proto::*;

use crate::support::{body, error, keyword, mailbox, nz, set};

#[test]
fn argumentless_commands_in_any_case() {
    let cases: [(&[u8], CommandBody); 13] = [
        (b"a CAPABILITY\r\n", CommandBody::Capability),
        (b"a noop\r\n", CommandBody::Noop),
        (b"a Logout\r\n", CommandBody::Logout),
        (b"a STARTTLS\r\n", CommandBody::StartTls),
        (b"a NAMESPACE\r\n", CommandBody::Namespace),
        (b"a idle\r\n", CommandBody::Idle),
        (b"a CHECK\r\n", CommandBody::Check),
        (b"a CLOSE\r\n", CommandBody::Close),
        (b"a UNSELECT\r\n", CommandBody::Unselect),
        (b"a EXPUNGE\r\n", CommandBody::Expunge),
        (b"a NOOP\n", CommandBody::Noop),
        (b"a.b-c NOOP\r\n", CommandBody::Noop),
        (b"]tag NOOP\r\n", CommandBody::Noop),
    ];
    for (bytes, expected) in cases {
        assert_eq!(body(bytes), expected, "{}", String::from_utf8_lossy(bytes));
    }
    let cmd = parse_command(b"A.b-c NOOP\r\n").unwrap();
    assert_eq!(cmd.tag.as_str(), "A.b-c");
}

#[test]
fn id() {
    assert_eq!(body(b"a ID NIL\r\n"), CommandBody::Id(None));
    assert_eq!(body(b"a ID ()\r\n"), CommandBody::Id(Some(vec![])));
    assert_eq!(
        body(b"a ID (\"name\" \"sodr\" \"version\" NIL \"os\" {5}\r\nLinux)\r\n"),
        CommandBody::Id(Some(vec![
            ("name".into(), Some("sodr".into())),
            ("version".into(), None),
            ("os".into(), Some("Linux".into())),
        ]))
    );
}

#[test]
fn authenticate_with_and_without_initial_response() {
    assert_eq!(
        body(b"a AUTHENTICATE plain\r\n"),
        CommandBody::Authenticate {
            mechanism: "PLAIN".into(),
            initial: None
        }
    );
    assert_eq!(
        body(b"a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n"),
        CommandBody::Authenticate {
            mechanism: "PLAIN".into(),
            initial: Some(Secret(b"dGVzdAB0ZXN0AHRlc3Q=".to_vec()))
        }
    );
    assert_eq!(
        body(b"a AUTHENTICATE EXTERNAL =\r\n"),
        CommandBody::Authenticate {
            mechanism: "EXTERNAL".into(),
            initial: Some(Secret(b"=".to_vec()))
        }
    );
    for bad in [
        &b"a AUTHENTICATE PLAIN ab=c\r\n"[..],
        b"a AUTHENTICATE PLAIN ===\r\n",
        b"a AUTHENTICATE PLAIN \r\n",
        b"a AUTHENTICATE\r\n",
    ] {
        assert_eq!(error(bad).tag.unwrap().as_str(), "a");
    }
}

#[test]
fn login_with_atoms_quoted_and_literals() {
    assert_eq!(
        body(b"a LOGIN joe \"pa ss\\\"w\"\r\n"),
        CommandBody::Login {
            username: "joe".into(),
            password: Secret(b"pa ss\"w".to_vec())
        }
    );
    assert_eq!(
        body(b"a LOGIN {3}\r\njoe {4+}\r\np\r\nw\r\n"),
        CommandBody::Login {
            username: "joe".into(),
            password: Secret(b"p\r\nw".to_vec())
        }
    );
    // A password may be any 8-bit text.
    assert_eq!(
        body(b"a LOGIN joe {2}\r\n\xff\xfe\r\n"),
        CommandBody::Login {
            username: "joe".into(),
            password: Secret(b"\xff\xfe".to_vec())
        }
    );
}

#[test]
fn enable() {
    assert_eq!(
        body(b"a ENABLE QRESYNC UTF8=ACCEPT\r\n"),
        CommandBody::Enable(vec!["QRESYNC".into(), "UTF8=ACCEPT".into()])
    );
    error(b"a ENABLE\r\n");
}

#[test]
fn select_and_examine_with_rfc7162_parameters() {
    assert_eq!(
        body(b"a SELECT inbox\r\n"),
        CommandBody::Select {
            mailbox: mailbox("INBOX"),
            params: SelectParams::default()
        }
    );
    assert_eq!(
        body(b"a EXAMINE \"Sent Items\" (CONDSTORE)\r\n"),
        CommandBody::Examine {
            mailbox: mailbox("Sent Items"),
            params: SelectParams {
                condstore: true,
                qresync: None
            }
        }
    );
    assert_eq!(
        body(b"a SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541 (1:3,5 4:6,9)))\r\n"),
        CommandBody::Select {
            mailbox: mailbox("INBOX"),
            params: SelectParams {
                condstore: false,
                qresync: Some(QResync {
                    uidvalidity: nz(67890007),
                    modseq: 90060115194045000,
                    known_uids: Some(set(&[(41, 211), (214, 541)])),
                    seq_match: Some((set(&[(1, 3), (5, 5)]), set(&[(4, 6), (9, 9)]))),
                })
            }
        }
    );
    let CommandBody::Select { params, .. } =
        body(b"a SELECT INBOX (QRESYNC (1 2 (1 2)) CONDSTORE)\r\n")
    else {
        panic!("not a SELECT");
    };
    let q = params.qresync.unwrap();
    assert!(params.condstore);
    assert_eq!(q.known_uids, None);
    assert_eq!(q.seq_match, Some((set(&[(1, 1)]), set(&[(2, 2)]))));
    error(b"a SELECT INBOX (FOO)\r\n");
    error(b"a SELECT INBOX ()\r\n");
    error(b"a SELECT INBOX (QRESYNC (0 1))\r\n");
}

#[test]
fn mailbox_commands() {
    assert_eq!(
        body(b"a CREATE Archive/2024\r\n"),
        CommandBody::Create {
            mailbox: mailbox("Archive/2024"),
            special_use: vec![]
        }
    );
    assert_eq!(
        body(b"a CREATE Sent (USE (\\sent \\X-Custom))\r\n"),
        CommandBody::Create {
            mailbox: mailbox("Sent"),
            special_use: vec!["Sent".into(), "X-Custom".into()]
        }
    );
    assert_eq!(
        body(b"a DELETE foo\r\n"),
        CommandBody::Delete(mailbox("foo"))
    );
    assert_eq!(
        body(b"a RENAME \"a b\" {1}\r\nc\r\n"),
        CommandBody::Rename {
            from: mailbox("a b"),
            to: mailbox("c")
        }
    );
    assert_eq!(
        body(b"a SUBSCRIBE #news.comp\r\n"),
        CommandBody::Subscribe(mailbox("#news.comp"))
    );
    assert_eq!(
        body(b"a UNSUBSCRIBE \"Entw\xc3\xbcrfe\"\r\n"),
        CommandBody::Unsubscribe(mailbox("Entwürfe"))
    );
    assert_eq!(
        body(b"a STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ)\r\n"),
        CommandBody::Status {
            mailbox: mailbox("INBOX"),
            items: vec![
                StatusItem::Messages,
                StatusItem::Recent,
                StatusItem::UidNext,
                StatusItem::UidValidity,
                StatusItem::Unseen,
                StatusItem::Deleted,
                StatusItem::Size,
                StatusItem::HighestModSeq,
            ]
        }
    );
    assert_eq!(
        body(b"a COMPRESS deflate\r\n"),
        CommandBody::Compress("DEFLATE".into())
    );
    error(b"a STATUS INBOX ()\r\n");
    error(b"a STATUS INBOX (BOGUS)\r\n");
    error(b"a RENAME foo\r\n");
}

#[test]
fn list_basic_and_extended() {
    assert_eq!(
        body(b"a LIST \"\" *\r\n"),
        CommandBody::List(List {
            selection: vec![],
            reference: mailbox(""),
            patterns: vec!["*".into()],
            returns: vec![],
        })
    );
    assert_eq!(
        body(b"a LIST ~/Mail/ %\r\n"),
        CommandBody::List(List {
            selection: vec![],
            reference: mailbox("~/Mail/"),
            patterns: vec!["%".into()],
            returns: vec![],
        })
    );
    assert_eq!(
        body(
            b"a LIST (SUBSCRIBED RECURSIVEMATCH remote) \"\" (\"INBOX\" Drafts \"Sent/%\") \
              RETURN (CHILDREN SUBSCRIBED SPECIAL-USE STATUS (MESSAGES UNSEEN) X-FOO)\r\n"
        ),
        CommandBody::List(List {
            selection: vec![
                ListSelect::Subscribed,
                ListSelect::RecursiveMatch,
                ListSelect::Remote
            ],
            reference: mailbox(""),
            patterns: vec!["INBOX".into(), "Drafts".into(), "Sent/%".into()],
            returns: vec![
                ListReturn::Children,
                ListReturn::Subscribed,
                ListReturn::SpecialUse,
                ListReturn::Status(vec![StatusItem::Messages, StatusItem::Unseen]),
                ListReturn::Other("X-FOO".into()),
            ],
        })
    );
    let CommandBody::List(l) = body(b"a LIST () \"\" % RETURN ()\r\n") else {
        panic!("not a LIST");
    };
    assert_eq!((l.selection, l.returns), (vec![], vec![]));
    let CommandBody::List(l) = body(b"a LIST (SPECIAL-USE X-BAR) \"\" *\r\n") else {
        panic!("not a LIST");
    };
    assert_eq!(
        l.selection,
        vec![ListSelect::SpecialUse, ListSelect::Other("X-BAR".into())]
    );
    assert_eq!(
        body(b"a LSUB \"#news.\" \"comp.mail.*\"\r\n"),
        CommandBody::Lsub {
            reference: mailbox("#news."),
            pattern: "comp.mail.*".into()
        }
    );
    // RFC 5258: RECURSIVEMATCH alone is an error.
    error(b"a LIST (RECURSIVEMATCH) \"\" *\r\n");
    error(b"a LIST \"\" * (CHILDREN)\r\n");
    error(b"a LIST \"\" ()\r\n");
}

#[test]
fn append_single_multi_and_literal8() {
    assert_eq!(
        body(b"a APPEND INBOX {5}\r\nhello\r\n"),
        CommandBody::Append {
            mailbox: mailbox("INBOX"),
            messages: vec![AppendMessage {
                flags: vec![],
                date: None,
                data: b"hello".to_vec(),
                encoding: LiteralKind::Text
            }]
        }
    );
    let CommandBody::Append {
        mailbox: mb,
        messages,
    } = body(
        b"a APPEND Drafts (\\Seen \\Draft $Fwd) \"07-Feb-1994 21:52:25 +0100\" {3+}\r\nab\n \
          () ~{3}\r\na\0b \" 1-Jan-2000 00:00:00 -0000\" {0}\r\n\r\n",
    )
    else {
        panic!("not an APPEND");
    };
    assert_eq!(mb, mailbox("Drafts"));
    assert_eq!(messages.len(), 3);
    assert_eq!(
        messages[0].flags,
        vec![Flag::Seen, Flag::Draft, keyword("$Fwd")]
    );
    let date = messages[0].date.unwrap();
    assert_eq!(
        (
            date.date,
            date.hour,
            date.minute,
            date.second,
            date.zone_minutes
        ),
        (
            Date {
                year: 1994,
                month: 2,
                day: 7
            },
            21,
            52,
            25,
            60
        )
    );
    assert_eq!(messages[0].data, b"ab\n");
    assert_eq!(messages[1].flags, vec![]);
    assert_eq!(messages[1].date, None);
    assert_eq!(
        (messages[1].data.as_slice(), messages[1].encoding),
        (&b"a\0b"[..], LiteralKind::Binary)
    );
    assert_eq!(messages[2].date.unwrap().date.day, 1);
    assert_eq!(messages[2].data, b"");
    // The data must be a literal, and NUL needs literal8.
    error(b"a APPEND INBOX \"hello\"\r\n");
    error(b"a APPEND INBOX {3}\r\na\0b\r\n");
    error(b"a APPEND INBOX\r\n");
    error(b"a APPEND INBOX (\\Seen)\r\n");
    error(b"a APPEND INBOX {1}\r\na \r\n");
}

#[test]
fn literal8_is_only_for_append() {
    let e = error(b"a LOGIN ~{3}\r\nabc x\r\n");
    assert_eq!(e.tag.unwrap().as_str(), "a");
}

fn fetch(bytes: &[u8]) -> Fetch {
    match body(bytes) {
        CommandBody::Fetch(f) => f,
        other => panic!("not a FETCH: {other:?}"),
    }
}

fn fetch_items(bytes: &[u8]) -> Vec<FetchItem> {
    match fetch(bytes).attributes {
        FetchAttributes::Items(items) => items,
        other => panic!("not items: {other:?}"),
    }
}

#[test]
fn fetch_macros_and_simple_items() {
    assert_eq!(fetch(b"a FETCH 1 ALL\r\n").attributes, FetchAttributes::All);
    assert_eq!(
        fetch(b"a FETCH 1 fast\r\n").attributes,
        FetchAttributes::Fast
    );
    assert_eq!(
        fetch(b"a FETCH 1 FULL\r\n").attributes,
        FetchAttributes::Full
    );
    assert_eq!(
        fetch_items(
            b"a FETCH 1:* (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE \
              RFC822.TEXT BODY BODYSTRUCTURE UID MODSEQ)\r\n"
        ),
        vec![
            FetchItem::Envelope,
            FetchItem::Flags,
            FetchItem::InternalDate,
            FetchItem::Rfc822,
            FetchItem::Rfc822Header,
            FetchItem::Rfc822Size,
            FetchItem::Rfc822Text,
            FetchItem::Body,
            FetchItem::BodyStructure,
            FetchItem::Uid,
            FetchItem::ModSeq,
        ]
    );
    let f = fetch(b"a fetch 2,4:* flags\r\n");
    assert_eq!(f.mode, UidMode::Seq);
    assert_eq!(f.set, set(&[(2, 2), (4, 0)]));
    assert_eq!(f.attributes, FetchAttributes::Items(vec![FetchItem::Flags]));
    let f = fetch(b"a Uid Fetch $ (UID)\r\n");
    assert_eq!((f.mode, f.set), (UidMode::Uid, SequenceSet::Saved));
    error(b"a FETCH 1 (ALL)\r\n");
    error(b"a FETCH 1 ()\r\n");
    error(b"a FETCH 1 BOGUS\r\n");
}

#[test]
fn fetch_body_sections() {
    let section = |part: &[u32], text: Option<SectionText>| Section {
        part: part.iter().map(|&n| nz(n)).collect(),
        text,
    };
    assert_eq!(
        fetch_items(
            b"a FETCH 1 (BODY[] BODY.PEEK[HEADER] BODY[TEXT]<0.2048> BODY[1.2.3] \
              BODY[2.MIME] BODY[3.HEADER] BODY.PEEK[4.TEXT] \
              BODY[HEADER.FIELDS (From \"To\" {2}\r\nCc)] BODY.PEEK[1.HEADER.FIELDS.NOT (X-A)]<10.1>)\r\n"
        ),
        vec![
            FetchItem::BodySection {
                peek: false,
                section: section(&[], None),
                partial: None
            },
            FetchItem::BodySection {
                peek: true,
                section: section(&[], Some(SectionText::Header)),
                partial: None
            },
            FetchItem::BodySection {
                peek: false,
                section: section(&[], Some(SectionText::Text)),
                partial: Some(Partial {
                    offset: 0,
                    length: nz(2048)
                })
            },
            FetchItem::BodySection {
                peek: false,
                section: section(&[1, 2, 3], None),
                partial: None
            },
            FetchItem::BodySection {
                peek: false,
                section: section(&[2], Some(SectionText::Mime)),
                partial: None
            },
            FetchItem::BodySection {
                peek: false,
                section: section(&[3], Some(SectionText::Header)),
                partial: None
            },
            FetchItem::BodySection {
                peek: true,
                section: section(&[4], Some(SectionText::Text)),
                partial: None
            },
            FetchItem::BodySection {
                peek: false,
                section: section(
                    &[],
                    Some(SectionText::HeaderFields(vec![
                        "From".into(),
                        "To".into(),
                        "Cc".into()
                    ]))
                ),
                partial: None
            },
            FetchItem::BodySection {
                peek: true,
                section: section(
                    &[1],
                    Some(SectionText::HeaderFieldsNot(vec!["X-A".into()]))
                ),
                partial: Some(Partial {
                    offset: 10,
                    length: nz(1)
                })
            },
        ]
    );
    // MIME only after a part; no empty header lists; partial needs a length.
    for bad in [
        &b"a FETCH 1 BODY[MIME]\r\n"[..],
        b"a FETCH 1 BODY[HEADER.FIELDS ()]\r\n",
        b"a FETCH 1 BODY[HEADER.FIELDS]\r\n",
        b"a FETCH 1 BODY[]<0>\r\n",
        b"a FETCH 1 BODY[]<0.0>\r\n",
        b"a FETCH 1 BODY[0]\r\n",
        b"a FETCH 1 BODY[1.]\r\n",
        b"a FETCH 1 BODY.PEEK\r\n",
        b"a FETCH 1 BODY[TEXT\r\n",
        b"a FETCH 1 BODY<0.1>\r\n",
    ] {
        assert_eq!(error(bad).tag.unwrap().as_str(), "a");
    }
}

#[test]
fn fetch_binary() {
    assert_eq!(
        fetch_items(
            b"a FETCH 1 (BINARY[] BINARY.PEEK[1.2]<0.10> BINARY.SIZE[3] BINARY.SIZE[])\r\n"
        ),
        vec![
            FetchItem::Binary {
                peek: false,
                part: vec![],
                partial: None
            },
            FetchItem::Binary {
                peek: true,
                part: vec![nz(1), nz(2)],
                partial: Some(Partial {
                    offset: 0,
                    length: nz(10)
                })
            },
            FetchItem::BinarySize { part: vec![nz(3)] },
            FetchItem::BinarySize { part: vec![] },
        ]
    );
    error(b"a FETCH 1 BINARY[TEXT]\r\n");
    error(b"a FETCH 1 BINARY.SIZE[1]<0.1>\r\n");
}

#[test]
fn fetch_modifiers() {
    let f = fetch(b"a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
    assert_eq!((f.changed_since, f.vanished), (Some(12345), true));
    let f = fetch(b"a FETCH 1:* FLAGS (changedsince 7)\r\n");
    assert_eq!((f.changed_since, f.vanished), (Some(7), false));
    // VANISHED needs UID FETCH and CHANGEDSINCE.
    error(b"a FETCH 1:* FLAGS (CHANGEDSINCE 7 VANISHED)\r\n");
    error(b"a UID FETCH 1:* FLAGS (VANISHED)\r\n");
    error(b"a UID FETCH 1:* FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)\r\n");
    error(b"a UID FETCH 1:* FLAGS ()\r\n");
}

fn store(bytes: &[u8]) -> Store {
    match body(bytes) {
        CommandBody::Store(s) => s,
        other => panic!("not a STORE: {other:?}"),
    }
}

#[test]
fn store_forms() {
    assert_eq!(
        store(b"a STORE 2:4 +FLAGS (\\Deleted)\r\n"),
        Store {
            mode: UidMode::Seq,
            set: set(&[(2, 4)]),
            unchanged_since: None,
            action: StoreAction::Add,
            response: StoreResponse::Answer,
            flags: vec![Flag::Deleted]
        }
    );
    assert_eq!(
        store(b"a UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) -flags.silent \\Seen $Junk\r\n"),
        Store {
            mode: UidMode::Uid,
            set: set(&[(6, 6), (4, 4), (8, 8)]),
            unchanged_since: Some(12121230045),
            action: StoreAction::Remove,
            response: StoreResponse::Silent,
            flags: vec![Flag::Seen, keyword("$Junk")]
        }
    );
    let s = store(b"a STORE 1 FLAGS ()\r\n");
    assert_eq!((s.action, s.flags), (StoreAction::Replace, vec![]));
    let s = store(b"a STORE 1 FLAGS (\\Answered \\Flagged \\Recent \\X)\r\n");
    assert_eq!(
        s.flags,
        vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Recent,
            Flag::Extension("X".into())
        ]
    );
    for bad in [
        &b"a STORE 1 FLAGS\r\n"[..],
        b"a STORE 1 *FLAGS (\\Seen)\r\n",
        b"a STORE 1 FLAGS.LOUD (\\Seen)\r\n",
        b"a STORE 1 FLAGS (\\*)\r\n",
        b"a STORE 1 (UNCHANGEDSINCE) FLAGS ()\r\n",
        b"a STORE 1 FLAGS \\Seen \r\n",
    ] {
        assert_eq!(error(bad).tag.unwrap().as_str(), "a");
    }
}

#[test]
fn copy_move_and_uid_expunge() {
    assert_eq!(
        body(b"a COPY 2:4 MEETING\r\n"),
        CommandBody::Copy {
            mode: UidMode::Seq,
            set: set(&[(2, 4)]),
            mailbox: mailbox("MEETING")
        }
    );
    assert_eq!(
        body(b"a UID MOVE 42:69 \"foo bar\"\r\n"),
        CommandBody::Move {
            mode: UidMode::Uid,
            set: set(&[(42, 69)]),
            mailbox: mailbox("foo bar")
        }
    );
    assert_eq!(
        body(b"a MOVE $ Trash\r\n"),
        CommandBody::Move {
            mode: UidMode::Seq,
            set: SequenceSet::Saved,
            mailbox: mailbox("Trash")
        }
    );
    assert_eq!(
        body(b"a UID EXPUNGE 3000:3002\r\n"),
        CommandBody::UidExpunge(set(&[(3000, 3002)]))
    );
    error(b"a UID APPEND INBOX {1}\r\nx\r\n");
    error(b"a UID NOOP\r\n");
}

fn search(bytes: &[u8]) -> Search {
    match body(bytes) {
        CommandBody::Search(s) => s,
        other => panic!("not a SEARCH: {other:?}"),
    }
}

fn date(year: u16, month: u8, day: u8) -> Date {
    Date { year, month, day }
}

#[test]
fn search_every_key() {
    use SearchKey as K;
    let s = search(
        b"a SEARCH ALL ANSWERED BCC b BEFORE 1-Feb-1994 BODY \"x y\" CC c DELETED DRAFT \
          FLAGGED FROM {3}\r\nf\xc3\xa9 HEADER Message-ID <x@y> KEYWORD $Junk LARGER 5 NEW \
          NOT SEEN OLD ON \"02-Mar-2000\" OR TO t SUBJECT s RECENT SEEN SENTBEFORE 3-Apr-2001 \
          SENTON 4-May-2002 SENTSINCE 5-Jun-2003 SINCE 6-jul-2004 SMALLER 99999999999 TEXT t \
          UID 1:5 UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD $x UNSEEN 1,2:* $ \
          (FLAGGED NOT DRAFT) MODSEQ 0 MODSEQ \"/flags/\\\\draft\" all 620162338 \
          OLDER 3600 YOUNGER 60\r\n",
    );
    assert_eq!((s.mode, s.returns, s.charset), (UidMode::Seq, None, None));
    assert_eq!(
        s.criteria,
        vec![
            K::All,
            K::Answered,
            K::Bcc("b".into()),
            K::Before(date(1994, 2, 1)),
            K::Body("x y".into()),
            K::Cc("c".into()),
            K::Deleted,
            K::Draft,
            K::Flagged,
            K::From("fé".into()),
            K::Header("Message-ID".into(), "<x@y>".into()),
            K::Keyword("$Junk".into()),
            K::Larger(5),
            K::New,
            K::Not(Box::new(K::Seen)),
            K::Old,
            K::On(date(2000, 3, 2)),
            K::Or(
                Box::new(K::To("t".into())),
                Box::new(K::Subject("s".into()))
            ),
            K::Recent,
            K::Seen,
            K::SentBefore(date(2001, 4, 3)),
            K::SentOn(date(2002, 5, 4)),
            K::SentSince(date(2003, 6, 5)),
            K::Since(date(2004, 7, 6)),
            K::Smaller(u32::MAX),
            K::Text("t".into()),
            K::Uid(set(&[(1, 5)])),
            K::Unanswered,
            K::Undeleted,
            K::Undraft,
            K::Unflagged,
            K::Unkeyword("$x".into()),
            K::Unseen,
            K::SequenceSet(set(&[(1, 1), (2, 0)])),
            K::SequenceSet(SequenceSet::Saved),
            K::And(vec![K::Flagged, K::Not(Box::new(K::Draft))]),
            K::ModSeq {
                entry: None,
                modseq: 0
            },
            K::ModSeq {
                entry: Some(("/flags/\\draft".into(), EntryType::All)),
                modseq: 620162338
            },
            K::Older(3600),
            K::Younger(60),
        ]
    );
}

#[test]
fn search_return_and_charset() {
    let s = search(b"a UID SEARCH RETURN (MIN MAX ALL COUNT SAVE) CHARSET UTF-8 UNSEEN\r\n");
    assert_eq!(s.mode, UidMode::Uid);
    assert_eq!(
        s.returns,
        Some(vec![
            SearchReturn::Min,
            SearchReturn::Max,
            SearchReturn::All,
            SearchReturn::Count,
            SearchReturn::Save
        ])
    );
    assert_eq!(s.charset.as_deref(), Some("UTF-8"));
    assert_eq!(s.criteria, vec![SearchKey::Unseen]);
    let s = search(b"a SEARCH RETURN () charset \"us-ascii\" ALL\r\n");
    assert_eq!(s.returns, Some(vec![]));
    assert_eq!(s.charset.as_deref(), Some("us-ascii"));
    for bad in [
        &b"a SEARCH\r\n"[..],
        b"a SEARCH RETURN (BOGUS) ALL\r\n",
        b"a SEARCH RETURN (MIN)\r\n",
        b"a SEARCH CHARSET UTF-8\r\n",
        b"a SEARCH ()\r\n",
        b"a SEARCH ( ALL)\r\n",
        b"a SEARCH ALL \r\n",
        b"a SEARCH OR ALL\r\n",
        b"a SEARCH BOGUS\r\n",
        b"a SEARCH OLDER 0\r\n",
        b"a SEARCH MODSEQ \"/x\" all 1\r\n",
        b"a SEARCH MODSEQ \"/flags/\\\\seen\" mine 1\r\n",
        b"a SEARCH SUBJECT \"\xff\"\r\n",
    ] {
        assert_eq!(
            error(bad).tag.unwrap().as_str(),
            "a",
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn sort_and_thread() {
    assert_eq!(
        body(b"a UID SORT RETURN (MIN COUNT) (REVERSE DATE subject DISPLAYFROM) UTF-8 SINCE 1-Feb-1994 ALL\r\n"),
        CommandBody::Sort(Sort {
            mode: UidMode::Uid,
            returns: Some(vec![SearchReturn::Min, SearchReturn::Count]),
            criteria: vec![
                SortCriterion {
                    reverse: true,
                    key: SortKey::Date
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::Subject
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::DisplayFrom
                },
            ],
            charset: "UTF-8".into(),
            search: vec![SearchKey::Since(date(1994, 2, 1)), SearchKey::All],
        })
    );
    let CommandBody::Sort(s) = body(b"a SORT (ARRIVAL CC FROM SIZE TO DISPLAYTO) US-ASCII ALL\r\n")
    else {
        panic!("not a SORT");
    };
    assert_eq!(s.returns, None);
    assert_eq!(s.criteria.len(), 6);
    assert_eq!(
        body(b"a THREAD references UTF-8 SINCE 5-MAR-2000\r\n"),
        CommandBody::Thread(Thread {
            mode: UidMode::Seq,
            algorithm: "REFERENCES".into(),
            charset: "UTF-8".into(),
            search: vec![SearchKey::Since(date(2000, 3, 5))],
        })
    );
    let CommandBody::Thread(t) = body(b"a UID THREAD ORDEREDSUBJECT UTF-8 ALL\r\n") else {
        panic!("not a THREAD");
    };
    assert_eq!(t.mode, UidMode::Uid);
    error(b"a SORT () UTF-8 ALL\r\n");
    error(b"a SORT (REVERSE) UTF-8 ALL\r\n");
    error(b"a SORT (DATE) UTF-8\r\n");
    error(b"a THREAD REFERENCES ALL\r\n");
}

#[test]
fn names_round_trip_through_command_body_name() {
    let cases: [(&[u8], &str); 6] = [
        (b"a UID FETCH 1 UID\r\n", "UID FETCH"),
        (b"a uid search all\r\n", "UID SEARCH"),
        (b"a UID STORE 1 FLAGS ()\r\n", "UID STORE"),
        (b"a UID COPY 1 x\r\n", "UID COPY"),
        (b"a UID EXPUNGE 1\r\n", "UID EXPUNGE"),
        (b"a uid thread refs utf-8 all\r\n", "UID THREAD"),
    ];
    for (bytes, name) in cases {
        assert_eq!(body(bytes).name(), name);
    }
}
