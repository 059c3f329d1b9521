//! Administrative edits to a passwd-file: adding users, changing passwords,
//! listing names. Every edit holds `<path>.lock` and replaces the file
//! atomically, and leaves every line it does not touch byte for byte as it
//! was (comments, unknown fields, malformed lines). It does not tell a
//! running server; the server notices the new file by itself.

mod atomic;
mod lock;

use std::fs;
use std::io;
use std::path::Path;

use crate::passwd_line::{Line, parse_line};
use crate::{AuthError, hash_password, validate_username};

/// Appends `name:{ARGON2ID}...`. Fails with [`AuthError::UserExists`] if any
/// line already names the user, even a malformed one. Creates the file
/// (mode 0600) if it does not exist.
pub fn add_user(path: &Path, name: &str, password: &[u8]) -> Result<(), AuthError> {
    validate_username(name)?;
    // Hashing takes a while; doing it before taking the lock keeps the
    // critical section short for concurrent editors.
    let hash = hash_password(password)?;
    edit(path, |lines| {
        if find(lines, name).is_some() {
            return Err(AuthError::UserExists);
        }
        lines.push(format!("{name}:{hash}").into_bytes());
        Ok(())
    })
}

/// Replaces the password field of the user's line, keeping its other
/// fields. With duplicate lines, changes the first, the one in force.
pub fn set_password(path: &Path, name: &str, password: &[u8]) -> Result<(), AuthError> {
    validate_username(name)?;
    let hash = hash_password(password)?;
    edit(path, |lines| {
        let index = find(lines, name).ok_or(AuthError::NoSuchUser)?;
        if let Some(line) = lines.get_mut(index) {
            *line = with_password(line, name, &hash);
        }
        Ok(())
    })
}

/// Removes the user's lines (all of them, should there be duplicates).
pub fn remove_user(path: &Path, name: &str) -> Result<(), AuthError> {
    validate_username(name)?;
    edit(path, |lines| {
        let before = lines.len();
        lines.retain(|l| line_user(l) != Some(name.as_bytes()));
        if lines.len() == before {
            return Err(AuthError::NoSuchUser);
        }
        Ok(())
    })
}

/// The users the file defines, in file order, as the server would load
/// them: malformed lines and later duplicates are left out. A missing file
/// has no users.
pub fn list_users(path: &Path) -> Result<Vec<String>, AuthError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(AuthError::io("read", path, e)),
    };
    let mut names: Vec<String> = Vec::new();
    for raw in bytes.split(|&b| b == b'\n') {
        if let Line::User(user) = parse_line(raw)
            && !names.contains(&user.entry.name)
        {
            names.push(user.entry.name);
        }
    }
    Ok(names)
}

/// Runs `change` on the file's lines under the lock and writes the result
/// back atomically. Nothing is written if `change` fails.
fn edit(
    path: &Path,
    change: impl FnOnce(&mut Vec<Vec<u8>>) -> Result<(), AuthError>,
) -> Result<(), AuthError> {
    let _lock = lock::Lock::acquire(path)?;
    let (mut lines, existing) = match fs::read(path) {
        Ok(bytes) => {
            let meta = fs::metadata(path).map_err(|e| AuthError::io("stat", path, e))?;
            (split_lines(&bytes), Some(meta))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => (Vec::new(), None),
        Err(e) => return Err(AuthError::io("read", path, e)),
    };
    change(&mut lines)?;
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in &lines {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    atomic::replace(path, &out, existing.as_ref())
}

/// Lines without their '\n'. A final newline does not start another line;
/// a file that lacked one gains it when rewritten.
fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

fn find(lines: &[Vec<u8>], name: &str) -> Option<usize> {
    lines
        .iter()
        .position(|l| line_user(l) == Some(name.as_bytes()))
}

/// The username a line defines, judged as loosely as Dovecot's loader:
/// everything before the first ':' of a line that is not blank or a comment.
fn line_user(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() || line.starts_with(b"#") || line.starts_with(b":") {
        return None;
    }
    line.split(|&b| b == b':').next()
}

/// `name:hash` followed by the line's fields after its old password field,
/// and its '\r' if it had one.
fn with_password(line: &[u8], name: &str, hash: &str) -> Vec<u8> {
    let (body, cr) = match line.strip_suffix(b"\r") {
        Some(body) => (body, &b"\r"[..]),
        None => (line, &b""[..]),
    };
    let after_password = body
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b':')
        .nth(1)
        .and_then(|(i, _)| body.get(i..))
        .unwrap_or_default();
    [name.as_bytes(), b":", hash.as_bytes(), after_password, cr].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_rejoin_keep_content() {
        assert_eq!(split_lines(b""), Vec::<Vec<u8>>::new());
        assert_eq!(split_lines(b"\n"), vec![Vec::<u8>::new()]);
        assert_eq!(
            split_lines(b"a\n\nb"),
            vec![b"a".to_vec(), vec![], b"b".to_vec()]
        );
        assert_eq!(split_lines(b"a\nb\n"), vec![b"a".to_vec(), b"b".to_vec()]);
    }

    #[test]
    fn password_replacement_keeps_other_fields() {
        let h = "{PLAIN}new";
        assert_eq!(
            with_password(b"u:{PLAIN}old:1:2::/h::x=y", "u", h),
            b"u:{PLAIN}new:1:2::/h::x=y"
        );
        assert_eq!(with_password(b"u:{PLAIN}old", "u", h), b"u:{PLAIN}new");
        assert_eq!(with_password(b"u", "u", h), b"u:{PLAIN}new");
        assert_eq!(with_password(b"u:old:5\r", "u", h), b"u:{PLAIN}new:5\r");
        assert_eq!(with_password(b"u\r", "u", h), b"u:{PLAIN}new\r");
    }

    #[test]
    fn line_user_matches_dovecot() {
        assert_eq!(line_user(b"alice:x"), Some(&b"alice"[..]));
        assert_eq!(line_user(b"alice"), Some(&b"alice"[..]));
        assert_eq!(line_user(b"alice\r"), Some(&b"alice"[..]));
        assert_eq!(line_user(b"#alice:x"), None);
        assert_eq!(line_user(b":x"), None);
        assert_eq!(line_user(b""), None);
    }
}
