//! [`Session`]: one connection's protocol state. The server feeds it parsed
//! commands (or raw SASL lines) and sends back what it returns.

use std::fmt;
use std::sync::Arc;

use dormouse_proto::{Code, Command, CommandBody, Response, StatusKind, StatusResponse, Tag};

use crate::auth::Authenticator;
use crate::capabilities::{self, Stage};
use crate::commands::{self, CommandFlags, Context, HandlerResult};
use crate::config::{ConnectionInfo, SessionConfig};
use crate::errors::{ClientError, CommandError, InternalError};
use crate::extensions::Extension;
use crate::mail::MailAccess;
use crate::outcome::{InputMode, Next, Outcome};
use crate::state::{NotAuthenticated, State, StateKind};
use crate::updates;
use dormouse_storage::{SeqPolicy, Subscriber};

/// `* BYE` for a session whose selected mailbox is gone (Dovecot's words).
pub fn mailbox_gone() -> Response {
    Response::Status(StatusResponse {
        tag: None,
        kind: StatusKind::Bye,
        code: None,
        text: "Selected mailbox was deleted, have to disconnect.".into(),
    })
}

/// One connection's session. The server sends [`Session::greeting`], then
/// for each line reads a command (or, when [`Session::input_mode`] says so, a
/// raw SASL line), passes it to [`Session::handle`] (or
/// [`Session::sasl_response`]), waits out [`Outcome::delay`], writes
/// [`Outcome::responses`] and closes on [`Next::Close`]. On [`Next::More`]
/// it writes them and calls [`Session::resume`] for the next batch, until
/// the outcome says otherwise, before it reads anything else.
pub struct Session {
    config: Arc<SessionConfig>,
    services: Services,
    pub(crate) conn: ConnectionInfo,
    pub(crate) state: State,
    /// The command answering in batches, if one is.
    pub(crate) unfinished: Option<Unfinished>,
    /// The tag of the IDLE in progress: its tagged reply comes at DONE.
    pub(crate) idling: Option<Tag>,
    /// Told of changes to the selected mailbox; see [`Session::set_watcher`].
    pub(crate) watcher: Option<Arc<dyn Subscriber>>,
}

/// A command that has sent some batches: what its last one needs.
pub(crate) struct Unfinished {
    tag: Tag,
    flags: CommandFlags,
}

/// The outside world a session calls into: both may block, which is why
/// the commands that use them are flagged blocking in the command table.
#[derive(Clone)]
pub struct Services {
    pub auth: Arc<dyn Authenticator>,
    pub mail: Arc<dyn MailAccess>,
}

