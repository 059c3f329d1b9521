//! A FETCH that answers in batches, over a real socket: pipelined commands
//! behind it wait for its tagged reply and are answered in order; LOGOUT
//! right behind it ends the session after it; a client that hangs up in
//! the middle or a shutdown in the middle costs the server nothing more.

use crate::harness::{Client, TestServer};

const MESSAGES: usize = 300;
const SIZE: usize = 10 * 1024;

/// Message `i`: `SIZE` octets, distinct per message.
fn message(i: usize) -> Vec<u8> {
    let mut out = format!("Subject: message {i}\r\n\r\n").into_bytes();
    let line = format!("body of message {i:05} ...............................\r\n");
    while out.len() + line.len() <= SIZE {
        out.extend_from_slice(line.as_bytes());
    }
    out.resize(SIZE - 2, b'x');
    out.extend_from_slice(b"\r\n");
    out
}

/// A logged-in client with `MESSAGES` messages in INBOX, selected.
async fn mailbox(server: &TestServer) -> Client {
    let mut c = server.connect().await;
    c.line().await;
    let ok = |lines: &[String], tag: &str| {
        assert!(
            lines
                .last()
                .is_some_and(|l| l.starts_with(&format!("{tag} OK"))),
            "{lines:?}"
        );
    };
    ok(&c.command("l", "LOGIN alice wonderland").await, "l");
    // One MULTIAPPEND with non-synchronising literals.
    let mut append = b"a APPEND INBOX".to_vec();
    for i in 0..MESSAGES {
        append.extend_from_slice(format!(" {{{SIZE}+}}\r\n").as_bytes());
        append.extend_from_slice(&message(i));
    }
    append.extend_from_slice(b"\r\n");
    c.send(&append).await;
    ok(&c.until_tagged("a").await, "a");
    ok(&c.command("s", "SELECT INBOX").await, "s");
    c
}

/// The answer to `FETCH 1:* BODY.PEEK[]` for message `i`.
fn body_response(i: usize) -> Vec<u8> {
    let mut out = format!("* {} FETCH (BODY[] {{{SIZE}}}\r\n", i + 1).into_bytes();
    out.extend_from_slice(&message(i));
    out.extend_from_slice(b")\r\n");
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_commands_wait_for_a_batched_fetch_and_keep_their_order() {
    let server = TestServer::start().await;
    let mut c = mailbox(&server).await;
    c.send(
        b"f1 FETCH 1:* BODY.PEEK[]\r\nn1 NOOP\r\nf2 UID FETCH 1:* (RFC822.SIZE)\r\n\
          n2 NOOP\r\nf3 FETCH 1:* BODY.PEEK[]\r\nn3 CAPABILITY\r\n",
    )
    .await;
    for tag in ["f1", "n1", "f2", "n2", "f3", "n3"] {
        let mut responses = Vec::new();
        loop {
            let r = c.response().await;
            assert!(!r.is_empty(), "closed before {tag} ended");
            let done = r.starts_with(format!("{tag} ").as_bytes());
            responses.push(r);
            if done {
                break;
            }
        }
        let last = responses.pop().map(|r| text(&r)).unwrap_or_default();
        assert!(last.starts_with(&format!("{tag} OK")), "{tag}: {last:?}");
        match tag {
            "f1" | "f3" => {
                assert_eq!(responses.len(), MESSAGES, "{tag}");
                for (i, r) in responses.iter().enumerate() {
                    assert!(*r == body_response(i), "{tag}: message {}", i + 1);
                }
            }
            "f2" => {
                let expected: Vec<String> = (1..=MESSAGES)
                    .map(|n| format!("* {n} FETCH (UID {n} RFC822.SIZE {SIZE})\r\n"))
                    .collect();
                let got: Vec<String> = responses.iter().map(|r| text(r)).collect();
                assert_eq!(got, expected);
            }
            "n3" => assert_eq!(responses.len(), 1, "CAPABILITY"),
            _ => assert!(responses.is_empty(), "{tag}: {responses:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_right_behind_a_big_fetch_comes_after_it() {
    let server = TestServer::start().await;
    let mut c = mailbox(&server).await;
    c.send(b"f FETCH 1:* BODY.PEEK[]\r\nz LOGOUT\r\n").await;
    for i in 0..MESSAGES {
        assert!(c.response().await == body_response(i), "message {}", i + 1);
    }
    assert_eq!(c.line().await, "f OK FETCH completed\r\n");
    assert!(c.line().await.starts_with("* BYE "));
    assert_eq!(c.line().await, "z OK LOGOUT completed\r\n");
    assert!(c.closed().await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_hangs_up_mid_fetch_costs_nothing_more() {
    let server = TestServer::start().await;
    let mut c = mailbox(&server).await;
    c.send(b"f FETCH 1:* BODY.PEEK[]\r\n").await;
    assert!(c.response().await == body_response(0));
    drop(c);
    // The server carries on serving others, and stops cleanly.
    let mut other = server.connect().await;
    other.line().await;
    other.command("l", "LOGIN alice wonderland").await;
    let lines = other.command("e", "EXAMINE INBOX").await;
    assert!(
        lines
            .iter()
            .any(|l| l == &format!("* {MESSAGES} EXISTS\r\n"))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_mid_fetch_says_bye_instead_of_the_rest() {
    let server = TestServer::start().await;
    let mut c = mailbox(&server).await;
    // About 300 MiB of answer: far more than socket buffers hold, so the
    // FETCH is still going when shutdown starts.
    let items: Vec<String> = (0..100)
        .map(|i| format!("BODY.PEEK[]<{i}.{SIZE}>"))
        .collect();
    c.send(format!("f FETCH 1:* ({})\r\n", items.join(" ")).as_bytes())
        .await;
    assert!(c.response().await.starts_with(b"* 1 FETCH ("));
    let stopping = tokio::spawn(server.stop());
    let mut last = Vec::new();
    loop {
        let r = c.response().await;
        if r.is_empty() {
            break;
        }
        assert!(!r.starts_with(b"f "), "the FETCH was not cut short");
        last = r;
    }
    assert!(text(&last).starts_with("* BYE "), "{:?}", text(&last));
    stopping.await.expect("server stops");
}
