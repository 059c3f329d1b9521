//! Listing a user's mailboxes from the Maildir++ root: every `.Name`
//! directory that decodes to a valid name, INBOX, and the names that exist
//! only as parents of others (not selectable). It reads no mailbox
//! contents and applies no LIST patterns; the session filters.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;

use crate::StorageError;
use crate::name::MailboxName;
use crate::special_use::{SpecialUse, SpecialUses};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxInfo {
    pub name: String,
    pub special_use: Option<SpecialUse>,
    pub has_children: bool,
    /// False for a name that exists only because it has children
    /// (\Noselect); such a name can be created to make it a mailbox.
    pub selectable: bool,
}

/// The mailbox names under `root` with whether each is a real mailbox.
pub fn scan_names(
    root: &Path,
    separator: char,
) -> Result<BTreeMap<MailboxName, bool>, StorageError> {
    let mut names: BTreeMap<MailboxName, bool> = BTreeMap::new();
    names.insert(MailboxName::inbox(separator), true);
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        let Ok(dir) = entry.file_name().into_string() else {
            continue;
        };
        if !dir.starts_with('.') || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Some(name) = MailboxName::from_dir_name(&dir, separator) else {
            continue;
        };
        let selectable = entry.path().join("cur").is_dir();
        names.insert(name, selectable);
    }
    let parents: Vec<MailboxName> = names
        .keys()
        .flat_map(|n| std::iter::successors(n.parent(), MailboxName::parent))
        .collect();
    for p in parents {
        names.entry(p).or_insert(false);
    }
    Ok(names)
}

pub fn list(root: &Path, separator: char) -> Result<Vec<MailboxInfo>, StorageError> {
    let names = scan_names(root, separator)?;
    let special = SpecialUses::read(root)?;
    let with_children: HashSet<&MailboxName> = names
        .keys()
        .filter_map(|n| n.parent())
        .filter_map(|p| names.get_key_value(&p).map(|(k, _)| k))
        .collect();
    let mut out: Vec<MailboxInfo> = names
        .iter()
        .map(|(name, &selectable)| MailboxInfo {
            name: name.as_str().to_owned(),
            special_use: if selectable { special.of(name) } else { None },
            has_children: with_children.contains(name),
            selectable,
        })
        .collect();
    // INBOX first, as clients expect; the rest in name order.
    out.sort_by(|a, b| {
        (a.name != crate::name::INBOX, &a.name).cmp(&(b.name != crate::name::INBOX, &b.name))
    });
    Ok(out)
}
