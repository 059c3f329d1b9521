//! FETCH and UID FETCH (RFC 9051 §6.4.5, RFC 3501 §6.4.5, RFC 3516,
//! RFC 7162): every item, the macros, partial fetches, the `\Seen` side
//! effect, CHANGEDSINCE/VANISHED, and messages expunged meanwhile.

use dormouse_storage::SystemFlags;

use crate::fetch_support::{DAY, Msg, T0, eml, seed, text};
use crate::selected_fixture::{Client, Fixture, lines};

const PLAIN_ENVELOPE: &str = "ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Hello\" \
     ((\"Alice\" NIL \"alice\" \"example.com\")) ((\"Alice\" NIL \"alice\" \"example.com\")) \
     ((\"Alice\" NIL \"alice\" \"example.com\")) ((NIL NIL \"bob\" \"example.org\")) \
     NIL NIL NIL \"<1@example.com>\")";

/// plain.eml (165 octets), mixed.eml, rfc3501.eml and unknown_cte.eml,
/// selected read-write by a fresh client.
fn mailbox() -> (Fixture, Client) {
    let fx = Fixture::new();
    seed(
        &fx,
        "INBOX",
        vec![
            Msg::new(eml("plain"), T0),
            Msg::new(eml("mixed"), T0 + DAY),
            Msg::new(eml("rfc3501"), T0 + 2 * DAY).flags(SystemFlags::SEEN),
            Msg::new(eml("unknown_cte"), T0 + 3 * DAY),
        ],
    );
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    (fx, c)
}

#[test]
fn the_macros_expand_as_rfc_9051_says() {
    let (_fx, mut c) = mailbox();
    let fast = "FLAGS (\\Recent) INTERNALDATE \"14-Nov-2023 22:13:20 +0000\" RFC822.SIZE 165";
    assert_eq!(
        c.run("a1 FETCH 1 FAST"),
        lines(&[&format!("* 1 FETCH ({fast})"), "a1 OK FETCH completed"])
    );
    assert_eq!(
        c.run("a2 FETCH 1 ALL"),
        lines(&[
            &format!("* 1 FETCH ({fast} {PLAIN_ENVELOPE})"),
            "a2 OK FETCH completed"
        ])
    );
    assert_eq!(
        c.run("a3 FETCH 1 FULL"),
        lines(&[
            &format!(
                "* 1 FETCH ({fast} {PLAIN_ENVELOPE} BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 26 2))"
            ),
            "a3 OK FETCH completed"
        ])
    );
}

#[test]
fn items_come_in_the_order_asked_and_uid_fetch_leads_with_uid() {
    let (_fx, mut c) = mailbox();
    assert_eq!(
        c.run("a1 FETCH 3 (RFC822.SIZE UID FLAGS)"),
        lines(&[
            "* 3 FETCH (RFC822.SIZE 6325 UID 3 FLAGS (\\Seen \\Recent))",
            "a1 OK FETCH completed"
        ])
    );
    assert_eq!(
        c.run("a2 UID FETCH 2:3 (FLAGS)"),
        lines(&[
            "* 2 FETCH (UID 2 FLAGS (\\Recent))",
            "* 3 FETCH (UID 3 FLAGS (\\Seen \\Recent))",
            "a2 OK UID FETCH completed",
        ])
    );
    // A UID that does not exist is no error (RFC 9051 §6.4.9).
    assert_eq!(
        c.run("a3 UID FETCH 99 FLAGS"),
        lines(&["a3 OK UID FETCH completed"])
    );
    // A sequence number beyond the mailbox is.
    assert_eq!(
        c.run("a4 FETCH 5 FLAGS"),
        lines(&["a4 BAD Invalid message sequence number"])
    );
}

#[test]
fn imap4rev2_clients_never_see_recent() {
    let fx = Fixture::new();
    seed(&fx, "INBOX", vec![Msg::new(eml("plain"), T0)]);
    let mut c = fx.client();
    c.ok("e ENABLE IMAP4rev2");
    c.ok("s SELECT INBOX");
    assert_eq!(
        c.run("a1 FETCH 1 FLAGS"),
        lines(&["* 1 FETCH (FLAGS ())", "a1 OK FETCH completed"])
    );
}

#[test]
fn rfc_9051_header_fields_example_sets_seen() {
    let (_fx, mut c) = mailbox();
    // RFC 9051 §6.4.5: `FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])`,
    // on message 1 here. BODY[...] sets \Seen, and FLAGS shows it.
    assert_eq!(
        c.run("a1 FETCH 1 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])"),
        lines(&[
            "* 1 FETCH (FLAGS (\\Seen \\Recent) BODY[HEADER.FIELDS (DATE FROM)] {73}",
            "From: Alice <alice@example.com>",
            "Date: Mon, 7 Feb 1994 21:52:25 -0800",
            ")",
            "a1 OK FETCH completed",
        ])
    );
}

