//! A scripted stand-in for an IMAP server with IDLE and an LMTP listener,
//! just enough to drive the load generator end to end and to make it see
//! faults on purpose: a wrong EXISTS count, a lost notification, a DONE
//! answered with NO. It checks nothing itself; the generator's report does.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What the fake gets wrong, for every user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Announces one message more than the mailbox holds.
    WrongCount,
    /// Delivers but never tells the sessions.
    NoNotification,
    /// Answers DONE with a tagged NO.
    DoneRefused,
}

#[derive(Default)]
struct Mailboxes {
    counts: HashMap<String, u32>,
    watchers: HashMap<String, Vec<mpsc::UnboundedSender<u32>>>,
    delivered: u32,
}

pub struct Fake {
    pub imap: SocketAddr,
    pub lmtp: SocketAddr,
    state: Arc<Mutex<Mailboxes>>,
}

impl Fake {
    /// `initial` gives users messages they hold before the run.
    pub async fn start(fault: Fault, initial: &[(&str, u32)]) -> Fake {
        let state = Arc::new(Mutex::new(Mailboxes::default()));
        {
            let mut s = state.lock().unwrap();
            for (user, n) in initial {
                s.counts.insert((*user).to_owned(), *n);
            }
        }
        let imap = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let lmtp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = Fake {
            imap: imap.local_addr().unwrap(),
            lmtp: lmtp.local_addr().unwrap(),
            state: state.clone(),
        };
        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = imap.accept().await {
                tokio::spawn(imap_conn(stream, st.clone(), fault));
            }
        });
        tokio::spawn(async move {
            while let Ok((stream, _)) = lmtp.accept().await {
                tokio::spawn(lmtp_conn(stream, state.clone(), fault));
            }
        });
        fake
    }

    /// Messages delivered over LMTP so far.
    pub fn delivered(&self) -> u32 {
        self.state.lock().unwrap().delivered
    }
}

fn unquote(word: &str) -> String {
    word.trim_matches('"').to_owned()
}

async fn imap_conn(stream: TcpStream, state: Arc<Mutex<Mailboxes>>, fault: Fault) {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
    let mut user = String::new();
    let mut idle_tag: Option<String> = None;
    let mut buf = Vec::new();
    if w.write_all(b"* OK [CAPABILITY IMAP4rev1 IDLE] fake ready\r\n")
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            n = r.read_until(b'\n', &mut buf) => {
                if !matches!(n, Ok(n) if n > 0) {
                    return;
                }
                let line = String::from_utf8_lossy(&buf).trim_end().to_owned();
                buf.clear();
                let out = if line == "DONE" {
                    let tag = idle_tag.take().unwrap_or_default();
                    if fault == Fault::DoneRefused {
                        format!("{tag} NO not today\r\n")
                    } else {
                        format!("{tag} OK IDLE terminated\r\n")
                    }
                } else {
                    let mut words = line.split(' ');
                    let tag = words.next().unwrap_or_default().to_owned();
                    match words.next().unwrap_or_default().to_ascii_uppercase().as_str() {
                        "LOGIN" => {
                            user = unquote(words.next().unwrap_or_default());
                            let pass = unquote(words.next().unwrap_or_default());
                            if pass == user {
                                format!("* CAPABILITY IMAP4rev1 IDLE\r\n{tag} OK LOGIN completed\r\n")
                            } else {
                                format!("{tag} NO [AUTHENTICATIONFAILED] no\r\n")
                            }
                        }
                        "SELECT" => {
                            let mut s = state.lock().unwrap();
                            let n = *s.counts.get(&user).unwrap_or(&0);
                            s.watchers.entry(user.clone()).or_default().push(tx.clone());
                            format!(
                                "* FLAGS (\\Seen)\r\n* {n} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] u\r\n{tag} OK [READ-WRITE] SELECT completed\r\n"
                            )
                        }
                        "IDLE" => {
                            idle_tag = Some(tag);
                            "+ idling\r\n".to_owned()
                        }
                        "NOOP" => format!("{tag} OK NOOP completed\r\n"),
                        _ => format!("{tag} BAD unknown\r\n"),
                    }
                };
                if w.write_all(out.as_bytes()).await.is_err() {
                    return;
                }
            }
            Some(n) = rx.recv() => {
                if w.write_all(format!("* {n} EXISTS\r\n* 1 RECENT\r\n").as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn lmtp_conn(stream: TcpStream, state: Arc<Mutex<Mailboxes>>, fault: Fault) {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let mut rcpts: Vec<String> = Vec::new();
    if w.write_all(b"220 fake LMTP\r\n").await.is_err() {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if !matches!(r.read_line(&mut line).await, Ok(n) if n > 0) {
            return;
        }
        let cmd = line.trim_end();
        let out = if cmd.starts_with("LHLO") {
            "250-fake\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n".to_owned()
        } else if cmd.starts_with("MAIL") {
            rcpts.clear();
            "250 2.1.0 OK\r\n".to_owned()
        } else if let Some(addr) = cmd.strip_prefix("RCPT TO:<") {
            let local = addr.split(['@', '>']).next().unwrap_or_default().to_owned();
            rcpts.push(local);
            "250 2.1.5 OK\r\n".to_owned()
        } else if cmd == "DATA" {
            if w.write_all(b"354 go on\r\n").await.is_err() {
                return;
            }
            loop {
                line.clear();
                if !matches!(r.read_line(&mut line).await, Ok(n) if n > 0) {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
            }
            let mut out = String::new();
            for user in rcpts.drain(..) {
                let mut s = state.lock().unwrap();
                s.delivered += 1;
                let n = {
                    let c = s.counts.entry(user.clone()).or_insert(0);
                    *c += 1;
                    *c
                };
                let announced = if fault == Fault::WrongCount { n + 1 } else { n };
                if fault != Fault::NoNotification {
                    for watcher in s.watchers.get(&user).into_iter().flatten() {
                        let _ = watcher.send(announced);
                    }
                }
                out.push_str("250 2.0.0 delivered\r\n");
            }
            out
        } else if cmd == "QUIT" {
            let _ = w.write_all(b"221 bye\r\n").await;
            return;
        } else {
            "500 5.5.1 what\r\n".to_owned()
        };
        if w.write_all(out.as_bytes()).await.is_err() {
            return;
        }
    }
}
