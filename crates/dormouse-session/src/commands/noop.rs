//! NOOP (RFC 9051 §6.1.2). With no mailbox behind the session there are no
//! updates to send yet; the storage issue adds them.

use dormouse_proto::Command;

use super::{Context, HandlerResult, Reply};
use crate::state::StateKind;

pub(super) fn run(_ctx: &Context<'_>, _state: StateKind, command: Command) -> HandlerResult {
    Ok(Reply::new().ok(command.tag, "NOOP completed"))
}
