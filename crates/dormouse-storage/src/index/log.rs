//! Reading, replaying, appending to and replacing the `dormouse.index` file.
//! Every call opens and closes the file; nothing keeps a descriptor. A torn
//! or garbled tail is cut off (and logged), never a reason to panic. What
//! the records mean is the mailbox's business, not this module's.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use super::record::{self, FrameError, HEADER_LEN, Record};
use crate::fsutil::{Fsync, write_atomic};

pub const INDEX_NAME: &str = "dormouse.index";

/// The raw bytes of an index file, checked for our header.
pub enum Loaded {
    Missing,
    /// Not a dormouse index of this version (or empty): rebuild it.
    Foreign,
    Log {
        uidvalidity: u32,
        data: Vec<u8>,
    },
}

pub fn load(dir: &Path) -> io::Result<Loaded> {
    let data = match fs::read(dir.join(INDEX_NAME)) {
        Ok(data) => data,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::Missing),
        Err(e) => return Err(e),
    };
    Ok(match record::parse_header(&data) {
        Some(uidvalidity) => Loaded::Log { uidvalidity, data },
        None => Loaded::Foreign,
    })
}

/// Calls `apply` for each intact record after the header; returns the
/// length of the intact prefix (header included).
pub fn replay<'a>(data: &'a [u8], mut apply: impl FnMut(Record<'a>)) -> usize {
    let mut at = HEADER_LEN.min(data.len());
    while let Some(rest) = data.get(at..).filter(|r| !r.is_empty()) {
        match record::decode(rest) {
            Ok((rec, used)) => {
                apply(rec);
                at += used;
            }
            Err(FrameError::Truncated) => {
                tracing::warn!(
                    offset = at,
                    "index log ends in a torn record; cutting it off"
                );
                break;
            }
            Err(FrameError::Garbled) => {
                tracing::error!(
                    offset = at,
                    "index log has a garbled record; cutting the log there"
                );
                break;
            }
        }
    }
    at
}

/// Cuts the file back to `len` bytes (dropping a torn tail).
pub fn truncate(dir: &Path, len: u64, fsync: Fsync) -> io::Result<()> {
    let file = OpenOptions::new().write(true).open(dir.join(INDEX_NAME))?;
    file.set_len(len)?;
    if fsync == Fsync::Always {
        file.sync_all()?;
    }
    Ok(())
}

/// Appends already-framed records. On a failed write the file is cut back
/// to its previous length, so a half-written record never sits in front of
/// later ones. `NotFound` means the file vanished: the caller rewrites it.
pub fn append(dir: &Path, bytes: &[u8], fsync: Fsync) -> io::Result<()> {
    let mut file = OpenOptions::new().append(true).open(dir.join(INDEX_NAME))?;
    let before = file.metadata()?.len();
    let result = file.write_all(bytes).and_then(|()| {
        if fsync == Fsync::Always {
            file.sync_data()
        } else {
            Ok(())
        }
    });
    if let Err(e) = result {
        let _ = file.set_len(before);
        return Err(e);
    }
    Ok(())
}

/// Replaces the whole index with `records` under a fresh header (temp file,
/// fsync, rename, directory fsync).
pub fn write_fresh(dir: &Path, uidvalidity: u32, records: &[u8], fsync: Fsync) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(HEADER_LEN + records.len());
    bytes.extend_from_slice(&record::header(uidvalidity));
    bytes.extend_from_slice(records);
    write_atomic(&dir.join(INDEX_NAME), &bytes, fsync)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_tail_is_cut_and_later_appends_replay() {
        let dir = tempfile::tempdir().unwrap();
        let mut recs = Vec::new();
        Record::Expunge { uid: 1, modseq: 2 }.encode(&mut recs);
        write_fresh(dir.path(), 5, &recs, Fsync::Never).unwrap();
        // A torn second record.
        let mut torn = Vec::new();
        Record::Expunge { uid: 2, modseq: 3 }.encode(&mut torn);
        append(dir.path(), &torn[..torn.len() - 3], Fsync::Never).unwrap();

        let Loaded::Log { uidvalidity, data } = load(dir.path()).unwrap() else {
            panic!("expected a log");
        };
        assert_eq!(uidvalidity, 5);
        let mut seen = Vec::new();
        let good = replay(&data, |r| seen.push(format!("{r:?}")));
        assert_eq!(seen.len(), 1);
        truncate(dir.path(), good as u64, Fsync::Never).unwrap();
        append(dir.path(), &torn, Fsync::Never).unwrap();

        let Loaded::Log { data, .. } = load(dir.path()).unwrap() else {
            panic!("expected a log");
        };
        let mut n = 0;
        assert_eq!(replay(&data, |_| n += 1), data.len());
        assert_eq!(n, 2);
    }

    #[test]
    fn foreign_and_missing_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(load(dir.path()).unwrap(), Loaded::Missing));
        fs::write(dir.path().join(INDEX_NAME), b"garbage!!!!!").unwrap();
        assert!(matches!(load(dir.path()).unwrap(), Loaded::Foreign));
    }
}
