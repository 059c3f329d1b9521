//! The client commands of the RFC examples (RFC 3501 §6, RFC 9051 §6 and
//! the extension RFCs) parse, to the command the example names, and come
//! back unchanged through the client-side encoder.

use dormouse_proto::encode::{ClientLiterals, encode_command};
use dormouse_proto::parse::{Decoded, parse_command};
use dormouse_proto::{CommandBody, SearchKey};

use crate::support::{body, bytewise, drive_default};

/// (the command as the RFC shows it, without CRLF; its name).
const EXAMPLES: &[(&str, &str)] = &[
    // RFC 3501 / RFC 9051 §6.1–6.2
    ("abcd CAPABILITY", "CAPABILITY"),
    ("a002 NOOP", "NOOP"),
    ("a047 NOOP", "NOOP"),
    ("A023 LOGOUT", "LOGOUT"),
    ("a001 STARTTLS", "STARTTLS"),
    ("A001 AUTHENTICATE GSSAPI", "AUTHENTICATE"),
    ("a001 LOGIN SMITH SESAME", "LOGIN"),
    ("A001 AUTHENTICATE PLAIN AGJvYgBtdW5jaA==", "AUTHENTICATE"),
    // §6.3
    ("A142 SELECT INBOX", "SELECT"),
    ("A932 EXAMINE blurdybloop", "EXAMINE"),
    ("A003 CREATE owatagusiam/", "CREATE"),
    ("A004 CREATE owatagusiam/blurdybloop", "CREATE"),
    ("A682 LIST \"\" *", "LIST"),
    ("A683 DELETE blurdybloop", "DELETE"),
    ("A684 DELETE foo", "DELETE"),
    ("A685 DELETE foo/bar", "DELETE"),
    ("A683 RENAME blurdybloop sarasoop", "RENAME"),
    ("A684 RENAME foo zowie", "RENAME"),
    ("A002 SUBSCRIBE #news.comp.mail.mime", "SUBSCRIBE"),
    ("A002 UNSUBSCRIBE #news.comp.mail.mime", "UNSUBSCRIBE"),
    ("A101 LIST \"\" \"\"", "LIST"),
    ("A102 LIST #news.comp.mail.misc \"\"", "LIST"),
    ("A103 LIST /usr/staff/jones \"\"", "LIST"),
    ("A202 LIST ~/Mail/ %", "LIST"),
    ("A002 LSUB \"#news.\" \"comp.mail.*\"", "LSUB"),
    ("A003 LSUB \"#news.\" \"comp.%\"", "LSUB"),
    ("A042 STATUS blurdybloop (UIDNEXT MESSAGES)", "STATUS"),
    ("A042 STATUS blurdybloop (MESSAGES SIZE DELETED)", "STATUS"),
    ("A001 NAMESPACE", "NAMESPACE"),
    ("t1 ENABLE CONDSTORE X-GOOD-IDEA", "ENABLE"),
    ("a002 IDLE", "IDLE"),
    // §6.4
    ("FXXZ CHECK", "CHECK"),
    ("A341 CLOSE", "CLOSE"),
    ("A342 UNSELECT", "UNSELECT"),
    ("A202 EXPUNGE", "EXPUNGE"),
    (
        "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
        "SEARCH",
    ),
    ("A283 SEARCH TEXT \"string not in mailbox\"", "SEARCH"),
    (
        "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
        "SEARCH",
    ),
    (
        "A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
        "SEARCH",
    ),
    ("A284 SEARCH RETURN (MIN) UNSEEN", "SEARCH"),
    ("A285 UID SEARCH RETURN (MIN MAX) 1:5000", "UID SEARCH"),
    (
        "A286 SEARCH CHARSET UTF-8 TEXT \"\u{0444}\u{0435}\u{0434}\"",
        "SEARCH",
    ),
    (
        "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
        "FETCH",
    ),
    ("A003 STORE 2:4 +FLAGS (\\Deleted)", "STORE"),
    ("A003 COPY 2:4 MEETING", "COPY"),
    ("a UID MOVE 42:69 foo", "UID MOVE"),
    ("A999 UID FETCH 4827313:4828442 FLAGS", "UID FETCH"),
    ("A001 UID EXPUNGE 3000:3002", "UID EXPUNGE"),
    // RFC 2971 ID
    (
        "a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\")",
        "ID",
    ),
    ("a024 ID NIL", "ID"),
    // RFC 4978 COMPRESS
    ("a COMPRESS DEFLATE", "COMPRESS"),
    // RFC 5182 SEARCHRES
    (
        "A282 SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
        "SEARCH",
    ),
    (
        "A283 FETCH $ (UID INTERNALDATE FLAGS RFC822.HEADER)",
        "FETCH",
    ),
    ("A300 SEARCH RETURN (SAVE MIN) UNDELETED", "SEARCH"),
    ("C01 UID SEARCH RETURN (SAVE) FLAGGED", "UID SEARCH"),
    ("C02 UID COPY $ \"Other Messages\"", "UID COPY"),
    ("C03 UID STORE $ +FLAGS.SILENT (\\Deleted)", "UID STORE"),
    ("C04 SEARCH $ SMALLER 4096", "SEARCH"),
    // RFC 5258 LIST-EXTENDED
    ("A01 LIST \"\" \"%\" RETURN (CHILDREN)", "LIST"),
    ("A02 LIST (SUBSCRIBED) \"\" \"*\"", "LIST"),
    ("A03 LIST () \"\" \"%\" RETURN (CHILDREN)", "LIST"),
    ("A04 LIST (REMOTE) \"\" \"%\" RETURN (CHILDREN)", "LIST"),
    ("A05 LIST (REMOTE SUBSCRIBED) \"/\" \"*\"", "LIST"),
    (
        "A06 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)",
        "LIST",
    ),
    ("BBB LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")", "LIST"),
    // RFC 5819 LIST-STATUS
    ("A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))", "LIST"),
    // RFC 6154 SPECIAL-USE
    ("t1 LIST \"\" \"%\" RETURN (SPECIAL-USE)", "LIST"),
    ("t1 LIST (SPECIAL-USE) \"\" \"*\"", "LIST"),
    (
        "t1 CREATE \"Important Messages\" (USE (\\Important))",
        "CREATE",
    ),
    ("t3 CREATE MySpecial (USE (\\Drafts \\Sent))", "CREATE"),
    // RFC 5256 SORT / THREAD
    ("A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994", "SORT"),
    ("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL", "SORT"),
    (
        "A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"",
        "SORT",
    ),
    (
        "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000",
        "THREAD",
    ),
    (
        "A284 THREAD ORDEREDSUBJECT US-ASCII TEXT \"gewp\"",
        "THREAD",
    ),
    (
        "A285 UID THREAD REFERENCES UTF-8 SINCE 5-MAR-2000",
        "UID THREAD",
    ),
    // RFC 5267 ESORT
    (
        "A301 UID SORT RETURN (COUNT) (DATE) UTF-8 UNDELETED UNKEYWORD $Junk",
        "UID SORT",
    ),
    // RFC 5957 DISPLAY sort
    ("A1 SORT (DISPLAYFROM) UTF-8 ALL", "SORT"),
    // RFC 7162 CONDSTORE / QRESYNC
    ("a SELECT INBOX (CONDSTORE)", "SELECT"),
    (
        "a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)",
        "UID STORE",
    ),
    (
        "a104 STORE * (UNCHANGEDSINCE 12121230320) +FLAGS (\\Deleted)",
        "STORE",
    ),
    (
        "s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)",
        "UID FETCH",
    ),
    (
        "s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
        "UID FETCH",
    ),
    (
        "a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338",
        "SEARCH",
    ),
    ("t SEARCH OR NOT MODSEQ 720162338 LARGER 50000", "SEARCH"),
    ("a FETCH 1:* (FLAGS MODSEQ)", "FETCH"),
    (
        "A02 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)",
        "STATUS",
    ),
    (
        "A03 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
        "SELECT",
    ),
    (
        "B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))",
        "SELECT",
    ),
    (
        "B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))",
        "SELECT",
    ),
    ("A02 ENABLE QRESYNC", "ENABLE"),
    // RFC 5032 WITHIN
    ("a1 SEARCH UNDELETED YOUNGER 259200", "SEARCH"),
    ("a2 SEARCH OLDER 86400", "SEARCH"),
    // RFC 3516 BINARY
    ("A1 FETCH 1 (BINARY[1])", "FETCH"),
    (
        "A2 FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1.2]<0.100>)",
        "FETCH",
    ),
];

