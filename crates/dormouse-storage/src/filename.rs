//! Maildir message file names: `<base>:2,<flags>`, where the flags are
//! letters in ASCII order (system flags in upper case, keywords `a`..`z`)
//! and the base may carry `,S=<size>` and `,W=<vsize>`. Parsing is lenient,
//! as Dovecot's is: letters it does not map are kept, never rejected. It
//! does not touch the file system or know which keyword a letter means.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::flags::SystemFlags;
use crate::fsutil::hostname;

/// Separates the base from the info; the info we understand starts "2,".
const INFO_SEP: char = ':';
const INFO_V2: &str = "2,";
/// Separates extra fields in the base, and a second flag set in the info.
const EXTRA_SEP: char = ',';

/// Maildir flag letters and the system flags they stand for. 'P' (passed,
/// i.e. resent) has no IMAP flag, so it lands in `other` and is kept.
const FLAG_LETTERS: [(char, SystemFlags); 5] = [
    ('D', SystemFlags::DRAFT),
    ('F', SystemFlags::FLAGGED),
    ('R', SystemFlags::ANSWERED),
    ('S', SystemFlags::SEEN),
    ('T', SystemFlags::DELETED),
];

/// Keyword letters `a`..`z`: Maildir has room for 26 keywords per file.
pub const MAX_KEYWORDS: usize = 26;

/// A message file name taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaildirFile {
    /// Everything before `:2,`; the part that stays fixed when flags change
    /// and that `dovecot-uidlist` records.
    pub base: String,
    pub flags: SystemFlags,
    /// Bit i set = keyword letter `'a' + i` present.
    pub keywords: u32,
    /// From `,S=<n>` in the base: the file's size in bytes.
    pub size: Option<u64>,
    /// From `,W=<n>` in the base: the size with CRLF line endings.
    pub vsize: Option<u64>,
    /// Flag letters this crate does not map (such as 'P'), in file order,
    /// then any second flag set verbatim starting at its ','. Kept so a
    /// rewrite does not drop what another program set.
    pub other: String,
}

/// Takes a file name apart. Never fails: a name without `:2,` simply has no
/// flags, and unknown letters go to `other`.
pub fn parse_filename(name: &str) -> MaildirFile {
    let (base, info) = split_info(name);
    let (letters, extra) = match info.find(EXTRA_SEP) {
        Some(at) => info.split_at(at),
        None => (info, ""),
    };
    let mut flags = SystemFlags::default();
    let mut keywords = 0u32;
    let mut other = String::new();
    for c in letters.chars() {
        if let Some((_, flag)) = FLAG_LETTERS.iter().find(|(l, _)| *l == c) {
            flags.insert(*flag);
        } else if let Some(index) = keyword_index(c) {
            keywords |= 1 << index;
        } else {
            other.push(c);
        }
    }
    other.push_str(extra);
    MaildirFile {
        base: base.to_owned(),
        flags,
        keywords,
        size: extra_field(base, 'S'),
        vsize: extra_field(base, 'W'),
        other,
    }
}

/// The base and the letters after `:2,` (empty when there is no such info).
fn split_info(name: &str) -> (&str, &str) {
    match name.rsplit_once(INFO_SEP) {
        Some((base, info)) if info.starts_with(INFO_V2) => {
            (base, info.get(INFO_V2.len()..).unwrap_or_default())
        }
        _ => (name, ""),
    }
}

/// The base of a file name, as `parse_filename` finds it, without
/// allocating.
pub fn base_of(name: &str) -> &str {
    split_info(name).0
}

/// Whether `suffix` (what follows the base in a file name) is exactly the
/// `:2,<letters>` that `format_filename` writes for these flags.
pub fn is_canonical_suffix(suffix: &str, flags: SystemFlags, keywords: u32) -> bool {
    suffix
        .strip_prefix(INFO_SEP)
        .and_then(|s| s.strip_prefix(INFO_V2))
        .is_some_and(|letters| letters.chars().eq(flag_letters(flags, keywords)))
}

fn keyword_index(c: char) -> Option<u32> {
    c.is_ascii_lowercase()
        .then(|| u32::from(c) - u32::from('a'))
}

/// The value of `,<key>=<digits>` in a base name, as Dovecot's
/// `maildir_filename_get_size` reads it: the first occurrence, which must
/// end at the next ',' or the end of the base.
fn extra_field(base: &str, key: char) -> Option<u64> {
    let marker = format!("{EXTRA_SEP}{key}=");
    let at = base.find(&marker)?;
    let rest = base.get(at + marker.len()..)?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, after) = rest.split_at(end);
    if digits.is_empty() || !(after.is_empty() || after.starts_with(EXTRA_SEP)) {
        return None;
    }
    digits.parse().ok()
}

/// `<base>:2,<letters>` with the letters in ASCII order: D F R S T, then
/// the keyword letters. Keyword bits past `z` are ignored.
pub fn format_filename(base: &str, flags: SystemFlags, keywords: u32) -> String {
    let mut name = String::with_capacity(base.len() + 8);
    name.push_str(base);
    name.push(INFO_SEP);
    name.push_str(INFO_V2);
    name.extend(flag_letters(flags, keywords));
    name
}

fn flag_letters(flags: SystemFlags, keywords: u32) -> impl Iterator<Item = char> {
    let system = FLAG_LETTERS
        .into_iter()
        .filter(move |(_, flag)| flags.contains(*flag))
        .map(|(letter, _)| letter);
    let keyword = ('a'..='z')
        .enumerate()
        .filter(move |(i, _)| keywords & (1 << i) != 0)
        .map(|(_, letter)| letter);
    system.chain(keyword)
}

