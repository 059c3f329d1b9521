//! CREATE, DELETE, RENAME, SUBSCRIBE/UNSUBSCRIBE and STATUS against real
//! Maildirs: what the client hears and what the tree looks like after.

use crate::mbox_support::{Account, status_value};

#[test]
fn create_makes_the_mailbox_and_its_parents() {
    let mut a = Account::new();
    a.ok("c1 CREATE Work.Projects.2024");
    assert_eq!(
        a.data(r#"l1 LIST "" "Work*""#),
        vec![
            r#"* LIST (\HasChildren) "." Work"#,
            r#"* LIST (\HasChildren) "." Work.Projects"#,
            r#"* LIST (\HasNoChildren) "." Work.Projects.2024"#,
        ]
    );
    assert!(a.root().join(".Work.Projects.2024/cur").is_dir());
    assert!(a.root().join(".Work/cur").is_dir());
}

#[test]
fn create_refuses_existing_names_and_inbox() {
    let mut a = Account::new();
    assert_eq!(
        a.run("c1 CREATE Sent"),
        vec!["c1 NO [ALREADYEXISTS] mailbox already exists"]
    );
    assert_eq!(
        a.run("c2 CREATE inbox"),
        vec!["c2 NO [ALREADYEXISTS] mailbox already exists"]
    );
}

#[test]
fn create_ignores_one_trailing_separator() {
    let mut a = Account::new();
    a.ok("c1 CREATE Notes.");
    assert_eq!(
        a.data(r#"l1 LIST "" "Notes*""#),
        vec![r#"* LIST (\HasNoChildren) "." Notes"#]
    );
    let out = a.run("c2 CREATE Other..");
    assert!(
        out[0].starts_with("c2 NO [CANNOT] invalid mailbox name"),
        "{out:?}"
    );
    assert!(!a.root().join(".Other").exists());
}

#[test]
fn create_with_a_special_use_moves_the_attribute() {
    let mut a = Account::new();
    a.ok(r"c1 CREATE Outbox (USE (\Sent))");
    assert_eq!(
        a.data(r#"l1 LIST (SPECIAL-USE) "" "*" RETURN (SPECIAL-USE)"#),
        vec![
            r#"* LIST (\HasNoChildren \Archive) "." Archive"#,
            r#"* LIST (\HasNoChildren \Drafts) "." Drafts"#,
            r#"* LIST (\HasNoChildren \Junk) "." Junk"#,
            r#"* LIST (\HasNoChildren \Sent) "." Outbox"#,
            r#"* LIST (\HasNoChildren \Trash) "." Trash"#,
        ]
    );
}

#[test]
fn create_refuses_special_uses_it_cannot_give() {
    let mut a = Account::new();
    for (n, uses) in [r"\Bogus", r"\All", r"\Flagged", r"\Sent \Trash"]
        .iter()
        .enumerate()
    {
        assert_eq!(
            a.run(&format!("c{n} CREATE Special (USE ({uses}))")),
            vec![format!(
                "c{n} NO [USEATTR] Unsupported special-use attribute"
            )],
        );
    }
    assert!(a.data(r#"l LIST "" Special"#).is_empty());
    a.ok(r"c9 CREATE Special (USE (\Junk \junk))");
    assert_eq!(
        a.data(r#"l LIST "" Special"#),
        vec![r#"* LIST (\HasNoChildren \Junk) "." Special"#]
    );
}

#[test]
fn delete_follows_rfc_9051_example() {
    // RFC 9051 §6.3.5, second example, with "." as the separator.
    let mut a = Account::new();
    a.ok("c1 CREATE blurdybloop");
    a.ok("c2 CREATE foo.bar");
    a.ok("A83 DELETE blurdybloop");
    a.ok("A84 DELETE foo");
    assert_eq!(
        a.data(r#"A85 LIST "" foo*"#),
        vec![r#"* LIST (\HasNoChildren) "." foo.bar"#]
    );
    assert_eq!(
        a.data(r#"A86 LIST "" f%"#),
        vec![r#"* LIST (\Noselect \HasChildren) "." foo"#]
    );
    assert_eq!(
        a.run("A87 DELETE foo"),
        vec!["A87 NO [HASCHILDREN] mailbox has children, delete them first"]
    );
    a.ok("A88 DELETE foo.bar");
    assert!(a.data(r#"A89 LIST "" f%"#).is_empty());
}

#[test]
fn delete_refuses_inbox_and_missing_names() {
    let mut a = Account::new();
    assert_eq!(
        a.run("d1 DELETE INBOX"),
        vec!["d1 NO [CANNOT] INBOX cannot be deleted"]
    );
    assert_eq!(
        a.run("d2 DELETE Nowhere"),
        vec!["d2 NO [NONEXISTENT] mailbox does not exist"]
    );
    a.ok("d3 DELETE Junk");
    assert!(!a.root().join(".Junk").exists());
    assert_eq!(
        a.run("d4 DELETE Junk"),
        vec!["d4 NO [NONEXISTENT] mailbox does not exist"]
    );
}

#[test]
fn delete_keeps_the_subscription() {
    let mut a = Account::new();
    a.ok("d1 DELETE Junk");
    assert!(
        a.data(r#"s LSUB "" Junk"#)
            .contains(&r#"* LSUB (\Noselect) "." Junk"#.to_string())
    );
}

#[test]
fn rename_moves_children_special_use_and_subscriptions() {
    let mut a = Account::new();
    a.ok("c1 CREATE Archive.2023");
    a.ok("s1 SUBSCRIBE Archive.2023");
    a.ok("r1 RENAME Archive Old");
    assert_eq!(
        a.data(r#"l1 LIST "" "Old*""#),
        vec![
            r#"* LIST (\HasChildren \Archive) "." Old"#,
            r#"* LIST (\HasNoChildren) "." Old.2023"#,
        ]
    );
    assert!(a.data(r#"l2 LIST "" "Archive*""#).is_empty());
    assert_eq!(
        a.data(r#"s2 LSUB "" "*""#)
            .into_iter()
            .filter(|l| l.contains("Old") || l.contains("Archive"))
            .collect::<Vec<_>>(),
        vec![r#"* LSUB () "." Old"#, r#"* LSUB () "." Old.2023"#]
    );
}

#[test]
fn rename_refuses_existing_targets_and_missing_sources() {
    let mut a = Account::new();
    assert_eq!(
        a.run("r1 RENAME Sent Trash"),
        vec!["r1 NO [ALREADYEXISTS] mailbox already exists"]
    );
    assert_eq!(
        a.run("r2 RENAME Nowhere Elsewhere"),
        vec!["r2 NO [NONEXISTENT] mailbox does not exist"]
    );
    assert_eq!(
        a.run("r3 RENAME Sent Sent.Sub"),
        vec!["r3 NO [CANNOT] a mailbox cannot be moved under itself"]
    );
    assert!(a.root().join(".Sent/cur").is_dir());
}

#[test]
fn rename_inbox_moves_the_messages_and_keeps_inbox() {
    let mut a = Account::new();
    a.ok("a1 APPEND INBOX {14+}\r\nSubject: one\r\n");
    a.ok("a2 APPEND INBOX {14+}\r\nSubject: two\r\n");
    a.ok("r1 RENAME INBOX Saved");
    let inbox = a.data("s1 STATUS INBOX (MESSAGES)");
    assert_eq!(inbox, vec!["* STATUS INBOX (MESSAGES 0)"]);
    let saved = a.data("s2 STATUS Saved (MESSAGES)");
    assert_eq!(saved, vec!["* STATUS Saved (MESSAGES 2)"]);
    let subscribed = a.data(r#"s3 LSUB "" "*""#);
    assert!(subscribed.contains(&r#"* LSUB () "." INBOX"#.to_string()));
    assert_eq!(a.message_files("").len(), 0);
    assert_eq!(a.message_files(".Saved").len(), 2);
}

#[test]
fn subscribe_accepts_names_that_do_not_exist() {
    let mut a = Account::new();
    a.ok("s1 SUBSCRIBE Nowhere");
    assert_eq!(
        a.data(r#"l1 LSUB "" "N*""#),
        vec![r#"* LSUB (\Noselect) "." Nowhere"#]
    );
    assert_eq!(
        a.data(r#"l2 LIST (SUBSCRIBED) "" "N*""#),
        vec![r#"* LIST (\Subscribed \NonExistent \HasNoChildren) "." Nowhere"#]
    );
    a.ok("u1 UNSUBSCRIBE Nowhere");
    a.ok("u2 UNSUBSCRIBE Nowhere");
    assert!(a.data(r#"l3 LSUB "" "N*""#).is_empty());
    let out = a.run("s2 SUBSCRIBE a..b");
    assert!(out[0].starts_with("s2 NO [CANNOT]"), "{out:?}");
}

#[test]
fn status_counts_messages_flags_and_sizes() {
    let mut a = Account::new();
    let fresh = a.data("s0 STATUS Drafts (MESSAGES RECENT UIDNEXT UNSEEN DELETED SIZE)");
    assert_eq!(
        fresh,
        vec!["* STATUS Drafts (MESSAGES 0 RECENT 0 UIDNEXT 1 UNSEEN 0 DELETED 0 SIZE 0)"]
    );
    a.ok("a1 APPEND Drafts (\\Seen) {3+}\r\nab\n");
    a.ok("a2 APPEND Drafts (\\Deleted) {5+}\r\nabcde");
    let out = a.data(
        "s1 STATUS Drafts (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ)",
    );
    let line = &out[0];
    assert_eq!(status_value(line, "MESSAGES"), 2);
    assert_eq!(status_value(line, "RECENT"), 2);
    assert_eq!(status_value(line, "UIDNEXT"), 3);
    assert!(status_value(line, "UIDVALIDITY") > 0);
    assert_eq!(status_value(line, "UNSEEN"), 1);
    assert_eq!(status_value(line, "DELETED"), 1);
    // "ab\n" counts as "ab\r\n": sizes are RFC822.SIZE, CRLF line ends.
    assert_eq!(status_value(line, "SIZE"), 4 + 5);
    assert!(status_value(line, "HIGHESTMODSEQ") >= 2);
}

#[test]
fn status_answers_items_once_in_the_order_asked() {
    let mut a = Account::new();
    assert_eq!(
        a.data("s1 STATUS inbox (UNSEEN MESSAGES UNSEEN)"),
        vec!["* STATUS INBOX (UNSEEN 0 MESSAGES 0)"]
    );
}

#[test]
fn status_of_what_is_not_a_mailbox_is_nonexistent() {
    let mut a = Account::new();
    assert_eq!(
        a.run("s1 STATUS Nowhere (MESSAGES)"),
        vec!["s1 NO [NONEXISTENT] mailbox does not exist"]
    );
    a.ok("c1 CREATE p.q");
    a.ok("d1 DELETE p");
    assert_eq!(
        a.run("s2 STATUS p (MESSAGES)"),
        vec!["s2 NO [NONEXISTENT] mailbox does not exist"]
    );
}

#[test]
fn mailbox_names_are_modified_utf7_on_the_wire() {
    let mut a = Account::new();
    a.ok("c1 CREATE &ZeVnLIqe-");
    assert!(a.root().join(".&ZeVnLIqe-/cur").is_dir());
    assert_eq!(
        a.data(r#"l1 LIST "" "&ZeVnLIqe-""#),
        vec![r#"* LIST (\HasNoChildren) "." &ZeVnLIqe-"#]
    );
    assert_eq!(
        a.run("c2 CREATE a&b"),
        vec!["c2 NO [CANNOT] Mailbox name is not valid modified UTF-7"]
    );
    a.ok("e1 ENABLE UTF8=ACCEPT");
    assert_eq!(
        a.data(r#"l2 LIST "" "日*""#),
        vec![r#"* LIST (\HasNoChildren) "." "日本語""#]
    );
    a.ok("c3 CREATE \"Entwürfe\"");
    assert!(a.root().join(".Entw&APw-rfe/cur").is_dir());
    a.ok("s1 STATUS \"日本語\" (MESSAGES)");
}
