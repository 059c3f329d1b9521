//! Malformed and oversized input gets BAD (tagged when a tag is readable)
//! and the connection stays usable wherever the RFC allows.

use crate::harness::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_gigabyte_literal_is_refused_without_reading_it() {
    let server = TestServer::start().await;
    let mut c = server.connect().await;
    c.line().await;
    c.send(b"a1 LOGIN {4294967296}\r\n").await;
    let line = c.line().await;
    assert!(line.starts_with("a1 BAD "), "{line:?}");
    // The server never sent a continuation, so the client sends no data,
    // and the connection still works.
    let reply = c.command("a2", "NOOP").await;
    assert_eq!(
        reply.last().map(String::as_str),
        Some("a2 OK NOOP completed\r\n")
    );

    c.send(b"a3 APPEND INBOX {4294967296}\r\n").await;
    let line = c.line().await;
    assert!(line.starts_with("a3 BAD "), "{line:?}");
    let reply = c.command("a4", "NOOP").await;
    assert!(reply.last().is_some_and(|l| l.starts_with("a4 OK")));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlong_line_gets_bad_and_connection_survives() {
    let server = TestServer::start().await;
    let mut c = server.connect().await;
    c.line().await;
    let mut long = b"x1 NOOP ".to_vec();
    long.extend(std::iter::repeat_n(b'a', 70 * 1024));
    long.extend_from_slice(b"\r\n");
    c.send(&long).await;
    let line = c.line().await;
    assert!(
        line.starts_with("x1 BAD ") || line.starts_with("* BAD "),
        "{line:?}"
    );
    let reply = c.command("x2", "NOOP").await;
    assert!(reply.last().is_some_and(|l| l.starts_with("x2 OK")));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_gets_bad_not_a_crash() {
    let server = TestServer::start().await;
    let inputs: &[&[u8]] = &[
        b"\r\n",
        b"*\r\n",
        b"a\r\n",
        b"a FROB\r\n",
        b"a LOGIN\r\n",
        b"a LOGIN a\r\n",
        b"a LOGIN \"unterminated\r\n",
        b"a FETCH 0 FLAGS\r\n",
        b"\x00\xff\xfe garbage\r\n",
        b"a SEARCH ((((((((((((((((((((((((((((((((((((((((((((((((((ALL\r\n",
        b"a UID\r\n",
        b"a SELECT {3+}\r\nab\r\n",
    ];
    for input in inputs {
        let mut c = server.connect().await;
        c.line().await;
        c.send(input).await;
        let line = c.line().await;
        assert!(
            line.starts_with("a BAD ") || line.starts_with("* BAD "),
            "{input:?} -> {line:?}"
        );
        let reply = c.command("z", "NOOP").await;
        assert!(
            reply.last().is_some_and(|l| l.starts_with("z OK")),
            "{input:?} then NOOP -> {reply:?}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abrupt_disconnects_do_not_disturb_others() {
    let server = TestServer::start().await;
    for input in [
        &b"a LOGIN alice {10}\r\n"[..],
        b"a LOGI",
        b"a APPEND INBOX {5+}\r\nab",
    ] {
        let mut c = server.connect().await;
        c.line().await;
        c.send(input).await;
        drop(c);
    }
    let mut c = server.connect().await;
    assert!(c.line().await.starts_with("* OK"));
    let reply = c.command("a", "LOGIN alice wonderland").await;
    assert!(reply.last().is_some_and(|l| l.starts_with("a OK")));
    server.stop().await;
}

/// Only a logged-in user may make the server buffer a big APPEND: before
/// login APPEND gets the small literal limit (review finding, issue #2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_literal_before_login_gets_the_small_limit() {
    let server = TestServer::start().await;
    let mut c = server.connect().await;
    c.line().await;
    c.send(b"a APPEND INBOX {1000000}\r\n").await;
    let line = c.line().await;
    assert!(line.starts_with("a BAD [TOOBIG] "), "{line:?}");
    let reply = c.command("b", "LOGIN alice wonderland").await;
    assert!(reply.last().is_some_and(|l| l.starts_with("b OK")));
    // Logged in, the same announcement is accepted.
    c.send(b"c APPEND INBOX {1000000}\r\n").await;
    let line = c.line().await;
    assert!(line.starts_with("+ "), "{line:?}");
    server.stop().await;
}

/// An AUTHENTICATE response line over the limit ends the exchange with a
/// tagged BAD, so the next line is a command again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlong_sasl_response_ends_the_exchange() {
    let server = TestServer::start().await;
    let mut c = server.connect().await;
    c.line().await;
    c.send(b"a AUTHENTICATE PLAIN\r\n").await;
    assert_eq!(c.line().await, "+ \r\n");
    let mut long = vec![b'A'; 70 * 1024];
    long.extend_from_slice(b"\r\n");
    c.send(&long).await;
    assert_eq!(c.line().await, "a BAD SASL response too long\r\n");
    let reply = c.command("b", "NOOP").await;
    assert_eq!(reply, vec!["b OK NOOP completed\r\n".to_string()]);
    server.stop().await;
}
