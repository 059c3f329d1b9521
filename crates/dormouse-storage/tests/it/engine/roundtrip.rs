//! Append, read, store, expunge, copy and move round trips, UID rules and
//! what survives a restart.

use dormouse_storage::{
    Access, Change, FlagOp, ModSeq, NewMessage, SeqPolicy, StorageError, StoreMode, SystemFlags,
};

use super::*;

#[test]
fn append_read_store_expunge_round_trip() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    let res = user
        .append(
            &ib,
            vec![
                flagged("one", SystemFlags::SEEN, &["$Forwarded"]),
                NewMessage {
                    internal_date: Some(1_000_000_000),
                    ..message("two")
                },
                message("three"),
            ],
        )
        .unwrap();
    assert_eq!(raw(res.uids.clone()), vec![1, 2, 3]);

    let mut view = user.open(&ib, Access::ReadWrite).unwrap();
    assert_eq!(view.uidvalidity(), res.uidvalidity);
    assert_eq!(view.exists(), 3);
    assert_eq!(raw(view.uids()), vec![1, 2, 3]);
    assert_eq!(view.uid_next(), uid(4));
    assert_eq!(view.read(uid(2)).unwrap(), b"Subject: two\r\n\r\ntwo\r\n");

    let one = view.meta(uid(1)).unwrap();
    assert_eq!(one.flags, SystemFlags::SEEN);
    assert_eq!(one.keywords, vec!["$Forwarded".to_string()]);
    assert_eq!(one.size, b"Subject: one\r\n\r\none\r\n".len() as u64);
    assert_eq!(view.meta(uid(2)).unwrap().internal_date, 1_000_000_000);

    let before = view.highest_modseq();
    let stored = view
        .store(
            &[uid(2)],
            FlagOp {
                mode: StoreMode::Add,
                flags: SystemFlags::DELETED,
                keywords: vec!["work".into()],
            },
            None,
        )
        .unwrap();
    assert_eq!(stored.messages.len(), 1);
    let (u, meta) = &stored.messages[0];
    assert_eq!(*u, uid(2));
    assert_eq!(meta.flags, SystemFlags::DELETED);
    assert_eq!(meta.keywords, vec!["work".to_string()]);
    assert!(meta.modseq > before);

    // The flag change is visible to Dovecot: the file name carries 'T'.
    let cur = files_in(&user.root().join("cur"));
    assert_eq!(
        cur.iter().filter(|f| f.ends_with(":2,Tb")).count(),
        1,
        "{cur:?}"
    );

    assert_eq!(raw(view.expunge(None).unwrap()), vec![2]);
    // Still there until the session may renumber.
    assert_eq!(view.exists(), 3);
    let changes = view.sync(SeqPolicy::Update).unwrap();
    assert_eq!(
        changes,
        vec![
            // The STORE defined a new keyword: FLAGS must be resent.
            Change::Keywords(vec!["$Forwarded".into(), "work".into()]),
            Change::Expunged {
                seq: 2,
                uid: uid(2)
            }
        ]
    );
    assert_eq!(raw(view.uids()), vec![1, 3]);
    assert!(matches!(view.read(uid(2)), Err(StorageError::Expunged)));
    assert_eq!(files_in(&user.root().join("cur")).len(), 2);
}

#[test]
fn bare_lf_is_served_as_crlf_with_matching_size() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    let msg = NewMessage {
        data: b"Subject: x\n\nbody\n".to_vec(),
        ..NewMessage::default()
    };
    user.append(&ib, vec![msg]).unwrap();
    let view = user.open(&ib, Access::ReadOnly).unwrap();
    let data = view.read(uid(1)).unwrap();
    assert_eq!(data, b"Subject: x\r\n\r\nbody\r\n");
    assert_eq!(view.meta(uid(1)).unwrap().size, data.len() as u64);
}

