//! One connection: reads bytes, feeds the command decoder, hands commands to
//! the session (on a blocking thread when the command table says it may
//! block), encodes the responses and writes them. Output is gathered and
//! written when the decoder runs out of input, so pipelined commands are
//! answered in one write, in order; a command that answers in batches (a
//! big FETCH) has each batch written before the next is made.
//!
//! While waiting for input it enforces the login and autologout timeouts;
//! it never interrupts a command to do so. A client that stops reading is
//! dropped once a write has made no progress for `timeouts.write_stall`.
//!
//! During IDLE it also waits for the change bus (the session's `Wake`),
//! sends what changed as soon as it is poked, says `* OK Still here` every
//! `idle_keepalive`, and ends an IDLE older than `idle_timeout` with BYE.
//! Output is written before anything else is read or synced, so a client
//! that stops reading holds at most one reply's worth of memory until the
//! stall bound closes it; the bus itself never waits for a connection.
//!
//! A connection idle for `timeouts.hibernate_after` parks (`park.rs`): its
//! task ends and the hibernation reactor holds what is left, until it is
//! resumed here on a new task.

mod park;

pub(crate) use park::resume;

use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use dormouse_proto::encode::{EncodeOptions, Utf8Mode, encode_response};
use dormouse_proto::parse::{CommandDecoder, Decoded, Limits, LineResult, LiteralPolicy, Recovery};
use dormouse_proto::{Command, Continue, Response};
use dormouse_session::{
    ConnectionInfo, InputMode, Next, Outcome, Session, SessionEvent, StateKind, Transport,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tracing::{debug, info, warn};

use crate::listener::Shared;
use crate::session_id::SessionId;
use crate::wake::Wake;

/// Output is flushed once this much is pending even if more commands are
/// buffered, so one pipelining client cannot grow our memory unboundedly.
const FLUSH_AT: usize = 64 * 1024;
const READ_CHUNK: usize = 8 * 1024;
/// How long a connection that could not park waits before trying again.
const PARK_RETRY: std::time::Duration = std::time::Duration::from_secs(1);

/// Counts a connection for as long as it lives, on every exit path,
/// unwinding included.
pub(crate) struct Counted(Arc<Shared>);

impl Counted {
    /// Counts one more IMAP connection; returns the guard and the count
    /// with it.
    pub(crate) fn new(shared: &Arc<Shared>) -> (Counted, usize) {
        let count = shared.connections.fetch_add(1, Ordering::Relaxed) + 1;
        shared.stats.sessions.fetch_add(1, Ordering::Relaxed);
        (Counted(shared.clone()), count)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
        self.0.stats.sessions.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(crate) async fn serve(
    stream: TcpStream,
    remote: SocketAddr,
    shared: Arc<Shared>,
    hibernate: Hibernate,
) {
    let (counted, count) = Counted::new(&shared);
    let id = SessionId::next();
    let max = shared.config.limits.max_connections;
    let started = Instant::now();
    let mut conn = Connection::new(stream, remote, shared.clone(), id, started, hibernate);
    if max != 0 && count > max {
        warn!(session = %id, remote = %remote.ip(), "connection limit reached");
        conn.queue_raw(b"* BYE [UNAVAILABLE] Too many connections\r\n");
        let _ = conn.flush().await;
        return;
    }
    debug!(session = %id, remote = %remote, "connected");
    if let Some(session) = &conn.session {
        let greeting = session.greeting();
        conn.queue(&greeting);
    }
    drive(conn, counted).await;
}

/// Runs a connection until it ends or parks; a connection whose parking
/// fails carries on.
async fn drive(mut conn: Connection, mut counted: Counted) {
    loop {
        let end = conn.run().await;
        if let End::Hibernate = end {
            match park::park(conn, counted) {
                Ok(()) => return,
                Err((back, back_counted)) => {
                    conn = *back;
                    conn.park_again_at = Some(Instant::now() + PARK_RETRY);
                    counted = back_counted;
                    continue;
                }
            }
        }
        log_disconnect(
            conn.id,
            conn.connected_at,
            conn.bytes_in,
            conn.bytes_out,
            end.as_str(),
        );
        drop(counted);
        return;
    }
}

/// The one line every connection's end leaves in the log, parked or not.
pub(crate) fn log_disconnect(
    id: SessionId,
    connected_at: Instant,
    bytes_in: u64,
    bytes_out: u64,
    reason: &str,
) {
    info!(
        session = %id,
        duration_ms = connected_at.elapsed().as_millis() as u64,
        bytes_in,
        bytes_out,
        reason,
        "disconnect"
    );
}

/// Whether sessions of a listener may hibernate. Listeners that never do
/// serve tests and benchmarks that compare the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hibernate {
    Allowed,
    Never,
}

/// Why a connection ended, for the disconnect log line.
enum End {
    Logout,
    ClientClosed,
    Shutdown,
    ProtocolError,
    Io,
    Internal,
    Timeout,
    /// The client accepted no output for `timeouts.write_stall`.
    WriteStalled,
    /// Idle for `timeouts.hibernate_after`: the connection asks to park.
    Hibernate,
    /// The mailbox an idling session had selected was deleted.
    MailboxGone,
}

impl End {
    fn as_str(&self) -> &'static str {
        match self {
            End::Logout => "logout",
            End::ClientClosed => "client closed",
            End::Shutdown => "shutdown",
            End::ProtocolError => "protocol error",
            End::Io => "io error",
            End::Internal => "internal error",
            End::Timeout => "timeout",
            End::WriteStalled => "write stalled",
            End::Hibernate => "hibernated",
            End::MailboxGone => "mailbox gone",
        }
    }

    /// How a failed write ends the connection.
    fn of_write(e: &std::io::Error) -> End {
        if e.kind() == std::io::ErrorKind::TimedOut {
            End::WriteStalled
        } else {
            End::Io
        }
    }
}

pub(crate) const AUTOLOGOUT_BYE: &[u8] = b"* BYE Autologout; idle for too long\r\n";
pub(crate) const IDLE_BYE: &[u8] =
    b"* BYE IDLE for too long; please re-issue IDLE every 29 minutes\r\n";

/// Which timeout closes a connection that waits too long for input.
#[derive(Clone, Copy)]
enum Expiry {
    /// Not logged in within `timeouts.login` of connecting.
    Login,
    /// Logged in, and no input for `timeouts.autologout`.
    Autologout,
    /// In one IDLE for longer than `timeouts.idle_timeout`.
    Idle,
}

impl Expiry {
    fn bye(self) -> &'static [u8] {
        match self {
            Expiry::Login => b"* BYE Login timeout\r\n",
            Expiry::Autologout => AUTOLOGOUT_BYE,
            Expiry::Idle => IDLE_BYE,
        }
    }
}

