//! The bounds and names one LMTP session works with; the server fills them
//! from its configuration.

/// Longest command line, CRLF included. RFC 5321 §4.5.3.1.4 guarantees
/// only 512 octets; parameters and long addresses need more, and 4096 is
/// the bound `smtp-proto`'s own line receiver uses.
pub const MAX_LINE: usize = 4096;

/// Recipients in one transaction. RFC 5321 §4.5.3.1.8 asks for at least
/// 100; Postfix's LMTP client sends at most 50 per transaction by default
/// (`lmtp_destination_recipient_limit`), so 1000 is ample.
pub const MAX_RECIPIENTS: usize = 1000;

/// Protocol errors on one connection before it is closed, as Postfix's
/// `smtpd_hard_error_limit` (20) does for SMTP.
pub const MAX_ERRORS: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Shown in the greeting and the LHLO reply.
    pub hostname: String,
    /// Largest message body in bytes (after dot-unstuffing), advertised
    /// as `SIZE`.
    pub max_message_size: usize,
    pub max_recipients: usize,
    pub max_line: usize,
    pub max_errors: u32,
}

impl Settings {
    /// The defaults above with the given host name and size limit.
    pub fn new(hostname: &str, max_message_size: usize) -> Settings {
        // The name goes into reply lines: keep it to one printable line.
        let hostname: String = hostname
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(255)
            .collect();
        Settings {
            hostname: if hostname.is_empty() {
                "localhost".to_owned()
            } else {
                hostname
            },
            max_message_size,
            max_recipients: MAX_RECIPIENTS,
            max_line: MAX_LINE,
            max_errors: MAX_ERRORS,
        }
    }
}
