//! One LMTP connection's state machine. The driver feeds it bytes and
//! calls `poll` until it returns `NeedInput`, writing `take_output` out
//! whenever it is about to wait (so pipelined commands are answered in
//! order, in as few writes as the driver likes). Input is processed one
//! command at a time: nothing after a DATA's final dot is looked at until
//! the driver has answered the `Deliver` event with `delivered`.
//!
//! Memory is bounded by the driver's read size plus the larger of the
//! line bound and the message bound: a line over the bound is skipped, a
//! message over it is read to its end and dropped.

use crate::body::{Body, Progress};
use crate::commands::{Next, Protocol, handle};
use crate::delivery::{Delivery, RecipientResult};
use crate::directory::Directory;
use crate::error::CommandError;
use crate::line::{Line, Lines};
use crate::reply::{Reply, Status};
use crate::settings::Settings;

/// What the driver must do next.
#[derive(Debug)]
pub enum Event<A> {
    /// Write the pending output, then read and `feed` more input.
    NeedInput,
    /// Store this message for each recipient, then call `delivered`.
    Deliver(Delivery<A>),
    /// Write the pending output and close the connection.
    Close,
}

/// Why the server ends a connection on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// The server is stopping: `421 4.3.2`.
    Shutdown,
    /// The client sent nothing for too long: `421 4.4.2`.
    Timeout,
    /// The server has no room for another connection: `421 4.3.2`.
    Busy,
}

enum Phase {
    Commands,
    Data(Body),
    /// The addresses awaiting a per-recipient reply, in RCPT order.
    Delivering(Vec<String>),
    Closed,
}

pub struct Session<D: Directory> {
    protocol: Protocol<D>,
    phase: Phase,
    input: Vec<u8>,
    /// How much of `input` has been handled.
    pos: usize,
    lines: Lines,
    out: Vec<u8>,
    errors: u32,
}

impl<D: Directory> Session<D> {
    /// A session whose greeting is already queued.
    pub fn new(directory: D, settings: Settings) -> Session<D> {
        let greeting = Reply::bare(220, format!("{} dormouse LMTP ready", settings.hostname));
        let mut session = Session {
            lines: Lines::new(settings.max_line),
            protocol: Protocol {
                directory,
                settings,
                greeted: false,
                envelope: None,
            },
            phase: Phase::Commands,
            input: Vec::new(),
            pos: 0,
            out: Vec::new(),
            errors: 0,
        };
        session.reply(&greeting);
        session
    }

