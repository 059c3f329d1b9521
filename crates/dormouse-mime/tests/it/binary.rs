//! BINARY and BINARY.SIZE (RFC 3516): transfer decoding per part.

use dormouse_mime::{BinaryError, Message};

use crate::support::{fixture, path};

#[test]
fn base64_part_is_decoded() {
    let raw = fixture("mixed.eml");
    let msg = Message::parse(&raw);
    assert_eq!(msg.binary(&path(&[2])), Ok(vec![0, 1, 2, 3, 4, 5]));
    assert_eq!(msg.binary_size(&path(&[2])), Ok(6));
}

#[test]
fn base64_with_line_breaks_and_bare_lf() {
    let raw = fixture("bare_lf.eml");
    let msg = Message::parse(&raw);
    assert_eq!(msg.binary(&path(&[2])), Ok(b"hello world".to_vec()));
    let raw = fixture("rfc3501.eml");
    let msg = Message::parse(&raw);
    let decoded = msg.binary(&path(&[2])).unwrap_or_default();
    // 73 lines of base64 text, 4408 characters → 3306 octets.
    assert_eq!(decoded.len(), 3306);
    assert_eq!(msg.binary_size(&path(&[2])), Ok(3306));
    assert_eq!(decoded.get(..4), Some(&[0u8, 1, 2, 3][..]));
}

#[test]
fn quoted_printable_is_decoded_without_charset_conversion() {
    let raw = fixture("encoded_words.eml");
    let msg = Message::parse(&raw);
    let decoded = msg.binary(&path(&[1])).unwrap_or_default();
    // ISO-8859-1 bytes stay ISO-8859-1; the soft line break disappears.
    assert_eq!(
        decoded,
        b"Un caf\xE9 cr\xE8me, s'il vous pla\xEEt. Soft line break.\r\n".to_vec()
    );
    let raw = fixture("alternative.eml");
    let msg = Message::parse(&raw);
    let html = msg.binary(&path(&[2])).unwrap_or_default();
    assert!(String::from_utf8_lossy(&html).contains("café"));
}

#[test]
fn identity_encodings_and_whole_message() {
    let raw = fixture("eight_bit.eml");
    let msg = Message::parse(&raw);
    assert_eq!(
        msg.binary(&path(&[1])),
        Ok("Grüße aus Köln\r\n".as_bytes().to_vec())
    );
    assert_eq!(msg.binary(&[]), Ok(raw.clone()));
    assert_eq!(msg.binary_size(&[]), Ok(raw.len() as u64));
}

#[test]
fn unknown_encoding_and_missing_part() {
    let raw = fixture("unknown_cte.eml");
    let msg = Message::parse(&raw);
    assert_eq!(
        msg.binary(&path(&[1])),
        Err(BinaryError::UnknownEncoding("x-uuencode".into()))
    );
    assert_eq!(
        msg.binary_size(&path(&[1])),
        Err(BinaryError::UnknownEncoding("x-uuencode".into()))
    );
    assert_eq!(msg.binary(&path(&[2])), Err(BinaryError::NoSuchPart));
}

#[test]
fn corrupt_quoted_printable() {
    let raw = b"Content-Transfer-Encoding: quoted-printable\r\n\r\nbad =ZZ escape\r\n";
    let msg = Message::parse(raw);
    assert_eq!(
        msg.binary(&path(&[1])),
        Err(BinaryError::Corrupt("quoted-printable".into()))
    );
}
