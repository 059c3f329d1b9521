//! kill -9 during APPEND. A child process (this test binary, re-run on the
//! ignored test below) appends in a loop and prints each UID once APPEND
//! has returned it; the parent kills it at random moments, reopens the
//! mailbox and checks that every acknowledged message is there with its
//! content under its UID, that no UID names two messages, and that UIDNEXT
//! is above every UID ever acknowledged.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dormouse_storage::{Access, Fsync, Store, StoreSettings};

use super::*;

const ROOT_VAR: &str = "DORMOUSE_CRASH_ROOT";
const TAG_VAR: &str = "DORMOUSE_CRASH_TAG";
const ROUNDS: usize = 6;

fn body(tag: &str, i: u64) -> Vec<u8> {
    format!("Message-ID: <{tag}.{i}@crash>\r\n\r\nbody {tag} {i}\r\n").into_bytes()
}

/// The child: appends forever (until killed), with real fsyncs.
#[test]
#[ignore = "run by crash_during_append_loses_no_acknowledged_message"]
fn crash_child_append_loop() {
    let (Ok(root), Ok(tag)) = (std::env::var(ROOT_VAR), std::env::var(TAG_VAR)) else {
        return;
    };
    let store = Store::new(StoreSettings {
        separator: '.',
        fsync: Fsync::Always,
    });
    let user = store.user(root.into()).unwrap();
    let ib = inbox(&user);
    for i in 0.. {
        let msg = dormouse_storage::NewMessage {
            data: body(&tag, i),
            ..Default::default()
        };
        let res = user.append(&ib, vec![msg]).unwrap();
        println!("ACK {} {tag} {i}", res.uids[0].0);
    }
}

/// A small xorshift generator seeded from the clock: the kill moments only
/// need to vary, not be reproducible.
fn random_delays() -> impl FnMut() -> Duration {
    let mut x = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        Duration::from_millis(100 + x % 500)
    }
}

#[test]
fn crash_during_append_loses_no_acknowledged_message() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("user");
    // Every UID ever acknowledged, with the content it was given.
    let mut acked: HashMap<u32, Vec<u8>> = HashMap::new();
    let mut delay = random_delays();
    let exe = std::env::current_exe().unwrap();

    for round in 0..ROUNDS {
        let tag = format!("r{round}");
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "engine::crash::crash_child_append_loop",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ROOT_VAR, &root)
            .env(TAG_VAR, &tag)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|line| {
                    let mut parts = line.strip_prefix("ACK ")?.split(' ');
                    let uid: u32 = parts.next()?.parse().ok()?;
                    let tag = parts.next()?.to_string();
                    let i: u64 = parts.next()?.parse().ok()?;
                    Some((uid, tag, i))
                })
                .collect::<Vec<_>>()
        });
        std::thread::sleep(delay());
        child.kill().unwrap();
        child.wait().unwrap();
        let lines = reader.join().unwrap();

        for (uid, tag, i) in lines {
            let previous = acked.insert(uid, body(&tag, i));
            assert!(previous.is_none(), "UID {uid} acknowledged twice");
        }

        // Reopen as after a restart and check everything acknowledged so far.
        let (store, user) = reopen(&root);
        let ib = inbox(&user);
        let view = user.open(&ib, Access::ReadOnly).unwrap();
        let present: Vec<u32> = raw(view.uids());
        let mut sorted = present.clone();
        sorted.dedup();
        assert_eq!(sorted, present, "UIDs must be unique and ascending");
        for (uid_value, content) in &acked {
            let got = view.read(uid(*uid_value));
            assert_eq!(
                got.as_ref().ok(),
                Some(content),
                "round {round}: acknowledged UID {uid_value} lost or changed"
            );
        }
        if let Some(max) = acked.keys().max() {
            assert!(view.uid_next().0.get() > *max);
        }
        // Each message body appears under exactly one UID.
        let mut bodies: HashMap<Vec<u8>, u32> = HashMap::new();
        for u in view.uids() {
            let data = view.read(u).unwrap();
            if let Some(other) = bodies.insert(data, u.0.get()) {
                panic!(
                    "round {round}: UIDs {other} and {} hold the same message",
                    u.0
                );
            }
        }
        println!(
            "crash round {round}: {} acknowledged so far, {} messages present",
            acked.len(),
            present.len()
        );
        drop(view);
        drop(user);
        drop(store);
    }
    assert!(
        acked.len() >= ROUNDS,
        "the child should have acknowledged some appends ({} in all)",
        acked.len()
    );
}
