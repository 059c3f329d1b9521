//! EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): which
//! messages go, and how the removals are numbered.

use dormouse_storage::SystemFlags;

use crate::selected_fixture::{Fixture, lines};

const D: SystemFlags = SystemFlags::DELETED;
const E: SystemFlags = SystemFlags::EMPTY;

#[test]
fn rfc9051_expunge_example() {
    // Messages 3, 4, 7 and 11 have \Deleted set; each EXPUNGE renumbers
    // the ones after it.
    let fx = Fixture::new();
    fx.append("INBOX", &[E, E, D, D, E, E, D, E, E, E, D]);
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("A202 EXPUNGE"),
        lines(&[
            "* 3 EXPUNGE",
            "* 3 EXPUNGE",
            "* 5 EXPUNGE",
            "* 8 EXPUNGE",
            "A202 OK EXPUNGE completed",
        ])
    );
    assert_eq!(fx.status("INBOX").messages, 7);
    assert_eq!(c.run("A203 EXPUNGE"), lines(&["A203 OK EXPUNGE completed"]));
}

#[test]
fn rfc4315_uid_expunge_removes_only_deleted_messages_in_the_set() {
    let fx = Fixture::new();
    fx.append("INBOX", &[D, E, D, D, D, D]);
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("A003 UID EXPUNGE 2:5"),
        lines(&[
            "* 3 EXPUNGE",
            "* 3 EXPUNGE",
            "* 3 EXPUNGE",
            "A003 OK UID EXPUNGE completed",
        ])
    );
    // UIDs 1 and 6 are still there, \Deleted and all.
    assert_eq!(fx.status("INBOX").messages, 3);
    assert_eq!(fx.status("INBOX").deleted, 2);
}

#[test]
fn with_qresync_expunges_are_vanished_uids() {
    let fx = Fixture::new();
    fx.append("INBOX", &[E, E, D, D, E, E, D, E, E, E, D]);
    let mut c = fx.client();
    c.ok("e1 ENABLE QRESYNC");
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("A202 EXPUNGE"),
        lines(&["* VANISHED 3:4,7,11", "A202 OK EXPUNGE completed"])
    );
}

#[test]
fn expunge_in_an_examined_mailbox_is_refused() {
    let fx = Fixture::new();
    fx.append("INBOX", &[D]);
    let mut c = fx.client();
    c.ok("s1 EXAMINE INBOX");
    assert_eq!(
        c.run("a1 EXPUNGE"),
        lines(&["a1 NO [CANNOT] Mailbox is read-only."])
    );
    assert_eq!(
        c.run("a2 UID EXPUNGE 1"),
        lines(&["a2 NO [CANNOT] Mailbox is read-only."])
    );
    assert_eq!(fx.status("INBOX").messages, 1);
}

#[test]
fn expunged_messages_leave_other_sessions_only_when_they_may_hear_it() {
    let fx = Fixture::new();
    fx.append("INBOX", &[E, D, E]);
    let mut a = fx.client();
    a.ok("a1 SELECT INBOX");
    let mut b = fx.client();
    b.ok("b1 SELECT INBOX");
    b.ok("b2 EXPUNGE");
    // STORE by sequence number must not see sequence numbers shift
    // (RFC 9051 §7.5.1): message 3 is still number 3.
    assert_eq!(
        a.run("a2 STORE 3 +FLAGS (\\Flagged)"),
        lines(&[
            "* 3 FETCH (FLAGS (\\Flagged \\Recent))",
            "a2 OK STORE completed",
        ])
    );
    assert_eq!(
        a.run("a3 NOOP"),
        lines(&["* 2 EXPUNGE", "a3 OK NOOP completed"])
    );
    // UID STORE may hear it at once.
    b.ok("b3 STORE 1 +FLAGS.SILENT (\\Deleted)");
    b.ok("b4 EXPUNGE");
    assert_eq!(
        a.run("a4 UID STORE 3 +FLAGS (\\Seen)"),
        lines(&[
            "* 2 FETCH (UID 3 FLAGS (\\Flagged \\Seen \\Recent))",
            "* 1 EXPUNGE",
            "a4 OK UID STORE completed",
        ])
    );
}
