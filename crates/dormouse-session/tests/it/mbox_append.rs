//! APPEND and MULTIAPPEND: APPENDUID, flags and INTERNALDATE as stored on
//! disk, all-or-nothing batches, and the refusals (TRYCREATE, empty
//! messages, literal8 with NUL).

use std::time::{Duration, UNIX_EPOCH};

use dormouse_proto::{AppendMessage, Command, CommandBody, Flag, LiteralKind, Mailbox, Tag};

use crate::mbox_support::{Account, status_value};

/// The UIDVALIDITY in an `OK [APPENDUID v uids]` line, and the UID set.
fn append_uid(line: &str) -> (String, String) {
    let code = line
        .split_once("[APPENDUID ")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(code, _)| code)
        .unwrap_or_else(|| panic!("no APPENDUID in {line:?}"));
    let (validity, uids) = code.split_once(' ').unwrap_or((code, ""));
    (validity.to_owned(), uids.to_owned())
}

#[test]
fn append_answers_appenduid_with_compacted_uids() {
    let mut a = Account::new();
    let one = a.ok("a1 APPEND INBOX {5+}\r\nfirst");
    let (validity, uids) = append_uid(&one[0]);
    assert_eq!(uids, "1");
    assert_eq!(
        one,
        vec![format!("a1 OK [APPENDUID {validity} 1] APPEND completed")]
    );
    let many = a.ok("a2 APPEND INBOX {3+}\r\none {3+}\r\ntwo (\\Seen) {5+}\r\nthree");
    assert_eq!(append_uid(&many[0]), (validity.clone(), "2:4".to_owned()));
    let status = a.data("s1 STATUS INBOX (MESSAGES UIDVALIDITY UNSEEN)");
    assert_eq!(status_value(&status[0], "MESSAGES"), 4);
    assert_eq!(status_value(&status[0], "UNSEEN"), 3);
    assert_eq!(
        status_value(&status[0], "UIDVALIDITY").to_string(),
        validity
    );
}

#[test]
fn flags_and_internal_date_reach_the_file() {
    let mut a = Account::new();
    a.ok("a1 APPEND Drafts (\\Seen \\Draft $Work \\Recent \\Bogus) \"05-Jan-2024 10:00:00 +0100\" {12+}\r\nSubject: x\r\n");
    let files = a.message_files(".Drafts");
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    // Draft and Seen as Maildir letters, $Work as the first keyword letter.
    assert!(
        name.as_deref().is_some_and(|n| n.ends_with(":2,DSa")),
        "{name:?}"
    );
    let keywords =
        std::fs::read_to_string(a.root().join(".Drafts/dovecot-keywords")).unwrap_or_default();
    assert!(keywords.contains("$Work"), "{keywords:?}");
    // 10:00 at +0100 is 09:00 UTC.
    let mtime = std::fs::metadata(file).and_then(|m| m.modified()).ok();
    assert_eq!(mtime, Some(UNIX_EPOCH + Duration::from_secs(1_704_445_200)));
}

#[test]
fn a_missing_mailbox_asks_the_client_to_create_it() {
    let mut a = Account::new();
    assert_eq!(
        a.run("a1 APPEND Nowhere {5+}\r\nhello"),
        vec!["a1 NO [TRYCREATE] Mailbox does not exist"]
    );
    let out = a.run("a2 APPEND a..b {5+}\r\nhello");
    assert!(
        out[0].starts_with("a2 NO [CANNOT] invalid mailbox name"),
        "{out:?}"
    );
    a.ok("c1 CREATE Nowhere");
    a.ok("a3 APPEND Nowhere {5+}\r\nhello");
}

#[test]
fn empty_messages_are_refused_and_nothing_of_the_batch_is_kept() {
    let mut a = Account::new();
    assert_eq!(
        a.run("a1 APPEND INBOX {5+}\r\nhello {0+}\r\n"),
        vec!["a1 NO [CANNOT] Can't save a zero byte message"]
    );
    assert!(a.message_files("").is_empty());
    assert_eq!(
        a.data("s1 STATUS INBOX (MESSAGES UIDNEXT)"),
        vec!["* STATUS INBOX (MESSAGES 0 UIDNEXT 1)"]
    );
}

#[test]
fn a_batch_the_store_rejects_leaves_no_message_behind() {
    let mut a = Account::new();
    let message = |keyword: &str| AppendMessage {
        flags: vec![Flag::Keyword(keyword.into())],
        date: None,
        data: b"Subject: hi\r\n\r\nbody\r\n".to_vec(),
        encoding: LiteralKind::Text,
    };
    // The parser never produces this keyword; the store refuses it only
    // after it has written the first message to tmp/.
    let command = Command {
        tag: Tag::new("a1").expect("tag"),
        body: CommandBody::Append {
            mailbox: Mailbox::new("INBOX"),
            messages: vec![message("$Fine"), message("bad\u{1}keyword")],
        },
    };
    let out = a.handle(command);
    assert!(out[0].starts_with("a1 NO "), "{out:?}");
    assert!(a.message_files("").is_empty());
    assert!(
        std::fs::read_dir(a.root().join("tmp"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0
    );
    assert_eq!(
        a.data("s1 STATUS INBOX (MESSAGES)"),
        vec!["* STATUS INBOX (MESSAGES 0)"]
    );
}

#[test]
fn binary_literals_are_stored_unless_they_hold_nul() {
    let mut a = Account::new();
    assert_eq!(
        a.run_bytes(b"a1 APPEND INBOX ~{5+}\r\nab\0cd"),
        vec!["a1 NO [UNKNOWN-CTE] Binary content with NUL bytes cannot be stored"]
    );
    let out = a.run_bytes("a2 APPEND INBOX ~{7+}\r\nh\u{e9}llo\n".as_bytes());
    assert!(out[0].starts_with("a2 OK [APPENDUID "), "{out:?}");
    let files = a.message_files("");
    assert_eq!(files.len(), 1);
    assert_eq!(
        std::fs::read(&files[0]).ok(),
        Some("h\u{e9}llo\n".as_bytes().to_vec())
    );
}