#[test]
fn rfc_examples_parse() {
    for (line, name) in EXAMPLES {
        let bytes = format!("{line}\r\n");
        let cmd = parse_command(bytes.as_bytes()).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        assert_eq!(cmd.body.name(), *name, "{line}");
    }
}

#[test]
fn rfc_examples_decode_fed_one_byte_at_a_time() {
    let mut stream = Vec::new();
    for (line, _) in EXAMPLES {
        stream.extend_from_slice(line.as_bytes());
        stream.extend_from_slice(b"\r\n");
    }
    let decoded = drive_default(&bytewise(&stream));
    assert_eq!(decoded.len(), EXAMPLES.len());
    for (d, (line, name)) in decoded.iter().zip(EXAMPLES) {
        match d {
            Decoded::Command(cmd) => assert_eq!(cmd.body.name(), *name, "{line}"),
            other => panic!("{line}: {other:?}"),
        }
    }
}

/// RFC 3501 §6.3.11 / RFC 9051 §6.3.12: the APPEND example, whose message
/// is a literal spanning several lines.
#[test]
fn rfc_append_example() {
    let message = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n\
        From: Fred Foobar <foobar@Blurdybloop.example>\r\n\
        Subject: afternoon meeting\r\n\
        To: mooch@owatagu.siam.edu.example\r\n\
        Message-Id: <B27397-0100000@Blurdybloop.example>\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
        \r\n\
        Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
    let first = format!(
        "A003 APPEND saved-messages (\\Seen) {{{}}}\r\n",
        message.len()
    );
    let rest = format!("{message}\r\n");
    let decoded = drive_default(&[first.as_bytes(), rest.as_bytes()]);
    assert_eq!(decoded.len(), 2);
    assert_eq!(decoded[0], Decoded::NeedContinuation);
    let Decoded::Command(cmd) = &decoded[1] else {
        panic!("{:?}", decoded[1]);
    };
    let CommandBody::Append { messages, .. } = &cmd.body else {
        panic!("{cmd:?}");
    };
    assert_eq!(messages[0].data, message.as_bytes());
}

