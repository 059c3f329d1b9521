//! Classifies one framed IMAP response into the few shapes the generator
//! acts on: continuation, tagged status, numbered data (`* 3 EXISTS`) and
//! other untagged data. Not a parser of response contents: the generator
//! only needs to know which of these it got.

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply<'a> {
    /// `+ text`
    Continuation(&'a str),
    /// `tag OK|NO|BAD text`
    Tagged {
        tag: &'a str,
        status: Status,
        text: &'a str,
    },
    /// `* n KIND rest`: EXISTS, RECENT, EXPUNGE, FETCH.
    Numbered { n: u32, kind: &'a str },
    /// `* KIND text`: OK, NO, BAD, BYE, FLAGS, CAPABILITY, …
    Untagged { kind: &'a str, text: &'a str },
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("malformed response: {0}")]
pub struct Malformed(pub String);

impl Reply<'_> {
    /// The message count of `* n EXISTS`.
    pub fn exists(&self) -> Option<u32> {
        match self {
            Reply::Numbered { n, kind } if kind.eq_ignore_ascii_case("EXISTS") => Some(*n),
            _ => None,
        }
    }

    pub fn is_untagged(&self, want: &str) -> bool {
        matches!(self, Reply::Untagged { kind, .. } if kind.eq_ignore_ascii_case(want))
    }
}

/// Classifies `line` (one framed response, CRLF removed).
pub fn classify(line: &str) -> Result<Reply<'_>, Malformed> {
    let bad = || Malformed(excerpt(line));
    if let Some(rest) = line.strip_prefix('+') {
        return Ok(Reply::Continuation(rest.trim_start()));
    }
    let (first, rest) = line.split_once(' ').ok_or_else(bad)?;
    if first == "*" {
        let (word, text) = rest.split_once(' ').unwrap_or((rest, ""));
        if word.is_empty() {
            return Err(bad());
        }
        if word.bytes().all(|b| b.is_ascii_digit()) {
            let n = word.parse().map_err(|_| bad())?;
            let kind = text.split(' ').next().unwrap_or_default();
            if kind.is_empty() {
                return Err(bad());
            }
            return Ok(Reply::Numbered { n, kind });
        }
        return Ok(Reply::Untagged { kind: word, text });
    }
    if first.is_empty() {
        return Err(bad());
    }
    let (word, text) = rest.split_once(' ').unwrap_or((rest, ""));
    let status = if word.eq_ignore_ascii_case("OK") {
        Status::Ok
    } else if word.eq_ignore_ascii_case("NO") {
        Status::No
    } else if word.eq_ignore_ascii_case("BAD") {
        Status::Bad
    } else {
        return Err(bad());
    };
    Ok(Reply::Tagged {
        tag: first,
        status,
        text,
    })
}

/// At most 200 bytes of a response, for error messages: enough to see what
/// went wrong without copying a huge line into the report.
pub fn excerpt(line: &str) -> String {
    let mut end = line.len().min(200);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(classify("+ idling"), Ok(Reply::Continuation("idling")));
        assert_eq!(classify("+"), Ok(Reply::Continuation("")));
        assert_eq!(
            classify("a12 OK [READ-WRITE] SELECT completed"),
            Ok(Reply::Tagged {
                tag: "a12",
                status: Status::Ok,
                text: "[READ-WRITE] SELECT completed"
            })
        );
        assert_eq!(
            classify("a1 no bad password").map(|r| matches!(
                r,
                Reply::Tagged {
                    status: Status::No,
                    ..
                }
            )),
            Ok(true)
        );
        assert_eq!(classify("* 17 EXISTS").map(|r| r.exists()), Ok(Some(17)));
        assert_eq!(
            classify("* 3 FETCH (FLAGS (\\Seen))"),
            Ok(Reply::Numbered {
                n: 3,
                kind: "FETCH"
            })
        );
        let ok = classify("* OK Still here").unwrap();
        assert!(ok.is_untagged("ok"));
        assert_eq!(ok.exists(), None);
        assert_eq!(
            classify("* BYE Autologout"),
            Ok(Reply::Untagged {
                kind: "BYE",
                text: "Autologout"
            })
        );
    }

    #[test]
    fn malformed() {
        for bad in [
            "",
            "*",
            "* ",
            "a1",
            "a1 MAYBE x",
            " OK x",
            "* 99999999999 EXISTS",
            "* 3",
        ] {
            assert!(classify(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn excerpt_cuts_on_a_char_boundary() {
        let long = "é".repeat(150);
        let e = excerpt(&long);
        assert!(e.len() <= 200);
        assert!(e.chars().all(|c| c == 'é'));
    }
}
