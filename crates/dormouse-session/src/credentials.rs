//! What LOGIN and AUTHENTICATE share: refusing cleartext passwords where
//! they could be sniffed, asking the authenticator, and the successful
//! reply that moves the session into the authenticated state.

use dormouse_proto::{Code, StatusKind, StatusResponse, Tag};

use crate::auth::AuthVerdict;
use crate::capabilities::{self, Stage};
use crate::commands::{Context, Reply};
use crate::errors::{BackendError, CommandError, Refusal};
use crate::extensions::Enabled;
use crate::outcome::{Mechanism, SessionEvent};
use crate::state::{Authenticated, State};

/// RFC 9051 §6.2.3 leaves the answer to a LOGIN sent despite LOGINDISABLED
/// open; `NO [PRIVACYREQUIRED]` is RFC 5530's code for exactly this, and is
/// what Dovecot answers.
pub(crate) fn ensure_plaintext_allowed(ctx: &Context<'_>) -> Result<(), Refusal> {
    if ctx.conn.plaintext_auth_allowed(ctx.config) {
        Ok(())
    } else {
        Err(Refusal::PrivacyRequired)
    }
}

/// The canonical user name if the password is right.
pub(crate) fn verify(
    ctx: &Context<'_>,
    username: &str,
    password: &[u8],
) -> Result<String, CommandError> {
    match ctx.auth.verify(username, password, ctx.conn.remote.ip()) {
        AuthVerdict::Accepted { user } => Ok(user),
        AuthVerdict::Rejected { delay } => Err(Refusal::AuthenticationFailed { delay }.into()),
        AuthVerdict::Unavailable => Err(BackendError::AuthUnavailable.into()),
    }
}

/// RFC 9051 §6.2.2/§6.2.3 let the OK carry the new capability list, which
/// saves the client a CAPABILITY round trip.
pub(crate) fn logged_in(ctx: &Context<'_>, tag: Tag, user: String, mechanism: Mechanism) -> Reply {
    let caps = capabilities::list(ctx.config, ctx.conn, Stage::AfterLogin);
    Reply::new()
        .status(StatusResponse {
            tag: Some(tag),
            kind: StatusKind::Ok,
            code: Some(Code::Capability(caps)),
            text: "Logged in".into(),
        })
        .event(SessionEvent::LoggedIn {
            user: user.clone(),
            mechanism,
        })
        .enter(State::Authenticated(Authenticated {
            user,
            enabled: Enabled::default(),
        }))
}
