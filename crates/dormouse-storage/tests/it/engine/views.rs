//! Two sessions on one mailbox: each sees the other's changes only at
//! `sync`, with correct sequence renumbering, and `SeqPolicy::Keep`
//! withholds expunges.

use dormouse_storage::{Access, Change, FlagOp, SeqPolicy, StoreMode, SystemFlags, View};

use super::*;

fn delete(view: &mut View, uids: &[u32]) {
    let uids: Vec<_> = uids.iter().map(|&u| uid(u)).collect();
    view.store(
        &uids,
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::DELETED,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
}

#[test]
fn views_see_each_others_changes_only_at_sync() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b", "c"]);
    let mut a = user.open(&ib, Access::ReadWrite).unwrap();
    let mut b = user.open(&ib, Access::ReadWrite).unwrap();

    append_bodies(&user, &["d"]);
    assert_eq!(b.exists(), 3);
    assert_eq!(
        b.sync(SeqPolicy::Update).unwrap(),
        vec![Change::Exists(4), Change::Recent(1)]
    );
    // A synced later: the new message went to B; A keeps its first three.
    assert_eq!(
        a.sync(SeqPolicy::Update).unwrap(),
        vec![Change::Exists(4), Change::Recent(3)]
    );

    a.store(
        &[uid(2)],
        FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::SEEN,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
    assert!(
        a.sync(SeqPolicy::Update).unwrap().is_empty(),
        "own STORE is not echoed"
    );
    let changes = b.sync(SeqPolicy::Update).unwrap();
    assert_eq!(changes.len(), 1);
    match &changes[0] {
        Change::Flags { seq, uid: u, meta } => {
            assert_eq!((*seq, *u), (2, uid(2)));
            assert_eq!(meta.flags, SystemFlags::SEEN);
        }
        other => panic!("unexpected {other:?}"),
    }

    delete(&mut a, &[2]);
    a.expunge(None).unwrap();
    // B in the middle of a FETCH by sequence number: nothing moves.
    let kept = b.sync(SeqPolicy::Keep).unwrap();
    assert!(
        kept.iter().all(|c| !matches!(c, Change::Expunged { .. })),
        "{kept:?}"
    );
    assert_eq!(b.exists(), 4);
    assert_eq!(b.seq(uid(3)), Some(3));
    assert_eq!(b.uid(2), Some(uid(2)));
    assert!(b.meta(uid(2)).is_none());
    assert!(b.read(uid(2)).is_err());
    // Then the expunge is reported and sequence numbers shift.
    assert_eq!(
        b.sync(SeqPolicy::Update).unwrap(),
        vec![Change::Expunged {
            seq: 2,
            uid: uid(2)
        }]
    );
    assert_eq!(b.seq(uid(3)), Some(2));
    assert_eq!(b.exists(), 3);
    assert_eq!(
        a.sync(SeqPolicy::Update).unwrap(),
        vec![Change::Expunged {
            seq: 2,
            uid: uid(2)
        }]
    );
}

#[test]
fn several_expunges_are_renumbered_one_by_one() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["1", "2", "3", "4", "5"]);
    let mut a = user.open(&ib, Access::ReadWrite).unwrap();
    let mut b = user.open(&ib, Access::ReadOnly).unwrap();
    delete(&mut a, &[2, 4, 5]);
    assert_eq!(raw(a.expunge(None).unwrap()), vec![2, 4, 5]);
    let expected = vec![
        Change::Expunged {
            seq: 2,
            uid: uid(2),
        },
        Change::Expunged {
            seq: 3,
            uid: uid(4),
        },
        Change::Expunged {
            seq: 3,
            uid: uid(5),
        },
    ];
    assert_eq!(a.sync(SeqPolicy::Update).unwrap(), expected);
    // B also got 3 flag changes in between; flags of expunged messages are
    // not reported.
    assert_eq!(b.sync(SeqPolicy::Update).unwrap(), expected);
    assert_eq!(raw(b.uids()), vec![1, 3]);
}

