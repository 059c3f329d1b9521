//! The output buffer shared by both encoders, and the one place that picks
//! the wire form of a string: atom, quoted string or literal. It knows
//! nothing of which command or response a string belongs to.

use std::io::Write as _;

use super::{Fragment, Utf8Mode};
use crate::chars::{is_astring_char, is_atom_char, is_text_char};
use crate::types::LiteralKind;

/// Longer strings go out as literals even when they could be quoted, so no
/// line grows past what clients comfortably buffer (Dovecot switches near
/// the same size).
pub(crate) const MAX_QUOTED: usize = 1024;

/// Who is writing, which decides how literals look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LiteralStyle {
    /// Server literals: `{n}`, never waiting for anything. NUL bytes, which
    /// `literal` cannot carry, become 0x80 as Dovecot does.
    Server,
    /// Client literals with LITERAL+: `{n+}`.
    NonSync,
    /// Client literals that wait for a continuation: `{n}`, with the output
    /// split into fragments at each one.
    Sync,
}

pub(crate) struct Writer<'a> {
    out: &'a mut Vec<u8>,
    style: LiteralStyle,
    utf8: Utf8Mode,
    fragments: Vec<Fragment>,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>, style: LiteralStyle, utf8: Utf8Mode) -> Self {
        Writer {
            out,
            style,
            utf8,
            fragments: Vec::new(),
        }
    }

    pub(crate) fn utf8(&self) -> Utf8Mode {
        self.utf8
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.raw(s.as_bytes());
    }

    pub(crate) fn sp(&mut self) {
        self.out.push(b' ');
    }

    pub(crate) fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    pub(crate) fn num(&mut self, n: impl std::fmt::Display) {
        // Writing into a Vec cannot fail.
        let _ = write!(self.out, "{n}");
    }

    pub(crate) fn fmt(&mut self, args: std::fmt::Arguments<'_>) {
        let _ = self.out.write_fmt(args);
    }

    pub(crate) fn crlf(&mut self) {
        self.raw(b"\r\n");
    }

    /// Everything written since the last synchronising literal, plus the
    /// literals themselves; only meaningful for `LiteralStyle::Sync`.
    pub(crate) fn into_fragments(mut self) -> Vec<Fragment> {
        let rest = std::mem::take(self.out);
        if !rest.is_empty() {
            self.fragments.push(Fragment::Line(rest));
        }
        self.fragments
    }

    /// An `atom`: written as is. Used for names the grammar types as atoms
    /// (capabilities, keywords, charsets); a value that is not a valid atom
    /// falls back to a string so the line at least stays parseable.
    pub(crate) fn atom(&mut self, s: &str) {
        if is_atom(s.as_bytes()) {
            self.str(s);
        } else {
            self.string(s.as_bytes());
        }
    }

    /// `astring`: an atom when every byte is an ASTRING-CHAR, else a string.
    /// `NIL` is quoted although the grammar would allow it bare, because
    /// lenient clients read a bare NIL as "no value".
    pub(crate) fn astring(&mut self, s: &[u8]) {
        if !s.is_empty() && s.iter().all(|&b| is_astring_char(b)) && !is_nil(s) {
            self.raw(s);
        } else {
            self.string(s);
        }
    }

    /// `string`: quoted when possible, a literal otherwise.
    pub(crate) fn string(&mut self, s: &[u8]) {
        if self.quotable(s) {
            self.quoted(s);
        } else {
            self.literal(s, LiteralKind::Text);
        }
    }

    pub(crate) fn nstring(&mut self, s: Option<&[u8]>) {
        match s {
            Some(s) => self.string(s),
            None => self.nil(),
        }
    }

    pub(crate) fn nil(&mut self) {
        self.raw(b"NIL");
    }

    /// Whether `s` may be sent as a quoted string in this writer's mode.
    pub(crate) fn quotable(&self, s: &[u8]) -> bool {
        if s.len() > MAX_QUOTED {
            return false;
        }
        let ascii = s.iter().all(|&b| is_text_char(b));
        match self.utf8 {
            Utf8Mode::Ascii => ascii,
            // RFC 6855 / RFC 9051 QUOTED-CHAR admits UTF-8 sequences, not
            // arbitrary 8-bit bytes.
            Utf8Mode::Accept => {
                ascii
                    || (std::str::from_utf8(s).is_ok()
                        && s.iter().all(|&b| b >= 0x80 || is_text_char(b)))
            }
        }
    }

    /// A quoted string; the caller has checked `quotable`.
    pub(crate) fn quoted(&mut self, s: &[u8]) {
        self.out.reserve(s.len() + 2);
        self.out.push(b'"');
        for &b in s {
            if b == b'"' || b == b'\\' {
                self.out.push(b'\\');
            }
            self.out.push(b);
        }
        self.out.push(b'"');
    }

    /// `{n}` / `{n+}` / `~{n}` followed by the data.
    pub(crate) fn literal(&mut self, data: &[u8], kind: LiteralKind) {
        if kind == LiteralKind::Binary {
            self.out.push(b'~');
        }
        self.byte(b'{');
        self.num(data.len());
        if self.style == LiteralStyle::NonSync {
            self.byte(b'+');
        }
        self.raw(b"}\r\n");
        match self.style {
            LiteralStyle::Server if kind == LiteralKind::Text && data.contains(&0) => {
                self.out
                    .extend(data.iter().map(|&b| if b == 0 { 0x80 } else { b }));
            }
            LiteralStyle::Server | LiteralStyle::NonSync => self.raw(data),
            LiteralStyle::Sync => {
                let line = std::mem::take(self.out);
                self.fragments.push(Fragment::Line(line));
                self.fragments.push(Fragment::Literal(data.to_vec()));
            }
        }
    }
}

