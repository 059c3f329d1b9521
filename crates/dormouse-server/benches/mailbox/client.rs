//! A minimal IMAP client for the benchmark: sends one tagged command,
//! reads whole responses (following `{n}` and `~{n}` literals, so a
//! literal holding a line break cannot end a response early) and hands
//! each to a callback, counting bytes. It parses nothing else and keeps no
//! response it is not asked to.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

/// Any one command taking longer than this aborts the benchmark rather
/// than hanging it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);

pub struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    next_tag: u32,
}

/// What one command cost, seen from the client.
pub struct Done {
    /// From the first byte sent to the end of the tagged response.
    pub elapsed: Duration,
    /// Every byte received for the command, tagged response included.
    pub bytes: u64,
    pub responses: u64,
    /// The tagged response line.
    pub status: String,
}

impl Client {
    /// Connects and reads the greeting. `buffer` is the read buffer size:
    /// small for the idle extra sessions, whose client side shares the
    /// process (and its RSS) with the server.
    pub async fn connect(addr: SocketAddr, buffer: usize) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let (r, w) = stream.into_split();
        let mut client = Client {
            reader: BufReader::with_capacity(buffer, r),
            writer: w,
            next_tag: 1,
        };
        let mut greeting = Vec::new();
        client.response(&mut greeting).await;
        assert!(greeting.starts_with(b"* OK"), "greeting: {greeting:?}");
        client
    }

    /// Connects and logs in.
    pub async fn login(addr: SocketAddr, buffer: usize, user: &str, password: &str) -> Client {
        let mut c = Client::connect(addr, buffer).await;
        let done = c
            .command(&format!("LOGIN {user} \"{password}\""), |_| {})
            .await;
        assert!(done.status.contains(" OK"), "LOGIN: {}", done.status);
        c
    }

    /// Reads one response, with its literals, into `buf` (cleared first).
    async fn response(&mut self, buf: &mut Vec<u8>) {
        buf.clear();
        loop {
            let start = buf.len();
            let n = self.reader.read_until(b'\n', buf).await.expect("read");
            assert!(n > 0, "server closed the connection");
            let line = buf.get(start..).unwrap_or_default();
            match literal_len(line) {
                Some(len) => {
                    let at = buf.len();
                    buf.resize(at + len, 0);
                    let target = buf.get_mut(at..).unwrap_or_default();
                    self.reader.read_exact(target).await.expect("literal");
                }
                None => return,
            }
        }
    }

    /// Sends `<tag> <command>` and reads up to its tagged response, passing
    /// every untagged response (literals included) to `each`.
    pub async fn command(&mut self, command: &str, mut each: impl FnMut(&[u8])) -> Done {
        let tag = format!("t{}", self.next_tag);
        self.next_tag += 1;
        let started = Instant::now();
        let run = async {
            self.writer
                .write_all(format!("{tag} {command}\r\n").as_bytes())
                .await
                .expect("send");
            let mut bytes = 0u64;
            let mut responses = 0u64;
            let mut buf = Vec::with_capacity(4096);
            let prefix = format!("{tag} ");
            loop {
                self.response(&mut buf).await;
                bytes += buf.len() as u64;
                if buf.starts_with(prefix.as_bytes()) {
                    return Done {
                        elapsed: started.elapsed(),
                        bytes,
                        responses,
                        status: String::from_utf8_lossy(&buf).trim_end().to_owned(),
                    };
                }
                responses += 1;
                each(&buf);
            }
        };
        tokio::time::timeout(COMMAND_TIMEOUT, run)
            .await
            .unwrap_or_else(|_| panic!("{command} took longer than {COMMAND_TIMEOUT:?}"))
    }

    /// `command`, requiring a tagged OK.
    pub async fn ok(&mut self, command: &str, each: impl FnMut(&[u8])) -> Done {
        let done = self.command(command, each).await;
        assert!(
            done.status.split(' ').nth(1) == Some("OK"),
            "{command}: {}",
            done.status
        );
        done
    }
}

/// The length of the literal announced at the end of `line` (`{n}` or
/// `~{n}`, optionally `+`), if any.
fn literal_len(line: &[u8]) -> Option<usize> {
    let line = line.strip_suffix(b"\r\n")?;
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = line.get(open + 1..)?;
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `* <n> EXISTS` → n.
pub fn exists(response: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(response).ok()?;
    let rest = s.strip_prefix("* ")?.trim_end();
    let n = rest.strip_suffix(" EXISTS")?;
    n.parse().ok()
}

/// `* SEARCH 1 2 3` → 3.
pub fn search_hits(response: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(response).ok()?;
    let rest = s.strip_prefix("* SEARCH")?;
    Some(rest.split_ascii_whitespace().count() as u64)
}
