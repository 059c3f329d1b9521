//! The user's `subscriptions` file, in the formats Dovecot reads and writes
//! (`subscription-file.c`): one storage name per line, or, after a
//! `V\t2\n\n` header, one name per line with its hierarchy levels separated
//! by TAB. Storage names are Maildir++'s: levels in modified UTF-7 joined by
//! '.'. This module converts to and from UTF-8 names with the configured
//! separator; it does not check that the mailboxes exist.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;
use std::time::Duration;

use crate::StorageError;
use crate::fsutil::{Fsync, dotlock};
use crate::name::INBOX;

pub const SUBSCRIPTIONS_NAME: &str = "subscriptions";

/// Dovecot's version 2 header: "V", TAB, "2", then an empty line.
const V2_HEADER: &[u8] = b"V\t2\n\n";

/// The separator between levels in a version 1 file (Maildir++ on disk).
const STORAGE_SEPARATOR: char = '.';

/// Dovecot's `SUBSCRIPTION_FILE_CHANGE_TIMEOUT`: its subscription dotlock
/// is stale after 30 s.
const LOCK_STALE: Duration = Duration::from_secs(30);

/// Dovecot's tab-escaping (`str_append_tabescaped`): the escape byte \x01
/// followed by a letter.
const ESCAPE: char = '\u{1}';

/// The subscribed names (UTF-8, levels joined by `separator`), in file
/// order, without duplicates. No file means no subscriptions.
pub fn read_subscriptions(root: &Path, separator: char) -> Result<Vec<String>, StorageError> {
    match fs::read(root.join(SUBSCRIPTIONS_NAME)) {
        Ok(bytes) => Ok(parse_subscriptions(&bytes, separator)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Parses the content of a subscriptions file; never fails. Lines that are
/// not UTF-8 or are empty are skipped; a level that is not valid modified
/// UTF-7 is kept as written (a server with UTF-8 storage names wrote it).
pub fn parse_subscriptions(bytes: &[u8], separator: char) -> Vec<String> {
    let (v2, body) = match bytes.strip_prefix(V2_HEADER) {
        Some(body) => (true, body),
        None => (false, bytes),
    };
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    for line in body.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let mut levels: Vec<String> = if v2 {
            line.split('\t').map(tab_unescape).collect()
        } else {
            line.split(STORAGE_SEPARATOR).map(str::to_owned).collect()
        };
        // A trailing separator was written by old Dovecot versions and
        // some other software; Dovecot drops it.
        if levels.len() > 1 && levels.last().is_some_and(String::is_empty) {
            levels.pop();
        }
        let levels: Vec<String> = levels
            .iter()
            .map(|level| dormouse_mutf7::decode(level).unwrap_or_else(|_| level.clone()))
            .collect();
        let mut name = levels.join(&separator.to_string());
        if name.is_empty() {
            continue;
        }
        if name.eq_ignore_ascii_case(INBOX) {
            name = INBOX.to_owned();
        }
        if seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

/// Replaces the file with `names` (UTF-8, levels joined by `separator`),
/// under Dovecot's dotlock. Writes the plain format, as Dovecot 2.3 does for
/// a new file, but keeps the version 2 format if the file already has it or
/// if a level contains '.', which the plain format cannot express.
pub fn write_subscriptions(
    root: &Path,
    names: &[String],
    separator: char,
    fsync: Fsync,
) -> Result<(), StorageError> {
    let path = root.join(SUBSCRIPTIONS_NAME);
    let lock = dotlock(&path, LOCK_STALE)?;
    let existing_v2 = match fs::read(&path) {
        Ok(bytes) => bytes.starts_with(V2_HEADER),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(e.into()),
    };
    let mut seen = HashSet::new();
    let mut encoded: Vec<Vec<String>> = Vec::with_capacity(names.len());
    for name in names {
        let name = if name.eq_ignore_ascii_case(INBOX) {
            INBOX
        } else {
            name.as_str()
        };
        if name.is_empty() || !seen.insert(name) {
            continue;
        }
        encoded.push(name.split(separator).map(dormouse_mutf7::encode).collect());
    }
    let v2 = existing_v2
        || encoded
            .iter()
            .flatten()
            .any(|level| level.contains(STORAGE_SEPARATOR));
    let mut text = String::new();
    if v2 {
        text.push_str("V\t2\n\n");
    }
    for levels in &encoded {
        if v2 {
            let escaped: Vec<String> = levels.iter().map(|l| tab_escape(l)).collect();
            text.push_str(&escaped.join("\t"));
        } else {
            text.push_str(&levels.join("."));
        }
        text.push('\n');
    }
    lock.commit(text.as_bytes(), fsync)?;
    Ok(())
}

fn tab_escape(level: &str) -> String {
    let mut out = String::with_capacity(level.len());
    for c in level.chars() {
        match c {
            ESCAPE => out.push_str("\u{1}1"),
            '\t' => out.push_str("\u{1}t"),
            '\r' => out.push_str("\u{1}r"),
            '\n' => out.push_str("\u{1}n"),
            _ => out.push(c),
        }
    }
    out
}

fn tab_unescape(level: &str) -> String {
    let mut out = String::with_capacity(level.len());
    let mut chars = level.chars();
    while let Some(c) = chars.next() {
        if c != ESCAPE {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('1') => out.push(ESCAPE),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push(ESCAPE),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_escaping_round_trips() {
        for s in ["plain", "a\tb", "\u{1}", "x\r\ny", ""] {
            assert_eq!(tab_unescape(&tab_escape(s)), s);
        }
        assert_eq!(tab_escape("a\tb"), "a\u{1}tb");
    }
}
