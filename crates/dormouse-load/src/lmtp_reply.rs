//! Assembles SMTP/LMTP replies (RFC 5321 section 4.2) from lines, sans-IO:
//! `250-first`, `250-second`, `250 last` make one reply with code 250. Only
//! the code and the text are kept; enhanced status codes stay in the text.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LmtpReply {
    pub code: u16,
    /// The lines' texts joined by newlines, code and separator removed.
    pub text: String,
}

impl LmtpReply {
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// The keywords of an LHLO reply (every line after the first), upper case.
    pub fn keywords(&self) -> impl Iterator<Item = String> + '_ {
        self.text
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next().map(|k| k.to_ascii_uppercase()))
    }
}

impl std::fmt::Display for LmtpReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.text.replace('\n', " / "))
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("malformed LMTP reply line: {0:?}")]
pub struct MalformedReply(pub String);

/// Collects the lines of one reply.
#[derive(Debug, Default)]
pub struct ReplyBuilder {
    code: Option<u16>,
    text: String,
}

/// The most lines one reply may have: an LHLO reply lists a dozen keywords.
const MAX_LINES: usize = 100;

impl ReplyBuilder {
    pub fn new() -> ReplyBuilder {
        ReplyBuilder::default()
    }

    /// Adds one line (CRLF removed); returns the reply once its last line
    /// has come, and is then ready for the next reply.
    pub fn line(&mut self, line: &str) -> Result<Option<LmtpReply>, MalformedReply> {
        let bad = || MalformedReply(crate::reply::excerpt(line));
        let digits = line.get(..3).ok_or_else(bad)?;
        if !digits.bytes().all(|b| b.is_ascii_digit())
            || !matches!(digits.as_bytes().first(), Some(b'2'..=b'5'))
        {
            return Err(bad());
        }
        let code: u16 = digits.parse().map_err(|_| bad())?;
        let (last, text) = match line.get(3..4) {
            None => (true, ""),
            Some(" ") => (true, line.get(4..).unwrap_or_default()),
            Some("-") => (false, line.get(4..).unwrap_or_default()),
            Some(_) => return Err(bad()),
        };
        match self.code {
            Some(c) if c != code => return Err(bad()),
            Some(_) => self.text.push('\n'),
            None => self.code = Some(code),
        }
        if self.text.lines().count() >= MAX_LINES {
            return Err(bad());
        }
        self.text.push_str(text);
        if !last {
            return Ok(None);
        }
        self.code = None;
        Ok(Some(LmtpReply {
            code,
            text: std::mem::take(&mut self.text),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(lines: &[&str]) -> Result<Vec<LmtpReply>, MalformedReply> {
        let mut b = ReplyBuilder::new();
        let mut out = Vec::new();
        for l in lines {
            if let Some(r) = b.line(l)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    #[test]
    fn single_and_multi_line() {
        let replies = parse(&[
            "220 localhost LMTP ready",
            "250-localhost",
            "250-PIPELINING",
            "250-enhancedstatuscodes",
            "250 SIZE 67108864",
            "250 2.1.5 OK",
            "550",
        ])
        .unwrap();
        assert_eq!(replies.len(), 4);
        assert_eq!(replies[0].code, 220);
        assert_eq!(replies[1].code, 250);
        assert_eq!(
            replies[1].keywords().collect::<Vec<_>>(),
            ["PIPELINING", "ENHANCEDSTATUSCODES", "SIZE"]
        );
        assert!(replies[2].is_positive());
        assert_eq!(replies[2].text, "2.1.5 OK");
        assert_eq!(replies[3].code, 550);
        assert!(!replies[3].is_positive());
        assert_eq!(replies[3].to_string(), "550 ");
    }

    #[test]
    fn malformed_lines() {
        for bad in ["", "25", "2500 x", "abc x", "250_x", "650 x", "199 x"] {
            assert!(parse(&[bad]).is_err(), "{bad:?}");
        }
        // The code must not change inside one reply.
        assert!(parse(&["250-a", "251 b"]).is_err());
    }

    #[test]
    fn endless_continuation_is_refused() {
        let mut b = ReplyBuilder::new();
        let mut result = Ok(None);
        for _ in 0..=MAX_LINES {
            result = b.line("250-x");
            if result.is_err() {
                break;
            }
        }
        assert!(result.is_err());
    }
}
