//! ID (RFC 2971): the server names itself. What the client says about
//! itself is not used.

use dormouse_proto::{Command, Data};

use super::{Context, HandlerResult, Reply};
use crate::state::StateKind;

pub(super) fn run(ctx: &Context<'_>, _state: StateKind, command: Command) -> HandlerResult {
    let fields = vec![
        ("name".to_string(), Some(ctx.config.server_name.clone())),
        ("version".to_string(), Some(ctx.config.version.clone())),
    ];
    Ok(Reply::new()
        .data(Data::Id(Some(fields)))
        .ok(command.tag, "ID completed"))
}
