//! BODY[section]: every section form of RFC 9051 §6.4.5 against the
//! fixtures, and missing parts.

use dormouse_proto::SectionText;

use crate::support::{fetch, fixture};

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn whole_message_header_and_text() {
    let raw = fixture("plain.eml");
    let text = String::from_utf8_lossy(&raw).into_owned();
    assert_eq!(fetch(&raw, &[], None), Some(text.clone()));
    let (head, rest) = text.split_at(text.find("\r\n\r\n").map_or(0, |p| p + 4));
    assert_eq!(
        fetch(&raw, &[], Some(SectionText::Header)).as_deref(),
        Some(head)
    );
    assert_eq!(
        fetch(&raw, &[], Some(SectionText::Text)).as_deref(),
        Some(rest)
    );
    // A non-multipart message's body is part 1; its MIME header is the
    // message header.
    assert_eq!(fetch(&raw, &[1], None).as_deref(), Some(rest));
    assert_eq!(
        fetch(&raw, &[1], Some(SectionText::Mime)).as_deref(),
        Some(head)
    );
    assert_eq!(fetch(&raw, &[2], None), None);
    assert_eq!(fetch(&raw, &[1, 1], None), None);
}

#[test]
fn header_fields_and_not() {
    let raw = fixture("plain.eml");
    assert_eq!(
        fetch(
            &raw,
            &[],
            Some(SectionText::HeaderFields(names(&[
                "subject", "FROM", "x-none"
            ])))
        ),
        Some("From: Alice <alice@example.com>\r\nSubject: Hello\r\n\r\n".into())
    );
    assert_eq!(
        fetch(
            &raw,
            &[],
            Some(SectionText::HeaderFieldsNot(names(&[
                "from",
                "to",
                "message-id"
            ])))
        ),
        Some("Subject: Hello\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\n".into())
    );
    // No match still gives the blank line that ends a header.
    assert_eq!(
        fetch(
            &raw,
            &[],
            Some(SectionText::HeaderFields(names(&["x-none"])))
        ),
        Some("\r\n".into())
    );
}

#[test]
fn header_fields_keep_folding_and_duplicates() {
    let raw = fixture("folded.eml");
    assert_eq!(
        fetch(
            &raw,
            &[],
            Some(SectionText::HeaderFields(names(&["Subject"])))
        ),
        Some("Subject: a subject that is\r\n folded over\r\n\tthree lines\r\n\r\n".into())
    );
    let raw = fixture("duplicate_headers.eml");
    assert_eq!(
        fetch(
            &raw,
            &[],
            Some(SectionText::HeaderFields(names(&["subject"])))
        ),
        Some("Subject: first subject\r\nSubject: second subject\r\n\r\n".into())
    );
}

#[test]
fn bare_lf_header_fields_end_with_lf() {
    let raw = fixture("bare_lf.eml");
    assert_eq!(
        fetch(
            &raw,
            &[],
            Some(SectionText::HeaderFields(names(&["subject"])))
        ),
        Some("Subject: bare LF\n\n".into())
    );
    assert_eq!(fetch(&raw, &[1], None), Some("one\ntwo".into()));
    assert_eq!(
        fetch(&raw, &[1], Some(SectionText::Mime)),
        Some("Content-Type: text/plain\n\n".into())
    );
}

#[test]
fn multipart_parts() {
    let raw = fixture("mixed.eml");
    assert_eq!(fetch(&raw, &[1], None), Some("first part".into()));
    assert_eq!(
        fetch(&raw, &[1], Some(SectionText::Mime)),
        Some("Content-Type: text/plain; charset=utf-8\r\n\r\n".into())
    );
    assert_eq!(fetch(&raw, &[2], None), Some("AAECAwQF".into()));
    assert_eq!(fetch(&raw, &[4], None), None);
    assert_eq!(fetch(&raw, &[1, 1], None), None);
    // HEADER/TEXT after a part number need a message/rfc822 part.
    assert_eq!(fetch(&raw, &[1], Some(SectionText::Header)), None);
    assert_eq!(fetch(&raw, &[1], Some(SectionText::Text)), None);
    // TEXT of a multipart message: preamble, boundaries and epilogue.
    let text = fetch(&raw, &[], Some(SectionText::Text)).unwrap_or_default();
    assert!(text.starts_with("preamble\r\n--XX\r\n"), "{text}");
    assert!(text.ends_with("--XX--\r\nepilogue\r\n"), "{text}");
}

