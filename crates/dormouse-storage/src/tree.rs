//! Changing a user's mailbox tree: CREATE, DELETE and RENAME on Maildir++
//! directories, keeping open mailboxes, `dormouse-specialuse` and the
//! registry consistent. All of it runs under the store's tree lock.
//!
//! DELETE of a mailbox that has children deletes the mailbox and leaves the
//! name as a non-selectable parent, as RFC 9051 §6.3.5 permits and as
//! Dovecot does with Maildir++ (whose children are separate directories).
//! DELETE of a name that is only a parent is `HasChildren`, which the RFC
//! makes an error (NO [HASCHILDREN]).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::StorageError;
use crate::fsutil::{Fsync, fsync_dir};
use crate::list::scan_names;
use crate::name::MailboxName;
use crate::special_use::{SpecialUse, SpecialUses};
use crate::user::UserStore;

/// INBOX is the root itself; other mailboxes carry Maildir++'s empty
/// `maildirfolder` marker file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Inbox,
    Folder,
}

/// Creates `dir` with `tmp/`, `new/`, `cur/` (last: its presence is what
/// makes a mailbox exist). Parts that already exist are kept.
pub fn create_maildir(dir: &Path, kind: Kind) -> io::Result<()> {
    ensure_dir(dir)?;
    ensure_dir(&dir.join("tmp"))?;
    ensure_dir(&dir.join("new"))?;
    if kind == Kind::Folder {
        fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join("maildirfolder"))?;
    }
    ensure_dir(&dir.join("cur"))
}

