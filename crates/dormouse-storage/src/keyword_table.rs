//! A mailbox's keyword table: bit index ↔ keyword name, at most 64 names.
//! Indexes 0..26 are the Maildir letters `a`..`z` and match
//! `dovecot-keywords`; later ones live only in dormouse's index. It does no
//! I/O.

use crate::StorageError;
use crate::filename::MAX_KEYWORDS as MAILDIR_LETTERS;

/// The keyword masks are u64.
pub const MAX_KEYWORDS: usize = 64;

/// Bits that have a Maildir letter.
pub const LETTER_MASK: u64 = (1 << MAILDIR_LETTERS) - 1;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeywordTable {
    /// Index → name; "" marks a hole (dovecot-keywords may skip indexes).
    names: Vec<String>,
}

impl KeywordTable {
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn get(&self, index: usize) -> Option<&str> {
        self.names
            .get(index)
            .map(String::as_str)
            .filter(|n| !n.is_empty())
    }

    /// Keywords compare case-insensitively (as Dovecot and Cyrus do), so
    /// `$junk` and `$Junk` are one keyword with the first spelling kept.
    pub fn lookup(&self, name: &str) -> Option<usize> {
        self.names
            .iter()
            .position(|n| !n.is_empty() && n.eq_ignore_ascii_case(name))
    }

    /// Sets `index` to `name` (replaying a record or importing Dovecot's
    /// table). Out-of-range indexes are ignored.
    pub fn set(&mut self, index: usize, name: &str) {
        if index >= MAX_KEYWORDS {
            return;
        }
        if self.names.len() <= index {
            self.names.resize(index + 1, String::new());
        }
        if let Some(slot) = self.names.get_mut(index) {
            *slot = name.to_owned();
        }
    }

    /// The index of `name`, defining it in the first free slot if new.
    /// Returns the index and whether it was new.
    pub fn define(&mut self, name: &str) -> Result<(usize, bool), StorageError> {
        if let Some(i) = self.lookup(name) {
            return Ok((i, false));
        }
        check_name(name)?;
        let free = self
            .names
            .iter()
            .position(String::is_empty)
            .unwrap_or(self.names.len());
        if free >= MAX_KEYWORDS {
            return Err(StorageError::Limit(format!(
                "at most {MAX_KEYWORDS} keywords per mailbox"
            )));
        }
        self.set(free, name);
        Ok((free, true))
    }

    /// The mask for the names that exist in the table (unknown ones skipped).
    pub fn mask_of(&self, names: &[String]) -> u64 {
        names
            .iter()
            .filter_map(|n| self.lookup(n))
            .fold(0, |m, i| m | (1u64 << i))
    }

    /// The names for the bits of `mask`, in index order.
    pub fn names_of(&self, mask: u64) -> Vec<String> {
        (0..MAX_KEYWORDS)
            .filter(|i| mask & (1u64 << i) != 0)
            .filter_map(|i| self.get(i).map(str::to_owned))
            .collect()
    }

    /// The table as `dovecot-keywords` holds it: the first 26 slots.
    pub fn letter_names(&self) -> Vec<String> {
        self.names.iter().take(MAILDIR_LETTERS).cloned().collect()
    }

    pub fn heap_bytes(&self) -> usize {
        self.names.capacity() * std::mem::size_of::<String>()
            + self.names.iter().map(String::capacity).sum::<usize>()
    }
}

/// A keyword must survive `dovecot-keywords` (one `<index> <name>` per line)
/// and be an IMAP atom; the session checks the grammar, this guards the file.
fn check_name(name: &str) -> Result<(), StorageError> {
    let bad = name.is_empty()
        || name.starts_with('\\')
        || name.len() > 255
        || name
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "(){%*\"]".contains(c));
    if bad {
        return Err(StorageError::InvalidKeyword(name.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn define_reuses_holes_and_is_case_insensitive() {
        let mut t = KeywordTable::default();
        t.set(2, "$Junk");
        assert_eq!(t.define("$junk").unwrap(), (2, false));
        assert_eq!(t.define("work").unwrap(), (0, true));
        assert_eq!(t.define("home").unwrap(), (1, true));
        assert_eq!(t.define("later").unwrap(), (3, true));
        assert_eq!(t.names_of(0b1101), vec!["work", "$Junk", "later"]);
        assert_eq!(t.mask_of(&["HOME".into(), "nope".into()]), 0b10);
    }

    #[test]
    fn limit_and_bad_names() {
        let mut t = KeywordTable::default();
        for i in 0..MAX_KEYWORDS {
            t.define(&format!("k{i}")).unwrap();
        }
        assert!(matches!(t.define("one-more"), Err(StorageError::Limit(_))));
        let mut t = KeywordTable::default();
        for bad in ["", "a b", "x\ny", "\\Seen"] {
            assert!(t.define(bad).is_err(), "{bad:?}");
        }
    }
}
