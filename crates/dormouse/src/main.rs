//! The dormouse binary: parses the command line and hands each subcommand to
//! its module. Holds no logic of its own beyond turning errors into a
//! message on stderr and exit status 1.

mod alloc;
mod cli;
mod config_cmd;
mod logging;
mod serve;
mod title;
mod user_cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

#[global_allocator]
static GLOBAL: alloc::Tiered = alloc::Tiered;

fn main() -> ExitCode {
    alloc::init();
    let result = match Cli::parse().command {
        Command::Serve(flags) => serve::run(flags.into_args()),
        Command::User(cmd) => user_cmd::run(cmd),
        Command::Config(cmd) => config_cmd::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dormouse: {}", one_line(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes joined by ": ", skipping a cause whose text the
/// message already ends with (error types that both print and expose their
/// source would otherwise say everything twice).
fn one_line(err: &anyhow::Error) -> String {
    let mut message = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}
