//! Parsing one passwd-file line, Dovecot's format:
//! `user:password:uid:gid:gecos:home:shell:extra_fields`, trailing fields
//! optional. Knows nothing of files, caches or which line number it is.

use std::fmt;
use std::path::PathBuf;

use crate::UserEntry;
use crate::password::StoredPassword;
use crate::username::{self, UsernameError};

#[derive(Debug)]
pub(crate) struct ParsedUser {
    pub(crate) entry: UserEntry,
    pub(crate) password: StoredPassword,
}

#[derive(Debug)]
pub(crate) enum Line {
    /// Blank, a `#` comment, or starting with ':' (no username), all of
    /// which Dovecot skips silently.
    Ignored,
    User(ParsedUser),
    Malformed(Malformed),
}

/// Why a line was skipped. Never carries the line's content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Malformed {
    NotUtf8,
    Username(UsernameError),
    Uid,
    Gid,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::NotUtf8 => f.write_str("not valid UTF-8"),
            Malformed::Username(e) => write!(f, "invalid username ({e})"),
            Malformed::Uid => f.write_str("uid is not a number from 1 to 4294967294"),
            Malformed::Gid => f.write_str("gid is not a number from 1 to 4294967294"),
        }
    }
}

pub(crate) fn parse_line(raw: &[u8]) -> Line {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    if raw.iter().all(u8::is_ascii_whitespace) || raw.starts_with(b"#") || raw.starts_with(b":") {
        return Line::Ignored;
    }
    match std::str::from_utf8(raw) {
        Ok(line) => parse_str(line).map_or_else(Line::Malformed, Line::User),
        Err(_) => Line::Malformed(Malformed::NotUtf8),
    }
}

fn parse_str(line: &str) -> Result<ParsedUser, Malformed> {
    let fields: Vec<&str> = line.split(':').collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or("");
    let name = field(0);
    username::check(name).map_err(Malformed::Username)?;
    let password = StoredPassword::parse(field(1));
    let uid = parse_id(field(2)).ok_or(Malformed::Uid)?;
    let gid = parse_id(field(3)).ok_or(Malformed::Gid)?;
    let home = Some(field(5)).filter(|h| !h.is_empty()).map(PathBuf::from);
    let extra = extra_fields(fields.get(7..).unwrap_or_default());
    Ok(ParsedUser {
        entry: UserEntry {
            name: name.to_owned(),
            uid,
            gid,
            home,
            extra,
        },
        password,
    })
}

/// Empty means unset. Dovecot refuses 0 (mail must never run as root) and
/// -1 (the "no id" value), and so do we.
fn parse_id(s: &str) -> Option<Option<u32>> {
    if s.is_empty() {
        return Some(None);
    }
    match s.parse::<u32>() {
        Ok(0) | Ok(u32::MAX) | Err(_) => None,
        Ok(id) => Some(Some(id)),
    }
}

/// Everything after the shell field, rejoined with ':' since values such as
/// `userdb_mail=maildir:~/Maildir` contain colons, then split on spaces into
/// `key=value` pairs (a bare key gets an empty value, as in Dovecot). An
/// empty first field is Dovecot's old format, where the next field is the
/// mail location.
fn extra_fields(rest: &[&str]) -> Vec<(String, String)> {
    match rest {
        [] => Vec::new(),
        ["", mail @ ..] => {
            let mail = mail.join(":");
            if mail.is_empty() {
                Vec::new()
            } else {
                vec![("userdb_mail".to_owned(), mail)]
            }
        }
        _ => rest
            .join(":")
            .split([' ', '\t'])
            .filter(|s| !s.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (kv.to_owned(), String::new()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(line: &str) -> ParsedUser {
        match parse_line(line.as_bytes()) {
            Line::User(u) => u,
            other => panic!("{line:?} parsed as {other:?}"),
        }
    }

    fn malformed(line: &[u8]) -> Malformed {
        match parse_line(line) {
            Line::Malformed(m) => m,
            other => panic!("{line:?} parsed as {other:?}"),
        }
    }

    #[test]
    fn full_line() {
        let u = user(
            "alice:{PLAIN}pw:1000:1001:Alice A:/home/alice:/bin/false:userdb_mail=maildir:~/Maildir quota=1G nopw",
        );
        assert_eq!(u.entry.name, "alice");
        assert_eq!(u.entry.uid, Some(1000));
        assert_eq!(u.entry.gid, Some(1001));
        assert_eq!(u.entry.home, Some(PathBuf::from("/home/alice")));
        assert_eq!(
            u.entry.extra,
            vec![
                ("userdb_mail".into(), "maildir:~/Maildir".into()),
                ("quota".into(), "1G".into()),
                ("nopw".into(), String::new()),
            ]
        );
        assert!(u.password.matches(b"pw"));
    }

    #[test]
    fn trailing_fields_are_optional() {
        for line in [
            "bob:{PLAIN}x",
            "bob:{PLAIN}x::",
            "bob:{PLAIN}x::::::",
            "bob:{PLAIN}x\r",
        ] {
            let u = user(line);
            assert_eq!(u.entry.name, "bob");
            assert_eq!(
                (u.entry.uid, u.entry.gid, &u.entry.home),
                (None, None, &None)
            );
            assert!(u.entry.extra.is_empty(), "{line}");
            assert!(u.password.matches(b"x"), "{line}");
        }
        let only_name = user("carol");
        assert!(!only_name.password.matches(b""));
    }

    #[test]
    fn old_format_mail_field() {
        let u = user("dave:{PLAIN}x:1:1::/home/dave:::maildir:~/Mail");
        assert_eq!(
            u.entry.extra,
            vec![("userdb_mail".into(), "maildir:~/Mail".into())]
        );
    }

    #[test]
    fn ignored_lines() {
        for line in ["", "   ", "\r", "# comment", "#alice:{PLAIN}x", ":{PLAIN}x"] {
            assert!(
                matches!(parse_line(line.as_bytes()), Line::Ignored),
                "{line:?}"
            );
        }
    }

    #[test]
    fn malformed_lines() {
        assert_eq!(
            malformed(b"al/ice:{PLAIN}x"),
            Malformed::Username(UsernameError::ForbiddenChar)
        );
        assert_eq!(
            malformed(b"..:{PLAIN}x"),
            Malformed::Username(UsernameError::LeadingDot)
        );
        assert_eq!(malformed(b"eve:{PLAIN}x:abc"), Malformed::Uid);
        assert_eq!(malformed(b"eve:{PLAIN}x:0"), Malformed::Uid);
        assert_eq!(malformed(b"eve:{PLAIN}x:5:-1"), Malformed::Gid);
        assert_eq!(malformed(b"eve:{PLAIN}\xff"), Malformed::NotUtf8);
    }
}
