//! ENVELOPE: the RFC 3501 example, NIL versus "", groups, defaults for
//! Sender and Reply-To, raw (still encoded) header text.

use crate::support::{envelope, fixture};

#[test]
fn rfc3501_example_envelope() {
    // RFC 3501 §8, the FETCH ENVELOPE of the sample message.
    let expected = concat!(
        r#"ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" "#,
        r#"(("Terry Gray" NIL "gray" "cac.washington.edu")) "#,
        r#"(("Terry Gray" NIL "gray" "cac.washington.edu")) "#,
        r#"(("Terry Gray" NIL "gray" "cac.washington.edu")) "#,
        r#"((NIL NIL "imap" "cac.washington.edu")) "#,
        r#"((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) "#,
        r#"NIL NIL "<B27397-0100000@cac.washington.edu>")"#
    );
    assert_eq!(envelope(&fixture("rfc3501.eml")), expected);
}

#[test]
fn groups_routes_and_comment_names() {
    let env = envelope(&fixture("groups.eml"));
    // Group start: mailbox = group name, host NIL; group end: all NIL.
    assert!(
        env.contains(concat!(
            r#"((NIL NIL "A Group" NIL)(NIL NIL "a" "example.com")("Bob B" NIL "b" "example.org")"#,
            r#"(NIL NIL NIL NIL)(NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL))"#
        )),
        "{env}"
    );
    // A comment names an address without a phrase; a route is the adl.
    assert!(
        env.contains(r#"(("Carol C" NIL "carol" "example.net")(NIL "@r1.example,@r2.example" "dave" "example.com"))"#),
        "{env}"
    );
    // A quoted phrase loses its quotes.
    assert!(
        env.contains(r#"(("Doe, John" NIL "john" "example.com"))"#),
        "{env}"
    );
    // An address without a domain still has a host, as in Dovecot.
    assert!(
        env.contains(r#"((NIL NIL "just-a-name" "MISSING_DOMAIN"))"#),
        "{env}"
    );
}

#[test]
fn absent_is_nil_and_empty_is_empty_string() {
    let env = envelope(&fixture("missing_date.eml"));
    // No Date: NIL. Empty Subject: "". Empty Reply-To and absent Sender:
    // both take From. No To/Cc/Bcc: NIL. No Message-ID: NIL.
    let from = r#"(("Alice" NIL "alice" "example.com"))"#;
    let expected =
        format!(r#"ENVELOPE (NIL "" {from} {from} {from} NIL NIL NIL "<parent@example.com>" NIL)"#);
    assert_eq!(env, expected);
}

#[test]
fn encoded_words_stay_encoded() {
    let env = envelope(&fixture("encoded_words.eml"));
    assert!(
        env.starts_with(r#"ENVELOPE ("Tue, 1 Jul 2003 10:52:37 +0200" "=?ISO-8859-1?Q?caf=E9?= =?UTF-8?B?w7xiZXI=?= plain" "#),
        "{env}"
    );
    assert!(
        env.contains(r#"(("=?ISO-8859-1?Q?Andr=E9?= Pirard" NIL "PIRARD" "vm1.ulg.ac.be"))"#),
        "{env}"
    );
    assert!(
        env.contains(r#"(("=?UTF-8?B?SsO2cmc=?=" NIL "jorg" "example.de"))"#),
        "{env}"
    );
}

#[test]
fn folded_headers_are_unfolded() {
    let env = envelope(&fixture("folded.eml"));
    assert!(
        env.starts_with(r#"ENVELOPE ("Fri, 21 Nov 1997 09:55:06 -0600" "a subject that is folded over	three lines" "#),
        "{env}"
    );
    assert!(
        env.contains(r#"(("Folded Name" NIL "folded" "example.com"))"#),
        "{env}"
    );
    assert!(
        env.contains(r#"((NIL NIL "one" "example.com")(NIL NIL "two" "example.com"))"#),
        "{env}"
    );
}

#[test]
fn duplicate_fields_last_wins_like_dovecot() {
    let env = envelope(&fixture("duplicate_headers.eml"));
    assert!(
        env.starts_with(r#"ENVELOPE (NIL "second subject" ((NIL NIL "second" "example.com"))"#),
        "{env}"
    );
}

#[test]
fn message_without_header_has_an_empty_envelope() {
    let env = envelope(&fixture("no_headers.eml"));
    assert_eq!(env, "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
}

#[test]
fn eight_bit_subject_is_passed_through() {
    let raw = fixture("eight_bit.eml");
    let env = dormouse_mime::Message::parse(&raw).envelope();
    assert_eq!(env.subject.as_deref(), Some("Grüße".as_bytes()));
}
