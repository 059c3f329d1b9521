//! LMTP delivery over real sockets into real Maildirs, checked over IMAP
//! and on disk: per-recipient replies in order, unknown users, +detail,
//! size limits, a client killed mid-DATA, the UNIX socket, shutdown.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpStream, UnixStream};

use crate::harness::{Client, TIMEOUT, TestServer, ok};

/// A raw LMTP client: writes bytes, reads whole replies.
struct Lmtp {
    reader: BufReader<Box<dyn AsyncRead + Unpin + Send>>,
    writer: Box<dyn AsyncWrite + Unpin + Send>,
}

impl Lmtp {
    async fn tcp(server: &TestServer) -> Lmtp {
        let (r, w) = TcpStream::connect(server.lmtp_addr)
            .await
            .expect("connect lmtp")
            .into_split();
        Lmtp::greeted(Box::new(r), Box::new(w)).await
    }

    async fn unix(path: &Path) -> Lmtp {
        let (r, w) = UnixStream::connect(path)
            .await
            .expect("connect lmtp socket")
            .into_split();
        Lmtp::greeted(Box::new(r), Box::new(w)).await
    }

    async fn greeted(
        r: Box<dyn AsyncRead + Unpin + Send>,
        w: Box<dyn AsyncWrite + Unpin + Send>,
    ) -> Lmtp {
        let mut lmtp = Lmtp {
            reader: BufReader::new(r),
            writer: w,
        };
        let greeting = lmtp.reply().await;
        assert!(greeting.starts_with("220 "), "{greeting}");
        lmtp
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.expect("send");
    }

    /// One reply, all its lines; empty at end of stream.
    async fn reply(&mut self) -> String {
        let mut out = String::new();
        loop {
            let mut line = String::new();
            tokio::time::timeout(TIMEOUT, self.reader.read_line(&mut line))
                .await
                .expect("reply in time")
                .expect("read");
            out.push_str(&line);
            if line.len() < 4 || line.as_bytes().get(3) != Some(&b'-') {
                return out;
            }
        }
    }

    async fn replies(&mut self, n: usize) -> Vec<String> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.reply().await);
        }
        out
    }

    /// LHLO, MAIL and every RCPT in one write, then DATA and the body;
    /// returns the RCPT replies and the per-recipient DATA replies.
    async fn transaction(&mut self, rcpts: &[&str], body: &str) -> (Vec<String>, Vec<String>) {
        let mut envelope = String::from("LHLO mta.test\r\nMAIL FROM:<sender@example.net>\r\n");
        for rcpt in rcpts {
            envelope.push_str(&format!("RCPT TO:<{rcpt}>\r\n"));
        }
        envelope.push_str("DATA\r\n");
        self.send(envelope.as_bytes()).await;
        let lhlo = self.reply().await;
        assert!(lhlo.contains("250-PIPELINING\r\n"), "{lhlo}");
        assert_eq!(self.reply().await, "250 2.1.0 Sender OK\r\n");
        let rcpt_replies = self.replies(rcpts.len()).await;
        let accepted = rcpt_replies.iter().filter(|r| r.starts_with("250")).count();
        if accepted == 0 {
            assert!(self.reply().await.starts_with("503 "));
            return (rcpt_replies, Vec::new());
        }
        assert!(self.reply().await.starts_with("354 "));
        self.send(format!("{body}.\r\n").as_bytes()).await;
        (rcpt_replies, self.replies(accepted).await)
    }
}

const MESSAGE: &str = "Subject: delivered\r\n\r\nHello over LMTP.\r\n";

async fn imap(server: &TestServer, user: &str, password: &str) -> Client {
    let mut c = server.connect().await;
    c.line().await;
    ok(&mut c, "l", &format!("LOGIN \"{user}\" \"{password}\"")).await;
    c
}

/// `STATUS name (MESSAGES)`'s count.
async fn messages(c: &mut Client, mailbox: &str) -> u32 {
    let lines = ok(c, "st", &format!("STATUS {mailbox} (MESSAGES)")).await;
    lines
        .iter()
        .find_map(|l| l.split("MESSAGES ").nth(1))
        .and_then(|rest| rest.trim_end_matches([')', '\r', '\n']).parse().ok())
        .unwrap_or_else(|| panic!("no MESSAGES in {lines:?}"))
}

