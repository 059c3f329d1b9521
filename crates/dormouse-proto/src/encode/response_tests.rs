//! Byte-exact checks of encoded responses against the examples in RFC 3501,
//! RFC 9051 and the extension RFCs. Where the RFC quotes a name that is a
//! valid atom, the expected bytes here use the atom, which the grammar
//! (`astring`) equally allows; each such case says so.

use std::num::NonZeroU32;

use super::{EncodeOptions, Utf8Mode, encode_response};
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

fn tag(s: &str) -> Tag {
    Tag::new(s).unwrap_or_else(|| panic!("bad test tag {s}"))
}

fn encoded_with(resp: &Response, utf8: Utf8Mode) -> String {
    let mut out = Vec::new();
    encode_response(resp, EncodeOptions { utf8 }, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| panic!("not UTF-8: {e}"))
}

/// Encodes and checks the CRLF framing, returning the line without it.
fn line(resp: Response) -> String {
    let s = encoded_with(&resp, Utf8Mode::Ascii);
    let Some(body) = s.strip_suffix("\r\n") else {
        panic!("no CRLF at the end of {s:?}");
    };
    body.to_owned()
}

fn data(d: Data) -> String {
    line(Response::Data(d))
}

fn tagged(t: &str, kind: StatusKind, code: Option<Code>, text: &str) -> String {
    line(Response::Status(StatusResponse::tagged(
        tag(t),
        kind,
        code,
        text,
    )))
}

fn untagged(kind: StatusKind, code: Option<Code>, text: &str) -> String {
    line(Response::Status(StatusResponse::untagged(kind, code, text)))
}

#[test]
fn status_responses() {
    assert_eq!(
        tagged("a001", StatusKind::Ok, None, "LOGIN completed"),
        "a001 OK LOGIN completed"
    );
    assert_eq!(
        untagged(StatusKind::Bye, None, "IMAP4rev1 Server logging out"),
        "* BYE IMAP4rev1 Server logging out"
    );
    assert_eq!(
        tagged(
            "A142",
            StatusKind::Ok,
            Some(Code::ReadWrite),
            "SELECT completed"
        ),
        "A142 OK [READ-WRITE] SELECT completed"
    );
    assert_eq!(
        untagged(
            StatusKind::PreAuth,
            None,
            "IMAP4rev2 server logged in as Smith"
        ),
        "* PREAUTH IMAP4rev2 server logged in as Smith"
    );
    assert_eq!(
        tagged(
            "a1",
            StatusKind::No,
            Some(Code::NonExistent),
            "Unknown mailbox"
        ),
        "a1 NO [NONEXISTENT] Unknown mailbox"
    );
}

#[test]
fn status_text_is_one_line_and_never_empty() {
    assert_eq!(
        tagged("a", StatusKind::Bad, None, "line\r\nA2 OK injected"),
        "a BAD line  A2 OK injected"
    );
    assert_eq!(tagged("a", StatusKind::Ok, None, ""), "a OK completed");
    assert_eq!(
        untagged(StatusKind::Ok, Some(Code::Alert), ""),
        "* OK [ALERT] completed"
    );
    assert_eq!(tagged("a", StatusKind::No, None, "caf\u{e9}"), "a NO caf?");
    let utf8 = Response::Status(StatusResponse::tagged(
        tag("a"),
        StatusKind::No,
        None,
        "caf\u{e9}",
    ));
    assert_eq!(encoded_with(&utf8, Utf8Mode::Accept), "a NO caf\u{e9}\r\n");
}