impl MaildirFile {
    /// The file name for the current flags, keeping `other` in place: its
    /// letters sorted in among ours, its second flag set at the end.
    pub fn file_name(&self) -> String {
        let (unknown, extra) = match self.other.find(EXTRA_SEP) {
            Some(at) => self.other.split_at(at),
            None => (self.other.as_str(), ""),
        };
        let mut letters: Vec<char> = flag_letters(self.flags, self.keywords)
            .chain(unknown.chars())
            .collect();
        letters.sort_unstable();
        letters.dedup();
        let mut name = String::with_capacity(self.base.len() + letters.len() + extra.len() + 3);
        name.push_str(&self.base);
        name.push(INFO_SEP);
        name.push_str(INFO_V2);
        name.extend(letters);
        name.push_str(extra);
        name
    }
}

/// A fresh base name, unique on this host: `<secs>.M<usecs>P<pid>Q<n>.
/// <host>,S=<size>` (the Maildir spec's recommended form, plus Dovecot's
/// size field so that Dovecot need not stat the file).
pub fn new_base_name(size: u64) -> String {
    static DELIVERIES: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{}.M{}P{}Q{}.{},S={}",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        DELIVERIES.fetch_add(1, Ordering::Relaxed),
        sanitize_host(hostname()),
        size
    )
}

/// The Maildir spec replaces '/' with `\057` and ':' with `\072` in the host
/// part. We also escape ',' (it would start an extra field), '\\' (so the
/// escapes stay unambiguous), and anything that is not printable ASCII,
/// which could break `dovecot-uidlist` lines.
fn sanitize_host(host: &str) -> String {
    let mut out = String::with_capacity(host.len());
    for b in host.bytes() {
        if b.is_ascii_graphic() && !matches!(b, b'/' | b':' | b',' | b'\\') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\{b:03o}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_dovecot_name() {
        let f = parse_filename("1700000000.M123P45.mx,S=2048,W=2100:2,FRSac");
        assert_eq!(f.base, "1700000000.M123P45.mx,S=2048,W=2100");
        assert_eq!(
            f.flags,
            SystemFlags::FLAGGED | SystemFlags::ANSWERED | SystemFlags::SEEN
        );
        assert_eq!(f.keywords, 0b101);
        assert_eq!(f.size, Some(2048));
        assert_eq!(f.vsize, Some(2100));
        assert_eq!(f.other, "");
    }

    #[test]
    fn name_without_info_has_no_flags() {
        let f = parse_filename("1700000000.12345.host");
        assert_eq!(f.base, "1700000000.12345.host");
        assert!(f.flags.is_empty());
        assert_eq!((f.size, f.vsize, f.keywords), (None, None, 0));
    }

    #[test]
    fn size_fields_must_be_well_formed() {
        assert_eq!(parse_filename("a,S=12x:2,").size, None);
        assert_eq!(parse_filename("a,S=:2,").size, None);
        assert_eq!(parse_filename("a,S=99999999999999999999999:2,").size, None);
        assert_eq!(parse_filename("a,W=7,S=3:2,").size, Some(3));
    }

    #[test]
    fn unknown_letters_and_second_flag_set_survive_a_rewrite() {
        let mut f = parse_filename("base:2,PSb,xyz");
        assert_eq!(f.other, "P,xyz");
        assert_eq!(f.flags, SystemFlags::SEEN);
        f.flags.insert(SystemFlags::DRAFT);
        f.flags.remove(SystemFlags::SEEN);
        f.keywords |= 1;
        assert_eq!(f.file_name(), "base:2,DPab,xyz");
    }

    #[test]
    fn canonical_suffixes_are_recognised() {
        let seen = SystemFlags::SEEN;
        assert!(is_canonical_suffix(":2,S", seen, 0));
        assert!(is_canonical_suffix(":2,Sb", seen, 2));
        assert!(!is_canonical_suffix(":2,PS", seen, 0));
        assert!(!is_canonical_suffix("", seen, 0));
        assert!(!is_canonical_suffix(":2,S", SystemFlags::default(), 0));
        assert!(is_canonical_suffix(":2,", SystemFlags::default(), 0));
        assert_eq!(base_of("a,S=1:2,PS"), "a,S=1");
        assert_eq!(base_of("a:1,x"), "a:1,x");
    }

    #[test]
    fn format_orders_letters_like_dovecot() {
        let all = SystemFlags::ALL;
        assert_eq!(format_filename("b", all, (1 << 25) | 1), "b:2,DFRSTaz");
        assert_eq!(format_filename("b", SystemFlags::default(), 0), "b:2,");
        assert_eq!(format_filename("b", SystemFlags::SEEN, 1 << 26), "b:2,S");
    }

    #[test]
    fn new_base_names_are_unique_and_carry_the_size() {
        let a = new_base_name(10);
        let b = new_base_name(10);
        assert_ne!(a, b);
        let f = parse_filename(&a);
        assert_eq!(f.size, Some(10));
        assert!(!a.contains(['/', ':', '\n']));
    }

    #[test]
    fn host_is_sanitized() {
        assert_eq!(sanitize_host("a/b:c,d"), "a\\057b\\072c\\054d");
        assert_eq!(sanitize_host("x y\n"), "x\\040y\\012");
        assert_eq!(sanitize_host("mx1.example.org"), "mx1.example.org");
    }
}
