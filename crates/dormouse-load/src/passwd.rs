//! The benchmark users: writes a Dovecot passwd-file of `load00001`… whose
//! passwords are `{PLAIN}` and equal to the user name, and reads such a file
//! back. PLAIN makes every LOGIN cheap, which is what a benchmark of session
//! setup wants; it is for benchmarks only and never for real accounts.
//! Reading understands only `{PLAIN}`/`{CLEARTEXT}` passwords, because the
//! generator has to send them.

use std::fmt::Write as _;
use std::path::Path;

use crate::LoadError;

/// The most users one file may hold: well past any run (sessions per process
/// are capped at 19,000) and small enough to write in a second.
pub const MAX_USERS: usize = 1_000_000;

/// One user the generator can log in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub password: String,
}

/// The user names for `count` users: `prefix` and a zero-padded number
/// starting at 1, at least five digits wide so names sort in order.
pub fn user_names(prefix: &str, count: usize) -> impl Iterator<Item = String> + '_ {
    let width = count.to_string().len().max(5);
    (1..=count).map(move |i| format!("{prefix}{i:0width$}"))
}

/// The passwd-file text for `count` users (password = user name).
pub fn render_users(prefix: &str, count: usize) -> Result<String, LoadError> {
    check_prefix(prefix)?;
    if count == 0 || count > MAX_USERS {
        return Err(LoadError::Invalid(format!(
            "--count {count}: between 1 and {MAX_USERS} users"
        )));
    }
    let mut out = String::with_capacity(count * (2 * prefix.len() + 32));
    out.push_str("# Written by dormouse-load: {PLAIN} passwords equal to the user name, for benchmarks only.\n");
    for name in user_names(prefix, count) {
        // Dovecot's passwd-file: user:password:uid:gid:gecos:home:shell:extra
        let _ = writeln!(out, "{name}:{{PLAIN}}{name}::::::");
    }
    Ok(out)
}

/// Prefixes become IMAP atoms and LMTP local parts unquoted, so only
/// letters, digits, `-`, `_` and `.` are accepted.
fn check_prefix(prefix: &str) -> Result<(), LoadError> {
    let ok = !prefix.is_empty()
        && prefix.len() <= 32
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(LoadError::Invalid(format!(
            "--prefix `{prefix}`: 1 to 32 letters, digits, '-', '_' or '.'"
        )))
    }
}

/// Writes the file at `path`.
pub fn write_users(path: &Path, prefix: &str, count: usize) -> Result<(), LoadError> {
    let text = render_users(prefix, count)?;
    std::fs::write(path, text).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// A dormouse configuration that serves these users, printed after
/// `users`. `users_file` must be absolute: relative paths in the
/// configuration are relative to `data_dir`.
pub fn config_snippet(users_file: &Path, data_dir: &Path) -> String {
    format!(
        "# dormouse configuration for a load run ({{PLAIN}} users: benchmarks only)\n\
         data_dir = {}\n\
         users_file = {}\n\
         \n\
         [listen]\n\
         imap = \"127.0.0.1:1143\"\n\
         lmtp = \"127.0.0.1:2424\"\n",
        toml_string(&data_dir.to_string_lossy()),
        toml_string(&users_file.to_string_lossy()),
    )
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The users in a passwd-file text that have a clear-text password, in file
/// order. Lines with another scheme are skipped (the generator could not log
/// in as them); a line without a user name is an error.
pub fn parse_users(path: &Path, text: &str) -> Result<Vec<User>, LoadError> {
    let mut users = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.splitn(3, ':');
        let name = fields.next().unwrap_or_default();
        let password = fields.next().unwrap_or_default();
        if name.is_empty() {
            return Err(LoadError::Passwd {
                path: path.to_path_buf(),
                line: i + 1,
                reason: "no user name".into(),
            });
        }
        if let Some(clear) = clear_password(password) {
            users.push(User {
                name: name.to_owned(),
                password: clear.to_owned(),
            });
        }
    }
    Ok(users)
}

fn clear_password(field: &str) -> Option<&str> {
    let rest = field.strip_prefix('{')?;
    let (scheme, password) = rest.split_once('}')?;
    (scheme.eq_ignore_ascii_case("PLAIN") || scheme.eq_ignore_ascii_case("CLEARTEXT"))
        .then_some(password)
}

/// Which share of the users one of several cooperating processes takes:
/// user `k` of the file belongs to process `k mod count`, so processes
/// given `0/N` .. `N-1/N` never log in as the same user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Partition {
    type Err = String;

    fn from_str(s: &str) -> Result<Partition, String> {
        let bad = || format!("`{s}`: expected I/N with 0 <= I < N, e.g. 0/2");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index >= count {
            return Err(bad());
        }
        Ok(Partition { index, count })
    }
}

