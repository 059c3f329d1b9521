//! Adding messages to a mailbox (APPEND, delivery, and the second half of
//! COPY/MOVE), in the crash-safe order: write to `tmp/`, fsync the file,
//! rename into `cur/`, fsync `cur/`, log the UID records and fsync the log,
//! and only then report the UIDs. A crash before the log record leaves a
//! file without a UID, which the next scan adopts under a fresh UID.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::StorageError;
use crate::crlf::crlf_len;
use crate::filename::{format_filename, new_base_name};
use crate::flags::SystemFlags;
use crate::fsutil::{Fsync, fsync_dir};
use crate::index::record::Record;
use crate::mailbox::{Mailbox, letters};

/// A message to add.
#[derive(Clone, Debug, Default)]
pub struct NewMessage {
    pub data: Vec<u8>,
    pub flags: SystemFlags,
    pub keywords: Vec<String>,
    /// Seconds since the epoch; `None` means now.
    pub internal_date: Option<i64>,
}

/// A file written to `tmp/`, waiting to be committed.
pub struct Staged {
    pub tmp: PathBuf,
    pub base: String,
    pub flags: SystemFlags,
    pub keywords: Vec<String>,
    pub internal_date: i64,
    /// IMAP size (CRLF line endings).
    pub size: u64,
}

/// Mode of message files; Dovecot's default for private mailboxes.
const MESSAGE_MODE: u32 = 0o600;

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub fn system_time(secs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs())
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    }
}

/// A base name carrying both sizes, as Dovecot writes them, so that neither
/// Dovecot nor a later scan has to read the file to learn them.
pub fn base_name(file_size: u64, imap_size: u64) -> String {
    format!("{},W={imap_size}", new_base_name(file_size))
}

/// Removes staged temp files after a failure.
pub fn discard(staged: &[Staged]) {
    for s in staged {
        let _ = fs::remove_file(&s.tmp);
    }
}

impl Mailbox {
    /// Adds `msgs` atomically: all get UIDs or none is kept.
    pub fn append(&self, msgs: Vec<NewMessage>) -> Result<(u32, Vec<u32>), StorageError> {
        let mut staged = Vec::with_capacity(msgs.len());
        for m in msgs {
            match self.stage(m) {
                Ok(s) => staged.push(s),
                Err(e) => {
                    discard(&staged);
                    return Err(e);
                }
            }
        }
        let result = self.commit(staged);
        self.flush_uidlist();
        result
    }

    fn stage(&self, m: NewMessage) -> Result<Staged, StorageError> {
        let size = crlf_len(&m.data);
        let base = base_name(m.data.len() as u64, size);
        let tmp = self.dir().join("tmp").join(&base);
        let internal_date = m.internal_date.unwrap_or_else(now_secs);
        let write = || -> io::Result<()> {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(MESSAGE_MODE)
                .open(&tmp)?;
            file.write_all(&m.data)?;
            // Dovecot reads INTERNALDATE from the mtime.
            file.set_modified(system_time(internal_date))?;
            if self.fsync() == Fsync::Always {
                file.sync_all()?;
            }
            Ok(())
        };
        if let Err(e) = write() {
            let _ = fs::remove_file(&tmp);
            return Err(self.io_error(e));
        }
        Ok(Staged {
            tmp,
            base,
            flags: m.flags,
            keywords: m.keywords,
            internal_date,
            size,
        })
    }

    /// Moves staged files into `cur/` and gives them UIDs. On any failure
    /// every staged file is removed again and nothing is logged.
    pub fn commit(&self, staged: Vec<Staged>) -> Result<(u32, Vec<u32>), StorageError> {
        let mut st = match self.write() {
            Ok(st) => st,
            Err(e) => {
                discard(&staged);
                return Err(e);
            }
        };
        let count = u32::try_from(staged.len()).unwrap_or(u32::MAX);
        if u64::from(st.next_uid) + u64::from(count) >= u64::from(u32::MAX) {
            discard(&staged);
            return Err(StorageError::Limit("no UIDs left in this mailbox".into()));
        }
        let mut table = st.keywords.clone();
        let mut masks = Vec::with_capacity(staged.len());
        let mut new_keywords = Vec::new();
        for s in &staged {
            match self.define_keywords(&mut table, &s.keywords) {
                Ok((mask, new)) => {
                    masks.push(mask);
                    new_keywords.extend(new);
                }
                Err(e) => {
                    discard(&staged);
                    return Err(e);
                }
            }
        }
        let cur = self.dir().join("cur");
        let mut placed: Vec<PathBuf> = Vec::with_capacity(staged.len());
        let undo = |placed: &[PathBuf], from: usize| {
            for p in placed {
                let _ = fs::remove_file(p);
            }
            discard(staged.get(from..).unwrap_or_default());
        };
        for (i, (s, mask)) in staged.iter().zip(&masks).enumerate() {
            let target = cur.join(format_filename(&s.base, s.flags, letters(*mask)));
            if let Err(e) = fs::rename(&s.tmp, &target) {
                undo(&placed, i);
                return Err(self.io_error(e));
            }
            placed.push(target);
        }
        if self.fsync() == Fsync::Always
            && let Err(e) = fsync_dir(&cur)
        {
            undo(&placed, staged.len());
            return Err(self.io_error(e));
        }

        let mut records = Record::keywords(&new_keywords);
        let mut uids = Vec::with_capacity(staged.len());
        // Checked above: these ranges stay below u32::MAX.
        let numbering = (st.next_uid..).zip(st.highest_modseq + 1..);
        for ((s, mask), (uid, modseq)) in staged.iter().zip(&masks).zip(numbering) {
            records.push(Record::Append {
                uid,
                modseq,
                flags: s.flags.bits(),
                keywords: *mask,
                internal_date: s.internal_date,
                size: s.size,
                name: &s.base,
            });
            uids.push(uid);
        }
        if let Err(e) = self.log(&mut st, &records) {
            undo(&placed, staged.len());
            return Err(e);
        }
        st.uidlist.added();
        Ok((st.uidvalidity, uids))
    }
}
