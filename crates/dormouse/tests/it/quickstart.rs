//! The quick start, end to end: `dormouse serve` on an empty data dir
//! creates the demo user and prints its password; Python's imaplib logs in
//! with it and checks CAPABILITY, NAMESPACE, ID and LOGOUT; SIGTERM stops
//! the server cleanly.

use std::path::Path;
use std::process::Command;

use crate::server::Server;

#[test]
fn imaplib_logs_in_as_demo_after_quick_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let mut server = Server::start(&data);
    let password = server
        .demo_password
        .clone()
        .expect("server printed the demo password");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/imaplib_login.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(server.addr.ip().to_string())
        .arg(server.addr.port().to_string())
        .args(["demo", &password])
        .output()
        .expect("run python3");
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGTERM) };
    let status = server.child.wait().expect("wait");
    assert!(
        out.status.success(),
        "imaplib: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(status.success(), "dormouse exit after SIGTERM: {status}");

    // The user stays; a second start on the same data dir prints no
    // password.
    let again = Command::new(env!("CARGO_BIN_EXE_dormouse"))
        .args(["user", "list", "--data-dir"])
        .arg(&data)
        .output()
        .expect("user list");
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), "demo");
    let second = Server::start(&data);
    assert_eq!(second.demo_password, None);
}
