//! LOGOUT (RFC 9051 §6.1.3): `* BYE`, then the tagged OK, then the server
//! closes the connection.

use dormouse_proto::{Command, StatusKind, StatusResponse};

use super::{Context, HandlerResult, Reply};
use crate::outcome::SessionEvent;
use crate::state::{State, StateKind};

pub(super) fn run(_ctx: &Context<'_>, _state: StateKind, command: Command) -> HandlerResult {
    Ok(Reply::new()
        .status(StatusResponse {
            tag: None,
            kind: StatusKind::Bye,
            code: None,
            text: "Logging out".into(),
        })
        .ok(command.tag, "LOGOUT completed")
        .event(SessionEvent::LoggedOut)
        .enter(State::Logout))
}
