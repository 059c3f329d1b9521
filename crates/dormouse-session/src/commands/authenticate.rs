//! AUTHENTICATE (RFC 9051 §6.2.2) with the PLAIN mechanism (RFC 4616), with
//! an initial response (SASL-IR, RFC 4959) or after an empty challenge.
//! Other mechanisms are refused.

use dormouse_proto::{Command, CommandBody, Tag};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::credentials;
use crate::errors::{ClientError, Refusal};
use crate::outcome::Mechanism;
use crate::sasl::{self, Plain};
use crate::state::{NotAuthenticated, PendingSasl, State};

pub(super) fn run(
    ctx: &Context<'_>,
    _state: &mut NotAuthenticated,
    command: Command,
) -> HandlerResult {
    let (mechanism, initial) = match command.body {
        CommandBody::Authenticate { mechanism, initial } => (mechanism, initial),
        other => return Err(misrouted(&other)),
    };
    // RFC 9051 §6.2.2: an unsupported mechanism gets a tagged NO.
    if !mechanism.eq_ignore_ascii_case("PLAIN") {
        return Err(Refusal::UnsupportedMechanism.into());
    }
    credentials::ensure_plaintext_allowed(ctx)?;
    match initial {
        Some(initial) => finish(ctx, command.tag, &initial.0),
        // PLAIN has the client speak first, so the challenge is empty.
        None => Ok(Reply::new()
            .challenge(Vec::new())
            .enter(State::Authenticating(PendingSasl { tag: command.tag }))),
    }
}

/// The client's line after the empty challenge: base64, or `*` to cancel.
pub(crate) fn respond(ctx: &Context<'_>, pending: PendingSasl, line: &[u8]) -> HandlerResult {
    let line = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))
        .unwrap_or(line);
    // RFC 9051 §6.2.2: a cancelled exchange gets a tagged BAD.
    if line == b"*" {
        return Err(ClientError::SaslCancelled.into());
    }
    finish(ctx, pending.tag, line)
}

fn finish(ctx: &Context<'_>, tag: Tag, encoded: &[u8]) -> HandlerResult {
    let message = sasl::decode(encoded)?;
    let plain = Plain::parse(&message.0)?;
    let verified = credentials::verify(ctx, plain.authcid, plain.password)?;
    // Acting as another user (admin proxying) is not supported: the
    // authorization identity must name the user who authenticated.
    if let Some(authzid) = plain.authzid
        && authzid != plain.authcid
        && authzid != verified.user
    {
        return Err(Refusal::AuthorizationFailed.into());
    }
    credentials::logged_in(ctx, tag, verified, Mechanism::Plain)
}
