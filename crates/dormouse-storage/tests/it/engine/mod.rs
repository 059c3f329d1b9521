//! Tests of the storage engine (index log, shared mailboxes, views) on real
//! Maildirs in temp dirs, with helpers shared by the modules below.

mod bus;
mod cache;
mod crash;
mod dovecot;
mod locate;
mod memory;
mod outside;
mod recovery;
mod roundtrip;
mod tree;
mod uidlist_append;
mod views;

use std::num::NonZeroU32;
use std::path::Path;

use dormouse_storage::{
    Fsync, MailboxName, NewMessage, Store, StoreSettings, SystemFlags, Uid, UserStore,
};
use tempfile::TempDir;

/// A store whose writes skip fsync: for tests where durability is not
/// what is being tested.
pub fn fast_store() -> Store {
    Store::new(StoreSettings {
        separator: '.',
        fsync: Fsync::Never,
    })
}

/// A fresh user in a temp dir, created through `Store::user`.
pub fn new_user() -> (TempDir, Store, UserStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = fast_store();
    let user = store.user(dir.path().join("user")).unwrap();
    (dir, store, user)
}

/// The same user's root opened by a brand-new store, as after a restart.
pub fn reopen(root: &Path) -> (Store, UserStore) {
    let store = fast_store();
    let user = store.user(root.to_path_buf()).unwrap();
    (store, user)
}

pub fn name(user: &UserStore, s: &str) -> MailboxName {
    user.name(s).unwrap()
}

pub fn inbox(user: &UserStore) -> MailboxName {
    name(user, "INBOX")
}

pub fn uid(n: u32) -> Uid {
    Uid(NonZeroU32::new(n).unwrap())
}

pub fn raw(uids: impl IntoIterator<Item = Uid>) -> Vec<u32> {
    uids.into_iter().map(|u| u.0.get()).collect()
}

pub fn message(body: &str) -> NewMessage {
    NewMessage {
        data: format!("Subject: {body}\r\n\r\n{body}\r\n").into_bytes(),
        ..NewMessage::default()
    }
}

pub fn flagged(body: &str, flags: SystemFlags, keywords: &[&str]) -> NewMessage {
    NewMessage {
        flags,
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        ..message(body)
    }
}

/// Appends one message per body to INBOX; returns the UIDs.
pub fn append_bodies(user: &UserStore, bodies: &[&str]) -> Vec<u32> {
    let msgs = bodies.iter().map(|b| message(b)).collect();
    raw(user.append(&inbox(user), msgs).unwrap().uids)
}

/// File names in `dir` (sorted).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}
