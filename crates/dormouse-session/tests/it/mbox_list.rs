//! LIST, LIST-EXTENDED, LIST-STATUS and LSUB over a new user's mailboxes
//! (INBOX, Sent, Drafts, Trash, Junk, Archive, all subscribed).

use crate::mbox_support::{Account, status_value};

const FRESH: [&str; 6] = [
    r#"* LIST (\HasNoChildren) "." INBOX"#,
    r#"* LIST (\HasNoChildren \Archive) "." Archive"#,
    r#"* LIST (\HasNoChildren \Drafts) "." Drafts"#,
    r#"* LIST (\HasNoChildren \Junk) "." Junk"#,
    r#"* LIST (\HasNoChildren \Sent) "." Sent"#,
    r#"* LIST (\HasNoChildren \Trash) "." Trash"#,
];

#[test]
fn a_new_user_lists_inbox_first_then_the_special_mailboxes() {
    let mut a = Account::new();
    assert_eq!(a.data(r#"l1 LIST "" "*""#), FRESH);
    assert_eq!(a.data(r#"l2 LIST "" %"#), FRESH);
}

#[test]
fn empty_pattern_returns_the_separator_and_root() {
    let mut a = Account::new();
    assert_eq!(
        a.data(r#"l1 LIST "" """#),
        vec![r#"* LIST (\Noselect) "." """#]
    );
    assert_eq!(
        a.data(r##"l2 LIST "#news.comp.mail.misc" """##),
        vec![r#"* LIST (\Noselect) "." #news."#]
    );
    let mut slash = Account::with_separator('/');
    assert_eq!(
        slash.data(r#"l3 LIST "/usr/staff/jones" """#),
        vec![r#"* LIST (\Noselect) "/" /"#]
    );
}

#[test]
fn reference_and_wildcards_follow_the_hierarchy() {
    let mut a = Account::new();
    a.ok("c1 CREATE Work.A");
    a.ok("c2 CREATE Work.B.C");
    assert_eq!(
        a.data(r#"l1 LIST Work. %"#),
        vec![
            r#"* LIST (\HasNoChildren) "." Work.A"#,
            r#"* LIST (\HasChildren) "." Work.B"#,
        ]
    );
    assert_eq!(
        a.data(r#"l2 LIST Work *"#),
        vec![
            r#"* LIST (\HasChildren) "." Work"#,
            r#"* LIST (\HasNoChildren) "." Work.A"#,
            r#"* LIST (\HasChildren) "." Work.B"#,
            r#"* LIST (\HasNoChildren) "." Work.B.C"#,
        ]
    );
    assert_eq!(
        a.data(r#"l3 LIST "" %.%.%"#),
        vec![r#"* LIST (\HasNoChildren) "." Work.B.C"#]
    );
    assert_eq!(
        a.data(r#"l4 LIST "" inbox"#),
        vec![r#"* LIST (\HasNoChildren) "." INBOX"#]
    );
}

#[test]
fn a_slash_separator_is_used_throughout() {
    let mut a = Account::with_separator('/');
    a.ok("c1 CREATE Work/Plans");
    assert!(a.root().join(".Work.Plans/cur").is_dir());
    assert_eq!(
        a.data(r#"l1 LIST "" Work/%"#),
        vec![r#"* LIST (\HasNoChildren) "/" Work/Plans"#]
    );
    let out = a.run("c2 CREATE Work.Plans");
    assert!(out[0].starts_with("c2 NO [CANNOT]"), "{out:?}");
}

#[test]
fn subscribed_selection_lists_subscriptions_even_if_missing() {
    let mut a = Account::new();
    a.ok("s1 SUBSCRIBE Gone");
    a.ok("u1 UNSUBSCRIBE Junk");
    assert_eq!(
        a.data(r#"l1 LIST (SUBSCRIBED) "" "*""#),
        vec![
            r#"* LIST (\Subscribed \HasNoChildren) "." INBOX"#,
            r#"* LIST (\Subscribed \HasNoChildren \Archive) "." Archive"#,
            r#"* LIST (\Subscribed \HasNoChildren \Drafts) "." Drafts"#,
            r#"* LIST (\Subscribed \NonExistent \HasNoChildren) "." Gone"#,
            r#"* LIST (\Subscribed \HasNoChildren \Sent) "." Sent"#,
            r#"* LIST (\Subscribed \HasNoChildren \Trash) "." Trash"#,
        ]
    );
    assert_eq!(
        a.data(r#"l2 LIST "" "*" RETURN (SUBSCRIBED CHILDREN)"#)
            .iter()
            .filter(|l| l.contains("Junk") || l.contains("Gone"))
            .collect::<Vec<_>>(),
        vec![r#"* LIST (\HasNoChildren \Junk) "." Junk"#]
    );
}

#[test]
fn recursivematch_reports_parents_of_subscribed_children() {
    // RFC 5258 §5 example 9, adapted: Foo is not subscribed, Foo.Bar is.
    let mut a = Account::new();
    a.ok("c1 CREATE Foo.Bar");
    a.ok("s1 SUBSCRIBE Foo.Bar");
    a.ok("s2 SUBSCRIBE Moo.Baz");
    let out = a.data(r#"l1 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%o%""#);
    assert_eq!(
        out,
        vec![
            r#"* LIST (\HasChildren) "." Foo ("CHILDINFO" ("SUBSCRIBED"))"#,
            r#"* LIST (\NonExistent \HasNoChildren) "." Moo ("CHILDINFO" ("SUBSCRIBED"))"#,
        ]
    );
    assert!(a.data(r#"l2 LIST (SUBSCRIBED) "" "%o%""#).is_empty());
    assert_eq!(
        a.data(r#"l3 LSUB "" "%o%""#),
        vec![
            r#"* LSUB (\Noselect) "." Foo"#,
            r#"* LSUB (\Noselect) "." Moo"#
        ]
    );
    assert!(a.data(r#"l4 LSUB "" "*o""#).is_empty());
}

#[test]
fn unknown_options_are_bad() {
    let mut a = Account::new();
    assert_eq!(
        a.run(r#"l1 LIST (BOGUS) "" "*""#),
        vec!["l1 BAD LIST: unknown option BOGUS"]
    );
    assert_eq!(
        a.run(r#"l2 LIST "" "*" RETURN (BOGUS)"#),
        vec!["l2 BAD LIST: unknown option BOGUS"]
    );
}

#[test]
fn several_patterns_and_extended_empty_pattern() {
    let mut a = Account::new();
    assert_eq!(
        a.data(r#"l1 LIST "" ("Sent" "" "inbox" "Dr*")"#),
        vec![
            r#"* LIST (\HasNoChildren) "." INBOX"#,
            r#"* LIST (\HasNoChildren \Drafts) "." Drafts"#,
            r#"* LIST (\HasNoChildren \Sent) "." Sent"#,
        ]
    );
    // With extended syntax "" is no request for the root: it matches nothing.
    assert!(a.data(r#"l2 LIST "" "" RETURN (CHILDREN)"#).is_empty());
}

#[test]
fn a_parent_that_is_not_a_mailbox_is_nonexistent_in_extended_lists() {
    let mut a = Account::new();
    a.ok("c1 CREATE p.q");
    a.ok("d1 DELETE p");
    assert_eq!(
        a.data(r#"l1 LIST "" "p%""#),
        vec![r#"* LIST (\Noselect \HasChildren) "." p"#]
    );
    assert_eq!(
        a.data(r#"l2 LIST "" "p%" RETURN (CHILDREN)"#),
        vec![r#"* LIST (\NonExistent \HasChildren) "." p"#]
    );
    assert_eq!(
        a.data(r#"l3 LIST "" "p*""#),
        vec![r#"* LIST (\HasNoChildren) "." p.q"#]
    );
}

#[test]
fn list_status_follows_each_mailbox() {
    let mut a = Account::new();
    a.ok("a1 APPEND Sent {5+}\r\nhello");
    a.ok("c1 CREATE x.y");
    a.ok("d1 DELETE x");
    let out = a.data(r#"l1 LIST "" ("Sent" "x%" "INBOX") RETURN (STATUS (MESSAGES SIZE))"#);
    assert_eq!(
        out,
        vec![
            r#"* LIST (\HasNoChildren) "." INBOX"#,
            "* STATUS INBOX (MESSAGES 0 SIZE 0)",
            r#"* LIST (\HasNoChildren \Sent) "." Sent"#,
            "* STATUS Sent (MESSAGES 1 SIZE 5)",
            r#"* LIST (\NonExistent \HasChildren) "." x"#,
        ]
    );
    let out = a.data(r#"l2 LIST "" Sent RETURN (STATUS (UIDVALIDITY HIGHESTMODSEQ))"#);
    assert!(status_value(&out[1], "HIGHESTMODSEQ") >= 1, "{out:?}");
}

#[test]
fn special_use_selection_combines_with_a_pattern() {
    let mut a = Account::new();
    a.ok("c1 CREATE Work");
    assert_eq!(
        a.data(r#"l1 LIST (SPECIAL-USE) "" "*r*""#),
        vec![
            r#"* LIST (\HasNoChildren \Archive) "." Archive"#,
            r#"* LIST (\HasNoChildren \Drafts) "." Drafts"#,
            r#"* LIST (\HasNoChildren \Trash) "." Trash"#,
        ]
    );
}

#[test]
fn lsub_lists_subscriptions_without_list_attributes() {
    let mut a = Account::new();
    assert_eq!(
        a.data(r#"l1 LSUB "" "*""#),
        vec![
            r#"* LSUB () "." INBOX"#,
            r#"* LSUB () "." Archive"#,
            r#"* LSUB () "." Drafts"#,
            r#"* LSUB () "." Junk"#,
            r#"* LSUB () "." Sent"#,
            r#"* LSUB () "." Trash"#,
        ]
    );
}
