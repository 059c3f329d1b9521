//! SORT and THREAD (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO): every sort
//! criterion, REVERSE, ties, both threading algorithms, and the refusals
//! (ESORT's RETURN, unknown algorithms and charsets).

use crate::fetch_support::{DAY, Msg, T0, seed, text};
use crate::selected_fixture::{Client, Fixture, lines};

/// Four messages whose every sort key orders them differently:
///
/// | # | From (mailbox, display) | To (mailbox, display) | Cc  | base subject | sent (UTC)  | arrival | size |
/// | 1 | zed, "zed"              | amy, "amy@b.example"  | bob | apples       | 3-Jan 09:00 | 4th     | 4th  |
/// | 2 | arg, "Ärger"            | yo, "Aaron"           |     | bananas      | 1-Jan 05:00 | 2nd     | 2nd  |
/// | 3 | mike, "mike@a.example"  | xavier, "xavier@…"    |     | Apples       | 1-Jan 04:00 | 3rd     | 3rd  |
/// | 4 | adam, "Nina"            |                       |     | cherries     | (arrival)   | 1st     | 1st  |
fn sorting() -> (Fixture, Client) {
    let fx = Fixture::new();
    seed(
        &fx,
        "INBOX",
        vec![
            Msg::new(
                text(
                    &[
                        ("From", "Zed <zed@a.example>"),
                        ("To", "amy@b.example"),
                        ("Cc", "Bob <bob@c.example>"),
                        ("Subject", "Re: apples"),
                        ("Date", "Wed, 3 Jan 2024 09:00:00 +0000"),
                    ],
                    &"x".repeat(600),
                ),
                T0 + 2 * DAY,
            ),
            Msg::new(
                text(
                    &[
                        ("From", "=?utf-8?q?=C3=84rger?= <arg@a.example>"),
                        ("To", "Aaron <yo@b.example>"),
                        ("Subject", "bananas"),
                        ("Date", "Mon, 1 Jan 2024 10:00:00 +0500"),
                    ],
                    &"x".repeat(200),
                ),
                T0,
            ),
            Msg::new(
                text(
                    &[
                        ("From", "<mike@a.example>"),
                        ("To", "xavier@b.example"),
                        ("Subject", "[fwd: Apples]"),
                        ("Date", "Mon, 1 Jan 2024 04:00:00 +0000"),
                    ],
                    &"x".repeat(400),
                ),
                T0 + DAY,
            ),
            Msg::new(
                text(
                    &[
                        ("From", "Nina <adam@a.example>"),
                        ("Subject", "cherries (fwd)"),
                    ],
                    "",
                ),
                T0 - DAY,
            ),
        ],
    );
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    (fx, c)
}

#[test]
fn every_sort_criterion() {
    let (_fx, mut c) = sorting();
    for (criteria, want) in [
        ("ARRIVAL", "* SORT 4 2 3 1"),
        ("REVERSE ARRIVAL", "* SORT 1 3 2 4"),
        // A missing Date: sorts by INTERNALDATE (RFC 5256 §2.2); zones count.
        ("DATE", "* SORT 4 3 2 1"),
        ("SIZE", "* SORT 4 2 3 1"),
        ("REVERSE SIZE", "* SORT 1 3 2 4"),
        // Equal base subjects keep mailbox order...
        ("SUBJECT", "* SORT 1 3 2 4"),
        // ...unless a later criterion tells them apart.
        ("SUBJECT DATE", "* SORT 3 1 2 4"),
        ("REVERSE SUBJECT", "* SORT 4 2 1 3"),
        ("FROM", "* SORT 4 2 3 1"),
        ("TO", "* SORT 4 1 3 2"),
        ("CC", "* SORT 2 3 4 1"),
        ("REVERSE CC ARRIVAL", "* SORT 1 4 2 3"),
        // RFC 5957: display names, decoded, else the address.
        ("DISPLAYFROM", "* SORT 3 4 1 2"),
        ("DISPLAYTO", "* SORT 4 2 1 3"),
    ] {
        assert_eq!(
            c.run(&format!("a SORT ({criteria}) UTF-8 ALL")),
            lines(&[want, "a OK SORT completed"]),
            "{criteria}"
        );
    }
}

/// A repeated key changes nothing (its first use already ordered the
/// messages) and is not evaluated again, so repeating it costs no memory
/// (review finding: 12,000 repeats took hundreds of megabytes).
#[test]
fn repeated_sort_keys_count_once() {
    let (_fx, mut c) = sorting();
    let once = c.run("a SORT (SUBJECT REVERSE SIZE) UTF-8 ALL");
    let repeated = format!(
        "a SORT (SUBJECT {}) UTF-8 ALL",
        "REVERSE SIZE SUBJECT ".repeat(2000).trim_end()
    );
    assert_eq!(c.run(&repeated), once);
}