#[test]
fn recent_goes_to_the_first_read_write_view_only() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b"]);
    let ro = user.open(&ib, Access::ReadOnly).unwrap();
    assert_eq!(ro.recent(), 0);
    let rw = user.open(&ib, Access::ReadWrite).unwrap();
    assert_eq!(rw.recent(), 2);
    let rw2 = user.open(&ib, Access::ReadWrite).unwrap();
    assert_eq!(rw2.recent(), 0);
    assert_eq!(rw.recent(), 2);
}

#[test]
fn a_view_far_behind_the_change_ring_still_catches_up() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b", "c"]);
    let mut a = user.open(&ib, Access::ReadWrite).unwrap();
    let mut b = user.open(&ib, Access::ReadOnly).unwrap();
    // Far more single changes than the ring holds.
    for i in 0..5000 {
        let mode = if i % 2 == 0 {
            StoreMode::Add
        } else {
            StoreMode::Remove
        };
        a.store(
            &[uid(1)],
            FlagOp {
                mode,
                flags: SystemFlags::FLAGGED,
                keywords: vec![],
            },
            None,
        )
        .unwrap();
    }
    delete(&mut a, &[3]);
    a.expunge(None).unwrap();
    let changes = b.sync(SeqPolicy::Update).unwrap();
    assert_eq!(
        changes,
        vec![
            Change::Expunged {
                seq: 3,
                uid: uid(3)
            },
            // 5000 toggles end where they started; the message still
            // changed (its modseq moved), so it is reported once.
            Change::Flags {
                seq: 1,
                uid: uid(1),
                meta: b.meta(uid(1)).unwrap()
            },
        ]
    );
    assert!(b.meta(uid(1)).unwrap().flags.is_empty());
}

#[test]
fn a_view_costs_memory_per_gap_not_per_message() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    let bodies: Vec<String> = (0..2000).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    append_bodies(&user, &refs);
    let view = user.open(&ib, Access::ReadOnly).unwrap();
    assert_eq!(view.exists(), 2000);
    assert!(
        view.heap_bytes() < 256,
        "a gapless view holds {} bytes",
        view.heap_bytes()
    );
}

#[test]
fn concurrent_appends_and_syncs_give_unique_uids() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    let mut watcher = user.open(&ib, Access::ReadWrite).unwrap();
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let user = user.clone();
            std::thread::spawn(move || {
                let ib = inbox(&user);
                let mut uids = Vec::new();
                for i in 0..50 {
                    let body = format!("t{t} m{i}");
                    uids.extend(raw(user.append(&ib, vec![message(&body)]).unwrap().uids));
                }
                uids
            })
        })
        .collect();
    let mut seen = 0;
    while seen < 200 {
        for change in watcher.sync(SeqPolicy::Update).unwrap() {
            if let Change::Exists(n) = change {
                assert!(n > seen, "EXISTS never goes down without EXPUNGE");
                seen = n;
            }
        }
    }
    let mut all: Vec<u32> = writers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all, (1..=200).collect::<Vec<u32>>());
    assert_eq!(raw(watcher.uids()), all);
    let mut bodies: Vec<Vec<u8>> = watcher.uids().map(|u| watcher.read(u).unwrap()).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 200);
}

#[test]
fn handles_can_move_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<View>();
    send_sync::<UserStore>();
    send_sync::<dormouse_storage::Store>();
}

fn add(view: &mut View, uids: &[u32], flags: SystemFlags) {
    let uids: Vec<_> = uids.iter().map(|&u| uid(u)).collect();
    view.store(
        &uids,
        FlagOp {
            mode: StoreMode::Add,
            flags,
            keywords: vec![],
        },
        None,
    )
    .unwrap();
}

fn flag_changes(changes: &[Change]) -> Vec<(u32, SystemFlags)> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Flags { uid: u, meta, .. } => Some((u.0.get(), meta.flags)),
            _ => None,
        })
        .collect()
}

