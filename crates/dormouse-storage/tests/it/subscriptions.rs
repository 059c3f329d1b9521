//! The subscriptions file in both of Dovecot's formats.

use std::fs;

use dormouse_storage::Fsync;
use dormouse_storage::subscriptions::{
    SUBSCRIPTIONS_NAME, parse_subscriptions, read_subscriptions, write_subscriptions,
};
use proptest::prelude::*;

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn reads_the_plain_format() {
    let text = "INBOX\nArchive.2024\nEntw&APw-rfe\n\nTrash.\nArchive.2024\n";
    assert_eq!(
        parse_subscriptions(text.as_bytes(), '.'),
        strings(&["INBOX", "Archive.2024", "Entwürfe", "Trash"])
    );
    assert_eq!(
        parse_subscriptions(text.as_bytes(), '/'),
        strings(&["INBOX", "Archive/2024", "Entwürfe", "Trash"])
    );
}

#[test]
fn reads_the_version_2_format() {
    let text = "V\t2\n\ninbox\nArchive\t2024\nodd\u{1}tname\nEntw&APw-rfe\tSub\n";
    assert_eq!(
        parse_subscriptions(text.as_bytes(), '/'),
        strings(&["INBOX", "Archive/2024", "odd\tname", "Entwürfe/Sub"])
    );
}

#[test]
fn invalid_modified_utf7_is_kept_as_written() {
    assert_eq!(
        parse_subscriptions("Straße\n&Jjo\n".as_bytes(), '.'),
        strings(&["Straße", "&Jjo"])
    );
}

#[test]
fn missing_file_means_no_subscriptions() {
    let dir = tempfile::tempdir().unwrap();
    assert!(read_subscriptions(dir.path(), '.').unwrap().is_empty());
}

#[test]
fn writes_the_plain_format_for_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let names = strings(&["INBOX", "Work/Projects", "Entwürfe", "inbox"]);
    write_subscriptions(dir.path(), &names, '/', Fsync::Always).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join(SUBSCRIPTIONS_NAME)).unwrap(),
        "INBOX\nWork.Projects\nEntw&APw-rfe\n"
    );
    assert_eq!(
        read_subscriptions(dir.path(), '/').unwrap(),
        strings(&["INBOX", "Work/Projects", "Entwürfe"])
    );
    assert!(!dir.path().join("subscriptions.lock").exists());
}

#[test]
fn keeps_version_2_when_the_file_has_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(SUBSCRIPTIONS_NAME), "V\t2\n\nOld\n").unwrap();
    write_subscriptions(dir.path(), &strings(&["A.B", "C"]), '.', Fsync::Never).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join(SUBSCRIPTIONS_NAME)).unwrap(),
        "V\t2\n\nA\tB\nC\n"
    );
    assert_eq!(
        read_subscriptions(dir.path(), '.').unwrap(),
        strings(&["A.B", "C"])
    );
}

#[test]
fn a_dot_inside_a_level_needs_version_2() {
    let dir = tempfile::tempdir().unwrap();
    write_subscriptions(dir.path(), &strings(&["v1.2/notes"]), '/', Fsync::Never).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join(SUBSCRIPTIONS_NAME)).unwrap(),
        "V\t2\n\nv1.2\tnotes\n"
    );
    assert_eq!(
        read_subscriptions(dir.path(), '/').unwrap(),
        strings(&["v1.2/notes"])
    );
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), slash in any::<bool>()) {
        let sep = if slash { '/' } else { '.' };
        for name in parse_subscriptions(&bytes, sep) {
            prop_assert!(!name.is_empty() && !name.contains('\n'));
        }
    }

    #[test]
    fn round_trip(
        names in prop::collection::vec(
            prop::collection::vec("[^./\\p{Cc}]{1,8}", 1..4).prop_map(|l| l.join("/")),
            0..8,
        ),
    ) {
        let dir = tempfile::tempdir().unwrap();
        write_subscriptions(dir.path(), &names, '/', Fsync::Never).unwrap();
        let mut expected: Vec<String> = Vec::new();
        for name in &names {
            let name = if name.eq_ignore_ascii_case("INBOX") { "INBOX".to_owned() } else { name.clone() };
            if !expected.contains(&name) {
                expected.push(name);
            }
        }
        prop_assert_eq!(read_subscriptions(dir.path(), '/').unwrap(), expected);
    }
}
