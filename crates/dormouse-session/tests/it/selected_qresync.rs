//! SELECT and EXAMINE with QRESYNC (RFC 7162 §3.2.5): a client that cached
//! the mailbox hears what vanished and what changed since its modseq.

use crate::selected_fixture::{Client, Fixture, lines};

/// Ten messages seen by a first session; then, from another session,
/// UID 3 gets \Seen, UID 9 a keyword, UIDs 2, 5 and 6 are expunged and a
/// message arrives (UID 11). Returns the modseq the first session knew.
fn changed_mailbox(fx: &Fixture) -> u64 {
    fx.append_plain("INBOX", 10);
    let mut first = fx.client();
    first.ok("a1 SELECT INBOX");
    let known = fx.highest_modseq("INBOX");
    let mut other = fx.client();
    other.ok("b1 SELECT INBOX");
    other.ok("b2 UID STORE 3 +FLAGS (\\Seen)");
    other.ok("b3 UID STORE 9 +FLAGS ($NotJunk)");
    other.ok("b4 UID STORE 2,5:6 +FLAGS (\\Deleted)");
    other.ok("b5 EXPUNGE");
    fx.append_plain("INBOX", 1);
    known
}

fn qresync_client(fx: &Fixture) -> Client {
    let mut c = fx.client();
    c.ok("e1 ENABLE QRESYNC");
    c
}

#[test]
fn qresync_needs_enable() {
    let fx = Fixture::new();
    let v = fx.uidvalidity("INBOX");
    let mut c = fx.client();
    assert_eq!(
        c.run(&format!("a1 SELECT INBOX (QRESYNC ({v} 1))")),
        lines(&["a1 BAD QRESYNC is not enabled"])
    );
}

#[test]
fn rfc7162_select_with_qresync_example() {
    let fx = Fixture::new();
    let known = changed_mailbox(&fx);
    let v = fx.uidvalidity("INBOX");
    let m = fx.highest_modseq("INBOX");
    let mut c = qresync_client(&fx);
    assert_eq!(
        c.run(&format!("A03 SELECT INBOX (QRESYNC ({v} {known} 1:10))")),
        lines(&[
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $NotJunk)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $NotJunk \\*)] Flags permitted.",
            "* 8 EXISTS",
            "* 1 RECENT",
            "* OK [UNSEEN 1] First unseen.",
            &format!("* OK [UIDVALIDITY {v}] UIDs valid"),
            "* OK [UIDNEXT 12] Predicted next UID",
            &format!("* OK [HIGHESTMODSEQ {m}] Highest"),
            "* VANISHED (EARLIER) 2,5:6",
            &format!(
                "* 2 FETCH (UID 3 FLAGS (\\Seen) MODSEQ ({}))",
                fx.modseq_of("INBOX", 3)
            ),
            &format!(
                "* 6 FETCH (UID 9 FLAGS ($NotJunk) MODSEQ ({}))",
                fx.modseq_of("INBOX", 9)
            ),
            "A03 OK [READ-WRITE] SELECT completed",
        ])
    );
}

#[test]
fn without_known_uids_new_messages_are_fetched_too() {
    let fx = Fixture::new();
    let known = changed_mailbox(&fx);
    let v = fx.uidvalidity("INBOX");
    let mut c = qresync_client(&fx);
    let got = c.ok(&format!("A03 EXAMINE INBOX (QRESYNC ({v} {known}))"));
    let tail: Vec<String> = got
        .iter()
        .skip_while(|l| !l.contains("VANISHED"))
        .cloned()
        .collect();
    assert_eq!(
        tail,
        lines(&[
            "* VANISHED (EARLIER) 2,5:6",
            &format!(
                "* 2 FETCH (UID 3 FLAGS (\\Seen) MODSEQ ({}))",
                fx.modseq_of("INBOX", 3)
            ),
            &format!(
                "* 6 FETCH (UID 9 FLAGS ($NotJunk) MODSEQ ({}))",
                fx.modseq_of("INBOX", 9)
            ),
            &format!(
                "* 8 FETCH (UID 11 FLAGS () MODSEQ ({}))",
                fx.modseq_of("INBOX", 11)
            ),
        ])
    );
}

#[test]
fn known_uids_limit_what_is_reported() {
    let fx = Fixture::new();
    let known = changed_mailbox(&fx);
    let v = fx.uidvalidity("INBOX");
    let mut c = qresync_client(&fx);
    let got = c.ok(&format!("a1 SELECT INBOX (QRESYNC ({v} {known} 4:8))"));
    let tail: Vec<String> = got
        .iter()
        .skip_while(|l| !l.contains("VANISHED"))
        .cloned()
        .collect();
    assert_eq!(tail, lines(&["* VANISHED (EARLIER) 5:6"]));
}

#[test]
fn matching_sequence_data_drops_expunges_the_client_has_seen() {
    let fx = Fixture::new();
    let known = changed_mailbox(&fx);
    let v = fx.uidvalidity("INBOX");
    let mut c = qresync_client(&fx);
    // The client knows message 2 is UID 3: UID 2 is gone as far as it
    // knows, so only 5 and 6 are news.
    let got = c.ok(&format!(
        "a1 SELECT INBOX (QRESYNC ({v} {known} 1:10 (1:2 1,3)))"
    ));
    assert!(
        got.contains(&"* VANISHED (EARLIER) 5:6".to_string()),
        "{got:?}"
    );
    // A pair that no longer matches stops the shortcut.
    let mut d = qresync_client(&fx);
    let got = d.ok(&format!(
        "a1 SELECT INBOX (QRESYNC ({v} {known} 1:10 (1:2 1:2)))"
    ));
    assert!(
        got.contains(&"* VANISHED (EARLIER) 2,5:6".to_string()),
        "{got:?}"
    );
}

#[test]
fn a_stale_uidvalidity_gets_a_plain_select() {
    let fx = Fixture::new();
    let known = changed_mailbox(&fx);
    let v = fx.uidvalidity("INBOX");
    let mut c = qresync_client(&fx);
    let got = c.ok(&format!("a1 SELECT INBOX (QRESYNC ({} {known}))", v + 1));
    assert!(
        !got.iter()
            .any(|l| l.contains("VANISHED") || l.contains("FETCH")),
        "{got:?}"
    );
    assert_eq!(got.len(), 8, "{got:?}");
}

#[test]
fn malformed_qresync_data_is_bad() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 2);
    let v = fx.uidvalidity("INBOX");
    let mut c = qresync_client(&fx);
    assert_eq!(
        c.run(&format!("a1 SELECT INBOX (QRESYNC ({v} 1 1:*))")),
        lines(&["a1 BAD Invalid QRESYNC parameters: known-uids may not use * or $"])
    );
    assert_eq!(
        c.run(&format!("a2 SELECT INBOX (QRESYNC ({v} 1 1:2 (1:2 1:3)))")),
        lines(&["a2 BAD Invalid QRESYNC parameters: the seq-match sets differ in size"])
    );
}

#[test]
fn enable_qresync_implies_condstore() {
    let fx = Fixture::new();
    let mut c = fx.client();
    assert_eq!(
        c.run("e1 ENABLE QRESYNC"),
        lines(&["* ENABLED QRESYNC", "e1 OK ENABLE completed"])
    );
    assert_eq!(
        c.run("e2 ENABLE CONDSTORE"),
        lines(&["* ENABLED", "e2 OK ENABLE completed"])
    );
}
