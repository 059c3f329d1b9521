//! The connection states of RFC 9051 §3, each a type holding what is known
//! only in that state, so a handler that needs a logged-in user takes
//! `&mut Authenticated` and cannot be called before login.

use dormouse_proto::Tag;

use crate::extensions::Enabled;

/// The RFC 9051 state a session is in, for callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateKind {
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}

pub(crate) enum State {
    NotAuthenticated(NotAuthenticated),
    /// Inside `AUTHENTICATE PLAIN` without an initial response: waiting for
    /// the client's response line. Still "not authenticated" to the RFC.
    Authenticating(PendingSasl),
    Authenticated(Authenticated),
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "SELECT arrives with the storage issue")
    )]
    Selected(Selected),
    Logout,
}

impl State {
    pub(crate) fn kind(&self) -> StateKind {
        match self {
            State::NotAuthenticated(_) | State::Authenticating(_) => StateKind::NotAuthenticated,
            State::Authenticated(_) => StateKind::Authenticated,
            State::Selected(_) => StateKind::Selected,
            State::Logout => StateKind::Logout,
        }
    }

    /// The logged-in part of the state, if there is one.
    pub(crate) fn authenticated(&self) -> Option<&Authenticated> {
        match self {
            State::Authenticated(auth) => Some(auth),
            State::Selected(selected) => Some(&selected.authenticated),
            State::NotAuthenticated(_) | State::Authenticating(_) | State::Logout => None,
        }
    }
}

/// Nothing is known before login yet; a place for failed-login counters.
pub(crate) struct NotAuthenticated;

/// An `AUTHENTICATE` waiting for the client's next line.
pub(crate) struct PendingSasl {
    pub(crate) tag: Tag,
}

pub(crate) struct Authenticated {
    /// The canonical name the authenticator returned.
    pub(crate) user: String,
    /// What ENABLE turned on; it lasts for the connection (RFC 5161).
    pub(crate) enabled: Enabled,
}

/// A mailbox is selected. The storage issue adds the mailbox view here.
pub(crate) struct Selected {
    pub(crate) authenticated: Authenticated,
}