struct Connection {
    stream: TcpStream,
    shared: Arc<Shared>,
    id: SessionId,
    remote: SocketAddr,
    /// When the connection was accepted; the login budget counts from here.
    connected_at: Instant,
    /// `None` only while a blocking command runs on another thread.
    session: Option<Session>,
    decoder: CommandDecoder,
    /// Poked by the change bus when the selected mailbox changes.
    wake: Arc<Wake>,
    /// When the IDLE in progress began (its timeout counts from here) and
    /// when the next keepalive is due.
    idle: Option<IdleClock>,
    out: Vec<u8>,
    bytes_in: u64,
    bytes_out: u64,
    hibernate: Hibernate,
    /// When input last arrived (a parked session's autologout counts
    /// from here).
    last_input: Instant,
    /// Not before this may it try to park again (after a refusal, so that
    /// `hibernate_after = 0s` cannot spin on a session that may not park).
    park_again_at: Option<Instant>,
}

impl Connection {
    fn new(
        stream: TcpStream,
        remote: SocketAddr,
        shared: Arc<Shared>,
        id: SessionId,
        connected_at: Instant,
        hibernate: Hibernate,
    ) -> Self {
        let local = stream.local_addr().unwrap_or(remote);
        let wake = Arc::new(Wake::default());
        let mut session = Session::new(
            shared.session.clone(),
            shared.services.clone(),
            ConnectionInfo {
                remote,
                local,
                transport: Transport::Plain,
            },
        );
        session.set_watcher(wake.clone());
        let mut conn =
            Connection::assemble(stream, remote, shared, id, connected_at, session, wake);
        conn.hibernate = hibernate;
        conn
    }

