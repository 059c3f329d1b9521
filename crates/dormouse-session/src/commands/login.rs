//! LOGIN (RFC 9051 §6.2.3): user name and cleartext password.

use dormouse_proto::{Command, CommandBody};

use super::{Context, HandlerResult, misrouted};
use crate::credentials;
use crate::outcome::Mechanism;
use crate::state::NotAuthenticated;

pub(super) fn run(
    ctx: &Context<'_>,
    _state: &mut NotAuthenticated,
    command: Command,
) -> HandlerResult {
    let (username, password) = match command.body {
        CommandBody::Login { username, password } => (username, password),
        other => return Err(misrouted(&other)),
    };
    credentials::ensure_plaintext_allowed(ctx)?;
    let verified = credentials::verify(ctx, &username, &password.0)?;
    credentials::logged_in(ctx, command.tag, verified, Mechanism::Login)
}
