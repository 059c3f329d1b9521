//! Message files not named as their flags imply (Dovecot's `P` letter, no
//! `:2,` info, still in `new/`) are found without listing the directories
//! on every read (review finding: `FETCH 1:* BODY[]` listed `cur/` and
//! `new/` once per such message).

use std::fs;
use std::path::Path;

use dormouse_storage::{Access, FlagOp, StoreMode, SystemFlags};

use super::*;

const READS: usize = 20;

/// INBOX files as Dovecot and other MDAs leave them: `P` (passed) among
/// the letters, sizes in the base, a file in `cur/` without info, a
/// second flag set, and an undelivered file in `new/`.
const FILES: [(&str, &str); 5] = [
    ("cur", "1700000001.M1P1.mx,S=10,W=11:2,PS"),
    ("cur", "1700000002.M2P2.mx,S=10,W=11"),
    ("cur", "1700000003.M3P3.mx,S=10,W=11:2,S,extra"),
    ("cur", "1700000004.M4P4.mx,S=10,W=11:2,FS"),
    ("new", "1700000005.M5P5.mx,S=10,W=11"),
];

fn maildir(root: &Path) {
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(root.join(sub)).unwrap();
    }
    for (i, (sub, name)) in FILES.iter().enumerate() {
        fs::write(root.join(sub).join(name), format!("body {i}\n")).unwrap();
    }
    // Old enough for the scan to trust the directory stamps, so that a
    // restart does not rescan and only the index's names are known.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for sub in ["cur", "new"] {
        fs::File::open(root.join(sub))
            .unwrap()
            .set_modified(past)
            .unwrap();
    }
}

fn read_all(view: &dormouse_storage::View) {
    for _ in 0..READS {
        for (i, u) in (1..=5).enumerate() {
            let got = view.read(uid(u)).unwrap_or_else(|e| panic!("uid {u}: {e}"));
            assert_eq!(got, format!("body {i}\r\n").into_bytes());
        }
    }
}

#[test]
fn odd_file_names_are_read_without_listing_directories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("user");
    maildir(&root);
    let store = fast_store();
    let user = store.user(root.clone()).unwrap();
    let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    assert_eq!(raw(view.uids()), vec![1, 2, 3, 4, 5]);
    read_all(&view);
    assert_eq!(view.file_lookups(), 0);

    // A STORE renames the P file keeping its P, and it is still found.
    let mut rw = user.open(&inbox(&user), Access::ReadWrite).unwrap();
    rw.store(
        &[uid(1), uid(2), uid(5)],
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::FLAGGED,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
    let cur = files_in(&root.join("cur"));
    assert!(
        cur.contains(&"1700000001.M1P1.mx,S=10,W=11:2,FPS".to_owned()),
        "{cur:?}"
    );
    assert!(cur.contains(&"1700000003.M3P3.mx,S=10,W=11:2,S,extra".to_owned()));
    assert!(
        files_in(&root.join("new")).is_empty(),
        "moved by the read-write open"
    );
    read_all(&rw);
    assert_eq!(rw.file_lookups(), 0);
}

#[test]
fn after_a_restart_one_listing_finds_every_odd_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("user");
    maildir(&root);
    {
        let store = fast_store();
        let user = store.user(root.clone()).unwrap();
        let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
        assert_eq!(view.exists(), 5);
    }
    let (_store, user) = reopen(&root);
    let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    read_all(&view);
    assert_eq!(view.file_lookups(), 1);
    assert_eq!(
        files_in(&root.join("new")).len(),
        1,
        "a read-only session moves nothing"
    );
}
