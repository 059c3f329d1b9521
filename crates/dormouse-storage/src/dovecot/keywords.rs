//! `dovecot-keywords`: which keyword each Maildir file-name letter stands
//! for, one `<index> <name>` line each, index 0 being `a`. Read leniently,
//! as Dovecot's `maildir-keywords.c` reads it (a line it cannot use is
//! skipped, which leaves that letter unnamed), and replaced atomically.
//!
//! Dovecot writes this file only while it holds the `dovecot-uidlist` lock
//! and takes no lock of its own; a writer that wants Dovecot to see a
//! consistent pair must do the same.

use std::fs::{self, File};
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::StorageError;
use crate::filename::MAX_KEYWORDS;
use crate::fsutil::{Fsync, write_atomic_with};

pub const KEYWORDS_NAME: &str = "dovecot-keywords";

/// The keyword names by letter index (`result[0]` is `a`); a letter with no
/// name is an empty string. No file means no keywords.
pub fn read_keywords(mailbox_dir: &Path) -> Result<Vec<String>, StorageError> {
    match fs::read(mailbox_dir.join(KEYWORDS_NAME)) {
        Ok(bytes) => Ok(parse_keywords(&bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Parses the content of a `dovecot-keywords` file; never fails.
pub fn parse_keywords(bytes: &[u8]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let Some((index, name)) = line.split_once(' ') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if index >= MAX_KEYWORDS || name.is_empty() {
            continue;
        }
        if names.len() <= index {
            names.resize(index + 1, String::new());
        }
        if let Some(slot) = names.get_mut(index) {
            *slot = name.to_owned();
        }
    }
    names
}

/// Replaces the file with `names` (by letter index; empty strings are gaps).
/// More than 26 entries is `Limit`: there are no letters past `z`.
pub fn write_keywords(
    mailbox_dir: &Path,
    names: &[String],
    fsync: Fsync,
) -> Result<(), StorageError> {
    if names.len() > MAX_KEYWORDS {
        return Err(StorageError::Limit(format!(
            "a Maildir mailbox holds at most {MAX_KEYWORDS} keywords"
        )));
    }
    let mut text = String::new();
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        if name.contains(['\n', '\r', '\0']) {
            return Err(StorageError::Invariant(format!(
                "{KEYWORDS_NAME}: keyword {index} contains a line break"
            )));
        }
        text.push_str(&format!("{index} {name}\n"));
    }
    let path = mailbox_dir.join(KEYWORDS_NAME);
    let old_mtime = match fs::metadata(&path) {
        Ok(meta) => meta.modified().ok(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    write_atomic_with(&path, text.as_bytes(), fsync, |file| {
        keep_mtime_growing(file, old_mtime)
    })?;
    Ok(())
}

/// Dovecot re-reads the file only when its mtime, in whole seconds, has
/// changed; two writes within one second would hide the second one, so the
/// new file gets at least the old mtime + 1 s (as Dovecot itself does).
fn keep_mtime_growing(file: &File, old: Option<SystemTime>) -> io::Result<()> {
    let Some(old) = old else {
        return Ok(());
    };
    let new = file.metadata()?.modified()?;
    if whole_secs(new) <= whole_secs(old) {
        file.set_modified(old + Duration::from_secs(1))?;
    }
    Ok(())
}

fn whole_secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_writes_advance_the_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEYWORDS_NAME);
        write_keywords(dir.path(), &["$Junk".to_owned()], Fsync::Never).unwrap();
        let first = whole_secs(fs::metadata(&path).unwrap().modified().unwrap());
        write_keywords(
            dir.path(),
            &["$Junk".to_owned(), "x".to_owned()],
            Fsync::Never,
        )
        .unwrap();
        let second = whole_secs(fs::metadata(&path).unwrap().modified().unwrap());
        assert!(second > first, "{second} > {first}");
    }
}
