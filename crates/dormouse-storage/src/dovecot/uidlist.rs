//! `dovecot-uidlist`: Dovecot's record of which Maildir file has which UID,
//! plus the mailbox's UIDVALIDITY, next UID and GUID. Reads versions 1 and 3
//! (Dovecot's `maildir-uidlist.c`), writes version 3 under Dovecot's dotlock.
//! It does not reconcile the list with the files on disk; that is the
//! index's job.
//!
//! Per-message extension fields (`S<size>`, `W<vsize>`, `G<guid>`) are read
//! past and not written back: Dovecot recomputes sizes, and falls back to the
//! base file name for a message GUID.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;
use std::time::Duration;

use crate::StorageError;
use crate::fsutil::{Fsync, dotlock};

pub const UIDLIST_NAME: &str = "dovecot-uidlist";

/// Dovecot's `MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT` (60*2 s).
const LOCK_STALE: Duration = Duration::from_secs(120);

/// A mailbox GUID is 128 bits, written as 32 hex digits.
const GUID_HEX_LEN: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UidList {
    pub uidvalidity: u32,
    pub next_uid: u32,
    /// The mailbox GUID as 32 hex digits; `None` when reading a version 1
    /// file. Writing `None` keeps the GUID already on disk, or makes one.
    pub guid: Option<String>,
    /// (uid, base file name without `:2,…`), in ascending UID order.
    pub entries: Vec<(u32, String)>,
}

/// Reads `<mailbox_dir>/dovecot-uidlist`; `Ok(None)` if there is none.
pub fn read_uidlist(mailbox_dir: &Path) -> Result<Option<UidList>, StorageError> {
    match fs::read(mailbox_dir.join(UIDLIST_NAME)) {
        Ok(bytes) => parse_uidlist(&bytes).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn corrupt(line: usize, what: &str) -> StorageError {
    StorageError::Corrupt(format!("{UIDLIST_NAME} line {line}: {what}"))
}

/// Parses the content of a `dovecot-uidlist` file. A last line without its
/// newline is ignored, as Dovecot ignores it: it can only be a torn write.
pub fn parse_uidlist(bytes: &[u8]) -> Result<UidList, StorageError> {
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => bytes.get(..end).unwrap_or_default(),
        None => return Err(corrupt(1, "missing or unterminated header")),
    };
    let mut lines = complete
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            std::str::from_utf8(line)
                .map(|text| (i + 1, text))
                .map_err(|_| corrupt(i + 1, "not UTF-8"))
        });
    let (_, header) = lines.next().ok_or_else(|| corrupt(1, "missing header"))??;
    let (version, mut list) = parse_header(header)?;

    let mut prev_uid = 0u32;
    let mut entries = Vec::new();
    for line in lines {
        let (number, text) = line?;
        let (uid, name) = parse_record(number, text, version)?;
        if uid <= prev_uid {
            return Err(corrupt(number, "UIDs not in ascending order"));
        }
        if version == Version::V1 && uid >= list.next_uid {
            return Err(corrupt(number, "UID not below the header's next UID"));
        }
        prev_uid = uid;
        entries.push((uid, name));
    }
    // As Dovecot does: a next UID at or below a listed UID would hand that
    // UID out twice.
    if list.next_uid <= prev_uid {
        list.next_uid = prev_uid + 1;
    }
    list.entries = keep_last_per_file(entries);
    Ok(list)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V3,
}

