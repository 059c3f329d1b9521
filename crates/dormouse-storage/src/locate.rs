//! Finding message files. The index knows each file's base, flags and
//! directory, which give its canonical name (`<base>:2,<letters>` in
//! `cur/`, `<base>` in `new/`); a file named otherwise (letters we do not
//! map such as Dovecot's `P`, no `:2,` info) has its exact suffix
//! remembered in the message table, so the expected path is right the
//! first time. Only when it is not (another program renamed the file, or
//! the index was just loaded and never saw the names) are `cur/` and
//! `new/` listed, once, and every message's place relearned. It does not
//! decide what changed: that is the rescan's job (`scan.rs`).

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use crate::StorageError;
use crate::filename::{base_of, format_filename, is_canonical_suffix};
use crate::mailbox::{Mailbox, letters};
use crate::messages::{Location, MessageRecord};
use crate::state::State;

/// How many times a read tries again when the file was renamed between
/// finding it and opening it (a STORE in another session).
const READ_ATTEMPTS: usize = 3;

impl Mailbox {
    /// Where the message file is, as far as the index knows.
    pub fn expected_path(&self, st: &State, rec: &MessageRecord) -> PathBuf {
        let base = st.messages.name(rec);
        let (sub, name) = match (rec.location, st.messages.suffix(rec)) {
            (Location::Cur, Some(suffix)) => ("cur", format!("{base}{suffix}")),
            (Location::New, Some(suffix)) => ("new", format!("{base}{suffix}")),
            (Location::Cur, None) => (
                "cur",
                format_filename(base, rec.flags, letters(rec.keywords)),
            ),
            (Location::New, None) => ("new", base.to_owned()),
        };
        self.dir().join(sub).join(name)
    }

    /// Lists `cur/` and `new/` and records where every message's file is
    /// (under the caller's write lock); returns the path of `uid`'s file,
    /// `None` if it is not there.
    pub fn relocate(&self, st: &mut State, uid: u32) -> io::Result<Option<PathBuf>> {
        let Some(base) = st
            .messages
            .by_uid(uid)
            .map(|r| st.messages.name(r).to_owned())
        else {
            return Ok(None);
        };
        if !self.relearn(st, &base)? {
            // Gone: the next sync rescans and reports the expunge.
            st.stamps = None;
            return Ok(None);
        }
        Ok(st
            .messages
            .by_uid(uid)
            .map(|rec| self.expected_path(st, rec)))
    }

    /// `relocate` for callers that hold no lock.
    pub fn find_file(&self, uid: u32) -> Result<Option<PathBuf>, StorageError> {
        let mut st = self.write()?;
        if let Some(path) = st
            .messages
            .by_uid(uid)
            .map(|rec| self.expected_path(&st, rec))
            .filter(|p| p.exists())
        {
            return Ok(Some(path));
        }
        self.relocate(&mut st, uid).map_err(|e| self.io_error(e))
    }

    /// One listing of both directories; true if a file with base `want`
    /// is among them.
    fn relearn(&self, st: &mut State, want: &str) -> io::Result<bool> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        let mut files: Vec<(Location, String)> = Vec::new();
        // `new/` first, so that a file moved to `cur/` meanwhile is seen
        // there, and `cur/` wins for a base present in both.
        for (sub, location) in [("new", Location::New), ("cur", Location::Cur)] {
            let entries = match fs::read_dir(self.dir().join(sub)) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            for entry in entries {
                if let Ok(name) = entry?.file_name().into_string() {
                    files.push((location, name));
                }
            }
        }
        let by_base: HashMap<&str, usize> = files
            .iter()
            .enumerate()
            .map(|(i, (_, name))| (base_of(name), i))
            .collect();
        let found: Vec<(u32, usize)> = st
            .messages
            .iter()
            .filter_map(|rec| {
                let i = by_base.get(st.messages.name(rec))?;
                Some((rec.uid, *i))
            })
            .collect();
        for (uid, i) in found {
            if let Some((location, name)) = files.get(i) {
                remember_file(st, uid, *location, name);
            }
        }
        Ok(by_base.contains_key(want))
    }

    /// Reads the message with `uid`, converted to CRLF line endings.
    pub fn read_message(&self, uid: u32) -> Result<Vec<u8>, StorageError> {
        let mut path = {
            let st = self.read()?;
            let rec = st.messages.by_uid(uid).ok_or(StorageError::Expunged)?;
            self.expected_path(&st, rec)
        };
        for attempt in 1..=READ_ATTEMPTS {
            match fs::read(&path) {
                Ok(data) => return Ok(crate::crlf::to_crlf(data)),
                Err(e) if e.kind() == io::ErrorKind::NotFound && attempt < READ_ATTEMPTS => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => break,
                Err(e) => return Err(e.into()),
            }
            let mut st = self.write()?;
            path = self
                .relocate(&mut st, uid)
                .map_err(|e| self.io_error(e))?
                .ok_or(StorageError::Expunged)?;
        }
        Err(StorageError::Expunged)
    }

    /// Directory listings made so far to find message files that were not
    /// where the index expected (for tests and metrics).
    pub fn lookups(&self) -> u64 {
        self.lookups.load(Ordering::Relaxed)
    }
}

/// Records that `uid`'s file is `name` in `location`: its exact suffix is
/// kept only when it is not the canonical one for the record's flags.
pub fn remember_file(st: &mut State, uid: u32, location: Location, name: &str) {
    st.set_location(uid, location);
    let Some(rec) = st.messages.by_uid(uid) else {
        return;
    };
    let suffix = name.strip_prefix(st.messages.name(rec));
    let canonical = match (location, suffix) {
        (_, None) => true,
        (Location::Cur, Some(s)) => is_canonical_suffix(s, rec.flags, letters(rec.keywords)),
        (Location::New, Some(s)) => s.is_empty(),
    };
    let exact = suffix.filter(|_| !canonical);
    st.messages.set_suffix(uid, exact);
}
