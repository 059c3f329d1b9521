//! Expunging: unlink the files first, fsync the directory, then log the
//! expunges. In that order a crash can only leave a logged message whose
//! file is gone (the next scan expunges it) and never a logged expunge
//! whose file survives (which a scan would resurrect under a new UID).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::StorageError;
use crate::fsutil::{Fsync, fsync_dir};
use crate::index::record::Record;
use crate::mailbox::Mailbox;
use crate::messages::MessageRecord;
use crate::state::State;

impl Mailbox {
    /// Expunges every message for which `pick` is true; returns their UIDs
    /// in ascending order.
    pub fn expunge_where(
        &self,
        pick: impl Fn(&MessageRecord) -> bool,
    ) -> Result<Vec<u32>, StorageError> {
        let result = self.expunge_locked(pick);
        self.flush_uidlist();
        result
    }

    fn expunge_locked(
        &self,
        pick: impl Fn(&MessageRecord) -> bool,
    ) -> Result<Vec<u32>, StorageError> {
        let mut st = self.write()?;
        let targets: Vec<(u32, PathBuf)> = st
            .messages
            .iter()
            .filter(|rec| pick(rec))
            .map(|rec| (rec.uid, self.expected_path(&st, rec)))
            .collect();
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let mut removed = Vec::with_capacity(targets.len());
        let mut failure = None;
        for (uid, path) in targets {
            match remove(self, &mut st, uid, &path) {
                Ok(()) => removed.push(uid),
                Err(e) => {
                    failure = Some(self.io_error(e));
                    break;
                }
            }
        }
        if self.fsync() == Fsync::Always && !removed.is_empty() {
            for sub in ["cur", "new"] {
                fsync_dir(&self.dir().join(sub)).map_err(|e| self.io_error(e))?;
            }
        }
        let mut modseq = st.highest_modseq;
        let records: Vec<Record<'_>> = removed
            .iter()
            .map(|&uid| {
                modseq += 1;
                Record::Expunge { uid, modseq }
            })
            .collect();
        self.log(&mut st, &records)?;
        match failure {
            Some(e) => Err(e),
            None => Ok(removed),
        }
    }
}

/// Unlinks the message file wherever it is now; a file already gone counts
/// as removed.
fn remove(mb: &Mailbox, st: &mut State, uid: u32, expected: &Path) -> io::Result<()> {
    let gone_is_fine = |r: io::Result<()>| match r {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    };
    match fs::remove_file(expected) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => match mb.relocate(st, uid)? {
            Some(path) => gone_is_fine(fs::remove_file(path)),
            None => Ok(()),
        },
        other => other,
    }
}
