//! Administrative edits through `passwd_file`: round trips, preservation of
//! lines we do not own, atomicity and locking.

use std::os::unix::fs::PermissionsExt;

use dormouse_auth::passwd_file::{add_user, list_users, remove_user, set_password};
use dormouse_auth::{AuthError, Fault, UserDb};

use crate::fixtures::{PasswdFile, accepts, test_options};

const EXISTING: &str = concat!(
    "# managed by hand, keep this comment\n",
    "alice:{PLAIN}wonderland:1000:1000:Alice:/home/alice::userdb_mail=maildir:~/Maildir\n",
    "\n",
    "weird line with spaces\n",
    "#bob:{PLAIN}commented-out\n",
    "carol:{PLAIN}carol\r\n",
);

fn read(file: &PasswdFile) -> String {
    std::fs::read_to_string(&file.path).expect("read")
}

#[test]
fn add_set_list_round_trip_preserves_other_lines() {
    let file = PasswdFile::new(EXISTING);
    add_user(&file.path, "dave", b"dave-pw").expect("add");
    set_password(&file.path, "alice", b"new-alice").expect("set");
    assert_eq!(
        list_users(&file.path).expect("list"),
        ["alice", "carol", "dave"]
    );

    let text = read(&file);
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    assert_eq!(lines[0], "# managed by hand, keep this comment");
    assert!(
        lines[1].starts_with("alice:{ARGON2ID}$argon2id$"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with(":1000:1000:Alice:/home/alice::userdb_mail=maildir:~/Maildir"),
        "{}",
        lines[1]
    );
    assert_eq!(
        &lines[2..6],
        [
            "",
            "weird line with spaces",
            "#bob:{PLAIN}commented-out",
            "carol:{PLAIN}carol\r"
        ]
    );
    assert!(lines[6].starts_with("dave:{ARGON2ID}$argon2id$"));
    assert_eq!(lines.len(), 7);

    let db = UserDb::open(&file.path, test_options()).expect("open");
    assert!(accepts(&db, "alice", b"new-alice"));
    assert!(!accepts(&db, "alice", b"wonderland"));
    assert!(accepts(&db, "dave", b"dave-pw"));
    assert!(accepts(&db, "carol", b"carol"));
    let alice = db.lookup("alice").expect("alice");
    assert_eq!(alice.extra_field("userdb_mail"), Some("maildir:~/Maildir"));
}

#[test]
fn duplicates_and_missing_users_are_input_errors() {
    let file = PasswdFile::new(EXISTING);
    let before = read(&file);
    let exists = add_user(&file.path, "alice", b"x").expect_err("exists");
    assert!(matches!(exists, AuthError::UserExists));
    let missing = set_password(&file.path, "bob", b"x").expect_err("commented out is missing");
    assert!(matches!(missing, AuthError::NoSuchUser));
    assert_eq!(missing.fault(), Fault::Input);
    assert_eq!(read(&file), before, "failed edits change nothing");
    assert!(!file.dir.path().join("users.lock").exists());
}

#[test]
fn invalid_usernames_are_refused() {
    let file = PasswdFile::missing();
    for name in ["", "a:b", "a/b", "a b", "a\0b", ".x", "a..b"] {
        let err = add_user(&file.path, name, b"pw").expect_err(name);
        assert!(
            matches!(err, AuthError::InvalidUsername(_)),
            "{name:?}: {err}"
        );
        assert!(dormouse_auth::validate_username(name).is_err());
    }
    assert!(!file.path.exists(), "nothing was written");
}

#[test]
fn remove_user_drops_only_that_user() {
    let file = PasswdFile::new(EXISTING);
    remove_user(&file.path, "carol").expect("remove");
    assert_eq!(list_users(&file.path).expect("list"), ["alice"]);
    assert!(read(&file).contains("# managed by hand"));
    assert!(matches!(
        remove_user(&file.path, "carol"),
        Err(AuthError::NoSuchUser)
    ));
}

#[test]
fn new_file_is_private_and_existing_mode_is_kept() {
    let file = PasswdFile::missing();
    assert_eq!(list_users(&file.path).expect("list"), Vec::<String>::new());
    add_user(&file.path, "alice", b"pw").expect("add");
    let mode = |f: &PasswdFile| {
        std::fs::metadata(&f.path)
            .expect("stat")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&file), 0o600);

    let shared = PasswdFile::new("alice:{PLAIN}x\n");
    std::fs::set_permissions(&shared.path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    set_password(&shared.path, "alice", b"y").expect("set");
    assert_eq!(mode(&shared), 0o640);
}

#[test]
fn edits_leave_no_temporary_or_lock_files() {
    let file = PasswdFile::new(EXISTING);
    add_user(&file.path, "erin", b"pw").expect("add");
    let names: Vec<String> = std::fs::read_dir(file.dir.path())
        .expect("readdir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["users"]);
}

#[test]
fn concurrent_add_user_keeps_every_user() {
    let file = PasswdFile::new(EXISTING);
    let names: Vec<String> = (0..6).map(|i| format!("user{i}")).collect();
    std::thread::scope(|s| {
        for name in &names {
            let path = &file.path;
            s.spawn(move || add_user(path, name, name.as_bytes()).expect("add"));
        }
    });
    let listed = list_users(&file.path).expect("list");
    assert_eq!(listed.len(), 2 + names.len(), "{listed:?}");
    for name in &names {
        assert!(listed.contains(name), "{name} missing");
    }
    assert!(read(&file).starts_with("# managed by hand, keep this comment\n"));
    let db = UserDb::open(&file.path, test_options()).expect("open");
    assert!(accepts(&db, "user3", b"user3"));
}
