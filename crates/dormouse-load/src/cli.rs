//! The command-line grammar (clap derive) and its translation into the
//! library's option types. Parsing only: reading the users file happens in
//! `main`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use dormouse_load::duration::parse_duration;
use dormouse_load::passwd::{Partition, User};
use dormouse_load::{IdleOptions, LmtpRateOptions};

#[derive(Debug, Parser)]
#[command(
    name = "dormouse-load",
    version,
    about = "Bounded load generator for dormouse (IDLE sessions, LMTP delivery); loopback only"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a passwd-file of N users whose password is their name ({PLAIN}:
    /// for benchmarks only) and print a dormouse configuration for it.
    Users(UsersFlags),
    /// Open N sessions in IDLE, measure setup, memory, delivery → EXISTS,
    /// a burst and wake waves.
    Idle(IdleFlags),
    /// Measure LMTP deliveries per second alone.
    LmtpRate(LmtpRateFlags),
}

#[derive(Debug, Args)]
pub struct UsersFlags {
    /// How many users.
    #[arg(long)]
    pub count: usize,
    /// The passwd-file to write (overwritten if it exists).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// User names are PREFIX00001, PREFIX00002, …
    #[arg(long, default_value = "load")]
    pub prefix: String,
    /// The data_dir the printed configuration names.
    #[arg(long, value_name = "DIR", default_value = "./dormouse-load-data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct IdleFlags {
    /// The server's IMAP address (127.0.0.0/8 only).
    #[arg(long, default_value = "127.0.0.1:1143")]
    pub imap: SocketAddr,
    /// The server's LMTP address (127.0.0.0/8 only).
    #[arg(long, default_value = "127.0.0.1:2424")]
    pub lmtp: SocketAddr,
    /// The passwd-file with the users ({PLAIN} passwords).
    #[arg(long, value_name = "FILE")]
    pub users: PathBuf,
    /// Sessions to open (1 to 19,000 per process).
    #[arg(long, default_value_t = 1000)]
    pub sessions: usize,
    /// Use only share I of N of the users (user k goes to k mod N), so that
    /// N processes run side by side on distinct users.
    #[arg(long, value_name = "I/N")]
    pub partition: Option<Partition>,
    /// Sessions per user; 10000 with --sessions 10000 puts all on one account.
    #[arg(long, default_value_t = 1)]
    pub sessions_per_user: usize,
    /// Source addresses 127.0.0.2 .. 127.0.0.(1+N).
    #[arg(long, default_value_t = 16)]
    pub sources: u8,
    /// Session setups in flight at once.
    #[arg(long, default_value_t = 256)]
    pub concurrency: usize,
    /// How long all sessions idle before deliveries start.
    #[arg(long, value_parser = parse_duration, default_value = "5s")]
    pub hold: Duration,
    /// Single deliveries timed to their EXISTS (0: none).
    #[arg(long, default_value_t = 200)]
    pub deliveries: usize,
    /// Distinct users that get one message each in the burst (0: none).
    #[arg(long, default_value_t = 2000)]
    pub burst: usize,
    /// Recipients per LMTP transaction in the burst.
    #[arg(long, default_value_t = 100)]
    pub rcpts_per_txn: usize,
    /// LMTP connections the burst uses in parallel.
    #[arg(long, default_value_t = 4)]
    pub lmtp_connections: usize,
    /// Waves of DONE → OK → IDLE (0: none).
    #[arg(long, default_value_t = 3)]
    pub wake_waves: usize,
    /// Percent of the live sessions woken in each wave.
    #[arg(long, default_value_t = 10)]
    pub wake_percent: u8,
    /// Send NOOP between a wave's DONE and the new IDLE.
    #[arg(long)]
    pub wake_noop: bool,
    /// The server's pid, to read its RSS, PSS and CPU time from /proc.
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,
    /// Seed for choosing users and samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Hard limit on the run (at most 1h).
    #[arg(long, value_parser = parse_duration, default_value = "10m")]
    pub max_duration: Duration,
    /// Limit on each reply and on each wake.
    #[arg(long, value_parser = parse_duration, default_value = "30s")]
    pub reply_timeout: Duration,
    /// How long an EXISTS may take after its delivery.
    #[arg(long, value_parser = parse_duration, default_value = "10s")]
    pub exists_timeout: Duration,
    /// Domain added to user names without one in RCPT TO.
    #[arg(long, default_value = "localhost")]
    pub rcpt_domain: String,
    /// Also write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

impl IdleFlags {
    pub fn into_options(self, users: Vec<User>) -> (IdleOptions, Option<PathBuf>) {
        let users = match self.partition {
            Some(p) => p.select(users),
            None => users,
        };
        let opts = IdleOptions {
            sessions: self.sessions,
            sessions_per_user: self.sessions_per_user,
            sources: self.sources,
            concurrency: self.concurrency,
            hold: self.hold,
            deliveries: self.deliveries,
            burst: self.burst,
            rcpts_per_txn: self.rcpts_per_txn,
            lmtp_connections: self.lmtp_connections,
            wake_waves: self.wake_waves,
            wake_percent: self.wake_percent,
            wake_noop: self.wake_noop,
            server_pid: self.server_pid,
            seed: self.seed,
            max_duration: self.max_duration,
            reply_timeout: self.reply_timeout,
            exists_timeout: self.exists_timeout,
            rcpt_domain: self.rcpt_domain,
            ..IdleOptions::new(self.imap, self.lmtp, users)
        };
        (opts, self.json)
    }
}

#[derive(Debug, Args)]
pub struct LmtpRateFlags {
    /// The server's LMTP address (127.0.0.0/8 only).
    #[arg(long, default_value = "127.0.0.1:2424")]
    pub lmtp: SocketAddr,
    /// The passwd-file whose users receive the messages.
    #[arg(long, value_name = "FILE")]
    pub users: PathBuf,
    /// Messages to deliver.
    #[arg(long, default_value_t = 2000)]
    pub messages: usize,
    /// LMTP connections in parallel.
    #[arg(long, default_value_t = 4)]
    pub connections: usize,
    /// Recipients per transaction.
    #[arg(long, default_value_t = 1)]
    pub rcpts_per_txn: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, value_parser = parse_duration, default_value = "10m")]
    pub max_duration: Duration,
    #[arg(long, value_parser = parse_duration, default_value = "30s")]
    pub reply_timeout: Duration,
    #[arg(long, default_value = "localhost")]
    pub rcpt_domain: String,
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