    /// The parts every connection starts from; before login APPEND gets
    /// the small literal limit (see `adjust_append_limit`).
    fn assemble(
        stream: TcpStream,
        remote: SocketAddr,
        shared: Arc<Shared>,
        id: SessionId,
        connected_at: Instant,
        session: Session,
        wake: Arc<Wake>,
    ) -> Self {
        Connection {
            stream,
            decoder: CommandDecoder::new(
                Limits {
                    max_append_literal: shared.limits.max_literal,
                    ..shared.limits
                },
                LiteralPolicy::Plus,
            ),
            shared,
            id,
            remote,
            connected_at,
            session: Some(session),
            wake,
            idle: None,
            out: Vec::new(),
            bytes_in: 0,
            bytes_out: 0,
            hibernate: Hibernate::Never,
            last_input: connected_at,
            park_again_at: None,
        }
    }

    /// A connection rebuilt around a session woken from hibernation.
    fn resumed(
        stream: TcpStream,
        remote: SocketAddr,
        shared: Arc<Shared>,
        id: SessionId,
        connected_at: Instant,
        session: Session,
        wake: Arc<Wake>,
    ) -> Self {
        let mut conn =
            Connection::assemble(stream, remote, shared, id, connected_at, session, wake);
        conn.hibernate = Hibernate::Allowed;
        conn.adjust_append_limit();
        conn
    }

    async fn run(&mut self) -> End {
        if let Err(e) = self.flush().await {
            return End::of_write(&e);
        }
        // One timer for the whole connection, on the stack. Input does not
        // re-arm it: when it fires it re-checks the deadline, which input
        // may have moved later.
        let first = self
            .deadline(self.connected_at)
            .map_or(self.connected_at, |(at, _)| at);
        let mut timer = pin!(tokio::time::sleep_until(first));
        loop {
            match self.process_buffered().await {
                Step::More => {}
                Step::End(end) => {
                    let _ = self.flush().await;
                    return end;
                }
            }
            if let Err(e) = self.flush().await {
                return End::of_write(&e);
            }
            match self.wait_for_input(timer.as_mut()).await {
                Wait::Readable => {}
                Wait::Failed(e) => {
                    debug!(session = %self.id, error = %e, "read failed");
                    return End::Io;
                }
                Wait::Changed => {
                    if let Err(end) = self.send_idle_updates().await {
                        return end;
                    }
                    continue;
                }
                Wait::Hibernate => return End::Hibernate,
                Wait::Keepalive => {
                    if let Some(session) = &self.session {
                        let still_here = session.keepalive();
                        self.queue(&still_here);
                    }
                    continue;
                }
                Wait::Shutdown => {
                    self.say_bye();
                    let _ = self.flush().await;
                    return End::Shutdown;
                }
                Wait::Expired(expiry) => {
                    self.log_expiry(expiry);
                    self.queue_raw(expiry.bye());
                    let _ = self.flush().await;
                    return End::Timeout;
                }
            };
            match self.read_available() {
                Ok(0) => return End::ClientClosed,
                Ok(_) => self.last_input = Instant::now(),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => {
                    debug!(session = %self.id, error = %e, "read failed");
                    return End::Io;
                }
            }
        }
    }

    /// Reads what the socket has into the decoder. The buffer lives on the
    /// thread's stack for this call only, never in the connection's future:
    /// an idle connection holds no read buffer at all.
    fn read_available(&mut self) -> std::io::Result<usize> {
        let mut buf = [0u8; READ_CHUNK];
        let n = self.stream.try_read(&mut buf)?;
        if let Some(read) = buf.get(..n) {
            self.decoder.feed(read);
        }
        self.bytes_in += n as u64;
        Ok(n)
    }

