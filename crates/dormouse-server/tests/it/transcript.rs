//! Replays `C:`/`S:` transcripts (tests/transcripts/*.imap) over a real
//! socket and compares the server's bytes line by line. A transcript is the
//! RFC's own notation: `C:` lines are sent with CRLF, `S:` lines are the
//! exact lines expected before the next `C:`. `$VERSION` stands for the
//! crate version; `#` starts a comment; `--` alone starts a new connection.

use std::path::{Path, PathBuf};

use crate::harness::{Client, TestServer};

fn transcripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts")
}

enum Step {
    Send(String),
    Expect(String),
    Reconnect,
    Closed,
}

fn parse(text: &str) -> Vec<Step> {
    let version = env!("CARGO_PKG_VERSION");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let l = l.replace("$VERSION", version);
            if let Some(c) = l.strip_prefix("C: ") {
                Step::Send(c.to_string())
            } else if l == "C:" {
                Step::Send(String::new())
            } else if let Some(s) = l.strip_prefix("S: ") {
                Step::Expect(s.to_string())
            } else if l == "--" {
                Step::Reconnect
            } else if l == "CLOSED" {
                Step::Closed
            } else {
                panic!("bad transcript line: {l:?}")
            }
        })
        .collect()
}

async fn replay(server: &TestServer, name: &str, text: &str) {
    let mut client: Client = server.connect().await;
    for (n, step) in parse(text).into_iter().enumerate() {
        match step {
            Step::Send(line) => client.send(format!("{line}\r\n").as_bytes()).await,
            Step::Expect(want) => {
                let got = client.line().await;
                assert_eq!(
                    got,
                    format!("{want}\r\n"),
                    "{name}: step {n}: server sent {got:?}, transcript expects {want:?}"
                );
            }
            Step::Reconnect => client = server.connect().await,
            Step::Closed => assert!(client.closed().await, "{name}: step {n}: still open"),
        }
    }
}

/// Each transcript gets a fresh server and fresh mailboxes, so files do
/// not depend on one another's leftovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_transcripts() {
    let mut names: Vec<_> = std::fs::read_dir(transcripts_dir())
        .expect("transcripts dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "imap"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no transcripts found");
    for path in names {
        let text = std::fs::read_to_string(&path).expect("read transcript");
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let server = TestServer::start().await;
        replay(&server, name.as_deref().unwrap_or("?"), &text).await;
        server.stop().await;
    }
}
