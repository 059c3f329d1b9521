//! `UserDb` behaviour: loading, reloading, the cache, failure delays and the
//! handling of unknown users.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use dormouse_auth::{AuthOptions, UserDb, Verdict};

use crate::fixtures::{CLIENT, PasswdFile, accepts, test_options};

/// `openssl passwd -5 -salt 'rounds=1000$saltsalt' secret`.
const SHA256_SECRET: &str = "$5$rounds=1000$saltsalt$eKLZU9t9OoPWrqOQsoTIKG0aYkZ5rGOoOQhiIvoSWX2";

fn sha256_field(password: &str, salt: &str) -> String {
    let params = sha_crypt::Sha256Params::new(1000).expect("params");
    let digest =
        sha_crypt::sha256_crypt_b64(password.as_bytes(), salt.as_bytes(), &params).expect("hash");
    format!("{{SHA256-CRYPT}}$5$rounds=1000${salt}${digest}")
}

/// Cheap hashes (1000 rounds) keep these tests fast in debug builds.
#[test]
fn fixture_helper_agrees_with_openssl() {
    assert_eq!(
        format!("{{SHA256-CRYPT}}{SHA256_SECRET}"),
        sha256_field("secret", "saltsalt")
    );
}

#[test]
fn missing_file_means_no_users() {
    let file = PasswdFile::missing();
    let db = file.open();
    assert!(db.lookup("alice").is_none());
    assert!(!accepts(&db, "alice", b"secret"));
    assert_eq!(db.stats().users, 0);
}

#[test]
fn lookup_returns_fields_but_never_the_hash() {
    let file = PasswdFile::new(&format!(
        "alice:{}:1000:100:Alice:/home/alice:/bin/sh:userdb_mail=maildir:~/Maildir quota=1G\n",
        sha256_field("secret", "saltsalt")
    ));
    let db = file.open();
    let alice = db.lookup("alice").expect("alice");
    assert_eq!(alice.uid, Some(1000));
    assert_eq!(alice.gid, Some(100));
    assert_eq!(alice.home, Some(PathBuf::from("/home/alice")));
    assert_eq!(alice.extra_field("userdb_mail"), Some("maildir:~/Maildir"));
    assert_eq!(alice.extra_field("quota"), Some("1G"));
    let shown = format!("{alice:?} {db:?}");
    assert!(
        !shown.contains("saltsalt") && !shown.contains("SHA256"),
        "{shown}"
    );
    assert!(db.lookup("bob").is_none());
    assert!(db.lookup("../alice").is_none());
}

#[test]
fn malformed_lines_are_skipped_and_the_rest_load() {
    let file = PasswdFile::new(concat!(
        "# users\n",
        "\n",
        "bad/name:{PLAIN}x\n",
        "baduid:{PLAIN}x:notanumber\n",
        "root:{PLAIN}x:0:0\n",
        "good:{PLAIN}pw\r\n",
        ".hidden:{PLAIN}x\n",
        "good:{PLAIN}second-entry-ignored\n",
        "also:{PLAIN}pw2",
    ));
    let db = file.open();
    assert!(accepts(&db, "good", b"pw"));
    assert!(!accepts(&db, "good", b"second-entry-ignored"));
    assert!(accepts(&db, "also", b"pw2"));
    for user in ["bad/name", "baduid", "root", ".hidden"] {
        assert!(db.lookup(user).is_none(), "{user}");
    }
    assert_eq!(db.stats().users, 2);
}

#[test]
fn unknown_users_cost_a_hash_and_look_like_wrong_passwords() {
    let file = PasswdFile::new(&format!("alice:{}\n", sha256_field("secret", "saltsalt")));
    let db = file.open();
    let wrong = db.verify("alice", b"nope", "198.51.100.1".parse().expect("ip"));
    let unknown = db.verify("mallory", b"nope", "198.51.100.2".parse().expect("ip"));
    let invalid = db.verify("../etc", b"nope", "198.51.100.3".parse().expect("ip"));
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, invalid);
    assert!(matches!(wrong, Verdict::Rejected { .. }));
    let stats = db.stats();
    assert_eq!(
        (stats.verifications, stats.hashes, stats.failures),
        (3, 3, 3)
    );
    // Even alice's password does not log in as someone else.
    assert!(!accepts(&db, "mallory", b"secret"));
}

#[test]
fn cache_hit_does_not_hash_again() {
    let file = PasswdFile::new(&format!("alice:{}\n", sha256_field("secret", "saltsalt")));
    let db = file.open();
    assert!(accepts(&db, "alice", b"secret"));
    assert!(accepts(&db, "alice", b"secret"));
    assert!(accepts(&db, "alice", b"secret"));
    let stats = db.stats();
    assert_eq!((stats.hashes, stats.cache_hits, stats.cached), (1, 2, 1));
    // A wrong password is never answered from the cache.
    assert!(!accepts(&db, "alice", b"secreT"));
    assert_eq!(db.stats().hashes, 2);
}