    /// Reads once, unless shutdown starts or the timeout for the session's
    /// state passes first.
    async fn wait_for_input(&mut self, mut timer: Pin<&mut Sleep>) -> Wait {
        // Idle time starts only once every reply is out, so a command that
        // took long to run or a failed login's delayed reply is not the
        // client idling.
        let idle_since = Instant::now();
        self.track_idle(idle_since);
        if self.idle.is_none() {
            // A parked session's autologout counts from here too, as an
            // awake one's does: from the end of its last reply.
            self.last_input = idle_since;
        }
        let idling = self.idle.is_some();
        let keepalive_at = self.idle.as_ref().map_or(idle_since, |c| c.keepalive_at);
        let mut keepalive = pin!(tokio::time::sleep_until(keepalive_at));
        let hibernating = self.may_hibernate();
        let hibernate_at = (idle_since + self.shared.config.timeouts.hibernate_after)
            .max(self.park_again_at.unwrap_or(idle_since));
        let mut hibernate = pin!(tokio::time::sleep_until(hibernate_at));
        loop {
            let deadline = self.deadline(idle_since);
            // The timer may fire early and re-check, never late: logging in
            // can move the deadline earlier (autologout shorter than login).
            if let Some((at, _)) = deadline
                && at < timer.deadline()
            {
                timer.as_mut().reset(at);
            }
            tokio::select! {
                biased;
                _ = self.shared.shutdown.cancelled() => return Wait::Shutdown,
                // Readiness only: the bytes are taken by `read_available`.
                ready = self.stream.readable() => return match ready {
                    Ok(()) => Wait::Readable,
                    Err(e) => Wait::Failed(e),
                },
                _ = self.wake.changed(), if idling => return Wait::Changed,
                _ = hibernate.as_mut(), if hibernating => return Wait::Hibernate,
                _ = keepalive.as_mut(), if idling => {
                    if let Some(clock) = &mut self.idle {
                        clock.keepalive_at = Instant::now() + self.shared.config.timeouts.idle_keepalive;
                    }
                    return Wait::Keepalive;
                }
                _ = timer.as_mut(), if deadline.is_some() => match deadline {
                    Some((at, expiry)) if Instant::now() >= at => return Wait::Expired(expiry),
                    Some((at, _)) => timer.as_mut().reset(at),
                    None => {}
                },
            }
        }
    }

    /// Whether the connection could park now: allowed here, the session
    /// willing (logged in, nothing unfinished), nothing half-read and
    /// nothing unsent.
    fn may_hibernate(&self) -> bool {
        self.hibernate == Hibernate::Allowed
            && self.out.is_empty()
            && self.decoder.buffered_len() == 0
            && self.session.as_ref().is_some_and(Session::may_park)
    }

    /// Starts the IDLE clock when the session has just entered IDLE, and
    /// stops it when it has left.
    fn track_idle(&mut self, now: Instant) {
        let idling = self.session.as_ref().is_some_and(Session::is_idling);
        match (idling, &self.idle) {
            (true, None) => {
                self.idle = Some(IdleClock {
                    since: now,
                    keepalive_at: now + self.shared.config.timeouts.idle_keepalive,
                });
            }
            (false, Some(_)) => self.idle = None,
            _ => {}
        }
    }

    /// The mailbox changed during IDLE: sync the session and send what
    /// changed. Inline, not on the blocking pool: with the mailbox watched
    /// the sync is memory work only, and a delivery to a mailbox with
    /// thousands of idlers must not queue thousands of blocking jobs.
    async fn send_idle_updates(&mut self) -> Result<(), End> {
        let Some(outcome) = self.on_session(Blocking::No, Session::idle_updates).await else {
            return Err(End::Internal);
        };
        let next = self.deliver(outcome).await;
        self.flush().await.map_err(|e| End::of_write(&e))?;
        match next {
            Next::Close => Err(End::MailboxGone),
            Next::Continue | Next::More => Ok(()),
        }
    }

    /// When the connection times out if no input arrives, and why; `None`
    /// when no timeout applies (a session already logging out).
    fn deadline(&self, idle_since: Instant) -> Option<(Instant, Expiry)> {
        let timeouts = &self.shared.config.timeouts;
        if let Some(clock) = &self.idle {
            // Autologout does not apply in IDLE (RFC 2177): the IDLE
            // timeout does, from the moment IDLE began.
            return Some((
                clock.since.checked_add(timeouts.idle_timeout)?,
                Expiry::Idle,
            ));
        }
        let (from, allowed, expiry) = match self.session.as_ref()?.state() {
            StateKind::NotAuthenticated => (self.connected_at, timeouts.login, Expiry::Login),
            StateKind::Authenticated | StateKind::Selected => {
                (idle_since, timeouts.autologout, Expiry::Autologout)
            }
            StateKind::Logout => return None,
        };
        // Overflow would need a timeout of centuries; treat it as none.
        Some((from.checked_add(allowed)?, expiry))
    }

    fn log_expiry(&self, expiry: Expiry) {
        match expiry {
            // Like failed logins, hoarded connections are something to act
            // on by address.
            Expiry::Login => info!(session = %self.id, remote = %self.remote.ip(), "login timeout"),
            Expiry::Autologout => debug!(session = %self.id, "autologout"),
            Expiry::Idle => debug!(session = %self.id, "idle timeout"),
        }
    }