fn ensure_dir(dir: &Path) -> io::Result<()> {
    match fs::create_dir(dir) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

fn exists(dir: &Path) -> bool {
    dir.join("cur").is_dir()
}

fn sync_root(user: &UserStore) -> Result<(), StorageError> {
    if user.fsync() == Fsync::Always {
        fsync_dir(user.root())?;
    }
    Ok(())
}

/// Creates the missing ancestors of `name` as mailboxes (Maildir++ parents
/// are real mailboxes, so no \Noselect placeholders are needed).
fn create_parents(user: &UserStore, name: &MailboxName) -> Result<(), StorageError> {
    let mut ancestors: Vec<MailboxName> =
        std::iter::successors(name.parent(), MailboxName::parent).collect();
    ancestors.reverse();
    for a in ancestors.iter().filter(|a| !a.is_inbox()) {
        let dir = user.dir_of(a);
        if !exists(&dir) {
            create_maildir(&dir, Kind::Folder)?;
        }
    }
    Ok(())
}

pub fn create(
    user: &UserStore,
    name: &MailboxName,
    special_use: Option<SpecialUse>,
) -> Result<(), StorageError> {
    if name.is_inbox() {
        return Err(StorageError::AlreadyExists);
    }
    let _tree = user.tree_lock();
    let dir = user.dir_of(name);
    if exists(&dir) {
        return Err(StorageError::AlreadyExists);
    }
    create_parents(user, name)?;
    create_maildir(&dir, Kind::Folder)?;
    if special_use.is_some() {
        let mut su = SpecialUses::read(user.root())?;
        su.set(name, special_use);
        su.write(user.root(), user.fsync())?;
    }
    sync_root(user)
}

pub fn delete(user: &UserStore, name: &MailboxName) -> Result<(), StorageError> {
    if name.is_inbox() {
        return Err(StorageError::Cannot("INBOX cannot be deleted"));
    }
    let _tree = user.tree_lock();
    let dir = user.dir_of(name);
    if !exists(&dir) {
        let names = scan_names(user.root(), user.separator())?;
        return Err(if names.keys().any(|n| n.child_of(name)) {
            StorageError::HasChildren
        } else {
            StorageError::NoSuchMailbox
        });
    }
    let open = user.registry().open_at(&dir);
    let mut guard = open.as_ref().map(|mb| mb.write_even_if_gone());
    let trash = trash_path(user.root());
    fs::rename(&dir, &trash)?;
    if let (Some(mb), Some(st)) = (open.as_ref(), guard.as_mut()) {
        mb.set_gone(st);
    }
    drop(guard);
    // Subscribers whose mailbox is not loaded (parked sessions) hear it too.
    user.registry().bus().publish(&dir, &gone_note());
    if let Err(e) = fs::remove_dir_all(&trash) {
        tracing::warn!(error = %e, "could not remove a deleted mailbox's files");
    }
    let mut su = SpecialUses::read(user.root())?;
    if su.has_entry(name) {
        su.set(name, None);
        su.write(user.root(), user.fsync())?;
    }
    sync_root(user)
}

/// Names of deleted mailbox directories awaiting removal in `tmp/`.
pub const DELETED_PREFIX: &str = "dormouse-deleted.";

/// Where a deleted mailbox goes before its files are removed: inside
/// INBOX's `tmp/`, so that it vanishes from listings in one rename and
/// stays within the user's root.
fn trash_path(root: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    root.join("tmp").join(format!(
        "{DELETED_PREFIX}{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

pub fn rename(user: &UserStore, from: &MailboxName, to: &MailboxName) -> Result<(), StorageError> {
    if to.is_inbox() || from == to {
        return Err(StorageError::AlreadyExists);
    }
    // RENAME INBOX moves only INBOX's messages (RFC 9051 §6.3.6), so a
    // child of INBOX (`INBOX.old`) is a fine target.
    if from.is_inbox() {
        return rename_inbox(user, to);
    }
    if to.child_of(from) {
        return Err(StorageError::Cannot(
            "a mailbox cannot be moved under itself",
        ));
    }
    let _tree = user.tree_lock();
    let names = scan_names(user.root(), user.separator())?;
    let moving_names: Vec<&MailboxName> = names
        .iter()
        .filter(|(n, selectable)| **selectable && (*n == from || n.child_of(from)))
        .map(|(n, _)| n)
        .collect();
    let moving: Vec<(PathBuf, PathBuf)> = moving_names
        .iter()
        .map(|n| Ok((user.dir_of(n), user.dir_of(&n.rebase(from, to)?))))
        .collect::<Result<_, StorageError>>()?;
    if moving.is_empty() {
        return Err(StorageError::NoSuchMailbox);
    }
    if moving.iter().any(|(_, target)| target.exists()) {
        return Err(StorageError::AlreadyExists);
    }
    create_parents(user, to)?;
    let open = user.registry().open_under(&user.dir_of(from));
    let mut guards: Vec<_> = open
        .iter()
        .map(|mb| (mb.dir().to_path_buf(), mb.write_even_if_gone()))
        .collect();
    for (source, target) in &moving {
        fs::rename(source, target)?;
        for ((dir, st), mb) in guards.iter_mut().zip(&open) {
            if dir == source {
                mb.set_gone(st);
            }
        }
    }
    drop(guards);
    for (source, _) in &moving {
        user.registry().bus().publish(source, &gone_note());
    }
    let mut su = SpecialUses::read(user.root())?;
    let before = su.clone();
    // A default attribute (by name) becomes explicit, so that it follows
    // the mailbox to its new name.
    for n in &moving_names {
        let attr = su.of(n);
        if attr.is_some() && !su.has_entry(n) {
            su.set(n, attr);
        }
    }
    su.rename(from, to);
    if su != before {
        su.write(user.root(), user.fsync())?;
    }
    sync_root(user)
}

/// RENAME INBOX (RFC 9051 §6.3.6): all of INBOX's messages move to a new
/// mailbox `to`, and INBOX stays, empty.
fn rename_inbox(user: &UserStore, to: &MailboxName) -> Result<(), StorageError> {
    {
        let _tree = user.tree_lock();
        if exists(&user.dir_of(to)) {
            return Err(StorageError::AlreadyExists);
        }
        create_parents(user, to)?;
        create_maildir(&user.dir_of(to), Kind::Folder)?;
        sync_root(user)?;
    }
    let inbox = user.mailbox(&MailboxName::inbox(user.separator()))?;
    let dest = user.mailbox(to)?;
    inbox.sync_disk(crate::scan::ScanMode::ReadWrite)?;
    let uids: Vec<u32> = inbox.read()?.messages.iter().map(|m| m.uid).collect();
    let (_, pairs) = inbox.copy_to(&uids, &dest)?;
    let mut moved: Vec<u32> = pairs.into_iter().map(|(src, _)| src).collect();
    moved.sort_unstable();
    inbox.expunge_where(|r| moved.binary_search(&r.uid).is_ok())?;
    Ok(())
}

/// What subscribers of a deleted or renamed-away mailbox hear.
fn gone_note() -> crate::bus::Note {
    crate::bus::Note {
        kind: crate::bus::NoteKind::GONE,
        modseq: 0,
        uid_next: 0,
    }
}
