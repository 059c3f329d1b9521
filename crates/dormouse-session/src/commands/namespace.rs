//! NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal namespace with an
//! empty prefix; no other users' or shared namespaces.

use dormouse_proto::{Command, Data, NamespaceDesc};

use super::{Context, HandlerResult, Reply};
use crate::state::Authenticated;

pub(super) fn run(
    ctx: &Context<'_>,
    _state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let personal = NamespaceDesc {
        prefix: String::new(),
        delimiter: Some(ctx.config.hierarchy_separator),
    };
    Ok(Reply::new()
        .data(Data::Namespace {
            personal: vec![personal],
            other: Vec::new(),
            shared: Vec::new(),
        })
        .ok(command.tag, "NAMESPACE completed"))
}
