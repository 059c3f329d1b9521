//! COPY between mailboxes (and the copy half of MOVE): each source file is
//! hard-linked into the destination's `tmp/` (falling back to a byte copy
//! where links fail, e.g. across file systems), then committed like an
//! APPEND. Sources expunged meanwhile are skipped, not errors.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::StorageError;
use crate::append::{Staged, base_name, discard, system_time};
use crate::flags::SystemFlags;
use crate::fsutil::Fsync;
use crate::mailbox::Mailbox;

struct Source {
    uid: u32,
    expected: PathBuf,
    flags: SystemFlags,
    keywords: Vec<String>,
    internal_date: i64,
    size: u64,
}

impl Mailbox {
    /// Copies the messages `uids` (ascending) of `self` into `dest`;
    /// returns the destination UIDVALIDITY and the (source, destination)
    /// UID pairs of what was copied, in source order.
    pub fn copy_to(
        &self,
        uids: &[u32],
        dest: &Mailbox,
    ) -> Result<(u32, Vec<(u32, u32)>), StorageError> {
        let sources: Vec<Source> = {
            let st = self.read()?;
            uids.iter()
                .filter_map(|&uid| st.messages.by_uid(uid))
                .map(|rec| Source {
                    uid: rec.uid,
                    expected: self.expected_path(&st, rec),
                    flags: rec.flags,
                    keywords: st.keywords.names_of(rec.keywords),
                    internal_date: rec.internal_date,
                    size: st.messages.size(rec),
                })
                .collect()
        };
        let mut staged = Vec::with_capacity(sources.len());
        let mut copied = Vec::with_capacity(sources.len());
        for src in sources {
            match self.stage_copy(&src, dest) {
                Ok(Some(s)) => {
                    staged.push(s);
                    copied.push(src.uid);
                }
                Ok(None) => {}
                Err(e) => {
                    discard(&staged);
                    return Err(e);
                }
            }
        }
        if staged.is_empty() {
            return Ok((dest.read()?.uidvalidity, Vec::new()));
        }
        let result = dest.commit(staged);
        dest.flush_uidlist();
        let (uidvalidity, dest_uids) = result?;
        Ok((uidvalidity, copied.into_iter().zip(dest_uids).collect()))
    }

    /// Puts a copy of `src` into `dest`'s `tmp/`; `None` if the source file
    /// is gone.
    fn stage_copy(&self, src: &Source, dest: &Mailbox) -> Result<Option<Staged>, StorageError> {
        let path = if src.expected.exists() {
            src.expected.clone()
        } else {
            match self.find_file(src.uid)? {
                Some(path) => path,
                None => return Ok(None),
            }
        };
        let file_size = match fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let base = base_name(file_size, src.size);
        let tmp = dest.dir().join("tmp").join(&base);
        match fs::hard_link(&path, &tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound && !path.exists() => return Ok(None),
            Err(_) => {
                if !byte_copy(&path, &tmp, src.internal_date, dest.fsync())
                    .map_err(|e| dest.io_error(e))?
                {
                    return Ok(None);
                }
            }
        }
        Ok(Some(Staged {
            tmp,
            base,
            flags: src.flags,
            keywords: src.keywords.clone(),
            internal_date: src.internal_date,
            size: src.size,
        }))
    }
}

/// Copies the bytes of `from` into a new file `to`; false if `from` is gone.
fn byte_copy(from: &Path, to: &Path, internal_date: i64, fsync: Fsync) -> io::Result<bool> {
    let data = match fs::read(from) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(to)?;
        file.write_all(&data)?;
        file.set_modified(system_time(internal_date))?;
        if fsync == Fsync::Always {
            file.sync_all()?;
        }
        Ok(true)
    })();
    if result.is_err() {
        let _ = fs::remove_file(to);
    }
    result
}
