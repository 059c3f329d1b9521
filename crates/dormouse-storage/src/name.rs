//! Validated mailbox names and their Maildir++ directory names. Building a
//! `MailboxName` is the validation: whatever holds one can turn it into a
//! path under the user's root without escaping it. It does not know IMAP's
//! wire syntax (quoting, modified UTF-7 on the wire); names here are UTF-8.

use std::fmt;

use crate::StorageError;

/// The one name that is case-insensitive (RFC 9051 §5.1), and its canonical
/// spelling.
pub const INBOX: &str = "INBOX";

/// Dovecot's default `mailbox_list_max_levels` is 16; deeper names are
/// rejected rather than risking very long paths.
const MAX_LEVELS: usize = 16;

/// A directory name longer than NAME_MAX (255 bytes on every Linux file
/// system we target) cannot be created.
const MAX_DIR_LEN: usize = 255;

/// Maildir++ joins levels with '.' on disk, whatever the client sees.
const DISK_SEPARATOR: char = '.';

/// A mailbox name that is safe to map to disk.
///
/// Invariants: not empty; levels are non-empty, contain neither '.' nor '/'
/// (either would be ambiguous or dangerous on disk), no control characters
/// and no LIST wildcards; at most 16 levels; the directory name fits in 255
/// bytes; a first level equal to INBOX in any case is spelt "INBOX".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailboxName {
    name: String,
    separator: char,
}

fn invalid(reason: &str) -> StorageError {
    StorageError::InvalidName(reason.to_owned())
}

impl MailboxName {
    /// Validates `name`, whose hierarchy levels are separated by
    /// `separator` ('.' or '/').
    ///
    /// A leading '~' is accepted: it only meant "home directory" to servers
    /// that map names to arbitrary paths, and here every mailbox directory
    /// starts with '.' under the root, so it cannot reach outside it.
    pub fn parse(name: &str, separator: char) -> Result<MailboxName, StorageError> {
        if separator != '.' && separator != '/' {
            return Err(invalid("the hierarchy separator must be '.' or '/'"));
        }
        if name.is_empty() {
            return Err(invalid("empty name"));
        }
        if name.starts_with(separator) || name.ends_with(separator) {
            return Err(invalid("leading or trailing hierarchy separator"));
        }
        if name.split(separator).count() > MAX_LEVELS {
            return Err(invalid("more than 16 hierarchy levels"));
        }
        for level in name.split(separator) {
            check_level(level)?;
        }
        let name = match name.split_once(separator) {
            Some((first, rest)) if first.eq_ignore_ascii_case(INBOX) => {
                format!("{INBOX}{separator}{rest}")
            }
            None if name.eq_ignore_ascii_case(INBOX) => INBOX.to_owned(),
            _ => name.to_owned(),
        };
        let parsed = MailboxName { name, separator };
        if parsed.dir_name().len() > MAX_DIR_LEN {
            return Err(invalid("name too long"));
        }
        Ok(parsed)
    }