#[test]
fn codes_from_the_rfcs() {
    let ok = |code| untagged(StatusKind::Ok, Some(code), "x");
    assert_eq!(ok(Code::Unseen(nz(12))), "* OK [UNSEEN 12] x");
    assert_eq!(
        ok(Code::UidValidity(nz(3857529045))),
        "* OK [UIDVALIDITY 3857529045] x"
    );
    assert_eq!(ok(Code::UidNext(nz(4392))), "* OK [UIDNEXT 4392] x");
    assert_eq!(
        ok(Code::PermanentFlags {
            flags: vec![Flag::Deleted, Flag::Seen],
            new_keywords: true
        }),
        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] x"
    );
    assert_eq!(
        ok(Code::PermanentFlags {
            flags: vec![],
            new_keywords: false
        }),
        "* OK [PERMANENTFLAGS ()] x"
    );
    assert_eq!(
        ok(Code::PermanentFlags {
            flags: vec![],
            new_keywords: true
        }),
        "* OK [PERMANENTFLAGS (\\*)] x"
    );
    // RFC 4315 examples.
    assert_eq!(
        tagged(
            "A003",
            StatusKind::Ok,
            Some(Code::AppendUid {
                uidvalidity: nz(38505),
                uids: set(&[(3955, 3955)])
            }),
            "APPEND completed"
        ),
        "A003 OK [APPENDUID 38505 3955] APPEND completed"
    );
    assert_eq!(
        tagged(
            "A004",
            StatusKind::Ok,
            Some(Code::CopyUid {
                uidvalidity: nz(38505),
                source: set(&[(304, 304), (319, 320)]),
                destination: set(&[(3956, 3958)])
            }),
            "Done"
        ),
        "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done"
    );
    // RFC 7162 examples.
    assert_eq!(
        ok(Code::HighestModSeq(715194045007)),
        "* OK [HIGHESTMODSEQ 715194045007] x"
    );
    assert_eq!(
        tagged(
            "d105",
            StatusKind::Ok,
            Some(Code::Modified(set(&[(7, 7), (9, 9)]))),
            "Conditional STORE failed"
        ),
        "d105 OK [MODIFIED 7,9] Conditional STORE failed"
    );
    assert_eq!(ok(Code::NoModSeq), "* OK [NOMODSEQ] x");
    assert_eq!(ok(Code::Closed), "* OK [CLOSED] x");
    assert_eq!(
        ok(Code::BadCharset(vec!["UTF-8".into(), "US-ASCII".into()])),
        "* OK [BADCHARSET (UTF-8 US-ASCII)] x"
    );
    assert_eq!(ok(Code::BadCharset(vec![])), "* OK [BADCHARSET] x");
    assert_eq!(
        ok(Code::Capability(vec!["IMAP4rev1".into(), "IDLE".into()])),
        "* OK [CAPABILITY IMAP4rev1 IDLE] x"
    );
    assert_eq!(
        ok(Code::Other("X-FOO".into(), Some("a]b\r\nc".into()))),
        "* OK [X-FOO abc] x"
    );
    assert_eq!(ok(Code::Other("X-BAR".into(), None)), "* OK [X-BAR] x");
}

#[test]
fn every_simple_code_has_its_rfc_name() {
    let names = [
        (Code::Alert, "ALERT"),
        (Code::Parse, "PARSE"),
        (Code::ReadOnly, "READ-ONLY"),
        (Code::TryCreate, "TRYCREATE"),
        (Code::UidNotSticky, "UIDNOTSTICKY"),
        (Code::Unavailable, "UNAVAILABLE"),
        (Code::AuthenticationFailed, "AUTHENTICATIONFAILED"),
        (Code::AuthorizationFailed, "AUTHORIZATIONFAILED"),
        (Code::Expired, "EXPIRED"),
        (Code::PrivacyRequired, "PRIVACYREQUIRED"),
        (Code::ContactAdmin, "CONTACTADMIN"),
        (Code::NoPerm, "NOPERM"),
        (Code::InUse, "INUSE"),
        (Code::ExpungeIssued, "EXPUNGEISSUED"),
        (Code::Corruption, "CORRUPTION"),
        (Code::ServerBug, "SERVERBUG"),
        (Code::ClientBug, "CLIENTBUG"),
        (Code::Cannot, "CANNOT"),
        (Code::Limit, "LIMIT"),
        (Code::OverQuota, "OVERQUOTA"),
        (Code::AlreadyExists, "ALREADYEXISTS"),
        (Code::TooBig, "TOOBIG"),
        (Code::HasChildren, "HASCHILDREN"),
        (Code::UnknownCte, "UNKNOWN-CTE"),
    ];
    for (code, name) in names {
        assert_eq!(
            tagged("t", StatusKind::No, Some(code), "text"),
            format!("t NO [{name}] text")
        );
    }
}

