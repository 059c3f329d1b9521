//! Mailbox name validation and the name <-> Maildir++ directory mapping.

use dormouse_storage::{MailboxName, StorageError};
use proptest::prelude::*;

#[test]
fn escape_attempts_and_malformed_names_are_rejected() {
    let long_level = "x".repeat(300);
    let deep = vec!["a"; 17].join(".");
    let table: &[(&str, char)] = &[
        ("", '.'),
        ("..", '.'),
        (".", '.'),
        ("../x", '.'),
        ("a/../../etc", '.'),
        ("a/b", '.'),
        (".hidden", '.'),
        ("a..b", '.'),
        ("trailing.", '.'),
        ("a\u{1}b", '.'),
        ("tab\there", '.'),
        ("nl\nhere", '.'),
        ("del\u{7f}", '.'),
        ("c1\u{85}", '.'),
        ("wild*", '.'),
        ("wild%", '.'),
        (&long_level, '.'),
        (&deep, '.'),
        ("..", '/'),
        ("../x", '/'),
        ("a/../../etc", '/'),
        ("a/./b", '/'),
        ("/abs", '/'),
        ("a//b", '/'),
        ("dotted.level", '/'),
        ("a", 'x'),
    ];
    for (name, sep) in table {
        match MailboxName::parse(name, *sep) {
            Err(StorageError::InvalidName(_)) => {}
            other => panic!("{name:?} with {sep:?} gave {other:?}"),
        }
    }
}

#[test]
fn ordinary_names_are_accepted() {
    for (name, sep, dir) in [
        ("INBOX", '.', ""),
        ("Sent", '.', ".Sent"),
        ("Archive.2024", '.', ".Archive.2024"),
        ("Archive/2024", '/', ".Archive.2024"),
        ("~tilde", '.', ".~tilde"),
        ("with space", '.', ".with space"),
        ("Входящие", '.', ".&BBIERQQ+BDQETwRJBDgENQ-"),
        ("INBOX.child", '.', ".INBOX.child"),
    ] {
        let parsed = MailboxName::parse(name, sep).unwrap();
        assert_eq!(parsed.dir_name(), dir, "{name}");
        assert_eq!(MailboxName::from_dir_name(dir, sep).as_ref(), Some(&parsed));
    }
}

#[test]
fn longest_name_fits_and_one_more_byte_does_not() {
    let fits = "x".repeat(254);
    assert_eq!(
        MailboxName::parse(&fits, '.').unwrap().dir_name().len(),
        255
    );
    assert!(MailboxName::parse(&format!("{fits}x"), '.').is_err());
    let deep = vec!["a"; 16].join(".");
    assert!(MailboxName::parse(&deep, '.').is_ok());
}

/// One level: anything printable except the two separators and wildcards.
fn level() -> impl Strategy<Value = String> {
    "[^./*%\\p{Cc}]{1,12}".prop_filter("not . or ..", |l| l != "." && l != "..")
}

fn name_and_sep() -> impl Strategy<Value = (String, char)> {
    (
        prop::collection::vec(level(), 1..5),
        prop::sample::select(vec!['.', '/']),
    )
        .prop_map(|(levels, sep)| (levels.join(&sep.to_string()), sep))
}

proptest! {
    #[test]
    fn dir_name_round_trips_and_stays_inside_the_root((name, sep) in name_and_sep()) {
        let Ok(parsed) = MailboxName::parse(&name, sep) else {
            // Only the length limit can reject a generated name.
            prop_assert!(name.len() > 60);
            return Ok(());
        };
        let dir = parsed.dir_name();
        prop_assert!(!dir.contains('/'));
        prop_assert!(dir != "." && dir != "..");
        prop_assert!(dir.is_empty() || dir.starts_with('.'));
        prop_assert!(!dir.starts_with(".."));
        prop_assert_eq!(MailboxName::from_dir_name(&dir, sep), Some(parsed.clone()));
        if let Some(parent) = parsed.parent() {
            prop_assert!(parsed.child_of(&parent));
        }
    }

    #[test]
    fn any_string_either_parses_to_a_safe_dir_or_is_rejected(name in "\\PC{0,40}", slash in any::<bool>()) {
        let sep = if slash { '/' } else { '.' };
        if let Ok(parsed) = MailboxName::parse(&name, sep) {
            let dir = parsed.dir_name();
            prop_assert!(!dir.contains('/') && dir != "." && dir != "..");
            prop_assert_eq!(MailboxName::from_dir_name(&dir, sep), Some(parsed));
        }
    }

    #[test]
    fn from_dir_name_never_panics_and_only_accepts_its_own_output(dir in "\\PC{0,40}") {
        if let Some(name) = MailboxName::from_dir_name(&dir, '.') {
            prop_assert_eq!(name.dir_name(), dir);
        }
    }
}
