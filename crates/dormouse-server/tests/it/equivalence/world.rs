//! One world of an equivalence run: its users' twin clients (all on one
//! listener) and actors (on the never-parking listener), sending what the
//! script says and returning what they read, with the world's own
//! UIDVALIDITYs (set by the clock) swapped for placeholders so that two
//! worlds can be compared byte for byte. It decides nothing and compares
//! nothing.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::Instant;

use super::script::{Conn, Mbox, Piece, USERS, Until};
use crate::harness::TIMEOUT;

/// How long a command's first packet travels alone before the rest.
const PAUSE: Duration = Duration::from_millis(5);

pub struct World {
    /// `h` (hibernating) or `a` (awake): the users are `h0`, `h1`, … and
    /// `a0`, `a1`, ….
    prefix: char,
    clients: Vec<(usize, Wire)>,
    actors: Vec<Wire>,
    /// UIDVALIDITY per user and mailbox, once learnt.
    uidvalidity: Vec<[String; 2]>,
}

impl World {
    pub async fn connect(
        prefix: char,
        clients_at: SocketAddr,
        actors_at: SocketAddr,
        client_users: &[usize],
    ) -> World {
        let mut clients = Vec::with_capacity(client_users.len());
        for &user in client_users {
            clients.push((user, Wire::connect(clients_at).await));
        }
        let mut actors = Vec::with_capacity(USERS);
        for _ in 0..USERS {
            actors.push(Wire::connect(actors_at).await);
        }
        World {
            prefix,
            clients,
            actors,
            uidvalidity: vec![[String::new(), String::new()]; USERS],
        }
    }

    pub fn user_name(&self, user: usize) -> String {
        format!("{}{user}", self.prefix)
    }

    /// Asks each actor for its mailboxes' UIDVALIDITY (never the same in
    /// two worlds).
    pub async fn learn_uidvalidity(&mut self) {
        for user in 0..USERS {
            for mbox in [Mbox::Inbox, Mbox::Folder] {
                let Some(actor) = self.actors.get_mut(user) else {
                    continue;
                };
                let tag = format!("uv{user}{}", mbox.index());
                let command = format!("{tag} STATUS {} (UIDVALIDITY)\r\n", mbox.name());
                actor.send(command.as_bytes()).await;
                let lines = read_until(actor, &Until::Tagged(tag)).await;
                let value = lines
                    .iter()
                    .find_map(|l| l.split("UIDVALIDITY ").nth(1))
                    .map(|v| v.trim_end_matches(")\r\n").to_string())
                    .unwrap_or_else(|| panic!("no UIDVALIDITY in {lines:?}"));
                self.uidvalidity[user][mbox.index()] = value;
            }
        }
    }

    /// Writes `pieces` to `conn` and reads up to `until`; returns what was
    /// read, one response (with its literals) per string, normalized.
    pub async fn run(
        &mut self,
        conn: Conn,
        pieces: &[Piece],
        until: &Until,
        uv: Option<Mbox>,
    ) -> Vec<String> {
        let (user, client) = match conn {
            Conn::Client(i) => match self.clients.get_mut(i) {
                Some((user, client)) => (*user, client),
                None => panic!("no client {i}"),
            },
            Conn::Actor(u) => match self.actors.get_mut(u) {
                Some(client) => (u, client),
                None => panic!("no actor {u}"),
            },
        };
        let name = format!("{}{user}", self.prefix);
        let uidvalidity = uv
            .and_then(|m| self.uidvalidity.get(user).map(|v| v[m.index()].clone()))
            .unwrap_or_default();
        let mut read = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => {
                    let text = text.replace("%USER%", &name).replace("%UV%", &uidvalidity);
                    client.send(text.as_bytes()).await;
                }
                Piece::Continuation => {
                    read.extend(read_until(client, &Until::Continuation).await);
                }
                Piece::Pause => tokio::time::sleep(PAUSE).await,
            }
        }
        read.extend(read_until(client, until).await);
        read.into_iter().map(|r| self.normalize(r)).collect()
    }

    /// The responses client `i` sends of its own accord (in IDLE): those
    /// that begin within `wait`, and any that follow close behind.
    pub async fn unprompted(&mut self, i: usize, wait: Duration) -> Vec<String> {
        let Some((_, client)) = self.clients.get_mut(i) else {
            panic!("no client {i}");
        };
        let mut out = Vec::new();
        let mut within = wait;
        while let Some(response) = client.response_within(within).await {
            assert!(!response.is_empty(), "client {i} closed in IDLE: {out:?}");
            out.push(response);
            within = Duration::from_millis(20);
        }
        out.into_iter().map(|r| self.normalize(r)).collect()
    }

    /// The next `n` responses of client `i`.
    pub async fn responses(&mut self, i: usize, n: usize) -> Vec<String> {
        let Some((_, client)) = self.clients.get_mut(i) else {
            panic!("no client {i}");
        };
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(client.response().await);
        }
        out.into_iter().map(|r| self.normalize(r)).collect()
    }

    /// Whatever each connection still has to say once the script is over
    /// (after LOGOUT: nothing but the end of the stream).
    pub async fn leftovers(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        for (_, client) in &mut self.clients {
            out.push(client.response().await);
        }
        for actor in &mut self.actors {
            out.push(actor.response().await);
        }
        out.into_iter().map(|r| self.normalize(r)).collect()
    }

    /// The world's UIDVALIDITYs and user names as placeholders.
    fn normalize(&self, mut text: String) -> String {
        for (user, values) in self.uidvalidity.iter().enumerate() {
            for (m, value) in values.iter().enumerate() {
                if !value.is_empty() {
                    text = text.replace(value.as_str(), &format!("<UIDVALIDITY {user}.{m}>"));
                }
            }
        }
        text
    }
}

