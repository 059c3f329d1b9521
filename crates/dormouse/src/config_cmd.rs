//! `dormouse config check`: validates the configuration and prints the
//! effective settings. Never touches the data directory or any socket.

use std::io::Write as _;

use anyhow::Context as _;

use crate::cli::ConfigCommand;

pub fn run(cmd: ConfigCommand) -> anyhow::Result<()> {
    match cmd {
        ConfigCommand::Check(flags) => {
            let config = flags.load()?;
            std::io::stdout()
                .write_all(config.to_toml().as_bytes())
                .context("cannot write to standard output")
        }
    }
}