impl Partition {
    pub fn select(self, users: Vec<User>) -> Vec<User> {
        users
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % self.count == self.index)
            .map(|(_, u)| u)
            .collect()
    }
}

/// Reads and parses the passwd-file at `path`.
pub fn read_users(path: &Path) -> Result<Vec<User>, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_users(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_padded_and_start_at_one() {
        let names: Vec<String> = user_names("load", 3).collect();
        assert_eq!(names, ["load00001", "load00002", "load00003"]);
        assert_eq!(
            user_names("u", 1_000_000).last().as_deref(),
            Some("u1000000")
        );
    }

    #[test]
    fn written_file_reads_back_with_password_equal_to_name() {
        let text = render_users("load", 12).unwrap();
        let users = parse_users(Path::new("x"), &text).unwrap();
        assert_eq!(users.len(), 12);
        for (user, name) in users.iter().zip(user_names("load", 12)) {
            assert_eq!(user.name, name);
            assert_eq!(user.password, name);
        }
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l == "load00001:{PLAIN}load00001::::::")
        );
    }

    #[test]
    fn refuses_bad_prefix_and_counts() {
        assert!(render_users("a b", 1).is_err());
        assert!(render_users("a:b", 1).is_err());
        assert!(render_users("", 1).is_err());
        assert!(render_users("load", 0).is_err());
        assert!(render_users("load", MAX_USERS + 1).is_err());
    }

    #[test]
    fn reader_skips_hashed_and_comment_lines() {
        let text = "# c\n\nalice:{PLAIN}pw:1:1::/h::\nbob:{ARGON2ID}$argon2id$x\r\ncarol:{cleartext}a:b\r\ndave\n";
        let users = parse_users(Path::new("x"), text).unwrap();
        assert_eq!(
            users,
            [
                User {
                    name: "alice".into(),
                    password: "pw".into()
                },
                User {
                    name: "carol".into(),
                    password: "a".into()
                },
            ]
        );
        let err = parse_users(Path::new("f"), "ok:{PLAIN}x\n:{PLAIN}y\n").unwrap_err();
        assert_eq!(err.to_string(), "f:2: no user name");
    }

    #[test]
    fn partitions_are_disjoint_and_cover_all() {
        let all = parse_users(Path::new("x"), &render_users("u", 10).unwrap()).unwrap();
        let p0: Partition = "0/3".parse().unwrap();
        let p1: Partition = "1/3".parse().unwrap();
        let p2: Partition = "2/3".parse().unwrap();
        let parts = [p0, p1, p2].map(|p| p.select(all.clone()));
        assert_eq!(parts.iter().map(Vec::len).collect::<Vec<_>>(), [4, 3, 3]);
        let mut names: Vec<String> = parts.iter().flatten().map(|u| u.name.clone()).collect();
        names.sort();
        assert_eq!(
            names,
            all.iter().map(|u| u.name.clone()).collect::<Vec<_>>()
        );
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
    }

    #[test]
    fn snippet_quotes_paths_for_toml() {
        let s = config_snippet(Path::new("/tmp/a \"b\"/users"), Path::new("./data"));
        assert!(
            s.contains("users_file = \"/tmp/a \\\"b\\\"/users\"\n"),
            "{s}"
        );
        assert!(s.contains("data_dir = \"./data\"\n"));
        assert!(s.contains("lmtp = \"127.0.0.1:2424\""));
    }
}
