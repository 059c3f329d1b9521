//! STATUS (RFC 9051 §6.3.11): the counters of one mailbox, including the
//! selected one (the RFC discourages that but does not forbid it) and
//! RECENT for IMAP4rev1 clients. A name that is not a mailbox (missing, or
//! only a parent of others) is NO [NONEXISTENT].

use dormouse_proto::{Command, CommandBody};

use super::{Context, HandlerResult, Reply};
use crate::convert::mailbox_name;
use crate::mbox_status::{enable_condstore_if_asked, status_data};
use crate::state::Authenticated;

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let CommandBody::Status { mailbox, items } = &command.body else {
        return Err(super::misrouted(&command.body));
    };
    let name = mailbox_name(state, mailbox)?;
    let data = status_data(state, &name, items)?;
    enable_condstore_if_asked(state, items);
    Ok(Reply::new().data(data).ok(command.tag, "STATUS completed"))
}
