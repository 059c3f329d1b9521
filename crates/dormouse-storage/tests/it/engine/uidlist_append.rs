//! `dovecot-uidlist` follows the index by appending one line per new
//! message (review finding: it was rewritten whole after every APPEND),
//! and is rewritten only when torn, changed by someone else, or carrying
//! too many lines of expunged messages.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use dormouse_storage::dovecot::read_uidlist;
use dormouse_storage::{Access, FlagOp, StoreMode, SystemFlags, UserStore};

use super::*;

/// (inode, length) of the user's INBOX uidlist: a rewrite makes a new
/// file (written aside and renamed), an append keeps the inode.
fn uidlist_file(root: &Path) -> (u64, u64) {
    let meta = fs::metadata(root.join("dovecot-uidlist")).unwrap();
    (meta.ino(), meta.len())
}

fn listed(root: &Path) -> Vec<u32> {
    let list = read_uidlist(root).unwrap().unwrap();
    list.entries.iter().map(|(uid, _)| *uid).collect()
}

fn live(user: &UserStore) -> Vec<u32> {
    let view = user.open(&inbox(user), Access::ReadOnly).unwrap();
    raw(view.uids())
}

/// Expunges `uids` from INBOX through a read-write view.
fn expunge(user: &UserStore, uids: &[u32]) {
    let mut view = user.open(&inbox(user), Access::ReadWrite).unwrap();
    let targets: Vec<_> = uids.iter().map(|&u| uid(u)).collect();
    view.store(
        &targets,
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::DELETED,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
    assert_eq!(view.expunge(None).unwrap().len(), uids.len());
}

/// The base name of the file in `cur/` that `before` did not have.
fn new_base(root: &Path, before: &BTreeSet<String>) -> (String, BTreeSet<String>) {
    let now: BTreeSet<String> = files_in(&root.join("cur")).into_iter().collect();
    let added: Vec<&String> = now.difference(before).collect();
    assert_eq!(added.len(), 1, "{added:?}");
    let base = added[0].split(":2,").next().unwrap().to_owned();
    (base, now)
}

#[test]
fn each_append_adds_one_line_and_rewrites_nothing() {
    let (dir, _store, user) = new_user();
    let root = dir.path().join("user");
    append_bodies(&user, &["first"]);
    let _open = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    let (inode, mut len) = uidlist_file(&root);
    let mut files: BTreeSet<String> = files_in(&root.join("cur")).into_iter().collect();
    for i in 0..40 {
        let got = append_bodies(&user, &[&format!("m{i}")]);
        let (base, now) = new_base(&root, &files);
        files = now;
        let line = format!("{} :{base}\n", got[0]);
        assert_eq!(
            uidlist_file(&root),
            (inode, len + line.len() as u64),
            "append {i}"
        );
        len += line.len() as u64;
    }
    assert_eq!(listed(&root), (1..=41).collect::<Vec<_>>());

    // 10 of 41 lines stale: under a quarter, so the file is kept as it is.
    expunge(&user, &(1..=10).collect::<Vec<_>>());
    assert_eq!(uidlist_file(&root), (inode, len));
    assert_eq!(listed(&root), (1..=41).collect::<Vec<_>>());
    let kept = append_bodies(&user, &["after"]);
    assert_eq!(uidlist_file(&root).0, inode);

    // One more makes it over a quarter: rewritten to exactly the live set.
    expunge(&user, &[11]);
    assert_ne!(uidlist_file(&root).0, inode);
    let now = live(&user);
    assert_eq!(now, (12..=41).chain(kept).collect::<Vec<_>>());
    assert_eq!(listed(&root), now);
}

/// A crash half-way through writing the last line, found when the
/// mailbox is next loaded.
#[test]
fn a_torn_last_line_is_repaired_by_a_rewrite() {
    let (dir, store, user) = new_user();
    let root = dir.path().join("user");
    append_bodies(&user, &["a", "b", "c"]);
    drop(user);
    drop(store);
    let path = root.join("dovecot-uidlist");
    let text = fs::read(&path).unwrap();
    fs::write(&path, &text[..text.len() - 5]).unwrap();
    let (inode, _) = uidlist_file(&root);

    let (_store, user) = reopen(&root);
    let more = append_bodies(&user, &["d"]);
    assert_ne!(uidlist_file(&root).0, inode, "rewritten, not appended to");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.ends_with('\n'));
    assert_eq!(listed(&root), vec![1, 2, 3, more[0]]);

    // Torn under a running process: the length is not the one it left.
    let text = fs::read(&path).unwrap();
    fs::write(&path, &text[..text.len() - 3]).unwrap();
    let (inode, _) = uidlist_file(&root);
    let last = append_bodies(&user, &["e"]);
    assert_ne!(uidlist_file(&root).0, inode);
    assert_eq!(listed(&root), vec![1, 2, 3, more[0], last[0]]);
}

