//! The commands: each takes the parsed request and the transaction state
//! and returns its reply and what the session does next. No IO, no
//! buffering; errors are `CommandError`s, turned into replies elsewhere.

use std::borrow::Cow;

use smtp_proto::{MailFrom, RcptTo, Request};

use crate::address::RecipientAddress;
use crate::body::Body;
use crate::delivery::Accepted;
use crate::directory::{Directory, Resolution};
use crate::envelope::{Envelope, check_mail, check_rcpt};
use crate::error::CommandError;
use crate::reply::{Reply, Status};
use crate::settings::Settings;

/// What a session knows between commands.
pub(crate) struct Protocol<D: Directory> {
    pub directory: D,
    pub settings: Settings,
    /// LHLO was given; MAIL is refused before it.
    pub greeted: bool,
    pub envelope: Option<Envelope<D::Account>>,
}

/// What the session does after a command's reply.
pub(crate) enum Next {
    Commands,
    Data(Body),
    Close,
}

type Handled = Result<(Reply, Next), CommandError>;

pub(crate) fn handle<D: Directory>(p: &mut Protocol<D>, line: &[u8]) -> Handled {
    match Request::parse(&mut line.iter())? {
        Request::Lhlo { .. } => Ok(lhlo(p)),
        Request::Helo { .. } => Err(CommandError::NotLmtp("HELO")),
        Request::Ehlo { .. } => Err(CommandError::NotLmtp("EHLO")),
        Request::Mail { from } => mail(p, &from),
        Request::Rcpt { to } => rcpt(p, &to),
        Request::Data => data(p),
        Request::Rset => {
            p.envelope = None;
            Ok((ok("OK"), Next::Commands))
        }
        Request::Noop { .. } => Ok((ok("OK"), Next::Commands)),
        // RFC 5321 §3.5.3: 252 when the server will not verify but would
        // try to deliver; Dovecot answers the same way.
        Request::Vrfy { .. } => Ok((
            Reply::new(252, Status(2, 3, 3), "Try RCPT instead"),
            Next::Commands,
        )),
        Request::Quit => Ok((
            Reply::new(
                221,
                Status(2, 0, 0),
                format!("{} Closing connection", p.settings.hostname),
            ),
            Next::Close,
        )),
        other => Err(CommandError::NotImplemented(other.name())),
    }
}

fn ok(text: &str) -> Reply {
    Reply::new(250, Status(2, 0, 0), text)
}

/// RFC 2033 §4.1: like EHLO, it resets any transaction.
fn lhlo<D: Directory>(p: &mut Protocol<D>) -> (Reply, Next) {
    p.greeted = true;
    p.envelope = None;
    let lines = vec![
        p.settings.hostname.clone(),
        "PIPELINING".to_owned(),
        "ENHANCEDSTATUSCODES".to_owned(),
        "8BITMIME".to_owned(),
        format!("SIZE {}", p.settings.max_message_size),
    ];
    (
        Reply {
            code: 250,
            status: None,
            lines,
        },
        Next::Commands,
    )
}

fn mail<D: Directory>(p: &mut Protocol<D>, from: &MailFrom<Cow<'_, str>>) -> Handled {
    if !p.greeted {
        return Err(CommandError::Sequence("Send LHLO first"));
    }
    if p.envelope.is_some() {
        return Err(CommandError::Sequence("Nested MAIL command"));
    }
    let declared_size = check_mail(from, p.settings.max_message_size)?;
    p.envelope = Some(Envelope {
        sender: from.address.to_string(),
        declared_size,
        recipients: Vec::new(),
    });
    Ok((
        Reply::new(250, Status(2, 1, 0), "Sender OK"),
        Next::Commands,
    ))
}

fn rcpt<D: Directory>(p: &mut Protocol<D>, to: &RcptTo<Cow<'_, str>>) -> Handled {
    let Some(envelope) = &mut p.envelope else {
        return Err(CommandError::Sequence("Send MAIL first"));
    };
    check_rcpt(to)?;
    if envelope.recipients.len() >= p.settings.max_recipients {
        return Err(CommandError::TooManyRecipients);
    }
    let address = RecipientAddress::parse(&to.address).map_err(|_| CommandError::BadRecipient)?;
    match p.directory.resolve(&address) {
        Resolution::Found(account) => {
            let reply = Reply::new(250, Status(2, 1, 5), format!("<{}> OK", address.as_str()));
            envelope.recipients.push(Accepted { address, account });
            Ok((reply, Next::Commands))
        }
        Resolution::Unknown => Err(CommandError::UnknownUser(address.as_str().to_owned())),
        Resolution::Unavailable => Err(CommandError::RecipientUnavailable(
            address.as_str().to_owned(),
        )),
    }
}

/// RFC 2033 §4.2: DATA without an accepted recipient fails with 503.
fn data<D: Directory>(p: &mut Protocol<D>) -> Handled {
    let Some(envelope) = &p.envelope else {
        return Err(CommandError::Sequence("Send MAIL first"));
    };
    if envelope.recipients.is_empty() {
        return Err(CommandError::Sequence("No valid recipients"));
    }
    Ok((
        Reply::bare(354, "Start mail input; end with <CRLF>.<CRLF>"),
        Next::Data(Body::new(
            p.settings.max_message_size,
            envelope.declared_size,
        )),
    ))
}
