//! SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7, §6.3.8). The name must be a
//! valid mailbox name but need not exist (RFC 9051 allows subscribing to a
//! name that does not); unsubscribing a name that is not subscribed is not
//! an error.

use dormouse_proto::{Command, CommandBody};

use super::{Context, HandlerResult, Reply};
use crate::convert::mailbox_name;
use crate::state::Authenticated;

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    match &command.body {
        CommandBody::Subscribe(mailbox) => {
            let name = mailbox_name(state, mailbox)?;
            state.mail.subscribe(&name)?;
            Ok(Reply::new().ok(command.tag, "SUBSCRIBE completed"))
        }
        CommandBody::Unsubscribe(mailbox) => {
            let name = mailbox_name(state, mailbox)?;
            state.mail.unsubscribe(&name)?;
            Ok(Reply::new().ok(command.tag, "UNSUBSCRIBE completed"))
        }
        other => Err(super::misrouted(other)),
    }
}
