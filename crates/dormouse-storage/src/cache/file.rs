//! File operations on `dormouse.cache`: scanning it, reading one record,
//! appending one, starting afresh, cutting a torn tail and rewriting the
//! live records into a new file. Every call opens and closes the file;
//! nothing keeps a descriptor. No fsync anywhere: a lost entry is
//! recomputed. Which records are live is the caller's business.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::format::{self, FRAME_LEN, Frame, HEADER_LEN};
use crate::fsutil::{Fsync, temp_beside, write_atomic};

/// What a scan found.
pub enum Scan {
    /// No file, or not ours, or of another UIDVALIDITY: start afresh.
    Unusable,
    Usable {
        /// (uid, slot) of each intact record, in file order.
        entries: Vec<(u32, u64)>,
        /// Length of the intact prefix (header included).
        intact: u64,
        /// Length of the file.
        len: u64,
    },
}

/// Reads the whole file once, checking every record.
pub fn scan(path: &Path, uidvalidity: u32) -> io::Result<Scan> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Scan::Unusable),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut header = [0u8; HEADER_LEN];
    if !read_full(&mut reader, &mut header)? || format::parse_header(&header) != Some(uidvalidity) {
        return Ok(Scan::Unusable);
    }
    let mut entries = Vec::new();
    let mut at = HEADER_LEN as u64;
    let mut payload = Vec::new();
    loop {
        let mut frame = [0u8; FRAME_LEN];
        if at == len || !read_full(&mut reader, &mut frame)? {
            break;
        }
        let Some(frame) = Frame::parse(&frame) else {
            break;
        };
        let end = at + (FRAME_LEN + frame.len) as u64;
        if end > len {
            break;
        }
        payload.resize(frame.len, 0);
        if !read_full(&mut reader, &mut payload)? || !frame.holds(&payload) {
            break;
        }
        if let Some(slot) = format::slot(at, frame.len) {
            entries.push((frame.uid, slot));
        }
        at = end;
    }
    Ok(Scan::Usable {
        entries,
        intact: at,
        len,
    })
}

/// Fills `buf`; false at a clean or torn end of file.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    match reader.read_exact(buf) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// The payload of `uid`'s record at `slot`, if the file still belongs to
/// `uidvalidity` and the record there is intact and is `uid`'s.
pub fn read(path: &Path, uidvalidity: u32, slot: u64, uid: u32) -> io::Result<Option<Vec<u8>>> {
    let file = File::open(path)?;
    if !header_is(&file, uidvalidity)? {
        return Ok(None);
    }
    read_record(&file, slot, uid)
}

fn read_record(file: &File, slot: u64, uid: u32) -> io::Result<Option<Vec<u8>>> {
    let (offset, len) = format::unpack(slot);
    let mut bytes = vec![0u8; FRAME_LEN + len];
    match file.read_exact_at(&mut bytes, offset) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let frame = bytes
        .get(..FRAME_LEN)
        .and_then(|f| f.try_into().ok())
        .and_then(Frame::parse);
    let payload = bytes.split_off(FRAME_LEN);
    Ok(frame
        .filter(|f| f.uid == uid && f.holds(&payload))
        .map(|_| payload))
}

fn header_is(file: &File, uidvalidity: u32) -> io::Result<bool> {
    let mut header = [0u8; HEADER_LEN];
    match file.read_exact_at(&mut header, 0) {
        Ok(()) => Ok(format::parse_header(&header) == Some(uidvalidity)),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// Appends a framed record; returns the offset it went to, or `None` when
/// the file is not (or no longer) the cache of `uidvalidity`. `NotFound`
/// means there is no file. A failed write is cut off again.
pub fn append(path: &Path, uidvalidity: u32, record: &[u8]) -> io::Result<Option<u64>> {
    let file = OpenOptions::new().read(true).write(true).open(path)?;
    if !header_is(&file, uidvalidity)? {
        return Ok(None);
    }
    let at = file.metadata()?.len();
    if let Err(e) = file.write_all_at(record, at) {
        let _ = file.set_len(at);
        return Err(e);
    }
    Ok(Some(at))
}

/// Replaces the file with an empty cache for `uidvalidity`.
pub fn create(path: &Path, uidvalidity: u32) -> io::Result<()> {
    write_atomic(path, &format::header(uidvalidity), Fsync::Never)
}

/// Cuts the file back to `len` bytes (a torn tail).
pub fn truncate(path: &Path, len: u64) -> io::Result<()> {
    OpenOptions::new().write(true).open(path)?.set_len(len)
}

/// Writes the records at `slots` (ascending offsets read best) into a new
/// file that then replaces the old one; returns each record's new slot,
/// 0 for one that failed its check, and the new file's length.
pub fn rewrite(
    path: &Path,
    uidvalidity: u32,
    entries: &[(u32, u64)],
) -> io::Result<(Vec<u64>, u64)> {
    let old = File::open(path)?;
    if !header_is(&old, uidvalidity)? {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the cache file changed under its compaction",
        ));
    }
    let (temp, file) = temp_beside(path)?;
    let result = (|| {
        let mut out = BufWriter::with_capacity(64 * 1024, file);
        out.write_all(&format::header(uidvalidity))?;
        let mut at = HEADER_LEN as u64;
        let mut slots = Vec::with_capacity(entries.len());
        for &(uid, slot) in entries {
            let record = read_record(&old, slot, uid)?
                .and_then(|payload| format::record(uid, &payload).map(|r| (r, payload.len())));
            let new = match record.and_then(|(r, len)| format::slot(at, len).map(|s| (r, s))) {
                Some((record, new)) => {
                    out.write_all(&record)?;
                    at += record.len() as u64;
                    new
                }
                None => 0,
            };
            slots.push(new);
        }
        out.into_inner().map_err(io::IntoInnerError::into_error)?;
        fs::rename(&temp, path)?;
        Ok((slots, at))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
