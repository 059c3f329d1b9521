//! Mailbox tree operations: a new user's layout, CREATE, DELETE, RENAME
//! (including INBOX), LIST and subscriptions.

use dormouse_storage::{Access, MailboxInfo, SeqPolicy, SpecialUse, StorageError};

use super::*;

fn listing(user: &UserStore) -> Vec<MailboxInfo> {
    user.list().unwrap()
}

fn info<'a>(list: &'a [MailboxInfo], name: &str) -> Option<&'a MailboxInfo> {
    list.iter().find(|m| m.name == name)
}

#[test]
fn a_new_user_gets_inbox_and_the_special_use_mailboxes() {
    let (_dir, _store, user) = new_user();
    let list = listing(&user);
    let names: Vec<&str> = list.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"]
    );
    assert_eq!(
        info(&list, "Sent").unwrap().special_use,
        Some(SpecialUse::Sent)
    );
    assert_eq!(
        info(&list, "Junk").unwrap().special_use,
        Some(SpecialUse::Junk)
    );
    assert_eq!(info(&list, "INBOX").unwrap().special_use, None);
    assert!(list.iter().all(|m| m.selectable && !m.has_children));
    let subs = user.subscriptions().unwrap();
    for n in ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"] {
        assert!(subs.iter().any(|s| s == n), "{n} not subscribed: {subs:?}");
    }
    // Maildir++ layout on disk.
    assert!(user.root().join(".Sent").join("maildirfolder").exists());
    assert!(user.root().join(".Sent").join("cur").is_dir());
}

#[test]
fn create_makes_parents_and_refuses_duplicates() {
    let (_dir, _store, user) = new_user();
    let deep = name(&user, "Work.Projects.2024");
    user.create(&deep, Some(SpecialUse::Flagged)).unwrap();
    let list = listing(&user);
    assert!(info(&list, "Work").unwrap().has_children);
    assert!(info(&list, "Work").unwrap().selectable);
    assert_eq!(
        info(&list, "Work.Projects.2024").unwrap().special_use,
        Some(SpecialUse::Flagged)
    );
    assert!(matches!(
        user.create(&deep, None),
        Err(StorageError::AlreadyExists)
    ));
    assert!(matches!(
        user.create(&inbox(&user), None),
        Err(StorageError::AlreadyExists)
    ));
    // Non-ASCII names are modified UTF-7 on disk.
    user.create(&name(&user, "Entwürfe"), None).unwrap();
    assert!(user.root().join(".Entw&APw-rfe").join("cur").is_dir());
    assert!(info(&listing(&user), "Entwürfe").is_some());
}

#[test]
fn delete_keeps_children_and_refuses_parent_only_names() {
    let (_dir, _store, user) = new_user();
    user.create(&name(&user, "A.B"), None).unwrap();
    append_bodies(&user, &["x"]);
    let a = name(&user, "A");
    user.append(&a, vec![message("in A")]).unwrap();
    let mut view = user.open(&a, Access::ReadWrite).unwrap();
    let old_validity = view.uidvalidity();

    user.delete(&a).unwrap();
    let list = listing(&user);
    let parent = info(&list, "A").unwrap();
    assert!(!parent.selectable && parent.has_children);
    assert!(info(&list, "A.B").unwrap().selectable);
    // A session that had it selected learns it is gone.
    assert!(matches!(
        view.sync(SeqPolicy::Update),
        Err(StorageError::NoSuchMailbox)
    ));
    assert!(matches!(user.delete(&a), Err(StorageError::HasChildren)));
    assert!(matches!(
        user.delete(&name(&user, "Nope")),
        Err(StorageError::NoSuchMailbox)
    ));
    assert!(matches!(
        user.delete(&inbox(&user)),
        Err(StorageError::Cannot(_))
    ));
    // Re-created, it starts empty under a new UIDVALIDITY.
    user.create(&a, None).unwrap();
    let status = user.status(&a).unwrap();
    assert_eq!(status.messages, 0);
    assert_ne!(status.uidvalidity, old_validity);
}

