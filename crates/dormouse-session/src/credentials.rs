//! What LOGIN and AUTHENTICATE share: refusing cleartext passwords where
//! they could be sniffed, asking the authenticator, and the successful
//! reply that moves the session into the authenticated state.

use std::path::PathBuf;

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

/// A user whose password was right: the canonical name and the home
/// directory, if the user database has one.
pub(crate) struct Verified {
    pub(crate) user: String,
    pub(crate) home: Option<PathBuf>,
}

/// The canonical user name if the password is right.
pub(crate) fn verify(
    ctx: &Context<'_>,
    username: &str,
    password: &[u8],
) -> Result<Verified, CommandError> {
    match ctx.auth.verify(username, password, ctx.conn.remote.ip()) {
        AuthVerdict::Accepted { user, home } => Ok(Verified { user, home }),
        AuthVerdict::Rejected { delay } => Err(Refusal::AuthenticationFailed { delay }.into()),
        AuthVerdict::Unavailable => Err(BackendError::AuthUnavailable.into()),
    }
}

/// Opens the user's mail store and enters the authenticated state. RFC 9051
/// §6.2.2/§6.2.3 let the OK carry the new capability list, which saves the
/// client a CAPABILITY round trip. A store that cannot be opened fails the
/// login (NO [UNAVAILABLE]) rather than leaving a session with no mail.
pub(crate) fn logged_in(
    ctx: &Context<'_>,
    tag: Tag,
    verified: Verified,
    mechanism: Mechanism,
) -> Result<Reply, CommandError> {
    let Verified { user, home } = verified;
    let mail = ctx.mail.open(&user, home.as_deref())?;
    let caps = capabilities::list(ctx.config, ctx.conn, Stage::AfterLogin);
    Ok(Reply::new()
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
            mail,
        })))
}
