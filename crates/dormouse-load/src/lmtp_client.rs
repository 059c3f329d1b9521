//! A minimal LMTP client (RFC 2033): LHLO, then transactions of MAIL FROM,
//! RCPT TO for each recipient, DATA, and one reply per accepted recipient.
//! MAIL, RCPT and DATA go out in one write when the server offers
//! PIPELINING (RFC 2920). The messages it sends have no line starting with
//! a dot, so no dot-stuffing is done. After any error the connection's state
//! is unknown: callers drop the client and connect anew.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use thiserror::Error;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::lmtp_reply::{LmtpReply, MalformedReply, ReplyBuilder};

#[derive(Debug, Error)]
pub enum LmtpError {
    #[error("{stage}: {source}")]
    Io {
        stage: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: no reply in time")]
    Timeout(&'static str),
    #[error("{0}: connection closed")]
    Closed(&'static str),
    #[error(transparent)]
    Malformed(#[from] MalformedReply),
    #[error("protocol violation: {0}")]
    Protocol(&'static str),
    #[error("{stage} refused: {reply}")]
    Refused {
        stage: &'static str,
        reply: LmtpReply,
    },
}

/// A reply line longer than this is an error: real ones are under 512
/// octets (RFC 5321 section 4.5.3.1.5).
const MAX_REPLY_LINE: u64 = 4096;

/// Read buffer: replies are short.
const BUFFER: usize = 1024;

/// What happened to one recipient of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RcptOutcome {
    /// The final reply after DATA was positive.
    Delivered,
    /// RCPT TO was refused.
    Refused(LmtpReply),
    /// RCPT TO was accepted, the message then refused.
    Failed(LmtpReply),
}

/// The result of one transaction.
#[derive(Debug)]
pub struct Transaction {
    /// Per recipient, in the order given.
    pub outcomes: Vec<RcptOutcome>,
    /// When the final `.` had been written.
    pub dot_sent: Instant,
    /// When the last per-recipient reply arrived.
    pub replied: Instant,
}

pub struct LmtpClient {
    stream: BufReader<TcpStream>,
    pipelining: bool,
    timeout: Duration,
    builder: ReplyBuilder,
    line: Vec<u8>,
}

impl LmtpClient {
    /// Connects, reads the greeting and says LHLO.
    pub async fn connect(addr: SocketAddr, timeout: Duration) -> Result<LmtpClient, LmtpError> {
        let stream = tokio::time::timeout(timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| LmtpError::Timeout("connect"))?
            .map_err(|source| LmtpError::Io {
                stage: "connect",
                source,
            })?;
        let _ = stream.set_nodelay(true);
        let mut client = LmtpClient {
            stream: BufReader::with_capacity(BUFFER, stream),
            pipelining: false,
            timeout,
            builder: ReplyBuilder::new(),
            line: Vec::new(),
        };
        client.expect_positive("greeting").await?;
        client
            .send("LHLO", b"LHLO dormouse-load.localhost\r\n")
            .await?;
        let lhlo = client.expect_positive("LHLO").await?;
        client.pipelining = lhlo.keywords().any(|k| k == "PIPELINING");
        Ok(client)
    }

    pub fn pipelining(&self) -> bool {
        self.pipelining
    }

    /// Delivers `message` (CRLF line ends, ending in CRLF) to `rcpts`.
    pub async fn deliver(
        &mut self,
        from: &str,
        rcpts: &[String],
        message: &[u8],
    ) -> Result<Transaction, LmtpError> {
        let mail = format!("MAIL FROM:<{from}>\r\n");
        let rcpt_lines: Vec<String> = rcpts.iter().map(|r| format!("RCPT TO:<{r}>\r\n")).collect();
        let mut accepted = Vec::with_capacity(rcpts.len());
        let mut outcomes = Vec::with_capacity(rcpts.len());
        let (mail_reply, data_reply) = if self.pipelining {
            let mut batch = mail.into_bytes();
            for line in &rcpt_lines {
                batch.extend_from_slice(line.as_bytes());
            }
            batch.extend_from_slice(b"DATA\r\n");
            self.send("MAIL/RCPT/DATA", &batch).await?;
            let mail_reply = self.reply("MAIL").await?;
            for _ in rcpts {
                self.rcpt_reply(&mut accepted, &mut outcomes).await?;
            }
            (mail_reply, self.reply("DATA").await?)
        } else {
            self.send("MAIL", mail.as_bytes()).await?;
            let mail_reply = self.reply("MAIL").await?;
            if !mail_reply.is_positive() {
                return Err(LmtpError::Refused {
                    stage: "MAIL",
                    reply: mail_reply,
                });
            }
            for line in &rcpt_lines {
                self.send("RCPT", line.as_bytes()).await?;
                self.rcpt_reply(&mut accepted, &mut outcomes).await?;
            }
            if accepted.is_empty() {
                self.send("RSET", b"RSET\r\n").await?;
                self.reply("RSET").await?;
                return Ok(Transaction {
                    outcomes,
                    dot_sent: Instant::now(),
                    replied: Instant::now(),
                });
            }
            self.send("DATA", b"DATA\r\n").await?;
            (mail_reply, self.reply("DATA").await?)
        };
        if !mail_reply.is_positive() {
            return Err(LmtpError::Refused {
                stage: "MAIL",
                reply: mail_reply,
            });
        }
        if data_reply.code != 354 {
            if accepted.is_empty() {
                // RFC 2033 section 4.2: DATA fails when no RCPT succeeded.
                return Ok(Transaction {
                    outcomes,
                    dot_sent: Instant::now(),
                    replied: Instant::now(),
                });
            }
            return Err(LmtpError::Refused {
                stage: "DATA",
                reply: data_reply,
            });
        }
        if accepted.is_empty() {
            return Err(LmtpError::Protocol(
                "354 to DATA with no recipient accepted",
            ));
        }
        let mut payload = Vec::with_capacity(message.len() + 3);
        payload.extend_from_slice(message);
        payload.extend_from_slice(b".\r\n");
        self.send("message", &payload).await?;
        let dot_sent = Instant::now();
        // One reply per accepted recipient, in RCPT order (RFC 2033 4.2).
        for &index in &accepted {
            let reply = self.reply("end of data").await?;
            let outcome = if reply.is_positive() {
                RcptOutcome::Delivered
            } else {
                RcptOutcome::Failed(reply)
            };
            if let Some(slot) = outcomes.get_mut(index) {
                *slot = outcome;
            }
        }
        Ok(Transaction {
            outcomes,
            dot_sent,
            replied: Instant::now(),
        })
    }

    async fn rcpt_reply(
        &mut self,
        accepted: &mut Vec<usize>,
        outcomes: &mut Vec<RcptOutcome>,
    ) -> Result<(), LmtpError> {
        let reply = self.reply("RCPT").await?;
        if reply.is_positive() {
            accepted.push(outcomes.len());
            // Replaced by the reply after DATA.
            outcomes.push(RcptOutcome::Delivered);
        } else {
            outcomes.push(RcptOutcome::Refused(reply));
        }
        Ok(())
    }

    /// Says QUIT and waits for the reply, ignoring its outcome.
    pub async fn quit(mut self) {
        if self.send("QUIT", b"QUIT\r\n").await.is_ok() {
            let _ = self.reply("QUIT").await;
        }
    }

    async fn send(&mut self, stage: &'static str, bytes: &[u8]) -> Result<(), LmtpError> {
        let write = self.stream.get_mut().write_all(bytes);
        tokio::time::timeout(self.timeout, write)
            .await
            .map_err(|_| LmtpError::Timeout(stage))?
            .map_err(|source| LmtpError::Io { stage, source })
    }

    async fn expect_positive(&mut self, stage: &'static str) -> Result<LmtpReply, LmtpError> {
        let reply = self.reply(stage).await?;
        if reply.is_positive() {
            Ok(reply)
        } else {
            Err(LmtpError::Refused { stage, reply })
        }
    }

    async fn reply(&mut self, stage: &'static str) -> Result<LmtpReply, LmtpError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            self.line.clear();
            let mut limited = (&mut self.stream).take(MAX_REPLY_LINE);
            let read = limited.read_until(b'\n', &mut self.line);
            let n = tokio::time::timeout_at(deadline, read)
                .await
                .map_err(|_| LmtpError::Timeout(stage))?
                .map_err(|source| LmtpError::Io { stage, source })?;
            if n == 0 {
                return Err(LmtpError::Closed(stage));
            }
            let Some(line) = self.line.strip_suffix(b"\n") else {
                return Err(MalformedReply("reply line too long".into()).into());
            };
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let text = String::from_utf8_lossy(line);
            if let Some(reply) = self.builder.line(&text)? {
                return Ok(reply);
            }
        }
    }
}

/// The recipient address for a user: the name itself when it has a domain,
/// else `name@domain`.
pub fn rcpt_address(user: &str, domain: &str) -> String {
    if user.contains('@') {
        user.to_owned()
    } else {
        format!("{user}@{domain}")
    }
}

/// A small message for `rcpt`; `id` makes its Message-ID unique in a run.
pub fn test_message(rcpt: &str, id: &str) -> Vec<u8> {
    format!(
        "From: dormouse-load <load@localhost>\r\n\
         To: <{rcpt}>\r\n\
         Subject: dormouse-load {id}\r\n\
         Message-ID: <{id}@dormouse-load.localhost>\r\n\
         Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n\
         \r\n\
         A test message from the dormouse load generator.\r\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    #[test]
    fn addresses_and_messages() {
        assert_eq!(
            rcpt_address("load00001", "localhost"),
            "load00001@localhost"
        );
        assert_eq!(
            rcpt_address("bob@example.org", "localhost"),
            "bob@example.org"
        );
        let m = test_message("a@b", "r1-7");
        let text = String::from_utf8(m).unwrap();
        assert!(text.ends_with("\r\n"));
        assert!(text.lines().all(|l| !l.starts_with('.')));
        assert!(text.contains("Message-ID: <r1-7@dormouse-load.localhost>"));
    }

    /// A scripted server: answers each expected command with canned lines.
    async fn fake_server(pipelining: bool) -> (SocketAddr, tokio::task::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let mut s = BufReader::new(stream);
            let mut seen = Vec::new();
            s.get_mut().write_all(b"220 fake LMTP\r\n").await.unwrap();
            let mut rcpts = Vec::new();
            loop {
                let mut line = String::new();
                if s.read_line(&mut line).await.unwrap() == 0 {
                    return seen;
                }
                let cmd = line.trim_end().to_owned();
                seen.push(cmd.clone());
                let out: String = if cmd.starts_with("LHLO") {
                    if pipelining {
                        "250-fake\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n".into()
                    } else {
                        "250-fake\r\n250 8BITMIME\r\n".into()
                    }
                } else if cmd.starts_with("MAIL") {
                    "250 2.1.0 OK\r\n".into()
                } else if let Some(r) = cmd.strip_prefix("RCPT TO:") {
                    if r.contains("nobody") {
                        "550 5.1.1 no such user\r\n".into()
                    } else {
                        rcpts.push(r.to_owned());
                        "250 2.1.5 OK\r\n".into()
                    }
                } else if cmd == "DATA" {
                    s.get_mut().write_all(b"354 go ahead\r\n").await.unwrap();
                    loop {
                        let mut l = String::new();
                        s.read_line(&mut l).await.unwrap();
                        if l == ".\r\n" {
                            break;
                        }
                    }
                    let mut out = String::new();
                    for r in rcpts.drain(..) {
                        if r.contains("full") {
                            out.push_str("452 4.2.2 over quota\r\n");
                        } else {
                            out.push_str("250 2.0.0 delivered\r\n");
                        }
                    }
                    out
                } else if cmd == "QUIT" {
                    "221 bye\r\n".into()
                } else {
                    "500 what\r\n".into()
                };
                s.get_mut().write_all(out.as_bytes()).await.unwrap();
            }
        });
        (addr, handle)
    }

    async fn one_transaction(pipelining: bool) {
        let (addr, server) = fake_server(pipelining).await;
        let mut c = LmtpClient::connect(addr, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(c.pipelining(), pipelining);
        let rcpts: Vec<String> = ["a@x", "nobody@x", "full@x", "b@x"]
            .map(String::from)
            .to_vec();
        let t = c
            .deliver("s@x", &rcpts, &test_message("a@x", "1"))
            .await
            .unwrap();
        assert_eq!(t.outcomes.len(), 4);
        assert_eq!(t.outcomes[0], RcptOutcome::Delivered);
        assert!(matches!(&t.outcomes[1], RcptOutcome::Refused(r) if r.code == 550));
        assert!(matches!(&t.outcomes[2], RcptOutcome::Failed(r) if r.code == 452));
        assert_eq!(t.outcomes[3], RcptOutcome::Delivered);
        assert!(t.replied >= t.dot_sent);
        c.quit().await;
        let seen = server.await.unwrap();
        assert_eq!(
            seen.iter().filter(|c| c.starts_with("RCPT")).count(),
            4,
            "{seen:?}"
        );
    }

    #[tokio::test]
    async fn per_recipient_replies_with_pipelining() {
        one_transaction(true).await;
    }

    #[tokio::test]
    async fn per_recipient_replies_without_pipelining() {
        one_transaction(false).await;
    }
}
