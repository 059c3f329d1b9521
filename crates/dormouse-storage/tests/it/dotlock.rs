//! The Dovecot-style dotlock under contention from many threads.

use std::fs;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use dormouse_storage::Fsync;
use dormouse_storage::fsutil::dotlock;

#[test]
fn concurrent_holders_never_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let counter = dir.path().join("counter");
    fs::write(&counter, b"0").unwrap();
    const THREADS: usize = 8;
    const ROUNDS: usize = 25;
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let counter = counter.clone();
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                for _ in 0..ROUNDS {
                    let lock = dotlock(&counter, Duration::from_secs(120)).unwrap();
                    // A read-modify-write that loses updates unless the lock
                    // excludes every other holder.
                    let n: usize = fs::read_to_string(&counter).unwrap().parse().unwrap();
                    thread::yield_now();
                    lock.commit((n + 1).to_string().as_bytes(), Fsync::Never)
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(
        fs::read_to_string(&counter).unwrap(),
        (THREADS * ROUNDS).to_string()
    );
    assert!(!dir.path().join("counter.lock").exists());
}

#[test]
fn a_waiter_gets_the_lock_once_it_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    let held = dotlock(&path, Duration::from_secs(120)).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter_path = path.clone();
    let waiter = thread::spawn(move || {
        let lock = dotlock(&waiter_path, Duration::from_secs(120)).unwrap();
        tx.send(()).unwrap();
        drop(lock);
    });
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "the waiter must not get a lock that is held"
    );
    drop(held);
    rx.recv_timeout(Duration::from_secs(10)).unwrap();
    waiter.join().unwrap();
}
