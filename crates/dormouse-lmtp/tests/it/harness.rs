//! A driver for tests: a directory of known names, and a runner that feeds
//! input in chunks, stores each delivery in memory and collects replies.

use dormouse_lmtp::{
    Directory, Event, RecipientAddress, RecipientResult, Resolution, Session, Settings,
};

/// Accepts `alice`, `bob`, `carol@example.org`, `down` (whose lookup
/// fails) and `user1`..`user50`.
pub struct Names;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub detail: Option<String>,
}

impl Directory for Names {
    type Account = Account;

    fn resolve(&self, address: &RecipientAddress) -> Resolution<Account> {
        for c in address.candidates() {
            let known = matches!(c.name.as_str(), "alice" | "bob" | "carol@example.org")
                || c.name
                    .strip_prefix("user")
                    .and_then(|n| n.parse::<u32>().ok())
                    .is_some_and(|n| (1..=50).contains(&n));
            if known {
                return Resolution::Found(Account {
                    name: c.name,
                    detail: c.detail,
                });
            }
            if c.name == "down" {
                return Resolution::Unavailable;
            }
        }
        Resolution::Unknown
    }
}

/// One stored copy: who got it and the exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub account: Account,
    pub message: Vec<u8>,
}

pub struct Run {
    pub session: Session<Names>,
    pub stored: Vec<Stored>,
    pub closed: bool,
    /// What every delivery answers; `Saved` unless a test changes it.
    pub result: RecipientResult,
}

pub fn settings(max_message_size: usize) -> Settings {
    Settings::new("lmtp.test", max_message_size)
}

impl Run {
    pub fn new(settings: Settings) -> Run {
        Run {
            session: Session::new(Names, settings),
            stored: Vec::new(),
            closed: false,
            result: RecipientResult::Saved,
        }
    }

    /// A session with the greeting already read.
    pub fn greeted() -> Run {
        Run::greeted_with(settings(1000))
    }

    pub fn greeted_with(settings: Settings) -> Run {
        let mut run = Run::new(settings);
        run.session.take_output();
        run
    }

    /// Feeds `input` as one packet and drives the session until it wants
    /// more; returns everything it wrote.
    pub fn send(&mut self, input: &[u8]) -> String {
        self.session.feed(input);
        self.drive()
    }

    /// Feeds `input` in chunks of `size` bytes.
    pub fn send_in_chunks(&mut self, input: &[u8], size: usize) -> String {
        let mut out = String::new();
        for chunk in input.chunks(size) {
            out.push_str(&self.send(chunk));
        }
        out
    }

    fn drive(&mut self) -> String {
        loop {
            match self.session.poll() {
                Event::NeedInput => break,
                Event::Close => {
                    self.closed = true;
                    break;
                }
                Event::Deliver(delivery) => {
                    let mut results = Vec::new();
                    for rcpt in &delivery.recipients {
                        if self.result == RecipientResult::Saved {
                            self.stored.push(Stored {
                                account: rcpt.account.clone(),
                                message: delivery.message_for(&rcpt.address),
                            });
                        }
                        results.push(self.result);
                    }
                    self.session.delivered(&results);
                }
            }
        }
        String::from_utf8(self.session.take_output()).expect("replies are UTF-8")
    }
}

/// The reply lines of `output`, without CRLF.
pub fn lines(output: &str) -> Vec<&str> {
    output.split_terminator("\r\n").collect()
}

/// The three-digit codes of `output`'s final reply lines.
pub fn codes(output: &str) -> Vec<&str> {
    lines(output)
        .into_iter()
        .filter(|l| l.as_bytes().get(3) != Some(&b'-'))
        .filter_map(|l| l.get(..3))
        .collect()
}
