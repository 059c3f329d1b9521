//! Taking over a Maildir that Dovecot used: UIDVALIDITY, UIDs and keyword
//! letters are kept; files Dovecot never listed get new UIDs.

use std::fs;
use std::path::Path;

use dormouse_storage::dovecot::read_uidlist;
use dormouse_storage::{Access, SystemFlags};

use super::*;

/// A Dovecot-style user root: INBOX with two listed files (one in new/
/// and one in cur/ with keyword letters), one unlisted file, keywords.
fn dovecot_fixture(root: &Path) {
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(root.join(sub)).unwrap();
    }
    fs::write(
        root.join("dovecot-uidlist"),
        "3 V1600000000 N20 G0123456789abcdef0123456789abcdef\n\
         3 :1600000001.M1P1.old,S=30,W=32\n\
         7 W40 :1600000002.M2P2.old,S=38\n",
    )
    .unwrap();
    fs::write(
        root.join("dovecot-keywords"),
        "0 $Forwarded\n1 work\n3 later\n",
    )
    .unwrap();
    fs::write(
        root.join("cur").join("1600000001.M1P1.old,S=30,W=32:2,S"),
        "Subject: three\n\nuid three\n",
    )
    .unwrap();
    fs::write(
        root.join("cur").join("1600000002.M2P2.old,S=38:2,FRabd"),
        "Subject: seven\n\nuid seven\n",
    )
    .unwrap();
    fs::write(
        root.join("new").join("1600000003.M3P3.old"),
        "Subject: new\n\nnot in the uidlist\n",
    )
    .unwrap();
}

#[test]
fn dovecot_uids_and_keywords_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("user");
    dovecot_fixture(&root);
    let store = fast_store();
    let user = store.user(root.clone()).unwrap();
    let view = user.open(&inbox(&user), Access::ReadWrite).unwrap();

    assert_eq!(view.uidvalidity().0.get(), 1_600_000_000);
    assert_eq!(raw(view.uids()), vec![3, 7, 20]);
    assert_eq!(view.uid_next(), uid(21));

    let seven = view.meta(uid(7)).unwrap();
    assert_eq!(seven.flags, SystemFlags::FLAGGED | SystemFlags::ANSWERED);
    assert_eq!(
        seven.keywords,
        vec!["$Forwarded".to_string(), "work".into(), "later".into()]
    );
    assert_eq!(view.meta(uid(3)).unwrap().flags, SystemFlags::SEEN);
    // W= is the IMAP size when present.
    assert_eq!(view.meta(uid(3)).unwrap().size, 32);
    assert_eq!(
        view.read(uid(20)).unwrap(),
        b"Subject: new\r\n\r\nnot in the uidlist\r\n"
    );

    // The read-write open moved the new file to cur/, and the uidlist now
    // carries the UID given to it.
    assert!(files_in(&root.join("new")).is_empty());
    let list = read_uidlist(&root).unwrap().unwrap();
    assert_eq!(list.uidvalidity, 1_600_000_000);
    assert_eq!(list.next_uid, 21);
    assert_eq!(
        list.guid.as_deref(),
        Some("0123456789abcdef0123456789abcdef")
    );
    assert_eq!(
        list.entries,
        vec![
            (3, "1600000001.M1P1.old,S=30,W=32".to_string()),
            (7, "1600000002.M2P2.old,S=38".to_string()),
            (20, "1600000003.M3P3.old".to_string()),
        ]
    );

    // New UIDs continue after Dovecot's.
    assert_eq!(append_bodies(&user, &["next"]), vec![21]);
}

#[test]
fn existing_dovecot_folders_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("user");
    dovecot_fixture(&root);
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(root.join(".Work.Projects").join(sub)).unwrap();
    }
    let store = fast_store();
    let user = store.user(root).unwrap();
    let names: Vec<(String, bool)> = user
        .list()
        .unwrap()
        .into_iter()
        .map(|m| (m.name, m.selectable))
        .collect();
    // An existing root is not a new user: no default mailboxes are added.
    assert_eq!(
        names,
        vec![
            ("INBOX".to_string(), true),
            ("Work".to_string(), false),
            ("Work.Projects".to_string(), true),
        ]
    );
}
