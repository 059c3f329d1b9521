//! Replacing a file atomically: write a temporary file in the same
//! directory, fsync it, rename it over the original, fsync the directory.
//! A reader sees the old file or the new one, never a mixture, and a crash
//! leaves one of the two.

use std::fs::{self, File, Metadata, OpenOptions, Permissions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::AuthError;

/// Distinguishes temporary files of threads in one process; the pid
/// distinguishes processes.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// Writes `contents` to `path`. A new file gets mode 0600; a replaced one
/// keeps its mode and, where we are allowed to set it, its owner and group.
pub(super) fn replace(
    path: &Path,
    contents: &[u8],
    previous: Option<&Metadata>,
) -> Result<(), AuthError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(file_name) = path.file_name() else {
        return Err(AuthError::io(
            "replace",
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"),
        ));
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(
        ".tmp.{}.{}",
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = dir.join(tmp_name);
    let result = write_and_rename(&tmp, path, &dir, contents, previous);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_and_rename(
    tmp: &Path,
    path: &Path,
    dir: &Path,
    contents: &[u8],
    previous: Option<&Metadata>,
) -> Result<(), AuthError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)
        .map_err(|e| AuthError::io("create", tmp, e))?;
    file.write_all(contents)
        .map_err(|e| AuthError::io("write", tmp, e))?;
    if let Some(meta) = previous {
        // Ownership first: chown may clear set-id bits that the mode restores.
        if let Err(e) = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid())) {
            tracing::debug!(error = %e, "could not keep the passwd-file's owner");
        }
        file.set_permissions(Permissions::from_mode(meta.mode() & 0o7777))
            .map_err(|e| AuthError::io("chmod", tmp, e))?;
    }
    file.sync_all()
        .map_err(|e| AuthError::io("fsync", tmp, e))?;
    drop(file);
    fs::rename(tmp, path).map_err(|e| AuthError::io("rename", path, e))?;
    // Without this the rename itself may not survive a crash.
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| AuthError::io("fsync", dir, e))
}
