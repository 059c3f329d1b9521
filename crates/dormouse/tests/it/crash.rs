//! Issue #3: the server is SIGKILLed in the middle of a stream of APPENDs
//! and restarted, several times. Every APPEND that was acknowledged (with
//! its APPENDUID) must still be there with its exact content, no UID may
//! have been given to two messages, and UIDs must keep rising afterwards.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::server::{Client, Server};

const USERS: &str = "alice:{PLAIN}wonderland::::::\n";

/// Appends until the connection breaks; returns every acknowledged UID
/// with the message it acknowledged.
fn append_until_killed(mut client: Client, round: u32) -> Vec<(u32, Vec<u8>)> {
    let mut acked = Vec::new();
    for i in 0u32.. {
        let body = format!(
            "Subject: round {round} message {i}\r\nMessage-ID: <{round}.{i}@crash.test>\r\n\r\nround {round} body {i}\r\n"
        );
        let sent = client
            .send(format!("a{i} APPEND INBOX {{{}+}}\r\n", body.len()).as_bytes())
            .and_then(|()| client.send(body.as_bytes()))
            .and_then(|()| client.send(b"\r\n"));
        if sent.is_err() {
            break;
        }
        let Ok(line) = client.line() else { break };
        if !line.starts_with(&format!("a{i} OK")) {
            panic!("APPEND failed before the kill: {line:?}");
        }
        let uid = appended_uid(&line);
        acked.push((uid, body.into_bytes()));
    }
    acked
}

/// The UID in an `OK [APPENDUID validity uid]` reply.
fn appended_uid(line: &str) -> u32 {
    line.split("APPENDUID ")
        .nth(1)
        .and_then(|rest| rest.split([' ', ']']).nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no APPENDUID in {line:?}"))
}

/// Every message in INBOX by UID, with its full content.
fn inbox(server: &Server) -> BTreeMap<u32, Vec<u8>> {
    let mut c = server.connect();
    c.command("l", "LOGIN alice wonderland").expect("login");
    c.command("s", "SELECT INBOX").expect("select");
    c.send(b"f UID FETCH 1:* (UID BODY.PEEK[])\r\n")
        .expect("fetch");
    let mut out = BTreeMap::new();
    loop {
        let line = c.line().expect("fetch reply");
        if line.starts_with("f ") {
            assert!(line.starts_with("f OK"), "{line:?}");
            return out;
        }
        let uid = line
            .split("UID ")
            .nth(1)
            .and_then(|rest| rest.split([' ', ')']).next())
            .and_then(|n| n.parse::<u32>().ok());
        let literal = line
            .trim_end()
            .strip_suffix('}')
            .and_then(|l| l.rsplit_once('{'))
            .and_then(|(_, n)| n.parse::<usize>().ok());
        if let (Some(uid), Some(len)) = (uid, literal) {
            let data = c.bytes(len).expect("literal");
            let _rest = c.line().expect("end of FETCH");
            out.insert(uid, data);
        }
    }
}

/// A pause of 150–650 ms that differs from run to run, so the kill lands
/// at varied points of the APPEND path.
fn random_pause(round: u32) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    Duration::from_millis(150 + u64::from((nanos ^ round.wrapping_mul(2654435761)) % 500))
}

fn check(server: &Server, acked: &BTreeMap<u32, Vec<u8>>) {
    let found = inbox(server);
    for (uid, body) in acked {
        match found.get(uid) {
            Some(data) => assert_eq!(data, body, "UID {uid} has other content"),
            None => panic!("acknowledged UID {uid} is missing after the crash"),
        }
    }
}

#[test]
fn sigkill_during_appends_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    std::fs::write(data.join("users"), USERS).expect("users");
    let mut acked: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
    for round in 0..4 {
        let server = Server::start(&data);
        check(&server, &acked);
        let mut client = server.connect();
        client
            .command("l", "LOGIN alice wonderland")
            .expect("login");
        let appender = std::thread::spawn(move || append_until_killed(client, round));
        std::thread::sleep(random_pause(round));
        server.kill();
        let got = appender.join().expect("appender thread");
        let before = acked.keys().next_back().copied().unwrap_or(0);
        for (uid, body) in got {
            assert!(
                uid > before,
                "UID {uid} reused (had {before} before the round)"
            );
            assert!(acked.insert(uid, body).is_none(), "UID {uid} given twice");
        }
    }
    assert!(!acked.is_empty(), "no APPEND was acknowledged at all");
    let server = Server::start(&data);
    check(&server, &acked);
    // New mail after the crashes gets a UID above every one handed out.
    let mut c = server.connect();
    c.command("l", "LOGIN alice wonderland").expect("login");
    let reply = c
        .command("a", "APPEND INBOX {14+}\r\nSubject: x\r\n\r\n")
        .expect("append");
    let last = reply.last().cloned().unwrap_or_default();
    let uid = appended_uid(&last);
    let max = acked.keys().next_back().copied().unwrap_or(0);
    assert!(uid > max, "UID {uid} after restart is not above {max}");
}
