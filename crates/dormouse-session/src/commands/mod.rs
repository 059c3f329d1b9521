//! The command table: one entry per command name, saying which states allow
//! it (through the kind of state its handler takes), how it interacts with
//! pipelining, and which function runs it. Dispatch looks a command up here
//! and hands its handler the state it needs, or answers BAD for the wrong
//! state; handlers never check the state themselves.

mod append;
mod authenticate;
mod capability;
mod check;
mod close;
mod copy;
mod create;
mod delete;
mod enable;
mod expunge;
mod fetch;
mod id;
mod idle;
mod list;
mod login;
mod logout;
mod lsub;
mod namespace;
mod noop;
mod not_yet;
mod rename;
mod search;
mod select;
mod sort;
mod starttls;
mod status;
mod store;
mod subscribe;
mod thread;

mod flags;
mod reply;

pub use flags::CommandFlags;
pub(crate) use reply::Reply;

use dormouse_proto::{Command, CommandBody};

use crate::auth::Authenticator;
use crate::config::{ConnectionInfo, SessionConfig};
use crate::errors::{ClientError, CommandError, InternalError};
use crate::mail::MailAccess;
use crate::state::{self, State, StateKind};

pub(crate) use authenticate::respond as sasl_respond;
pub(crate) use idle::{IDLING, done as idle_done, keepalive as idle_keepalive};

/// What every handler may read: settings, the authenticator and the
/// connection. It holds no state; state is passed by type.
pub(crate) struct Context<'a> {
    pub(crate) config: &'a SessionConfig,
    pub(crate) auth: &'a dyn Authenticator,
    pub(crate) mail: &'a dyn MailAccess,
    pub(crate) conn: &'a ConnectionInfo,
    /// Told of every change to the mailbox this session selects (the
    /// server wakes the connection with it during IDLE).
    pub(crate) watcher: Option<&'a std::sync::Arc<dyn dormouse_storage::Subscriber>>,
}

pub(crate) type HandlerResult = Result<Reply, CommandError>;

