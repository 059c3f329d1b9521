//! DELETE (RFC 9051 §6.3.5). The store refuses INBOX (NO [CANNOT]), a name
//! that is only a parent of other mailboxes (NO [HASCHILDREN]) and a
//! missing one (NO [NONEXISTENT]); a mailbox with children loses its
//! messages and stays as a non-selectable parent. Subscriptions are left
//! alone: the server must not drop a subscription on its own (RFC 3501
//! §6.3.6). Deleting the selected mailbox is allowed: the session stays
//! selected and its later syncs fail quietly, as the store reports the
//! mailbox gone.

use dormouse_proto::{Command, CommandBody};

use super::{Context, HandlerResult, Reply};
use crate::convert::mailbox_name;
use crate::state::Authenticated;

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let CommandBody::Delete(mailbox) = &command.body else {
        return Err(super::misrouted(&command.body));
    };
    let name = mailbox_name(state, mailbox)?;
    state.mail.delete(&name)?;
    Ok(Reply::new().ok(command.tag, "DELETE completed"))
}
