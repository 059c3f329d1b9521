//! The editors' lock: `<path>.lock`, created with O_EXCL and removed when
//! dropped. Only editors take it; the server reads without locking because
//! edits replace the file atomically.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crate::AuthError;

/// An edit holds the lock for a read and a write of a small file, so a
/// lock older than this belongs to a stuck or dead editor; we give up
/// rather than break it, since we cannot tell which.
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(5);

pub(super) struct Lock {
    path: PathBuf,
}

impl Lock {
    pub(super) fn acquire(target: &Path) -> Result<Lock, AuthError> {
        let mut name = target.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        let start = Instant::now();
        loop {
            let created = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path);
            match created {
                Ok(mut file) => {
                    // The pid helps an admin judge whether a leftover lock is
                    // stale; failing to write it does not matter.
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if start.elapsed() >= WAIT {
                        return Err(AuthError::Locked { lock: path });
                    }
                    thread::sleep(POLL);
                }
                Err(e) => return Err(AuthError::io("create lock file", path, e)),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Err(e) = fs::remove_file(&self.path) {
            tracing::warn!(lock = %self.path.display(), error = %e, "could not remove passwd-file lock");
        }
    }
}
