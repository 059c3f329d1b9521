//! File-system primitives the on-disk formats share: replace a file
//! atomically (temp file + fsync + rename + directory fsync) and take a
//! Dovecot-compatible dotlock. Every file is opened and closed within one
//! call; nothing here keeps a descriptor beyond the value it returns.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

/// Whether writes are forced to stable storage before they are reported
/// done. `Never` exists only for tests and benchmarks: a crash may then lose
/// acknowledged data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fsync {
    Always,
    Never,
}

/// Mode for files we create when there is no existing file to copy it from;
/// Dovecot's default for private mailboxes.
const NEW_FILE_MODE: u32 = 0o600;

/// Dovecot waits for a dotlock this much longer than its stale timeout
/// before giving up (`MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT + 2`).
const LOCK_WAIT_SLACK: Duration = Duration::from_secs(2);

/// Replaces `path` with `bytes` so that readers see either the old or the
/// new content, never a mix, even after a crash at any point.
pub fn write_atomic(path: &Path, bytes: &[u8], fsync: Fsync) -> io::Result<()> {
    write_atomic_with(path, bytes, fsync, |_| Ok(()))
}

/// `write_atomic`, letting the caller adjust the temp file (its mtime, say)
/// after it is written and before it replaces `path`.
pub(crate) fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    fsync: Fsync,
    before_rename: impl FnOnce(&File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = parent_dir(path);
    let temp = temp_path(path)?;
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(NEW_FILE_MODE)
            .open(&temp)?;
        file.write_all(bytes)?;
        copy_mode_from(path, &file)?;
        before_rename(&file)?;
        if fsync == Fsync::Always {
            file.sync_all()?;
        }
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    if fsync == Fsync::Always {
        fsync_dir(&dir)?;
    }
    Ok(())
}

/// A new temp file beside `path`, with the permissions of `path` if it
/// exists: for callers that stream a replacement too large to build in
/// memory, then rename it over `path` themselves.
pub(crate) fn temp_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    let temp = temp_path(path)?;
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(NEW_FILE_MODE)
        .open(&temp)?;
    if let Err(e) = copy_mode_from(path, &file) {
        drop(file);
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    Ok((temp, file))
}

/// Makes a directory's entries (a rename, a new file) durable; without it a
/// crash can undo a rename whose file data is already on disk.
pub fn fsync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The directory holding `path`, for the directory fsync after a rename.
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A temp name beside `path`, unique within this host: pid + counter. It
/// does not start with '.', which in a Maildir++ root means a mailbox.
fn temp_path(path: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut temp: OsString = name.to_owned();
    temp.push(format!(
        ".tmp.{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    Ok(parent_dir(path).join(temp))
}

/// Gives the new file the permissions of the one it replaces, so that a
/// group-shared Maildir stays shared.
fn copy_mode_from(original: &Path, file: &File) -> io::Result<()> {
    match fs::metadata(original) {
        Ok(meta) => file.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// This host's name, as dotlocks and Maildir file names record it.
pub(crate) fn hostname() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let mut buf = [0u8; 256];
        // SAFETY: the pointer and length describe `buf`, which outlives the
        // call; gethostname writes at most `len` bytes.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        match buf.get(..len) {
            Some(name) if rc == 0 && !name.is_empty() => String::from_utf8_lossy(name).into_owned(),
            _ => "localhost".to_owned(),
        }
    })
}

/// A held dotlock: the file `<path>.lock`, created with O_EXCL. Dropping it
/// removes the lock file if it is still ours; `commit` instead renames it
/// over `<path>` after writing the new content into it, which is how
/// Dovecot's `file_dotlock_replace` publishes a file and unlocks in one step.
#[derive(Debug)]
pub struct DotLock {
    target: PathBuf,
    lock_path: PathBuf,
    file: Option<File>,
    dev: u64,
    ino: u64,
}

/// Waits for and takes the dotlock guarding `path`. A lock older than
/// `stale`, or one whose holder on this host no longer runs, is overridden,
/// as Dovecot does; gives up with `TimedOut` after `stale` + 2 s.
/// How long an empty lock file is given before it counts as abandoned.
const EMPTY_LOCK_GRACE: Duration = Duration::from_secs(5);

