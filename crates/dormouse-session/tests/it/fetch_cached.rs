//! ENVELOPE, BODY and BODYSTRUCTURE come from the mailbox's persistent
//! cache once computed: they are still answered, identically, after the
//! message files are gone, and a damaged cache entry is recomputed.

use std::path::PathBuf;

use crate::fetch_support::{DAY, Msg, T0, eml, seed};
use crate::selected_fixture::{Client, Fixture};

const ITEMS: &str = "(ENVELOPE BODY BODYSTRUCTURE)";

/// plain.eml, mixed.eml, rfc3501.eml and digest.eml (nested messages).
fn mailbox() -> (Fixture, Client) {
    let fx = Fixture::new();
    seed(
        &fx,
        "INBOX",
        vec![
            Msg::new(eml("plain"), T0),
            Msg::new(eml("mixed"), T0 + DAY),
            Msg::new(eml("rfc3501"), T0 + 2 * DAY),
            Msg::new(eml("digest"), T0 + 3 * DAY),
        ],
    );
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    (fx, c)
}

fn remove_message_files(fx: &Fixture) {
    for sub in ["cur", "new"] {
        let dir = fx.store.root().join(sub);
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
}

fn cache_file(fx: &Fixture) -> PathBuf {
    fx.store.root().join("dormouse.cache")
}

/// The untagged lines of a FETCH that must succeed in full.
fn answers(c: &mut Client, line: &str) -> Vec<String> {
    let mut got = c.run(line);
    let tagged = got.pop().unwrap_or_default();
    assert!(
        tagged.ends_with(" OK FETCH completed"),
        "{tagged} after {got:?}"
    );
    got
}

#[test]
fn cached_structures_are_served_without_the_message_files() {
    let (_fresh, mut c) = mailbox();
    let expected = answers(&mut c, &format!("a1 FETCH 1:4 {ITEMS}"));
    assert_eq!(expected.len(), 4, "{expected:?}");
    assert!(
        expected[3].contains("\"MESSAGE\" \"RFC822\""),
        "{expected:?}"
    );

    // Another mailbox, whose cache is filled by ENVELOPE alone: BODY and
    // BODYSTRUCTURE come from the same entry.
    let (fx, mut c) = mailbox();
    answers(&mut c, "a1 FETCH 1:4 ENVELOPE");
    remove_message_files(&fx);
    assert_eq!(answers(&mut c, &format!("a2 FETCH 1:4 {ITEMS}")), expected);
    // The files really are gone: content items cannot be answered.
    assert_eq!(
        c.run("a3 FETCH 1 BODY.PEEK[]").last().map(String::as_str),
        Some("a3 OK [EXPUNGEISSUED] Some messages were already expunged.")
    );
}

#[test]
fn a_damaged_entry_is_recomputed_from_the_file() {
    let (fx, mut c) = mailbox();
    let expected = answers(&mut c, &format!("a1 FETCH 1:4 {ITEMS}"));
    let mut bytes = std::fs::read(cache_file(&fx)).unwrap();
    let len = bytes.len();
    // The last entry is message 4's; damage its payload.
    bytes[len - 5] ^= 0x55;
    std::fs::write(cache_file(&fx), &bytes).unwrap();
    assert_eq!(answers(&mut c, &format!("a2 FETCH 1:4 {ITEMS}")), expected);
    let after = std::fs::metadata(cache_file(&fx)).unwrap().len() as usize;
    assert!(after > len, "message 4 was cached again ({len} -> {after})");
}
