//! SPECIAL-USE attributes (RFC 6154) and the user's `dormouse-specialuse`
//! file that records which mailbox has which (`<storage name>\t<attribute>`
//! lines; the storage name is the Maildir++ directory name without its
//! leading '.', so it does not depend on the configured separator). The
//! five mailboxes a new user gets are recognised by name when the file
//! assigns their attribute to nothing else.

use std::fs;
use std::io;
use std::path::Path;

use crate::StorageError;
use crate::fsutil::{Fsync, write_atomic};
use crate::name::MailboxName;

pub const SPECIAL_USE_NAME: &str = "dormouse-specialuse";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpecialUse {
    All,
    Archive,
    Drafts,
    Flagged,
    Junk,
    Sent,
    Trash,
}

impl SpecialUse {
    const ALL: [SpecialUse; 7] = [
        SpecialUse::All,
        SpecialUse::Archive,
        SpecialUse::Drafts,
        SpecialUse::Flagged,
        SpecialUse::Junk,
        SpecialUse::Sent,
        SpecialUse::Trash,
    ];

    /// The LIST attribute, e.g. `\Sent`.
    pub fn attribute(self) -> &'static str {
        match self {
            SpecialUse::All => "\\All",
            SpecialUse::Archive => "\\Archive",
            SpecialUse::Drafts => "\\Drafts",
            SpecialUse::Flagged => "\\Flagged",
            SpecialUse::Junk => "\\Junk",
            SpecialUse::Sent => "\\Sent",
            SpecialUse::Trash => "\\Trash",
        }
    }

    /// Parses an attribute, case-insensitively (attributes are atoms).
    pub fn from_attribute(attr: &str) -> Option<SpecialUse> {
        SpecialUse::ALL
            .into_iter()
            .find(|s| s.attribute().eq_ignore_ascii_case(attr))
    }
}

/// The mailboxes a new user gets, and the names recognised by default.
pub const DEFAULT_MAILBOXES: [(&str, SpecialUse); 5] = [
    ("Sent", SpecialUse::Sent),
    ("Drafts", SpecialUse::Drafts),
    ("Trash", SpecialUse::Trash),
    ("Junk", SpecialUse::Junk),
    ("Archive", SpecialUse::Archive),
];

/// The file's assignments: (storage name, attribute).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecialUses {
    entries: Vec<(String, SpecialUse)>,
}

fn storage_name(name: &MailboxName) -> String {
    let dir = name.dir_name();
    dir.strip_prefix('.').unwrap_or(&dir).to_owned()
}

impl SpecialUses {
    pub fn read(root: &Path) -> Result<SpecialUses, StorageError> {
        let text = match fs::read(root.join(SPECIAL_USE_NAME)) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e.into()),
        };
        let entries = text
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .filter_map(|(name, attr)| {
                Some((name.to_owned(), SpecialUse::from_attribute(attr.trim())?))
            })
            .filter(|(name, _)| !name.is_empty())
            .collect();
        Ok(SpecialUses { entries })
    }

    pub fn write(&self, root: &Path, fsync: Fsync) -> Result<(), StorageError> {
        let mut text = String::new();
        for (name, attr) in &self.entries {
            text.push_str(name);
            text.push('\t');
            text.push_str(attr.attribute());
            text.push('\n');
        }
        write_atomic(&root.join(SPECIAL_USE_NAME), text.as_bytes(), fsync)?;
        Ok(())
    }

    /// The attribute of `name`: from the file, else the default for its
    /// name if the file gives that attribute to no mailbox.
    pub fn of(&self, name: &MailboxName) -> Option<SpecialUse> {
        let storage = storage_name(name);
        if let Some((_, attr)) = self.entries.iter().find(|(n, _)| *n == storage) {
            return Some(*attr);
        }
        let (_, attr) = DEFAULT_MAILBOXES
            .iter()
            .find(|(n, _)| *n == name.as_str())?;
        (!self.entries.iter().any(|(_, a)| a == attr)).then_some(*attr)
    }

    /// Gives `name` the attribute `attr` (or none).
    pub fn set(&mut self, name: &MailboxName, attr: Option<SpecialUse>) {
        let storage = storage_name(name);
        self.entries.retain(|(n, _)| *n != storage);
        if let Some(attr) = attr {
            self.entries.push((storage, attr));
        }
    }

    /// Moves the assignments of `from` and its children to `to`.
    pub fn rename(&mut self, from: &MailboxName, to: &MailboxName) {
        let old = storage_name(from);
        let new = storage_name(to);
        for (name, _) in &mut self.entries {
            if *name == old {
                *name = new.clone();
            } else if let Some(rest) = name.strip_prefix(&old).filter(|r| r.starts_with('.')) {
                *name = format!("{new}{rest}");
            }
        }
    }

    /// Whether the file has an entry for `name`.
    pub fn has_entry(&self, name: &MailboxName) -> bool {
        let storage = storage_name(name);
        self.entries.iter().any(|(n, _)| *n == storage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> MailboxName {
        MailboxName::parse(s, '.').unwrap()
    }

    #[test]
    fn file_overrides_defaults_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut su = SpecialUses::read(dir.path()).unwrap();
        assert_eq!(su.of(&name("Sent")), Some(SpecialUse::Sent));
        su.set(&name("Outbox.Done"), Some(SpecialUse::Sent));
        su.write(dir.path(), Fsync::Never).unwrap();
        let su = SpecialUses::read(dir.path()).unwrap();
        assert_eq!(su.of(&name("Outbox.Done")), Some(SpecialUse::Sent));
        // \Sent is taken by the file, so "Sent" is just a name now.
        assert_eq!(su.of(&name("Sent")), None);
        assert_eq!(su.of(&name("Trash")), Some(SpecialUse::Trash));
    }

    #[test]
    fn rename_moves_children() {
        let mut su = SpecialUses::default();
        su.set(&name("A.B"), Some(SpecialUse::Archive));
        su.rename(&name("A"), &name("X"));
        assert_eq!(su.of(&name("X.B")), Some(SpecialUse::Archive));
        assert_eq!(su.of(&name("A.B")), None);
    }
}