#[test]
fn uids_are_never_reused_even_after_expunging_the_highest() {
    let (dir, store, user) = new_user();
    let ib = inbox(&user);
    assert_eq!(append_bodies(&user, &["a", "b", "c"]), vec![1, 2, 3]);
    let mut view = user.open(&ib, Access::ReadWrite).unwrap();
    view.store(
        &[uid(3)],
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::DELETED,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
    assert_eq!(raw(view.expunge(None).unwrap()), vec![3]);
    assert_eq!(append_bodies(&user, &["d"]), vec![4]);
    let validity = view.uidvalidity();
    drop(view);
    drop(user);
    drop(store);

    let (_store, user) = reopen(&dir.path().join("user"));
    assert_eq!(append_bodies(&user, &["e"]), vec![5]);
    let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    assert_eq!(view.uidvalidity(), validity);
    assert_eq!(raw(view.uids()), vec![1, 2, 4, 5]);
    assert_eq!(view.read(uid(4)).unwrap(), b"Subject: d\r\n\r\nd\r\n");
}

#[test]
fn restart_keeps_uids_flags_keywords_and_modseq() {
    let (dir, store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b"]);
    let mut view = user.open(&ib, Access::ReadWrite).unwrap();
    view.store(
        &[uid(1)],
        FlagOp {
            mode: StoreMode::Replace,
            flags: SystemFlags::FLAGGED | SystemFlags::ANSWERED,
            keywords: vec!["$Label1".into(), "later".into()],
        },
        None,
    )
    .unwrap();
    let meta = view.meta(uid(1)).unwrap();
    let highest = view.highest_modseq();
    view.sync(SeqPolicy::Update).unwrap();
    let highest_after_sync = view.highest_modseq();
    assert!(highest_after_sync >= highest);
    drop(view);
    drop(user);
    drop(store);

    let (_store, user) = reopen(&dir.path().join("user"));
    let mut view = user.open(&inbox(&user), Access::ReadWrite).unwrap();
    assert_eq!(view.meta(uid(1)).unwrap(), meta);
    assert_eq!(view.highest_modseq(), highest_after_sync);
    let stored = view
        .store(
            &[uid(2)],
            FlagOp {
                mode: StoreMode::Add,
                flags: SystemFlags::SEEN,
                keywords: vec![],
            },
            None,
        )
        .unwrap();
    assert!(stored.messages[0].1.modseq > highest_after_sync);
}

#[test]
fn unchanged_since_rejects_messages_modified_after_it() {
    let (_dir, _store, user) = new_user();
    append_bodies(&user, &["a", "b"]);
    let mut view = user.open(&inbox(&user), Access::ReadWrite).unwrap();
    let seen = FlagOp {
        mode: StoreMode::Add,
        flags: SystemFlags::SEEN,
        keywords: vec![],
    };
    let m1 = view.meta(uid(1)).unwrap().modseq;
    view.store(&[uid(2)], seen.clone(), None).unwrap();
    let res = view
        .store(
            &[uid(1), uid(2)],
            FlagOp {
                mode: StoreMode::Add,
                flags: SystemFlags::FLAGGED,
                keywords: vec![],
            },
            Some(ModSeq(m1.0.max(view.meta(uid(1)).unwrap().modseq.0))),
        )
        .unwrap();
    assert_eq!(res.modified, vec![uid(2)]);
    assert_eq!(res.messages.len(), 1);
    assert_eq!(res.messages[0].0, uid(1));
    assert!(
        !view
            .meta(uid(2))
            .unwrap()
            .flags
            .contains(SystemFlags::FLAGGED)
    );
}

#[test]
fn copy_and_move_keep_content_and_flags() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    let archive = name(&user, "Archive");
    user.append(
        &ib,
        vec![
            flagged("a", SystemFlags::SEEN, &["work"]),
            message("b"),
            message("c"),
        ],
    )
    .unwrap();
    let mut view = user.open(&ib, Access::ReadWrite).unwrap();

    let copied = view.copy(&[uid(1), uid(2)], &archive).unwrap();
    assert_eq!(raw(copied.source_uids.clone()), vec![1, 2]);
    assert_eq!(raw(copied.dest_uids.clone()), vec![1, 2]);
    assert_eq!(
        copied.uidvalidity,
        user.status(&archive).unwrap().uidvalidity
    );
    let dest = user.open(&archive, Access::ReadOnly).unwrap();
    let m = dest.meta(uid(1)).unwrap();
    assert_eq!(m.flags, SystemFlags::SEEN);
    assert_eq!(m.keywords, vec!["work".to_string()]);
    assert_eq!(dest.read(uid(2)).unwrap(), view.read(uid(2)).unwrap());
    drop(dest);

    let moved = view.move_to(&[uid(3)], &archive).unwrap();
    assert_eq!(raw(moved.dest_uids), vec![3]);
    let changes = view.sync(SeqPolicy::Update).unwrap();
    assert_eq!(
        changes,
        vec![Change::Expunged {
            seq: 3,
            uid: uid(3)
        }]
    );
    let dest = user.open(&archive, Access::ReadOnly).unwrap();
    assert_eq!(dest.read(uid(3)).unwrap(), b"Subject: c\r\n\r\nc\r\n");

    // A missing destination is NoSuchMailbox (the session says TRYCREATE).
    let missing = name(&user, "Nope");
    assert!(matches!(
        view.copy(&[uid(1)], &missing),
        Err(StorageError::NoSuchMailbox)
    ));
}

#[test]
fn keywords_past_z_live_in_the_index_and_the_limit_is_64() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a"]);
    let mut view = user.open(&inbox(&user), Access::ReadWrite).unwrap();
    let names: Vec<String> = (0..30).map(|i| format!("kw{i:02}")).collect();
    view.store(
        &[uid(1)],
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::EMPTY,
            keywords: names.clone(),
        },
        None,
    )
    .unwrap();
    let cur = files_in(&user.root().join("cur"));
    assert!(cur[0].ends_with(":2,abcdefghijklmnopqrstuvwxyz"), "{cur:?}");
    let keywords_file = std::fs::read_to_string(user.root().join("dovecot-keywords")).unwrap();
    assert_eq!(keywords_file.lines().count(), 26);
    drop(view);
    drop(user);
    drop(store);

    let (_store, user) = reopen(&dir.path().join("user"));
    let mut view = user.open(&inbox(&user), Access::ReadWrite).unwrap();
    assert_eq!(view.meta(uid(1)).unwrap().keywords, names);
    let more: Vec<String> = (30..64).map(|i| format!("kw{i:02}")).collect();
    view.store(
        &[uid(1)],
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::EMPTY,
            keywords: more,
        },
        None,
    )
    .unwrap();
    let err = view
        .store(
            &[uid(1)],
            FlagOp {
                mode: StoreMode::Add,
                flags: SystemFlags::EMPTY,
                keywords: vec!["one-too-many".into()],
            },
            None,
        )
        .unwrap_err();
    assert!(matches!(err, StorageError::Limit(_)), "{err:?}");
    assert_eq!(view.meta(uid(1)).unwrap().keywords.len(), 64);
}