/// Files in each of a Maildir's `tmp`, `new` and `cur`.
fn files(maildir: &Path) -> [usize; 3] {
    ["tmp", "new", "cur"].map(|sub| {
        std::fs::read_dir(maildir.join(sub)).map_or(0, |d| d.filter_map(Result::ok).count())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_recipients_get_their_replies_in_order_and_each_finds_the_message() {
    let users: String = (1..=50)
        .map(|i| format!("user{i}@example.org:{{PLAIN}}pw{i}::::::\n"))
        .collect();
    let server = TestServer::start_with_users(&users).await;
    let rcpts: Vec<String> = (1..=50).map(|i| format!("user{i}@example.org")).collect();
    let rcpt_refs: Vec<&str> = rcpts.iter().map(String::as_str).collect();
    let mut lmtp = Lmtp::tcp(&server).await;
    let (accepted, delivered) = lmtp.transaction(&rcpt_refs, MESSAGE).await;
    assert!(
        accepted.iter().all(|r| r.starts_with("250 2.1.5 ")),
        "{accepted:?}"
    );
    let expected: Vec<String> = rcpts
        .iter()
        .map(|r| format!("250 2.0.0 <{r}> Saved\r\n"))
        .collect();
    assert_eq!(delivered, expected);
    for i in 1..=50 {
        let mut c = imap(&server, &format!("user{i}@example.org"), &format!("pw{i}")).await;
        let select = ok(&mut c, "s", "SELECT INBOX").await;
        assert!(select.contains(&"* 1 EXISTS\r\n".to_owned()), "{select:?}");
        let fetch = c
            .command(
                "f",
                "FETCH 1 BODY.PEEK[HEADER.FIELDS (RETURN-PATH DELIVERED-TO)]",
            )
            .await
            .concat();
        assert!(
            fetch.contains("Return-Path: <sender@example.net>\r\n"),
            "{fetch}"
        );
        assert!(
            fetch.contains(&format!("Delivered-To: user{i}@example.org\r\n")),
            "{fetch}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_user_gets_550_and_the_others_still_get_the_message() {
    let server = TestServer::start().await;
    let mut lmtp = Lmtp::tcp(&server).await;
    let (accepted, delivered) = lmtp
        .transaction(&["nobody@example.org", "alice@example.org"], MESSAGE)
        .await;
    assert_eq!(
        accepted,
        [
            "550 5.1.1 <nobody@example.org> User unknown\r\n",
            "250 2.1.5 <alice@example.org> OK\r\n"
        ]
    );
    assert_eq!(delivered, ["250 2.0.0 <alice@example.org> Saved\r\n"]);
    let mut c = imap(&server, "alice", "wonderland").await;
    assert_eq!(messages(&mut c, "INBOX").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plus_detail_goes_to_that_mailbox_when_it_exists_and_to_inbox_otherwise() {
    let server = TestServer::start().await;
    let mut c = imap(&server, "alice", "wonderland").await;
    ok(&mut c, "c", "CREATE work").await;
    let mut lmtp = Lmtp::tcp(&server).await;
    let (_, delivered) = lmtp
        .transaction(
            &["alice+work@example.org", "alice+nosuch@example.org"],
            MESSAGE,
        )
        .await;
    assert!(
        delivered.iter().all(|r| r.starts_with("250 2.0.0 ")),
        "{delivered:?}"
    );
    assert_eq!(messages(&mut c, "work").await, 1);
    assert_eq!(messages(&mut c, "INBOX").await, 1);
    ok(&mut c, "s", "SELECT work").await;
    let fetch = c
        .command("f", "FETCH 1 BODY.PEEK[HEADER.FIELDS (DELIVERED-TO)]")
        .await
        .concat();
    // The address as the MTA gave it, detail and all.
    assert!(
        fetch.contains("Delivered-To: alice+work@example.org\r\n"),
        "{fetch}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_killed_mid_data_leaves_no_message_behind() {
    let server = TestServer::start().await;
    let mut c = imap(&server, "bob", "builder").await;
    assert_eq!(messages(&mut c, "INBOX").await, 0);
    let maildir = server.data_dir().join("mail/bob");
    assert_eq!(files(&maildir), [0, 0, 0]);

    let mut lmtp = Lmtp::tcp(&server).await;
    lmtp.send(b"LHLO mta\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n")
        .await;
    lmtp.replies(4).await;
    let body = format!("Subject: cut\r\n\r\n{}\r\n", "x".repeat(100_000));
    lmtp.send(&body.as_bytes()[..body.len() / 2]).await;
    drop(lmtp);

    // A complete delivery on a new connection afterwards: it must be the
    // only message there is, and nothing may linger in tmp/.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let mut lmtp = Lmtp::tcp(&server).await;
    let (_, delivered) = lmtp.transaction(&["bob@example.org"], MESSAGE).await;
    assert_eq!(delivered, ["250 2.0.0 <bob@example.org> Saved\r\n"]);
    assert_eq!(messages(&mut c, "INBOX").await, 1);
    assert_eq!(files(&maildir), [0, 0, 1]);
    ok(&mut c, "s", "SELECT INBOX").await;
    let fetch = c
        .command("f", "FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]")
        .await
        .concat();
    assert!(fetch.contains("Subject: delivered"), "{fetch}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversize_message_gets_552_and_is_not_stored() {
    let server =
        TestServer::start_with("[limits]\nmax_literal = 1024\nmax_append_size = 4096").await;
    let mut lmtp = Lmtp::tcp(&server).await;
    lmtp.send(b"LHLO mta\r\nMAIL FROM:<a@example.net> SIZE=5000\r\n")
        .await;
    let lhlo = lmtp.reply().await;
    assert!(lhlo.ends_with("250 SIZE 4096\r\n"), "{lhlo}");
    assert!(lmtp.reply().await.starts_with("552 5.3.4 "));
    let big = format!("Subject: big\r\n\r\n{}\r\n", "y".repeat(10_000));
    let (_, delivered) = lmtp.transaction(&["alice@example.org"], &big).await;
    assert_eq!(
        delivered,
        ["552 5.3.4 <alice@example.org> Message size exceeds fixed maximum message size\r\n"]
    );
    let (_, delivered) = lmtp.transaction(&["alice@example.org"], MESSAGE).await;
    assert_eq!(delivered, ["250 2.0.0 <alice@example.org> Saved\r\n"]);
    let mut c = imap(&server, "alice", "wonderland").await;
    assert_eq!(messages(&mut c, "INBOX").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unix_socket_is_world_writable_and_delivers() {
    let server = TestServer::start().await;
    let mode = std::fs::metadata(&server.lmtp_socket)
        .expect("socket exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o666);
    let mut lmtp = Lmtp::unix(&server.lmtp_socket).await;
    let (_, delivered) = lmtp.transaction(&["alice@example.org"], MESSAGE).await;
    assert_eq!(delivered, ["250 2.0.0 <alice@example.org> Saved\r\n"]);
    let mut c = imap(&server, "alice", "wonderland").await;
    assert_eq!(messages(&mut c, "INBOX").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_connection_delivers_many_messages_in_turn() {
    let server = TestServer::start().await;
    let mut lmtp = Lmtp::tcp(&server).await;
    for i in 0..100 {
        if i % 10 == 0 {
            lmtp.send(b"RSET\r\n").await;
            assert_eq!(lmtp.reply().await, "250 2.0.0 OK\r\n");
        }
        let body = format!("Subject: n{i}\r\n\r\nmessage {i}\r\n");
        let (_, delivered) = lmtp.transaction(&["alice@example.org"], &body).await;
        assert_eq!(delivered, ["250 2.0.0 <alice@example.org> Saved\r\n"]);
    }
    lmtp.send(b"QUIT\r\n").await;
    assert!(lmtp.reply().await.starts_with("221 2.0.0 "));
    assert_eq!(lmtp.reply().await, "", "closed after QUIT");
    let mut c = imap(&server, "alice", "wonderland").await;
    let select = ok(&mut c, "s", "SELECT INBOX").await;
    assert!(
        select.contains(&"* 100 EXISTS\r\n".to_owned()),
        "{select:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_says_421_to_an_lmtp_client() {
    let server = TestServer::start().await;
    let mut lmtp = Lmtp::tcp(&server).await;
    lmtp.send(b"LHLO mta\r\n").await;
    lmtp.reply().await;
    let stop = tokio::spawn(server.stop());
    let bye = lmtp.reply().await;
    assert!(bye.starts_with("421 4.3.2 "), "{bye}");
    stop.await.expect("server stopped");
}

/// The point of LMTP plus IDLE: a message an MTA hands in reaches a client
/// waiting in IDLE as `* N EXISTS` with the mailbox's new count, without
/// the client asking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idling_client_sees_each_delivery_as_exists_with_the_right_count() {
    let server = TestServer::start().await;
    let mut lmtp = Lmtp::tcp(&server).await;
    let (_, replies) = lmtp.transaction(&["alice@example.org"], MESSAGE).await;
    assert_eq!(replies.len(), 1);
    let mut idler = imap(&server, "alice", "wonderland").await;
    ok(&mut idler, "e", "ENABLE IMAP4rev2").await;
    let selected = ok(&mut idler, "s", "SELECT INBOX").await;
    assert!(
        selected.contains(&"* 1 EXISTS\r\n".to_string()),
        "{selected:?}"
    );
    idler.send(b"i IDLE\r\n").await;
    assert_eq!(idler.line().await, "+ idling\r\n");
    for n in 2..=4 {
        lmtp.send(b"RSET\r\n").await;
        assert!(lmtp.reply().await.starts_with("250 "));
        let (_, replies) = lmtp.transaction(&["alice@example.org"], MESSAGE).await;
        assert!(replies[0].starts_with("250 2.0.0"), "{replies:?}");
        assert_eq!(idler.line().await, format!("* {n} EXISTS\r\n"));
    }
    idler.send(b"DONE\r\n").await;
    assert_eq!(idler.line().await, "i OK IDLE terminated\r\n");
}
