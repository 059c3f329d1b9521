//! The extra sessions whose memory the benchmark measures, run in a child
//! process (this same binary, started again with `CHILD_FLAG`) so that
//! their client side does not count in the server process's memory. The
//! parent steps the child through log in → select → log out, one line on
//! the child's stdin per step, and the child answers on its stdout when a
//! step is complete.

use std::io::{self, BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use crate::client::Client;

pub const CHILD_FLAG: &str = "--child-sessions";
const READ_BUFFER: usize = 1024;

/// The parent's handle on the child.
pub struct Sessions {
    child: std::process::Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Sessions {
    /// Starts the child, which logs `n` sessions in and then says `ready`.
    pub fn spawn(addr: SocketAddr, n: usize, user: &str, password: &str) -> io::Result<Sessions> {
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                CHILD_FLAG,
                &addr.to_string(),
                &n.to_string(),
                user,
                password,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?;
        Ok(Sessions {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    /// The child's next line (blocking).
    pub fn answer(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            return Err(io::Error::other("the session child exited early"));
        }
        Ok(line.trim_end().to_owned())
    }

    /// Tells the child to take its next step, and waits for its answer.
    pub fn step(&mut self, word: &str) -> io::Result<String> {
        writeln!(self.stdin, "{word}")?;
        self.stdin.flush()?;
        self.answer()
    }

    pub fn wait(mut self) -> io::Result<()> {
        drop(self.stdin);
        let status = self.child.wait()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("session child: {status}")))
        }
    }
}

/// The child's side: `args` are the address, the session count, the user
/// and the password, as `Sessions::spawn` passes them.
pub fn child_main(args: &[String]) {
    let [addr, n, user, password] = args else {
        panic!("{CHILD_FLAG} needs address, count, user, password");
    };
    let addr: SocketAddr = addr.parse().expect("address");
    let n: usize = n.parse().expect("count");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut clients = Vec::with_capacity(n);
        for _ in 0..n {
            clients.push(Client::login(addr, READ_BUFFER, user, password).await);
        }
        println!("ready");
        wait_for_parent();
        let mut times: Vec<Duration> = Vec::with_capacity(n);
        for c in &mut clients {
            times.push(c.ok("SELECT INBOX", |_| {}).await.elapsed);
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / u32::try_from(n.max(1)).unwrap_or(u32::MAX);
        let median = times.get(n / 2).copied().unwrap_or_default();
        let max = times.last().copied().unwrap_or_default();
        println!(
            "selected {} {} {}",
            mean.as_micros(),
            median.as_micros(),
            max.as_micros()
        );
        wait_for_parent();
        for mut c in clients {
            c.ok("LOGOUT", |_| {}).await;
        }
        println!("done");
    });
}

fn wait_for_parent() {
    let mut line = String::new();
    let _ = io::stdin().read_line(&mut line);
}
