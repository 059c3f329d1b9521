//! Two real connections on one mailbox see each other's changes at the
//! moments RFC 9051 §7.5.1 allows: flag changes and new messages at the
//! next command, expunges only where sequence numbers may move (not during
//! FETCH, STORE or SEARCH by sequence number; at NOOP and UID commands).

use crate::harness::{Client, TestServer, logged_in, ok};

/// Appends `n` small messages to INBOX with LITERAL+.
async fn append(c: &mut Client, n: usize) {
    for i in 0..n {
        let body = format!("Subject: {i}\r\n\r\nmessage {i}\r\n");
        let command = format!("ap APPEND INBOX {{{}+}}\r\n{body}\r\n", body.len());
        c.send(command.as_bytes()).await;
        let lines = c.until_tagged("ap").await;
        assert!(
            lines.last().is_some_and(|l| l.starts_with("ap OK")),
            "{lines:?}"
        );
    }
}

fn crlf(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flag_changes_and_new_messages_reach_the_other_session() {
    let server = TestServer::start().await;
    let mut a = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    let mut b = logged_in(server.connect().await, &["ENABLE IMAP4rev2"]).await;
    append(&mut b, 2).await;
    assert_eq!(ok(&mut a, "a1", "NOOP").await, crlf(&["* 2 EXISTS"]));
    ok(&mut b, "b1", "SELECT INBOX").await;
    ok(&mut b, "b2", "STORE 2 +FLAGS.SILENT (\\Flagged $Work)").await;
    assert_eq!(
        ok(&mut a, "a2", "NOOP").await,
        crlf(&[
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted.",
            "* 2 FETCH (FLAGS (\\Flagged $Work))",
        ])
    );
    // Nothing is reported twice.
    assert_eq!(ok(&mut a, "a3", "NOOP").await, crlf(&[]));
    // New messages are announced even during a STORE by sequence number.
    append(&mut b, 1).await;
    assert_eq!(
        ok(&mut a, "a4", "STORE 1 +FLAGS (\\Seen)").await,
        crlf(&["* 1 FETCH (FLAGS (\\Seen))", "* 3 EXISTS"])
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expunges_wait_until_sequence_numbers_may_change() {
    let server = TestServer::start().await;
    let mut b = logged_in(server.connect().await, &["ENABLE IMAP4rev2"]).await;
    append(&mut b, 4).await;
    let mut a = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    ok(&mut b, "b1", "SELECT INBOX").await;
    ok(&mut b, "b2", "STORE 2 +FLAGS.SILENT (\\Deleted)").await;
    ok(&mut b, "b3", "EXPUNGE").await;

    // STORE, FETCH and SEARCH by sequence number keep the old numbers: 4
    // is still the last message and no EXPUNGE is sent.
    assert_eq!(
        ok(&mut a, "a1", "STORE 4 +FLAGS (\\Answered)").await,
        crlf(&["* 4 FETCH (FLAGS (\\Answered))"])
    );
    for (tag, command) in [("a2", "FETCH 4 (FLAGS)"), ("a3", "SEARCH ANSWERED")] {
        let lines = a.command(tag, command).await;
        assert!(
            !lines.iter().any(|l| l.trim_end().ends_with(" EXPUNGE")),
            "{command}: {lines:?}"
        );
    }
    // NOOP delivers it.
    assert_eq!(ok(&mut a, "a4", "NOOP").await, crlf(&["* 2 EXPUNGE"]));
    assert_eq!(
        ok(&mut a, "a5", "STORE 3 -FLAGS (\\Answered)").await,
        crlf(&["* 3 FETCH (FLAGS ())"])
    );

    // A UID command may hear an expunge right away, after its own answer.
    ok(&mut b, "b4", "STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    ok(&mut b, "b5", "EXPUNGE").await;
    assert_eq!(
        ok(&mut a, "a6", "UID STORE 3 +FLAGS (\\Seen)").await,
        crlf(&["* 2 FETCH (UID 3 FLAGS (\\Seen))", "* 1 EXPUNGE"])
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn condstore_and_qresync_sessions_hear_modseqs_and_vanished_uids() {
    let server = TestServer::start().await;
    let mut b = logged_in(server.connect().await, &["ENABLE IMAP4rev2"]).await;
    append(&mut b, 3).await;
    let mut q = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2 QRESYNC", "SELECT INBOX"],
    )
    .await;
    let mut c = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX (CONDSTORE)"],
    )
    .await;
    ok(&mut b, "b1", "SELECT INBOX").await;
    ok(&mut b, "b2", "STORE 1 +FLAGS.SILENT (\\Seen)").await;
    assert_eq!(
        ok(&mut q, "q1", "NOOP").await,
        crlf(&["* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (5))"])
    );
    assert_eq!(
        ok(&mut c, "c1", "NOOP").await,
        crlf(&["* 1 FETCH (FLAGS (\\Seen) MODSEQ (5))"])
    );
    // MOVE elsewhere is an expunge for everyone else.
    ok(&mut b, "b3", "MOVE 2:3 Archive").await;
    assert_eq!(ok(&mut q, "q2", "NOOP").await, crlf(&["* VANISHED 2:3"]));
    assert_eq!(
        ok(&mut c, "c2", "NOOP").await,
        crlf(&["* 2 EXPUNGE", "* 2 EXPUNGE"])
    );
    server.stop().await;
}