/// Shows the state, never the user name.
impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("state", &self.state.kind())
            .field("remote", &self.conn.remote)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub fn new(config: Arc<SessionConfig>, services: Services, conn: ConnectionInfo) -> Session {
        Session {
            config,
            services,
            conn,
            state: State::NotAuthenticated(NotAuthenticated),
            unfinished: None,
            idling: None,
            watcher: None,
        }
    }

    /// Has `watcher` told of every change to whichever mailbox this session
    /// selects from now on; the server uses it to wake an idling session.
    pub fn set_watcher(&mut self, watcher: Arc<dyn Subscriber>) {
        self.watcher = Some(watcher);
    }

    /// `* OK [CAPABILITY ...] <server_name> ready.`
    pub fn greeting(&self) -> Response {
        let caps = capabilities::list(&self.config, &self.conn, Stage::BeforeLogin);
        Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(Code::Capability(caps)),
            text: format!("{} ready.", self.config.server_name),
        })
    }

    /// Runs one command. May block if [`Session::is_blocking`] says so.
    /// Its outcome may be only the first batch ([`Next::More`]).
    pub fn handle(&mut self, command: Command) -> Outcome {
        // A server that did not resume the previous command gets its rest
        // now, all at once: late and unbatched, but complete and in order.
        let mut before = self.finish_unfinished();
        if let State::Authenticating(pending) = &self.state {
            // The server should have called `sasl_response`; end the
            // exchange so the client hears about both commands.
            before
                .push(CommandError::from(ClientError::SaslInterrupted).tagged(pending.tag.clone()));
            self.state = State::NotAuthenticated(NotAuthenticated);
        }
        if let Some(idle_tag) = self.idling.take() {
            // The server should have called `idle_line`; end the IDLE as a
            // stray line would, so the client hears about both commands.
            before.push(CommandError::from(ClientError::ExpectedDone).tagged(idle_tag));
        }
        let tag = command.tag.clone();
        let flags = Session::command_flags(&command.body);
        if flags.contains(CommandFlags::DESELECTS) {
            before.extend(self.deselect());
        }
        let ctx = Context {
            config: &self.config,
            auth: self.services.auth.as_ref(),
            mail: self.services.mail.as_ref(),
            conn: &self.conn,
            watcher: self.watcher.as_ref(),
        };
        let result = commands::run(&ctx, &mut self.state, command);
        let mut outcome = self.finish(tag.clone(), result);
        if outcome.next == Next::More {
            self.unfinished = Some(Unfinished { tag, flags });
        } else if !flags.contains(CommandFlags::DESELECTS) {
            self.add_updates(flags, &mut outcome);
        }
        outcome.responses.splice(0..0, before);
        outcome
    }

    /// The next batch of the command whose last outcome said
    /// [`Next::More`]. Blocking, like [`Session::handle`]. The last batch
    /// carries the mailbox's updates and the tagged reply; with no command
    /// unfinished, the outcome is empty.
    pub fn resume(&mut self) -> Outcome {
        let Some(unfinished) = self.unfinished.take() else {
            return self.outcome(Vec::new());
        };
        let result = commands::resume(&mut self.state)
            .unwrap_or_else(|| Err(InternalError::NothingToResume.into()));
        let mut outcome = self.finish(unfinished.tag.clone(), result);
        if outcome.next == Next::More {
            self.unfinished = Some(unfinished);
        } else {
            self.add_updates(unfinished.flags, &mut outcome);
        }
        outcome
    }

    /// Whether a command is answering in batches: [`Session::resume`] has
    /// more to send.
    pub fn is_unfinished(&self) -> bool {
        self.unfinished.is_some()
    }

    /// Every remaining batch of an unfinished command, at once.
    fn finish_unfinished(&mut self) -> Vec<Response> {
        let mut out = Vec::new();
        // Each batch answers at least one message, so this ends.
        while self.unfinished.is_some() {
            out.extend(self.resume().responses);
        }
        out
    }

    /// Closes the selected mailbox ahead of SELECT/EXAMINE, which return to
    /// the authenticated state even when they fail (RFC 9051 §6.3.2).
    fn deselect(&mut self) -> Option<Response> {
        let State::Selected(_) = &self.state else {
            return None;
        };
        let State::Selected(selected) = std::mem::replace(&mut self.state, State::Logout) else {
            return None;
        };
        self.state = State::Authenticated(selected.authenticated);
        Some(Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(Code::Closed),
            text: "Previous mailbox closed.".into(),
        }))
    }

    /// Puts what changed in the selected mailbox right before the tagged
    /// reply. Commands that use sequence numbers get no EXPUNGE (RFC 9051
    /// §7.5.1). A failed sync is logged by the store and costs only the
    /// updates: the command's own answer still goes out.
    fn add_updates(&mut self, flags: CommandFlags, outcome: &mut Outcome) {
        let State::Selected(selected) = &mut self.state else {
            return;
        };
        let policy = if flags.contains(CommandFlags::USES_SEQS) {
            SeqPolicy::Keep
        } else {
            SeqPolicy::Update
        };
        let Ok(updates) = updates::collect(selected, policy) else {
            return;
        };
        let at = outcome
            .responses
            .iter()
            .rposition(|r| matches!(r, Response::Status(StatusResponse { tag: Some(_), .. })))
            .unwrap_or(outcome.responses.len());
        outcome.responses.splice(at..at, updates);
    }

    /// Whether the server must run this command off its async runtime: it
    /// may hash a password or touch files, and in the selected state every
    /// command syncs the mailbox afterwards.
    pub fn needs_blocking(&self, command: &CommandBody) -> bool {
        Session::is_blocking(command) || matches!(self.state, State::Selected(_))
    }

    pub fn input_mode(&self) -> InputMode {
        match self.state {
            State::Authenticating(_) => InputMode::SaslResponse,
            _ if self.idling.is_some() => InputMode::IdleDone,
            _ => InputMode::Command,
        }
    }

    /// Whether an IDLE is in progress.
    pub fn is_idling(&self) -> bool {
        self.idling.is_some()
    }

    /// The client's line during IDLE (with or without its CRLF): `DONE`
    /// ends the IDLE with OK, anything else with BAD. Either way the
    /// mailbox's last updates go first. Blocking in the selected state.
    pub fn idle_line(&mut self, line: &[u8]) -> Outcome {
        let Some(tag) = self.idling.take() else {
            let error = CommandError::from(ClientError::ExpectedDone);
            return self.outcome(vec![error.untagged()]);
        };
        let mut responses = self.updates(SeqPolicy::Update);
        responses.push(commands::idle_done(tag, line));
        self.outcome(responses)
    }

    /// What changed in the selected mailbox since the client last heard,
    /// for a session in IDLE (empty otherwise). Blocking in the selected
    /// state; the server calls it when the watcher fires.
    /// If the mailbox was deleted or renamed away meanwhile, the session
    /// ends with BYE, as Dovecot's does (and as a hibernated session's
    /// must, having no mailbox to come back to).
    pub fn idle_updates(&mut self) -> Outcome {
        if self.idling.is_none() {
            return self.outcome(Vec::new());
        }
        let responses = match &mut self.state {
            State::Selected(selected) => match updates::collect(selected, SeqPolicy::Update) {
                Ok(responses) => responses,
                Err(dormouse_storage::StorageError::NoSuchMailbox) => {
                    self.idling = None;
                    self.state = State::Logout;
                    vec![mailbox_gone()]
                }
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        };
        self.outcome(responses)
    }

    /// `* OK Still here`, for the server's IDLE keepalive timer.
    pub fn keepalive(&self) -> Response {
        commands::idle_keepalive()
    }

    /// The selected mailbox's pending updates (none if nothing is
    /// selected or the sync failed, as in `add_updates`).
    fn updates(&mut self, policy: SeqPolicy) -> Vec<Response> {
        match &mut self.state {
            State::Selected(selected) => updates::collect(selected, policy).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The client's line during `AUTHENTICATE` (with or without its CRLF).
    /// Blocking: it may call the authenticator.
    pub fn sasl_response(&mut self, line: &[u8]) -> Outcome {
        let not_authenticated = State::NotAuthenticated(NotAuthenticated);
        match std::mem::replace(&mut self.state, not_authenticated) {
            State::Authenticating(pending) => {
                let tag = pending.tag.clone();
                let result = commands::sasl_respond(&self.context(), pending, line);
                self.finish(tag, result)
            }
            other => {
                self.state = other;
                let error = CommandError::from(InternalError::NoSaslExchange);
                self.outcome(vec![error.untagged()])
            }
        }
    }

    /// Ends a pending AUTHENTICATE whose response line could not be read
    /// (too long): a tagged BAD for it, so the next line is read as a
    /// command again instead of as a SASL response.
    pub fn abort_sasl(&mut self, text: &str) -> Outcome {
        let tag = match &self.state {
            State::Authenticating(pending) => Some(pending.tag.clone()),
            _ => None,
        };
        if tag.is_some() {
            self.state = State::NotAuthenticated(NotAuthenticated);
        }
        self.parse_error(tag, text, None)
    }

    /// A BAD for input the parser rejected: tagged if it found the tag,
    /// otherwise untagged.
    pub fn parse_error(&mut self, tag: Option<Tag>, text: &str, code: Option<Code>) -> Outcome {
        let mut responses = self.finish_unfinished();
        responses.push(Response::Status(StatusResponse {
            tag,
            kind: StatusKind::Bad,
            code,
            text: text.into(),
        }));
        self.outcome(responses)
    }

    /// `* BYE` for a server going down; the session is over, and an
    /// unfinished command is dropped unanswered.
    pub fn shutdown(&mut self) -> Response {
        self.unfinished = None;
        self.idling = None;
        self.state = State::Logout;
        Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Bye,
            code: None,
            text: "Server shutting down".into(),
        })
    }

    /// True for commands the server must run off its async runtime.
    pub fn is_blocking(command: &CommandBody) -> bool {
        Session::command_flags(command).contains(CommandFlags::BLOCKING)
    }

    /// The command table's flags for `command` (empty for none).
    pub fn command_flags(command: &CommandBody) -> CommandFlags {
        commands::lookup(command).map_or(CommandFlags::NONE, |entry| entry.flags)
    }

    pub fn state(&self) -> StateKind {
        self.state.kind()
    }

    /// The logged-in user. Not for logs above debug level.
    pub fn user(&self) -> Option<&str> {
        self.state.authenticated().map(|auth| auth.user.as_str())
    }

    /// Whether `ENABLE UTF8=ACCEPT` is in force (RFC 6855).
    pub fn utf8_accept(&self) -> bool {
        self.enabled(Extension::Utf8Accept)
    }

    /// Whether `ENABLE IMAP4rev2` is in force (RFC 9051 §6.3.1).
    pub fn imap4rev2(&self) -> bool {
        self.enabled(Extension::Imap4rev2)
    }

    fn enabled(&self, ext: Extension) -> bool {
        self.state
            .authenticated()
            .is_some_and(|auth| auth.enabled.contains(ext))
    }

    fn context(&self) -> Context<'_> {
        Context {
            config: &self.config,
            auth: self.services.auth.as_ref(),
            mail: self.services.mail.as_ref(),
            conn: &self.conn,
            watcher: self.watcher.as_ref(),
        }
    }

    fn finish(&mut self, tag: Tag, result: HandlerResult) -> Outcome {
        match result {
            Ok(reply) => {
                if let Some(state) = reply.new_state {
                    self.state = state;
                }
                if reply.idle {
                    self.idling = Some(tag);
                }
                let next = if reply.more { Next::More } else { self.next() };
                Outcome {
                    event: reply.event,
                    next,
                    ..self.outcome(reply.responses)
                }
            }
            Err(error) => Outcome {
                delay: error.delay(),
                event: error.event(),
                ..self.outcome(vec![error.tagged(tag)])
            },
        }
    }

    fn outcome(&self, responses: Vec<Response>) -> Outcome {
        Outcome {
            responses,
            delay: None,
            next: self.next(),
            event: None,
        }
    }

    fn next(&self) -> Next {
        match self.state {
            State::Logout => Next::Close,
            _ => Next::Continue,
        }
    }
}

#[cfg(test)]
mod tests;
