//! SEARCH: not implemented yet (issue #3); answers like `not_yet`.

use dormouse_proto::Command;

use super::{Context, HandlerResult};
use crate::state::Selected;

pub(super) fn run(ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    super::not_yet::run(ctx, state, command)
}