#[test]
fn peek_leaves_seen_alone_and_a_plain_body_fetch_reports_the_new_flags() {
    let (_fx, mut c) = mailbox();
    assert_eq!(
        c.run("a1 FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (FROM TO DATE MESSAGE-ID)]"),
        lines(&[
            "* 1 FETCH (BODY[HEADER.FIELDS.NOT (FROM TO DATE MESSAGE-ID)] {18}",
            "Subject: Hello",
            ")",
            "a1 OK FETCH completed",
        ])
    );
    assert_eq!(
        c.run("a2 FETCH 1 FLAGS"),
        lines(&["* 1 FETCH (FLAGS (\\Recent))", "a2 OK FETCH completed"])
    );
    // RFC 9051 §6.4.5: FLAGS goes with the first fetch that sets \Seen...
    assert_eq!(
        c.run("a3 FETCH 1 BODY[TEXT]"),
        lines(&[
            "* 1 FETCH (BODY[TEXT] {26}",
            "Hello Bob,",
            "how are you?",
            " FLAGS (\\Seen \\Recent))",
            "a3 OK FETCH completed",
        ])
    );
    // ...but not when the message was already \Seen.
    assert_eq!(
        c.run("a4 FETCH 1 BODY[TEXT]<0.5>"),
        lines(&[
            "* 1 FETCH (BODY[TEXT]<0> {5}",
            "Hello)",
            "a4 OK FETCH completed"
        ])
    );
}

#[test]
fn rfc822_items_and_their_seen_rules() {
    let (_fx, mut c) = mailbox();
    let got = c.run("a1 FETCH 1 RFC822.HEADER");
    assert_eq!(
        got.first().map(String::as_str),
        Some("* 1 FETCH (RFC822.HEADER {139}")
    );
    assert_eq!(
        got.last().map(String::as_str),
        Some("a1 OK FETCH completed")
    );
    assert!(!got.iter().any(|l| l.contains("FLAGS")), "{got:?}");
    assert_eq!(
        c.run("a2 FETCH 1 RFC822.TEXT"),
        lines(&[
            "* 1 FETCH (RFC822.TEXT {26}",
            "Hello Bob,",
            "how are you?",
            " FLAGS (\\Seen \\Recent))",
            "a2 OK FETCH completed",
        ])
    );
    let got = c.run("a3 FETCH 2 RFC822");
    assert_eq!(
        got.first().map(String::as_str),
        Some("* 2 FETCH (RFC822 {426}")
    );
    assert_eq!(
        got.get(got.len() - 2).map(String::as_str),
        Some(" FLAGS (\\Seen \\Recent))")
    );
}

#[test]
fn examine_never_sets_seen() {
    let fx = Fixture::new();
    seed(&fx, "INBOX", vec![Msg::new(eml("plain"), T0)]);
    let mut c = fx.client();
    c.ok("s EXAMINE INBOX");
    let got = c.ok("a1 FETCH 1 (BODY[] RFC822.TEXT BINARY[1])");
    assert!(!got.iter().any(|l| l.contains("FLAGS")), "{got:?}");
    assert_eq!(
        c.run("a2 FETCH 1 FLAGS"),
        lines(&["* 1 FETCH (FLAGS ())", "a2 OK FETCH completed"])
    );
}

#[test]
fn seen_set_by_fetch_is_visible_to_other_sessions() {
    let (fx, mut c) = mailbox();
    let mut other = fx.client();
    other.ok("o1 SELECT INBOX");
    c.ok("a1 FETCH 1 BODY[]");
    assert_eq!(
        other.run("o2 NOOP"),
        lines(&["* 1 FETCH (FLAGS (\\Seen))", "o2 OK NOOP completed"])
    );
}

#[test]
fn partial_fetches_name_the_origin() {
    let (_fx, mut c) = mailbox();
    assert_eq!(
        c.run("a1 FETCH 1 BODY.PEEK[]<0.10>"),
        lines(&[
            "* 1 FETCH (BODY[]<0> {10}",
            "From: Alic)",
            "a1 OK FETCH completed"
        ])
    );
    assert_eq!(
        c.run("a2 FETCH 1 BODY.PEEK[]<160.100>"),
        lines(&[
            "* 1 FETCH (BODY[]<160> {5}",
            "ou?",
            ")",
            "a2 OK FETCH completed"
        ])
    );
    assert_eq!(
        c.run("a3 FETCH 1 BODY.PEEK[]<1000.10>"),
        lines(&["* 1 FETCH (BODY[]<1000> {0}", ")", "a3 OK FETCH completed"])
    );
}

