//! ENABLE (RFC 5161, RFC 9051 §6.3.1): turns on the extensions this server
//! can enable and lists those newly turned on; unknown names are ignored.

use dormouse_proto::{Command, CommandBody, Data};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::extensions::Extension;
use crate::state::Authenticated;

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let names = match command.body {
        CommandBody::Enable(names) => names,
        other => return Err(misrouted(&other)),
    };
    let newly: Vec<String> = names
        .iter()
        .filter_map(|name| Extension::from_name(name))
        .filter(|ext| state.enabled.insert(*ext))
        .map(|ext| ext.name().to_string())
        .collect();
    // RFC 9051 §6.3.1: `* ENABLED` is sent even when it lists nothing.
    Ok(Reply::new()
        .data(Data::Enabled(newly))
        .ok(command.tag, "ENABLE completed"))
}
