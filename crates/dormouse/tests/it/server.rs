//! Starts the real `dormouse serve` binary on a port-0 listener over a
//! given data directory, and a blocking line-oriented IMAP client for it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    /// The demo user's password, printed only by the first start on an
    /// empty data directory.
    pub demo_password: Option<String>,
}

impl Server {
    /// Starts the server and waits for its "listening" line.
    pub fn start(data: &Path) -> Server {
        // Only a first start on an empty (or missing) data dir makes the
        // demo user and prints its password.
        let fresh = std::fs::read_dir(data).map_or(true, |mut d| d.next().is_none());
        let mut child = Command::new(env!("CARGO_BIN_EXE_dormouse"))
            .args(["serve", "--data-dir"])
            .arg(data)
            .args(["--imap", "127.0.0.1:0", "--lmtp", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            // Warnings reach the test's output, where a failure shows them.
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start dormouse");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut addr = None;
        let mut demo_password = None;
        // The password line, when there is one, comes right after the
        // address line.
        while addr.is_none() && Instant::now() < deadline {
            let Some(Ok(line)) = lines.next() else { break };
            if let Some(rest) = line.split("password '").nth(1) {
                demo_password = rest.split('\'').next().map(str::to_string);
            }
            if line.contains("listening") {
                addr = line
                    .split("imap ")
                    .nth(1)
                    .and_then(|s| s.split_whitespace().next())
                    .and_then(|s| s.parse().ok());
            }
        }
        if demo_password.is_none()
            && fresh
            && let Some(Ok(line)) = lines.next()
        {
            demo_password = line
                .split("password '")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .map(str::to_string);
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            addr: addr.expect("server printed its address"),
            demo_password,
        }
    }

    /// SIGKILL: no shutdown, no flush, as a crash or the OOM killer.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn connect(&self) -> Client {
        Client::connect(self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let writer = stream.try_clone().expect("clone");
        let mut client = Client {
            reader: BufReader::new(stream),
            writer,
        };
        let greeting = client.line().expect("greeting");
        assert!(greeting.starts_with("* OK"), "{greeting:?}");
        client
    }

    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// One line with its CRLF; an error once the server is gone.
    pub fn line(&mut self) -> std::io::Result<String> {
        let mut buf = Vec::new();
        let n = self.reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// Exactly `n` bytes (a literal's contents).
    pub fn bytes(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; n];
        self.reader.read_exact(&mut buf)?;
        Ok(buf)
    }

    /// Sends `tag command` and returns the lines up to its tagged reply.
    pub fn command(&mut self, tag: &str, command: &str) -> std::io::Result<Vec<String>> {
        self.send(format!("{tag} {command}\r\n").as_bytes())?;
        let mut lines = Vec::new();
        loop {
            let line = self.line()?;
            let done = line.starts_with(&format!("{tag} "));
            lines.push(line);
            if done {
                return Ok(lines);
            }
        }
    }
}
