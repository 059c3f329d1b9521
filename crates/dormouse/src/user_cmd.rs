//! `dormouse user add|passwd|remove|list`: edits the passwd-file named by the
//! configuration, reading passwords from the first line of standard input.
//!
//! Never prints or logs a password. Does not disable terminal echo: the
//! intended use is `printf '%s\n' "$pw" | dormouse user add NAME`.

use std::io::{BufRead, IsTerminal as _};
use std::path::Path;

use anyhow::{Context as _, bail};
use dormouse_auth::{MAX_PASSWORD_LEN, passwd_file, validate_username};

use crate::cli::{UserCommand, UserFlags};

pub fn run(cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add(flags) => {
            let (users_file, password) = prepare(&flags)?;
            create_parent(&users_file)?;
            passwd_file::add_user(&users_file, &flags.name, &password)
                .with_context(|| format!("cannot add user {}", flags.name))?;
            println!("added user {} to {}", flags.name, users_file.display());
        }
        UserCommand::Passwd(flags) => {
            let (users_file, password) = prepare(&flags)?;
            passwd_file::set_password(&users_file, &flags.name, &password)
                .with_context(|| format!("cannot change the password of {}", flags.name))?;
            println!("changed the password of {}", flags.name);
        }
        UserCommand::Remove(flags) => {
            let users_file = flags.common.load()?.users_file;
            passwd_file::remove_user(&users_file, &flags.name)
                .with_context(|| format!("cannot remove user {}", flags.name))?;
            println!("removed user {} from {}", flags.name, users_file.display());
        }
        UserCommand::List(flags) => {
            let users_file = flags.load()?.users_file;
            let names = passwd_file::list_users(&users_file)
                .with_context(|| format!("cannot list users in {}", users_file.display()))?;
            for name in names {
                println!("{name}");
            }
        }
    }
    Ok(())
}

/// Loads the configuration, checks the name and reads the password, in that
/// order, so that a typo is reported before anyone types a password.
fn prepare(flags: &UserFlags) -> anyhow::Result<(std::path::PathBuf, Vec<u8>)> {
    let config = flags.common.load()?;
    validate_username(&flags.name).with_context(|| format!("cannot use {:?}", flags.name))?;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "password for {} (first line of input; it is not hidden):",
            flags.name
        );
    }
    let password = read_password(stdin.lock())?;
    Ok((config.users_file, password))
}

/// The first line of `input` without its `\n` or `\r\n`.
///
/// Reads at most one byte more than the longest acceptable password and
/// line ending, so a password is never silently truncated.
fn read_password(input: impl BufRead) -> anyhow::Result<Vec<u8>> {
    let cap = MAX_PASSWORD_LEN + "\r\n".len();
    let mut line = Vec::new();
    input
        .take(cap as u64 + 1)
        .read_until(b'\n', &mut line)
        .context("cannot read the password from standard input")?;
    let ended = line.last() == Some(&b'\n');
    if ended {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    if line.len() > MAX_PASSWORD_LEN {
        bail!("the password is longer than {MAX_PASSWORD_LEN} bytes");
    }
    if line.is_empty() {
        bail!("empty password: write the password as the first line of standard input");
    }
    Ok(line)
}

/// A first `user add` may run before the server ever created the data
/// directory; make the directory, private to the owner.
fn create_parent(users_file: &Path) -> anyhow::Result<()> {
    let Some(parent) = users_file.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(parent)
        .with_context(|| format!("cannot create directory {}", parent.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8]) -> Result<Vec<u8>, String> {
        read_password(input).map_err(|e| e.to_string())
    }

    #[test]
    fn strips_one_line_ending() {
        assert_eq!(read(b"secret\n"), Ok(b"secret".to_vec()));
        assert_eq!(read(b"secret\r\n"), Ok(b"secret".to_vec()));
        assert_eq!(read(b"secret"), Ok(b"secret".to_vec()));
        assert_eq!(read(b"se cret \nsecond line\n"), Ok(b"se cret ".to_vec()));
    }

    #[test]
    fn refuses_empty_passwords() {
        for input in [&b""[..], b"\n", b"\r\n"] {
            let err = read(input).unwrap_err();
            assert!(err.contains("empty password"), "{err}");
        }
    }

    #[test]
    fn refuses_overlong_passwords_instead_of_truncating() {
        let exact = vec![b'x'; MAX_PASSWORD_LEN];
        let mut line = exact.clone();
        line.extend_from_slice(b"\r\n");
        assert_eq!(read(&line), Ok(exact));
        for extra in [1, 2, 3, 100] {
            let long = vec![b'x'; MAX_PASSWORD_LEN + extra];
            let err = read(&long).unwrap_err();
            assert!(err.contains("longer than"), "{extra}: {err}");
            let mut long_line = long.clone();
            long_line.push(b'\n');
            assert!(read(&long_line).is_err(), "{extra} with newline");
        }
    }
}
