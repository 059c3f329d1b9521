//! One LMTP connection: reads into the sans-IO session, writes its replies
//! whenever it waits for input (so pipelined commands are answered in
//! order), and stores each completed message before the session may go
//! on. A connection that ends mid-DATA just drops the session, and with it
//! the partial message: nothing was written anywhere yet.
//!
//! Waiting for input, it ends the connection with 421 on shutdown or after
//! `IDLE_TIMEOUT` of silence; it never interrupts a delivery to do so, so
//! the MTA always gets the per-recipient replies for a message it sent.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use dormouse_lmtp::{Closing, Event, Session, Settings};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use crate::listener::Shared;
use crate::lmtp::deliver::deliver;
use crate::lmtp::directory::PasswdDirectory;
use crate::session_id::SessionId;

/// Larger than IMAP's: LMTP input is mostly message bodies.
const READ_CHUNK: usize = 64 * 1024;
/// RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the
/// next command or the next piece of DATA.
const IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Who is on the other end, for logs.
pub(crate) enum Peer {
    Tcp(SocketAddr),
    Unix,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Tcp(addr) => write!(f, "{addr}"),
            Peer::Unix => f.write_str("unix"),
        }
    }
}

enum End {
    Quit,
    ClientClosed,
    Shutdown,
    Timeout,
    Io,
    TooMany,
}

impl End {
    fn as_str(&self) -> &'static str {
        match self {
            End::Quit => "quit",
            End::ClientClosed => "client closed",
            End::Shutdown => "shutdown",
            End::Timeout => "timeout",
            End::Io => "io error",
            End::TooMany => "connection limit",
        }
    }
}

/// Keeps the process-wide connection count right on every exit path.
struct Counted(Arc<Shared>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

struct Connection<S> {
    stream: S,
    session: Session<PasswdDirectory>,
    shared: Arc<Shared>,
    id: SessionId,
    messages: u64,
    bytes_in: u64,
}

pub(crate) async fn serve<S>(stream: S, peer: Peer, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let count = shared.connections.fetch_add(1, Ordering::Relaxed) + 1;
    let _counted = Counted(shared.clone());
    let id = SessionId::next();
    let started = Instant::now();
    let settings = Settings::new(
        super::hostname(),
        usize::try_from(shared.config.limits.max_append_size).unwrap_or(usize::MAX),
    );
    let mut conn = Connection {
        stream,
        session: Session::new(PasswdDirectory(shared.users.clone()), settings),
        shared: shared.clone(),
        id,
        messages: 0,
        bytes_in: 0,
    };
    let limit = shared.config.limits.connection_limit();
    let end = if limit.is_some_and(|max| count > max.get()) {
        warn!(session = %id, remote = %peer, "lmtp connection limit reached");
        conn.session.take_output();
        conn.session.close(Closing::Busy);
        let _ = conn.flush().await;
        End::TooMany
    } else {
        debug!(session = %id, remote = %peer, "lmtp connected");
        conn.run().await
    };
    info!(
        session = %id,
        remote = %peer,
        duration_ms = started.elapsed().as_millis() as u64,
        messages = conn.messages,
        bytes_in = conn.bytes_in,
        reason = end.as_str(),
        "lmtp disconnect"
    );
}

enum Wait {
    Read(std::io::Result<usize>),
    Shutdown,
    Timeout,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Connection<S> {
    async fn run(&mut self) -> End {
        let mut chunk = vec![0u8; READ_CHUNK];
        loop {
            match self.session.poll() {
                Event::NeedInput => {
                    if self.flush().await.is_err() {
                        return End::Io;
                    }
                    match self.wait_for_input(&mut chunk).await {
                        Wait::Read(Ok(0)) => {
                            if self.session.in_data() {
                                info!(session = %self.id, "client closed during DATA; message discarded");
                            }
                            return End::ClientClosed;
                        }
                        Wait::Read(Ok(n)) => {
                            self.bytes_in += n as u64;
                            self.session.feed(chunk.get(..n).unwrap_or_default());
                        }
                        Wait::Read(Err(e)) => {
                            debug!(session = %self.id, error = %e, "lmtp read failed");
                            return End::Io;
                        }
                        Wait::Shutdown => {
                            return self.close(Closing::Shutdown, End::Shutdown).await;
                        }
                        Wait::Timeout => return self.close(Closing::Timeout, End::Timeout).await,
                    }
                }
                Event::Deliver(delivery) => {
                    let results = deliver(&self.shared.services.mail, self.id, delivery).await;
                    self.messages += 1;
                    self.session.delivered(&results);
                }
                Event::Close => {
                    let _ = self.flush().await;
                    return End::Quit;
                }
            }
        }
    }

    async fn close(&mut self, why: Closing, end: End) -> End {
        self.session.close(why);
        let _ = self.flush().await;
        end
    }

    async fn wait_for_input(&mut self, chunk: &mut [u8]) -> Wait {
        let deadline = Instant::now() + IDLE_TIMEOUT;
        tokio::select! {
            biased;
            _ = self.shared.shutdown.cancelled() => Wait::Shutdown,
            read = self.stream.read(chunk) => Wait::Read(read),
            _ = tokio::time::sleep_until(deadline) => Wait::Timeout,
        }
    }

    /// Writes what the session produced; a peer that takes none of it for
    /// `write_stall` is given up on.
    async fn flush(&mut self) -> std::io::Result<()> {
        if !self.session.has_output() {
            return Ok(());
        }
        let out = self.session.take_output();
        let stall = self.shared.config.timeouts.write_stall;
        tokio::time::timeout(stall, async {
            self.stream.write_all(&out).await?;
            self.stream.flush().await
        })
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "write stalled"))?
    }
}