    /// Handles every complete command or line that is already buffered.
    async fn process_buffered(&mut self) -> Step {
        loop {
            if self.out.len() >= FLUSH_AT
                && let Err(e) = self.flush().await
            {
                return Step::End(End::of_write(&e));
            }
            // A client that pipelines failing LOGINs never waits for
            // input, so the login budget is checked here as well.
            if let Some((at, Expiry::Login)) = self.deadline(self.connected_at)
                && Instant::now() >= at
            {
                self.log_expiry(Expiry::Login);
                self.queue_raw(Expiry::Login.bye());
                return Step::End(End::Timeout);
            }
            let Some(session) = &mut self.session else {
                return Step::End(End::Internal);
            };
            let outcome = match session.input_mode() {
                InputMode::Command => match self.decoder.decode() {
                    Decoded::Incomplete => return Step::More,
                    Decoded::NeedContinuation => {
                        self.queue(&Response::Continue(Continue::Text(
                            "Ready for literal data".into(),
                        )));
                        continue;
                    }
                    Decoded::Command(command) => self.execute(command).await,
                    Decoded::Error(error) => {
                        let text = error.kind.to_string();
                        let outcome = session.parse_error(error.tag, &text, error.kind.code());
                        if matches!(error.recovery, Recovery::Close) {
                            self.deliver(outcome).await;
                            self.queue_raw(b"* BYE Cannot resynchronise, closing\r\n");
                            return Step::End(End::ProtocolError);
                        }
                        Some(outcome)
                    }
                },
                InputMode::SaslResponse => match self.decoder.decode_line() {
                    LineResult::Incomplete => return Step::More,
                    // Verifying the SASL response may hash a password.
                    LineResult::Line(line) => {
                        self.on_session(Blocking::Yes, move |s| s.sasl_response(&line))
                            .await
                    }
                    LineResult::TooLong => Some(session.abort_sasl("SASL response too long")),
                },
                InputMode::IdleDone => match self.decoder.decode_line() {
                    LineResult::Incomplete => return Step::More,
                    // Ending IDLE syncs the selected mailbox.
                    LineResult::Line(line) => {
                        self.on_session(Blocking::Yes, move |s| s.idle_line(&line))
                            .await
                    }
                    LineResult::TooLong => {
                        self.on_session(Blocking::Yes, |s| s.idle_line(b"")).await
                    }
                },
            };
            let Some(outcome) = outcome else {
                return Step::End(End::Internal);
            };
            self.adjust_append_limit();
            match self.deliver(outcome).await {
                Next::Continue => {}
                Next::Close => return Step::End(End::Logout),
                Next::More => {
                    if let Some(end) = self.resume_batches().await {
                        return Step::End(end);
                    }
                }
            }
        }
    }

    /// Drives a command that answers in batches to its end: each batch is
    /// written out before the next is made, so the command holds one batch
    /// and the socket buffer at most. Nothing else the client sent is read
    /// meanwhile. Shutdown is checked between batches (BYE instead of the
    /// rest); a client that stops reading is dropped by `flush`'s stall
    /// bound; either way the session and its unfinished work are dropped.
    async fn resume_batches(&mut self) -> Option<End> {
        loop {
            if let Err(e) = self.flush().await {
                return Some(End::of_write(&e));
            }
            if self.shared.shutdown.is_cancelled() {
                self.say_bye();
                return Some(End::Shutdown);
            }
            let Some(outcome) = self.on_session(Blocking::Yes, Session::resume).await else {
                return Some(End::Internal);
            };
            match self.deliver(outcome).await {
                Next::More => {}
                Next::Continue => return None,
                Next::Close => return Some(End::Logout),
            }
        }
    }

    /// Only a logged-in user may APPEND, so only then may a literal be as
    /// big as `max_append_size`; before, APPEND gets the small limit.
    fn adjust_append_limit(&mut self) {
        let limit = match self.session.as_ref().map(Session::state) {
            Some(StateKind::Authenticated | StateKind::Selected) => {
                self.shared.limits.max_append_literal
            }
            _ => self.shared.limits.max_literal,
        };
        self.decoder.set_max_append_literal(limit);
    }

    /// Runs one command, off the runtime when the command table says it may
    /// block (password hashing now, storage later).
    async fn execute(&mut self, command: Command) -> Option<Outcome> {
        let needs_blocking = self
            .session
            .as_ref()
            .is_some_and(|s| s.needs_blocking(&command.body));
        let blocking = if needs_blocking {
            Blocking::Yes
        } else {
            Blocking::No
        };
        self.on_session(blocking, move |s| s.handle(command)).await
    }