#[test]
fn mime_parts_and_missing_parts() {
    let (_fx, mut c) = mailbox();
    assert_eq!(
        c.run("a1 FETCH 2 (BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[3.HEADER] BODY.PEEK[3.1])"),
        lines(&[
            "* 2 FETCH (BODY[1] {10}",
            "first part BODY[1.MIME] {43}",
            "Content-Type: text/plain; charset=utf-8",
            " BODY[3.HEADER] {35}",
            "From: inner@x.y",
            "Subject: inner",
            " BODY[3.1] {10}",
            "inner body)",
            "a1 OK FETCH completed",
        ])
    );
    // Dovecot's answer for a part that does not exist: an empty string.
    assert_eq!(
        c.run("a2 FETCH 2 (BODY.PEEK[9] BINARY.PEEK[9] BINARY.SIZE[9])"),
        lines(&[
            "* 2 FETCH (BODY[9] {0}",
            " BINARY[9] {0}",
            " BINARY.SIZE[9] 0)",
            "a2 OK FETCH completed"
        ])
    );
}

#[test]
fn body_and_bodystructure() {
    let (_fx, mut c) = mailbox();
    let got = c.ok("a1 FETCH 2 (BODY BODYSTRUCTURE)");
    let line = got.first().cloned().unwrap_or_default();
    assert!(
        line.starts_with("* 2 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 10 0)(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"a.bin\") NIL NIL \"BASE64\" 8)"),
        "{line}"
    );
    assert!(
        line.contains("BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 10 0 NIL NIL NIL NIL)(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"a.bin\") NIL NIL \"BASE64\" 8 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.bin\")) NIL NIL)"),
        "{line}"
    );
}

#[test]
fn binary_decodes_and_reports_sizes() {
    let (_fx, mut c) = mailbox();
    // RFC 3516: base64 "AAECAwQF" is six octets with a NUL, so literal8.
    assert_eq!(
        c.run("a1 FETCH 2 (BINARY.SIZE[2] BINARY.PEEK[2] BINARY.PEEK[1]<6.100>)"),
        lines(&[
            "* 2 FETCH (BINARY.SIZE[2] 6 BINARY[2] ~{6}",
            "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5} BINARY[1]<6> {4}",
            "part)",
            "a1 OK FETCH completed",
        ])
    );
    assert_eq!(
        c.run("a2 FETCH 2 FLAGS"),
        lines(&["* 2 FETCH (FLAGS (\\Recent))", "a2 OK FETCH completed"])
    );
    // Non-PEEK BINARY sets \Seen.
    let got = c.ok("a3 FETCH 2 BINARY[1]");
    assert_eq!(
        got.last().map(String::as_str),
        Some("first part FLAGS (\\Seen \\Recent))")
    );
}

#[test]
fn binary_of_an_unknown_encoding_is_no_unknown_cte() {
    let (_fx, mut c) = mailbox();
    let got = c.run("a1 FETCH 3:4 (UID BINARY.PEEK[1])");
    assert_eq!(
        got.last().map(String::as_str),
        Some("a1 NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding \"x-uuencode\"")
    );
    // Message 3 was answered before message 4 failed.
    assert!(
        got.first()
            .is_some_and(|l| l.starts_with("* 3 FETCH (UID 3 BINARY[1] {")),
        "{got:?}"
    );
    assert_eq!(
        c.run("a2 FETCH 4 BINARY.SIZE[1]"),
        lines(&["a2 NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding \"x-uuencode\""])
    );
    // BODY[] of the same part is fine: it is not decoded.
    assert_eq!(
        c.run("a3 FETCH 4 BODY.PEEK[1]"),
        lines(&[
            "* 4 FETCH (BODY[1] {18}",
            "begin 644 a",
            "end",
            ")",
            "a3 OK FETCH completed"
        ])
    );
}

#[test]
fn flag_only_fetches_do_not_read_message_files() {
    let fx = Fixture::new();
    seed(
        &fx,
        "INBOX",
        vec![Msg::new(eml("plain"), T0).keyword("$Important")],
    );
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    // Take the file away behind the store's back.
    let cur = fx.store.root().join("cur");
    for entry in std::fs::read_dir(&cur).into_iter().flatten().flatten() {
        let _ = std::fs::remove_file(entry.path());
    }
    assert_eq!(
        c.run("a1 FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE)"),
        lines(&[
            "* 1 FETCH (UID 1 FLAGS (\\Recent $Important) INTERNALDATE \"14-Nov-2023 22:13:20 +0000\" RFC822.SIZE 165)",
            "a1 OK FETCH completed",
        ])
    );
    // Content needs the file, which is gone: Dovecot's EXPUNGEISSUED.
    let got = c.run("a2 FETCH 1 BODY.PEEK[]");
    assert_eq!(
        got.last().map(String::as_str),
        Some("a2 OK [EXPUNGEISSUED] Some messages were already expunged.")
    );
}

