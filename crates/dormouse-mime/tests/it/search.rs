//! What SEARCH and SORT use: decoded header text, decoded body text, the
//! sent date, case-insensitive matching, RFC 5256 base subjects.

use dormouse_mime::{AddressField, Message, base_subject, contains_ci};
use dormouse_proto::Date;

use crate::support::fixture;

#[test]
fn header_text_decodes_encoded_words_in_both_charsets() {
    let raw = fixture("encoded_words.eml");
    let msg = Message::parse(&raw);
    assert_eq!(
        msg.header_text("subject"),
        vec!["caféüber plain".to_string()]
    );
    let from = msg.header_text("From");
    assert_eq!(from.len(), 1);
    assert!(contains_ci(&from[0], "andré pirard"), "{from:?}");
    assert!(contains_ci(&msg.header_text("to")[0], "jörg"));
    assert!(msg.header_text("x-missing").is_empty());
}

#[test]
fn header_text_keeps_every_occurrence_and_unfolds() {
    let raw = fixture("duplicate_headers.eml");
    assert_eq!(
        Message::parse(&raw).header_text("Subject"),
        vec!["first subject".to_string(), "second subject".to_string()]
    );
    let raw = fixture("folded.eml");
    assert_eq!(
        Message::parse(&raw).header_text("subject"),
        vec!["a subject that is folded over three lines".to_string()]
    );
}

#[test]
fn body_text_decodes_transfer_encoding_and_charset() {
    let raw = fixture("encoded_words.eml");
    let text = Message::parse(&raw).body_text();
    assert!(
        text.contains("Un café crème, s'il vous plaît. Soft line break."),
        "{text}"
    );
}

#[test]
fn body_text_strips_html_and_includes_nested_messages() {
    let raw = fixture("alternative.eml");
    let text = Message::parse(&raw).body_text();
    assert!(text.contains("Plain version."), "{text}");
    assert!(contains_ci(&text, "HTML version café"), "{text}");
    assert!(!text.contains("<b>"), "{text}");

    let raw = fixture("mixed.eml");
    let text = Message::parse(&raw).body_text();
    assert!(
        text.contains("first part") && text.contains("inner body"),
        "{text}"
    );
    // Attachments are not text.
    assert!(!text.contains("AAECAwQF"), "{text}");
}

#[test]
fn eight_bit_body_text() {
    let raw = fixture("eight_bit.eml");
    let msg = Message::parse(&raw);
    assert!(contains_ci(&msg.body_text(), "KÖLN"));
    assert_eq!(msg.header_text("subject"), vec!["Grüße".to_string()]);
}

#[test]
fn case_insensitive_matching() {
    assert!(contains_ci("Hello World", "o wor"));
    // Simple per-char lower-casing, not full case folding: ß is not "ss".
    assert!(!contains_ci("ÄÖÜ straße", "äöü STRASSE"));
    assert!(contains_ci("ÄÖÜ", "äöü"));
    assert!(contains_ci("ΣΊΣΥΦΟΣ", "σίσυφοσ"));
    assert!(contains_ci("anything", ""));
    assert!(!contains_ci("abc", "abcd"));
}

#[test]
fn sent_date_in_the_headers_own_zone() {
    let raw = fixture("plain.eml");
    let msg = Message::parse(&raw);
    // Mon, 7 Feb 1994 21:52:25 -0800 is already 8 Feb in UTC; SENTON uses
    // the date as written.
    assert_eq!(
        msg.sent_date(),
        Some(Date {
            year: 1994,
            month: 2,
            day: 7
        })
    );
    let dt = msg.sent_date_time();
    assert_eq!(
        dt.map(|d| (d.hour, d.minute, d.zone_minutes)),
        Some((21, 52, -480))
    );
    assert_eq!(
        Message::parse(&fixture("missing_date.eml")).sent_date(),
        None
    );
    let folded = Message::parse(&fixture("folded.eml")).sent_date_time();
    assert_eq!(folded.map(|d| d.zone_minutes), Some(-360));
    assert_eq!(
        Message::parse(b"Date: not a date\r\n\r\n").sent_date(),
        None
    );
}

#[test]
fn rfc5256_base_subject() {
    let cases = [
        ("Re: hello", "hello"),
        ("RE: Re: re: hello", "hello"),
        ("Fwd: hello", "hello"),
        ("Fw: hello", "hello"),
        ("Re[2]: hello", "hello"),
        ("[list] Re: hello", "hello"),
        ("Re: [list] hello", "hello"),
        ("hello (fwd)", "hello"),
        ("hello (FWD) (fwd)  ", "hello"),
        ("[Fwd: Re: hello]", "hello"),
        ("  lots   of\t space  ", "lots of space"),
        ("[only a blob]", "[only a blob]"),
        ("Re:", ""),
        ("", ""),
        ("Reply to this", "Reply to this"),
    ];
    for (input, expected) in cases {
        assert_eq!(base_subject(input), expected, "input {input:?}");
    }
}

#[test]
fn sort_keys() {
    let raw = fixture("groups.eml");
    let msg = Message::parse(&raw);
    assert_eq!(msg.sort_mailbox(AddressField::From), Some("john".into()));
    // The group marker is skipped: the first real address counts.
    assert_eq!(msg.sort_mailbox(AddressField::To), Some("a".into()));
    assert_eq!(msg.sort_mailbox(AddressField::Cc), Some("carol".into()));
    let raw = b"Subject: =?UTF-8?Q?Re:_caf=C3=A9?=\r\n\r\n";
    assert_eq!(Message::parse(raw).sort_subject(), "café");
}
