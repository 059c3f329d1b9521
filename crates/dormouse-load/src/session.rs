//! One simulated IMAP client, run as its own task: connect from a given
//! source address, LOGIN, SELECT INBOX, IDLE; then sit in IDLE reporting
//! every `* n EXISTS`, and on request send DONE, (NOOP,) IDLE again. Every
//! response is checked; anything unexpected ends the session with an event
//! saying why. The task holds one socket, a 512-byte read buffer and a
//! framer, and allocates nothing while idle.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use crate::framer::Framer;
use crate::reply::{Reply, Status, classify, excerpt};

/// Small on purpose: responses here are a line or two, and 19,000 sessions
/// each hold one.
const READ_BUFFER: usize = 512;

/// The longest response text kept while framing; SELECT's lines are short.
const MAX_RESPONSE: usize = 16 * 1024;

/// Which stage of setup a session was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Connect,
    Greeting,
    Login,
    Select,
    Idle,
}

impl Stage {
    /// The error kind the report counts a failure in this stage under.
    pub fn error_kind(self) -> &'static str {
        match self {
            Stage::Connect => "setup-connect",
            Stage::Greeting => "setup-greeting",
            Stage::Login => "setup-login",
            Stage::Select => "setup-select",
            Stage::Idle => "setup-idle",
        }
    }
}

/// How long each setup stage took.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    pub connect: Duration,
    pub greeting: Duration,
    pub login: Duration,
    pub select: Duration,
    pub idle: Duration,
}

/// What a session tells the run.
#[derive(Debug)]
pub enum Event {
    Ready {
        session: u32,
        stages: StageTimes,
        /// The EXISTS count SELECT (or IDLE's start) reported.
        exists: u32,
        at: Instant,
    },
    SetupFailed {
        session: u32,
        stage: Stage,
        error: String,
    },
    Exists {
        session: u32,
        count: u32,
        at: Instant,
    },
    Woke {
        session: u32,
        /// DONE sent → tagged OK of the IDLE.
        wake: Duration,
        /// DONE sent → `+` of the new IDLE.
        cycle: Duration,
    },
    /// The session ended after setup; it is gone.
    Failed {
        session: u32,
        kind: &'static str,
        error: String,
    },
}

/// What the run asks of a session in IDLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// DONE, wait for OK, IDLE again.
    Wake,
    /// DONE, wait for OK, NOOP, wait for OK, IDLE again.
    WakeWithNoop,
}

/// Who a session is and where it connects.
#[derive(Debug, Clone)]
pub struct SessionSpec {
    pub id: u32,
    pub target: SocketAddr,
    pub source: Ipv4Addr,
    pub user: String,
    pub password: String,
    /// The limit for each setup stage and for each reply after it.
    pub reply_timeout: Duration,
}

/// Runs a session until the run drops its control sender, the server
/// closes the connection, or a reply is wrong. `permit` is held through
/// setup only, which bounds the setups in flight.
pub async fn run(
    spec: SessionSpec,
    events: mpsc::UnboundedSender<Event>,
    control: mpsc::Receiver<Control>,
    permit: OwnedSemaphorePermit,
) {
    let session = spec.id;
    let setup = setup(&spec).await;
    drop(permit);
    match setup {
        Ok((conn, stages, exists)) => {
            let ready = Event::Ready {
                session,
                stages,
                exists,
                at: Instant::now(),
            };
            if events.send(ready).is_err() {
                return;
            }
            if let Err((kind, error)) = idle_loop(conn, &events, control, session).await {
                let _ = events.send(Event::Failed {
                    session,
                    kind,
                    error,
                });
            }
        }
        Err((stage, error)) => {
            let _ = events.send(Event::SetupFailed {
                session,
                stage,
                error,
            });
        }
    }
}

type SetupError = (Stage, String);