#[test]
fn status_counts() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    user.append(
        &ib,
        vec![
            flagged("a", SystemFlags::SEEN, &[]),
            flagged("b", SystemFlags::DELETED, &[]),
            message("c"),
        ],
    )
    .unwrap();
    let st = user.status(&ib).unwrap();
    assert_eq!(st.messages, 3);
    assert_eq!(st.unseen, 2);
    assert_eq!(st.deleted, 1);
    assert_eq!(st.recent, 3);
    assert_eq!(st.uid_next, uid(4));
    let sizes: u64 = ["a", "b", "c"]
        .iter()
        .map(|b| format!("Subject: {b}\r\n\r\n{b}\r\n").len() as u64)
        .sum();
    assert_eq!(st.size, sizes);
    // A read-write session takes \Recent; STATUS then shows none.
    let view = user.open(&ib, Access::ReadWrite).unwrap();
    assert_eq!(view.recent(), 3);
    assert_eq!(user.status(&ib).unwrap().recent, 0);
    assert!(user.status(&ib).unwrap().highest_modseq.0 >= 4);
}

#[test]
fn read_only_views_cannot_change_anything() {
    let (_dir, _store, user) = new_user();
    append_bodies(&user, &["a"]);
    let mut view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    let op = FlagOp {
        mode: StoreMode::Add,
        flags: SystemFlags::SEEN,
        keywords: vec![],
    };
    assert!(matches!(
        view.store(&[uid(1)], op, None),
        Err(StorageError::Cannot(_))
    ));
    assert!(matches!(view.expunge(None), Err(StorageError::Cannot(_))));
    assert_eq!(view.recent(), 0);
}

