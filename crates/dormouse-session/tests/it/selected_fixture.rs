//! A mail store shared by several logged-in sessions, for the tests of
//! SELECT and the commands on a selected mailbox: commands go in as IMAP
//! text and responses come back as the lines the server would write, so
//! tests read like RFC examples. Messages are put in through the store.

use std::sync::Arc;

use dormouse_proto::encode::{EncodeOptions, Utf8Mode, encode_response};
use dormouse_proto::parse::parse_command;
use dormouse_session::{MailAccess, Next, Services, Session};
use dormouse_storage::{Access, MailboxName, NewMessage, SystemFlags, Uid, UserStore};

use crate::support::{TestAuth, TestMail, allowing_config, cmd, login_body, plain_conn};

/// Alice's mail store and a handle on it for seeding and inspection.
pub struct Fixture {
    mail: Arc<TestMail>,
    pub store: UserStore,
}

impl Fixture {
    pub fn new() -> Fixture {
        let mail = TestMail::new();
        let store = match mail.open("alice", None) {
            Ok(store) => store,
            Err(e) => panic!("alice's store: {e}"),
        };
        Fixture { mail, store }
    }

    /// A new connection, logged in as alice.
    pub fn client(&self) -> Client {
        let services = Services {
            auth: TestAuth::new(),
            mail: self.mail.clone(),
        };
        let mut session = Session::new(Arc::new(allowing_config()), services, plain_conn());
        session.handle(cmd("login", login_body("alice", "wonderland")));
        Client { session }
    }

    pub fn name(&self, name: &str) -> MailboxName {
        match self.store.name(name) {
            Ok(name) => name,
            Err(e) => panic!("mailbox name {name:?}: {e}"),
        }
    }

    /// Appends one message per entry, with those flags; returns the UIDs.
    pub fn append(&self, mailbox: &str, flags: &[SystemFlags]) -> Vec<Uid> {
        let messages = flags
            .iter()
            .enumerate()
            .map(|(i, &flags)| NewMessage {
                data: format!("From: a@example.org\r\nSubject: {i}\r\n\r\nbody {i}\r\n")
                    .into_bytes(),
                flags,
                keywords: Vec::new(),
                internal_date: Some(1_700_000_000 + i as i64),
            })
            .collect();
        match self.store.append(&self.name(mailbox), messages) {
            Ok(result) => result.uids,
            Err(e) => panic!("append to {mailbox}: {e}"),
        }
    }

    /// `n` unflagged messages.
    pub fn append_plain(&self, mailbox: &str, n: usize) -> Vec<Uid> {
        self.append(mailbox, &vec![SystemFlags::EMPTY; n])
    }

    pub fn create(&self, mailbox: &str) {
        if let Err(e) = self.store.create(&self.name(mailbox), None) {
            panic!("create {mailbox}: {e}");
        }
    }

    pub fn uidvalidity(&self, mailbox: &str) -> u32 {
        self.status(mailbox).uidvalidity.0.get()
    }

    pub fn highest_modseq(&self, mailbox: &str) -> u64 {
        self.status(mailbox).highest_modseq.0
    }

    /// The MODSEQ of one message now.
    pub fn modseq_of(&self, mailbox: &str, uid: u32) -> u64 {
        let view = match self.store.open(&self.name(mailbox), Access::ReadOnly) {
            Ok(view) => view,
            Err(e) => panic!("open {mailbox}: {e}"),
        };
        let meta = std::num::NonZeroU32::new(uid).and_then(|n| view.meta(Uid(n)));
        match meta {
            Some(meta) => meta.modseq.0,
            None => panic!("no UID {uid} in {mailbox}"),
        }
    }

    pub fn status(&self, mailbox: &str) -> dormouse_storage::MailboxStatus {
        match self.store.status(&self.name(mailbox)) {
            Ok(status) => status,
            Err(e) => panic!("status of {mailbox}: {e}"),
        }
    }
}

/// One connection.
pub struct Client {
    pub session: Session,
}

impl Client {
    /// Runs one command line (without CRLF), resuming it while it answers
    /// in batches, and returns every response line, as sent, without CRLFs.
    pub fn run(&mut self, line: &str) -> Vec<String> {
        let command = match parse_command(format!("{line}\r\n").as_bytes()) {
            Ok(command) => command,
            Err(e) => panic!("test command {line:?} does not parse: {e:?}"),
        };
        let mut outcome = self.session.handle(command);
        let mut responses = std::mem::take(&mut outcome.responses);
        while outcome.next == Next::More {
            outcome = self.session.resume();
            responses.append(&mut outcome.responses);
        }
        let opts = EncodeOptions {
            utf8: if self.session.utf8_accept() {
                Utf8Mode::Accept
            } else {
                Utf8Mode::Ascii
            },
        };
        let mut bytes = Vec::new();
        for response in &responses {
            encode_response(response, opts, &mut bytes);
        }
        String::from_utf8_lossy(&bytes)
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Runs a command that must succeed and returns its untagged lines.
    pub fn ok(&mut self, line: &str) -> Vec<String> {
        let mut lines = self.run(line);
        let tag = line.split(' ').next().unwrap_or_default();
        match lines.pop() {
            Some(last) if last.starts_with(&format!("{tag} OK")) => lines,
            other => panic!("{line:?} did not succeed: {other:?} after {lines:?}"),
        }
    }
}

/// Lines from string literals, for comparisons.
pub fn lines(expected: &[&str]) -> Vec<String> {
    expected.iter().map(|l| l.to_string()).collect()
}
