//! CHECK (RFC 3501 §6.4.1; removed from IMAP4rev2): every change is
//! already durable when its command completes, so there is no checkpoint
//! to take. Like NOOP it lets the session send the mailbox's pending
//! updates, which it does after every command.

use dormouse_proto::{Command, CommandBody};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::state::Selected;

pub(super) fn run(_ctx: &Context<'_>, _state: &mut Selected, command: Command) -> HandlerResult {
    match command.body {
        CommandBody::Check => Ok(Reply::new().ok(command.tag, "CHECK completed")),
        other => Err(misrouted(&other)),
    }
}
