//! The process title of a running `dormouse serve` (issue #5): the session
//! counts in `/proc/PID/cmdline`, `dormouse` in `/proc/PID/comm`, and the
//! counts following a client that logs in and out.

use std::time::{Duration, Instant};

use crate::server::Server;

/// `/proc/PID/cmdline` up to its NUL; `None` once the process is gone.
fn cmdline(pid: u32) -> Option<String> {
    let bytes = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let text = bytes.split(|&b| b == 0).next().unwrap_or_default();
    Some(String::from_utf8_lossy(text).into_owned())
}

/// Polls the command line until it is one of `wants`; the title refreshes
/// every 2 s, so 6 s leaves room for a slow machine.
fn wait_for_title(pid: u32, wants: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(6);
    let mut seen = None;
    while Instant::now() < deadline {
        seen = cmdline(pid);
        if seen.as_deref().is_some_and(|s| wants.contains(&s)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("wanted a title in {wants:?}, last saw {seen:?}");
}

#[test]
fn title_shows_session_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("data"));
    let pid = server.child.id();
    let password = server
        .demo_password
        .clone()
        .expect("server printed the demo password");

    wait_for_title(pid, &["dormouse: 0 active, 0 hibernated"]);
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).expect("comm");
    assert_eq!(comm.trim_end(), "dormouse");
    // Exactly the title, with no arguments or padding after it.
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).expect("cmdline");
    assert_eq!(raw, b"dormouse: 0 active, 0 hibernated\0");

    // A logged-in session is active until `hibernate_after` (5 s) parks it,
    // which may happen before the title next refreshes; either way it is
    // the one session.
    let mut client = server.connect();
    let reply = client
        .command("a", &format!("LOGIN demo {password}"))
        .expect("login");
    assert!(
        reply.last().is_some_and(|l| l.starts_with("a OK")),
        "{reply:?}"
    );
    wait_for_title(
        pid,
        &[
            "dormouse: 1 active, 0 hibernated",
            "dormouse: 0 active, 1 hibernated",
        ],
    );

    drop(client);
    wait_for_title(pid, &["dormouse: 0 active, 0 hibernated"]);
}