#[test]
fn continuation_requests() {
    assert_eq!(
        line(Response::Continue(Continue::Text(
            "Ready for additional command text".into()
        ))),
        "+ Ready for additional command text"
    );
    assert_eq!(
        line(Response::Continue(Continue::Text(String::new()))),
        "+ ready"
    );
    // RFC 4616-style challenge bytes; the empty challenge is "+ ".
    assert_eq!(
        line(Response::Continue(Continue::Base64(
            b"\0user\0pass".to_vec()
        ))),
        "+ AHVzZXIAcGFzcw=="
    );
    assert_eq!(
        line(Response::Continue(Continue::Base64(b"ab".to_vec()))),
        "+ YWI="
    );
    assert_eq!(line(Response::Continue(Continue::Base64(vec![]))), "+ ");
}

#[test]
fn capability_enabled_id() {
    assert_eq!(
        data(Data::Capability(
            ["IMAP4rev2", "STARTTLS", "AUTH=GSSAPI", "XPIG-LATIN"]
                .map(String::from)
                .to_vec()
        )),
        "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI XPIG-LATIN"
    );
    // RFC 5161.
    assert_eq!(
        data(Data::Enabled(vec!["X-GOOD-IDEA".into()])),
        "* ENABLED X-GOOD-IDEA"
    );
    assert_eq!(data(Data::Enabled(vec![])), "* ENABLED");
    // RFC 2971 §3.3.
    let params = [
        ("name", "Cyrus"),
        ("version", "1.5"),
        ("os", "sunos"),
        ("os-version", "5.5"),
        ("support-url", "mailto:cyrus-bugs+@andrew.cmu.edu"),
    ]
    .map(|(k, v)| (k.to_owned(), Some(v.to_owned())))
    .to_vec();
    assert_eq!(
        data(Data::Id(Some(params))),
        "* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \
         \"5.5\" \"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")"
    );
    assert_eq!(data(Data::Id(None)), "* ID NIL");
    assert_eq!(
        data(Data::Id(Some(vec![("vendor".into(), None)]))),
        "* ID (\"vendor\" NIL)"
    );
}

#[test]
fn namespace_rfc2342_examples() {
    let ns = |prefix: &str, delimiter: Option<char>| NamespaceDesc {
        prefix: prefix.into(),
        delimiter,
    };
    assert_eq!(
        data(Data::Namespace {
            personal: vec![ns("", Some('/'))],
            other: vec![],
            shared: vec![]
        }),
        "* NAMESPACE ((\"\" \"/\")) NIL NIL"
    );
    assert_eq!(
        data(Data::Namespace {
            personal: vec![ns("", Some('/'))],
            other: vec![ns("~", Some('/'))],
            shared: vec![
                ns("#shared/", Some('/')),
                ns("#public/", Some('/')),
                ns("#ftp/", Some('/')),
                ns("#news.", Some('.'))
            ]
        }),
        "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")\
         (\"#ftp/\" \"/\")(\"#news.\" \".\"))"
    );
    assert_eq!(
        data(Data::Namespace {
            personal: vec![ns("INBOX.", Some('\\')), ns("flat", None)],
            other: vec![],
            shared: vec![]
        }),
        "* NAMESPACE ((\"INBOX.\" \"\\\\\")(\"flat\" NIL)) NIL NIL"
    );
}

#[test]
fn message_counts_and_flags() {
    assert_eq!(data(Data::Exists(23)), "* 23 EXISTS");
    assert_eq!(data(Data::Exists(0)), "* 0 EXISTS");
    assert_eq!(data(Data::Recent(5)), "* 5 RECENT");
    assert_eq!(data(Data::Expunge(nz(44))), "* 44 EXPUNGE");
    assert_eq!(
        data(Data::Flags(vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft
        ])),
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)"
    );
}

fn list(attrs: &[&str], delimiter: Option<char>, mailbox: &str) -> ListData {
    ListData {
        attributes: attrs.iter().map(|a| (*a).to_owned()).collect(),
        delimiter,
        mailbox: mailbox.into(),
        extended: vec![],
    }
}