/// Reads responses up to `until`. Fails the test if the stream ends first.
async fn read_until(client: &mut Wire, until: &Until) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let response = client.response().await;
        assert!(
            !response.is_empty(),
            "the connection closed while waiting for {until:?}; read {out:?}"
        );
        let done = match until {
            Until::Greeting => true,
            Until::Continuation => response.starts_with("+ "),
            Until::Tagged(tag) => response.starts_with(&format!("{tag} ")),
        };
        out.push(response);
        if done {
            return out;
        }
    }
}

/// A raw IMAP connection that reads whole responses (literals included)
/// and can give up waiting without losing a byte: what was read stays in
/// `buf`.
struct Wire {
    stream: TcpStream,
    buf: Vec<u8>,
    closed: bool,
}

impl Wire {
    async fn connect(addr: SocketAddr) -> Wire {
        Wire {
            stream: TcpStream::connect(addr).await.expect("connect"),
            buf: Vec::new(),
            closed: false,
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("send");
    }

    /// The next response; empty at the end of the stream.
    async fn response(&mut self) -> String {
        match self.response_within(TIMEOUT).await {
            Some(response) => response,
            None => panic!(
                "no reply within {TIMEOUT:?}; unparsed: {:?}",
                String::from_utf8_lossy(&self.buf)
            ),
        }
    }

    /// The next response if it arrives within `wait`; empty at the end of
    /// the stream.
    async fn response_within(&mut self, wait: Duration) -> Option<String> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(end) = response_end(&self.buf) {
                let bytes: Vec<u8> = self.buf.drain(..end).collect();
                return Some(String::from_utf8_lossy(&bytes).into_owned());
            }
            if self.closed {
                let rest: Vec<u8> = std::mem::take(&mut self.buf);
                return Some(String::from_utf8_lossy(&rest).into_owned());
            }
            let mut chunk = [0u8; 8192];
            // `read` on a TcpStream is cancel-safe: a timeout loses nothing.
            match tokio::time::timeout_at(deadline, self.stream.read(&mut chunk)).await {
                Err(_) => return None,
                Ok(Ok(0)) | Ok(Err(_)) => self.closed = true,
                Ok(Ok(n)) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
    }
}

/// Where the first complete response in `buf` ends: a line, and while a
/// line ends with a literal's `{n}`, the n octets and the next line.
fn response_end(buf: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let newline = buf.get(at..)?.iter().position(|&b| b == b'\n')?;
        let line = buf.get(at..at + newline + 1)?;
        at += newline + 1;
        match literal_len(line) {
            Some(n) if buf.len() >= at + n => at += n,
            Some(_) => return None,
            None => return Some(at),
        }
    }
}

/// The length of the literal a line announces at its end (`{n}\r\n`).
fn literal_len(line: &[u8]) -> Option<usize> {
    let body = line.strip_suffix(b"}\r\n")?;
    let open = body.iter().rposition(|&b| b == b'{')?;
    std::str::from_utf8(body.get(open + 1..)?)
        .ok()?
        .parse()
        .ok()
}

/// A minimal LMTP client that delivers one message to a list of
/// recipients and insists that each was stored.
pub struct Lmtp {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Lmtp {
    pub async fn connect(addr: SocketAddr) -> Lmtp {
        let (r, w) = TcpStream::connect(addr)
            .await
            .expect("connect lmtp")
            .into_split();
        let mut lmtp = Lmtp {
            reader: BufReader::new(r),
            writer: w,
        };
        let greeting = lmtp.reply().await;
        assert!(greeting.starts_with("220 "), "{greeting}");
        lmtp.writer
            .write_all(b"LHLO mta.test\r\n")
            .await
            .expect("send lhlo");
        let lhlo = lmtp.reply().await;
        assert!(lhlo.starts_with("250"), "{lhlo}");
        lmtp
    }

    async fn reply(&mut self) -> String {
        let mut out = String::new();
        loop {
            let mut line = String::new();
            tokio::time::timeout(TIMEOUT, self.reader.read_line(&mut line))
                .await
                .expect("lmtp reply in time")
                .expect("read lmtp");
            assert!(!line.is_empty(), "lmtp closed after {out:?}");
            out.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return out;
            }
        }
    }

    pub async fn deliver(&mut self, recipients: &[String], message: &str) {
        let mut envelope = String::from("MAIL FROM:<sender@example.net>\r\n");
        for rcpt in recipients {
            envelope.push_str(&format!("RCPT TO:<{rcpt}>\r\n"));
        }
        envelope.push_str("DATA\r\n");
        self.writer
            .write_all(envelope.as_bytes())
            .await
            .expect("send envelope");
        for _ in 0..=recipients.len() {
            let reply = self.reply().await;
            assert!(reply.starts_with("250"), "{reply}");
        }
        let start = self.reply().await;
        assert!(start.starts_with("354"), "{start}");
        // The scenario's messages have no line that starts with a dot.
        self.writer
            .write_all(format!("{message}.\r\n").as_bytes())
            .await
            .expect("send data");
        for rcpt in recipients {
            let reply = self.reply().await;
            assert!(reply.starts_with("250"), "{rcpt}: {reply}");
        }
    }
}