impl LmtpRateFlags {
    pub fn into_options(self, users: Vec<User>) -> (LmtpRateOptions, Option<PathBuf>) {
        let opts = LmtpRateOptions {
            messages: self.messages,
            connections: self.connections,
            rcpts_per_txn: self.rcpts_per_txn,
            seed: self.seed,
            max_duration: self.max_duration,
            reply_timeout: self.reply_timeout,
            rcpt_domain: self.rcpt_domain,
            ..LmtpRateOptions::new(self.lmtp, users)
        };
        (opts, self.json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Command {
        Cli::try_parse_from(args).unwrap().command
    }

    /// clap's defaults repeat the library's; this keeps them from drifting.
    #[test]
    fn cli_defaults_are_the_library_defaults() {
        let Command::Idle(flags) = parse(&["dormouse-load", "idle", "--users", "u"]) else {
            panic!("idle expected");
        };
        let (got, json) = flags.into_options(Vec::new());
        let want = IdleOptions::new(got.imap, got.lmtp, Vec::new());
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
        assert_eq!(got.imap, "127.0.0.1:1143".parse().unwrap());
        assert_eq!(json, None);

        let Command::LmtpRate(flags) = parse(&["dormouse-load", "lmtp-rate", "--users", "u"])
        else {
            panic!("lmtp-rate expected");
        };
        let (got, _) = flags.into_options(Vec::new());
        let want = LmtpRateOptions::new(got.lmtp, Vec::new());
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
    }

    #[test]
    fn flags_reach_the_options() {
        let Command::Idle(flags) = parse(&[
            "dormouse-load",
            "idle",
            "--users",
            "u",
            "--sessions",
            "20",
            "--hold",
            "1s500ms",
            "--burst",
            "10",
            "--wake-noop",
            "--server-pid",
            "42",
            "--json",
            "o.json",
        ]) else {
            panic!("idle expected");
        };
        let (o, json) = flags.into_options(Vec::new());
        assert_eq!(o.sessions, 20);
        assert_eq!(o.hold, Duration::from_millis(1500));
        assert_eq!(o.burst, 10);
        assert!(o.wake_noop);
        assert_eq!(o.server_pid, Some(42));
        assert_eq!(json, Some(PathBuf::from("o.json")));
        assert!(
            Cli::try_parse_from(["dormouse-load", "idle", "--users", "u", "--hold", "5"]).is_err()
        );
    }
}
