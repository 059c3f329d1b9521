//! dovecot-uidlist: fixtures in Dovecot's documented formats, round trips,
//! and malformed input.

use std::fs;

use dormouse_storage::dovecot::{
    UIDLIST_NAME, UidList, UidlistAppend, append_uidlist, parse_uidlist, peek_uidlist,
    read_uidlist, write_uidlist,
};
use dormouse_storage::{Fsync, StorageError};
use proptest::prelude::*;

/// A version 3 file as Dovecot 2.x writes it: header with V/N/G, records
/// with size, virtual size and message GUID extension fields.
const V3_FIXTURE: &str = "\
3 V1700000000 N15 G0f6a1c2bd3e4f5061728394a5b6c7d8e
3 S1024 W1050 :1700000001.M1P100.mx,S=1024,W=1050
7 S2048 :1700000002.M2P100.mx,S=2048
9 GAbCdEf0123456789 :1700000003.M3P100.mx
12 :1700000004.M4P100.mx
";

/// A version 1 file (Dovecot 1.0, Courier's courierimapuiddb layout).
const V1_FIXTURE: &str = "\
1 1100000000 6
1 1100000001.1234_1.old:2,S
4 1100000002.1234_2.old
";

#[test]
fn reads_version_3_with_extension_fields() {
    let list = parse_uidlist(V3_FIXTURE.as_bytes()).unwrap();
    assert_eq!(list.uidvalidity, 1_700_000_000);
    assert_eq!(list.next_uid, 15);
    assert_eq!(
        list.guid.as_deref(),
        Some("0f6a1c2bd3e4f5061728394a5b6c7d8e")
    );
    assert_eq!(
        list.entries,
        vec![
            (3, "1700000001.M1P100.mx,S=1024,W=1050".to_owned()),
            (7, "1700000002.M2P100.mx,S=2048".to_owned()),
            (9, "1700000003.M3P100.mx".to_owned()),
            (12, "1700000004.M4P100.mx".to_owned()),
        ]
    );
}

#[test]
fn reads_version_1() {
    let list = parse_uidlist(V1_FIXTURE.as_bytes()).unwrap();
    assert_eq!(
        (list.uidvalidity, list.next_uid, list.guid),
        (1_100_000_000, 6, None)
    );
    assert_eq!(
        list.entries,
        vec![
            (1, "1100000001.1234_1.old".to_owned()),
            (4, "1100000002.1234_2.old".to_owned())
        ]
    );
}

#[test]
fn missing_file_is_none() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(read_uidlist(dir.path()).unwrap(), None);
}

#[test]
fn write_then_read_round_trips_and_matches_dovecot_layout() {
    let dir = tempfile::tempdir().unwrap();
    let list = UidList {
        uidvalidity: 42,
        next_uid: 8,
        guid: Some("00112233445566778899aabbccddeeff".to_owned()),
        entries: vec![(1, "a.M1P1.h,S=3".to_owned()), (7, "b.M2P1.h".to_owned())],
    };
    write_uidlist(dir.path(), &list, Fsync::Always).unwrap();
    let text = fs::read_to_string(dir.path().join(UIDLIST_NAME)).unwrap();
    assert_eq!(
        text,
        "3 V42 N8 G00112233445566778899aabbccddeeff\n1 :a.M1P1.h,S=3\n7 :b.M2P1.h\n"
    );
    assert_eq!(read_uidlist(dir.path()).unwrap(), Some(list));
    assert!(!dir.path().join("dovecot-uidlist.lock").exists());
}

#[test]
fn writing_without_a_guid_keeps_the_one_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = UidList {
        uidvalidity: 5,
        next_uid: 1,
        guid: None,
        entries: vec![],
    };
    write_uidlist(dir.path(), &list, Fsync::Never).unwrap();
    let first = read_uidlist(dir.path()).unwrap().unwrap().guid.unwrap();
    assert_eq!(first.len(), 32);
    list.next_uid = 2;
    list.entries.push((1, "m".to_owned()));
    write_uidlist(dir.path(), &list, Fsync::Never).unwrap();
    let second = read_uidlist(dir.path()).unwrap().unwrap();
    assert_eq!(second.guid.as_deref(), Some(first.as_str()));
    assert_eq!(second.next_uid, 2);
}

