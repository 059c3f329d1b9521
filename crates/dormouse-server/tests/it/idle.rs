//! IDLE (RFC 2177) over real sockets: changes made by other sessions and by
//! other programs reach an idling client at once, keepalives and the IDLE
//! timeout fire, DONE pipelined with the next command works, and a client
//! that stops reading is cut off without holding up anyone else.

use std::time::Duration;

use tokio::io::AsyncWriteExt;

use crate::harness::{Client, TestServer, append, logged_in, ok};

async fn start_idle(c: &mut Client, tag: &str) {
    c.send(format!("{tag} IDLE\r\n").as_bytes()).await;
    assert_eq!(c.line().await, "+ idling\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idling_client_sees_each_append_as_exists_with_the_right_count() {
    let server = TestServer::start().await;
    let mut writer = logged_in(server.connect().await, &[]).await;
    append(&mut writer, "before").await;
    let mut idler = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    start_idle(&mut idler, "i1").await;
    for n in 2..=4 {
        append(&mut writer, &format!("m{n}")).await;
        assert_eq!(idler.line().await, format!("* {n} EXISTS\r\n"));
    }
    idler.send(b"DONE\r\n").await;
    assert_eq!(idler.line().await, "i1 OK IDLE terminated\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rev1_idlers_hear_recent_too_and_the_first_idle_flushes_pending_updates() {
    let server = TestServer::start().await;
    let mut writer = logged_in(server.connect().await, &[]).await;
    let mut idler = logged_in(server.connect().await, &["SELECT INBOX"]).await;
    // Appended before IDLE: reported right after the continuation.
    append(&mut writer, "early").await;
    start_idle(&mut idler, "i1").await;
    assert_eq!(idler.line().await, "* 1 EXISTS\r\n");
    assert_eq!(idler.line().await, "* 1 RECENT\r\n");
    append(&mut writer, "late").await;
    assert_eq!(idler.line().await, "* 2 EXISTS\r\n");
    assert_eq!(idler.line().await, "* 2 RECENT\r\n");
    idler.send(b"done\r\n").await;
    assert_eq!(idler.line().await, "i1 OK IDLE terminated\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flag_changes_and_expunges_from_another_session_show_up_in_idle() {
    let server = TestServer::start().await;
    let mut other = logged_in(server.connect().await, &["ENABLE IMAP4rev2"]).await;
    for i in 0..3 {
        append(&mut other, &format!("m{i}")).await;
    }
    ok(&mut other, "o1", "SELECT INBOX").await;
    let mut idler = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    start_idle(&mut idler, "i1").await;

    ok(&mut other, "o2", "STORE 2 +FLAGS.SILENT (\\Flagged)").await;
    assert_eq!(idler.line().await, "* 2 FETCH (FLAGS (\\Flagged))\r\n");
    ok(&mut other, "o3", "STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    assert_eq!(idler.line().await, "* 1 FETCH (FLAGS (\\Deleted))\r\n");
    ok(&mut other, "o4", "EXPUNGE").await;
    assert_eq!(idler.line().await, "* 1 EXPUNGE\r\n");

    idler.send(b"DONE\r\n").await;
    assert_eq!(idler.line().await, "i1 OK IDLE terminated\r\n");
    // The idler's numbering followed: message 1 is now the flagged one.
    assert_eq!(
        ok(&mut idler, "f", "FETCH 1 (FLAGS)").await,
        vec!["* 1 FETCH (FLAGS (\\Flagged))\r\n".to_string()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn condstore_and_qresync_idlers_get_modseq_and_vanished() {
    let server = TestServer::start().await;
    let mut other = logged_in(server.connect().await, &["ENABLE IMAP4rev2"]).await;
    append(&mut other, "a").await;
    append(&mut other, "b").await;
    ok(&mut other, "o1", "SELECT INBOX").await;
    let mut idler = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2 QRESYNC", "SELECT INBOX"],
    )
    .await;
    start_idle(&mut idler, "i1").await;
    ok(&mut other, "o2", "UID STORE 2 +FLAGS.SILENT (\\Seen)").await;
    let fetch = idler.line().await;
    assert!(
        fetch.starts_with("* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ ("),
        "{fetch:?}"
    );
    ok(&mut other, "o3", "UID STORE 1 +FLAGS.SILENT (\\Deleted)").await;
    idler.line().await;
    ok(&mut other, "o4", "UID EXPUNGE 1").await;
    assert_eq!(idler.line().await, "* VANISHED 1\r\n");
    idler.send(b"DONE\r\n").await;
    assert_eq!(idler.line().await, "i1 OK IDLE terminated\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_another_program_drops_into_new_shows_up() {
    let server = TestServer::start().await;
    let mut idler = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    start_idle(&mut idler, "i1").await;
    let maildir = server.data_dir().join("mail").join("alice");
    // Written the way an MTA does: into tmp/, then renamed into new/.
    let tmp = maildir.join("tmp").join("1700000000.M1P1.mta");
    std::fs::write(&tmp, "Subject: from outside\r\n\r\nhello\r\n").expect("write");
    std::fs::rename(&tmp, maildir.join("new").join("1700000000.M1P1.mta")).expect("rename");
    assert_eq!(idler.line().await, "* 1 EXISTS\r\n");
    // And one removed by another program is an expunge.
    idler.send(b"DONE\r\n").await;
    assert_eq!(idler.line().await, "i1 OK IDLE terminated\r\n");
    let fetched = ok(
        &mut idler,
        "f",
        "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
    )
    .await;
    assert!(fetched.concat().contains("from outside"), "{fetched:?}");
    start_idle(&mut idler, "i2").await;
    for entry in std::fs::read_dir(maildir.join("cur")).expect("cur") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove");
    }
    for entry in std::fs::read_dir(maildir.join("new")).expect("new") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove");
    }
    assert_eq!(idler.line().await, "* 1 EXPUNGE\r\n");
    idler.send(b"DONE\r\n").await;
    assert_eq!(idler.line().await, "i2 OK IDLE terminated\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn done_pipelined_with_the_next_command_is_answered_in_order() {
    let server = TestServer::start().await;
    let mut c = logged_in(server.connect().await, &["SELECT INBOX"]).await;
    start_idle(&mut c, "i1").await;
    c.send(b"DONE\r\nn1 NOOP\r\ni2 IDLE\r\nDONE\r\n").await;
    assert_eq!(c.line().await, "i1 OK IDLE terminated\r\n");
    assert_eq!(c.line().await, "n1 OK NOOP completed\r\n");
    assert_eq!(c.line().await, "+ idling\r\n");
    assert_eq!(c.line().await, "i2 OK IDLE terminated\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anything_but_done_ends_idle_with_bad() {
    let server = TestServer::start().await;
    let mut c = logged_in(server.connect().await, &[]).await;
    // IDLE works without a selected mailbox too (RFC 2177).
    start_idle(&mut c, "i1").await;
    c.send(b"n1 NOOP\r\n").await;
    assert_eq!(c.line().await, "i1 BAD Expected DONE\r\n");
    assert_eq!(ok(&mut c, "n2", "NOOP").await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keepalives_come_while_idling_and_the_idle_timeout_says_bye() {
    let server =
        TestServer::start_with("[timeouts]\nidle_keepalive = \"1s\"\nidle_timeout = \"3s\"\n")
            .await;
    let mut c = logged_in(server.connect().await, &["SELECT INBOX"]).await;
    start_idle(&mut c, "i1").await;
    assert_eq!(c.line().await, "* OK Still here\r\n");
    assert_eq!(c.line().await, "* OK Still here\r\n");
    // Keepalives are output, not input: they do not extend the IDLE.
    let rest = c.lines_until_closed().await;
    assert_eq!(
        rest.last().map(String::as_str),
        Some("* BYE IDLE for too long; please re-issue IDLE every 29 minutes\r\n"),
        "{rest:?}"
    );
}

/// A client that IDLEs and never reads: its socket buffers fill, the
/// server stops producing for it (one sync's output at most is held), and
/// `write_stall` later it is disconnected, while another idler on the
/// same mailbox keeps getting its notifications at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_cut_off_without_slowing_the_others() {
    let server = TestServer::start_with("[timeouts]\nwrite_stall = \"2s\"\n").await;
    let mut writer = logged_in(server.connect().await, &["ENABLE IMAP4rev2"]).await;
    // Many messages, so that each flag flip is a lot of FETCH output.
    let mut literal = Vec::new();
    for i in 0..300 {
        let body = format!("Subject: {i}\r\n\r\nx\r\n");
        literal.extend_from_slice(format!(" {{{}+}}\r\n{body}", body.len()).as_bytes());
    }
    let mut multi = b"ap APPEND INBOX".to_vec();
    multi.extend_from_slice(&literal);
    multi.extend_from_slice(b"\r\n");
    writer.send(&multi).await;
    let done = writer.until_tagged("ap").await;
    assert!(
        done.last().is_some_and(|l| l.starts_with("ap OK")),
        "{done:?}"
    );
    ok(&mut writer, "w0", "SELECT INBOX").await;
    // Long keyword names make every FETCH about a message some 2 KiB, so
    // each flip below is ~600 KiB of output per idler.
    let keywords: Vec<String> = (0..50)
        .map(|k| format!("$a-rather-long-keyword-name-number-{k:02}"))
        .collect();
    let tag_all = format!("STORE 1:* +FLAGS.SILENT ({})", keywords.join(" "));
    ok(&mut writer, "wk", &tag_all).await;

    // The stalled client: a tiny receive buffer, so the server's writes
    // block after little output.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("rcvbuf");
    let stream = socket.connect(server.addr).await.expect("connect");
    let mut stalled = stream;
    stalled
        .write_all(b"l LOGIN alice wonderland\r\ns SELECT INBOX\r\ni IDLE\r\n")
        .await
        .expect("send");

    let mut watcher = logged_in(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    start_idle(&mut watcher, "wi").await;

    let started = std::time::Instant::now();
    let mut heard = 0usize;
    for round in 0..16 {
        let change = if round % 2 == 0 { "+" } else { "-" };
        let change = format!("{change}FLAGS.SILENT (\\Seen)");
        ok(
            &mut writer,
            &format!("w{round}"),
            &format!("STORE 1:* {change}"),
        )
        .await;
        // The watcher hears about the change at once, stalled or not.
        for n in 0..300 {
            let line = watcher.line().await;
            if n == 0 {
                assert!(line.starts_with("* 1 FETCH (FLAGS ("), "{line:?}");
            }
            heard += line.len();
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "writes to the others were held up"
    );
    // Past the stall bound the server has hung up on the stalled client:
    // reading now drains what the kernel buffered and then meets the end,
    // well short of everything the watcher heard.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut drained = Vec::new();
    let read = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::io::AsyncReadExt::read_to_end(&mut stalled, &mut drained),
    )
    .await;
    assert!(read.is_ok(), "the stalled client was not disconnected");
    assert!(
        drained.len() < heard / 2,
        "read {} of {heard} bytes",
        drained.len()
    );
    watcher.send(b"DONE\r\n").await;
    assert_eq!(watcher.line().await, "wi OK IDLE terminated\r\n");
}

/// A mailbox deleted under an idling session ends the session with BYE,
/// as Dovecot does (a hibernated one says the same when it wakes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_idlers_mailbox_says_bye() {
    let server = TestServer::start().await;
    let mut other = logged_in(server.connect().await, &["CREATE Lists"]).await;
    let mut idler = logged_in(server.connect().await, &["SELECT Lists"]).await;
    start_idle(&mut idler, "i").await;
    ok(&mut other, "d", "DELETE Lists").await;
    assert_eq!(
        idler.line().await,
        "* BYE Selected mailbox was deleted, have to disconnect.\r\n"
    );
    assert_eq!(idler.line().await, "");
}
