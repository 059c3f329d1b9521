//! Modified UTF-7 mailbox names (RFC 3501 §5.1.3): `encode` turns a Unicode
//! name into the 7-bit form, `decode` turns it back and rejects every input
//! that `encode` would not have produced, so a name has exactly one wire form.
//! It does not know about hierarchy delimiters or `INBOX`.

use thiserror::Error;

/// Why a name is not canonical modified UTF-7.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Mutf7Error {
    #[error("byte {byte:#04x} at {at} must be base64-encoded")]
    RawChar { at: usize, byte: u8 },
    #[error("shift sequence starting at {at} has no terminating '-'")]
    Unterminated { at: usize },
    #[error("bad modified base64 at {at}")]
    BadBase64 { at: usize },
    #[error("shift sequence at {at} encodes a character that must appear as itself")]
    NonCanonical { at: usize },
    #[error("shift sequence at {at} directly follows another one")]
    AdjacentShift { at: usize },
    #[error("shift sequence at {at} holds an unpaired UTF-16 surrogate")]
    LoneSurrogate { at: usize },
}

/// RFC 2152 base64 with `,` in place of `/`.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Characters that stand for themselves: printable US-ASCII.
fn is_direct(c: u32) -> bool {
    (0x20..=0x7e).contains(&c)
}

pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    for c in name.chars() {
        if is_direct(u32::from(c)) {
            flush_shift(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush_shift(&mut pending, &mut out);
    out
}

fn flush_shift(units: &mut Vec<u16>, out: &mut String) {
    if units.is_empty() {
        return;
    }
    out.push('&');
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for unit in units.drain(..) {
        acc = (acc << 16) | u32::from(unit);
        bits += 16;
        while bits >= 6 {
            bits -= 6;
            out.push(sextet_char(acc >> bits));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(sextet_char(acc << (6 - bits)));
    }
    out.push('-');
}

fn sextet_char(v: u32) -> char {
    // The mask keeps the index below 64, so the lookup cannot fail.
    char::from(ALPHABET[(v & 0x3f) as usize])
}

fn sextet_value(b: u8) -> Option<u32> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

pub fn decode(name: &str) -> Result<String, Mutf7Error> {
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    // Set right after a base64 shift closes: another one there should have
    // been merged into it by the encoder.
    let mut after_shift = false;
    while let Some(&b) = bytes.get(i) {
        if b != b'&' {
            if !is_direct(u32::from(b)) {
                return Err(Mutf7Error::RawChar { at: i, byte: b });
            }
            out.push(char::from(b));
            after_shift = false;
            i += 1;
            continue;
        }
        let start = i;
        let body_start = i + 1;
        let Some(len) = bytes
            .get(body_start..)
            .and_then(|rest| rest.iter().position(|&c| c == b'-'))
        else {
            return Err(Mutf7Error::Unterminated { at: start });
        };
        let body = bytes.get(body_start..body_start + len).unwrap_or_default();
        i = body_start + len + 1;
        if body.is_empty() {
            out.push('&');
            after_shift = false;
            continue;
        }
        if after_shift {
            return Err(Mutf7Error::AdjacentShift { at: start });
        }
        decode_shift(body, start, &mut out)?;
        after_shift = true;
    }
    Ok(out)
}

fn decode_shift(body: &[u8], at: usize, out: &mut String) -> Result<(), Mutf7Error> {
    let mut units = Vec::with_capacity(body.len() * 6 / 16);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &b in body {
        let v = sextet_value(b).ok_or(Mutf7Error::BadBase64 { at })?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 16 {
            bits -= 16;
            units.push(((acc >> bits) & 0xffff) as u16);
            acc &= (1 << bits) - 1;
        }
    }
    // Canonical base64 leaves fewer than six padding bits, all zero.
    if bits >= 6 || acc != 0 {
        return Err(Mutf7Error::BadBase64 { at });
    }
    for decoded in char::decode_utf16(units.iter().copied()) {
        let c = decoded.map_err(|_| Mutf7Error::LoneSurrogate { at })?;
        if is_direct(u32::from(c)) {
            return Err(Mutf7Error::NonCanonical { at });
        }
        out.push(c);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3501_example_round_trips() {
        let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        let name = "~peter/mail/台北/日本語";
        assert_eq!(encode(name), wire);
        assert_eq!(decode(wire).as_deref(), Ok(name));
    }

    #[test]
    fn ampersand_is_shift_dash() {
        assert_eq!(encode("&"), "&-");
        assert_eq!(encode("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(decode("&-").as_deref(), Ok("&"));
        assert_eq!(decode("a&-&-b").as_deref(), Ok("a&&b"));
    }

    #[test]
    fn ascii_passes_through() {
        assert_eq!(encode("INBOX.Sent Items"), "INBOX.Sent Items");
        assert_eq!(
            decode("INBOX.Sent Items").as_deref(),
            Ok("INBOX.Sent Items")
        );
        assert_eq!(encode(""), "");
    }

    #[test]
    fn control_characters_and_astral_plane_are_encoded() {
        // U+1F600 needs a surrogate pair; TAB and DEL are not printable.
        for name in ["\t", "a\u{7f}b", "😀", "x😀y€", "€&€"] {
            let wire = encode(name);
            assert!(wire.bytes().all(|b| is_direct(u32::from(b))), "{wire}");
            assert_eq!(decode(&wire).as_deref(), Ok(name), "{wire}");
        }
        assert_eq!(encode("€"), "&IKw-");
    }

    #[test]
    fn shift_after_ampersand_is_fine() {
        assert_eq!(decode("&IKw-&-").as_deref(), Ok("€&"));
        assert_eq!(encode("€&"), "&IKw-&-");
    }

    #[test]
    fn rejects_encoded_printable_ascii() {
        // "&AGE-" is "a" in base64, which must be sent as itself.
        assert_eq!(decode("&AGE-"), Err(Mutf7Error::NonCanonical { at: 0 }));
        // "&ACY-" would be "&".
        assert_eq!(decode("x&ACY-"), Err(Mutf7Error::NonCanonical { at: 1 }));
    }

    #[test]
    fn rejects_unterminated_shift() {
        assert_eq!(decode("a&IKw"), Err(Mutf7Error::Unterminated { at: 1 }));
        assert_eq!(decode("&"), Err(Mutf7Error::Unterminated { at: 0 }));
    }

    #[test]
    fn rejects_bad_base64() {
        // '/' is standard base64 but not the modified alphabet.
        assert_eq!(decode("&U/BTFw-"), Err(Mutf7Error::BadBase64 { at: 0 }));
        // Non-zero padding bits: "IK0" ends with bits that "IKw" has zero.
        assert_eq!(decode("&IKx-"), Err(Mutf7Error::BadBase64 { at: 0 }));
        // An extra sextet beyond the last whole UTF-16 unit.
        assert_eq!(decode("&IKwA-"), Err(Mutf7Error::BadBase64 { at: 0 }));
        // Padding '=' is never used.
        assert_eq!(decode("&IKw=-"), Err(Mutf7Error::BadBase64 { at: 0 }));
    }

    #[test]
    fn rejects_lone_surrogates() {
        // U+D83D alone (a high surrogate) and U+DE00 alone (a low one).
        assert_eq!(decode("&2D0-"), Err(Mutf7Error::LoneSurrogate { at: 0 }));
        assert_eq!(decode("&3gA-"), Err(Mutf7Error::LoneSurrogate { at: 0 }));
    }

    #[test]
    fn rejects_raw_non_ascii_and_controls() {
        assert!(matches!(
            decode("台北"),
            Err(Mutf7Error::RawChar { at: 0, .. })
        ));
        assert_eq!(
            decode("a\tb"),
            Err(Mutf7Error::RawChar { at: 1, byte: b'\t' })
        );
    }

    #[test]
    fn rejects_adjacent_shifts() {
        // Two shifts in a row would have been one in canonical form.
        assert_eq!(
            decode("&IKw-&IKw-"),
            Err(Mutf7Error::AdjacentShift { at: 5 })
        );
        assert_eq!(decode("&IKwgrA-").as_deref(), Ok("€€"));
    }
}