    /// Runs `f` on the session, moving the session to the blocking pool and
    /// back when asked. `None` if the session was lost to a panic.
    async fn on_session<F>(&mut self, blocking: Blocking, f: F) -> Option<Outcome>
    where
        F: FnOnce(&mut Session) -> Outcome + Send + 'static,
    {
        let mut session = self.session.take()?;
        match blocking {
            Blocking::No => {
                // A panic here would unwind the whole task: catch it, drop
                // the session it may have left inconsistent, say BYE.
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut session))) {
                    Ok(outcome) => {
                        self.session = Some(session);
                        Some(outcome)
                    }
                    Err(_) => {
                        warn!(session = %self.id, "command panicked");
                        self.queue_raw(b"* BYE [SERVERBUG] Internal error, closing\r\n");
                        None
                    }
                }
            }
            Blocking::Yes => {
                let joined = tokio::task::spawn_blocking(move || {
                    let outcome = f(&mut session);
                    (session, outcome)
                })
                .await;
                match joined {
                    Ok((session, outcome)) => {
                        self.session = Some(session);
                        Some(outcome)
                    }
                    Err(e) => {
                        warn!(session = %self.id, error = %e, "command task failed");
                        self.queue_raw(b"* BYE [SERVERBUG] Internal error, closing\r\n");
                        None
                    }
                }
            }
        }
    }

    /// Logs the outcome's event, waits its delay, queues its responses.
    async fn deliver(&mut self, outcome: Outcome) -> Next {
        if let Some(event) = &outcome.event {
            self.log_event(event);
        }
        if let Some(delay) = outcome.delay {
            // Pending output goes first, so earlier pipelined replies are
            // not held back by this one's delay.
            let _ = self.flush().await;
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = self.shared.shutdown.cancelled() => {}
            }
        }
        for response in &outcome.responses {
            self.queue(response);
        }
        outcome.next
    }

    fn log_event(&self, event: &SessionEvent) {
        match event {
            // The user name is kept out of info lines: logs travel further
            // than mail does.
            SessionEvent::LoggedIn { user, mechanism } => {
                info!(session = %self.id, remote = %self.remote.ip(), mechanism = %mechanism, "login");
                debug!(session = %self.id, user = %user, "login user");
            }
            // The address is what fail2ban-style tools act on.
            SessionEvent::LoginFailed => {
                info!(session = %self.id, remote = %self.remote.ip(), "login failed")
            }
            SessionEvent::LoggedOut => info!(session = %self.id, "logout"),
            SessionEvent::StorageFailed { detail } => {
                warn!(session = %self.id, error = %detail, "mail storage failed")
            }
        }
    }

    fn say_bye(&mut self) {
        if let Some(session) = &mut self.session {
            let bye = session.shutdown();
            self.queue(&bye);
        }
    }

    fn encode_options(&self) -> EncodeOptions {
        let utf8 = match &self.session {
            Some(s) if s.utf8_accept() => Utf8Mode::Accept,
            _ => Utf8Mode::Ascii,
        };
        EncodeOptions { utf8 }
    }

    fn queue(&mut self, response: &Response) {
        let opts = self.encode_options();
        encode_response(response, opts, &mut self.out);
    }

    fn queue_raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let stall = self.shared.config.timeouts.write_stall;
        let mut written = 0;
        while written < self.out.len() {
            let n = tokio::time::timeout(stall, self.stream.write(&self.out[written..]))
                .await
                .map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::TimedOut, "write stalled")
                })??;
            if n == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            written += n;
            self.bytes_out += n as u64;
        }
        self.out.clear();
        if self.out.capacity() > FLUSH_AT {
            self.out.shrink_to(FLUSH_AT);
        }
        Ok(())
    }
}

enum Blocking {
    Yes,
    No,
}

enum Step {
    More,
    End(End),
}

/// The clocks of an IDLE in progress.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IdleClock {
    pub(crate) since: Instant,
    pub(crate) keepalive_at: Instant,
}

/// How waiting for input ended.
enum Wait {
    /// The socket has input (or an end of stream) to read.
    Readable,
    /// Waiting for readiness failed.
    Failed(std::io::Error),
    /// The selected mailbox changed during IDLE.
    Changed,
    /// An IDLE keepalive is due.
    Keepalive,
    /// Idle long enough to park.
    Hibernate,
    Shutdown,
    Expired(Expiry),
}
