//! COPY, MOVE and their UID forms (RFC 9051 §6.4.7–8, RFC 6851, RFC 4315):
//! copy messages to another mailbox (or this one), answering with COPYUID;
//! MOVE then expunges the originals and reports it at once: the COPYUID in
//! an untagged OK, then the EXPUNGE (or VANISHED) responses, even for MOVE
//! by sequence number (RFC 6851 §4.3). A missing destination is
//! NO [TRYCREATE].

use dormouse_proto::{Code, Command, CommandBody, Response, StatusKind, StatusResponse};
use dormouse_storage::{Access, CopyResult, SeqPolicy, StorageError, Uid};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::convert;
use crate::errors::{CommandError, Refusal};
use crate::seqset;
use crate::state::Selected;
use crate::updates;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Copy,
    Move,
}

pub(super) fn run(_ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    let name = command.body.name();
    let (kind, mode, set, mailbox) = match command.body {
        CommandBody::Copy { mode, set, mailbox } => (Kind::Copy, mode, set, mailbox),
        CommandBody::Move { mode, set, mailbox } => (Kind::Move, mode, set, mailbox),
        other => return Err(misrouted(&other)),
    };
    if kind == Kind::Move && state.view.access() == Access::ReadOnly {
        return Err(Refusal::ReadOnly.into());
    }
    let uids: Vec<Uid> = seqset::resolve(&set, mode, &state.view, &state.saved)?
        .into_iter()
        .map(|a| a.uid)
        .collect();
    let dest = convert::mailbox_name(&state.authenticated, &mailbox)?;
    let result = match kind {
        Kind::Copy => state.view.copy(&uids, &dest),
        Kind::Move => state.view.move_to(&uids, &dest),
    }
    .map_err(|e| match e {
        // RFC 9051 §6.4.7: the client may CREATE it and try again.
        StorageError::NoSuchMailbox => CommandError::from(Refusal::TryCreate),
        other => other.into(),
    })?;
    let copyuid = copyuid(&result);
    let done = format!("{name} completed");
    let reply = Reply::new();
    match kind {
        Kind::Copy => Ok(reply.status(StatusResponse::tagged(
            command.tag,
            StatusKind::Ok,
            copyuid,
            done,
        ))),
        Kind::Move => {
            let mut reply = match copyuid {
                Some(code) => reply.status(StatusResponse::untagged(
                    StatusKind::Ok,
                    Some(code),
                    "Moved UIDs.",
                )),
                None => reply,
            };
            // The session would hold these back for MOVE by sequence
            // number; MOVE is the one such command allowed to send them. A
            // failed sync only delays them to the next command.
            let expunges: Vec<Response> =
                updates::collect(state, SeqPolicy::Update).unwrap_or_default();
            reply.responses.extend(expunges);
            Ok(reply.ok(command.tag, &done))
        }
    }
}

/// RFC 4315 COPYUID; none when nothing was copied, since the sets cannot
/// be empty.
fn copyuid(result: &CopyResult) -> Option<Code> {
    let source: Vec<_> = result.source_uids.iter().map(|u| u.0).collect();
    let destination: Vec<_> = result.dest_uids.iter().map(|u| u.0).collect();
    Some(Code::CopyUid {
        uidvalidity: result.uidvalidity.0,
        source: dormouse_proto::encode::compact_set(&source)?,
        destination: dormouse_proto::encode::compact_set(&destination)?,
    })
}
