//! STORE and UID STORE (RFC 9051 §6.4.6, RFC 7162 §3.1.3): the FETCH
//! answers, `.SILENT`, UNCHANGEDSINCE with MODIFIED, and what cannot be
//! stored.

use dormouse_storage::SystemFlags;

use crate::selected_fixture::{Client, Fixture, lines};

/// A rev2 session (no `\Recent` noise) on INBOX.
fn selected(fx: &Fixture) -> Client {
    let mut c = fx.client();
    c.ok("e1 ENABLE IMAP4rev2");
    c.ok("s1 SELECT INBOX");
    c
}

/// The same with CONDSTORE on, as in RFC 7162's examples.
fn selected_condstore(fx: &Fixture) -> Client {
    let mut c = fx.client();
    c.ok("e1 ENABLE IMAP4rev2");
    c.ok("s1 SELECT INBOX (CONDSTORE)");
    c
}

const SEEN_FLAGGED: SystemFlags =
    SystemFlags::from_bits_truncate(SystemFlags::SEEN.bits() | SystemFlags::FLAGGED.bits());

#[test]
fn rfc9051_store_example() {
    let fx = Fixture::new();
    fx.append(
        "INBOX",
        &[
            SystemFlags::EMPTY,
            SystemFlags::SEEN,
            SystemFlags::EMPTY,
            SEEN_FLAGGED,
        ],
    );
    let mut c = selected(&fx);
    assert_eq!(
        c.run("A003 STORE 2:4 +FLAGS (\\Deleted)"),
        lines(&[
            "* 2 FETCH (FLAGS (\\Deleted \\Seen))",
            "* 3 FETCH (FLAGS (\\Deleted))",
            "* 4 FETCH (FLAGS (\\Flagged \\Deleted \\Seen))",
            "A003 OK STORE completed",
        ])
    );
}

#[test]
fn remove_replace_and_silent() {
    let fx = Fixture::new();
    fx.append("INBOX", &[SEEN_FLAGGED, SystemFlags::SEEN]);
    let mut c = selected(&fx);
    assert_eq!(
        c.run("a1 STORE 1:* -FLAGS \\Seen"),
        lines(&[
            "* 1 FETCH (FLAGS (\\Flagged))",
            "* 2 FETCH (FLAGS ())",
            "a1 OK STORE completed",
        ])
    );
    assert_eq!(
        c.run("a2 STORE 2 FLAGS (\\Answered \\Draft)"),
        lines(&[
            "* 2 FETCH (FLAGS (\\Answered \\Draft))",
            "a2 OK STORE completed"
        ])
    );
    assert_eq!(
        c.run("a3 STORE 1,2 FLAGS.SILENT ()"),
        lines(&["a3 OK STORE completed"])
    );
    let mut other = fx.client();
    other.ok("e1 ENABLE IMAP4rev2");
    other.ok("b1 SELECT INBOX");
    assert_eq!(
        other.run("b2 STORE 1:2 +FLAGS.SILENT (\\Seen)"),
        lines(&["b2 OK STORE completed"])
    );
    // The first session hears of the other's change at its next command.
    assert_eq!(
        c.run("a4 NOOP"),
        lines(&[
            "* 1 FETCH (FLAGS (\\Seen))",
            "* 2 FETCH (FLAGS (\\Seen))",
            "a4 OK NOOP completed",
        ])
    );
}

#[test]
fn uid_store_answers_with_uids_and_skips_missing_ones() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 3);
    let mut c = selected(&fx);
    assert_eq!(
        c.run("a1 UID STORE 2,3,9 +FLAGS (\\Flagged)"),
        lines(&[
            "* 2 FETCH (UID 2 FLAGS (\\Flagged))",
            "* 3 FETCH (UID 3 FLAGS (\\Flagged))",
            "a1 OK UID STORE completed",
        ])
    );
    assert_eq!(
        c.run("a2 UID STORE 7:9 +FLAGS (\\Flagged)"),
        lines(&["a2 OK UID STORE completed"])
    );
}

#[test]
fn an_unchanged_message_is_still_answered() {
    let fx = Fixture::new();
    fx.append("INBOX", &[SystemFlags::SEEN]);
    let mut c = selected(&fx);
    assert_eq!(
        c.run("a1 STORE 1 +FLAGS (\\Seen)"),
        lines(&["* 1 FETCH (FLAGS (\\Seen))", "a1 OK STORE completed"])
    );
}

#[test]
fn recent_cannot_be_stored_but_is_shown_to_its_holder() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("a1 STORE 1 FLAGS (\\Recent \\Seen)"),
        lines(&[
            "* 1 FETCH (FLAGS (\\Seen \\Recent))",
            "a1 OK STORE completed"
        ])
    );
    assert_eq!(
        c.run("a2 STORE 1 -FLAGS (\\Recent)"),
        lines(&[
            "* 1 FETCH (FLAGS (\\Seen \\Recent))",
            "a2 OK STORE completed"
        ])
    );
}