    /// Adds bytes read from the client.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
    }

    /// The replies produced so far, emptying the queue.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    /// Fed bytes not yet handled.
    pub fn buffered(&self) -> usize {
        self.input.len().saturating_sub(self.pos)
    }

    /// Whether a message body is being received (the driver may want to
    /// log a client that vanishes mid-DATA).
    pub fn in_data(&self) -> bool {
        matches!(self.phase, Phase::Data(_))
    }

    /// Handles buffered input until the driver has to act. While a
    /// delivery is outstanding it returns `NeedInput` without looking at
    /// the input: answer the delivery first.
    pub fn poll(&mut self) -> Event<D::Account> {
        loop {
            match &mut self.phase {
                Phase::Closed => return Event::Close,
                Phase::Delivering(_) => return Event::NeedInput,
                Phase::Data(body) => {
                    let rest = self.input.get(self.pos..).unwrap_or_default();
                    if rest.is_empty() {
                        self.compact();
                        return Event::NeedInput;
                    }
                    let (used, progress) = body.ingest(rest);
                    self.pos += used;
                    match progress {
                        Progress::More => {}
                        Progress::Done(body) => {
                            if let Some(delivery) = self.finish_data(body) {
                                self.compact();
                                return Event::Deliver(delivery);
                            }
                        }
                        Progress::TooBig => self.refuse_data(),
                    }
                }
                Phase::Commands => match self.lines.next(&self.input, &mut self.pos) {
                    Line::Incomplete => {
                        self.compact();
                        return Event::NeedInput;
                    }
                    Line::TooLong => self.fail(&CommandError::LineTooLong),
                    Line::Complete(range) => {
                        let input = std::mem::take(&mut self.input);
                        let line = input.get(range).unwrap_or_default();
                        let handled = handle(&mut self.protocol, line);
                        self.input = input;
                        match handled {
                            Ok((reply, next)) => {
                                self.reply(&reply);
                                self.phase = match next {
                                    Next::Commands => Phase::Commands,
                                    Next::Data(body) => Phase::Data(body),
                                    Next::Close => Phase::Closed,
                                };
                            }
                            Err(e) => self.fail(&e),
                        }
                    }
                },
            }
        }
    }

    /// Answers a `Deliver` event: one reply per recipient, in RCPT order.
    /// A recipient without a result (a shorter slice) is deferred, so the
    /// MTA always gets as many replies as it expects.
    pub fn delivered(&mut self, results: &[RecipientResult]) {
        let Phase::Delivering(addresses) = std::mem::replace(&mut self.phase, Phase::Commands)
        else {
            return;
        };
        for (i, address) in addresses.iter().enumerate() {
            let reply = match results.get(i) {
                Some(RecipientResult::Saved) => {
                    Reply::new(250, Status(2, 0, 0), format!("<{address}> Saved"))
                }
                Some(RecipientResult::Deferred) | None => {
                    CommandError::RecipientUnavailable(address.clone()).reply()
                }
            };
            self.reply(&reply);
        }
    }

    /// Ends the session from the server's side with a 421. The driver
    /// should not call this while a delivery is outstanding: the MTA is
    /// owed its per-recipient replies first.
    pub fn close(&mut self, why: Closing) {
        let host = &self.protocol.settings.hostname;
        let reply = match why {
            Closing::Shutdown => Reply::new(
                421,
                Status(4, 3, 2),
                format!("{host} Service shutting down"),
            ),
            Closing::Timeout => Reply::new(
                421,
                Status(4, 4, 2),
                format!("{host} Timeout, closing connection"),
            ),
            Closing::Busy => Reply::new(
                421,
                Status(4, 3, 2),
                format!("{host} Too many connections, try again later"),
            ),
        };
        self.reply(&reply);
        self.phase = Phase::Closed;
    }

    fn finish_data(&mut self, body: Vec<u8>) -> Option<Delivery<D::Account>> {
        let Some(envelope) = self.protocol.envelope.take() else {
            // DATA is only entered with an envelope; recover regardless.
            self.phase = Phase::Commands;
            return None;
        };
        let addresses = envelope
            .recipients
            .iter()
            .map(|r| r.address.as_str().to_owned())
            .collect();
        self.phase = Phase::Delivering(addresses);
        Some(Delivery {
            sender: envelope.sender,
            recipients: envelope.recipients,
            body,
        })
    }

    /// The message was over the bound: every recipient hears so.
    fn refuse_data(&mut self) {
        self.phase = Phase::Commands;
        let Some(envelope) = self.protocol.envelope.take() else {
            return;
        };
        let error = CommandError::TooBig(self.protocol.settings.max_message_size);
        for rcpt in &envelope.recipients {
            let mut reply = error.reply();
            if let Some(text) = reply.lines.first_mut() {
                *text = format!("<{}> {text}", rcpt.address.as_str());
            }
            self.reply(&reply);
        }
    }

    fn fail(&mut self, error: &CommandError) {
        self.reply(&error.reply());
        if error.is_protocol_error() {
            self.errors += 1;
            if self.errors >= self.protocol.settings.max_errors {
                self.reply(&CommandError::TooManyErrors.reply());
                self.phase = Phase::Closed;
            }
        }
    }

    fn reply(&mut self, reply: &Reply) {
        reply.write_to(&mut self.out);
    }

    fn compact(&mut self) {
        self.input.drain(..self.pos.min(self.input.len()));
        self.pos = 0;
    }
}