#[test]
fn a_restart_appends_too_and_catches_up_lines_a_crash_lost() {
    let (dir, store, user) = new_user();
    let root = dir.path().join("user");
    append_bodies(&user, &["a", "b", "c"]);
    drop(user);
    drop(store);
    // A crash between logging UID 3 and adding its line.
    let path = root.join("dovecot-uidlist");
    let text = fs::read_to_string(&path).unwrap();
    let cut = text.trim_end_matches('\n').rfind('\n').unwrap() + 1;
    fs::write(&path, &text[..cut]).unwrap();
    let (inode, _) = uidlist_file(&root);
    assert_eq!(listed(&root), vec![1, 2]);

    let (_store, user) = reopen(&root);
    let more = append_bodies(&user, &["d"]);
    assert_eq!(uidlist_file(&root).0, inode, "appended to, not rewritten");
    assert_eq!(listed(&root), vec![1, 2, 3, more[0]]);
}

#[test]
fn a_file_changed_by_another_program_is_rewritten() {
    let (dir, _store, user) = new_user();
    let root = dir.path().join("user");
    append_bodies(&user, &["a", "b"]);
    let path = root.join("dovecot-uidlist");
    // Dovecot added a line for a file of its own (same inode, new length).
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("9 :dovecot.file\n");
    fs::write(&path, &text).unwrap();
    let (inode, _) = uidlist_file(&root);
    append_bodies(&user, &["c"]);
    assert_ne!(uidlist_file(&root).0, inode);
    assert_eq!(listed(&root), vec![1, 2, 3]);
}

/// Past 1,000 stale lines the file is rewritten even when they are less
/// than a quarter of it.
#[test]
fn a_thousand_stale_lines_force_a_rewrite() {
    let (dir, _store, user) = new_user();
    let root = dir.path().join("user");
    let msgs = (0..4200).map(|i| message(&format!("m{i}"))).collect();
    user.append(&inbox(&user), msgs).unwrap();
    // Kept open, so the count of stale lines is the running one, not the
    // estimate made when a mailbox is loaded.
    let _open = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    let (inode, len) = uidlist_file(&root);
    expunge(&user, &(1..=1000).collect::<Vec<_>>());
    assert_eq!(uidlist_file(&root), (inode, len));
    expunge(&user, &[1001]);
    assert_ne!(uidlist_file(&root).0, inode);
    assert_eq!(listed(&root), (1002..=4200).collect::<Vec<_>>());
}

/// After a restart the stale lines are estimated from the file's length,
/// so they still count towards the next rewrite.
#[test]
fn stale_lines_are_still_counted_after_a_restart() {
    let (dir, store, user) = new_user();
    let root = dir.path().join("user");
    append_bodies(&user, &["a", "b", "c", "d", "e", "f", "g", "h"]);
    expunge(&user, &[1]);
    drop(user);
    drop(store);
    let (inode, len) = uidlist_file(&root);
    assert_eq!(listed(&root), (1..=8).collect::<Vec<_>>());

    let (_store, user) = reopen(&root);
    let _open = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    assert_eq!(
        uidlist_file(&root),
        (inode, len),
        "one stale line of eight is kept"
    );
    expunge(&user, &[2, 3]);
    assert_ne!(uidlist_file(&root).0, inode);
    assert_eq!(listed(&root), (4..=8).collect::<Vec<_>>());
}