#[test]
fn a_new_keyword_updates_the_flag_lists() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = selected(&fx);
    assert_eq!(
        c.run("a1 STORE 1 +FLAGS ($Junk)"),
        lines(&[
            "* 1 FETCH (FLAGS ($Junk))",
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Junk)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Junk \\*)] Flags permitted.",
            "a1 OK STORE completed",
        ])
    );
}

#[test]
fn too_many_keywords_is_a_limit() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = selected(&fx);
    let keywords: Vec<String> = (0..65).map(|i| format!("k{i}")).collect();
    let got = c.run(&format!("a1 STORE 1 +FLAGS ({})", keywords.join(" ")));
    assert!(
        got.len() == 1 && got[0].starts_with("a1 NO [LIMIT] "),
        "{got:?}"
    );
}

#[test]
fn store_in_an_examined_mailbox_is_refused() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("s1 EXAMINE INBOX");
    assert_eq!(
        c.run("a1 STORE 1 +FLAGS (\\Seen)"),
        lines(&["a1 NO [CANNOT] Mailbox is read-only."])
    );
    assert_eq!(fx.status("INBOX").unseen, 1);
}

#[test]
fn a_sequence_number_beyond_the_mailbox_is_bad() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = selected(&fx);
    assert_eq!(
        c.run("a1 STORE 2 +FLAGS (\\Seen)"),
        lines(&["a1 BAD Invalid message sequence number"])
    );
    assert_eq!(fx.status("INBOX").unseen, 1);
}

#[test]
fn rfc7162_conditional_store_reports_modseqs_even_when_silent() {
    // RFC 7162 §3.1.3 example 1, adapted: UID STORE 6,4,8 with UIDs 4, 6
    // and 8 at sequence numbers 1, 2 and 4.
    let fx = Fixture::new();
    fx.append_plain("INBOX", 8);
    let mut c = selected_condstore(&fx);
    c.ok("x1 UID STORE 1:3,5 +FLAGS.SILENT (\\Deleted)");
    c.ok("x2 EXPUNGE");
    let since = fx.highest_modseq("INBOX");
    let got = c.run(&format!(
        "a103 UID STORE 6,4,8 (UNCHANGEDSINCE {since}) +FLAGS.SILENT (\\Deleted)"
    ));
    let m = since;
    assert_eq!(
        got,
        lines(&[
            &format!("* 1 FETCH (UID 4 MODSEQ ({}))", m + 1),
            &format!("* 2 FETCH (UID 6 MODSEQ ({}))", m + 2),
            &format!("* 4 FETCH (UID 8 MODSEQ ({}))", m + 3),
            "a103 OK UID STORE completed",
        ])
    );
}

#[test]
fn rfc7162_conditional_store_failure_lists_modified_messages() {
    // RFC 7162 §3.1.3 example 3, adapted: messages 7 and 9 changed after
    // the client's modseq, so only 5 is stored.
    let fx = Fixture::new();
    fx.append_plain("INBOX", 9);
    let mut c = selected_condstore(&fx);
    let since = fx.highest_modseq("INBOX");
    let mut other = fx.client();
    other.ok("b1 SELECT INBOX");
    other.ok("b2 STORE 7,9 +FLAGS.SILENT (\\Answered)");
    c.ok("a1 NOOP");
    let got = c.run(&format!(
        "d105 STORE 7,5,9 (UNCHANGEDSINCE {since}) +FLAGS.SILENT (\\Deleted)"
    ));
    let m = fx.highest_modseq("INBOX");
    assert_eq!(
        got,
        lines(&[
            &format!("* 5 FETCH (MODSEQ ({m}))"),
            "d105 OK [MODIFIED 7,9] Conditional STORE failed",
        ])
    );
    assert_eq!(fx.status("INBOX").deleted, 1);
}

#[test]
fn unchangedsince_zero_always_fails_and_answers_name_uids_for_uid_store() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 2);
    let mut c = selected_condstore(&fx);
    assert_eq!(
        c.run("a1 UID STORE 1:2 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)"),
        lines(&["a1 OK [MODIFIED 1:2] Conditional STORE failed"])
    );
    assert_eq!(fx.status("INBOX").unseen, 2);
}

#[test]
fn non_silent_conditional_store_answers_flags_and_modseq() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = selected(&fx);
    let since = fx.highest_modseq("INBOX");
    let got = c.run(&format!(
        "a1 STORE 1 (UNCHANGEDSINCE {since}) +FLAGS (\\Seen)"
    ));
    // CONDSTORE was off: the client first learns where it stands.
    assert_eq!(
        got,
        lines(&[
            &format!("* OK [HIGHESTMODSEQ {since}] Highest"),
            &format!("* 1 FETCH (FLAGS (\\Seen) MODSEQ ({}))", since + 1),
            "a1 OK STORE completed",
        ])
    );
    // UNCHANGEDSINCE enabled CONDSTORE for the rest of the connection.
    assert_eq!(
        c.run("a2 STORE 1 -FLAGS (\\Seen)"),
        lines(&[
            &format!("* 1 FETCH (FLAGS () MODSEQ ({}))", since + 2),
            "a2 OK STORE completed",
        ])
    );
}
