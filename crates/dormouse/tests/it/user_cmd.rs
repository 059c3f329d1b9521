//! `dormouse user ...`: passwords from stdin, the passwd-file from config.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use dormouse_auth::{AuthOptions, UserDb, Verdict};

use crate::support::dormouse;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn accepts(users_file: &Path, name: &str, password: &str) -> bool {
    let db = UserDb::open(users_file, AuthOptions::default()).expect("open passwd-file");
    matches!(
        db.verify(name, password.as_bytes(), LOCALHOST),
        Verdict::Accepted(_)
    )
}

#[test]
fn add_then_list() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let run = dormouse(
        dir.path(),
        &["user", "add", "alice", "--data-dir", data_arg],
        b"s3cret-a\n",
    )
    .success();
    assert!(!run.stdout.contains("s3cret-a") && !run.stderr.contains("s3cret-a"));
    let run = dormouse(
        dir.path(),
        &["user", "add", "bob@example.org", "--data-dir", data_arg],
        b"pw-b\r\nignored\n",
    )
    .success();
    assert!(!run.stdout.contains("pw-b") && !run.stderr.contains("pw-b"));

    let list = dormouse(dir.path(), &["user", "list", "--data-dir", data_arg], b"").success();
    assert_eq!(list.stdout, "alice\nbob@example.org\n");

    let users = data.join("users");
    assert!(accepts(&users, "alice", "s3cret-a"));
    // The \r\n ending is not part of the password, nor is the second line.
    assert!(accepts(&users, "bob@example.org", "pw-b"));
    assert!(!accepts(&users, "bob@example.org", "pw-b\r"));
    let contents = std::fs::read_to_string(&users).unwrap();
    assert!(
        !contents.contains("s3cret-a") && !contents.contains("pw-b"),
        "{contents}"
    );
}

#[test]
fn users_file_comes_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("dormouse.toml");
    std::fs::write(
        &config,
        "data_dir = \"state\"\nusers_file = \"auth/passwd\"\n",
    )
    .unwrap();
    let config_arg = config.to_str().unwrap();
    dormouse(
        dir.path(),
        &["user", "add", "carol", "--config", config_arg],
        b"pw\n",
    )
    .success();
    let users = dir.path().join("state/auth/passwd");
    assert!(accepts(&users, "carol", "pw"));
    let list = dormouse(dir.path(), &["user", "list", "--config", config_arg], b"").success();
    assert_eq!(list.stdout, "carol\n");
}

#[test]
fn list_of_a_missing_file_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let run = dormouse(
        dir.path(),
        &["user", "list", "--data-dir", "nothing-here"],
        b"",
    )
    .success();
    assert_eq!(run.stdout, "");
}

#[test]
fn passwd_changes_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("dormouse-data/users");
    dormouse(dir.path(), &["user", "add", "dave"], b"old-pw\n").success();
    assert!(accepts(&users, "dave", "old-pw"));
    let run = dormouse(dir.path(), &["user", "passwd", "dave"], b"new-pw\n").success();
    assert!(!run.stdout.contains("new-pw") && !run.stderr.contains("new-pw"));
    assert!(accepts(&users, "dave", "new-pw"));
    assert!(!accepts(&users, "dave", "old-pw"));
}

#[test]
fn passwd_of_an_unknown_user_fails() {
    let dir = tempfile::tempdir().unwrap();
    dormouse(dir.path(), &["user", "add", "erin"], b"pw\n").success();
    let stderr = dormouse(dir.path(), &["user", "passwd", "frank"], b"pw\n").failure();
    assert!(stderr.contains("no such user"), "{stderr}");
}

#[test]
fn remove_deletes_the_user() {
    let dir = tempfile::tempdir().unwrap();
    dormouse(dir.path(), &["user", "add", "gina"], b"pw\n").success();
    dormouse(dir.path(), &["user", "add", "hal"], b"pw\n").success();
    dormouse(dir.path(), &["user", "remove", "gina"], b"").success();
    let list = dormouse(dir.path(), &["user", "list"], b"").success();
    assert_eq!(list.stdout, "hal\n");
}

#[test]
fn empty_password_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for stdin in [&b""[..], b"\n", b"\r\n"] {
        let stderr = dormouse(dir.path(), &["user", "add", "ivan"], stdin).failure();
        assert!(stderr.contains("empty password"), "{stderr}");
    }
    assert!(!dir.path().join("dormouse-data/users").exists());
}

#[test]
fn bad_names_and_duplicates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["../evil", "a:b", "has space", ".hidden"] {
        let stderr = dormouse(dir.path(), &["user", "add", name], b"pw\n").failure();
        assert!(stderr.contains("invalid username"), "{name}: {stderr}");
    }
    dormouse(dir.path(), &["user", "add", "judy"], b"pw\n").success();
    let stderr = dormouse(dir.path(), &["user", "add", "judy"], b"other\n").failure();
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(accepts(
        &dir.path().join("dormouse-data/users"),
        "judy",
        "pw"
    ));
}

#[test]
fn a_bad_config_stops_user_commands() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "users_fiel = \"x\"\n").unwrap();
    let stderr = dormouse(
        dir.path(),
        &["user", "add", "kim", "--config", config.to_str().unwrap()],
        b"pw\n",
    )
    .failure();
    assert!(stderr.contains("unknown key `users_fiel`"), "{stderr}");
}