async fn setup(spec: &SessionSpec) -> Result<(Conn, StageTimes, u32), SetupError> {
    let mut times = StageTimes::default();
    let t = Instant::now();
    let stream = tokio::time::timeout(spec.reply_timeout, connect(spec.source, spec.target))
        .await
        .map_err(|_| (Stage::Connect, "timed out".to_owned()))?
        .map_err(|e| (Stage::Connect, e.to_string()))?;
    times.connect = t.elapsed();
    let mut conn = Conn::new(stream, spec.reply_timeout);

    let t = Instant::now();
    let greeting = conn.response().await.map_err(|e| (Stage::Greeting, e))?;
    match classify(&greeting) {
        Ok(r) if r.is_untagged("OK") => {}
        _ => return Err((Stage::Greeting, excerpt(&greeting))),
    }
    times.greeting = t.elapsed();

    let t = Instant::now();
    let login = format!(
        "LOGIN {} {}",
        quoted(&spec.user).ok_or((Stage::Login, "user name not quotable".to_owned()))?,
        quoted(&spec.password).ok_or((Stage::Login, "password not quotable".to_owned()))?
    );
    let mut exists = None;
    conn.command(&login, &mut exists)
        .await
        .map_err(|e| (Stage::Login, e))?;
    times.login = t.elapsed();

    let t = Instant::now();
    exists = None;
    conn.command("SELECT INBOX", &mut exists)
        .await
        .map_err(|e| (Stage::Select, e))?;
    let mut exists = exists.ok_or((Stage::Select, "no EXISTS in SELECT".to_owned()))?;
    times.select = t.elapsed();

    let t = Instant::now();
    let tag = conn.next_tag();
    conn.send(format!("{tag} IDLE\r\n").as_bytes())
        .await
        .map_err(|e| (Stage::Idle, e))?;
    loop {
        let line = conn.response().await.map_err(|e| (Stage::Idle, e))?;
        match classify(&line) {
            Ok(Reply::Continuation(_)) => break,
            Ok(r) => match r.exists() {
                Some(n) => exists = n,
                None if benign(&r) => {}
                None => return Err((Stage::Idle, excerpt(&line))),
            },
            Err(e) => return Err((Stage::Idle, e.to_string())),
        }
    }
    times.idle = t.elapsed();
    conn.idle_tag = tag;
    Ok((conn, times, exists))
}