#[test]
fn encapsulated_message_sections() {
    let raw = fixture("mixed.eml");
    let inner_header = "From: inner@x.y\r\nSubject: inner\r\n\r\n";
    assert_eq!(
        fetch(&raw, &[3], None),
        Some(format!("{inner_header}inner body"))
    );
    assert_eq!(
        fetch(&raw, &[3], Some(SectionText::Mime)),
        Some("Content-Type: message/rfc822\r\n\r\n".into())
    );
    assert_eq!(
        fetch(&raw, &[3], Some(SectionText::Header)),
        Some(inner_header.into())
    );
    assert_eq!(
        fetch(&raw, &[3], Some(SectionText::Text)),
        Some("inner body".into())
    );
    assert_eq!(
        fetch(
            &raw,
            &[3],
            Some(SectionText::HeaderFields(names(&["subject"])))
        ),
        Some("Subject: inner\r\n\r\n".into())
    );
    assert_eq!(
        fetch(
            &raw,
            &[3],
            Some(SectionText::HeaderFieldsNot(names(&["subject"])))
        ),
        Some("From: inner@x.y\r\n\r\n".into())
    );
    // Part 1 of the encapsulated (non-multipart) message is its body.
    assert_eq!(fetch(&raw, &[3, 1], None), Some("inner body".into()));
    assert_eq!(
        fetch(&raw, &[3, 1], Some(SectionText::Mime)),
        Some(inner_header.into())
    );
    assert_eq!(fetch(&raw, &[3, 2], None), None);
}

#[test]
fn digest_parts_are_messages() {
    let raw = fixture("digest.eml");
    assert_eq!(
        fetch(
            &raw,
            &[2],
            Some(SectionText::HeaderFields(names(&["subject"])))
        ),
        Some("Subject: second in digest\r\n\r\n".into())
    );
    assert_eq!(fetch(&raw, &[2, 1], None), Some("two".into()));
}

#[test]
fn nested_multipart_in_alternative() {
    let raw = fixture("alternative.eml");
    assert_eq!(fetch(&raw, &[1], None), Some("Plain version.".into()));
    let html = fetch(&raw, &[2], None).unwrap_or_default();
    assert!(
        html.starts_with("<html>") && html.contains("caf=C3=A9"),
        "{html}"
    );
}

#[test]
fn headerless_input_is_all_header() {
    // Lines that are neither fields nor a blank line: mail-parser finds
    // nothing, and the whole input counts as header.
    let raw = b"not a header line\r\nnor this\r\n";
    let text = String::from_utf8_lossy(raw).into_owned();
    assert_eq!(fetch(raw, &[], None), Some(text.clone()));
    assert_eq!(fetch(raw, &[], Some(SectionText::Header)), Some(text));
    assert_eq!(
        fetch(raw, &[], Some(SectionText::Text)),
        Some(String::new())
    );
    assert_eq!(fetch(raw, &[1], None), Some(String::new()));
    assert_eq!(fetch(raw, &[2], None), None);
}

#[test]
fn blank_first_line_means_empty_header() {
    let raw = fixture("no_headers.eml");
    assert_eq!(
        fetch(&raw, &[], Some(SectionText::Header)),
        Some("\r\n".into())
    );
    assert_eq!(
        fetch(&raw, &[], Some(SectionText::Text)),
        Some("Just a body line.\r\nAnd another.\r\n".into())
    );
}
