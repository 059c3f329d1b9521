//! Maildir file names: parse/format round trips and robustness.

use dormouse_storage::SystemFlags;
use dormouse_storage::filename::{format_filename, new_base_name, parse_filename};
use proptest::prelude::*;

#[test]
fn maildir_spec_example_names() {
    // Names as written by Dovecot, Courier and the Maildir spec's example.
    let f = parse_filename("1035478339.27041_118.foo.org:2,S");
    assert_eq!(f.base, "1035478339.27041_118.foo.org");
    assert_eq!(f.flags, SystemFlags::SEEN);
    let f = parse_filename("1700000000.M1P2.mx,S=10,W=12:2,DT");
    assert_eq!(f.flags, SystemFlags::DRAFT | SystemFlags::DELETED);
    assert_eq!((f.size, f.vsize), (Some(10), Some(12)));
    assert_eq!(f.file_name(), "1700000000.M1P2.mx,S=10,W=12:2,DT");
}

#[test]
fn new_base_names_differ_within_one_microsecond() {
    let names: std::collections::HashSet<_> = (0..1000).map(|_| new_base_name(1)).collect();
    assert_eq!(names.len(), 1000);
}

fn flags() -> impl Strategy<Value = SystemFlags> {
    (0u8..32).prop_map(SystemFlags::from_bits_truncate)
}

proptest! {
    #[test]
    fn format_then_parse_round_trips(
        base in "[A-Za-z0-9._,=-]{1,40}",
        flags in flags(),
        keywords in 0u32..(1 << 26),
    ) {
        let name = format_filename(&base, flags, keywords);
        let parsed = parse_filename(&name);
        prop_assert_eq!(&parsed.base, &base);
        prop_assert_eq!(parsed.flags, flags);
        prop_assert_eq!(parsed.keywords, keywords);
        prop_assert_eq!(parsed.other.as_str(), "");
        prop_assert_eq!(parsed.file_name(), name);
    }

    #[test]
    fn parse_never_panics_and_rewrite_is_stable(name in "\\PC{0,60}") {
        let parsed = parse_filename(&name);
        let rewritten = parsed.file_name();
        let again = parse_filename(&rewritten);
        prop_assert_eq!(&again.base, &parsed.base);
        prop_assert_eq!(again.flags, parsed.flags);
        prop_assert_eq!(again.keywords, parsed.keywords);
        prop_assert_eq!(again.file_name(), rewritten);
    }
}