#[test]
fn changed_and_vanished_since() {
    let (_dir, _store, user) = new_user();
    append_bodies(&user, &["a", "b", "c", "d"]);
    let mut view = user.open(&inbox(&user), Access::ReadWrite).unwrap();
    let mark = view.highest_modseq();
    view.store(
        &[uid(2), uid(4)],
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::DELETED,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
    assert_eq!(raw(view.changed_since(mark).unwrap()), vec![2, 4]);
    let after_store = view.meta(uid(4)).unwrap().modseq;
    view.expunge(Some(&[uid(4)])).unwrap();
    view.sync(SeqPolicy::Update).unwrap();
    assert_eq!(raw(view.vanished_since(mark).unwrap()), vec![4]);
    assert_eq!(raw(view.vanished_since(after_store).unwrap()), vec![4]);
    assert!(
        view.vanished_since(view.highest_modseq())
            .unwrap()
            .is_empty()
    );
    assert_eq!(raw(view.changed_since(mark).unwrap()), vec![2]);
}

#[test]
fn compaction_folds_old_expunges_into_gaps_and_survives_restart() {
    let (dir, store, user) = new_user();
    let ib = inbox(&user);
    let msgs = (0..5000).map(|i| message(&i.to_string())).collect();
    user.append(&ib, msgs).unwrap();
    append_bodies(&user, &["keep"]);
    let index = user.root().join("dormouse.index");
    let grown = std::fs::metadata(&index).unwrap().len();

    let mut view = user.open(&ib, Access::ReadWrite).unwrap();
    let start = view.highest_modseq();
    let doomed: Vec<_> = (1..=5000).map(uid).collect();
    view.store(
        &doomed,
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::DELETED,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
    assert_eq!(view.expunge(None).unwrap().len(), 5000);
    view.sync(SeqPolicy::Update).unwrap();
    assert_eq!(raw(view.uids()), vec![5001]);
    let compacted = std::fs::metadata(&index).unwrap().len();
    assert!(
        compacted < grown,
        "log was not compacted: {compacted} >= {grown}"
    );

    // The newest expunges are still known one by one...
    let recent = view
        .vanished_since(ModSeq(view.highest_modseq().0 - 10))
        .unwrap();
    assert_eq!(raw(recent), (4991..=5000).collect::<Vec<u32>>());
    // ...older ones only as "everything in the gaps", which RFC 7162 allows.
    let all = view.vanished_ranges_since(start).unwrap();
    assert_eq!(all.len(), 5000);
    let highest = view.highest_modseq();
    drop(view);
    drop(user);
    drop(store);

    let (_store, user) = reopen(&dir.path().join("user"));
    let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    assert_eq!(raw(view.uids()), vec![5001]);
    assert_eq!(view.highest_modseq(), highest);
    assert_eq!(view.vanished_ranges_since(start).unwrap().len(), 5000);
    assert_eq!(view.uid_next(), uid(5002));
    drop(view);
    assert_eq!(append_bodies(&user, &["after"]), vec![5002]);
}
