//! The byte cursor under the recursive-descent parser: single bytes, SP,
//! CRLF, atoms, keywords, numbers and the nesting-depth guard. It knows no
//! command; strings and compound values live in sibling modules.

use std::num::NonZeroU32;

use super::error::DecodeErrorKind;
use crate::chars::is_atom_char;

pub(crate) type PResult<T> = Result<T, DecodeErrorKind>;

pub(crate) fn syntax<T>(expected: &'static str) -> PResult<T> {
    Err(DecodeErrorKind::Syntax { expected })
}

/// RFC 9051 `number64` and `mod-sequence-value` stop at 2^63 - 1.
const MAX_NUMBER64: u64 = i64::MAX as u64;

/// A position in one complete command (all lines and literals inline).
pub(crate) struct Cursor<'a> {
    input: &'a [u8],
    pos: usize,
    depth: usize,
    max_depth: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(input: &'a [u8], max_depth: usize) -> Self {
        Cursor {
            input,
            pos: 0,
            depth: 0,
            max_depth,
        }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Backtracks to a position returned by `pos()`.
    pub(crate) fn reset(&mut self, pos: usize) {
        self.pos = pos.min(self.input.len());
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    pub(crate) fn peek_at(&self, offset: usize) -> Option<u8> {
        self.input.get(self.pos.checked_add(offset)?).copied()
    }

    pub(crate) fn rest(&self) -> &'a [u8] {
        self.input.get(self.pos..).unwrap_or(&[])
    }

    pub(crate) fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.input.len());
    }

    /// Takes `n` bytes, or fails if fewer remain.
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> PResult<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.input.len());
        match end.and_then(|end| self.input.get(self.pos..end)) {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => syntax(what),
        }
    }

    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect(&mut self, b: u8, what: &'static str) -> PResult<()> {
        if self.eat(b) { Ok(()) } else { syntax(what) }
    }

    pub(crate) fn sp(&mut self) -> PResult<()> {
        self.expect(b' ', "a space")
    }

    /// At CR or LF: the end of the current line.
    pub(crate) fn at_eol(&self) -> bool {
        matches!(self.peek(), Some(b'\r' | b'\n'))
    }

    /// CRLF, or a bare LF (tolerated, as Dovecot does).
    pub(crate) fn crlf(&mut self) -> PResult<()> {
        self.eat(b'\r');
        self.expect(b'\n', "end of line")
    }

    /// The command's final line end, with nothing after it.
    pub(crate) fn finish(&mut self) -> PResult<()> {
        self.crlf()?;
        if self.pos == self.input.len() {
            Ok(())
        } else {
            syntax("end of command")
        }
    }

    pub(crate) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let rest = self.rest();
        let n = rest.iter().position(|&b| !f(b)).unwrap_or(rest.len());
        self.pos += n;
        rest.get(..n).unwrap_or(&[])
    }

    /// `1*ATOM-CHAR`.
    pub(crate) fn atom(&mut self, what: &'static str) -> PResult<&'a [u8]> {
        let a = self.take_while(is_atom_char);
        if a.is_empty() { syntax(what) } else { Ok(a) }
    }

    /// An atom as a `String` (atoms are ASCII, so this cannot fail on
    /// valid input).
    pub(crate) fn atom_string(&mut self, what: &'static str) -> PResult<String> {
        let a = self.atom(what)?;
        String::from_utf8(a.to_vec()).map_err(|_| DecodeErrorKind::InvalidUtf8 { what })
    }

    /// A keyword: letters, digits, `.` and `-` (command names, search keys,
    /// `BODY.PEEK`, `RFC822.SIZE`), upper-cased for matching. It stops at
    /// `[`, `<`, SP, parentheses and line ends.
    pub(crate) fn keyword(&mut self, what: &'static str) -> PResult<Vec<u8>> {
        let w = self.take_while(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if w.is_empty() {
            syntax(what)
        } else {
            Ok(w.to_ascii_uppercase())
        }
    }

    /// Consumes `kw` (case-insensitive) if it comes next as a whole word.
    pub(crate) fn eat_keyword(&mut self, kw: &str) -> bool {
        let rest = self.rest();
        let n = kw.len();
        let matches = rest
            .get(..n)
            .is_some_and(|w| w.eq_ignore_ascii_case(kw.as_bytes()))
            && !rest.get(n).copied().is_some_and(is_atom_char);
        if matches {
            self.pos += n;
        }
        matches
    }

    /// `1*DIGIT` as any value up to `max`.
    fn digits(&mut self, max: u64, what: &'static str) -> PResult<u64> {
        let ds = self.take_while(|b| b.is_ascii_digit());
        if ds.is_empty() {
            return syntax(what);
        }
        let mut value: u64 = 0;
        for &d in ds {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d - b'0')))
                .filter(|&v| v <= max)
                .ok_or(DecodeErrorKind::NumberTooBig)?;
        }
        Ok(value)
    }

    /// `number`: 0 ..= 2^32 - 1.
    pub(crate) fn number(&mut self) -> PResult<u32> {
        let v = self.digits(u64::from(u32::MAX), "a number")?;
        u32::try_from(v).map_err(|_| DecodeErrorKind::NumberTooBig)
    }

    /// `nz-number`: 1 ..= 2^32 - 1.
    pub(crate) fn nz_number(&mut self) -> PResult<NonZeroU32> {
        match NonZeroU32::new(self.number()?) {
            Some(n) => Ok(n),
            None => syntax("a non-zero number"),
        }
    }

    /// `number64` (and `mod-sequence-valzer`): 0 ..= 2^63 - 1.
    pub(crate) fn number64(&mut self) -> PResult<u64> {
        self.digits(MAX_NUMBER64, "a number")
    }

    /// Any run of digits that fits in u64 (literal sizes).
    pub(crate) fn literal_size(&mut self) -> PResult<u64> {
        self.digits(u64::MAX, "a literal size")
    }

    /// Exactly `n` digits (dates and times).
    pub(crate) fn fixed_digits(&mut self, n: usize, what: &'static str) -> PResult<u32> {
        let ds = self.take(n, what)?;
        let mut value = 0u32;
        for &d in ds {
            if !d.is_ascii_digit() {
                return syntax(what);
            }
            value = value * 10 + u32::from(d - b'0');
        }
        Ok(value)
    }

    /// Runs `f` one nesting level deeper; fails once `max_depth` is passed,
    /// which bounds both the parser's stack and the depth of the values it
    /// builds.
    pub(crate) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= self.max_depth {
            return Err(DecodeErrorKind::TooDeep {
                limit: self.max_depth,
            });
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// `"(" item *(SP item) ")"`, one level deeper.
    pub(crate) fn paren_list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        self.expect(b'(', "(")?;
        self.nested(|c| {
            let mut items = vec![item(c)?];
            while c.eat(b' ') {
                items.push(item(c)?);
            }
            c.expect(b')', ")")?;
            Ok(items)
        })
    }

    /// `"(" [item *(SP item)] ")"`, one level deeper.
    pub(crate) fn paren_list_or_empty<T>(
        &mut self,
        item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        if self.peek() == Some(b'(') && self.peek_at(1) == Some(b')') {
            self.advance(2);
            return Ok(Vec::new());
        }
        self.paren_list(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_reject_overflow_without_wrapping() {
        let mut c = Cursor::new(b"4294967295 4294967296", 8);
        assert_eq!(c.number(), Ok(u32::MAX));
        c.sp().unwrap();
        assert_eq!(c.number(), Err(DecodeErrorKind::NumberTooBig));
    }

    #[test]
    fn number64_stops_at_63_bits() {
        let mut c = Cursor::new(b"9223372036854775807", 8);
        assert_eq!(c.number64(), Ok(i64::MAX as u64));
        let mut c = Cursor::new(b"9223372036854775808", 8);
        assert_eq!(c.number64(), Err(DecodeErrorKind::NumberTooBig));
    }

    #[test]
    fn nz_number_rejects_zero() {
        let mut c = Cursor::new(b"0", 8);
        assert!(matches!(c.nz_number(), Err(DecodeErrorKind::Syntax { .. })));
    }

    #[test]
    fn eat_keyword_needs_a_word_boundary() {
        let mut c = Cursor::new(b"NILS", 8);
        assert!(!c.eat_keyword("NIL"));
        let mut c = Cursor::new(b"nil)", 8);
        assert!(c.eat_keyword("NIL"));
        assert_eq!(c.peek(), Some(b')'));
    }

    #[test]
    fn nesting_is_limited() {
        let mut c = Cursor::new(b"", 2);
        let r = c.nested(|c| c.nested(|c| c.nested(|_| Ok(()))));
        assert_eq!(r, Err(DecodeErrorKind::TooDeep { limit: 2 }));
    }
}
