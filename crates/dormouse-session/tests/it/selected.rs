//! SELECT and EXAMINE (RFC 9051 §6.3.2–3, RFC 3501, RFC 7162), CLOSE,
//! UNSELECT and CHECK: what a client hears when it opens and leaves a
//! mailbox, and which state it ends up in.

use dormouse_session::StateKind;
use dormouse_storage::SystemFlags;

use crate::selected_fixture::{Fixture, lines};

const FLAGS: &str = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)";
const PERMANENT: &str =
    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.";

#[test]
fn select_describes_the_mailbox_in_dovecots_order() {
    let fx = Fixture::new();
    fx.append(
        "INBOX",
        &[SystemFlags::SEEN, SystemFlags::EMPTY, SystemFlags::EMPTY],
    );
    let v = fx.uidvalidity("INBOX");
    let m = fx.highest_modseq("INBOX");
    let mut c = fx.client();
    assert_eq!(
        c.run("a1 SELECT INBOX"),
        lines(&[
            FLAGS,
            PERMANENT,
            "* 3 EXISTS",
            "* 3 RECENT",
            "* OK [UNSEEN 2] First unseen.",
            &format!("* OK [UIDVALIDITY {v}] UIDs valid"),
            "* OK [UIDNEXT 4] Predicted next UID",
            &format!("* OK [HIGHESTMODSEQ {m}] Highest"),
            "a1 OK [READ-WRITE] SELECT completed",
        ])
    );
    assert_eq!(c.session.state(), StateKind::Selected);
}

#[test]
fn recent_belongs_to_the_first_session_only() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 2);
    let mut first = fx.client();
    assert!(
        first
            .ok("a1 SELECT INBOX")
            .contains(&"* 2 RECENT".to_string())
    );
    let mut second = fx.client();
    assert!(
        second
            .ok("b1 SELECT INBOX")
            .contains(&"* 0 RECENT".to_string())
    );
}

#[test]
fn an_empty_mailbox_has_no_unseen_code() {
    let fx = Fixture::new();
    let mut c = fx.client();
    let got = c.ok("a1 SELECT INBOX");
    assert!(got.contains(&"* 0 EXISTS".to_string()), "{got:?}");
    assert!(!got.iter().any(|l| l.contains("UNSEEN")), "{got:?}");
}

#[test]
fn examine_is_read_only_with_no_permanent_flags() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let v = fx.uidvalidity("INBOX");
    let m = fx.highest_modseq("INBOX");
    let mut c = fx.client();
    assert_eq!(
        c.run("a1 EXAMINE INBOX"),
        lines(&[
            FLAGS,
            "* OK [PERMANENTFLAGS ()] Read-only mailbox.",
            "* 1 EXISTS",
            "* 0 RECENT",
            "* OK [UNSEEN 1] First unseen.",
            &format!("* OK [UIDVALIDITY {v}] UIDs valid"),
            "* OK [UIDNEXT 2] Predicted next UID",
            &format!("* OK [HIGHESTMODSEQ {m}] Highest"),
            "a1 OK [READ-ONLY] EXAMINE completed",
        ])
    );
    // EXAMINE takes no \Recent away from the next SELECT (RFC 3501 §6.3.2).
    let mut other = fx.client();
    assert!(
        other
            .ok("b1 SELECT INBOX")
            .contains(&"* 1 RECENT".to_string())
    );
}

#[test]
fn imap4rev2_gets_a_list_response_and_no_recent_or_unseen() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let v = fx.uidvalidity("INBOX");
    let m = fx.highest_modseq("INBOX");
    let mut c = fx.client();
    c.ok("e1 ENABLE IMAP4rev2");
    assert_eq!(
        c.run("a1 SELECT inbox"),
        lines(&[
            FLAGS,
            PERMANENT,
            "* 1 EXISTS",
            &format!("* OK [UIDVALIDITY {v}] UIDs valid"),
            "* OK [UIDNEXT 2] Predicted next UID",
            &format!("* OK [HIGHESTMODSEQ {m}] Highest"),
            "* LIST (\\HasNoChildren) \".\" INBOX",
            "a1 OK [READ-WRITE] SELECT completed",
        ])
    );
}

#[test]
fn keywords_in_use_are_listed_in_flags() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("a1 SELECT INBOX");
    c.ok("a2 STORE 1 +FLAGS ($Forwarded)");
    let mut other = fx.client();
    let got = other.ok("b1 SELECT INBOX");
    assert_eq!(
        got.get(..2),
        Some(
            &lines(&[
                "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)",
                "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded \\*)] Flags permitted.",
            ])[..]
        )
    );
}

