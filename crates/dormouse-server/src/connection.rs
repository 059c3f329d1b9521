//! One connection: reads bytes, feeds the command decoder, hands commands to
//! the session (on a blocking thread when the command table says it may
//! block), encodes the responses and writes them. Output is gathered and
//! written when the decoder runs out of input, so pipelined commands are
//! answered in one write, in order.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use dormouse_proto::encode::{EncodeOptions, Utf8Mode, encode_response};
use dormouse_proto::parse::{CommandDecoder, Decoded, LineResult, LiteralPolicy, Recovery};
use dormouse_proto::{Command, Continue, Response};
use dormouse_session::{
    ConnectionInfo, InputMode, Next, Outcome, PlaintextAuth, Session, SessionEvent, Transport,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tracing::{debug, info, warn};

use crate::listener::Shared;
use crate::session_id::SessionId;

/// Output is flushed once this much is pending even if more commands are
/// buffered, so one pipelining client cannot grow our memory unboundedly.
const FLUSH_AT: usize = 64 * 1024;
const READ_CHUNK: usize = 8 * 1024;

pub(crate) async fn serve(stream: TcpStream, remote: SocketAddr, shared: Arc<Shared>) {
    let count = shared.connections.fetch_add(1, Ordering::Relaxed) + 1;
    let id = SessionId::next();
    let max = shared.config.limits.max_connections;
    let mut conn = Connection::new(stream, remote, shared.clone(), id);
    if max != 0 && count > max {
        warn!(session = %id, remote = %remote.ip(), "connection limit reached");
        conn.queue_raw(b"* BYE [UNAVAILABLE] Too many connections\r\n");
        let _ = conn.flush().await;
    } else {
        debug!(session = %id, remote = %remote, "connected");
        let started = Instant::now();
        let end = conn.run().await;
        info!(
            session = %id,
            duration_ms = started.elapsed().as_millis() as u64,
            bytes_in = conn.bytes_in,
            bytes_out = conn.bytes_out,
            reason = end.as_str(),
            "disconnect"
        );
    }
    shared.connections.fetch_sub(1, Ordering::Relaxed);
}

/// Why a connection ended, for the disconnect log line.
enum End {
    Logout,
    ClientClosed,
    Shutdown,
    ProtocolError,
    Io,
    Internal,
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
        }
    }
}

struct Connection {
    stream: TcpStream,
    shared: Arc<Shared>,
    id: SessionId,
    /// `None` only while a blocking command runs on another thread.
    session: Option<Session>,
    decoder: CommandDecoder,
    out: Vec<u8>,
    bytes_in: u64,
    bytes_out: u64,
}

impl Connection {
    fn new(stream: TcpStream, remote: SocketAddr, shared: Arc<Shared>, id: SessionId) -> Self {
        let local = stream.local_addr().unwrap_or(remote);
        let plaintext = if shared.config.auth.allow_plaintext_auth || remote.ip().is_loopback() {
            PlaintextAuth::Allowed
        } else {
            PlaintextAuth::Disallowed
        };
        let session = Session::new(
            shared.session_config(plaintext),
            shared.auth.clone(),
            ConnectionInfo {
                remote,
                local,
                transport: Transport::Plain,
            },
        );
        Connection {
            stream,
            decoder: CommandDecoder::new(shared.limits.clone(), LiteralPolicy::Plus),
            shared,
            id,
            session: Some(session),
            out: Vec::new(),
            bytes_in: 0,
            bytes_out: 0,
        }
    }

    async fn run(&mut self) -> End {
        let Some(session) = &self.session else {
            return End::Internal;
        };
        let greeting = session.greeting();
        self.queue(&greeting);
        if self.flush().await.is_err() {
            return End::Io;
        }
        let mut chunk = vec![0u8; READ_CHUNK];
        loop {
            match self.process_buffered().await {
                Step::More => {}
                Step::End(end) => {
                    let _ = self.flush().await;
                    return end;
                }
            }
            if self.flush().await.is_err() {
                return End::Io;
            }
            let read = tokio::select! {
                biased;
                _ = self.shared.shutdown.cancelled() => {
                    self.say_bye();
                    let _ = self.flush().await;
                    return End::Shutdown;
                }
                read = self.stream.read(&mut chunk) => read,
            };
            match read {
                Ok(0) => return End::ClientClosed,
                Ok(n) => {
                    self.bytes_in += n as u64;
                    self.decoder.feed(&chunk[..n]);
                }
                Err(e) => {
                    debug!(session = %self.id, error = %e, "read failed");
                    return End::Io;
                }
            }
        }
    }

    /// Handles every complete command or line that is already buffered.
    async fn process_buffered(&mut self) -> Step {
        loop {
            if self.out.len() >= FLUSH_AT && self.flush().await.is_err() {
                return Step::End(End::Io);
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
                    LineResult::TooLong => {
                        Some(session.parse_error(None, "SASL response too long", None))
                    }
                },
            };
            let Some(outcome) = outcome else {
                return Step::End(End::Internal);
            };
            if let Next::Close = self.deliver(outcome).await {
                return Step::End(End::Logout);
            }
        }
    }

    /// Runs one command, off the runtime when the command table says it may
    /// block (password hashing now, storage later).
    async fn execute(&mut self, command: Command) -> Option<Outcome> {
        let blocking = if Session::is_blocking(&command.body) {
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
                let outcome = f(&mut session);
                self.session = Some(session);
                Some(outcome)
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
                info!(session = %self.id, mechanism = %mechanism, "login");
                debug!(session = %self.id, user = %user, "login user");
            }
            SessionEvent::LoginFailed => info!(session = %self.id, "login failed"),
            SessionEvent::LoggedOut => info!(session = %self.id, "logout"),
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
        self.stream.write_all(&self.out).await?;
        self.bytes_out += self.out.len() as u64;
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
