//! The quick start, end to end: `dormouse serve` on an empty data dir
//! creates the demo user and prints its password; Python's imaplib logs in
//! with it and checks CAPABILITY, NAMESPACE, ID and LOGOUT; SIGTERM stops
//! the server cleanly.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn field<'a>(line: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let start = line.find(before)? + before.len();
    let rest = &line[start..];
    Some(&rest[..rest.find(after)?])
}

#[test]
fn imaplib_logs_in_as_demo_after_quick_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dormouse"))
        .args(["serve", "--data-dir"])
        .arg(&data)
        .args(["--imap", "127.0.0.1:0", "--lmtp", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dormouse");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut addr = None;
    let mut password = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    while (addr.is_none() || password.is_none()) && Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if line.contains("listening") {
            addr = line
                .split("imap ")
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .map(str::to_string);
        }
        if let Some(p) = field(&line, "password '", "'") {
            password = Some(p.to_string());
        }
    }
    let addr = addr.expect("server printed its address");
    let password = password.expect("server printed the demo password");
    let (host, port) = addr.rsplit_once(':').expect("host:port");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/imaplib_login.py");
    let out = Command::new("python3")
        .arg(&script)
        .args([host, port, "demo", &password])
        .output()
        .expect("run python3");
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().expect("wait");
    assert!(
        out.status.success(),
        "imaplib: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(status.success(), "dormouse exit after SIGTERM: {status}");

    // A second start on the same data dir keeps the user and prints no
    // password.
    let again = Command::new(env!("CARGO_BIN_EXE_dormouse"))
        .args(["user", "list", "--data-dir"])
        .arg(&data)
        .output()
        .expect("user list");
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), "demo");
}