#[test]
fn rename_moves_children_and_special_use() {
    let (_dir, _store, user) = new_user();
    user.create(&name(&user, "Old.Child"), None).unwrap();
    user.append(&name(&user, "Old.Child"), vec![message("kid")])
        .unwrap();
    user.rename(&name(&user, "Sent"), &name(&user, "Outbox.Sent"))
        .unwrap();
    user.rename(&name(&user, "Old"), &name(&user, "New"))
        .unwrap();
    let list = listing(&user);
    assert!(info(&list, "Old").is_none());
    assert!(info(&list, "Old.Child").is_none());
    assert!(info(&list, "New.Child").unwrap().selectable);
    assert_eq!(
        info(&list, "Outbox.Sent").unwrap().special_use,
        Some(SpecialUse::Sent)
    );
    let view = user
        .open(&name(&user, "New.Child"), Access::ReadOnly)
        .unwrap();
    assert_eq!(view.read(uid(1)).unwrap(), b"Subject: kid\r\n\r\nkid\r\n");
    assert!(matches!(
        user.rename(&name(&user, "New"), &name(&user, "Trash")),
        Err(StorageError::AlreadyExists)
    ));
    assert!(matches!(
        user.rename(&name(&user, "New"), &name(&user, "New.Sub")),
        Err(StorageError::Cannot(_))
    ));
    assert!(matches!(
        user.rename(&name(&user, "Missing"), &name(&user, "X")),
        Err(StorageError::NoSuchMailbox)
    ));
}

#[test]
fn renaming_inbox_moves_its_messages_and_leaves_it_empty() {
    let (_dir, _store, user) = new_user();
    append_bodies(&user, &["a", "b"]);
    let old_mail = name(&user, "Old Mail");
    user.rename(&inbox(&user), &old_mail).unwrap();
    assert_eq!(user.status(&inbox(&user)).unwrap().messages, 0);
    let view = user.open(&old_mail, Access::ReadOnly).unwrap();
    assert_eq!(view.exists(), 2);
    assert_eq!(view.read(uid(2)).unwrap(), b"Subject: b\r\n\r\nb\r\n");
    // INBOX keeps counting UIDs.
    assert_eq!(append_bodies(&user, &["c"]), vec![3]);
}

/// `RENAME INBOX INBOX.old` is the classic way to archive INBOX; the
/// target is a child of INBOX, which is fine because only messages move
/// (review finding).
#[test]
fn renaming_inbox_to_its_own_child_works() {
    let (_dir, _store, user) = new_user();
    append_bodies(&user, &["a"]);
    let old = name(&user, "INBOX.old");
    user.rename(&inbox(&user), &old).unwrap();
    assert_eq!(user.status(&inbox(&user)).unwrap().messages, 0);
    assert_eq!(user.status(&old).unwrap().messages, 1);
}

#[test]
fn subscriptions_round_trip() {
    let (_dir, _store, user) = new_user();
    let n = name(&user, "Lists.rust");
    user.subscribe(&n).unwrap();
    user.subscribe(&n).unwrap();
    let subs = user.subscriptions().unwrap();
    assert_eq!(subs.iter().filter(|s| *s == "Lists.rust").count(), 1);
    user.unsubscribe(&name(&user, "Trash")).unwrap();
    let subs = user.subscriptions().unwrap();
    assert!(!subs.iter().any(|s| s == "Trash"));
    assert!(subs.iter().any(|s| s == "Lists.rust"));
}

#[test]
fn slash_separator_maps_to_the_same_directories() {
    let dir = tempfile::tempdir().unwrap();
    let store = dormouse_storage::Store::new(dormouse_storage::StoreSettings {
        separator: '/',
        fsync: dormouse_storage::Fsync::Never,
    });
    let user = store.user(dir.path().join("u")).unwrap();
    user.create(&user.name("Work/Projects").unwrap(), None)
        .unwrap();
    assert!(user.root().join(".Work.Projects").join("cur").is_dir());
    assert!(
        user.list()
            .unwrap()
            .iter()
            .any(|m| m.name == "Work/Projects")
    );
}
