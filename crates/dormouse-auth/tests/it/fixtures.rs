//! Shared helpers: a passwd-file in a temporary directory and a database
//! over it with delays short enough for tests.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use dormouse_auth::{AuthOptions, UserDb, Verdict};

pub const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));

pub struct PasswdFile {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl PasswdFile {
    pub fn new(contents: &str) -> PasswdFile {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users");
        std::fs::write(&path, contents).expect("write passwd-file");
        PasswdFile { dir, path }
    }

    pub fn missing() -> PasswdFile {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users");
        PasswdFile { dir, path }
    }

    /// Replaces the contents the way an editor that renames would.
    pub fn replace(&self, contents: &str) {
        let tmp = self.dir.path().join("users.new");
        std::fs::write(&tmp, contents).expect("write");
        std::fs::rename(&tmp, &self.path).expect("rename");
    }

    pub fn open(&self) -> UserDb {
        UserDb::open(&self.path, test_options()).expect("open")
    }
}

pub fn test_options() -> AuthOptions {
    AuthOptions {
        cache_ttl: Duration::from_secs(60),
        failure_delay: Duration::from_millis(10),
        max_failure_delay: Duration::from_millis(50),
    }
}

pub fn accepts(db: &UserDb, user: &str, password: &[u8]) -> bool {
    match db.verify(user, password, CLIENT) {
        Verdict::Accepted(entry) => {
            assert_eq!(entry.name, user);
            true
        }
        Verdict::Rejected { .. } => false,
    }
}