async fn connect(source: Ipv4Addr, target: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    // Port 0: the kernel picks a free port for this source address, so
    // each source address has a whole ephemeral range to itself.
    socket.bind(SocketAddr::new(source.into(), 0))?;
    let stream = socket.connect(target).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Untagged data that may come at any time and needs no action here.
fn benign(reply: &Reply<'_>) -> bool {
    match reply {
        Reply::Numbered { kind, .. } => {
            kind.eq_ignore_ascii_case("RECENT") || kind.eq_ignore_ascii_case("FETCH")
        }
        Reply::Untagged { kind, .. } => !kind.eq_ignore_ascii_case("BYE"),
        _ => false,
    }
}

/// An IMAP quoted string, or `None` for text a quoted string cannot hold.
fn quoted(s: &str) -> Option<String> {
    if s.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Some(out)
}

/// Where a session in its idle loop is.
enum Phase {
    Idling,
    /// DONE sent at `since`; waiting for the IDLE's tagged OK.
    Done {
        since: Instant,
    },
    /// NOOP sent; waiting for its tagged OK.
    Noop {
        since: Instant,
        wake: Duration,
    },
    /// IDLE sent; waiting for `+`.
    Reidle {
        since: Instant,
        wake: Duration,
    },
}

type LoopError = (&'static str, String);

async fn idle_loop(
    mut conn: Conn,
    events: &mpsc::UnboundedSender<Event>,
    mut control: mpsc::Receiver<Control>,
    session: u32,
) -> Result<(), LoopError> {
    let mut phase = Phase::Idling;
    let mut pending_noop = false;
    let mut buf = [0u8; READ_BUFFER];
    loop {
        tokio::select! {
            read = conn.stream.read(&mut buf) => {
                let n = read.map_err(|e| ("connection-error", e.to_string()))?;
                let data = buf.get(..n).unwrap_or_default();
                if data.is_empty() {
                    return Err(("connection-closed", "the server closed the connection".into()));
                }
                conn.framer.push(data);
                while let Some(bytes) = conn.framer.next_response().map_err(|e| ("unexpected-reply", e.to_string()))? {
                    let line = String::from_utf8_lossy(&bytes);
                    let reply = classify(&line).map_err(|e| ("unexpected-reply", e.to_string()))?;
                    let unexpected = || ("unexpected-reply", excerpt(&line));
                    if let Some(count) = reply.exists() {
                        let at = Instant::now();
                        events.send(Event::Exists { session, count, at }).map_err(|_| ("stopped", String::new()))?;
                        continue;
                    }
                    if benign(&reply) {
                        continue;
                    }
                    phase = match (phase, reply) {
                        (Phase::Done { since }, Reply::Tagged { tag, status: Status::Ok, .. }) if tag == conn.idle_tag => {
                            let wake = since.elapsed();
                            if pending_noop {
                                let tag = conn.next_tag();
                                conn.send(format!("{tag} NOOP\r\n").as_bytes()).await.map_err(|e| ("connection-error", e))?;
                                conn.idle_tag = tag;
                                Phase::Noop { since, wake }
                            } else {
                                conn.reidle().await?;
                                Phase::Reidle { since, wake }
                            }
                        }
                        (Phase::Noop { since, wake }, Reply::Tagged { tag, status: Status::Ok, .. }) if tag == conn.idle_tag => {
                            conn.reidle().await?;
                            Phase::Reidle { since, wake }
                        }
                        (Phase::Reidle { since, wake }, Reply::Continuation(_)) => {
                            let woke = Event::Woke { session, wake, cycle: since.elapsed() };
                            events.send(woke).map_err(|_| ("stopped", String::new()))?;
                            Phase::Idling
                        }
                        _ => return Err(unexpected()),
                    };
                }
            }
            request = control.recv() => {
                let Some(request) = request else {
                    // The run is over: closing the socket is the goodbye.
                    return Ok(());
                };
                if !matches!(phase, Phase::Idling) {
                    return Err(("wake-error", "woken while not idling".into()));
                }
                pending_noop = request == Control::WakeWithNoop;
                conn.send(b"DONE\r\n").await.map_err(|e| ("connection-error", e))?;
                phase = Phase::Done { since: Instant::now() };
            }
        }
    }
}

/// A connection during setup and in the idle loop.
struct Conn {
    stream: TcpStream,
    framer: Framer,
    timeout: Duration,
    tags: u32,
    /// The tag of the command in flight (the IDLE, or the NOOP of a wake).
    idle_tag: String,
}

impl Conn {
    fn new(stream: TcpStream, timeout: Duration) -> Conn {
        Conn {
            stream,
            framer: Framer::new(MAX_RESPONSE),
            timeout,
            tags: 0,
            idle_tag: String::new(),
        }
    }

    fn next_tag(&mut self) -> String {
        self.tags += 1;
        format!("a{}", self.tags)
    }

    async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        tokio::time::timeout(self.timeout, self.stream.write_all(bytes))
            .await
            .map_err(|_| "write timed out".to_owned())?
            .map_err(|e| e.to_string())
    }

    async fn reidle(&mut self) -> Result<(), LoopError> {
        let tag = self.next_tag();
        self.send(format!("{tag} IDLE\r\n").as_bytes())
            .await
            .map_err(|e| ("connection-error", e))?;
        self.idle_tag = tag;
        Ok(())
    }

    /// The next response, within the reply timeout.
    async fn response(&mut self) -> Result<String, String> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut buf = [0u8; READ_BUFFER];
        loop {
            if let Some(bytes) = self.framer.next_response().map_err(|e| e.to_string())? {
                return Ok(String::from_utf8_lossy(&bytes).into_owned());
            }
            let n = tokio::time::timeout_at(deadline, self.stream.read(&mut buf))
                .await
                .map_err(|_| "no reply in time".to_owned())?
                .map_err(|e| e.to_string())?;
            let data = buf.get(..n).unwrap_or_default();
            if data.is_empty() {
                return Err("connection closed".to_owned());
            }
            self.framer.push(data);
        }
    }

    /// Sends `command` with a fresh tag and reads up to its tagged reply,
    /// which must be OK; the last EXISTS seen on the way goes to `exists`.
    async fn command(&mut self, command: &str, exists: &mut Option<u32>) -> Result<(), String> {
        let tag = self.next_tag();
        self.send(format!("{tag} {command}\r\n").as_bytes()).await?;
        loop {
            let line = self.response().await?;
            let reply = classify(&line).map_err(|e| e.to_string())?;
            match reply {
                Reply::Tagged {
                    tag: t,
                    status: Status::Ok,
                    ..
                } if t == tag => return Ok(()),
                Reply::Tagged { .. } | Reply::Continuation(_) => return Err(excerpt(&line)),
                r => match r.exists() {
                    Some(n) => *exists = Some(n),
                    None if benign(&r) => {}
                    None => return Err(excerpt(&line)),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quoted("load00001").as_deref(), Some("\"load00001\""));
        assert_eq!(quoted("a\"b\\c").as_deref(), Some("\"a\\\"b\\\\c\""));
        assert_eq!(quoted("a\r\nb"), None);
    }

    #[test]
    fn what_is_benign() {
        for ok in [
            "* 1 RECENT",
            "* 2 FETCH (FLAGS ())",
            "* OK Still here",
            "* FLAGS (\\Seen)",
        ] {
            assert!(benign(&classify(ok).unwrap()), "{ok}");
        }
        for bad in ["* BYE bye", "* 1 EXPUNGE", "a1 OK x", "+ idling"] {
            assert!(!benign(&classify(bad).unwrap()), "{bad}");
        }
    }
}