/// RFC 3501 §6.4.4: `SEARCH CHARSET UTF-8 TEXT {n}` with the text in a
/// literal after a continuation.
#[test]
fn rfc_search_literal_example() {
    let text = "\u{0445}\u{0430}\u{0431}";
    let first = format!("A284 SEARCH CHARSET UTF-8 TEXT {{{}}}\r\n", text.len());
    let decoded = drive_default(&[first.as_bytes(), text.as_bytes(), b"\r\n"]);
    assert_eq!(decoded[0], Decoded::NeedContinuation);
    let Decoded::Command(cmd) = &decoded[1] else {
        panic!("{:?}", decoded[1]);
    };
    let CommandBody::Search(s) = &cmd.body else {
        panic!("{cmd:?}");
    };
    assert_eq!(s.criteria, vec![SearchKey::Text(text.into())]);
    assert_eq!(body(b"A SEARCH TEXT {0}\r\n\r\n").name(), "SEARCH");
}

/// More shapes for the encoder round trip: literals, literal8, 8-bit text,
/// every kind of search key and fetch section.
const MORE: &[&[u8]] = &[
    b"a LOGIN {3}\r\njoe {4+}\r\np\r\nw\r\n",
    b"a APPEND Drafts (\\Seen \\Draft $Fwd) \"07-Feb-1994 21:52:25 +0100\" {3+}\r\nab\n () ~{3}\r\na\0b \" 1-Jan-2000 00:00:00 -0000\" {0}\r\n\r\n",
    b"a SEARCH ALL ANSWERED BCC b BEFORE 1-Feb-1994 BODY \"x y\" FROM {3}\r\nf\xc3\xa9 HEADER Message-ID <x@y> LARGER 5 NOT SEEN OR TO t SUBJECT s UID 1:5 $ (FLAGGED NOT DRAFT) MODSEQ \"/flags/\\\\draft\" all 620162338 OLDER 3600\r\n",
    b"a FETCH 1 (BODY[] BODY.PEEK[HEADER] BODY[TEXT]<0.2048> BODY[2.MIME] BODY[HEADER.FIELDS (From \"To\")] BINARY.PEEK[1.2]<0.10> BINARY.SIZE[3])\r\n",
    b"a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"INBOX\" Drafts) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n",
    b"a SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541 (1:3,5 4:6,9)))\r\n",
    b"a CREATE Sent (USE (\\sent \\X-Custom))\r\n",
    b"a ID (\"name\" \"sodr\" \"version\" NIL)\r\n",
    b"a STORE 1 FLAGS (\\Answered \\Flagged \\X)\r\n",
    b"a UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) -flags.silent \\Seen $Junk\r\n",
    b"a SELECT \"Entw\xc3\xbcrfe\"\r\n",
];

/// Parse → encode (the client-side encoder) → parse is the identity for
/// the RFC examples and `MORE`.
#[test]
fn examples_survive_encode_and_parse() {
    let mut inputs: Vec<Vec<u8>> = EXAMPLES
        .iter()
        .map(|(line, _)| format!("{line}\r\n").into_bytes())
        .collect();
    inputs.extend(MORE.iter().map(|b| b.to_vec()));
    for input in inputs {
        let cmd = parse_command(&input).unwrap();
        for literals in [ClientLiterals::NonSync, ClientLiterals::Sync] {
            let mut bytes = Vec::new();
            encode_command(&cmd, literals, &mut bytes);
            let again = parse_command(&bytes)
                .unwrap_or_else(|e| panic!("{e:?}: {:?}", String::from_utf8_lossy(&bytes)));
            assert_eq!(again, cmd, "{:?}", String::from_utf8_lossy(&bytes));
        }
    }
}