/// A handler, by the state it needs. The variant is the list of states that
/// allow the command, so the two cannot disagree.
pub(crate) enum Handler {
    /// Any state but logout; sees only which state it is.
    Any(fn(&Context<'_>, StateKind, Command) -> HandlerResult),
    NotAuthenticated(fn(&Context<'_>, &mut state::NotAuthenticated, Command) -> HandlerResult),
    /// Authenticated, with no mailbox selected (ENABLE).
    Authenticated(fn(&Context<'_>, &mut state::Authenticated, Command) -> HandlerResult),
    /// Authenticated or selected; sees the logged-in part of the state.
    AuthenticatedOrSelected(fn(&Context<'_>, &mut state::Authenticated, Command) -> HandlerResult),
    Selected(fn(&Context<'_>, &mut state::Selected, Command) -> HandlerResult),
}

pub(crate) struct Entry {
    /// As [`CommandBody::name`] spells it: `UID FETCH` is its own entry.
    pub(crate) name: &'static str,
    pub(crate) handler: Handler,
    pub(crate) flags: CommandFlags,
}

const NONE: CommandFlags = CommandFlags::NONE;
const BLOCKING: CommandFlags = CommandFlags::BLOCKING;
const USES_SEQS: CommandFlags = CommandFlags::USES_SEQS;
const BREAKS_SEQS: CommandFlags = CommandFlags::BREAKS_SEQS;
const BREAKS_MAILBOX: CommandFlags = CommandFlags::BREAKS_MAILBOX;
const DESELECTS: CommandFlags = CommandFlags::DESELECTS;
/// Everything that touches the mail store does file I/O.
const STORAGE: CommandFlags = CommandFlags::BLOCKING;

const fn entry(name: &'static str, handler: Handler, flags: CommandFlags) -> Entry {
    Entry {
        name,
        handler,
        flags,
    }
}

// Sequence flags follow Dovecot's table: seq-number FETCH/STORE/SEARCH/SORT/
// THREAD never see an EXPUNGE mid-command, their UID forms and every command
// that syncs the mailbox may send one. Everything that touches the mail
// store is STORAGE (blocking: it does file I/O).
pub(crate) static COMMANDS: &[Entry] = {
    use Handler::*;
    &[
        // Any state (RFC 9051 §6.1, RFC 2971).
        entry("CAPABILITY", Any(capability::run), NONE),
        entry("NOOP", Any(noop::run), BREAKS_SEQS),
        entry("LOGOUT", Any(logout::run), BREAKS_MAILBOX),
        entry("ID", Any(id::run), NONE),
        entry("STARTTLS", Any(starttls::run), NONE),
        // Not authenticated (RFC 9051 §6.2). Login opens the mail store.
        entry("LOGIN", NotAuthenticated(login::run), BLOCKING),
        entry(
            "AUTHENTICATE",
            NotAuthenticated(authenticate::run),
            BLOCKING,
        ),
        // Authenticated, before SELECT (RFC 9051 §6.3.1).
        entry("ENABLE", Authenticated(enable::run), NONE),
        // Authenticated or selected (RFC 9051 §6.3, RFC 4978 COMPRESS).
        entry("NAMESPACE", AuthenticatedOrSelected(namespace::run), NONE),
        entry(
            "SELECT",
            AuthenticatedOrSelected(select::run),
            STORAGE.union(BREAKS_MAILBOX).union(DESELECTS),
        ),
        entry(
            "EXAMINE",
            AuthenticatedOrSelected(select::run),
            STORAGE.union(BREAKS_MAILBOX).union(DESELECTS),
        ),
        entry("CREATE", AuthenticatedOrSelected(create::run), STORAGE),
        entry(
            "DELETE",
            AuthenticatedOrSelected(delete::run),
            STORAGE.union(BREAKS_MAILBOX),
        ),
        entry("RENAME", AuthenticatedOrSelected(rename::run), STORAGE),
        entry(
            "SUBSCRIBE",
            AuthenticatedOrSelected(subscribe::run),
            STORAGE,
        ),
        entry(
            "UNSUBSCRIBE",
            AuthenticatedOrSelected(subscribe::run),
            STORAGE,
        ),
        entry("LIST", AuthenticatedOrSelected(list::run), STORAGE),
        entry("LSUB", AuthenticatedOrSelected(lsub::run), STORAGE),
        entry("STATUS", AuthenticatedOrSelected(status::run), STORAGE),
        entry(
            "APPEND",
            AuthenticatedOrSelected(append::run),
            STORAGE.union(BREAKS_SEQS).union(BREAKS_MAILBOX),
        ),
        entry(
            "IDLE",
            AuthenticatedOrSelected(idle::run),
            STORAGE.union(BREAKS_SEQS).union(BREAKS_MAILBOX),
        ),
        entry("COMPRESS", AuthenticatedOrSelected(not_yet::run), NONE),
        // Selected (RFC 9051 §6.4, RFC 4315, RFC 6851, RFC 5256).
        entry("CHECK", Selected(check::run), STORAGE.union(BREAKS_SEQS)),
        entry("CLOSE", Selected(close::run), STORAGE.union(BREAKS_MAILBOX)),
        entry(
            "UNSELECT",
            Selected(close::run),
            STORAGE.union(BREAKS_MAILBOX),
        ),
        entry(
            "EXPUNGE",
            Selected(expunge::run),
            STORAGE.union(BREAKS_SEQS),
        ),
        entry(
            "UID EXPUNGE",
            Selected(expunge::run),
            STORAGE.union(BREAKS_SEQS),
        ),
        entry("SEARCH", Selected(search::run), STORAGE.union(USES_SEQS)),
        entry(
            "UID SEARCH",
            Selected(search::run),
            STORAGE.union(BREAKS_SEQS),
        ),
        entry("FETCH", Selected(fetch::run), STORAGE.union(USES_SEQS)),
        entry(
            "UID FETCH",
            Selected(fetch::run),
            STORAGE.union(BREAKS_SEQS),
        ),
        entry("STORE", Selected(store::run), STORAGE.union(USES_SEQS)),
        entry(
            "UID STORE",
            Selected(store::run),
            STORAGE.union(BREAKS_SEQS),
        ),
        entry(
            "COPY",
            Selected(copy::run),
            STORAGE.union(USES_SEQS).union(BREAKS_SEQS),
        ),
        entry("UID COPY", Selected(copy::run), STORAGE.union(BREAKS_SEQS)),
        entry(
            "MOVE",
            Selected(copy::run),
            STORAGE.union(USES_SEQS).union(BREAKS_SEQS),
        ),
        entry("UID MOVE", Selected(copy::run), STORAGE.union(BREAKS_SEQS)),
        entry("SORT", Selected(sort::run), STORAGE.union(USES_SEQS)),
        entry("UID SORT", Selected(sort::run), STORAGE.union(BREAKS_SEQS)),
        entry("THREAD", Selected(thread::run), STORAGE.union(USES_SEQS)),
        entry(
            "UID THREAD",
            Selected(thread::run),
            STORAGE.union(BREAKS_SEQS),
        ),
    ]
};

pub(crate) fn lookup(body: &CommandBody) -> Option<&'static Entry> {
    let name = body.name();
    COMMANDS.iter().find(|entry| entry.name == name)
}

/// Runs `command` against `state`. In the logout state every command gets a
/// BAD; a pending SASL exchange must have been ended by the caller.
pub(crate) fn run(ctx: &Context<'_>, state: &mut State, command: Command) -> HandlerResult {
    let name = command.body.name();
    let entry = lookup(&command.body).ok_or(InternalError::Unregistered { command: name })?;
    match (&entry.handler, state) {
        (_, State::Logout) => Err(ClientError::LoggingOut.into()),
        (_, State::Authenticating(_)) => Err(InternalError::SaslPending.into()),
        (Handler::Any(f), state) => f(ctx, state.kind(), command),
        (Handler::NotAuthenticated(f), State::NotAuthenticated(s)) => f(ctx, s, command),
        (Handler::Authenticated(f), State::Authenticated(s)) => f(ctx, s, command),
        (Handler::AuthenticatedOrSelected(f), State::Authenticated(s)) => f(ctx, s, command),
        (Handler::AuthenticatedOrSelected(f), State::Selected(s)) => {
            f(ctx, &mut s.authenticated, command)
        }
        (Handler::Selected(f), State::Selected(s)) => f(ctx, s, command),
        (handler, state) => Err(wrong_state(name, handler, state.kind()).into()),
    }
}

/// The next batch of an unfinished command (only FETCH answers in
/// batches); `None` when no command is unfinished.
pub(crate) fn resume(state: &mut State) -> Option<HandlerResult> {
    match state {
        State::Selected(selected) => fetch::resume(selected),
        _ => None,
    }
}

/// The BAD for a command sent in a state that does not allow it, worded by
/// what the client must do first (RFC 9051 §6: BAD never changes state).
fn wrong_state(command: &'static str, handler: &Handler, current: StateKind) -> ClientError {
    match (current, handler) {
        (StateKind::Logout, _) => ClientError::LoggingOut,
        (StateKind::NotAuthenticated, _) => ClientError::NotAuthenticated { command },
        (_, Handler::NotAuthenticated(_)) => ClientError::AlreadyAuthenticated { command },
        (StateKind::Selected, _) => ClientError::MailboxSelected { command },
        (StateKind::Authenticated, _) => ClientError::NoMailboxSelected { command },
    }
}

/// For a handler handed another command's arguments: the table routes by
/// name, so a mismatch is a bug in the table, answered as one.
fn misrouted(body: &CommandBody) -> CommandError {
    InternalError::Misrouted {
        command: body.name(),
    }
    .into()
}
