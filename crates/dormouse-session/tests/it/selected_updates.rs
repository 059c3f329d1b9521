//! What a session hears about other sessions' changes, and when: flag
//! changes as FETCH (with UID under QRESYNC, MODSEQ under CONDSTORE), new
//! messages as EXISTS, expunges only where sequence numbers may move.

use crate::selected_fixture::{Fixture, lines};

fn other_sets_seen(fx: &Fixture) {
    let mut other = fx.client();
    other.ok("b1 SELECT INBOX");
    other.ok("b2 STORE 1 +FLAGS.SILENT (\\Seen)");
}

#[test]
fn flag_changes_are_fetch_flags() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("e1 ENABLE IMAP4rev2");
    c.ok("a1 SELECT INBOX");
    other_sets_seen(&fx);
    assert_eq!(
        c.run("a2 NOOP"),
        lines(&["* 1 FETCH (FLAGS (\\Seen))", "a2 OK NOOP completed"])
    );
}

#[test]
fn condstore_adds_modseq_and_qresync_the_uid() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("e1 ENABLE IMAP4rev2 CONDSTORE");
    c.ok("a1 SELECT INBOX");
    other_sets_seen(&fx);
    let m = fx.highest_modseq("INBOX");
    assert_eq!(
        c.run("a2 NOOP"),
        lines(&[
            &format!("* 1 FETCH (FLAGS (\\Seen) MODSEQ ({m}))"),
            "a2 OK NOOP completed"
        ])
    );
    let mut q = fx.client();
    q.ok("e1 ENABLE IMAP4rev2 QRESYNC");
    q.ok("a1 SELECT INBOX");
    let mut other = fx.client();
    other.ok("b1 SELECT INBOX");
    other.ok("b2 STORE 1 -FLAGS.SILENT (\\Seen)");
    let m = fx.highest_modseq("INBOX");
    assert_eq!(
        q.run("a2 NOOP"),
        lines(&[
            &format!("* 1 FETCH (UID 1 FLAGS () MODSEQ ({m}))"),
            "a2 OK NOOP completed"
        ])
    );
}

#[test]
fn new_messages_are_announced_even_during_store() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("e1 ENABLE IMAP4rev2");
    c.ok("a1 SELECT INBOX");
    fx.append_plain("INBOX", 2);
    assert_eq!(
        c.run("a2 STORE 1 +FLAGS (\\Answered)"),
        lines(&[
            "* 1 FETCH (FLAGS (\\Answered))",
            "* 3 EXISTS",
            "a2 OK STORE completed",
        ])
    );
}

#[test]
fn rev1_clients_hear_recent_with_exists() {
    let fx = Fixture::new();
    let mut c = fx.client();
    c.ok("a1 SELECT INBOX");
    fx.append_plain("INBOX", 2);
    assert_eq!(
        c.run("a2 NOOP"),
        lines(&["* 2 EXISTS", "* 2 RECENT", "a2 OK NOOP completed"])
    );
}

#[test]
fn a_read_only_session_sees_new_keywords_but_no_permanent_flags() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("e1 ENABLE IMAP4rev2");
    c.ok("a1 EXAMINE INBOX");
    let mut other = fx.client();
    other.ok("b1 SELECT INBOX");
    other.ok("b2 STORE 1 +FLAGS.SILENT (Todo)");
    assert_eq!(
        c.run("a2 NOOP"),
        lines(&[
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Todo)",
            "* OK [PERMANENTFLAGS ()] Read-only mailbox.",
            "* 1 FETCH (FLAGS (Todo))",
            "a2 OK NOOP completed",
        ])
    );
}
