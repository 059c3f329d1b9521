//! Interoperability with real clients: Python's imaplib and mbsync (isync)
//! drive the real `dormouse serve` binary over the 1,000-message corpus of
//! `tests/interop/make_corpus.py`. The scripts do the checking; each test
//! starts a server on a fresh data dir with one user, runs one script
//! against it and shows the script's output when it fails. A missing mbsync
//! is a failure, not a skip: CI installs isync in `.ci/run`.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::server::Server;
use crate::support::dormouse;

const USER: &str = "alice";
const PASSWORD: &str = "down-the-rabbit-hole";

/// Starts a server whose only user is `USER`, runs
/// `tests/interop/<script> HOST PORT USER PASSWORD` and returns its stdout,
/// panicking with both streams unless it exits 0.
fn run_script(script: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let data_arg = data.to_str().expect("utf-8 temp path");
    let stdin = format!("{PASSWORD}\n");
    dormouse(
        dir.path(),
        &["user", "add", USER, "--data-dir", data_arg],
        stdin.as_bytes(),
    )
    .success();
    let server = Server::start(&data);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/interop")
        .join(script);
    let out = Command::new("python3")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .arg(&path)
        .arg(server.addr.ip().to_string())
        .arg(server.addr.port().to_string())
        .args([USER, PASSWORD])
        .output()
        .unwrap_or_else(|e| panic!("run python3 {}: {e}", path.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
    );
    // Shown with --nocapture: where the time went.
    println!("{stdout}");
    stdout
}

#[test]
fn imaplib_mailbox_commands_over_1000_messages() {
    let stdout = run_script("imaplib_mailbox.py");
    assert!(stdout.contains("imaplib mailbox test ok"), "{stdout}");
}

#[test]
fn mbsync_syncs_1000_messages_down_and_changes_back_up() {
    let found = Command::new("mbsync")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    assert!(
        found.is_ok_and(|s| s.success()),
        "mbsync not found: install isync (`apt-get install isync`); CI installs it in .ci/run"
    );
    let stdout = run_script("mbsync_roundtrip.py");
    assert!(stdout.contains("mbsync round trip ok"), "{stdout}");
}
