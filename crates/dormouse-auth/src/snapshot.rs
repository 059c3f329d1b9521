//! Reading the passwd-file into an immutable table of users, and the
//! stat fingerprint that tells when it must be read again. Malformed lines
//! are skipped with a warning naming the line number, never its content
//! (it holds a hash).

use std::collections::HashMap;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::AuthError;
use crate::hashing::DUMMY_HASH;
use crate::passwd_line::{Line, ParsedUser, parse_line};
use crate::password::{Scheme, StoredPassword, Unusable};

/// What identifies one version of the file: replacing it (a new inode),
/// rewriting it in place (mtime, size) or deleting it all change this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FileStamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: i64,
    mtime_nsec: i64,
}

impl FileStamp {
    fn of(meta: &Metadata) -> FileStamp {
        FileStamp {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
        }
    }
}

/// The file's current stamp; `None` if it does not exist.
pub(crate) fn stat(path: &Path) -> Result<Option<FileStamp>, AuthError> {
    match fs::metadata(path) {
        Ok(meta) => Ok(Some(FileStamp::of(&meta))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AuthError::io("stat", path, e)),
    }
}

pub(crate) struct Snapshot {
    pub(crate) stamp: Option<FileStamp>,
    pub(crate) users: HashMap<String, ParsedUser>,
    /// Checked against when the user is unknown or has no usable password,
    /// so that such a login costs what a real one does (the result is
    /// thrown away). Borrowing the first usable hash in the file matches the
    /// scheme and cost most of its users have, which a fixed Argon2 hash
    /// would not for a file of SHA512-CRYPT entries.
    pub(crate) dummy: StoredPassword,
}

impl Snapshot {
    pub(crate) fn empty() -> Snapshot {
        Snapshot {
            stamp: None,
            users: HashMap::new(),
            dummy: StoredPassword::parse(DUMMY_HASH),
        }
    }

    /// Reads the file; a missing file is an empty user table.
    pub(crate) fn load(path: &Path) -> Result<Snapshot, AuthError> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Snapshot::empty()),
            Err(e) => return Err(AuthError::io("open", path, e)),
        };
        // The stamp comes from the open file, so a replacement racing with
        // this read is noticed at the next check rather than missed.
        let meta = file
            .metadata()
            .map_err(|e| AuthError::io("stat", path, e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| AuthError::io("read", path, e))?;
        let mut snapshot = Snapshot::parse(path, &bytes);
        snapshot.stamp = Some(FileStamp::of(&meta));
        Ok(snapshot)
    }

    fn parse(path: &Path, bytes: &[u8]) -> Snapshot {
        let mut snapshot = Snapshot::empty();
        // Per scheme: how many users have it, and the first such hash.
        let mut schemes: Vec<(Scheme, usize, StoredPassword)> = Vec::new();
        for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            let line_no = index + 1;
            let user = match parse_line(raw) {
                Line::Ignored => continue,
                Line::Malformed(why) => {
                    tracing::warn!(path = %path.display(), line = line_no, reason = %why, "passwd-file: skipping malformed line");
                    continue;
                }
                Line::User(user) => user,
            };
            match user.password.scheme() {
                Ok(scheme) => match schemes.iter_mut().find(|(s, _, _)| *s == scheme) {
                    Some((_, count, _)) => *count += 1,
                    None => schemes.push((scheme, 1, user.password.clone())),
                },
                // Userdb-only lines legitimately have no password.
                Err(Unusable::Missing) => {}
                Err(why) => {
                    tracing::warn!(path = %path.display(), line = line_no, reason = %why, "passwd-file: user cannot log in");
                }
            }
            if snapshot.users.contains_key(&user.entry.name) {
                // Dovecot keeps the first entry too.
                tracing::warn!(path = %path.display(), line = line_no, "passwd-file: duplicate user ignored");
                continue;
            }
            snapshot.users.insert(user.entry.name.clone(), user);
        }
        // An unknown user must cost what a typical known one costs, or the
        // reply time tells which names exist: hash with the most common
        // scheme in the file (the first-listed on a tie).
        if let Some((_, _, dummy)) = schemes.into_iter().rev().max_by_key(|(_, count, _)| *count) {
            snapshot.dummy = dummy;
        }
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dummy hash for unknown users follows the most common scheme, so
    /// one odd user listed first cannot make unknown names cheaper or
    /// dearer than known ones (review finding, issue #2).
    #[test]
    fn dummy_uses_the_most_common_scheme() {
        let file = b"first:{PLAIN}x::::::\n\
            a:{SHA512-CRYPT}$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/::::::\n\
            b:{SHA512-CRYPT}$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/::::::\n";
        let snapshot = Snapshot::parse(Path::new("users"), file);
        assert_eq!(snapshot.dummy.scheme().ok(), Some(Scheme::Sha512Crypt));
    }
}
