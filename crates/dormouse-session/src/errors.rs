//! Why a command did not succeed, classified by who is at fault, and the one
//! place that turns each case into an IMAP status response (kind, response
//! code, text), a delay and a log event. Texts never name a user, a password
//! or whether an account exists.

use std::time::Duration;

use dormouse_proto::{Code, Response, StatusKind, StatusResponse, Tag};
use dormouse_storage::{Fault, StorageError};
use thiserror::Error;

use crate::outcome::SessionEvent;

#[derive(Debug, Error)]
pub(crate) enum CommandError {
    /// The client broke the protocol: BAD (RFC 9051 §7.1.3).
    #[error(transparent)]
    Client(#[from] ClientError),
    /// A well-formed request that the server declines: NO.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// Something the server depends on failed; trying again may work.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// A bug in this server.
    #[error(transparent)]
    Internal(#[from] InternalError),
    /// The mail store said no; its own classification (`Fault`) decides
    /// between a client-facing code and UNAVAILABLE/SERVERBUG.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, Error)]
pub(crate) enum ClientError {
    #[error("{command}: log in first")]
    NotAuthenticated { command: &'static str },
    #[error("{command}: already authenticated")]
    AlreadyAuthenticated { command: &'static str },
    #[error("{command}: no mailbox selected")]
    NoMailboxSelected { command: &'static str },
    /// RFC 9051 §6.3.1: ENABLE only before a mailbox is selected.
    #[error("{command}: not allowed while a mailbox is selected")]
    MailboxSelected { command: &'static str },
    #[error("{command}: unknown command")]
    UnknownCommand { command: &'static str },
    #[error("Connection is closing")]
    LoggingOut,
    /// RFC 9051 §9: a sequence number beyond the mailbox, or `*` in an
    /// empty one.
    #[error("Invalid message sequence number")]
    InvalidSequence,
    #[error("AUTHENTICATE cancelled")]
    SaslCancelled,
    /// A command arrived while the server should have been reading a SASL
    /// response line.
    #[error("AUTHENTICATE interrupted by another command")]
    SaslInterrupted,
    /// RFC 2177: the only thing a client may send during IDLE is DONE.
    #[error("Expected DONE")]
    ExpectedDone,
    #[error("AUTHENTICATE: invalid base64")]
    InvalidBase64,
    #[error("AUTHENTICATE: malformed PLAIN response")]
    MalformedPlain,
    /// RFC 7162 §3.2.5: the QRESYNC parameter needs `ENABLE QRESYNC` first.
    #[error("QRESYNC is not enabled")]
    QresyncNotEnabled,
    /// RFC 7162 §7: known-uids and the seq-match sets may not use `*`.
    #[error("Invalid QRESYNC parameters: {0}")]
    InvalidQresync(&'static str),
    /// RFC 5258 §3: an unknown LIST selection or return option is BAD.
    #[error("LIST: unknown option {option}")]
    UnknownListOption { option: String },
    /// A well-formed request for something this server does not implement
    /// (SORT RETURN, a THREAD algorithm it does not advertise): BAD, as
    /// Dovecot answers an unknown THREAD algorithm.
    #[error("{what} is not supported")]
    Unsupported { what: String },
}

#[derive(Debug, Error)]
pub(crate) enum Refusal {
    #[error("Authentication failed.")]
    AuthenticationFailed { delay: Duration },
    /// RFC 5530: the credentials were good, but not for the requested
    /// authorization identity.
    #[error("Authorization failed.")]
    AuthorizationFailed,
    #[error("Plaintext authentication is not allowed without TLS.")]
    PrivacyRequired,
    #[error("Unsupported authentication mechanism.")]
    UnsupportedMechanism,
    /// A command whose storage does not exist yet.
    #[error("{command} is not available yet")]
    NotAvailableYet { command: &'static str },
    /// STORE, EXPUNGE or MOVE in a mailbox opened with EXAMINE.
    #[error("Mailbox is read-only.")]
    ReadOnly,
    /// A mailbox name that is not canonical modified UTF-7 (RFC 3501
    /// §5.1.3) from a client that has not enabled UTF8=ACCEPT.
    #[error("Mailbox name is not valid modified UTF-7")]
    MailboxNameEncoding,
    /// APPEND to a mailbox that does not exist but could be created
    /// (RFC 9051 §6.3.12): NO [TRYCREATE].
    #[error("Mailbox does not exist")]
    TryCreate,
    /// RFC 6154 §3: a CREATE with a special use this server cannot give
    /// the new mailbox: NO [USEATTR].
    #[error("Unsupported special-use attribute")]
    UnsupportedSpecialUse,
    /// APPEND of a zero-byte message, which Dovecot refuses too.
    #[error("Can't save a zero byte message")]
    EmptyMessage,
    /// RFC 3516 §4.4: a literal8 APPEND whose data holds NUL, which a
    /// message file served as RFC 5322 text cannot carry: NO [UNKNOWN-CTE].
    #[error("Binary content with NUL bytes cannot be stored")]
    BinaryNotStorable,
    /// RFC 9051 §6.4.4: SEARCH (and SORT, THREAD) with a charset this
    /// server does not convert: NO [BADCHARSET (UTF-8 US-ASCII)].
    #[error("The specified charset is not supported")]
    BadCharset,
}

#[derive(Debug, Error)]
pub(crate) enum BackendError {
    #[error("Authentication is temporarily unavailable.")]
    AuthUnavailable,
}

#[derive(Debug, Error)]
pub(crate) enum InternalError {
    #[error("{command} has no entry in the command table")]
    Unregistered { command: &'static str },
    #[error("{command} was routed to another command's handler")]
    Misrouted { command: &'static str },
    #[error("a SASL response arrived with no AUTHENTICATE in progress")]
    NoSaslExchange,
    #[error("a command was dispatched while a SASL exchange was pending")]
    SaslPending,
    #[error("a command was resumed that had nothing left to do")]
    NothingToResume,
}

impl CommandError {
    /// The tagged status response for this error.
    pub(crate) fn tagged(&self, tag: Tag) -> Response {
        Response::Status(StatusResponse {
            tag: Some(tag),
            ..self.status()
        })
    }

    /// The same, untagged: for an error not tied to a command.
    pub(crate) fn untagged(&self) -> Response {
        Response::Status(self.status())
    }

    fn status(&self) -> StatusResponse {
        let (kind, code) = self.kind_and_code();
        StatusResponse {
            tag: None,
            kind,
            code,
            text: self.client_text(),
        }
    }

    /// How long the server waits before answering.
    pub(crate) fn delay(&self) -> Option<Duration> {
        match self {
            CommandError::Refused(Refusal::AuthenticationFailed { delay }) => Some(*delay),
            _ => None,
        }
    }

    pub(crate) fn event(&self) -> Option<SessionEvent> {
        match self {
            CommandError::Storage(e) if e.fault() != Fault::Client => {
                let detail = match std::error::Error::source(e) {
                    Some(source) => format!("{e}: {source}"),
                    None => e.to_string(),
                };
                Some(SessionEvent::StorageFailed { detail })
            }
            CommandError::Refused(
                Refusal::AuthenticationFailed { .. }
                | Refusal::AuthorizationFailed
                | Refusal::PrivacyRequired,
            ) => Some(SessionEvent::LoginFailed),
            _ => None,
        }
    }

    fn kind_and_code(&self) -> (StatusKind, Option<Code>) {
        match self {
            CommandError::Client(_) => (StatusKind::Bad, None),
            CommandError::Refused(refusal) => (
                StatusKind::No,
                Some(match refusal {
                    Refusal::AuthenticationFailed { .. } => Code::AuthenticationFailed,
                    Refusal::AuthorizationFailed => Code::AuthorizationFailed,
                    Refusal::PrivacyRequired => Code::PrivacyRequired,
                    Refusal::UnsupportedMechanism
                    | Refusal::NotAvailableYet { .. }
                    | Refusal::ReadOnly => Code::Cannot,
                    Refusal::MailboxNameEncoding | Refusal::EmptyMessage => Code::Cannot,
                    Refusal::TryCreate => Code::TryCreate,
                    Refusal::UnsupportedSpecialUse => Code::Other("USEATTR".into(), None),
                    Refusal::BinaryNotStorable => Code::UnknownCte,
                    Refusal::BadCharset => Code::BadCharset(
                        crate::search_charset::SUPPORTED
                            .iter()
                            .map(|c| c.to_string())
                            .collect(),
                    ),
                }),
            ),
            CommandError::Backend(BackendError::AuthUnavailable) => {
                (StatusKind::No, Some(Code::Unavailable))
            }
            CommandError::Internal(_) => (StatusKind::No, Some(Code::ServerBug)),
            CommandError::Storage(e) => (StatusKind::No, Some(storage_code(e))),
        }
    }

    /// The details of a bug help nobody on the client side.
    fn client_text(&self) -> String {
        match self {
            CommandError::Internal(_) => "Internal server error.".into(),
            // Disk and index details belong in the log, not on the wire.
            CommandError::Storage(e) if e.fault() != Fault::Client => match e.fault() {
                Fault::Storage => "Mail storage is temporarily unavailable.".into(),
                _ => "Internal server error.".into(),
            },
            other => other.to_string(),
        }
    }
}

/// RFC 5530 / RFC 9051 response codes for storage errors. Handlers that
/// need another code for the same error (TRYCREATE for APPEND and COPY to a
/// missing mailbox) map it themselves before it gets here.
fn storage_code(e: &StorageError) -> Code {
    match e {
        StorageError::NoSuchMailbox => Code::NonExistent,
        StorageError::AlreadyExists => Code::AlreadyExists,
        StorageError::InvalidName(_)
        | StorageError::InvalidKeyword(_)
        | StorageError::Cannot(_) => Code::Cannot,
        StorageError::Limit(_) => Code::Limit,
        StorageError::HasChildren => Code::HasChildren,
        StorageError::Expunged => Code::ExpungeIssued,
        StorageError::Io(_) => Code::Unavailable,
        StorageError::Corrupt(_) => Code::Corruption,
        StorageError::Invariant(_) => Code::ServerBug,
    }
}
