//! Character classes of the IMAP grammar (RFC 9051 §9), shared by the
//! parser and the encoder so both agree on what an atom is.

/// `ATOM-CHAR`: any CHAR except atom-specials.
pub fn is_atom_char(b: u8) -> bool {
    matches!(b, 0x21..=0x7e)
        && !matches!(
            b,
            b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
        )
}

/// `ASTRING-CHAR`: ATOM-CHAR or `]` (resp-specials).
pub fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// `list-char`: ATOM-CHAR, list-wildcards or resp-specials.
pub fn is_list_char(b: u8) -> bool {
    is_atom_char(b) || matches!(b, b'%' | b'*' | b']')
}

/// `TEXT-CHAR` for quoted strings: any 7-bit CHAR except CR and LF
/// (quoted-specials are escaped).
pub fn is_text_char(b: u8) -> bool {
    matches!(b, 0x01..=0x7f) && b != b'\r' && b != b'\n'
}
