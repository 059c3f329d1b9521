//! Why a command failed, classified once and mapped to its reply code and
//! enhanced status code in exactly one place (`CommandError::reply`).

use crate::reply::{Reply, Status};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("line too long")]
    LineTooLong,
    #[error("unknown command")]
    UnknownCommand,
    /// HELO and EHLO: RFC 2033 §4.1 requires refusing them with 500.
    #[error("{0} is not LMTP; use LHLO")]
    NotLmtp(&'static str),
    /// A command `smtp-proto` knows but LMTP here does not offer.
    #[error("{0} is not implemented")]
    NotImplemented(&'static str),
    #[error("syntax: {0}")]
    Syntax(&'static str),
    #[error("invalid sender address")]
    BadSender,
    #[error("invalid recipient address")]
    BadRecipient,
    #[error("invalid {0} parameter")]
    InvalidParameter(&'static str),
    /// A parameter of an extension that was not advertised.
    #[error("unsupported parameter {0}")]
    UnsupportedParameter(String),
    /// A command out of order; the text says what must come first.
    #[error("bad sequence of commands: {0}")]
    Sequence(&'static str),
    #[error("message exceeds the {0}-byte size limit")]
    TooBig(usize),
    #[error("too many recipients")]
    TooManyRecipients,
    #[error("<{0}> user unknown")]
    UnknownUser(String),
    #[error("<{0}> temporarily unavailable")]
    RecipientUnavailable(String),
    #[error("too many errors")]
    TooManyErrors,
}

impl CommandError {
    pub fn reply(&self) -> Reply {
        match self {
            CommandError::LineTooLong => Reply::new(500, Status(5, 5, 2), "Line too long"),
            CommandError::UnknownCommand => Reply::new(500, Status(5, 5, 1), "Unknown command"),
            CommandError::NotLmtp(cmd) => Reply::new(
                500,
                Status(5, 5, 1),
                format!("{cmd} is not allowed in LMTP, use LHLO"),
            ),
            CommandError::NotImplemented(cmd) => {
                Reply::new(502, Status(5, 5, 1), format!("{cmd} is not implemented"))
            }
            CommandError::Syntax(syntax) => {
                Reply::new(501, Status(5, 5, 2), format!("Syntax: {syntax}"))
            }
            CommandError::BadSender => {
                Reply::new(501, Status(5, 1, 7), "Invalid sender address syntax")
            }
            CommandError::BadRecipient => {
                Reply::new(501, Status(5, 1, 3), "Invalid recipient address syntax")
            }
            CommandError::InvalidParameter(param) => {
                Reply::new(501, Status(5, 5, 4), format!("Invalid {param} parameter"))
            }
            CommandError::UnsupportedParameter(param) => Reply::new(
                555,
                Status(5, 5, 4),
                format!("Unsupported parameter {param}"),
            ),
            CommandError::Sequence(what) => Reply::new(503, Status(5, 5, 1), *what),
            CommandError::TooBig(_) => Reply::new(
                552,
                Status(5, 3, 4),
                "Message size exceeds fixed maximum message size",
            ),
            CommandError::TooManyRecipients => {
                Reply::new(452, Status(4, 5, 3), "Too many recipients")
            }
            CommandError::UnknownUser(address) => {
                Reply::new(550, Status(5, 1, 1), format!("<{address}> User unknown"))
            }
            CommandError::RecipientUnavailable(address) => Reply::new(
                451,
                Status(4, 3, 0),
                format!("<{address}> Temporary internal error"),
            ),
            CommandError::TooManyErrors => Reply::new(421, Status(4, 7, 0), "Too many errors"),
        }
    }

    /// Whether the error counts towards `max_errors`: protocol mistakes
    /// do, answers about recipients (unknown, unavailable, too many) do
    /// not, since a well-behaved MTA meets those in normal operation.
    pub fn is_protocol_error(&self) -> bool {
        !matches!(
            self,
            CommandError::UnknownUser(_)
                | CommandError::RecipientUnavailable(_)
                | CommandError::TooManyRecipients
                | CommandError::TooBig(_)
        )
    }
}

/// `smtp-proto`'s parse errors in our terms. `NeedsMoreData` cannot occur
/// for a complete line but is answered as a syntax error, not trusted.
impl From<smtp_proto::Error> for CommandError {
    fn from(e: smtp_proto::Error) -> CommandError {
        match e {
            smtp_proto::Error::UnknownCommand => CommandError::UnknownCommand,
            smtp_proto::Error::InvalidSenderAddress => CommandError::BadSender,
            smtp_proto::Error::InvalidRecipientAddress => CommandError::BadRecipient,
            smtp_proto::Error::SyntaxError { syntax } => CommandError::Syntax(syntax),
            smtp_proto::Error::InvalidParameter { param } => CommandError::InvalidParameter(param),
            smtp_proto::Error::UnsupportedParameter { param } => {
                CommandError::UnsupportedParameter(printable(&param))
            }
            smtp_proto::Error::ResponseTooLong => CommandError::LineTooLong,
            smtp_proto::Error::NeedsMoreData { .. } | smtp_proto::Error::InvalidResponse { .. } => {
                CommandError::Syntax("command not understood")
            }
        }
    }
}

/// Client text echoed in a reply: printable ASCII only, and short.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}