fn parse_header(header: &str) -> Result<(Version, UidList), StorageError> {
    let mut list = UidList {
        uidvalidity: 0,
        next_uid: 0,
        guid: None,
        entries: Vec::new(),
    };
    let version = match header.as_bytes() {
        [b'1', b' ', ..] => {
            let mut fields = header.get(2..).unwrap_or_default().split_whitespace();
            let mut number = || fields.next().and_then(|f| f.parse::<u32>().ok());
            match (number(), number()) {
                (Some(v), Some(n)) => (list.uidvalidity, list.next_uid) = (v, n),
                _ => return Err(corrupt(1, "bad version 1 header")),
            }
            Version::V1
        }
        [b'3', b' ', ..] => {
            for field in header.get(2..).unwrap_or_default().split(' ') {
                let mut chars = field.chars();
                let key = chars.next();
                let value = chars.as_str();
                match key {
                    Some('V') => list.uidvalidity = value.parse().unwrap_or(0),
                    Some('N') => list.next_uid = value.parse().unwrap_or(0),
                    Some('G') if is_guid(value) => list.guid = Some(value.to_ascii_lowercase()),
                    Some('G') => return Err(corrupt(1, "invalid mailbox GUID")),
                    // Other header extensions (such as the POP3 UIDL
                    // format) do not concern dormouse.
                    _ => {}
                }
            }
            Version::V3
        }
        _ => return Err(corrupt(1, "unsupported version")),
    };
    if list.uidvalidity == 0 || list.next_uid == 0 {
        return Err(corrupt(1, "UIDVALIDITY and next UID must be non-zero"));
    }
    Ok((version, list))
}

fn is_guid(value: &str) -> bool {
    value.len() == GUID_HEX_LEN && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// One record line: `<uid> <name>` (v1) or `<uid> [<ext>…] :<name>` (v3).
fn parse_record(
    number: usize,
    line: &str,
    version: Version,
) -> Result<(u32, String), StorageError> {
    let digits_end = line
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(line.len());
    let (digits, rest) = line.split_at(digits_end);
    let uid = digits
        .parse::<u32>()
        .map_err(|_| corrupt(number, "invalid UID"))?;
    if uid == 0 || !rest.starts_with(' ') {
        return Err(corrupt(number, "invalid UID"));
    }
    // Dovecot keeps (uint32_t)-1 as its "no UID yet" marker.
    if uid == u32::MAX {
        return Err(corrupt(number, "UID too high"));
    }
    let mut rest = rest.trim_start_matches(' ');
    if version == Version::V3 {
        while !rest.is_empty() && !rest.starts_with(':') {
            // Extension fields `<A-Z><value>`; unknown or invalid ones are
            // dropped, as Dovecot drops them.
            let end = rest.find(' ').unwrap_or(rest.len());
            rest = rest.get(end..).unwrap_or_default().trim_start_matches(' ');
        }
        rest = rest.strip_prefix(':').unwrap_or(rest);
    }
    // Version 1 files (and Courier's) may hold the whole name, flags and
    // all; the base ends at the first ':'.
    let base = rest.split(':').next().unwrap_or_default();
    check_base(base).map_err(|what| corrupt(number, what))?;
    Ok((uid, base.to_owned()))
}

/// A base name that is safe to join to `cur/` or `new/` and to write on one
/// line.
fn check_base(base: &str) -> Result<(), &'static str> {
    if base.is_empty() {
        return Err("missing file name");
    }
    if base == "." || base == ".." || base.contains('/') {
        return Err("file name is a path");
    }
    if base.contains(['\n', '\r', '\0', ':']) {
        return Err("file name has a forbidden character");
    }
    Ok(())
}

/// When a file is listed twice (an expunged file moved back), the later UID
/// wins and the earlier record goes, as in Dovecot.
fn keep_last_per_file(entries: Vec<(u32, String)>) -> Vec<(u32, String)> {
    let mut seen = HashSet::with_capacity(entries.len());
    let mut kept: Vec<_> = entries
        .into_iter()
        .rev()
        .filter(|(_, name)| seen.insert(name.clone()))
        .collect();
    kept.reverse();
    kept
}

/// Writes `list` as a version 3 file under `dovecot-uidlist.lock` and
/// renames the lock over `dovecot-uidlist`, which publishes the file and
/// releases the lock in one step. Returns the file's length.
pub fn write_uidlist(
    mailbox_dir: &Path,
    list: &UidList,
    fsync: Fsync,
) -> Result<u64, StorageError> {
    check_list(list)?;
    let path = mailbox_dir.join(UIDLIST_NAME);
    let lock = dotlock(&path, LOCK_STALE)?;
    let guid = match &list.guid {
        Some(guid) => guid.to_ascii_lowercase(),
        None => existing_guid(mailbox_dir).unwrap_or_else(new_guid),
    };
    let mut text = format!("3 V{} N{} G{}\n", list.uidvalidity, list.next_uid, guid);
    for (uid, base) in &list.entries {
        push_line(&mut text, *uid, base);
    }
    lock.commit(text.as_bytes(), fsync)?;
    Ok(text.len() as u64)
}