#[test]
fn refuses_to_write_what_dovecot_could_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let ok = UidList {
        uidvalidity: 1,
        next_uid: 10,
        guid: None,
        entries: vec![(2, "a".to_owned())],
    };
    let bad_lists = [
        UidList {
            uidvalidity: 0,
            ..ok.clone()
        },
        UidList {
            next_uid: 2,
            ..ok.clone()
        },
        UidList {
            entries: vec![(2, "a".to_owned()), (2, "b".to_owned())],
            ..ok.clone()
        },
        UidList {
            entries: vec![(0, "a".to_owned())],
            ..ok.clone()
        },
        UidList {
            entries: vec![(3, "a\nb".to_owned())],
            ..ok.clone()
        },
        UidList {
            entries: vec![(3, "../a".to_owned())],
            ..ok.clone()
        },
        UidList {
            guid: Some("xyz".to_owned()),
            ..ok.clone()
        },
    ];
    for list in bad_lists {
        match write_uidlist(dir.path(), &list, Fsync::Never) {
            Err(StorageError::Invariant(_)) => {}
            other => panic!("{list:?} gave {other:?}"),
        }
    }
    assert!(!dir.path().join(UIDLIST_NAME).exists());
}

#[test]
fn next_uid_below_a_listed_uid_is_raised() {
    let list = parse_uidlist(b"3 V1 N2\n5 :x\n").unwrap();
    assert_eq!(list.next_uid, 6);
}

#[test]
fn torn_last_line_is_ignored() {
    let list = parse_uidlist(b"3 V1 N9\n1 :a\n2 :b-tru").unwrap();
    assert_eq!(list.entries, vec![(1, "a".to_owned())]);
}

#[test]
fn crlf_line_ends_are_accepted() {
    let list = parse_uidlist(b"3 V1 N9\r\n1 :a\r\n").unwrap();
    assert_eq!(list.entries, vec![(1, "a".to_owned())]);
}

#[test]
fn malformed_files_are_corrupt_with_the_line_number() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "line 1"),
        (b"\n", "line 1"),
        (b"2 V1 N1\n", "line 1"),
        (b"3 V0 N5\n", "line 1"),
        (b"3 V1\n", "line 1"),
        (b"3 V1 N5 Gnothex\n", "line 1"),
        (b"1 7\n", "line 1"),
        (b"3 V1 N5\n1 :a\nfoo :b\n", "line 3"),
        (b"3 V1 N5\n2 :a\n2 :b\n", "line 3"),
        (b"3 V1 N5\n1 :a\n\n", "line 3"),
        (b"3 V1 N5\n1 :a/b\n", "line 2"),
        (b"3 V1 N5\n1 S5 W6\n", "line 2"),
        (b"3 V1 N5\n1 :\xff\n", "line 2"),
        (b"1 5 3\n4 x\n", "line 2"),
        (b"3 V1 N5\n99999999999 :a\n", "line 2"),
    ];
    for (bytes, line) in cases {
        match parse_uidlist(bytes) {
            Err(StorageError::Corrupt(msg)) => {
                assert!(
                    msg.contains(line),
                    "{:?}: {msg} should name {line}",
                    String::from_utf8_lossy(bytes)
                )
            }
            other => panic!("{:?} gave {other:?}", String::from_utf8_lossy(bytes)),
        }
    }
}

