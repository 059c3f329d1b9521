//! EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): remove the
//! messages marked `\Deleted`, all of them or those among a UID set. The
//! `* n EXPUNGE` (or, with QRESYNC, `* VANISHED`) responses come from the
//! session's update pass, which reports this session's expunges like
//! anyone else's and renumbers as it goes.

use dormouse_proto::{Command, CommandBody, UidMode};
use dormouse_storage::{Access, Uid};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::errors::Refusal;
use crate::seqset;
use crate::state::Selected;

pub(super) fn run(_ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    let name = command.body.name();
    let only: Option<Vec<Uid>> = match &command.body {
        CommandBody::Expunge => None,
        CommandBody::UidExpunge(set) => Some(
            seqset::resolve(set, UidMode::Uid, &state.view, &state.saved)?
                .into_iter()
                .map(|a| a.uid)
                .collect(),
        ),
        other => return Err(misrouted(other)),
    };
    if state.view.access() == Access::ReadOnly {
        return Err(Refusal::ReadOnly.into());
    }
    state.view.expunge(only.as_deref())?;
    Ok(Reply::new().ok(command.tag, &format!("{name} completed")))
}
