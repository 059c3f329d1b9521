//! What a session hands back for each input: the responses to send, and what
//! the server should do around them (wait, close, log).

use std::fmt;
use std::time::Duration;

use dormouse_proto::Response;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// In the order they must be sent.
    pub responses: Vec<Response>,
    /// Wait this long before sending (after a failed login).
    pub delay: Option<Duration>,
    pub next: Next,
    /// Something the server should log.
    pub event: Option<SessionEvent>,
}

/// What the server does once the responses are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Continue,
    Close,
    /// The command is not finished: send these, then call
    /// [`crate::Session::resume`] for the next batch before reading any
    /// other input. A big FETCH answers this way so that it never holds
    /// more than a batch.
    More,
}

/// How the server must read the client's next line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputMode {
    /// A command, through the parser.
    Command,
    /// A raw SASL response line (base64 or `*`), handed to
    /// [`crate::Session::sasl_response`] without parsing.
    SaslResponse,
    /// Inside IDLE: the next line should be `DONE`, handed raw to
    /// [`crate::Session::idle_line`]. Meanwhile the server calls
    /// [`crate::Session::idle_updates`] whenever the watcher fires.
    IdleDone,
}

/// What the server logs. The user name inside must not go to a log above
/// debug level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEvent {
    LoggedIn {
        user: String,
        mechanism: Mechanism,
    },
    /// Credentials rejected, a cleartext password refused, or an
    /// authorization identity refused.
    LoginFailed,
    /// The client sent LOGOUT.
    LoggedOut,
    /// The mail store failed for reasons that are not the client's (disk,
    /// permissions, a corrupt index): the operator needs a log line, the
    /// client got NO [UNAVAILABLE] or similar. `detail` names no user.
    StorageFailed {
        detail: String,
    },
}

/// How the user logged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mechanism {
    /// The LOGIN command.
    Login,
    /// `AUTHENTICATE PLAIN` (RFC 4616).
    Plain,
}

impl Mechanism {
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::Login => "LOGIN",
            Mechanism::Plain => "PLAIN",
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
