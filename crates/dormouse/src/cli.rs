//! The command-line grammar (clap derive) and its translation into the
//! types the subcommands take. Parsing only: nothing here reads files.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use dormouse_config::{Config, ConfigError, ListenAddr, Overrides};

#[derive(Debug, Parser)]
#[command(name = "dormouse", version, about = "An IMAP server for Maildir", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the IMAP and LMTP server until SIGINT or SIGTERM.
    Serve(ServeFlags),
    /// Manage the users in the passwd-file.
    #[command(subcommand)]
    User(UserCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// Where the configuration comes from; shared by every subcommand.
#[derive(Debug, Args)]
pub struct ConfigFlags {
    /// TOML configuration file (without it, built-in defaults apply).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory, overriding `data_dir` in the file.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl ConfigFlags {
    /// Loads and validates the configuration these flags describe.
    pub fn load(&self) -> Result<Config, ConfigError> {
        dormouse_config::load(self.config.as_deref(), &self.overrides())
    }

    fn overrides(&self) -> Overrides {
        Overrides {
            data_dir: self.data_dir.clone(),
            ..Overrides::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct ServeFlags {
    #[command(flatten)]
    pub common: ConfigFlags,
    /// IMAP listen address, overriding `listen.imap`.
    #[arg(long, value_name = "ADDR")]
    pub imap: Option<SocketAddr>,
    /// LMTP listen address or absolute UNIX socket path, overriding
    /// `listen.lmtp`.
    #[arg(long, value_name = "ADDR|PATH")]
    pub lmtp: Option<ListenAddr>,
    /// IMAPS (implicit TLS) listen address, overriding `listen.imaps`.
    #[arg(long, value_name = "ADDR")]
    pub imaps: Option<SocketAddr>,
}

impl ServeFlags {
    pub fn into_args(self) -> ServeArgs {
        ServeArgs {
            overrides: Overrides {
                imap: self.imap,
                lmtp: self.lmtp,
                imaps: self.imaps,
                ..self.common.overrides()
            },
            config: self.common.config,
        }
    }
}

/// What `serve::run` needs: the file to load and the flags that beat it.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    pub config: Option<PathBuf>,
    pub overrides: Overrides,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is the first line of standard input.
    Add(UserFlags),
    /// Change a user's password, read from the first line of standard input.
    Passwd(UserFlags),
    /// Remove a user from the passwd-file (their mail is left in place).
    Remove(UserFlags),
    /// Print the user names, one per line.
    List(ConfigFlags),
}

#[derive(Debug, Args)]
pub struct UserFlags {
    /// The login name.
    pub name: String,
    #[command(flatten)]
    pub common: ConfigFlags,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print the effective settings as TOML.
    Check(ConfigFlags),
}