fn push_line(text: &mut String, uid: u32, base: &str) {
    use std::fmt::Write;
    let _ = writeln!(text, "{uid} :{base}");
}

/// The outcome of `append_uidlist`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UidlistAppend {
    /// The lines were added; the file is now `len` bytes long.
    Appended { len: u64 },
    /// The file is not the one the caller last wrote: write it whole.
    MustRewrite,
}

/// Adds `entries` (new messages, in ascending UID order) to the end of an
/// existing `dovecot-uidlist` under its lock, as Dovecot does for new
/// mail: one delivery into a 100k-message mailbox then writes one line, not
/// the whole file. The header's next UID goes stale, which readers allow
/// (Dovecot and `parse_uidlist` raise it past the last line).
///
/// Nothing is written, and `MustRewrite` returned, when the file is
/// missing, is not `expected_len` bytes long (another program rewrote or
/// extended it since the caller's last write), does not end in a newline
/// (a torn write), is a version 1 file, or already lists a UID at or above
/// the first new one (appending would break the ascending order Dovecot
/// requires).
pub fn append_uidlist(
    mailbox_dir: &Path,
    entries: &[(u32, String)],
    expected_len: u64,
    fsync: Fsync,
) -> Result<UidlistAppend, StorageError> {
    use std::io::{Read, Write};
    for (_, base) in entries {
        check_base(base).map_err(|why| StorageError::Invariant(why.into()))?;
    }
    let Some(&(first, _)) = entries.first() else {
        return Ok(UidlistAppend::Appended { len: expected_len });
    };
    let path = mailbox_dir.join(UIDLIST_NAME);
    let _lock = dotlock(&path, LOCK_STALE)?;
    let mut file = match fs::OpenOptions::new().read(true).append(true).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(UidlistAppend::MustRewrite),
        Err(e) => return Err(e.into()),
    };
    let len = file.metadata()?.len();
    if len != expected_len || len < 2 {
        return Ok(UidlistAppend::MustRewrite);
    }
    let mut version = [0u8; 2];
    file.read_exact(&mut version)?;
    if &version != b"3 " {
        return Ok(UidlistAppend::MustRewrite);
    }
    match last_line(&mut file, len)? {
        Some(LastLine::Record(uid)) if uid < first => {}
        Some(LastLine::Header) => {}
        _ => return Ok(UidlistAppend::MustRewrite),
    }
    let mut text = String::new();
    for (uid, base) in entries {
        push_line(&mut text, *uid, base);
    }
    file.write_all(text.as_bytes())?;
    if fsync == Fsync::Always {
        file.sync_data()?;
    }
    Ok(UidlistAppend::Appended {
        len: len + text.len() as u64,
    })
}

/// The shape of a `dovecot-uidlist` learnt from its first and last lines
/// only, so that opening a mailbox need not read the whole file to know
/// whether new lines can be appended to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UidlistShape {
    pub uidvalidity: u32,
    /// The UID on the last line; 0 when the file lists no message.
    pub last_uid: u32,
    /// Bytes of the header line, newline included.
    pub header_len: u64,
    /// Bytes of the whole file.
    pub len: u64,
}

/// Reads the first and last lines of `dovecot-uidlist`; `None` when the
/// file is missing, torn, a version 1 file, or its header or last line
/// cannot be parsed: then only a whole rewrite will do.
pub fn peek_uidlist(mailbox_dir: &Path) -> Result<Option<UidlistShape>, StorageError> {
    use std::io::Read;
    let mut file = match fs::File::open(mailbox_dir.join(UIDLIST_NAME)) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let len = file.metadata()?.len();
    let mut head = Vec::with_capacity(256);
    (&mut file).take(TAIL_BYTES).read_to_end(&mut head)?;
    let Some(end) = head.iter().position(|&b| b == b'\n') else {
        return Ok(None);
    };
    let header = head.get(..end).unwrap_or_default();
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    let Ok((Version::V3, list)) = std::str::from_utf8(header)
        .map_err(|_| corrupt(1, "not UTF-8"))
        .and_then(parse_header)
    else {
        return Ok(None);
    };
    let last_uid = match last_line(&mut file, len)? {
        Some(LastLine::Record(uid)) => uid,
        Some(LastLine::Header) => 0,
        None => return Ok(None),
    };
    Ok(Some(UidlistShape {
        uidvalidity: list.uidvalidity,
        last_uid,
        header_len: end as u64 + 1,
        len,
    }))
}

