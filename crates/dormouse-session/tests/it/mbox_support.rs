//! Helpers for the mailbox command tests: a logged-in session on a Maildir
//! root the test can inspect, commands written as IMAP text and responses
//! read back as the bytes a client would see (one string per response).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dormouse_proto::encode::{EncodeOptions, Utf8Mode, encode_response};
use dormouse_proto::parse::parse_command;
use dormouse_proto::{Command, Response};
use dormouse_session::{MailAccess, Services, Session, SessionConfig};
use dormouse_storage::{Fsync, StorageError, Store, StoreSettings, UserStore};

use crate::support::{TestAuth, allowing_config, plain_conn};

/// Users' Maildirs under `base`, one directory per user name.
struct DirMail {
    store: Store,
    base: PathBuf,
}

impl MailAccess for DirMail {
    fn open(&self, user: &str, _home: Option<&Path>) -> Result<UserStore, StorageError> {
        self.store.user(self.base.join(user))
    }
}

/// Alice, logged in, with her Maildir under `base()/alice`.
pub struct Account {
    pub session: Session,
    dir: tempfile::TempDir,
}

impl Account {
    pub fn new() -> Account {
        Account::with_separator('.')
    }

    pub fn with_separator(separator: char) -> Account {
        let dir = tempfile::tempdir().expect("tempdir");
        let mail = DirMail {
            store: Store::new(StoreSettings {
                fsync: Fsync::Never,
                separator,
            }),
            base: dir.path().join("users"),
        };
        let config = SessionConfig {
            hierarchy_separator: separator,
            ..allowing_config()
        };
        let services = Services {
            auth: TestAuth::new(),
            mail: Arc::new(mail),
        };
        let mut account = Account {
            session: Session::new(Arc::new(config), services, plain_conn()),
            dir,
        };
        account.ok("L LOGIN alice wonderland");
        account
    }

    /// The directory that holds every user's Maildir.
    pub fn base(&self) -> PathBuf {
        self.dir.path().join("users")
    }

    /// Alice's Maildir++ root (INBOX).
    pub fn root(&self) -> PathBuf {
        self.base().join("alice")
    }

    /// Runs one command given as text (CRLF added) and returns every
    /// response as the client would read it, without CRLFs.
    pub fn run(&mut self, line: &str) -> Vec<String> {
        self.run_bytes(line.as_bytes())
    }

    pub fn run_bytes(&mut self, line: &[u8]) -> Vec<String> {
        let mut bytes = line.to_vec();
        bytes.extend_from_slice(b"\r\n");
        let command = parse_command(&bytes)
            .unwrap_or_else(|e| panic!("test command {line:?} does not parse: {e:?}"));
        self.handle(command)
    }

    /// Runs an already-built command (for values the parser would refuse).
    pub fn handle(&mut self, command: Command) -> Vec<String> {
        let utf8 = if self.session.utf8_accept() {
            Utf8Mode::Accept
        } else {
            Utf8Mode::Ascii
        };
        let outcome = self.session.handle(command);
        outcome
            .responses
            .iter()
            .map(|r| text(r, EncodeOptions { utf8 }))
            .collect()
    }

    /// Runs `line` and checks that it completed with OK.
    pub fn ok(&mut self, line: &str) -> Vec<String> {
        let out = self.run(line);
        let tag = line.split(' ').next().unwrap_or_default();
        assert!(
            out.last()
                .is_some_and(|l| l.starts_with(&format!("{tag} OK"))),
            "{line:?} did not succeed: {out:?}"
        );
        out
    }

    /// The untagged responses of a successful `line`.
    pub fn data(&mut self, line: &str) -> Vec<String> {
        let mut out = self.ok(line);
        out.pop();
        out
    }

    /// Every path below the base directory, relative to it, sorted.
    pub fn tree(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.base(), &self.base(), &mut out);
        out.sort();
        out
    }

    /// The message files in a mailbox directory's `cur/` and `new/`.
    pub fn message_files(&self, dir_name: &str) -> Vec<PathBuf> {
        let dir = self.root().join(dir_name);
        ["cur", "new"]
            .iter()
            .flat_map(|sub| std::fs::read_dir(dir.join(sub)).into_iter().flatten())
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect()
    }
}

fn text(response: &Response, opts: EncodeOptions) -> String {
    let mut bytes = Vec::new();
    encode_response(response, opts, &mut bytes);
    let s = String::from_utf8_lossy(&bytes).into_owned();
    s.strip_suffix("\r\n").unwrap_or(&s).to_owned()
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if let Ok(rel) = path.strip_prefix(base) {
            out.push(rel.to_string_lossy().into_owned());
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(base, &path, out);
        }
    }
}

/// The number after `item` in a `* STATUS` line.
pub fn status_value(line: &str, item: &str) -> u64 {
    let after = line
        .split_once(&format!("{item} "))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{item} missing from {line:?}"));
    after
        .trim_end_matches(')')
        .split([' ', ')'])
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{item} is not a number in {line:?}"))
}
