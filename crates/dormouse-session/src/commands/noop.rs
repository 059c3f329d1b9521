//! NOOP (RFC 9051 §6.1.2). It does nothing itself: what a client polls it
//! for, the selected mailbox's pending EXISTS/EXPUNGE/FETCH updates, the
//! session sends after every command in the selected state.

use dormouse_proto::Command;

use super::{Context, HandlerResult, Reply};
use crate::state::StateKind;

pub(super) fn run(_ctx: &Context<'_>, _state: StateKind, command: Command) -> HandlerResult {
    Ok(Reply::new().ok(command.tag, "NOOP completed"))
}