#[test]
fn corrupt_file_on_disk_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(UIDLIST_NAME), b"\x00\x01garbage\n").unwrap();
    assert!(matches!(
        read_uidlist(dir.path()),
        Err(StorageError::Corrupt(_))
    ));
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_uidlist(&bytes);
    }

    #[test]
    fn random_lines_after_a_valid_header_never_panic(body in "([0-9 :SWGa-z./\r]{0,20}\n){0,10}") {
        let text = format!("3 V1 N100\n{body}");
        if let Ok(list) = parse_uidlist(text.as_bytes()) {
            prop_assert!(list.entries.iter().all(|(uid, _)| *uid < list.next_uid));
            prop_assert!(list.entries.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    #[test]
    fn any_valid_list_round_trips(
        uidvalidity in 1u32..,
        uids in prop::collection::btree_set(1u32..100_000, 0..20),
        extra in 1u32..1000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let entries: Vec<(u32, String)> =
            uids.iter().map(|uid| (*uid, format!("{uid}.M1P1.host,S={uid}"))).collect();
        let next_uid = uids.iter().next_back().copied().unwrap_or(0) + extra;
        let list = UidList { uidvalidity, next_uid, guid: Some(format!("{:032x}", uidvalidity)), entries };
        write_uidlist(dir.path(), &list, Fsync::Never).unwrap();
        prop_assert_eq!(read_uidlist(dir.path()).unwrap(), Some(list));
    }
}

/// New messages are appended as lines (Dovecot's way), and a reader sees
/// them with the next UID raised past the header's stale N.
#[test]
fn appending_lines_keeps_the_file_readable() {
    let dir = tempfile::tempdir().unwrap();
    let list = UidList {
        uidvalidity: 7,
        next_uid: 3,
        guid: None,
        entries: vec![(1, "a.host".into()), (2, "b.host".into())],
    };
    let len = write_uidlist(dir.path(), &list, Fsync::Never).unwrap();
    assert_eq!(len, file_len(dir.path()));
    let appended = append_uidlist(
        dir.path(),
        &[(3, "c.host".into()), (9, "d.host".into())],
        len,
        Fsync::Never,
    )
    .unwrap();
    assert_eq!(
        appended,
        UidlistAppend::Appended {
            len: len + "3 :c.host\n9 :d.host\n".len() as u64
        }
    );
    let read = read_uidlist(dir.path()).unwrap().unwrap();
    assert_eq!(read.uidvalidity, 7);
    assert_eq!(read.next_uid, 10);
    assert_eq!(
        read.entries,
        vec![
            (1, "a.host".into()),
            (2, "b.host".into()),
            (3, "c.host".into()),
            (9, "d.host".into())
        ]
    );
    let shape = peek_uidlist(dir.path()).unwrap().unwrap();
    assert_eq!((shape.uidvalidity, shape.last_uid), (7, 9));
    assert_eq!(shape.len, file_len(dir.path()));
}

fn file_len(dir: &std::path::Path) -> u64 {
    std::fs::metadata(dir.join(UIDLIST_NAME)).unwrap().len()
}

/// A missing file, one whose last line was torn, one another program
/// changed since (its length is not the one expected), a version 1 file,
/// or one already listing the new UIDs is not appended to: the caller
/// rewrites it whole.
#[test]
fn appending_refuses_files_not_as_left() {
    let dir = tempfile::tempdir().unwrap();
    let must = Ok(UidlistAppend::MustRewrite);
    let append = |uid: u32, len: u64| {
        append_uidlist(
            dir.path(),
            &[(uid, format!("m{uid}.host"))],
            len,
            Fsync::Never,
        )
        .map_err(|e| e.to_string())
    };
    assert_eq!(append(1, 0), must);
    let path = dir.path().join(UIDLIST_NAME);
    let torn = "3 V1 N2 G0123456789abcdef0123456789abcdef\n1 :a.ho";
    std::fs::write(&path, torn).unwrap();
    assert_eq!(append(2, torn.len() as u64), must);
    assert_eq!(peek_uidlist(dir.path()).unwrap(), None);

    let whole = "3 V1 N5 G0123456789abcdef0123456789abcdef\n4 :a.host\n";
    std::fs::write(&path, whole).unwrap();
    let len = whole.len() as u64;
    assert_eq!(append(5, len - 1), must, "length changed");
    assert_eq!(append(4, len), must, "UID already listed");
    std::fs::write(&path, "1 1 5\n4 a.host\n").unwrap();
    assert_eq!(append(5, 15), must, "version 1");
    assert_eq!(peek_uidlist(dir.path()).unwrap(), None);
    // Nothing was written by the refusals.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "1 1 5\n4 a.host\n");

    std::fs::write(&path, whole).unwrap();
    assert!(matches!(append(5, len), Ok(UidlistAppend::Appended { .. })));
}

/// A file holding only its header can be appended to and peeks as empty.
#[test]
fn a_header_only_file_takes_lines() {
    let dir = tempfile::tempdir().unwrap();
    let list = UidList {
        uidvalidity: 3,
        next_uid: 1,
        guid: None,
        entries: vec![],
    };
    let len = write_uidlist(dir.path(), &list, Fsync::Never).unwrap();
    let shape = peek_uidlist(dir.path()).unwrap().unwrap();
    assert_eq!((shape.last_uid, shape.header_len, shape.len), (0, len, len));
    let got = append_uidlist(dir.path(), &[(1, "x.host".into())], len, Fsync::Never).unwrap();
    assert!(matches!(got, UidlistAppend::Appended { .. }));
    let read = read_uidlist(dir.path()).unwrap().unwrap();
    assert_eq!(read.entries, vec![(1, "x.host".to_owned())]);
}
