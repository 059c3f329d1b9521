//! Strings of the grammar: quoted (only `\"` and `\\` escapes), literal and
//! literal8, astring, nstring, list-mailbox, and mailbox names. Names stay
//! as sent: modified UTF-7 decoding is not done here.

use super::cursor::{Cursor, PResult, syntax};
use super::error::DecodeErrorKind;
use crate::chars::{is_astring_char, is_atom_char, is_list_char};
use crate::types::{LiteralKind, Mailbox};

/// Bytes to a `String`, or BAD for invalid UTF-8 (RFC 6855 allows UTF-8,
/// never arbitrary 8-bit).
pub(crate) fn utf8(bytes: Vec<u8>, what: &'static str) -> PResult<String> {
    String::from_utf8(bytes).map_err(|_| DecodeErrorKind::InvalidUtf8 { what })
}

impl Cursor<'_> {
    /// `quoted`: the unescaped content. 8-bit bytes are allowed (RFC 9051
    /// `QUOTED-CHAR` includes UTF-8); callers that need text check UTF-8.
    pub(crate) fn quoted(&mut self) -> PResult<Vec<u8>> {
        self.expect(b'"', "\"")?;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.advance(1);
                    return Ok(out);
                }
                Some(b'\\') => match self.peek_at(1) {
                    Some(b @ (b'"' | b'\\')) => {
                        out.push(b);
                        self.advance(2);
                    }
                    _ => return syntax("\\\" or \\\\ after \\ in a quoted string"),
                },
                Some(b'\r' | b'\n' | 0) | None => return syntax("a closing \""),
                Some(b) => {
                    out.push(b);
                    self.advance(1);
                }
            }
        }
    }

    /// `{n}` / `{n+}` CRLF and n bytes of data, without NUL.
    pub(crate) fn literal(&mut self) -> PResult<Vec<u8>> {
        if self.peek() == Some(b'~') {
            return Err(DecodeErrorKind::Literal8NotAllowed);
        }
        let data = self.literal_body()?;
        if data.contains(&0) {
            return Err(DecodeErrorKind::NulInLiteral);
        }
        Ok(data.to_vec())
    }

    /// A literal or a literal8 (`~{n}`, RFC 3516), which may carry NUL.
    pub(crate) fn literal_or_literal8(&mut self) -> PResult<(Vec<u8>, LiteralKind)> {
        if self.eat(b'~') {
            Ok((self.literal_body()?.to_vec(), LiteralKind::Binary))
        } else {
            Ok((self.literal()?, LiteralKind::Text))
        }
    }

    /// `"{" number64 ["+"] "}" CRLF *OCTET`; the data is borrowed from the
    /// input, so a size never causes an allocation by itself.
    fn literal_body(&mut self) -> PResult<&[u8]> {
        self.expect(b'{', "{")?;
        let size = self.literal_size()?;
        self.eat(b'+');
        self.expect(b'}', "}")?;
        self.crlf()?;
        let size = usize::try_from(size).map_err(|_| DecodeErrorKind::NumberTooBig)?;
        self.take(size, "literal data")
    }

    /// `string`: quoted or literal.
    pub(crate) fn string(&mut self) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(b'"') => self.quoted(),
            Some(b'{' | b'~') => self.literal(),
            _ => syntax("a string"),
        }
    }

    /// `astring`: `1*ASTRING-CHAR` or a string.
    pub(crate) fn astring(&mut self) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(b'"' | b'{') => self.string(),
            _ => {
                let a = self.take_while(is_astring_char);
                if a.is_empty() {
                    syntax("an atom or a string")
                } else {
                    Ok(a.to_vec())
                }
            }
        }
    }

    pub(crate) fn astring_utf8(&mut self, what: &'static str) -> PResult<String> {
        let bytes = self.astring()?;
        utf8(bytes, what)
    }

    pub(crate) fn string_utf8(&mut self, what: &'static str) -> PResult<String> {
        let bytes = self.string()?;
        utf8(bytes, what)
    }

    /// `nstring`: `NIL` or a string.
    pub(crate) fn nstring(&mut self) -> PResult<Option<Vec<u8>>> {
        if self.eat_keyword("NIL") {
            Ok(None)
        } else {
            self.string().map(Some)
        }
    }

    /// `mailbox`: an astring, UTF-8, with `INBOX` in any case normalised.
    pub(crate) fn mailbox(&mut self) -> PResult<Mailbox> {
        self.astring_utf8("a mailbox name").map(Mailbox::new)
    }

    /// `list-mailbox`: `1*list-char` (wildcards allowed) or a string.
    pub(crate) fn list_mailbox(&mut self) -> PResult<String> {
        let bytes = match self.peek() {
            Some(b'"' | b'{') => self.string()?,
            _ => {
                let a = self.take_while(is_list_char);
                if a.is_empty() {
                    return syntax("a mailbox pattern");
                }
                a.to_vec()
            }
        };
        utf8(bytes, "a mailbox pattern")
    }

    /// `charset`: an atom or a quoted string, as sent.
    pub(crate) fn charset(&mut self) -> PResult<String> {
        let bytes = if self.peek() == Some(b'"') {
            self.quoted()?
        } else {
            let a = self.take_while(is_atom_char);
            if a.is_empty() {
                return syntax("a charset");
            }
            a.to_vec()
        };
        utf8(bytes, "a charset")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_unescapes_only_quote_and_backslash() {
        let mut c = Cursor::new(br#""a\"b\\c" "#, 8);
        assert_eq!(c.quoted().unwrap(), br#"a"b\c"#);
        let mut c = Cursor::new(br#""a\nb""#, 8);
        assert!(c.quoted().is_err());
    }

    #[test]
    fn literal_data_may_hold_crlf_but_not_nul() {
        let mut c = Cursor::new(b"{4}\r\na\r\nb", 8);
        assert_eq!(c.literal().unwrap(), b"a\r\nb");
        let mut c = Cursor::new(b"{3+}\r\na\0b", 8);
        assert_eq!(c.literal(), Err(DecodeErrorKind::NulInLiteral));
        let mut c = Cursor::new(b"~{3}\r\na\0b", 8);
        assert_eq!(
            c.literal_or_literal8().unwrap(),
            (b"a\0b".to_vec(), LiteralKind::Binary)
        );
    }

    #[test]
    fn truncated_literal_is_a_syntax_error() {
        let mut c = Cursor::new(b"{10}\r\nabc", 8);
        assert!(matches!(c.literal(), Err(DecodeErrorKind::Syntax { .. })));
    }

    #[test]
    fn mailbox_normalises_inbox_and_rejects_bad_utf8() {
        let mut c = Cursor::new(b"inBox", 8);
        assert_eq!(c.mailbox().unwrap(), Mailbox("INBOX".into()));
        let mut c = Cursor::new(b"\"\xff\"", 8);
        assert!(matches!(
            c.mailbox(),
            Err(DecodeErrorKind::InvalidUtf8 { .. })
        ));
    }
}
