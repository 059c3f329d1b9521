//! CAPABILITY (RFC 9051 §6.1.1): the list for the current state.

use dormouse_proto::{Command, Data};

use super::{Context, HandlerResult, Reply};
use crate::capabilities::{self, Stage};
use crate::state::StateKind;

pub(super) fn run(ctx: &Context<'_>, state: StateKind, command: Command) -> HandlerResult {
    let stage = match state {
        StateKind::NotAuthenticated => Stage::BeforeLogin,
        StateKind::Authenticated | StateKind::Selected | StateKind::Logout => Stage::AfterLogin,
    };
    let caps = capabilities::list(ctx.config, ctx.conn, stage);
    Ok(Reply::new()
        .data(Data::Capability(caps))
        .ok(command.tag, "CAPABILITY completed"))
}
