//! The connection states of RFC 9051 §3, each a type holding what is known
//! only in that state, so a handler that needs a logged-in user takes
//! `&mut Authenticated` and cannot be called before login.

use dormouse_proto::Tag;

use dormouse_storage::{MailboxName, Uid, UserStore, View};

use crate::extensions::Enabled;
use crate::fetch_pending::PendingFetch;

/// The RFC 9051 state a session is in, for callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateKind {
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}

// Most sessions spend their life selected, so boxing the big variant would
// only add an allocation; idle sessions shed this state when they hibernate.
#[expect(
    clippy::large_enum_variant,
    reason = "the selected state is the common one"
)]
pub(crate) enum State {
    NotAuthenticated(NotAuthenticated),
    /// Inside `AUTHENTICATE PLAIN` without an initial response: waiting for
    /// the client's response line. Still "not authenticated" to the RFC.
    Authenticating(PendingSasl),
    Authenticated(Authenticated),
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

#[derive(Clone)]
pub(crate) struct Authenticated {
    /// The canonical name the authenticator returned.
    pub(crate) user: String,
    /// What ENABLE turned on; it lasts for the connection (RFC 5161).
    pub(crate) enabled: Enabled,
    /// The user's mailboxes.
    pub(crate) mail: UserStore,
}

/// A mailbox is selected: the logged-in state plus this session's view of
/// the mailbox.
pub(crate) struct Selected {
    pub(crate) authenticated: Authenticated,
    pub(crate) mailbox: MailboxName,
    pub(crate) view: View,
    /// The SEARCHRES result (`$`, RFC 5182), as UIDs so that expunges do
    /// not shift it. Empty until a SEARCH … RETURN (SAVE).
    pub(crate) saved: Vec<Uid>,
    /// A FETCH that has sent some batches and has more to send; the
    /// session resumes it before reading another command.
    pub(crate) pending: Option<PendingFetch>,
}

impl Selected {
    pub(crate) fn new(authenticated: Authenticated, mailbox: MailboxName, view: View) -> Selected {
        Selected {
            authenticated,
            mailbox,
            view,
            saved: Vec::new(),
            pending: None,
        }
    }

    pub(crate) fn enabled(&self, ext: crate::extensions::Extension) -> bool {
        self.authenticated.enabled.contains(ext)
    }
}
