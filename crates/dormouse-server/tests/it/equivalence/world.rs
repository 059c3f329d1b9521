//! One world of an equivalence run: its users' twin clients (all on one
//! listener) and actors (on the never-parking listener), sending what the
//! script says and returning what they read, with the world's own
//! UIDVALIDITYs (set by the clock) swapped for placeholders so that two
//! worlds can be compared byte for byte. It decides nothing and compares
//! nothing.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use super::script::{Conn, Mbox, Piece, USERS, Until};
use crate::harness::{Client, TIMEOUT};

/// How long a command's first packet travels alone before the rest.
const PAUSE: Duration = Duration::from_millis(5);

pub struct World {
    /// `h` (hibernating) or `a` (awake): the users are `h0`, `h1`, … and
    /// `a0`, `a1`, ….
    prefix: char,
    clients: Vec<(usize, Client)>,
    actors: Vec<Client>,
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
            clients.push((user, Client::connect(clients_at).await));
        }
        let mut actors = Vec::with_capacity(USERS);
        for _ in 0..USERS {
            actors.push(Client::connect(actors_at).await);
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
        out.into_iter()
            .map(|r| self.normalize(String::from_utf8_lossy(&r).into_owned()))
            .collect()
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
async fn read_until(client: &mut Client, until: &Until) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let bytes = client.response().await;
        let response = String::from_utf8_lossy(&bytes).into_owned();
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
