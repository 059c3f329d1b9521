//! LIST and LSUB patterns (RFC 9051 §6.3.9): the reference joined with a
//! pattern into one canonical pattern, matched against names in the form
//! the client sees them, `*` matching anything and `%` anything but the
//! hierarchy separator. INBOX is matched without regard to case, as the
//! name itself is. Matching is by dynamic programming, so a pattern full of
//! wildcards costs time linear in its length, never exponential. It does
//! not decide which names exist or what attributes they carry.

/// The characters of INBOX, whose case a pattern may spell freely.
const INBOX: &str = "INBOX";

#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    chars: Vec<char>,
    /// The same pattern with a leading spelling of INBOX (in any case, up
    /// to its first wildcard) upper-cased, for names in INBOX's hierarchy.
    inbox_chars: Vec<char>,
    separator: char,
}

impl Pattern {
    /// The canonical pattern for `reference` and `pattern`. The reference
    /// is a prefix; a separator at the end of one and the start of the
    /// other counts once. (Names never start with the separator here, so
    /// the RFC's "breakout" forms simply match nothing.)
    pub(crate) fn new(reference: &str, pattern: &str, separator: char) -> Pattern {
        let joined = match (
            reference.ends_with(separator),
            pattern.strip_prefix(separator),
        ) {
            (true, Some(rest)) => format!("{reference}{rest}"),
            _ => format!("{reference}{pattern}"),
        };
        let chars: Vec<char> = joined.chars().collect();
        let mut inbox_chars = chars.clone();
        for (c, want) in inbox_chars.iter_mut().zip(INBOX.chars()) {
            if !c.eq_ignore_ascii_case(&want) {
                break;
            }
            *c = want;
        }
        Pattern {
            chars,
            inbox_chars,
            separator,
        }
    }

    pub(crate) fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        glob(&self.chars, &name, self.separator)
            || (in_inbox_hierarchy(&name, self.separator)
                && glob(&self.inbox_chars, &name, self.separator))
    }

    /// RFC 9051 §6.3.9: "If the "%" wildcard is the last character of a
    /// mailbox name argument, matching levels of hierarchy are also
    /// returned", even when they are not mailboxes themselves.
    pub(crate) fn lists_levels(&self) -> bool {
        self.chars.last() == Some(&'%')
    }
}

/// The answer to `LIST reference ""`: the root of the reference, i.e. its
/// first hierarchy level with the separator, or "" when it has none.
pub(crate) fn root(reference: &str, separator: char) -> String {
    match reference.split_once(separator) {
        Some((first, _)) => format!("{first}{separator}"),
        None => String::new(),
    }
}

fn in_inbox_hierarchy(name: &[char], separator: char) -> bool {
    let mut chars = name.iter();
    INBOX.chars().all(|want| chars.next() == Some(&want))
        && chars.next().is_none_or(|c| *c == separator)
}

/// Whether `pattern` matches all of `name`. `row[j]` says whether the
/// pattern read so far matches the first `j` characters of the name.
fn glob(pattern: &[char], name: &[char], separator: char) -> bool {
    let mut row = vec![false; name.len() + 1];
    if let Some(first) = row.first_mut() {
        *first = true;
    }
    for &p in pattern {
        let mut next = vec![false; name.len() + 1];
        match p {
            '*' => {
                let mut any = false;
                for (n, r) in next.iter_mut().zip(&row) {
                    any |= *r;
                    *n = any;
                }
            }
            '%' => {
                // Characters before `j` in the name, `None` at its start.
                let before = std::iter::once(None).chain(name.iter().map(Some));
                let mut any = false;
                for ((n, r), prev) in next.iter_mut().zip(&row).zip(before) {
                    if prev == Some(&separator) {
                        any = false;
                    }
                    any |= *r;
                    *n = any;
                }
            }
            literal => {
                for (n, (r, c)) in next.iter_mut().skip(1).zip(row.iter().zip(name)) {
                    *n = *r && *c == literal;
                }
            }
        }
        row = next;
    }
    row.last().copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(reference: &str, pattern: &str, name: &str) -> bool {
        Pattern::new(reference, pattern, '.').matches(name)
    }

    #[test]
    fn star_crosses_levels_and_percent_does_not() {
        assert!(m("", "*", "a.b.c"));
        assert!(m("", "%", "a"));
        assert!(!m("", "%", "a.b"));
        assert!(m("", "a.%", "a.b"));
        assert!(!m("", "a.%", "a.b.c"));
        assert!(m("", "a*c", "a.b.c"));
        assert!(!m("", "a%c", "a.b.c"));
        assert!(m("", "%.%", "a.b"));
        assert!(m("", "a%", "a"));
        assert!(!m("", "a", "ab"));
        assert!(m("", "", ""));
        assert!(!m("", "", "a"));
    }

    #[test]
    fn reference_is_a_prefix() {
        assert!(m("a.", "%", "a.b"));
        assert!(m("a.", ".b", "a.b"));
        assert!(m("a", ".b", "a.b"));
        assert!(!m("a.", "%", "b"));
        assert!(m("Sent", "", "Sent"));
    }

    #[test]
    fn inbox_is_matched_in_any_case() {
        assert!(m("", "inbox", "INBOX"));
        assert!(m("", "InBox.%", "INBOX.x"));
        assert!(m("", "in%", "INBOX"));
        assert!(m("", "i*", "INBOX.x"));
        assert!(!m("", "inbox", "Inbox2"));
        assert!(!m("", "inbox.x", "INBOX.X"));
        assert!(!m("", "in%", "Inside"));
        assert!(m("", "In%", "Inside"));
    }

    #[test]
    fn many_wildcards_stay_cheap() {
        let pattern = "*a".repeat(200) + "b";
        let name = "a".repeat(300);
        assert!(!m("", &pattern, &name));
    }

    #[test]
    fn trailing_percent_lists_levels() {
        assert!(Pattern::new("", "a.%", '.').lists_levels());
        assert!(!Pattern::new("", "%.a", '.').lists_levels());
        assert!(!Pattern::new("", "*", '.').lists_levels());
    }

    #[test]
    fn root_of_a_reference() {
        assert_eq!(root("", '.'), "");
        assert_eq!(root("#news.comp.mail.misc", '.'), "#news.");
        assert_eq!(root("/usr/staff/jones", '/'), "/");
        assert_eq!(root("foo", '.'), "");
    }
}