#[test]
fn messages_expunged_by_another_session_are_skipped() {
    let fx = Fixture::new();
    seed(
        &fx,
        "INBOX",
        (0..3)
            .map(|i| Msg::new(text(&[("Subject", "x")], "b\r\n"), T0 + i))
            .collect(),
    );
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    let mut other = fx.client();
    other.ok("o1 SELECT INBOX");
    other.ok("o2 STORE 2 +FLAGS.SILENT (\\Deleted)");
    other.ok("o3 EXPUNGE");
    // RFC 9051 §7.5.1: no EXPUNGE during FETCH; message 2 keeps its number.
    assert_eq!(
        c.run("a1 FETCH 1:3 UID"),
        lines(&[
            "* 1 FETCH (UID 1)",
            "* 3 FETCH (UID 3)",
            "a1 OK [EXPUNGEISSUED] Some messages were already expunged.",
        ])
    );
    // UID FETCH may renumber: the EXPUNGE follows its answers.
    assert_eq!(
        c.run("a2 UID FETCH 1:* UID"),
        lines(&[
            "* 1 FETCH (UID 1)",
            "* 3 FETCH (UID 3)",
            "* 2 EXPUNGE",
            "a2 OK [EXPUNGEISSUED] Some messages were already expunged.",
        ])
    );
    assert_eq!(
        c.run("a3 FETCH 1:* UID"),
        lines(&[
            "* 1 FETCH (UID 1)",
            "* 2 FETCH (UID 3)",
            "a3 OK FETCH completed"
        ])
    );
}

#[test]
fn modseq_and_changedsince() {
    let (fx, mut c) = mailbox();
    let base = fx.highest_modseq("INBOX");
    c.ok("a1 STORE 2 +FLAGS.SILENT (\\Flagged)");
    // The first CONDSTORE-enabling command announces HIGHESTMODSEQ.
    assert_eq!(
        c.run(&format!("a2 FETCH 1:* (FLAGS) (CHANGEDSINCE {base})")),
        lines(&[
            &format!("* OK [HIGHESTMODSEQ {}] Highest", base + 1),
            &format!(
                "* 2 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ ({}))",
                base + 1
            ),
            "a2 OK FETCH completed",
        ])
    );
    assert_eq!(
        c.run(&format!(
            "a3 UID FETCH 1:* (MODSEQ) (CHANGEDSINCE {})",
            base + 1
        )),
        lines(&["a3 OK UID FETCH completed"])
    );
    assert_eq!(
        c.run("a4 FETCH 2 MODSEQ"),
        lines(&[
            &format!("* 2 FETCH (MODSEQ ({}))", base + 1),
            "a4 OK FETCH completed"
        ])
    );
    // With CONDSTORE on, a fetch that sets \Seen reports the new modseq.
    assert_eq!(
        c.run("a5 FETCH 1 BODY[HEADER.FIELDS (SUBJECT)]"),
        lines(&[
            "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {18}",
            "Subject: Hello",
            &format!(" FLAGS (\\Seen \\Recent) MODSEQ ({}))", base + 2),
            "a5 OK FETCH completed",
        ])
    );
}

#[test]
fn vanished_needs_qresync_and_reports_expunged_uids_in_the_set() {
    let fx = Fixture::new();
    seed(
        &fx,
        "INBOX",
        (0..5)
            .map(|i| Msg::new(text(&[("Subject", "v")], "b\r\n"), T0 + i))
            .collect(),
    );
    let base = fx.highest_modseq("INBOX");
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    assert_eq!(
        c.run(&format!(
            "a1 UID FETCH 1:* FLAGS (CHANGEDSINCE {base} VANISHED)"
        )),
        lines(&["a1 BAD QRESYNC is not enabled"])
    );
    let mut q = fx.client();
    q.ok("q1 ENABLE QRESYNC");
    q.ok("q2 SELECT INBOX");
    c.ok("a2 STORE 2,4 +FLAGS.SILENT (\\Deleted)");
    c.ok("a3 EXPUNGE");
    c.ok("a4 STORE 1 +FLAGS.SILENT (\\Answered)");
    let m = fx.highest_modseq("INBOX");
    let flags = format!("* 1 FETCH (UID 1 FLAGS (\\Answered) MODSEQ ({m}))");
    // Only UIDs in the set are VANISHED (EARLIER); the unsolicited
    // updates after the answer cover the whole mailbox.
    assert_eq!(
        q.run(&format!(
            "q3 UID FETCH 1:3,5 FLAGS (CHANGEDSINCE {base} VANISHED)"
        )),
        lines(&[
            "* VANISHED (EARLIER) 2",
            &flags,
            "* VANISHED 2,4",
            &flags,
            "q3 OK UID FETCH completed",
        ])
    );
}