#[test]
fn list_and_lsub() {
    // RFC 3501 §6.3.8 examples.
    assert_eq!(
        data(Data::List(list(&["Noselect"], Some('/'), ""))),
        "* LIST (\\Noselect) \"/\" \"\""
    );
    assert_eq!(
        data(Data::List(list(&["Noselect"], Some('.'), "#news."))),
        "* LIST (\\Noselect) \".\" #news."
    );
    assert_eq!(
        data(Data::List(list(&["Noselect"], Some('/'), "~/Mail/foo"))),
        "* LIST (\\Noselect) \"/\" ~/Mail/foo"
    );
    assert_eq!(
        data(Data::List(list(&[], Some('/'), "blurdybloop"))),
        "* LIST () \"/\" blurdybloop"
    );
    assert_eq!(
        data(Data::Lsub(list(&[], Some('.'), "#news.comp.mail.misc"))),
        "* LSUB () \".\" #news.comp.mail.misc"
    );
    assert_eq!(
        data(Data::List(list(
            &["HasNoChildren", "Sent"],
            None,
            "Sent Items"
        ))),
        "* LIST (\\HasNoChildren \\Sent) NIL \"Sent Items\""
    );
    // Wildcards are not ATOM-CHARs, so such a name must be quoted.
    assert_eq!(
        data(Data::List(list(&[], Some('/'), "50% off*"))),
        "* LIST () \"/\" \"50% off*\""
    );
    assert_eq!(
        data(Data::List(list(&[], Some('/'), "台北"))),
        "* LIST () \"/\" {6}\r\n台北"
    );
}

#[test]
fn list_extended_items() {
    // RFC 5258 §5 quotes "Foo"; the atom form is equally valid.
    let mut foo = list(&[], Some('/'), "Foo");
    foo.extended = vec![ListExtended::ChildInfo(vec![ListReturn::Subscribed])];
    assert_eq!(
        data(Data::List(foo)),
        "* LIST () \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))"
    );
    // RFC 9051 §6.3.9.7, with a name that needs quoting.
    let mut renamed = list(&[], Some('/'), "New Mailbox");
    renamed.extended = vec![ListExtended::OldName("Old Mailbox".into())];
    assert_eq!(
        data(Data::List(renamed)),
        "* LIST () \"/\" \"New Mailbox\" (\"OLDNAME\" (\"Old Mailbox\"))"
    );
    let mut both = list(&["NonExistent"], Some('.'), "a");
    both.extended = vec![
        ListExtended::ChildInfo(vec![ListReturn::Subscribed]),
        ListExtended::OldName("b".into()),
    ];
    assert_eq!(
        data(Data::List(both)),
        "* LIST (\\NonExistent) \".\" a (\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" (b))"
    );
}

#[test]
fn status_data() {
    assert_eq!(
        data(Data::Status {
            mailbox: "blurdybloop".into(),
            items: vec![(StatusItem::Messages, 231), (StatusItem::UidNext, 44292)]
        }),
        "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)"
    );
    assert_eq!(
        data(Data::Status {
            mailbox: "INBOX".into(),
            items: vec![
                (StatusItem::HighestModSeq, 7011231777),
                (StatusItem::Size, 0),
                (StatusItem::Deleted, 3),
                (StatusItem::Unseen, 1),
                (StatusItem::UidValidity, 9),
                (StatusItem::Recent, 2)
            ]
        }),
        "* STATUS INBOX (HIGHESTMODSEQ 7011231777 SIZE 0 DELETED 3 UNSEEN 1 UIDVALIDITY 9 RECENT 2)"
    );
    assert_eq!(
        data(Data::Status {
            mailbox: "a b".into(),
            items: vec![]
        }),
        "* STATUS \"a b\" ()"
    );
}

#[test]
fn search_and_sort() {
    assert_eq!(
        data(Data::Search {
            ids: vec![nz(2), nz(84), nz(882)],
            modseq: None
        }),
        "* SEARCH 2 84 882"
    );
    assert_eq!(
        data(Data::Search {
            ids: vec![],
            modseq: Some(5)
        }),
        "* SEARCH"
    );
    // RFC 7162 §3.1.5.
    assert_eq!(
        data(Data::Search {
            ids: [2, 5, 6, 7, 11, 12, 18, 19, 20, 23].map(nz).to_vec(),
            modseq: Some(917162500)
        }),
        "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)"
    );
    // RFC 5256.
    assert_eq!(
        data(Data::Sort {
            ids: [2, 84, 882].map(nz).to_vec(),
            modseq: None
        }),
        "* SORT 2 84 882"
    );
}