pub fn dotlock(path: &Path, stale: Duration) -> io::Result<DotLock> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let deadline = Instant::now() + stale + LOCK_WAIT_SLACK;
    let mut pause = Duration::from_millis(2);
    loop {
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(NEW_FILE_MODE)
            .open(&lock_path)
        {
            Ok(mut file) => {
                // Dovecot's dotlock content: lets a waiter on this host see
                // that the holder died without waiting for the stale timeout.
                let written = file
                    .write_all(format!("{}:{}", std::process::id(), hostname()).as_bytes())
                    .and_then(|()| file.metadata());
                let meta = match written {
                    Ok(meta) => meta,
                    Err(e) => {
                        // A half-made lock would block everyone until stale.
                        let _ = fs::remove_file(&lock_path);
                        return Err(e);
                    }
                };
                return Ok(DotLock {
                    target: path.to_path_buf(),
                    lock_path,
                    file: Some(file),
                    dev: meta.dev(),
                    ino: meta.ino(),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if override_if_stale(&lock_path, stale)? {
                    continue;
                }
                let now = Instant::now();
                if now >= deadline {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("timed out waiting for {}", lock_path.display()),
                    ));
                }
                thread::sleep(pause.min(deadline - now));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Removes the lock at `lock_path` if it is stale; true if the caller should
/// retry at once (removed, or already gone).
fn override_if_stale(lock_path: &Path, stale: Duration) -> io::Result<bool> {
    let meta = match fs::metadata(lock_path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    let age = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .unwrap_or(Duration::ZERO);
    if age <= stale && !holder_is_dead(lock_path) {
        return Ok(false);
    }
    // Only remove the file we judged stale: another waiter may have replaced
    // it with a fresh lock in the meantime.
    match fs::metadata(lock_path) {
        Ok(now) if now.dev() == meta.dev() && now.ino() == meta.ino() => {
            match fs::remove_file(lock_path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
                Err(e) => Err(e),
            }
        }
        Ok(_) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// True if the lock says `<pid>:<this host>` and that process is gone. Any
/// other content (another host, or a lock already filled with the new file's
/// data) says nothing, and the caller falls back to the lock's age.
fn holder_is_dead(lock_path: &Path) -> bool {
    let mut content = Vec::new();
    let read = File::open(lock_path).and_then(|f| f.take(512).read_to_end(&mut content));
    if read.is_err() {
        return false;
    }
    if content.is_empty() {
        // The holder writes `pid:host` right after creating the file; an
        // empty lock that has stayed empty for seconds lost its holder
        // between the two steps (a SIGKILL).
        return fs::metadata(lock_path)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age > EMPTY_LOCK_GRACE);
    }
    let Ok(text) = std::str::from_utf8(&content) else {
        return false;
    };
    let Some((pid, host)) = text.split_once(':') else {
        return false;
    };
    let Ok(pid) = pid.parse::<libc::pid_t>() else {
        return false;
    };
    if pid <= 0 || host != hostname() || u32::try_from(pid).ok() == Some(std::process::id()) {
        return false;
    }
    // SAFETY: signal 0 performs only the existence and permission check.
    let rc = unsafe { libc::kill(pid, 0) };
    rc != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

impl DotLock {
    /// The lock file's path (`<path>.lock`).
    pub fn lock_path(&self) -> &Path {
        &self.lock_path
    }

    /// True while the lock file on disk is still the one we created; false
    /// once someone overrode it as stale.
    fn still_ours(&self) -> bool {
        fs::metadata(&self.lock_path)
            .map(|m| m.dev() == self.dev && m.ino() == self.ino)
            .unwrap_or(false)
    }

    /// Publishes `bytes` as the locked file (temp file, fsync, rename) and
    /// then releases the lock. The lock file itself only ever says
    /// `pid:host`, so a waiter can always tell whether its holder is alive;
    /// writing the content into the lock and renaming it (Dovecot's way for
    /// some files) would leave a dead holder's lock unreadable after a
    /// crash. Fails without touching the target if the lock was overridden.
    pub fn commit(mut self, bytes: &[u8], fsync: Fsync) -> io::Result<()> {
        if !self.still_ours() {
            return Err(io::Error::other(format!(
                "dotlock {} was overridden",
                self.lock_path.display()
            )));
        }
        self.file.take();
        // write_atomic fsyncs the file and, after the rename, the directory.
        write_atomic(&self.target, bytes, fsync)?;
        // Dropping `self` removes the lock.
        Ok(())
    }
}

impl Drop for DotLock {
    fn drop(&mut self) {
        if self.ino != 0 && self.still_ours() {
            let _ = fs::remove_file(&self.lock_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_atomic(&path, b"one", Fsync::Always).unwrap();
        write_atomic(&path, b"two", Fsync::Never).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("f")]);
    }

    #[test]
    fn write_atomic_keeps_the_mode_of_the_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new", Fsync::Never).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o640);
    }

    #[test]
    fn dotlock_is_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let lock = dotlock(&path, Duration::from_secs(120)).unwrap();
        assert_eq!(lock.lock_path(), dir.path().join("data.lock"));
        let content = fs::read_to_string(lock.lock_path()).unwrap();
        assert_eq!(content, format!("{}:{}", std::process::id(), hostname()));
        drop(lock);
        assert!(!dir.path().join("data.lock").exists());
    }

    #[test]
    fn dropping_an_overridden_lock_leaves_the_new_holder_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let lock = dotlock(&path, Duration::from_secs(120)).unwrap();
        fs::remove_file(lock.lock_path()).unwrap();
        fs::write(dir.path().join("data.lock"), b"1:another-host").unwrap();
        drop(lock);
        assert!(dir.path().join("data.lock").exists());
    }

    #[test]
    fn old_lock_is_overridden() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let old = File::create(dir.path().join("data.lock")).unwrap();
        old.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        drop(old);
        let started = Instant::now();
        let lock = dotlock(&path, Duration::from_secs(120)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        drop(lock);
    }

    #[test]
    fn commit_replaces_target_and_releases_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        fs::write(&path, b"old").unwrap();
        let lock = dotlock(&path, Duration::from_secs(120)).unwrap();
        lock.commit(b"new content", Fsync::Always).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new content");
        assert!(!dir.path().join("data.lock").exists());
    }

    #[test]
    fn commit_refuses_after_override() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        fs::write(&path, b"old").unwrap();
        let lock = dotlock(&path, Duration::from_secs(120)).unwrap();
        fs::remove_file(lock.lock_path()).unwrap();
        fs::write(dir.path().join("data.lock"), b"someone else").unwrap();
        assert!(lock.commit(b"new", Fsync::Never).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(
            fs::read(dir.path().join("data.lock")).unwrap(),
            b"someone else"
        );
    }

    #[test]
    fn lock_of_a_dead_process_on_this_host_is_overridden_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        // Pid numbers wrap far below i32::MAX on Linux (pid_max <= 2^22).
        let dead = format!("{}:{}", i32::MAX - 7, hostname());
        fs::write(dir.path().join("data.lock"), dead).unwrap();
        let started = Instant::now();
        let lock = dotlock(&path, Duration::from_secs(120)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        drop(lock);
    }

    #[test]
    fn lock_that_never_ages_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        // An mtime in the future (clock skew between NFS clients) never
        // looks stale, so the waiter must give up rather than spin forever.
        let lock = File::create(dir.path().join("data.lock")).unwrap();
        lock.set_modified(SystemTime::now() + Duration::from_secs(3600))
            .unwrap();
        drop(lock);
        let started = Instant::now();
        let err = dotlock(&path, Duration::ZERO).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= LOCK_WAIT_SLACK);
        assert!(dir.path().join("data.lock").exists());
    }
}

#[cfg(test)]
mod abandoned {
    use super::*;

    /// A holder killed between creating the lock and writing its pid
    /// leaves an empty file; it must not block writers until the stale
    /// timeout (found by the SIGKILL-during-APPEND test).
    #[test]
    fn an_old_empty_lock_is_overridden() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("data");
        let empty = File::create(dir.path().join("data.lock")).unwrap_or_else(|e| panic!("{e}"));
        empty
            .set_modified(SystemTime::now() - Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        let lock = dotlock(&path, Duration::from_secs(120));
        assert!(lock.is_ok());
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn commit_publishes_and_releases() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("data");
        let lock = dotlock(&path, Duration::from_secs(120)).unwrap_or_else(|e| panic!("{e}"));
        assert!(lock.commit(b"content", Fsync::Never).is_ok());
        assert_eq!(fs::read(&path).ok().as_deref(), Some(&b"content"[..]));
        assert!(!dir.path().join("data.lock").exists());
    }
}
