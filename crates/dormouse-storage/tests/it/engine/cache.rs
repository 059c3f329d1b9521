//! The message cache (`dormouse.cache`): entries survive a restart, a torn
//! tail is cut, a file of another UIDVALIDITY or beside a rebuilt index is
//! discarded, expunged messages' entries are never served, compaction keeps
//! the live ones, concurrent writers do not corrupt it, and no call leaves
//! a descriptor open.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use dormouse_storage::{Access, FlagOp, SeqPolicy, StoreMode, SystemFlags, View};

use super::*;

fn cache_file(root: &Path) -> PathBuf {
    root.join("dormouse.cache")
}

fn open(user: &UserStore) -> View {
    user.open(&inbox(user), Access::ReadWrite).unwrap()
}

fn payload(n: u32, len: usize) -> Vec<u8> {
    (0..len).map(|i| (n as usize * 31 + i) as u8).collect()
}

fn expunge(view: &mut View, uids: &[u32]) {
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
    view.expunge(None).unwrap();
}

#[test]
fn entries_are_served_and_survive_a_restart() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b", "c"]);
    let view = open(&user);
    assert_eq!(view.cached(uid(1)), None);
    view.cache(uid(1), b"one");
    view.cache(uid(2), b"two, first");
    view.cache(uid(2), b"two");
    assert_eq!(view.cached(uid(1)).as_deref(), Some(&b"one"[..]));
    assert_eq!(view.cached(uid(2)).as_deref(), Some(&b"two"[..]));
    assert_eq!(view.cached(uid(3)), None);
    // Not a message of this mailbox: nothing stored, nothing served.
    view.cache(uid(9), b"nine");
    assert_eq!(view.cached(uid(9)), None);
    drop(view);
    drop(user);
    drop(store);

    let (_store, user) = reopen(&dir.path().join("user"));
    let view = open(&user);
    assert_eq!(view.cached(uid(1)).as_deref(), Some(&b"one"[..]));
    assert_eq!(view.cached(uid(2)).as_deref(), Some(&b"two"[..]));
    assert_eq!(view.cached(uid(3)), None);
}

#[test]
fn a_torn_tail_is_cut_and_what_came_before_stays() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b", "c"]);
    let view = open(&user);
    view.cache(uid(1), b"one");
    view.cache(uid(2), b"two");
    drop(view);
    drop(user);
    drop(store);

    let root = dir.path().join("user");
    let intact = fs::metadata(cache_file(&root)).unwrap().len();
    // Half a record: a plausible frame for UID 3, then too few bytes.
    let mut f = OpenOptions::new()
        .append(true)
        .open(cache_file(&root))
        .unwrap();
    f.write_all(&[40, 0, 0, 0, 1, 2, 3, 4, 3, 0, 0, 0, b'x'])
        .unwrap();
    drop(f);

    let (store, user) = reopen(&root);
    let view = open(&user);
    assert_eq!(view.cached(uid(1)).as_deref(), Some(&b"one"[..]));
    assert_eq!(view.cached(uid(3)), None);
    assert_eq!(fs::metadata(cache_file(&root)).unwrap().len(), intact);
    view.cache(uid(3), b"three");
    drop(view);
    drop(user);
    drop(store);

    // A garbled last record (a flipped payload byte) is cut the same way.
    let mut bytes = fs::read(cache_file(&root)).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::write(cache_file(&root), &bytes).unwrap();
    let (_store, user) = reopen(&root);
    let view = open(&user);
    assert_eq!(view.cached(uid(3)), None);
    assert_eq!(view.cached(uid(2)).as_deref(), Some(&b"two"[..]));
    assert_eq!(fs::metadata(cache_file(&root)).unwrap().len(), intact);
}

#[test]
fn a_file_of_another_uidvalidity_is_discarded() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b"]);
    let view = open(&user);
    view.cache(uid(1), b"one");
    drop(view);
    drop(user);
    drop(store);

    let root = dir.path().join("user");
    let mut bytes = fs::read(cache_file(&root)).unwrap();
    // The header is "DMCA", version u16, UIDVALIDITY u32 (little-endian).
    bytes[6] = bytes[6].wrapping_add(1);
    fs::write(cache_file(&root), &bytes).unwrap();

    let (_store, user) = reopen(&root);
    let view = open(&user);
    assert_eq!(view.cached(uid(1)), None);
    assert_eq!(fs::metadata(cache_file(&root)).unwrap().len(), 10);
    view.cache(uid(1), b"again");
    assert_eq!(view.cached(uid(1)).as_deref(), Some(&b"again"[..]));
}

#[test]
fn a_rebuilt_index_discards_the_cache() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b"]);
    let view = open(&user);
    view.cache(uid(1), b"one");
    drop(view);
    drop(user);
    drop(store);

    // The UIDVALIDITY survives in dovecot-uidlist, but a stale uidlist
    // could give the UIDs to other files: the entries must not be trusted.
    let root = dir.path().join("user");
    fs::remove_file(root.join("dormouse.index")).unwrap();
    let (_store, user) = reopen(&root);
    let view = open(&user);
    assert_eq!(view.read(uid(1)).unwrap(), b"Subject: a\r\n\r\na\r\n");
    assert_eq!(view.cached(uid(1)), None);
}

