//! Replays `C:`/`S:` transcripts (tests/transcripts/*.imap) over a real
//! socket and compares the server's bytes line by line. A transcript is the
//! RFC's own notation: `C:` lines are sent with CRLF, `S:` lines are the
//! exact lines expected before the next `C:`. `$VERSION` stands for the
//! crate version; `#` starts a comment; `--` alone starts a new connection.
//! Values the server picks (UIDVALIDITY is the time of day) are captured:
//! `${name}` in an `S:` line matches a run of digits, the first time binds
//! it, later times must match it; in a `C:` line it stands for that value.
//! The `TRANSCRIPTS` environment variable limits a run to some files.

use std::collections::HashMap;
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
            } else if l == "S:" {
                // An empty line inside a literal; editors strip the space.
                Step::Expect(String::new())
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
    let mut vars: HashMap<String, String> = HashMap::new();
    for (n, step) in parse(text).into_iter().enumerate() {
        match step {
            Step::Send(line) => {
                let line = substitute(&line, &vars);
                client.send(format!("{line}\r\n").as_bytes()).await
            }
            Step::Expect(want) => {
                let got = client.line().await;
                let line = got.strip_suffix("\r\n").unwrap_or(&got);
                assert!(
                    got.ends_with("\r\n") && matches(&want, line, &mut vars),
                    "{name}: step {n}: server sent {got:?}, transcript expects {want:?}"
                );
            }
            Step::Reconnect => client = server.connect().await,
            Step::Closed => assert!(client.closed().await, "{name}: step {n}: still open"),
        }
    }
}

/// `TRANSCRIPTS=40,41-store` runs only the files whose names start with one
/// of those prefixes, for working on a few files at a time.
fn selected_by_env(path: &Path) -> bool {
    let Ok(wanted) = std::env::var("TRANSCRIPTS") else {
        return true;
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_default();
    wanted
        .split(',')
        .any(|prefix| name.starts_with(prefix.trim()))
}

/// Whether `got` is `want` with each `${name}` standing for digits, bound
/// in `vars` the first time and required to repeat after that.
fn matches(want: &str, got: &str, vars: &mut HashMap<String, String>) -> bool {
    let Some((literal, rest)) = want.split_once("${") else {
        return want == got;
    };
    let Some(got) = got.strip_prefix(literal) else {
        return false;
    };
    let Some((var, want_rest)) = rest.split_once('}') else {
        return false;
    };
    let digits = got.bytes().take_while(u8::is_ascii_digit).count();
    let (value, got_rest) = got.split_at(digits);
    if value.is_empty() {
        return false;
    }
    match vars.get(var) {
        Some(bound) if bound != value => return false,
        Some(_) => {}
        None => {
            vars.insert(var.to_string(), value.to_string());
        }
    }
    matches(want_rest, got_rest, vars)
}

/// `line` with every bound `${name}` replaced by its value.
fn substitute(line: &str, vars: &HashMap<String, String>) -> String {
    vars.iter().fold(line.to_string(), |line, (var, value)| {
        line.replace(&format!("${{{var}}}"), value)
    })
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
        .filter(|p| selected_by_env(p))
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
