//! CLOSE and UNSELECT (RFC 9051 §6.4.1–2, RFC 3691): leave the selected
//! state for the authenticated one. CLOSE first removes the messages marked
//! `\Deleted`, silently (no EXPUNGE responses), unless the mailbox was
//! opened read-only; UNSELECT never removes anything.

use dormouse_proto::{Command, CommandBody};
use dormouse_storage::Access;

use super::{Context, HandlerResult, Reply, misrouted};
use crate::errors::CommandError;
use crate::state::{Selected, State};

pub(super) fn run(_ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    let mut reply = Reply::new();
    let text = match command.body {
        CommandBody::Close => {
            if state.view.access() == Access::ReadWrite
                && let Err(e) = state.view.expunge(None)
            {
                // The mailbox is closed whatever happens (RFC 9051 §6.4.1
                // lists no failure); the client hears why nothing was
                // expunged, as Dovecot tells it.
                reply.responses.push(CommandError::from(e).untagged());
            }
            "CLOSE completed"
        }
        CommandBody::Unselect => "UNSELECT completed",
        other => return Err(misrouted(&other)),
    };
    Ok(reply
        .ok(command.tag, text)
        .enter(State::Authenticated(state.authenticated.clone())))
}