#[test]
fn an_expunged_message_has_no_entry_even_for_views_that_still_list_it() {
    let (dir, store, user) = new_user();
    append_bodies(&user, &["a", "b", "c"]);
    let mut a = open(&user);
    let mut b = open(&user);
    a.cache(uid(1), b"one");
    a.cache(uid(2), b"two");
    expunge(&mut a, &[1]);
    b.sync(SeqPolicy::Keep).unwrap();
    assert_eq!(b.uid(1), Some(uid(1)), "B still lists UID 1");
    assert_eq!(b.cached(uid(1)), None);
    assert_eq!(a.cached(uid(1)), None);
    assert_eq!(b.cached(uid(2)).as_deref(), Some(&b"two"[..]));
    drop((a, b));
    drop(user);
    drop(store);

    let (_store, user) = reopen(&dir.path().join("user"));
    let view = open(&user);
    assert_eq!(view.cached(uid(1)), None);
    assert_eq!(view.cached(uid(2)).as_deref(), Some(&b"two"[..]));
}

#[test]
fn compaction_drops_dead_entries_and_keeps_live_ones() {
    let (dir, store, user) = new_user();
    let bodies: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    append_bodies(&user, &refs);
    let mut view = open(&user);
    for n in 1..=100 {
        view.cache(uid(n), &payload(n, 2000));
    }
    let root = dir.path().join("user");
    let full = fs::metadata(cache_file(&root)).unwrap().len();
    assert!(full > 200_000);
    let dead: Vec<u32> = (1..=90).collect();
    expunge(&mut view, &dead);
    view.sync(SeqPolicy::Update).unwrap();
    // The next write finds the file more than twice its live size.
    view.cache(uid(95), &payload(95, 2000));
    let compacted = fs::metadata(cache_file(&root)).unwrap().len();
    assert!(compacted < 30_000, "{compacted} bytes after compaction");
    for n in 91..=100 {
        assert_eq!(view.cached(uid(n)), Some(payload(n, 2000)), "UID {n}");
    }
    drop(view);
    drop(user);
    drop(store);

    let (_store, user) = reopen(&root);
    let view = open(&user);
    for n in 91..=100 {
        assert_eq!(view.cached(uid(n)), Some(payload(n, 2000)), "UID {n}");
    }
    assert_eq!(fs::metadata(cache_file(&root)).unwrap().len(), compacted);
}

#[test]
fn concurrent_writers_leave_whole_entries() {
    let (dir, store, user) = new_user();
    let bodies: Vec<String> = (0..40).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    append_bodies(&user, &refs);
    std::thread::scope(|s| {
        for t in 0..6u8 {
            let user = user.clone();
            s.spawn(move || {
                let view = open(&user);
                for n in 1..=40u32 {
                    let mut p = format!("{n}:{t}:").into_bytes();
                    p.resize(3000, t);
                    view.cache(uid(n), &p);
                    let got = view.cached(uid(n)).expect("an entry");
                    assert!(got.starts_with(format!("{n}:").as_bytes()));
                    assert_eq!(got.len(), 3000);
                }
            });
        }
    });
    let root = dir.path().join("user");
    let len = fs::metadata(cache_file(&root)).unwrap().len();
    drop(user);
    drop(store);

    let (_store, user) = reopen(&root);
    let view = open(&user);
    for n in 1..=40u32 {
        let got = view.cached(uid(n)).expect("an entry");
        let t = got[format!("{n}:").len()] - b'0';
        let mut want = format!("{n}:{t}:").into_bytes();
        want.resize(3000, t);
        assert_eq!(got, want, "UID {n}");
    }
    // Every record was whole: loading cut nothing.
    assert_eq!(fs::metadata(cache_file(&root)).unwrap().len(), len);
}

fn open_fds() -> usize {
    fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn no_call_keeps_a_descriptor() {
    let (_dir, _store, user) = new_user();
    append_bodies(&user, &["a", "b", "c"]);
    let mut view = open(&user);
    let before = open_fds();
    for round in 0..300u32 {
        let n = round % 3 + 1;
        view.cache(uid(n), &payload(round, 500));
        assert_eq!(view.cached(uid(n)), Some(payload(round, 500)));
    }
    view.sync(SeqPolicy::Update).unwrap();
    // Other tests run in parallel and hold a few descriptors briefly; a
    // leak would be one per call, hundreds.
    let after = open_fds();
    assert!(
        after < before + 20,
        "{before} descriptors before, {after} after"
    );
}

#[test]
fn the_cache_costs_8_bytes_per_message_once_used() {
    let (_dir, _store, user) = new_user();
    let bodies: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    append_bodies(&user, &refs);
    let view = open(&user);
    let before = view.shared_heap_bytes();
    assert_eq!(view.cached(uid(1)), None);
    view.cache(uid(1), b"one");
    let after = view.shared_heap_bytes();
    assert_eq!(after - before, 8 * 1000, "{before} -> {after}");
}
