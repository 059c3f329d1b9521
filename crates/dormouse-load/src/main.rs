//! The dormouse-load binary: parses the command line, reads the users file,
//! runs the library's measurement on a tokio runtime and prints its report
//! (and writes it as JSON when asked). Exit status 1 when the run could not
//! start or counted any error.

mod cli;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use dormouse_load::passwd::{config_snippet, read_users, write_users};
use dormouse_load::{run_idle, run_lmtp_rate};

use cli::{Cli, Command, UsersFlags};

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("dormouse-load: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Ok(true) when the run was clean.
fn run(command: Command) -> anyhow::Result<bool> {
    match command {
        Command::Users(flags) => users(&flags).map(|()| true),
        Command::Idle(flags) => {
            let users = read_users(&flags.users)?;
            let (opts, json) = flags.into_options(users);
            let report = runtime()?.block_on(run_idle(opts))?;
            print_out(&report.to_string())?;
            write_json(json.as_deref(), &report)?;
            Ok(report.is_clean())
        }
        Command::LmtpRate(flags) => {
            let users = read_users(&flags.users)?;
            let (opts, json) = flags.into_options(users);
            let report = runtime()?.block_on(run_lmtp_rate(opts))?;
            print_out(&report.to_string())?;
            write_json(json.as_deref(), &report)?;
            Ok(report.is_clean())
        }
    }
}

fn users(flags: &UsersFlags) -> anyhow::Result<()> {
    write_users(&flags.out, &flags.prefix, flags.count)?;
    let path = std::fs::canonicalize(&flags.out)
        .with_context(|| format!("cannot resolve {}", flags.out.display()))?;
    eprintln!(
        "wrote {} users to {} ({{PLAIN}} passwords equal to the user names: benchmarks only)",
        flags.count,
        path.display()
    );
    print_out(&config_snippet(&path, &flags.data_dir))
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn write_json(path: Option<&Path>, report: &impl serde::Serialize) -> anyhow::Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let text = serde_json::to_string_pretty(report)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}
