//! BODY and BODYSTRUCTURE: the RFC 3501 example, defaults, nesting,
//! extension data, and malformed structures.

use crate::support::{body, bodystructure, fixture};

#[test]
fn rfc3501_example_body() {
    // RFC 3501 §7.4.2 / §8: the BODY of the sample message.
    let expected = concat!(
        r#"BODY (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)"#,
        r#"("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "#,
        r#""<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")"#
    );
    assert_eq!(body(&fixture("rfc3501.eml")), expected);
}

#[test]
fn plain_message_defaults() {
    // No Content-Type: text/plain; charset us-ascii; 7bit (RFC 2045 §5.2).
    assert_eq!(
        bodystructure(&fixture("plain.eml")),
        r#"BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 26 2 NIL NIL NIL NIL)"#
    );
}

#[test]
fn headerless_message_is_text_plain() {
    assert_eq!(
        body(&fixture("no_headers.eml")),
        r#"BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 33 2)"#
    );
}

#[test]
fn alternative() {
    assert_eq!(
        bodystructure(&fixture("alternative.eml")),
        concat!(
            r#"BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 14 0 NIL NIL NIL NIL)"#,
            r#"("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 62 0 NIL NIL NIL NIL) "#,
            r#""ALTERNATIVE" ("BOUNDARY" "=_alt") NIL NIL NIL)"#
        )
    );
}

#[test]
fn mixed_with_attachment_and_nested_message() {
    assert_eq!(
        bodystructure(&fixture("mixed.eml")),
        concat!(
            r#"BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 0 NIL NIL NIL NIL)"#,
            r#"("APPLICATION" "OCTET-STREAM" ("NAME" "a.bin") NIL NIL "BASE64" 8 NIL ("ATTACHMENT" ("FILENAME" "a.bin")) NIL NIL)"#,
            r#"("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 45 "#,
            r#"(NIL "inner" ((NIL NIL "inner" "x.y")) ((NIL NIL "inner" "x.y")) ((NIL NIL "inner" "x.y")) NIL NIL NIL NIL NIL) "#,
            r#"("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 10 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL) "#,
            r#""MIXED" ("BOUNDARY" "XX") NIL NIL NIL)"#
        )
    );
}

#[test]
fn body_omits_extension_data_everywhere() {
    let text = body(&fixture("mixed.eml"));
    assert!(!text.contains("BOUNDARY"), "{text}");
    assert!(!text.contains("ATTACHMENT"), "{text}");
    assert!(text.ends_with(r#" "MIXED")"#), "{text}");
}

#[test]
fn extension_fields_and_rfc2231_params() {
    assert_eq!(
        bodystructure(&fixture("params.eml")),
        concat!(
            r#"BODYSTRUCTURE (("TEXT" "PLAIN" ("FORMAT" "flowed" "CHARSET" "US-ASCII") "<id1@example.com>" "a description" "7BIT" 4 0 "#,
            r#""Q2hlY2sgSW50ZWdyaXR5IQ==" ("INLINE" NIL) "fr" "part1.txt")"#,
            r#"("APPLICATION" "PDF" ("NAME*" "utf-8''na%C3%AFve.pdf") NIL NIL "7BIT" 4 NIL ("ATTACHMENT" ("FILENAME" "longname.pdf")) NIL NIL) "#,
            r#""MIXED" ("BOUNDARY" "p" "FOO" "bar") NIL ("en" "de") "http://example.com/m")"#
        )
    );
}

#[test]
fn digest_parts_default_to_message_rfc822() {
    let text = body(&fixture("digest.eml"));
    assert!(
        text.starts_with(r#"BODY (("MESSAGE" "RFC822" NIL NIL NIL "7BIT" "#),
        "{text}"
    );
    assert!(text.contains(r#""first in digest""#), "{text}");
    assert!(text.contains(r#""second in digest""#), "{text}");
    assert!(text.ends_with(r#" "DIGEST")"#), "{text}");
}

#[test]
fn bare_lf_sizes_count_octets_as_stored() {
    assert_eq!(
        body(&fixture("bare_lf.eml")),
        concat!(
            r#"BODY (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 7 1)"#,
            r#"("APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64" 16) "MIXED")"#
        )
    );
}

#[test]
fn unclosed_multipart_keeps_its_parts() {
    let text = body(&fixture("unclosed_multipart.eml"));
    assert!(
        text.starts_with(
            r#"BODY (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 0)("TEXT" "PLAIN""#
        ),
        "{text}"
    );
    assert!(text.ends_with(r#" "MIXED")"#), "{text}");
}

#[test]
fn duplicate_content_type_last_wins_like_mail_parser() {
    assert_eq!(
        body(&fixture("duplicate_headers.eml")),
        r#"BODY ("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 5 1)"#
    );
}

#[test]
fn eight_bit_encoding_is_reported() {
    let text = body(&fixture("eight_bit.eml"));
    // Octets, not characters: "Grüße aus Köln\r\n" is 19.
    assert!(text.contains(r#"NIL NIL "8BIT" 19 1)"#), "{text}");
}
