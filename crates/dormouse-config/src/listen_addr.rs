//! `ListenAddr`: where a listener that accepts either TCP or a UNIX socket
//! (today only LMTP) is bound: an IP address with a port, or an absolute
//! socket path. Parsing only; nothing here touches the filesystem.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The longest socket path Linux accepts: `sun_path` holds 108 bytes,
/// one of which is the terminating NUL.
pub const MAX_SOCKET_PATH: usize = 107;

/// A TCP address or a UNIX socket path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    Tcp(SocketAddr),
    /// Always absolute, at most [`MAX_SOCKET_PATH`] bytes, naming a file.
    Unix(PathBuf),
}

impl ListenAddr {
    /// The TCP address, when this is one.
    pub fn tcp(&self) -> Option<SocketAddr> {
        match self {
            ListenAddr::Tcp(addr) => Some(*addr),
            ListenAddr::Unix(_) => None,
        }
    }

    /// The socket path, when this is one.
    pub fn unix(&self) -> Option<&Path> {
        match self {
            ListenAddr::Tcp(_) => None,
            ListenAddr::Unix(path) => Some(path),
        }
    }
}

impl From<SocketAddr> for ListenAddr {
    fn from(addr: SocketAddr) -> ListenAddr {
        ListenAddr::Tcp(addr)
    }
}

/// Why a text is not a `ListenAddr`; the message says what would be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListenAddrError {
    #[error(
        "\"{0}\" is neither an IP address with a port, such as \"127.0.0.1:2424\" or \
         \"[::1]:24\" (host names are not resolved), nor an absolute UNIX socket path such \
         as \"/run/dormouse/lmtp\""
    )]
    Neither(String),
    #[error("the UNIX socket path \"{0}\" is relative; it must start with '/'")]
    Relative(String),
    #[error("the UNIX socket path contains a NUL character")]
    Nul,
    #[error("the UNIX socket path is {0} bytes long; the system allows at most {MAX_SOCKET_PATH}")]
    TooLong(usize),
    #[error("the UNIX socket path \"{0}\" names a directory, not a socket file")]
    Directory(String),
}

impl FromStr for ListenAddr {
    type Err = ListenAddrError;

    fn from_str(text: &str) -> Result<ListenAddr, ListenAddrError> {
        let text = text.trim();
        if text.starts_with('/') {
            return unix_path(text).map(ListenAddr::Unix);
        }
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok(ListenAddr::Tcp(addr));
        }
        // "run/lmtp" or "./lmtp": clearly meant as a path, so say what is
        // wrong with it rather than listing both forms.
        if text.contains('/') {
            return Err(ListenAddrError::Relative(text.to_owned()));
        }
        Err(ListenAddrError::Neither(text.to_owned()))
    }
}

fn unix_path(text: &str) -> Result<PathBuf, ListenAddrError> {
    if text.contains('\0') {
        return Err(ListenAddrError::Nul);
    }
    if text.len() > MAX_SOCKET_PATH {
        return Err(ListenAddrError::TooLong(text.len()));
    }
    let path = PathBuf::from(text);
    let names_file = !text.ends_with('/')
        && path
            .file_name()
            .is_some_and(|name| name != "." && name != "..");
    if !names_file || text.ends_with("/.") {
        return Err(ListenAddrError::Directory(text.to_owned()));
    }
    Ok(path)
}

/// The form the configuration file takes, so rendering round-trips.
impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Tcp(addr) => write!(f, "{addr}"),
            ListenAddr::Unix(path) => write!(f, "{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ListenAddr, ListenAddrError> {
        text.parse()
    }

    #[test]
    fn addresses_and_paths_parse() {
        assert_eq!(
            parse("127.0.0.1:24"),
            Ok(ListenAddr::Tcp(SocketAddr::from(([127, 0, 0, 1], 24))))
        );
        assert_eq!(
            parse(" /run/dormouse/lmtp "),
            Ok(ListenAddr::Unix(PathBuf::from("/run/dormouse/lmtp")))
        );
    }

    #[test]
    fn bad_forms_are_refused_with_a_reason() {
        assert!(matches!(
            parse("127.0.0.1"),
            Err(ListenAddrError::Neither(_))
        ));
        assert!(matches!(
            parse("lmtp.sock"),
            Err(ListenAddrError::Neither(_))
        ));
        assert!(matches!(
            parse("run/lmtp"),
            Err(ListenAddrError::Relative(_))
        ));
        assert!(matches!(parse("/run/"), Err(ListenAddrError::Directory(_))));
        assert!(matches!(
            parse("/run/.."),
            Err(ListenAddrError::Directory(_))
        ));
        assert!(matches!(parse("/"), Err(ListenAddrError::Directory(_))));
        assert_eq!(parse("/a\0b"), Err(ListenAddrError::Nul));
        let long = format!("/{}", "x".repeat(MAX_SOCKET_PATH));
        assert_eq!(
            parse(&long),
            Err(ListenAddrError::TooLong(MAX_SOCKET_PATH + 1))
        );
        assert!(parse(&long[..MAX_SOCKET_PATH]).is_ok());
    }

    #[test]
    fn display_parses_back() {
        for text in ["[::1]:2424", "/run/dormouse/lmtp"] {
            let addr = parse(text).unwrap();
            assert_eq!(parse(&addr.to_string()), Ok(addr));
        }
    }
}