pub(crate) fn is_atom(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_atom_char(b))
}

fn is_nil(s: &[u8]) -> bool {
    s.eq_ignore_ascii_case(b"NIL")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(style: LiteralStyle, utf8: Utf8Mode, f: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out, style, utf8);
        f(&mut w);
        out
    }

    fn astring(s: &str) -> Vec<u8> {
        with(LiteralStyle::Server, Utf8Mode::Ascii, |w| {
            w.astring(s.as_bytes())
        })
    }

    #[test]
    fn astring_prefers_atom() {
        assert_eq!(astring("INBOX"), b"INBOX");
        assert_eq!(astring("foo]bar"), b"foo]bar");
        assert_eq!(astring("~peter/mail/&U,BTFw-"), b"~peter/mail/&U,BTFw-");
    }

    #[test]
    fn astring_quotes_specials_and_empty() {
        assert_eq!(astring(""), b"\"\"");
        assert_eq!(astring("a b"), b"\"a b\"");
        assert_eq!(astring("50%"), b"\"50%\"");
        assert_eq!(astring("a*"), b"\"a*\"");
        assert_eq!(astring("(x)"), b"\"(x)\"");
        assert_eq!(astring("{3}"), b"\"{3}\"");
        assert_eq!(astring("nil"), b"\"nil\"");
    }

    #[test]
    fn quoted_escapes_quote_and_backslash() {
        assert_eq!(astring(r#"say "hi"\"#), br#""say \"hi\"\\""#);
    }

    #[test]
    fn control_line_breaks_force_a_literal() {
        assert_eq!(astring("a\r\nb"), b"{4}\r\na\r\nb");
        assert_eq!(astring("\n"), b"{1}\r\n\n");
    }

    #[test]
    fn eight_bit_needs_utf8_accept_to_be_quoted() {
        assert_eq!(astring("台北"), "{6}\r\n台北".as_bytes());
        let accepted = with(LiteralStyle::Server, Utf8Mode::Accept, |w| {
            w.astring("台北".as_bytes())
        });
        assert_eq!(accepted, "\"台北\"".as_bytes());
        // Invalid UTF-8 stays a literal even with UTF8=ACCEPT.
        let invalid = with(LiteralStyle::Server, Utf8Mode::Accept, |w| {
            w.string(b"\xff")
        });
        assert_eq!(invalid, b"{1}\r\n\xff");
    }

    #[test]
    fn long_strings_become_literals() {
        let long = "a ".repeat(MAX_QUOTED / 2);
        assert!(astring(&long).starts_with(b"\"a a"));
        let longer = format!("{long}b");
        let expected = format!("{{{}}}\r\n{longer}", longer.len());
        assert_eq!(astring(&longer), expected.as_bytes());
    }

    #[test]
    fn nstring_none_is_nil() {
        let out = with(LiteralStyle::Server, Utf8Mode::Ascii, |w| {
            w.nstring(None);
            w.sp();
            w.nstring(Some(b"NIL"));
        });
        assert_eq!(out, b"NIL \"NIL\"");
    }

    #[test]
    fn server_literals_replace_nul_except_binary() {
        let out = with(LiteralStyle::Server, Utf8Mode::Ascii, |w| {
            w.literal(b"a\0b", LiteralKind::Text);
            w.sp();
            w.literal(b"a\0b", LiteralKind::Binary);
        });
        assert_eq!(out, b"{3}\r\na\x80b ~{3}\r\na\0b");
    }

    #[test]
    fn client_literal_styles() {
        let nonsync = with(LiteralStyle::NonSync, Utf8Mode::Ascii, |w| {
            w.string(b"a\nb");
            w.sp();
            w.literal(b"\0", LiteralKind::Binary);
        });
        assert_eq!(nonsync, b"{3+}\r\na\nb ~{1+}\r\n\0");

        let mut out = Vec::new();
        let mut w = Writer::new(&mut out, LiteralStyle::Sync, Utf8Mode::Ascii);
        w.str("A1 LOGIN ");
        w.astring(b"a\nb");
        w.sp();
        w.astring(b"pw");
        w.crlf();
        assert_eq!(
            w.into_fragments(),
            vec![
                Fragment::Line(b"A1 LOGIN {3}\r\n".to_vec()),
                Fragment::Literal(b"a\nb".to_vec()),
                Fragment::Line(b" pw\r\n".to_vec()),
            ]
        );
    }

    #[test]
    fn atom_falls_back_to_string() {
        let out = with(LiteralStyle::Server, Utf8Mode::Ascii, |w| {
            w.atom("IMAP4rev2");
            w.sp();
            w.atom("a]");
        });
        assert_eq!(out, b"IMAP4rev2 \"a]\"");
    }
}
