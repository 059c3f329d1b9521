//! dormouse's configuration: a TOML file plus command-line overrides,
//! turned into a typed, validated `Config` before any socket is bound.
//!
//! Two stages: `raw` (serde, every key optional, unknown keys rejected) and
//! `validate` (typed values, cross-key rules, errors naming key and line).
//! Precedence is flags > file > built-in defaults. The only IO is reading
//! the file; nothing here checks that paths exist or binds addresses.

mod error;
mod listen_addr;
mod log_level;
mod raw;
mod render;
mod settings;
mod template;
mod units;
mod validate;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::{ConfigError, ExpandError, Location};
pub use listen_addr::{ListenAddr, ListenAddrError, MAX_SOCKET_PATH};
pub use settings::{
    AuthSettings, LimitSettings, Listen, LogFormat, LogSettings, TimeoutSettings, TlsFiles,
};
pub use template::MailLocation;

/// Values from command-line flags, which win over the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub imap: Option<SocketAddr>,
    pub lmtp: Option<ListenAddr>,
    pub imaps: Option<SocketAddr>,
}

/// The validated configuration. `docs/configuration.md` documents each
/// option; `Config::default()` is what an empty file gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where dormouse keeps its state. A relative path is relative to the
    /// working directory; the other relative paths resolve against this.
    pub data_dir: PathBuf,
    pub listen: Listen,
    /// The passwd-file, already resolved against `data_dir`.
    pub users_file: PathBuf,
    pub mail_location: MailLocation,
    /// Certificate and key for `listen.imaps`; `None` when not configured.
    pub tls: Option<TlsFiles>,
    pub auth: AuthSettings,
    pub limits: LimitSettings,
    pub timeouts: TimeoutSettings,
    pub log: LogSettings,
    /// How long graceful shutdown waits for clients after sending BYE.
    pub shutdown_grace: Duration,
    /// The mailbox hierarchy separator clients see: `.` or `/`.
    pub hierarchy_separator: char,
}

impl Config {
    /// The effective configuration as TOML listing every option; it parses
    /// back (with `parse_str` and no overrides) to an equal `Config`.
    pub fn to_toml(&self) -> String {
        render::to_toml(self)
    }
}

impl Default for Config {
    fn default() -> Self {
        let data_dir = PathBuf::from(raw::DATA_DIR);
        Config {
            users_file: data_dir.join(raw::USERS_FILE),
            mail_location: MailLocation::per_user_under(&data_dir),
            data_dir,
            listen: Listen::default(),
            tls: None,
            auth: AuthSettings::default(),
            limits: LimitSettings::default(),
            timeouts: TimeoutSettings::default(),
            log: LogSettings::default(),
            shutdown_grace: Duration::from_secs(raw::SHUTDOWN_GRACE_SECS),
            hierarchy_separator: raw::HIERARCHY_SEPARATOR,
        }
    }
}

/// Loads `file` (or only the built-in defaults when `None`) and applies
/// `overrides`.
pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Config, ConfigError> {
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            parse(
                validate::Source {
                    text: &text,
                    file: Some(path),
                },
                overrides,
            )
        }
        None => parse_str("", overrides),
    }
}

/// Parses configuration text that did not come from a file.
pub fn parse_str(text: &str, overrides: &Overrides) -> Result<Config, ConfigError> {
    parse(validate::Source { text, file: None }, overrides)
}

fn parse(src: validate::Source<'_>, overrides: &Overrides) -> Result<Config, ConfigError> {
    let raw: raw::RawConfig =
        toml::from_str(src.text).map_err(|e| ConfigError::from_toml(&e, src.text, src.file))?;
    validate::build(raw, src, overrides)
}
