//! Other programs writing the same Maildir (an MTA, Dovecot, a MUA): new
//! files get UIDs at the next sync, renamed files bring their flags,
//! vanished files become expunges, and dovecot-uidlist follows our UIDs.

use std::fs;

use dormouse_storage::dovecot::read_uidlist;
use dormouse_storage::{Access, Change, FlagOp, SeqPolicy, StoreMode, SystemFlags};

use super::*;

#[test]
fn a_file_dropped_in_new_gets_a_uid_and_moves_to_cur() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["ours"]);
    let mut rw = user.open(&ib, Access::ReadWrite).unwrap();
    let mut ro = user.open(&ib, Access::ReadOnly).unwrap();

    let delivered = "1700000000.M1P2.mx";
    fs::write(
        user.root().join("new").join(delivered),
        "Subject: mta\n\nfrom outside\n",
    )
    .unwrap();

    // A read-only sync sees it but leaves it in new/.
    assert_eq!(
        ro.sync(SeqPolicy::Update).unwrap(),
        vec![Change::Exists(2), Change::Recent(0)]
    );
    assert_eq!(files_in(&user.root().join("new")), vec![delivered]);
    assert_eq!(
        ro.read(uid(2)).unwrap(),
        b"Subject: mta\r\n\r\nfrom outside\r\n"
    );
    assert_eq!(
        ro.meta(uid(2)).unwrap().size,
        b"Subject: mta\r\n\r\nfrom outside\r\n".len() as u64
    );

    // The read-write session moves it to cur/ and holds \Recent for it.
    assert_eq!(
        rw.sync(SeqPolicy::Update).unwrap(),
        vec![Change::Exists(2), Change::Recent(2)]
    );
    assert!(files_in(&user.root().join("new")).is_empty());
    assert!(
        files_in(&user.root().join("cur")).contains(&format!("{delivered}:2,")),
        "{:?}",
        files_in(&user.root().join("cur"))
    );
    assert_eq!(rw.read(uid(2)).unwrap(), ro.read(uid(2)).unwrap());

    // dovecot-uidlist lists both files under our UIDs.
    let list = read_uidlist(user.root()).unwrap().unwrap();
    assert_eq!(list.uidvalidity, rw.uidvalidity().0.get());
    assert_eq!(list.next_uid, 3);
    assert_eq!(
        list.entries.iter().map(|(u, _)| *u).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(list.entries[1].1, delivered);
}

#[test]
fn flags_renamed_by_another_program_are_picked_up() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b"]);
    let mut view = user.open(&ib, Access::ReadWrite).unwrap();
    let cur = user.root().join("cur");
    let file = files_in(&cur)
        .into_iter()
        .find(|f| fs::read(cur.join(f)).unwrap().ends_with(b"b\r\n"))
        .unwrap();
    let base = file.split(":2,").next().unwrap().to_string();
    fs::rename(cur.join(&file), cur.join(format!("{base}:2,FS"))).unwrap();

    let changes = view.sync(SeqPolicy::Update).unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    let Change::Flags { seq, uid: u, meta } = &changes[0] else {
        panic!("{changes:?}")
    };
    assert_eq!((*seq, *u), (2, uid(2)));
    assert_eq!(meta.flags, SystemFlags::FLAGGED | SystemFlags::SEEN);

    // And our next change starts from the new flags.
    let res = view
        .store(
            &[uid(2)],
            FlagOp {
                mode: StoreMode::Remove,
                flags: SystemFlags::SEEN,
                keywords: vec![],
            },
            None,
        )
        .unwrap();
    assert_eq!(res.messages[0].1.flags, SystemFlags::FLAGGED);
    assert!(files_in(&cur).contains(&format!("{base}:2,F")));
}

#[test]
fn a_file_removed_by_another_program_is_expunged() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a", "b", "c"]);
    let mut view = user.open(&ib, Access::ReadWrite).unwrap();
    let cur = user.root().join("cur");
    let victim = files_in(&cur)
        .into_iter()
        .find(|f| fs::read(cur.join(f)).unwrap().ends_with(b"a\r\n"))
        .unwrap();
    fs::remove_file(cur.join(victim)).unwrap();
    assert_eq!(
        view.sync(SeqPolicy::Update).unwrap(),
        vec![Change::Expunged {
            seq: 1,
            uid: uid(1)
        }]
    );
    let list = read_uidlist(user.root()).unwrap().unwrap();
    assert_eq!(
        list.entries.iter().map(|(u, _)| *u).collect::<Vec<_>>(),
        vec![2, 3]
    );
}

#[test]
fn keyword_letters_added_by_dovecot_are_adopted() {
    let (_dir, _store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a"]);
    let mut view = user.open(&ib, Access::ReadWrite).unwrap();
    // Dovecot defines keyword 'c' and sets it on the message.
    fs::write(user.root().join("dovecot-keywords"), "2 $Important\n").unwrap();
    let cur = user.root().join("cur");
    let file = files_in(&cur).pop().unwrap();
    let base = file.split(":2,").next().unwrap().to_string();
    fs::rename(cur.join(&file), cur.join(format!("{base}:2,Sc"))).unwrap();

    let changes = view.sync(SeqPolicy::Update).unwrap();
    assert_eq!(changes[0], Change::Keywords(vec!["$Important".to_string()]));
    let meta = view.meta(uid(1)).unwrap();
    assert_eq!(meta.keywords, vec!["$Important".to_string()]);
    assert_eq!(meta.flags, SystemFlags::SEEN);
}

/// Sets the mtimes of `cur/` and `new/` an hour back, so that the next scan
/// trusts them and later syncs skip scanning while they stay unchanged.
fn age_dirs(root: &std::path::Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for sub in ["cur", "new"] {
        fs::File::open(root.join(sub))
            .unwrap()
            .set_modified(past)
            .unwrap();
    }
}

#[test]
fn trusted_directory_stamps_still_notice_changes_and_survive_restarts() {
    let (dir, store, user) = new_user();
    let ib = inbox(&user);
    append_bodies(&user, &["a"]);
    age_dirs(user.root());
    let mut view = user.open(&ib, Access::ReadWrite).unwrap();
    assert!(view.sync(SeqPolicy::Update).unwrap().is_empty());

    fs::write(user.root().join("new").join("1700000001.M1P1.mx"), "x\n").unwrap();
    assert_eq!(
        view.sync(SeqPolicy::Update).unwrap(),
        vec![Change::Exists(2), Change::Recent(2)]
    );
    age_dirs(user.root());
    assert!(view.sync(SeqPolicy::Update).unwrap().is_empty());
    drop(view);
    drop(user);
    drop(store);

    // Delivered while dormouse was down: the logged stamps no longer match.
    let root = dir.path().join("user");
    fs::write(root.join("new").join("1700000002.M2P2.mx"), "y\n").unwrap();
    let (_store, user) = reopen(&root);
    let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    assert_eq!(raw(view.uids()), vec![1, 2, 3]);
    assert_eq!(view.read(uid(3)).unwrap(), b"y\r\n");
}
