//! COPY and MOVE with their UID forms (RFC 9051 §6.4.7–8, RFC 4315
//! COPYUID, RFC 6851 MOVE).

use dormouse_storage::SystemFlags;

use crate::selected_fixture::{Fixture, lines};

#[test]
fn rfc9051_copy_example_with_copyuid() {
    let fx = Fixture::new();
    fx.create("MEETING");
    fx.append_plain("INBOX", 4);
    let v = fx.uidvalidity("MEETING");
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("A003 COPY 2:4 MEETING"),
        lines(&[&format!("A003 OK [COPYUID {v} 2:4 1:3] COPY completed")])
    );
    assert_eq!(fx.status("MEETING").messages, 3);
    assert_eq!(fx.status("INBOX").messages, 4);
}

#[test]
fn rfc4315_copyuid_pairs_uids_in_order() {
    // RFC 4315's example: source UIDs 304,319:320 with gaps between them.
    let fx = Fixture::new();
    fx.create("MEETING");
    fx.append_plain("MEETING", 2);
    fx.append(
        "INBOX",
        &[
            SystemFlags::EMPTY,
            SystemFlags::DELETED,
            SystemFlags::EMPTY,
            SystemFlags::EMPTY,
        ],
    );
    let v = fx.uidvalidity("MEETING");
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    c.ok("s2 EXPUNGE");
    assert_eq!(
        c.run("A003 COPY 1:3 MEETING"),
        lines(&[&format!("A003 OK [COPYUID {v} 1,3:4 3:5] COPY completed")])
    );
}

#[test]
fn copy_keeps_flags_and_works_from_a_read_only_mailbox() {
    let fx = Fixture::new();
    fx.create("Saved");
    fx.append("INBOX", &[SystemFlags::SEEN]);
    let v = fx.uidvalidity("Saved");
    let mut c = fx.client();
    c.ok("s1 EXAMINE INBOX");
    assert_eq!(
        c.run("a1 UID COPY 1 Saved"),
        lines(&[&format!("a1 OK [COPYUID {v} 1 1] UID COPY completed")])
    );
    assert_eq!(fx.status("Saved").unseen, 0);
}

#[test]
fn copy_to_a_missing_mailbox_asks_to_create_it() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("a1 COPY 1 Nowhere"),
        lines(&["a1 NO [TRYCREATE] Mailbox does not exist"])
    );
    assert_eq!(
        c.run("a2 MOVE 1 Nowhere"),
        lines(&["a2 NO [TRYCREATE] Mailbox does not exist"])
    );
    assert_eq!(fx.status("INBOX").messages, 1);
}

#[test]
fn copy_into_the_same_mailbox_adds_messages() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 2);
    let v = fx.uidvalidity("INBOX");
    let mut c = fx.client();
    c.ok("e1 ENABLE IMAP4rev2");
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("a1 COPY 1:2 INBOX"),
        lines(&[
            "* 4 EXISTS",
            &format!("a1 OK [COPYUID {v} 1:2 3:4] COPY completed"),
        ])
    );
}

#[test]
fn uid_copy_of_nothing_is_ok_without_copyuid() {
    let fx = Fixture::new();
    fx.create("Saved");
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("a1 UID COPY 5:9 Saved"),
        lines(&["a1 OK UID COPY completed"])
    );
}

#[test]
fn rfc6851_uid_move_example() {
    let fx = Fixture::new();
    fx.create("foo");
    fx.append_plain("INBOX", 6);
    let v = fx.uidvalidity("foo");
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("a UID MOVE 2:4 foo"),
        lines(&[
            &format!("* OK [COPYUID {v} 2:4 1:3] Moved UIDs."),
            "* 2 EXPUNGE",
            "* 2 EXPUNGE",
            "* 2 EXPUNGE",
            "a OK UID MOVE completed",
        ])
    );
    assert_eq!(fx.status("INBOX").messages, 3);
    assert_eq!(fx.status("foo").messages, 3);
}

#[test]
fn rfc6851_move_with_qresync_sends_vanished() {
    let fx = Fixture::new();
    fx.create("foo");
    fx.append_plain("INBOX", 6);
    let v = fx.uidvalidity("foo");
    let mut c = fx.client();
    c.ok("e1 ENABLE QRESYNC");
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("a UID MOVE 2:4 foo"),
        lines(&[
            &format!("* OK [COPYUID {v} 2:4 1:3] Moved UIDs."),
            "* VANISHED 2:4",
            "a OK UID MOVE completed",
        ])
    );
}

#[test]
fn move_by_sequence_number_reports_its_expunges_at_once() {
    let fx = Fixture::new();
    fx.create("Bin");
    fx.append_plain("INBOX", 3);
    let v = fx.uidvalidity("Bin");
    let mut c = fx.client();
    c.ok("s1 SELECT INBOX");
    assert_eq!(
        c.run("a1 MOVE 1,3 Bin"),
        lines(&[
            &format!("* OK [COPYUID {v} 1,3 1:2] Moved UIDs."),
            "* 1 EXPUNGE",
            "* 2 EXPUNGE",
            "a1 OK MOVE completed",
        ])
    );
}

#[test]
fn move_from_an_examined_mailbox_is_refused() {
    let fx = Fixture::new();
    fx.create("Bin");
    fx.append_plain("INBOX", 1);
    let mut c = fx.client();
    c.ok("s1 EXAMINE INBOX");
    assert_eq!(
        c.run("a1 MOVE 1 Bin"),
        lines(&["a1 NO [CANNOT] Mailbox is read-only."])
    );
    assert_eq!(fx.status("Bin").messages, 0);
}
