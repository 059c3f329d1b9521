//! STARTTLS: not offered until TLS support exists, so it is answered as by a
//! server that does not know the command (and CAPABILITY does not list it).

use dormouse_proto::Command;

use super::{Context, HandlerResult};
use crate::errors::ClientError;
use crate::state::StateKind;

pub(super) fn run(_ctx: &Context<'_>, _state: StateKind, command: Command) -> HandlerResult {
    Err(ClientError::UnknownCommand {
        command: command.body.name(),
    }
    .into())
}