#[test]
fn cache_entries_expire() {
    let file = PasswdFile::new("alice:{PLAIN}secret\n");
    let options = AuthOptions {
        cache_ttl: Duration::from_millis(30),
        ..test_options()
    };
    let db = UserDb::open(&file.path, options).expect("open");
    assert!(accepts(&db, "alice", b"secret"));
    std::thread::sleep(Duration::from_millis(40));
    assert!(accepts(&db, "alice", b"secret"));
    assert_eq!((db.stats().hashes, db.stats().cache_hits), (2, 0));
}

#[test]
fn changed_password_takes_effect_and_voids_the_cache() {
    let file = PasswdFile::new(&format!(
        "alice:{}\nbob:{}\n",
        sha256_field("old", "saltsalt"),
        sha256_field("bobpw", "bobsalt")
    ));
    let db = file.open();
    assert!(accepts(&db, "alice", b"old"));
    assert!(accepts(&db, "bob", b"bobpw"));
    file.replace(&format!(
        "alice:{}\nbob:{}\n",
        sha256_field("new", "saltsalt"),
        sha256_field("bobpw", "bobsalt")
    ));
    assert!(db.reload_if_changed().expect("reload"));
    assert!(
        !db.reload_if_changed().expect("reload"),
        "no change the second time"
    );
    let before = db.stats();
    assert!(
        !accepts(&db, "alice", b"old"),
        "cached old password must not work"
    );
    assert!(accepts(&db, "alice", b"new"));
    // Bob's entry did not change, so his cached login still counts.
    assert!(accepts(&db, "bob", b"bobpw"));
    let after = db.stats();
    assert_eq!(after.hashes - before.hashes, 2);
    assert_eq!(after.cache_hits - before.cache_hits, 1);
    assert_eq!(after.reloads, 1);
}

#[test]
fn edits_in_place_are_noticed_within_a_second() {
    let file = PasswdFile::new("alice:{PLAIN}one\n");
    let db = file.open();
    assert!(accepts(&db, "alice", b"one"));
    // Same inode, different size and mtime.
    std::fs::write(&file.path, "alice:{PLAIN}two\ncarol:{PLAIN}three\n").expect("write");
    std::thread::sleep(Duration::from_millis(1100));
    assert!(db.lookup("carol").is_some());
    assert!(accepts(&db, "alice", b"two"));
    assert!(!accepts(&db, "alice", b"one"));
}

#[test]
fn deleted_file_drops_all_users() {
    let file = PasswdFile::new("alice:{PLAIN}one\n");
    let db = file.open();
    std::fs::remove_file(&file.path).expect("remove");
    assert!(db.reload_if_changed().expect("reload"));
    assert!(db.lookup("alice").is_none());
    file.replace("alice:{PLAIN}back\n");
    assert!(db.reload_if_changed().expect("reload"));
    assert!(accepts(&db, "alice", b"back"));
}

#[test]
fn failure_delay_doubles_per_address_and_is_capped() {
    let file = PasswdFile::new("alice:{PLAIN}secret\n");
    let db = file.open();
    let attacker: IpAddr = "203.0.113.9".parse().expect("ip");
    let delays: Vec<u64> = (0..6)
        .map(|_| match db.verify("alice", b"guess", attacker) {
            Verdict::Rejected { delay } => delay.as_millis() as u64,
            Verdict::Accepted(_) => panic!("guess accepted"),
        })
        .collect();
    assert_eq!(delays, [10, 20, 40, 50, 50, 50]);
    assert_eq!(db.failures_from(attacker), 6);
    // Another address starts from the base delay.
    assert_eq!(
        db.verify("alice", b"typo", CLIENT),
        Verdict::Rejected {
            delay: Duration::from_millis(10)
        }
    );
    // A success from the attacker's address (say, a shared NAT) does not
    // wipe its count.
    assert!(matches!(
        db.verify("alice", b"secret", attacker),
        Verdict::Accepted(_)
    ));
    assert_eq!(db.failures_from(attacker), 6);
}

#[test]
fn overlong_passwords_are_refused_without_hashing() {
    let file = PasswdFile::new("alice:{PLAIN}secret\n");
    let db = file.open();
    let huge = vec![b'x'; dormouse_auth::MAX_PASSWORD_LEN + 1];
    assert!(!accepts(&db, "alice", &huge));
    assert_eq!((db.stats().hashes, db.stats().failures), (0, 1));
}

#[test]
fn userdb_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<UserDb>();
    let file = PasswdFile::new(&format!("alice:{}\n", sha256_field("secret", "saltsalt")));
    let db = std::sync::Arc::new(file.open());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let db = std::sync::Arc::clone(&db);
            std::thread::spawn(move || (0..5).all(|_| accepts(&db, "alice", b"secret")))
        })
        .collect();
    for h in handles {
        assert!(h.join().expect("thread"));
    }
    assert_eq!(db.stats().verifications, 20);
}
