//! Starts a real server in-process on a port-0 listener, with a temporary
//! data directory and known users, and a small line-oriented test client.
//! Every test server also takes LMTP, on TCP port 0 and on a UNIX socket
//! in its data directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dormouse_config::Overrides;
use dormouse_server::LmtpListener;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Users every test server knows. PLAIN keeps the suite fast; the hashed
/// schemes are covered by dormouse-auth's own tests and by the benchmark.
pub const USERS: &str = "alice:{PLAIN}wonderland::::::\nbob:{PLAIN}builder::::::\n";

/// Replies slower than this fail the test rather than hang it.
pub const TIMEOUT: Duration = Duration::from_secs(10);

pub struct TestServer {
    pub addr: SocketAddr,
    /// An IMAP listener whose sessions never hibernate.
    pub awake_addr: SocketAddr,
    /// Live session counts (hibernated ones among them).
    pub stats: Arc<dormouse_server::Stats>,
    pub lmtp_addr: SocketAddr,
    pub lmtp_socket: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<Result<(), dormouse_server::ServerError>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with("").await
    }

    /// `extra` is TOML put before the test defaults (an `[auth]` table).
    pub async fn start_with(extra: &str) -> TestServer {
        TestServer::start_full(extra, "").await
    }

    /// `users` are passwd-file lines added after [`USERS`].
    pub async fn start_with_users(users: &str) -> TestServer {
        TestServer::start_full("", users).await
    }

    async fn start_full(extra: &str, users: &str) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("users"), format!("{USERS}{users}")).expect("users file");
        // `extra` goes first so it may set top-level keys as well as tables.
        let toml =
            format!("{extra}\n[auth]\nfailure_delay = \"10ms\"\nmax_failure_delay = \"50ms\"\n");
        let config = config_for(dir.path(), &toml);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let awake = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let awake_addr = awake.local_addr().expect("addr");
        let stats = Arc::new(dormouse_server::Stats::default());
        let lmtp_tcp = LmtpListener::bind(&"127.0.0.1:0".parse().expect("address"))
            .await
            .expect("bind lmtp");
        let lmtp_addr = lmtp_tcp
            .local_addr()
            .ok()
            .and_then(|a| a.tcp())
            .expect("lmtp addr");
        let lmtp_socket = dir.path().join("lmtp");
        let lmtp_unix = LmtpListener::bind_unix(&lmtp_socket).expect("bind lmtp socket");
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(dormouse_server::run_with_stats(
            dormouse_server::Listeners {
                imap: vec![listener],
                imap_awake: vec![awake],
                lmtp: vec![lmtp_tcp, lmtp_unix],
            },
            Arc::new(config),
            async {
                let _ = rx.await;
            },
            stats.clone(),
        ));
        TestServer {
            addr,
            awake_addr,
            stats,
            lmtp_addr,
            lmtp_socket,
            shutdown: Some(tx),
            handle: Some(handle),
            _dir: dir,
        }
    }

    pub async fn connect(&self) -> Client {
        Client::connect(self.addr).await
    }

    /// The server's data directory (users' Maildirs are under `mail/`).
    pub fn data_dir(&self) -> &Path {
        self._dir.path()
    }

    /// Triggers graceful shutdown and waits for `run` to return.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            let result = tokio::time::timeout(TIMEOUT, handle)
                .await
                .expect("server stops in time")
                .expect("server task");
            result.expect("server returns Ok");
        }
    }
}

pub fn config_for(data_dir: &Path, toml: &str) -> dormouse_config::Config {
    let overrides = Overrides {
        data_dir: Some(data_dir.to_path_buf()),
        ..Overrides::default()
    };
    dormouse_config::parse_str(toml, &overrides).expect("test config")
}

/// A raw IMAP client: sends bytes, reads CRLF lines, nothing more, so tests
/// see exactly what the server wrote.
pub struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let (r, w) = stream.into_split();
        Client {
            reader: BufReader::new(r),
            writer: w,
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.expect("send");
    }

    /// One line including its CRLF; empty at end of stream.
    pub async fn line(&mut self) -> String {
        let mut buf = Vec::new();
        tokio::time::timeout(TIMEOUT, self.reader.read_until(b'\n', &mut buf))
            .await
            .expect("reply in time")
            .expect("read");
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// One response with its literals: a line and, while a line ends with
    /// a literal's `{n}`, the n octets and the rest of the response. Empty
    /// at end of stream.
    pub async fn response(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let mut line = Vec::new();
            tokio::time::timeout(TIMEOUT, self.reader.read_until(b'\n', &mut line))
                .await
                .expect("reply in time")
                .expect("read");
            out.extend_from_slice(&line);
            let Some(n) = literal_len(&line) else {
                return out;
            };
            let mut literal = vec![0u8; n];
            tokio::time::timeout(TIMEOUT, self.reader.read_exact(&mut literal))
                .await
                .expect("literal in time")
                .expect("read literal");
            out.extend_from_slice(&literal);
        }
    }

    /// Reads lines until the tagged reply for `tag`; returns them all.
    pub async fn until_tagged(&mut self, tag: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await;
            assert!(
                !line.is_empty(),
                "connection closed before {tag} completed: {lines:?}"
            );
            let done = line.starts_with(&format!("{tag} "));
            lines.push(line);
            if done {
                return lines;
            }
        }
    }

    /// Sends `tag command\r\n` and returns every line up to its tagged reply.
    pub async fn command(&mut self, tag: &str, command: &str) -> Vec<String> {
        self.send(format!("{tag} {command}\r\n").as_bytes()).await;
        self.until_tagged(tag).await
    }

    /// Every line until the server closes the connection.
    pub async fn lines_until_closed(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await;
            if line.is_empty() {
                return lines;
            }
            lines.push(line);
        }
    }

    /// True when the server has closed the connection (EOF, or reset after
    /// unread data).
    pub async fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        match tokio::time::timeout(TIMEOUT, self.reader.read_to_end(&mut rest)).await {
            Ok(Ok(_)) => true,
            Ok(Err(_)) => true,
            Err(_) => false,
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

/// Reads the greeting, logs in as alice and runs each setup command, each
/// of which must succeed.
pub async fn logged_in(mut c: Client, setup: &[&str]) -> Client {
    c.line().await;
    ok(&mut c, "l", "LOGIN alice wonderland").await;
    for (i, command) in setup.iter().enumerate() {
        ok(&mut c, &format!("s{i}"), command).await;
    }
    c
}

/// Runs `tag command`, which must end OK; returns the lines before the
/// tagged reply.
pub async fn ok(c: &mut Client, tag: &str, command: &str) -> Vec<String> {
    let mut lines = c.command(tag, command).await;
    let last = lines.pop().unwrap_or_default();
    assert!(
        last.starts_with(&format!("{tag} OK")),
        "{command}: {last:?} after {lines:?}"
    );
    lines
}

/// APPENDs a small message with this subject to INBOX (LITERAL+).
pub async fn append(c: &mut Client, subject: &str) {
    let body = format!("Subject: {subject}\r\n\r\nbody of {subject}\r\n");
    let command = format!("APPEND INBOX {{{}+}}\r\n{body}", body.len());
    ok(c, "ap", &command).await;
}
