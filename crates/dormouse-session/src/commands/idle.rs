//! IDLE (RFC 2177, RFC 9051 §6.3.13): the command answers `+ idling` and
//! stays open; the session tells the client of changes to its mailbox as
//! they happen, until the client sends `DONE`. The waiting, the
//! keepalives and the timeout are the server's; this file has what is
//! said.

use dormouse_proto::{Command, Response, StatusKind, StatusResponse, Tag};

use super::{Context, HandlerResult, Reply};
use crate::errors::{ClientError, CommandError};
use crate::state::Authenticated;

/// The continuation's text: `+ idling`, as Dovecot says it.
pub(crate) const IDLING: &str = "idling";

/// Starts IDLE. In the selected state the session adds the pending updates
/// after the continuation, like every later change.
pub(super) fn run(
    _ctx: &Context<'_>,
    _state: &mut Authenticated,
    _command: Command,
) -> HandlerResult {
    Ok(Reply::new().idling(IDLING))
}

/// What the client's line during IDLE ends with: `DONE` (any case, RFC
/// 9051 grammar is case-insensitive) completes the command, anything else
/// is a BAD that also ends it, as in Dovecot, so client and server agree
/// that the IDLE is over either way.
pub(crate) fn done(tag: Tag, line: &[u8]) -> Response {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.eq_ignore_ascii_case(b"DONE") {
        Response::Status(StatusResponse {
            tag: Some(tag),
            kind: StatusKind::Ok,
            code: None,
            text: "IDLE terminated".into(),
        })
    } else {
        CommandError::from(ClientError::ExpectedDone).tagged(tag)
    }
}

/// `* OK Still here`, sent every `idle_keepalive` so NAT boxes keep the
/// connection (Dovecot's wording).
pub(crate) fn keepalive() -> Response {
    Response::Status(StatusResponse {
        tag: None,
        kind: StatusKind::Ok,
        code: None,
        text: "Still here".into(),
    })
}
