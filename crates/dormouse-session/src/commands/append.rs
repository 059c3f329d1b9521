//! APPEND (RFC 9051 §6.3.12) and MULTIAPPEND (RFC 3502): messages with
//! their flags (`\Recent` and unknown `\`-flags dropped) and INTERNALDATE,
//! answered with APPENDUID (RFC 4315). The store adds a batch atomically,
//! so a MULTIAPPEND either adds every message or none. A missing mailbox is
//! NO [TRYCREATE]. Refused before anything is written: an empty message
//! (as Dovecot does) and a literal8 (RFC 3516) holding NUL, which a message
//! served as RFC 5322 text cannot carry (NO [UNKNOWN-CTE], RFC 3516 §4.4);
//! 8-bit literal8 data without NUL is stored as sent. New messages in the
//! selected mailbox reach the client through the session's usual EXISTS.

use dormouse_proto::{AppendMessage, Code, Command, CommandBody, LiteralKind, StatusKind};
use dormouse_proto::{StatusResponse, encode::compact_set};
use dormouse_storage::{AppendResult, NewMessage, StorageError};

use super::{Context, HandlerResult, Reply};
use crate::convert::{mailbox_name, split};
use crate::errors::{CommandError, Refusal};
use crate::fetch_date::epoch_of;
use crate::state::Authenticated;

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let (mailbox, messages) = match command.body {
        CommandBody::Append { mailbox, messages } => (mailbox, messages),
        other => return Err(super::misrouted(&other)),
    };
    let name = mailbox_name(state, &mailbox)?;
    let messages = messages
        .into_iter()
        .map(new_message)
        .collect::<Result<Vec<_>, _>>()?;
    let appended = state.mail.append(&name, messages).map_err(|e| match e {
        StorageError::NoSuchMailbox => CommandError::from(Refusal::TryCreate),
        other => other.into(),
    })?;
    Ok(Reply::new().status(StatusResponse::tagged(
        command.tag,
        StatusKind::Ok,
        append_uid(&appended),
        "APPEND completed",
    )))
}

fn new_message(message: AppendMessage) -> Result<NewMessage, CommandError> {
    if message.data.is_empty() {
        return Err(Refusal::EmptyMessage.into());
    }
    if message.encoding == LiteralKind::Binary && message.data.contains(&0) {
        return Err(Refusal::BinaryNotStorable.into());
    }
    let (flags, keywords) = split(&message.flags);
    Ok(NewMessage {
        data: message.data,
        flags,
        keywords,
        internal_date: message.date.as_ref().map(epoch_of),
    })
}

/// `APPENDUID uidvalidity uid-set`, the UIDs compacted into ranges.
fn append_uid(appended: &AppendResult) -> Option<Code> {
    let uids: Vec<_> = appended.uids.iter().map(|uid| uid.0).collect();
    Some(Code::AppendUid {
        uidvalidity: appended.uidvalidity.0,
        uids: compact_set(&uids)?,
    })
}
