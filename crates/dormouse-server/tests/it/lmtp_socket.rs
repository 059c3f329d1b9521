//! Binding the LMTP UNIX socket: a live server's socket is never taken
//! over, a crashed server's leftover is replaced, a file that is not a
//! socket is left alone, and the socket file goes away with the listener.

use dormouse_server::{BindError, LmtpListener};

#[tokio::test]
async fn a_socket_in_use_is_refused_and_a_stale_one_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lmtp");
    let live = LmtpListener::bind_unix(&path).expect("first bind");
    let second = LmtpListener::bind_unix(&path);
    assert!(matches!(second, Err(BindError::InUse { .. })), "{second:?}");
    drop(live);
    assert!(!path.exists(), "the listener removes its socket file");

    // What a crash leaves: a socket file nobody listens on.
    drop(std::os::unix::net::UnixListener::bind(&path).expect("std bind"));
    assert!(path.exists());
    let replaced = LmtpListener::bind_unix(&path).expect("stale socket replaced");
    drop(replaced);
}

#[tokio::test]
async fn a_file_that_is_not_a_socket_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lmtp");
    std::fs::write(&path, "precious").expect("write");
    let bind = LmtpListener::bind_unix(&path);
    assert!(
        matches!(bind, Err(BindError::NotASocket { .. })),
        "{bind:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "precious");
}
