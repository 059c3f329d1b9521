//! The shared handler for commands that need storage, which does not exist
//! yet: an honest `NO [CANNOT]` in a state that allows the command. The
//! storage issue replaces each table entry with a real handler.

use dormouse_proto::Command;

use super::{Context, HandlerResult};
use crate::errors::Refusal;

pub(super) fn run<S>(_ctx: &Context<'_>, _state: &mut S, command: Command) -> HandlerResult {
    Err(Refusal::NotAvailableYet {
        command: command.body.name(),
    }
    .into())
}
