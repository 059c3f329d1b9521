//! dovecot-keywords: sparse fixtures, round trips, malformed input.

use std::fs;

use dormouse_storage::dovecot::keywords::parse_keywords;
use dormouse_storage::dovecot::{KEYWORDS_NAME, read_keywords, write_keywords};
use dormouse_storage::{Fsync, StorageError};
use proptest::prelude::*;

#[test]
fn reads_a_file_with_gaps() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(KEYWORDS_NAME),
        "0 $Forwarded\n3 $Junk\n1 Work Stuff\n",
    )
    .unwrap();
    assert_eq!(
        read_keywords(dir.path()).unwrap(),
        vec!["$Forwarded", "Work Stuff", "", "$Junk"]
    );
}

#[test]
fn missing_file_means_no_keywords() {
    let dir = tempfile::tempdir().unwrap();
    assert!(read_keywords(dir.path()).unwrap().is_empty());
}

#[test]
fn lines_dovecot_would_skip_are_skipped() {
    let text = b"no-space\n26 toohigh\n-1 negative\n2 \nx y\n\xff\xfe bad\n4 ok\r\n";
    assert_eq!(parse_keywords(text), vec!["", "", "", "", "ok"]);
}

#[test]
fn write_then_read_round_trips_with_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = ["$Label1", "", "NonJunk", ""].map(String::from).to_vec();
    write_keywords(dir.path(), &names, Fsync::Always).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join(KEYWORDS_NAME)).unwrap(),
        "0 $Label1\n2 NonJunk\n"
    );
    // Trailing gaps are not representable on disk and come back trimmed.
    assert_eq!(read_keywords(dir.path()).unwrap(), names[..3].to_vec());
}

#[test]
fn more_than_26_keywords_is_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..27).map(|i| format!("k{i}")).collect();
    assert!(matches!(
        write_keywords(dir.path(), &names, Fsync::Never),
        Err(StorageError::Limit(_))
    ));
    assert!(write_keywords(dir.path(), &names[..26], Fsync::Never).is_ok());
    assert_eq!(read_keywords(dir.path()).unwrap(), names[..26].to_vec());
}

#[test]
fn line_breaks_in_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let names = vec!["a\nb".to_owned()];
    assert!(matches!(
        write_keywords(dir.path(), &names, Fsync::Never),
        Err(StorageError::Invariant(_))
    ));
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let names = parse_keywords(&bytes);
        prop_assert!(names.len() <= 26);
    }

    #[test]
    fn round_trip(names in prop::collection::vec("[!-~][ -~]{0,15}|", 0..26)) {
        let dir = tempfile::tempdir().unwrap();
        write_keywords(dir.path(), &names, Fsync::Never).unwrap();
        let mut expected = names.clone();
        while expected.last().is_some_and(String::is_empty) {
            expected.pop();
        }
        prop_assert_eq!(read_keywords(dir.path()).unwrap(), expected);
    }
}
