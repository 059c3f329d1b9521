//! How storage log lines name a mailbox directory. Paths under the mail
//! root contain user names, and no user name may appear in a log line at
//! the default level; so warnings carry a short stable tag of the path, and
//! the same tag with the full path is logged at debug level, where an
//! operator chasing a problem can look it up.

use std::fmt;
use std::path::Path;

/// A 64-bit FNV-1a digest of the path, printed as 16 hex digits.
pub(crate) struct PathTag(u64);

impl PathTag {
    pub(crate) fn of(path: &Path) -> PathTag {
        let tag = PathTag(fnv1a(path.as_os_str().as_encoded_bytes()));
        tracing::debug!(tag = %tag, path = %path.display(), "mailbox path tag");
        tag
    }
}

impl fmt::Display for PathTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_stable_and_hide_the_path() {
        let a = PathTag::of(Path::new("/data/mail/alice/.Sent")).to_string();
        assert_eq!(
            a,
            PathTag::of(Path::new("/data/mail/alice/.Sent")).to_string()
        );
        assert_ne!(
            a,
            PathTag::of(Path::new("/data/mail/bob/.Sent")).to_string()
        );
        assert_eq!(a.len(), 16);
        assert!(!a.contains("alice"));
    }
}