/// Bytes read from either end of the file: far more than one line (a
/// file name is at most 255 bytes, Dovecot's extension fields a few dozen).
const TAIL_BYTES: u64 = 4096;

enum LastLine {
    Header,
    Record(u32),
}

/// The last line of a file `len` bytes long; `None` when the file does not
/// end in a newline or its last line does not parse.
fn last_line(file: &mut fs::File, len: u64) -> io::Result<Option<LastLine>> {
    use std::io::{Read, Seek, SeekFrom};
    let from = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::with_capacity(usize::try_from(len - from).unwrap_or(0));
    file.take(TAIL_BYTES).read_to_end(&mut tail)?;
    let Some(body) = tail.strip_suffix(b"\n") else {
        return Ok(None);
    };
    let line = match body.iter().rposition(|&b| b == b'\n') {
        Some(at) => body.get(at + 1..).unwrap_or_default(),
        // The whole file is one line: the header.
        None if from == 0 => return Ok(Some(LastLine::Header)),
        None => return Ok(None),
    };
    let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
    let uid = std::str::from_utf8(line.get(..digits).unwrap_or_default())
        .ok()
        .and_then(|d| d.parse::<u32>().ok())
        .filter(|&uid| uid != 0 && line.get(digits) == Some(&b' '));
    Ok(uid.map(LastLine::Record))
}

fn check_list(list: &UidList) -> Result<(), StorageError> {
    let bad = |what: String| Err(StorageError::Invariant(format!("{UIDLIST_NAME}: {what}")));
    if list.uidvalidity == 0 {
        return bad("UIDVALIDITY 0".to_owned());
    }
    if list.guid.as_deref().is_some_and(|g| !is_guid(g)) {
        return bad("mailbox GUID is not 32 hex digits".to_owned());
    }
    let mut prev = 0u32;
    for (uid, base) in &list.entries {
        if *uid <= prev || *uid == u32::MAX {
            return bad(format!("UID {uid} out of order or out of range"));
        }
        if let Err(what) = check_base(base) {
            return bad(format!("UID {uid}: {what}"));
        }
        prev = *uid;
    }
    if list.next_uid <= prev {
        return bad(format!("next UID {} not above UID {prev}", list.next_uid));
    }
    Ok(())
}

/// The GUID in the current file, so that rewriting without one keeps it.
fn existing_guid(mailbox_dir: &Path) -> Option<String> {
    read_uidlist(mailbox_dir)
        .ok()
        .flatten()
        .and_then(|l| l.guid)
}

fn new_guid() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_with_ext_fields() {
        let (uid, name) = parse_record(2, "7 S123 W130 Gabc :1.M2P3.h,S=123", Version::V3).unwrap();
        assert_eq!((uid, name.as_str()), (7, "1.M2P3.h,S=123"));
    }

    #[test]
    fn record_errors_name_the_line() {
        let err = parse_record(5, "x :a", Version::V3).unwrap_err();
        assert!(err.to_string().contains("line 5"), "{err}");
        assert!(parse_record(5, "0 :a", Version::V3).is_err());
        assert!(parse_record(5, "4294967295 :a", Version::V3).is_err());
        assert!(parse_record(5, "4294967296 :a", Version::V3).is_err());
        assert!(parse_record(5, "3 S1 :", Version::V3).is_err());
        assert!(parse_record(5, "3 :../x", Version::V3).is_err());
        assert!(parse_record(5, "3 :..", Version::V3).is_err());
        assert!(parse_record(5, "3", Version::V3).is_err());
    }

    #[test]
    fn duplicates_keep_the_later_uid() {
        let kept = keep_last_per_file(vec![
            (1, "a".to_owned()),
            (2, "b".to_owned()),
            (3, "a".to_owned()),
        ]);
        assert_eq!(kept, vec![(2, "b".to_owned()), (3, "a".to_owned())]);
    }
}
