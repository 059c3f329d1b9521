//! The login and autologout timeouts, over real sockets and real time.
//!
//! The configuration refuses timeouts below one second, so these tests wait
//! a second or two each; they run in parallel with the rest of the suite.
//! Upper bounds are generous because the machine may be busy, but each is
//! still below what a wrong rule (an idle timer instead of a total budget,
//! or no timer at all) would give.

use std::time::{Duration, Instant};

use crate::harness::{Client, TestServer};

const LOGIN_BYE: &str = "* BYE Login timeout\r\n";
const AUTOLOGOUT_BYE: &str = "* BYE Autologout; idle for too long\r\n";

/// Scheduling delay tolerated on top of a timeout.
const SLACK: Duration = Duration::from_millis(1200);

fn timeouts(login: &str, autologout: &str) -> String {
    format!("\n[timeouts]\nlogin = \"{login}\"\nautologout = \"{autologout}\"\n")
}

async fn greeted(server: &TestServer) -> Client {
    let mut client = server.connect().await;
    let greeting = client.line().await;
    assert!(greeting.starts_with("* OK "), "{greeting:?}");
    client
}

async fn logged_in(server: &TestServer) -> Client {
    let mut client = greeted(server).await;
    let reply = client.command("l", "LOGIN alice wonderland").await;
    assert!(
        reply.last().is_some_and(|l| l.starts_with("l OK")),
        "{reply:?}"
    );
    client
}

async fn noop(client: &mut Client, tag: &str) {
    let reply = client.command(tag, "NOOP").await;
    assert!(
        reply
            .last()
            .is_some_and(|l| l.starts_with(&format!("{tag} OK"))),
        "{reply:?}"
    );
}

/// The next line is `bye`, then the server closes; returns when `bye` came.
async fn expect_bye_then_close(client: &mut Client, bye: &str) -> Instant {
    let line = client.line().await;
    let at = Instant::now();
    assert_eq!(line, bye);
    assert!(client.closed().await, "connection still open after {bye:?}");
    at
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_unauthenticated_client_is_closed_at_the_login_deadline() {
    let server = TestServer::start_with(&timeouts("1s", "30m")).await;
    let start = Instant::now();
    let mut client = greeted(&server).await;

    let elapsed = expect_bye_then_close(&mut client, LOGIN_BYE).await - start;
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(1) + SLACK, "{elapsed:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_does_not_extend_the_login_deadline() {
    let login = Duration::from_secs(2);
    let server = TestServer::start_with(&timeouts("2s", "30m")).await;
    let start = Instant::now();
    let mut client = greeted(&server).await;

    // Busy until shortly before the deadline; an idle timer reset by this
    // input would fire no earlier than 1.6 s + 2 s.
    let mut sent = 0;
    while start.elapsed() < Duration::from_millis(1600) {
        noop(&mut client, &format!("n{sent}")).await;
        sent += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(sent >= 5, "only {sent} NOOPs before the deadline");

    let elapsed = expect_bye_then_close(&mut client, LOGIN_BYE).await - start;
    assert!(elapsed >= login, "{elapsed:?}");
    assert!(elapsed < login + SLACK, "{elapsed:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_authenticated_client_is_logged_out() {
    // Autologout far shorter than the login budget: logging in must bring
    // the deadline forward, not leave the connection until the login one.
    let server = TestServer::start_with(&timeouts("1m", "1s")).await;
    let mut client = logged_in(&server).await;
    let logged_in_at = Instant::now();

    let elapsed = expect_bye_then_close(&mut client, AUTOLOGOUT_BYE).await - logged_in_at;
    // The server starts the clock when it sends the LOGIN reply, a moment
    // before the client reads it.
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(1) + SLACK, "{elapsed:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noops_keep_an_authenticated_client_connected() {
    // Both timeouts pass several times over; neither may fire.
    let server = TestServer::start_with(&timeouts("1s", "1s")).await;
    let start = Instant::now();
    let mut client = logged_in(&server).await;

    let mut sent = 0;
    while start.elapsed() < Duration::from_millis(2500) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        noop(&mut client, &format!("n{sent}")).await;
        sent += 1;
    }

    let reply = client.command("z", "LOGOUT").await;
    assert!(
        reply.first().is_some_and(|l| l.starts_with("* BYE ")),
        "{reply:?}"
    );
    assert!(
        !reply.iter().any(|l| l == AUTOLOGOUT_BYE || l == LOGIN_BYE),
        "{reply:?}"
    );
    assert!(
        reply.last().is_some_and(|l| l.starts_with("z OK")),
        "{reply:?}"
    );
    assert!(client.closed().await);
    server.stop().await;
}