/// Review finding: B's change followed by A's own (.SILENT) STORE on the
/// same message was never reported to A, whose STORE modseq hid it.
#[test]
fn another_sessions_change_is_not_hidden_by_an_own_store() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b", "c"]);
    let mut a = user.open(&ib, Access::ReadWrite).unwrap();
    let mut b = user.open(&ib, Access::ReadWrite).unwrap();

    add(&mut b, &[1, 2], SystemFlags::FLAGGED);
    add(&mut a, &[1], SystemFlags::SEEN);
    add(&mut a, &[1], SystemFlags::ANSWERED);
    // A's own change to 3 alone is still not echoed; 2 is B's alone.
    add(&mut a, &[3], SystemFlags::SEEN);
    let seen_flagged = SystemFlags::SEEN | SystemFlags::FLAGGED | SystemFlags::ANSWERED;
    assert_eq!(
        flag_changes(&a.sync(SeqPolicy::Update).unwrap()),
        vec![(1, seen_flagged), (2, SystemFlags::FLAGGED)]
    );
    assert!(a.sync(SeqPolicy::Update).unwrap().is_empty());

    // B's change after A's STORE is reported as before.
    add(&mut a, &[2], SystemFlags::SEEN);
    add(&mut b, &[2], SystemFlags::DRAFT);
    assert_eq!(
        flag_changes(&a.sync(SeqPolicy::Update).unwrap()),
        vec![(
            2,
            SystemFlags::FLAGGED | SystemFlags::SEEN | SystemFlags::DRAFT
        )]
    );
}

/// The same when A is so far behind that the change ring no longer covers
/// its last sync and it compares itself with the whole table.
#[test]
fn another_sessions_change_survives_a_ring_overflow() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b"]);
    let mut a = user.open(&ib, Access::ReadWrite).unwrap();
    let mut b = user.open(&ib, Access::ReadWrite).unwrap();
    add(&mut b, &[1], SystemFlags::FLAGGED);
    for _ in 0..2100 {
        add(&mut b, &[2], SystemFlags::DRAFT);
        let uids = [uid(2)];
        b.store(
            &uids,
            FlagOp {
                mode: StoreMode::Remove,
                flags: SystemFlags::DRAFT,
                keywords: vec![],
            },
            None,
        )
        .unwrap();
    }
    add(&mut a, &[1], SystemFlags::SEEN);
    let changes = flag_changes(&a.sync(SeqPolicy::Update).unwrap());
    assert!(
        changes.contains(&(1, SystemFlags::SEEN | SystemFlags::FLAGGED)),
        "{changes:?}"
    );
}

#[test]
fn first_unseen_is_the_sequence_number_of_the_first_message_without_seen() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b", "c", "d"]);
    let mut a = user.open(&ib, Access::ReadWrite).unwrap();
    let mut b = user.open(&ib, Access::ReadWrite).unwrap();
    assert_eq!(a.first_unseen(), Some(1));
    add(&mut a, &[1, 2], SystemFlags::SEEN);
    assert_eq!(a.first_unseen(), Some(3));
    // Expunged by B but still numbered in A (SeqPolicy::Keep): skipped,
    // and the numbering stays A's.
    add(&mut b, &[1], SystemFlags::DELETED);
    b.expunge(None).unwrap();
    a.sync(SeqPolicy::Keep).unwrap();
    assert_eq!(a.first_unseen(), Some(3));
    a.sync(SeqPolicy::Update).unwrap();
    assert_eq!(a.first_unseen(), Some(2));
    add(&mut a, &[3, 4], SystemFlags::SEEN);
    assert_eq!(a.first_unseen(), None);
    // A message A has not been told of yet does not count.
    append_bodies(&user, &["e"]);
    assert_eq!(a.first_unseen(), None);
    a.sync(SeqPolicy::Update).unwrap();
    assert_eq!(a.first_unseen(), Some(4));
}
