//! Memory of the shared state of a 100,000-message mailbox, measured (and
//! printed) right after the index is built from the files and again after a
//! restart replays it. Timing is deliberately not asserted.

use std::fs;
use std::time::Instant;

use dormouse_storage::Access;

use super::*;

const MESSAGES: usize = 100_000;

/// A Dovecot-like base name: `<secs>.M<usecs>P<pid>Q<n>.<host>,S=..,W=..`.
fn base(i: usize) -> String {
    format!(
        "{}.M{:06}P{}Q{}.mail.example.org,S=1200,W=1234",
        1_700_000_000 + i / 10,
        (i * 7919) % 1_000_000,
        10_000 + i % 5000,
        i
    )
}

#[test]
fn shared_state_of_a_100k_mailbox_is_about_100_bytes_per_message() {
    let (dir, store, user) = new_user();
    let cur = user.root().join("cur");
    let body = "Subject: x\r\n\r\nbody\r\n";
    let started = Instant::now();
    for i in 0..MESSAGES {
        fs::write(cur.join(format!("{}:2,S", base(i))), body).unwrap();
    }
    let wrote = started.elapsed();
    let names: usize = (0..MESSAGES).map(|i| base(i).len()).sum();

    let started = Instant::now();
    let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    let scanned = started.elapsed();
    assert_eq!(view.exists() as usize, MESSAGES);
    let after_scan = view.shared_heap_bytes();
    drop(view);
    drop(user);
    drop(store);

    let (_store, user) = reopen(&dir.path().join("user"));
    let started = Instant::now();
    let view = user.open(&inbox(&user), Access::ReadOnly).unwrap();
    let replayed = started.elapsed();
    assert_eq!(view.exists() as usize, MESSAGES);
    let after_replay = view.shared_heap_bytes();

    let per_message = |bytes: usize| bytes as f64 / MESSAGES as f64;
    println!(
        "100k mailbox: shared state {:.1} B/msg after scan, {:.1} B/msg after replay \
         (of which names {:.1} B/msg); view {} B; files written in {wrote:?}, \
         scanned in {scanned:?}, replayed in {replayed:?}",
        per_message(after_scan),
        per_message(after_replay),
        per_message(names),
        view.heap_bytes(),
    );
    // 40 bytes of record plus the base name (~60 bytes here), with a
    // little slack for the keyword table and the change ring.
    let budget = 40.0 + per_message(names) + 8.0;
    assert!(
        per_message(after_replay) <= budget,
        "{} > {budget}",
        per_message(after_replay)
    );
    assert!(
        per_message(after_scan) <= budget,
        "{} > {budget}",
        per_message(after_scan)
    );
    assert!(view.heap_bytes() < 256);
}
