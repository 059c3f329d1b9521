//! Replies: a code, an enhanced status code (RFC 3463, advertised as
//! ENHANCEDSTATUSCODES per RFC 2034) and text, written in wire form. Only
//! the greeting, 354 and the LHLO capability list go without a status.

use std::fmt;

/// An enhanced status code `class.subject.detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u8, pub u16, pub u16);

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// One reply, possibly of several lines (LHLO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub status: Option<Status>,
    /// At least one line; none may contain CR or LF.
    pub lines: Vec<String>,
}

impl Reply {
    pub fn new(code: u16, status: Status, text: impl Into<String>) -> Reply {
        Reply {
            code,
            status: Some(status),
            lines: vec![text.into()],
        }
    }

    /// A reply without an enhanced status code.
    pub fn bare(code: u16, text: impl Into<String>) -> Reply {
        Reply {
            code,
            status: None,
            lines: vec![text.into()],
        }
    }

    /// 4xx and 5xx: the command failed.
    pub fn is_failure(&self) -> bool {
        self.code >= 400
    }

    /// Appends the wire form: `code-text` for every line but the last,
    /// `code text` for the last, each ending in CRLF.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let last = self.lines.len().saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate() {
            let sep = if i == last { ' ' } else { '-' };
            let text = match self.status {
                Some(status) => format!("{}{sep}{status} {}\r\n", self.code, one_line(line)),
                None => format!("{}{sep}{}\r\n", self.code, one_line(line)),
            };
            out.extend_from_slice(text.as_bytes());
        }
        if self.lines.is_empty() {
            out.extend_from_slice(format!("{} \r\n", self.code).as_bytes());
        }
    }
}

/// Text that may carry client input: control characters would break the
/// reply framing, so they become '?'.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(reply: &Reply) -> String {
        let mut out = Vec::new();
        reply.write_to(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn single_and_multi_line_forms() {
        assert_eq!(
            wire(&Reply::new(250, Status(2, 1, 0), "Sender OK")),
            "250 2.1.0 Sender OK\r\n"
        );
        assert_eq!(wire(&Reply::bare(354, "Go ahead")), "354 Go ahead\r\n");
        let lhlo = Reply {
            code: 250,
            status: None,
            lines: vec!["host".into(), "PIPELINING".into(), "SIZE 10".into()],
        };
        assert_eq!(wire(&lhlo), "250-host\r\n250-PIPELINING\r\n250 SIZE 10\r\n");
    }

    #[test]
    fn control_characters_cannot_split_a_reply() {
        assert_eq!(
            wire(&Reply::new(550, Status(5, 1, 1), "<a\r\n250 b> x")),
            "550 5.1.1 <a??250 b> x\r\n"
        );
    }
}