    /// The INBOX, which every user has.
    pub fn inbox(separator: char) -> MailboxName {
        MailboxName {
            name: INBOX.to_owned(),
            separator,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    pub fn separator(&self) -> char {
        self.separator
    }

    pub fn is_inbox(&self) -> bool {
        self.name == INBOX
    }

    /// The name one level up; `None` for a top-level name.
    pub fn parent(&self) -> Option<MailboxName> {
        let (parent, _) = self.name.rsplit_once(self.separator)?;
        Some(MailboxName {
            name: parent.to_owned(),
            separator: self.separator,
        })
    }

    pub fn levels(&self) -> impl Iterator<Item = &str> {
        self.name.split(self.separator)
    }

    /// True if `self` lies anywhere below `other` (a child, grandchild, …);
    /// false for `other` itself.
    pub fn child_of(&self, other: &MailboxName) -> bool {
        self.separator == other.separator
            && self
                .name
                .strip_prefix(other.name.as_str())
                .is_some_and(|rest| rest.starts_with(self.separator))
    }

    /// Moves `self` from under `from` to under `to` (for renaming a mailbox
    /// together with its children): `from` itself becomes `to`, `from.x`
    /// becomes `to.x`. Fails if `self` is not `from` or below it, or if the
    /// new name breaks a limit.
    pub fn rebase(
        &self,
        from: &MailboxName,
        to: &MailboxName,
    ) -> Result<MailboxName, StorageError> {
        if self == from {
            return Ok(to.clone());
        }
        if !self.child_of(from) {
            return Err(invalid("not below the renamed mailbox"));
        }
        let rest = self.name.get(from.name.len()..).unwrap_or_default();
        MailboxName::parse(&format!("{}{rest}", to.name), to.separator)
    }

    /// The Maildir++ directory, relative to the user's root: "" for INBOX,
    /// otherwise '.' followed by the levels, each in modified UTF-7 as
    /// Dovecot stores them, joined by '.'.
    pub fn dir_name(&self) -> String {
        if self.is_inbox() {
            return String::new();
        }
        let mut dir = String::with_capacity(self.name.len() + 1);
        for level in self.levels() {
            dir.push(DISK_SEPARATOR);
            dir.push_str(&dormouse_mutf7::encode(level));
        }
        dir
    }

    /// The inverse of `dir_name`: `None` for anything in the root that is
    /// not a mailbox (`cur`, `tmp`, `..DOVECOT-TRASHED`, a level that is
    /// not canonical modified UTF-7) and for directories that would not be
    /// written back under the same name (such as `.inbox`).
    pub fn from_dir_name(dir: &str, separator: char) -> Option<MailboxName> {
        if dir.is_empty() {
            return Some(MailboxName::inbox(separator));
        }
        let rest = dir.strip_prefix(DISK_SEPARATOR)?;
        let mut name = String::with_capacity(rest.len());
        for (i, level) in rest.split(DISK_SEPARATOR).enumerate() {
            if i > 0 {
                name.push(separator);
            }
            name.push_str(&dormouse_mutf7::decode(level).ok()?);
        }
        let parsed = MailboxName::parse(&name, separator).ok()?;
        (parsed.dir_name() == dir).then_some(parsed)
    }
}

fn check_level(level: &str) -> Result<(), StorageError> {
    if level.is_empty() {
        return Err(invalid("empty hierarchy level"));
    }
    if level == "." || level == ".." {
        return Err(invalid("'.' and '..' are not mailbox names"));
    }
    if level.contains('/') {
        return Err(invalid("'/' is not allowed in a mailbox name"));
    }
    // Maildir++ separates levels with '.' on disk, so a '.' inside a level
    // would silently create a hierarchy. Dovecot rejects it too unless
    // `maildir_name_escape_char` is set, which dormouse does not support.
    if level.contains('.') {
        return Err(invalid("'.' is not allowed inside a hierarchy level"));
    }
    if level.chars().any(char::is_control) {
        return Err(invalid("control characters are not allowed"));
    }
    // A name containing LIST wildcards could never be listed on its own.
    if level.contains(['*', '%']) {
        return Err(invalid("'*' and '%' are not allowed"));
    }
    Ok(())
}

impl fmt::Display for MailboxName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> MailboxName {
        MailboxName::parse(s, '.').unwrap()
    }

    #[test]
    fn inbox_is_case_insensitive_and_its_children_are_normalised() {
        assert!(name("inbox").is_inbox());
        assert_eq!(name("InBoX").as_str(), "INBOX");
        assert_eq!(name("inbox.Sub").as_str(), "INBOX.Sub");
        assert_eq!(name("inbox.Sub").dir_name(), ".INBOX.Sub");
        assert_eq!(name("Archive.inbox").as_str(), "Archive.inbox");
        assert_eq!(name("INBOX").dir_name(), "");
        assert!(!name("INBOXES").is_inbox());
    }

    #[test]
    fn hierarchy() {
        let n = name("A.B.C");
        assert_eq!(n.levels().collect::<Vec<_>>(), vec!["A", "B", "C"]);
        assert_eq!(n.parent(), Some(name("A.B")));
        assert_eq!(name("A").parent(), None);
        assert!(n.child_of(&name("A")));
        assert!(n.child_of(&name("A.B")));
        assert!(!n.child_of(&n));
        assert!(!name("AB").child_of(&name("A")));
        assert_eq!(n.rebase(&name("A"), &name("X.Y")).unwrap(), name("X.Y.B.C"));
        assert!(name("Q").rebase(&name("A"), &name("X")).is_err());
    }

    #[test]
    fn slash_separator_maps_to_the_same_directories() {
        let n = MailboxName::parse("Work/Projects", '/').unwrap();
        assert_eq!(n.dir_name(), ".Work.Projects");
        assert_eq!(MailboxName::from_dir_name(".Work.Projects", '/'), Some(n));
    }

    #[test]
    fn non_ascii_levels_are_modified_utf7_on_disk() {
        let n = name("Entwürfe.&Co");
        assert_eq!(n.dir_name(), ".Entw&APw-rfe.&-Co");
        assert_eq!(MailboxName::from_dir_name(&n.dir_name(), '.'), Some(n));
    }

    #[test]
    fn from_dir_name_ignores_what_is_not_a_mailbox() {
        for dir in [
            "cur",
            "new",
            "tmp",
            ".",
            "..",
            "..DOVECOT-TRASHED",
            ".a..b",
            ".inbox",
            ".&Jjo",
        ] {
            assert_eq!(MailboxName::from_dir_name(dir, '.'), None, "{dir}");
        }
        assert_eq!(MailboxName::from_dir_name("", '.'), Some(name("INBOX")));
    }
}