#[test]
fn sort_searches_first_and_speaks_uids_on_request() {
    let (_fx, mut c) = sorting();
    c.ok("a1 STORE 4 +FLAGS.SILENT (\\Deleted)");
    c.ok("a2 EXPUNGE");
    // RFC 5256's example shape: `SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994`.
    assert_eq!(
        c.run("a3 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994"),
        lines(&["* SORT 1 3 2", "a3 OK SORT completed"])
    );
    assert_eq!(
        c.run("a4 UID SORT (REVERSE DATE) US-ASCII NOT FROM zed"),
        lines(&["* SORT 2 3", "a4 OK UID SORT completed"])
    );
    assert_eq!(
        c.run("a5 SORT (ARRIVAL) UTF-8 FROM nobody"),
        lines(&["* SORT", "a5 OK SORT completed"])
    );
}

#[test]
fn sort_with_modseq_reports_it() {
    let (fx, mut c) = sorting();
    let before = fx.highest_modseq("INBOX");
    c.ok("a1 STORE 1,3 +FLAGS.SILENT (\\Flagged)");
    let after = fx.highest_modseq("INBOX");
    assert_eq!(
        c.run(&format!("a2 SORT (DATE) UTF-8 MODSEQ {}", before + 1)),
        lines(&[
            &format!("* OK [HIGHESTMODSEQ {after}] Highest"),
            &format!("* SORT 3 1 (MODSEQ {after})"),
            "a2 OK SORT completed",
        ])
    );
}

#[test]
fn sort_refusals() {
    let (_fx, mut c) = sorting();
    assert_eq!(
        c.run("a1 SORT RETURN (COUNT) (DATE) UTF-8 ALL"),
        lines(&["a1 BAD SORT RETURN (ESORT) is not supported"])
    );
    assert_eq!(
        c.run("a2 SORT (DATE) ISO-8859-1 ALL"),
        lines(&["a2 NO [BADCHARSET (UTF-8 US-ASCII)] The specified charset is not supported"])
    );
}

/// A conversation and a stray reply:
/// 1 "topic" <a@x>; 2 "Re: topic" refs <a@x>; 3 "Re: topic" In-Reply-To
/// <b@x>; 4 "other" <d@x>, the oldest; 5 "Re: other" refs a missing id.
fn threading() -> (Fixture, Client) {
    let fx = Fixture::new();
    let msg = |subject: &str, id: &str, extra: (&str, &str), date: &str| {
        text(
            &[
                ("From", "x@example.org"),
                ("Subject", subject),
                ("Message-ID", id),
                extra,
                ("Date", date),
            ],
            "body\r\n",
        )
    };
    seed(
        &fx,
        "INBOX",
        vec![
            Msg::new(
                msg(
                    "topic",
                    "<a@x>",
                    ("X-None", "1"),
                    "1 Feb 2024 10:00:00 +0000",
                ),
                T0,
            ),
            Msg::new(
                msg(
                    "Re: topic",
                    "<b@x>",
                    ("References", "<a@x>"),
                    "2 Feb 2024 10:00:00 +0000",
                ),
                T0,
            ),
            Msg::new(
                msg(
                    "Re: topic",
                    "<c@x>",
                    ("In-Reply-To", "<b@x>"),
                    "3 Feb 2024 10:00:00 +0000",
                ),
                T0,
            ),
            Msg::new(
                msg(
                    "other",
                    "<d@x>",
                    ("X-None", "1"),
                    "1 Jan 2024 10:00:00 +0000",
                ),
                T0,
            ),
            Msg::new(
                msg(
                    "Re: other",
                    "<e@x>",
                    ("References", "<missing@x>"),
                    "4 Feb 2024 10:00:00 +0000",
                ),
                T0,
            ),
        ],
    );
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    (fx, c)
}

#[test]
fn thread_references() {
    let (_fx, mut c) = threading();
    // The lost parent of 5 is pruned; 5 then joins 4 by subject. Without
    // 2, the dummy standing for it is pruned and 3 joins 1 by subject.
    assert_eq!(
        c.run("a1 THREAD REFERENCES UTF-8 ALL"),
        lines(&["* THREAD (4 5)(1 2 3)", "a1 OK THREAD completed"])
    );
    assert_eq!(
        c.run("a2 THREAD REFERENCES UTF-8 NOT 2"),
        lines(&["* THREAD (4 5)(1 3)", "a2 OK THREAD completed"])
    );
    assert_eq!(
        c.run("a3 UID THREAD references utf-8 SUBJECT topic"),
        lines(&["* THREAD (1 2 3)", "a3 OK UID THREAD completed"])
    );
    assert_eq!(
        c.run("a4 THREAD REFERENCES UTF-8 FROM nobody"),
        lines(&["* THREAD", "a4 OK THREAD completed"])
    );
}

#[test]
fn thread_orderedsubject() {
    let (_fx, mut c) = threading();
    assert_eq!(
        c.run("a1 THREAD ORDEREDSUBJECT UTF-8 ALL"),
        lines(&["* THREAD (4 5)(1 (2)(3))", "a1 OK THREAD completed"])
    );
}

#[test]
fn thread_refusals() {
    let (_fx, mut c) = threading();
    assert_eq!(
        c.run("a1 THREAD X-GUESS UTF-8 ALL"),
        lines(&["a1 BAD THREAD algorithm X-GUESS is not supported"])
    );
    assert_eq!(
        c.run("a2 THREAD REFERENCES KOI8-R ALL"),
        lines(&["a2 NO [BADCHARSET (UTF-8 US-ASCII)] The specified charset is not supported"])
    );
}