#[test]
fn a_missing_mailbox_is_nonexistent_and_leaves_the_session_authenticated() {
    let fx = Fixture::new();
    let mut c = fx.client();
    c.ok("a1 SELECT INBOX");
    assert_eq!(
        c.run("a2 SELECT Nowhere"),
        lines(&[
            "* OK [CLOSED] Previous mailbox closed.",
            "a2 NO [NONEXISTENT] mailbox does not exist",
        ])
    );
    assert_eq!(c.session.state(), StateKind::Authenticated);
    assert_eq!(
        c.run("a3 CHECK"),
        lines(&["a3 BAD CHECK: no mailbox selected"])
    );
}

#[test]
fn selecting_again_closes_the_previous_mailbox_first() {
    let fx = Fixture::new();
    fx.create("Work");
    let mut c = fx.client();
    c.ok("a1 SELECT INBOX");
    let got = c.ok("a2 EXAMINE Work");
    assert_eq!(
        got.first().map(String::as_str),
        Some("* OK [CLOSED] Previous mailbox closed.")
    );
}

#[test]
fn names_that_escape_or_are_not_modified_utf7_are_refused() {
    let fx = Fixture::new();
    let mut c = fx.client();
    let got = c.run("a1 SELECT \"../alice\"");
    assert!(
        got.len() == 1 && got[0].starts_with("a1 NO [CANNOT] invalid mailbox name"),
        "{got:?}"
    );
    assert_eq!(
        c.run("a2 SELECT &Jjo"),
        lines(&["a2 NO [CANNOT] Mailbox name is not valid modified UTF-7"])
    );
    assert_eq!(c.session.state(), StateKind::Authenticated);
}

#[test]
fn modified_utf7_names_are_decoded_and_utf8_accepted_when_enabled() {
    let fx = Fixture::new();
    fx.create("Entwürfe");
    let mut c = fx.client();
    c.ok("a1 SELECT Entw&APw-rfe");
    let mut utf8 = fx.client();
    utf8.ok("e1 ENABLE UTF8=ACCEPT");
    utf8.ok("b1 SELECT \"Entwürfe\"");
    assert_eq!(utf8.session.state(), StateKind::Selected);
}

#[test]
fn condstore_parameter_enables_modseq_in_later_fetches() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("a1 SELECT INBOX (CONDSTORE)");
    let got = c.ok("a2 STORE 1 +FLAGS (\\Seen)");
    let m = fx.highest_modseq("INBOX");
    assert_eq!(
        got,
        lines(&[&format!("* 1 FETCH (FLAGS (\\Seen \\Recent) MODSEQ ({m}))")])
    );
}

#[test]
fn close_expunges_deleted_messages_silently() {
    let fx = Fixture::new();
    fx.append(
        "INBOX",
        &[
            SystemFlags::DELETED,
            SystemFlags::EMPTY,
            SystemFlags::DELETED,
        ],
    );
    let mut c = fx.client();
    c.ok("a1 SELECT INBOX");
    assert_eq!(c.run("a2 CLOSE"), lines(&["a2 OK CLOSE completed"]));
    assert_eq!(c.session.state(), StateKind::Authenticated);
    assert_eq!(fx.status("INBOX").messages, 1);
}

#[test]
fn close_after_examine_and_unselect_expunge_nothing() {
    let fx = Fixture::new();
    fx.append("INBOX", &[SystemFlags::DELETED]);
    let mut c = fx.client();
    c.ok("a1 EXAMINE INBOX");
    assert_eq!(c.run("a2 CLOSE"), lines(&["a2 OK CLOSE completed"]));
    c.ok("a3 SELECT INBOX");
    assert_eq!(c.run("a4 UNSELECT"), lines(&["a4 OK UNSELECT completed"]));
    assert_eq!(c.session.state(), StateKind::Authenticated);
    assert_eq!(fx.status("INBOX").messages, 1);
    assert_eq!(
        c.run("a5 CLOSE"),
        lines(&["a5 BAD CLOSE: no mailbox selected"])
    );
}

#[test]
fn check_reports_what_changed_like_noop() {
    let fx = Fixture::new();
    let mut c = fx.client();
    c.ok("a1 SELECT INBOX");
    assert_eq!(c.run("a2 CHECK"), lines(&["a2 OK CHECK completed"]));
    fx.append_plain("INBOX", 2);
    assert_eq!(
        c.run("a3 CHECK"),
        lines(&["* 2 EXISTS", "* 2 RECENT", "a3 OK CHECK completed"])
    );
}