fn esearch(tag_: &str, requested: &[SearchReturn]) -> ESearch {
    ESearch {
        tag: Some(tag(tag_)),
        uid: false,
        min: None,
        max: None,
        all: None,
        count: None,
        modseq: None,
        requested: requested.to_vec(),
    }
}

#[test]
fn esearch_rfc9051_examples() {
    let mut e = esearch("A282", &[SearchReturn::Min, SearchReturn::Count]);
    e.min = Some(nz(2));
    e.count = Some(3);
    // Computed but not asked for: must not appear.
    e.max = Some(nz(9));
    assert_eq!(
        data(Data::ESearch(e)),
        "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3"
    );

    let mut e = esearch("A283", &[SearchReturn::All]);
    e.all = Some(set(&[(2, 2), (10, 11)]));
    assert_eq!(
        data(Data::ESearch(e)),
        "* ESEARCH (TAG \"A283\") ALL 2,10:11"
    );

    let mut e = esearch("A285", &[SearchReturn::Min, SearchReturn::Max]);
    e.uid = true;
    e.min = Some(nz(7));
    e.max = Some(nz(3800));
    assert_eq!(
        data(Data::ESearch(e)),
        "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800"
    );

    // Nothing matched: MIN/MAX/ALL are left out, COUNT 0 stays.
    let mut e = esearch("A284", &[SearchReturn::Min, SearchReturn::Count]);
    e.count = Some(0);
    assert_eq!(data(Data::ESearch(e)), "* ESEARCH (TAG \"A284\") COUNT 0");

    // RETURN () means ALL.
    let mut e = esearch("A1", &[]);
    e.all = Some(set(&[(1, 3), (5, 5)]));
    e.modseq = Some(1236);
    assert_eq!(
        data(Data::ESearch(e)),
        "* ESEARCH (TAG \"A1\") ALL 1:3,5 MODSEQ 1236"
    );

    let mut e = esearch("x", &[]);
    e.tag = None;
    assert_eq!(data(Data::ESearch(e)), "* ESEARCH");
}

#[test]
fn thread_rfc5256_examples() {
    use ThreadNode::{Dummy, Message};
    let leaf = |n| Message(nz(n), vec![]);
    let chain = |ns: &[u32]| {
        ns.iter()
            .rev()
            .fold(None, |child: Option<ThreadNode>, &n| {
                Some(Message(nz(n), child.into_iter().collect()))
            })
            .unwrap_or_else(|| leaf(1))
    };
    // (2)(3 6 (4 23)(44 7 96))
    let threads = vec![
        leaf(2),
        Message(
            nz(3),
            vec![Message(nz(6), vec![chain(&[4, 23]), chain(&[44, 7, 96])])],
        ),
    ];
    assert_eq!(
        data(Data::Thread(threads)),
        "* THREAD (2)(3 6 (4 23)(44 7 96))"
    );
    // A dummy parent of two threads: ((3)(5)).
    assert_eq!(
        data(Data::Thread(vec![Dummy(vec![leaf(3), leaf(5)])])),
        "* THREAD ((3)(5))"
    );
    // A dummy with one child is just that child; under a message, a dummy's
    // children become the message's.
    assert_eq!(
        data(Data::Thread(vec![
            Dummy(vec![leaf(8)]),
            Message(nz(1), vec![Dummy(vec![leaf(2), leaf(3)])])
        ])),
        "* THREAD (8)(1 (2)(3))"
    );
    assert_eq!(data(Data::Thread(vec![])), "* THREAD");
}

#[test]
fn vanished() {
    assert_eq!(
        data(Data::Vanished {
            earlier: true,
            uids: set(&[(41, 41), (43, 116), (118, 118), (120, 211), (214, 540)])
        }),
        "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540"
    );
    assert_eq!(
        data(Data::Vanished {
            earlier: false,
            uids: set(&[(405, 405), (407, 407), (410, 410), (425, 425)])
        }),
        "* VANISHED 405,407,410,425"
    );
}
