//! Damaged or missing index files: a torn tail is cut off, a lost index is
//! rebuilt from dovecot-uidlist with the same UIDVALIDITY, and only when
//! both are gone does the mailbox get a new UIDVALIDITY.

use std::fs::{self, OpenOptions};
use std::io::Write;

use dormouse_storage::{Access, FlagOp, StoreMode, SystemFlags, UidValidity};

use super::*;

fn contents(user: &UserStore) -> Vec<(u32, Vec<u8>)> {
    let view = user.open(&inbox(user), Access::ReadOnly).unwrap();
    view.uids()
        .map(|u| (u.0.get(), view.read(u).unwrap()))
        .collect()
}

fn validity(user: &UserStore) -> UidValidity {
    user.status(&inbox(user)).unwrap().uidvalidity
}

#[test]
fn a_torn_tail_is_cut_off_and_later_records_survive() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b", "c"]);
    let before = contents(&user);
    drop(user);
    drop(store);

    let index = dir.path().join("user").join("dormouse.index");
    // Half a record: a plausible length, then too few bytes.
    let mut f = OpenOptions::new().append(true).open(&index).unwrap();
    f.write_all(&[40, 0, 0, 0, 1, 2, 3, 4, 1, 9, 9]).unwrap();
    drop(f);

    let (store, user) = reopen(&dir.path().join("user"));
    assert_eq!(contents(&user), before);
    assert_eq!(append_bodies(&user, &["d"]), vec![4]);
    drop(user);
    drop(store);

    // The record appended after the cut is found on the next start.
    let (_store, user) = reopen(&dir.path().join("user"));
    let after = contents(&user);
    assert_eq!(after.len(), 4);
    assert_eq!(after[3], (4, b"Subject: d\r\n\r\nd\r\n".to_vec()));
}

#[test]
fn a_garbled_record_loses_nothing_that_is_on_disk() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b"]);
    let before = contents(&user);
    drop(user);
    drop(store);

    let index = dir.path().join("user").join("dormouse.index");
    let mut bytes = fs::read(&index).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::write(&index, bytes).unwrap();

    // The damaged record is dropped; the file it described is adopted again
    // by the scan, with the same content.
    let (_store, user) = reopen(&dir.path().join("user"));
    let after = contents(&user);
    assert_eq!(after.len(), 2);
    assert_eq!(
        after.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>(),
        before.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>()
    );
}

#[test]
fn a_lost_index_is_rebuilt_from_the_uidlist() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b", "c"]);
    let mut view = user.open(&inbox(&user), Access::ReadWrite).unwrap();
    view.store(
        &[uid(2)],
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::DELETED,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
    view.expunge(None).unwrap();
    view.store(
        &[uid(3)],
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::ANSWERED,
            keywords: vec!["work".into()],
        },
        None,
    )
    .unwrap();
    let old_modseq = view.meta(uid(3)).unwrap().modseq;
    let before_validity = view.uidvalidity();
    drop(view);
    let before = contents(&user);
    drop(user);
    drop(store);

    fs::remove_file(dir.path().join("user").join("dormouse.index")).unwrap();
    let (_store, user) = reopen(&dir.path().join("user"));
    assert_eq!(validity(&user), before_validity);
    assert_eq!(contents(&user), before);
    let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    let meta = view.meta(uid(3)).unwrap();
    assert_eq!(meta.flags, SystemFlags::ANSWERED);
    assert_eq!(meta.keywords, vec!["work".to_string()]);
    assert!(
        meta.modseq > old_modseq,
        "modseqs must not go backwards when the UIDVALIDITY is kept"
    );
    assert_eq!(view.uid_next(), uid(4));
    // The expunge of UID 2 is forgotten with the index; a QRESYNC client
    // from before the rebuild must still be told it may have vanished.
    let vanished = view.vanished_ranges_since(old_modseq).unwrap();
    assert!(vanished.contains(2), "UID 2 not reported as vanished");
    assert!(!vanished.contains(1) && !vanished.contains(3));
    drop(view);
    assert_eq!(append_bodies(&user, &["d"]), vec![4]);
}

#[test]
fn losing_index_and_uidlist_means_a_new_uidvalidity() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b"]);
    let old = validity(&user);
    drop(user);
    drop(store);

    let root = dir.path().join("user");
    fs::remove_file(root.join("dormouse.index")).unwrap();
    fs::remove_file(root.join("dovecot-uidlist")).unwrap();
    let (_store, user) = reopen(&root);
    assert_ne!(validity(&user), old);
    let got = contents(&user);
    assert_eq!(got.iter().map(|(u, _)| *u).collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn a_foreign_index_file_is_set_aside_and_rebuilt() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a"]);
    let old = validity(&user);
    drop(user);
    drop(store);
    let root = dir.path().join("user");
    fs::write(root.join("dormouse.index"), b"not an index at all").unwrap();
    let (_store, user) = reopen(&root);
    assert_eq!(validity(&user), old);
    assert_eq!(contents(&user).len(), 1);
    assert!(root.join("dormouse.index.broken").exists());
}
