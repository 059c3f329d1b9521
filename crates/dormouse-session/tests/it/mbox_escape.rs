//! Mailbox names that try to reach outside the user's Maildir (`..`, `/`,
//! leading dots, control characters, their modified UTF-7 spellings) are
//! refused by every mailbox command, and the file system is left exactly
//! as it was.

use crate::mbox_support::Account;

const HOSTILE: &[&str] = &[
    "..",
    ".",
    "../x",
    "../../etc",
    "a/../../etc",
    "a/../b",
    "/etc/passwd",
    "/",
    "a..b",
    ".hidden",
    "a\u{1}b",
    "tab\there",
    "new\nline",
    "*",
    "a%",
    "INBOX/../..",
    "INBOX..",
];

/// The same dangers spelt in modified UTF-7: a control character, and `.`
/// and `/` hidden in base64 (non-canonical, so refused before the store).
const HOSTILE_MUTF7: &[&str] = &["&AAE-", "&AC4ALg-", "&AC8-etc", "a&AC8-b"];

fn literal(name: &str) -> String {
    format!("{{{}+}}\r\n{name}", name.len())
}

/// Every command that takes a mailbox name, with `name` in each place.
fn commands(name: &str) -> Vec<String> {
    let n = literal(name);
    vec![
        format!("c CREATE {n}"),
        format!("c CREATE {n} (USE (\\Sent))"),
        format!("d DELETE {n}"),
        format!("r RENAME Drafts {n}"),
        format!("r RENAME {n} Elsewhere"),
        format!("s SUBSCRIBE {n}"),
        format!("u UNSUBSCRIBE {n}"),
        format!("t STATUS {n} (MESSAGES)"),
        format!("a APPEND {n} {{5+}}\r\nhello"),
    ]
}

fn assert_all_refused(a: &mut Account, names: &[&str]) {
    let before = a.tree();
    let subscriptions = std::fs::read(a.root().join("subscriptions")).ok();
    for name in names {
        for command in commands(name) {
            let out = a.run(&command);
            let last = out.last().cloned().unwrap_or_default();
            let refused = last.contains(" NO ") || last.contains(" BAD ");
            assert!(refused, "{command:?} was not refused: {out:?}");
            assert!(
                !last.contains("[TRYCREATE]"),
                "{command:?} invites CREATE of a name it cannot make: {out:?}"
            );
        }
    }
    assert_eq!(a.tree(), before, "the file system changed");
    assert_eq!(
        std::fs::read(a.root().join("subscriptions")).ok(),
        subscriptions
    );
}

#[test]
fn names_that_escape_are_refused_with_dot_separator() {
    let mut a = Account::new();
    assert_all_refused(&mut a, HOSTILE);
    assert_all_refused(&mut a, HOSTILE_MUTF7);
}

#[test]
fn names_that_escape_are_refused_with_slash_separator() {
    let mut a = Account::with_separator('/');
    let mut names = HOSTILE.to_vec();
    names.extend(["a.b", "a//b", "./x"]);
    assert_all_refused(&mut a, &names);
    assert_all_refused(&mut a, HOSTILE_MUTF7);
}

#[test]
fn names_that_escape_are_refused_in_utf8_mode() {
    let mut a = Account::new();
    a.ok("e ENABLE UTF8=ACCEPT");
    assert_all_refused(&mut a, HOSTILE);
}

#[test]
fn odd_but_harmless_names_stay_inside_the_root() {
    let mut a = Account::new();
    a.ok(&format!("c1 CREATE {}", literal("~root")));
    a.ok(&format!("c2 CREATE {}", literal("a b")));
    assert!(a.root().join(".~root/cur").is_dir());
    assert!(a.root().join(".a b/cur").is_dir());
    assert!(
        a.tree().iter().all(|p| p.starts_with("alice")),
        "{:?}",
        a.tree()
    );
}
