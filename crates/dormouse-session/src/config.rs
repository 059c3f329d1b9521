//! What a session is told from outside: settings shared by every connection
//! ([`SessionConfig`]) and the facts of one connection ([`ConnectionInfo`]).
//! Nothing here reads a file; the server builds these values.

use std::net::SocketAddr;

/// Which non-synchronising literals the server accepts (RFC 7888), and so
/// which of `LITERAL+` or `LITERAL-` CAPABILITY advertises. The parser
/// enforces the matching limit; the session only advertises it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Literals {
    /// `LITERAL+`: any size.
    #[default]
    Plus,
    /// `LITERAL-`: at most 4096 octets.
    Minus,
}

/// Whether LOGIN and `AUTHENTICATE PLAIN` may be used on this connection.
/// The session allows them on TLS and from loopback peers whatever this
/// says, so `Disallowed` means "only where the password cannot be sniffed".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlaintextAuth {
    Allowed,
    #[default]
    Disallowed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Plain,
    Tls,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    /// Default `Disallowed`: RFC 9051 §6.2.3 requires a configuration that
    /// refuses cleartext passwords, and it is the safe one.
    pub plaintext_auth: PlaintextAuth,
    /// Default `Plus`, what Dovecot advertises.
    pub literal: Literals,
    /// Shown in the greeting and as the ID `name`. Default `dormouse`.
    pub server_name: String,
    /// The ID `version`. Default: this crate's version.
    pub version: String,
    /// The mailbox hierarchy separator shown to clients. Default `.`, the
    /// Maildir++ separator (Dovecot's default for Maildir).
    pub hierarchy_separator: char,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            plaintext_auth: PlaintextAuth::default(),
            literal: Literals::default(),
            server_name: "dormouse".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            hierarchy_separator: '.',
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionInfo {
    pub remote: SocketAddr,
    pub local: SocketAddr,
    pub transport: Transport,
}

impl ConnectionInfo {
    /// Whether a cleartext password may be accepted here: on TLS, from a
    /// loopback peer (nothing to sniff on the wire, as Dovecot treats it), or
    /// when the configuration allows it everywhere.
    pub(crate) fn plaintext_auth_allowed(&self, config: &SessionConfig) -> bool {
        config.plaintext_auth == PlaintextAuth::Allowed
            || self.transport == Transport::Tls
            || self.remote.ip().to_canonical().is_loopback()
    }
}
