//! Error types for loading configuration and expanding the mail location.
//!
//! Every message names the offending key and, when the value came from a
//! file, the line and column; it never echoes secrets because the
//! configuration holds none.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// Where in a configuration text something was found (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, when the text came from one (`None` for `parse_str`).
    pub file: Option<PathBuf>,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// Turns a byte span of `text` into a line and column.
    ///
    /// Columns count characters, not bytes, so they match what an editor shows.
    pub(crate) fn from_span(
        text: &str,
        span: &Range<usize>,
        file: Option<&std::path::Path>,
    ) -> Self {
        let start = span.start.min(text.len());
        let before = text.get(..start).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        Location {
            file: file.map(std::path::Path::to_path_buf),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{}:{}:{}", file.display(), self.line, self.column),
            None => write!(f, "line {}, column {}", self.line, self.column),
        }
    }
}

/// Renders an optional location as a message prefix.
struct At<'a>(&'a Option<Location>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(location) => write!(f, "{location}: "),
            None => Ok(()),
        }
    }
}

/// Why a configuration could not be loaded, or a mail location not expanded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("cannot read configuration file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The text is not valid TOML, or a value has the wrong TOML type.
    #[error("{}{message}", At(at))]
    Syntax {
        at: Option<Location>,
        message: String,
    },

    /// A key that dormouse does not know; rejected so that a typo never
    /// silently leaves a setting at its default.
    #[error("{}unknown key `{key}`{}", At(at), expected_suffix(expected))]
    UnknownKey {
        at: Option<Location>,
        key: String,
        /// The keys valid at that place, as serde lists them.
        expected: String,
    },

    /// A key whose value is well-formed TOML but not acceptable.
    #[error("{}`{key}`: {reason}", At(at))]
    Invalid {
        /// The dotted key, such as `limits.max_literal`.
        key: String,
        at: Option<Location>,
        reason: String,
    },

    /// The mail location template could not be expanded for a user.
    #[error(transparent)]
    Expand(#[from] ExpandError),
}

fn expected_suffix(expected: &str) -> String {
    if expected.is_empty() {
        String::new()
    } else {
        format!("; expected {expected}")
    }
}

impl ConfigError {
    /// The dotted key this error is about, when there is one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::UnknownKey { key, .. } | ConfigError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }

    /// Converts a toml deserialisation error, recognising serde's
    /// unknown-field message so the key can be reported on its own.
    pub(crate) fn from_toml(
        err: &toml::de::Error,
        text: &str,
        file: Option<&std::path::Path>,
    ) -> Self {
        let at = err
            .span()
            .map(|span| Location::from_span(text, &span, file));
        // winnow's messages span several lines and are empty for some
        // syntax errors (a key with no value); keep them to one line.
        let lines: Vec<&str> = err
            .message()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let message = if lines.is_empty() {
            "malformed TOML: a value is missing or not valid here".to_owned()
        } else {
            lines.join("; ")
        };
        match parse_unknown_field(&message) {
            Some((key, expected)) => ConfigError::UnknownKey { at, key, expected },
            None => ConfigError::Syntax { at, message },
        }
    }
}

/// Picks apart serde's "unknown field `k`, expected one of `a`, `b`".
fn parse_unknown_field(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected = rest
        .strip_prefix(", expected ")
        .or_else(|| rest.strip_prefix(", "))
        .unwrap_or(rest)
        .to_owned();
    Some((key.to_owned(), expected))
}

/// Why a mail location could not be expanded for one user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    #[error("empty user name")]
    EmptyUser,
    #[error("user name has an empty local part before '@'")]
    EmptyLocalPart,
    #[error("user name contains '/', which would escape the mail directory")]
    UserContainsSlash,
    #[error("user name contains a NUL byte")]
    UserContainsNul,
    #[error("user name or one of its parts is '.' or '..'")]
    DotUser,
    #[error("mail_location uses %h but the user has no home directory")]
    MissingHome,
    #[error("expanded mail location contains a '..' component")]
    ParentComponent,
    #[error("expanded mail location is empty")]
    Empty,
    /// A relative template whose placeholders expanded to nothing at the
    /// start (`%d/%n` for a user without a domain gives `/bob`): taking it
    /// as absolute would put mail outside the data directory.
    #[error("mail location would leave the data directory (an empty placeholder at its start)")]
    LeavesBase,
}
