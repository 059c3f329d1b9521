//! Hibernation over real sockets, with `hibernate_after = 0s` so sessions
//! park as soon as they are idle: a parked session wakes on input of any
//! kind and on changes to its mailbox, keeps its keepalives and timeouts,
//! and says exactly what a never-parked twin (on the listener that never
//! hibernates) says.

use std::time::Duration;

use crate::harness::{Client, TestServer, append, logged_in as login, ok};

const PARK_AT_ONCE: &str = "[timeouts]\nhibernate_after = \"0s\"\n";

/// Waits until `n` sessions are hibernated.
async fn parked(server: &TestServer, n: usize) {
    for _ in 0..500 {
        if server.stats.hibernated() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "expected {n} hibernated sessions, have {} of {}",
        server.stats.hibernated(),
        server.stats.sessions()
    );
}

/// A session on the listener that never hibernates, to make changes.
async fn actor(server: &TestServer) -> Client {
    login(
        Client::connect(server.awake_addr).await,
        &["ENABLE IMAP4rev2"],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_idle_session_hears_every_change_and_wakes_on_done() {
    let server = TestServer::start_with(PARK_AT_ONCE).await;
    let mut other = actor(&server).await;
    append(&mut other, "first").await;
    ok(&mut other, "o0", "SELECT INBOX").await;
    let mut idler = login(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    idler.send(b"i IDLE\r\n").await;
    assert_eq!(idler.line().await, "+ idling\r\n");
    parked(&server, 1).await;

    append(&mut other, "second").await;
    assert_eq!(idler.line().await, "* 2 EXISTS\r\n");
    parked(&server, 1).await;
    ok(&mut other, "o1", "STORE 1 +FLAGS.SILENT (\\Flagged)").await;
    assert_eq!(idler.line().await, "* 1 FETCH (FLAGS (\\Flagged))\r\n");
    parked(&server, 1).await;
    ok(&mut other, "o2", "STORE 2 +FLAGS.SILENT (\\Deleted)").await;
    assert_eq!(idler.line().await, "* 2 FETCH (FLAGS (\\Deleted))\r\n");
    ok(&mut other, "o3", "EXPUNGE").await;
    assert_eq!(idler.line().await, "* 2 EXPUNGE\r\n");
    parked(&server, 1).await;

    idler.send(b"DONE\r\n").await;
    assert_eq!(idler.line().await, "i OK IDLE terminated\r\n");
    assert_eq!(
        ok(&mut idler, "f", "FETCH 1:* (FLAGS)").await,
        vec!["* 1 FETCH (FLAGS (\\Flagged))\r\n".to_string()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_polling_session_wakes_on_its_next_command_with_the_updates() {
    let server = TestServer::start_with(PARK_AT_ONCE).await;
    let mut poller = login(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    parked(&server, 1).await;
    let mut other = actor(&server).await;
    append(&mut other, "a").await;
    append(&mut other, "b").await;
    // Not in IDLE: nothing is sent until the client asks.
    assert_eq!(ok(&mut poller, "n1", "NOOP").await, vec!["* 2 EXISTS\r\n"]);
    parked(&server, 1).await;
    // A command in several packets, a literal included, wakes it too.
    poller.send(b"s SEARCH SUBJECT {1}\r\n").await;
    assert_eq!(poller.line().await, "+ Ready for literal data\r\n");
    poller.send(b"b\r\n").await;
    assert_eq!(poller.line().await, "* ESEARCH (TAG \"s\") ALL 2\r\n");
    assert_eq!(poller.line().await, "s OK SEARCH completed\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_a_hangup_and_a_pipelined_burst_all_wake_a_parked_session() {
    let server = TestServer::start_with(PARK_AT_ONCE).await;
    let mut c = login(server.connect().await, &["SELECT INBOX"]).await;
    c.send(b"i IDLE\r\n").await;
    assert_eq!(c.line().await, "+ idling\r\n");
    parked(&server, 1).await;
    c.send(b"\x01\x02 nonsense\r\n").await;
    assert_eq!(c.line().await, "i BAD Expected DONE\r\n");
    parked(&server, 1).await;
    c.send(b"a NOOP\r\nb IDLE\r\nDONE\r\nc LOGOUT\r\n").await;
    assert_eq!(c.line().await, "a OK NOOP completed\r\n");
    assert_eq!(c.line().await, "+ idling\r\n");
    assert_eq!(c.line().await, "b OK IDLE terminated\r\n");
    assert!(c.line().await.starts_with("* BYE"));
    assert_eq!(c.line().await, "c OK LOGOUT completed\r\n");

    // A client that just goes away while parked is cleaned up.
    let c2 = login(server.connect().await, &[]).await;
    parked(&server, 1).await;
    drop(c2);
    parked(&server, 0).await;
    for _ in 0..500 {
        if server.stats.sessions() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.stats.sessions(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keepalives_and_the_idle_timeout_work_while_parked() {
    let server = TestServer::start_with(
        "[timeouts]\nhibernate_after = \"0s\"\nidle_keepalive = \"1s\"\nidle_timeout = \"4s\"\n",
    )
    .await;
    let mut c = login(server.connect().await, &["SELECT INBOX"]).await;
    c.send(b"i IDLE\r\n").await;
    assert_eq!(c.line().await, "+ idling\r\n");
    parked(&server, 1).await;
    assert_eq!(c.line().await, "* OK Still here\r\n");
    assert_eq!(c.line().await, "* OK Still here\r\n");
    // Still parked between keepalives: the wheel writes them.
    assert_eq!(server.stats.hibernated(), 1);
    let rest = c.lines_until_closed().await;
    assert_eq!(
        rest.last().map(String::as_str),
        Some("* BYE IDLE for too long; please re-issue IDLE every 29 minutes\r\n"),
        "{rest:?}"
    );
    parked(&server, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autologout_reaches_a_parked_session() {
    let server =
        TestServer::start_with("[timeouts]\nhibernate_after = \"0s\"\nautologout = \"2s\"\n").await;
    let mut c = login(server.connect().await, &[]).await;
    parked(&server, 1).await;
    assert_eq!(c.line().await, "* BYE Autologout; idle for too long\r\n");
    assert_eq!(c.line().await, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_says_bye_to_parked_sessions() {
    let server = TestServer::start_with(PARK_AT_ONCE).await;
    let mut c = login(server.connect().await, &["SELECT INBOX"]).await;
    c.send(b"i IDLE\r\n").await;
    assert_eq!(c.line().await, "+ idling\r\n");
    parked(&server, 1).await;
    server.stop().await;
    assert_eq!(c.line().await, "* BYE Server shutting down\r\n");
}

/// The same client script on a parking listener and on the never-parking
/// one, with changes in between: both must receive the same bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_session_says_exactly_what_its_awake_twin_says() {
    let server = TestServer::start_with(PARK_AT_ONCE).await;
    let mut other = actor(&server).await;
    for i in 0..5 {
        append(&mut other, &format!("m{i}")).await;
    }
    ok(&mut other, "o", "SELECT INBOX").await;
    let setup = ["ENABLE IMAP4rev2 QRESYNC", "SELECT INBOX"];
    let mut sleeper = login(server.connect().await, &setup).await;
    let mut twin = login(Client::connect(server.awake_addr).await, &setup).await;

    let changes: [&str; 5] = [
        "UID STORE 2 +FLAGS.SILENT (\\Seen $Work)",
        "UID STORE 3 +FLAGS.SILENT (\\Deleted)",
        "UID EXPUNGE 3",
        "APPEND",
        "UID STORE 1:* -FLAGS.SILENT (\\Seen)",
    ];
    let mut heard_sleeper = Vec::new();
    let mut heard_twin = Vec::new();
    for (round, change) in changes.iter().enumerate() {
        for c in [&mut sleeper, &mut twin] {
            c.send(format!("i{round} IDLE\r\n").as_bytes()).await;
            assert_eq!(c.line().await, "+ idling\r\n");
        }
        parked(&server, 1).await;
        if *change == "APPEND" {
            append(&mut other, "late").await;
        } else {
            ok(&mut other, &format!("c{round}"), change).await;
        }
        // Let both hear the change, then end the IDLE.
        tokio::time::sleep(Duration::from_millis(100)).await;
        for (c, heard) in [
            (&mut sleeper, &mut heard_sleeper),
            (&mut twin, &mut heard_twin),
        ] {
            c.send(b"DONE\r\n").await;
            heard.extend(c.until_tagged(&format!("i{round}")).await);
            heard.extend(
                c.command(&format!("n{round}"), "UID FETCH 1:* (FLAGS)")
                    .await,
            );
        }
    }
    assert_eq!(heard_sleeper, heard_twin);
    // And it did carry the news.
    assert!(
        heard_sleeper.iter().any(|l| l.contains("VANISHED 3")),
        "{heard_sleeper:?}"
    );
}

/// DONE and the next IDLE are answered by the reactor from the record,
/// without waking the session, as long as nothing changed meanwhile; a
/// change noted while parked outside IDLE wakes it at the next IDLE, which
/// then reports it as a never-parked session would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn done_and_idle_are_answered_without_waking_until_something_changes() {
    let server = TestServer::start_with("[timeouts]\nhibernate_after = \"1s\"\n").await;
    let mut c = login(
        server.connect().await,
        &["ENABLE IMAP4rev2", "SELECT INBOX"],
    )
    .await;
    c.send(b"i IDLE\r\n").await;
    assert_eq!(c.line().await, "+ idling\r\n");
    parked(&server, 1).await;
    let mut tag = "i".to_string();
    for round in 0..3 {
        c.send(b"DONE\r\n").await;
        assert_eq!(c.line().await, format!("{tag} OK IDLE terminated\r\n"));
        // Woken, it would stay awake for `hibernate_after`.
        assert_eq!(server.stats.hibernated(), 1);
        tag = format!("j{round}");
        c.send(format!("{tag} IDLE\r\n").as_bytes()).await;
        assert_eq!(c.line().await, "+ idling\r\n");
        assert_eq!(server.stats.hibernated(), 1);
    }
    c.send(b"DONE\r\n").await;
    assert_eq!(c.line().await, "j2 OK IDLE terminated\r\n");
    let mut other = actor(&server).await;
    append(&mut other, "while parked").await;
    c.send(b"k IDLE\r\n").await;
    assert_eq!(c.line().await, "+ idling\r\n");
    assert_eq!(c.line().await, "* 1 EXISTS\r\n");
    assert_eq!(server.stats.hibernated(), 0);
    c.send(b"DONE\r\n").await;
    assert_eq!(c.line().await, "k OK IDLE terminated\r\n");
}

/// A change to the mailbox of a parked IDLE session is reported from the
/// hibernation table: the session's view is rebuilt for the moment, its
/// updates written, and it stays parked (woken, it would stay awake for
/// `hibernate_after`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_reach_a_parked_idler_without_waking_it() {
    let server = TestServer::start_with("[timeouts]\nhibernate_after = \"1s\"\n").await;
    let mut other = actor(&server).await;
    append(&mut other, "first").await;
    ok(&mut other, "o0", "SELECT INBOX").await;
    let mut c = login(
        server.connect().await,
        &["ENABLE IMAP4rev2 CONDSTORE", "SELECT INBOX"],
    )
    .await;
    c.send(b"i IDLE\r\n").await;
    assert_eq!(c.line().await, "+ idling\r\n");
    parked(&server, 1).await;
    append(&mut other, "second").await;
    assert_eq!(c.line().await, "* 2 EXISTS\r\n");
    assert_eq!(server.stats.hibernated(), 1);
    ok(&mut other, "o1", "STORE 1 +FLAGS.SILENT (\\Answered)").await;
    let fetch = c.line().await;
    assert!(
        fetch.starts_with("* 1 FETCH (FLAGS (\\Answered) MODSEQ ("),
        "{fetch:?}"
    );
    assert_eq!(server.stats.hibernated(), 1);
    c.send(b"DONE\r\n").await;
    assert_eq!(c.line().await, "i OK IDLE terminated\r\n");
    assert_eq!(server.stats.hibernated(), 1);
    assert_eq!(ok(&mut c, "n", "NOOP").await, Vec::<String>::new());
}
