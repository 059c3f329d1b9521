//! Splits the bytes an IMAP server sends into responses, sans-IO: feed it
//! what the socket gave, take out whole responses. A line ending in a
//! literal's `{n}` continues after n octets, which are dropped unread, so a
//! literal never hangs the reader or grows its buffer. This is framing only:
//! what a response means is `reply`'s job.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("a response line longer than {0} bytes")]
    TooLong(usize),
}

/// Response framing state for one connection.
#[derive(Debug)]
pub struct Framer {
    /// Bytes received and not yet framed.
    input: Vec<u8>,
    /// The lines of the response being framed so far, literals left out.
    response: Vec<u8>,
    /// Literal octets still to be dropped.
    skip: u64,
    max_line: usize,
}

impl Framer {
    /// `max_line` bounds one response's text (literal bodies do not count).
    pub fn new(max_line: usize) -> Framer {
        Framer {
            input: Vec::new(),
            response: Vec::new(),
            skip: 0,
            max_line,
        }
    }

    pub fn push(&mut self, data: &[u8]) {
        self.input.extend_from_slice(data);
    }

    /// The next whole response without its final CRLF (continuation lines
    /// after a literal follow the line that announced it), or `None` until
    /// more input is pushed.
    pub fn next_response(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        loop {
            if self.skip > 0 {
                let n = usize::try_from(self.skip)
                    .unwrap_or(usize::MAX)
                    .min(self.input.len());
                self.input.drain(..n);
                self.skip -= n as u64;
                if self.skip > 0 {
                    return Ok(None);
                }
            }
            let Some(end) = self.input.iter().position(|&b| b == b'\n') else {
                if self.response.len() + self.input.len() > self.max_line {
                    return Err(FrameError::TooLong(self.max_line));
                }
                return Ok(None);
            };
            if self.response.len() + end > self.max_line {
                return Err(FrameError::TooLong(self.max_line));
            }
            let line = self.input.drain(..=end);
            let line = line.as_slice();
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            self.response.extend_from_slice(line);
            match literal_len(line) {
                Some(n) => self.skip = n,
                None => return Ok(Some(std::mem::take(&mut self.response))),
            }
        }
    }
}

/// The length a line announces at its end: `{n}` or the non-synchronizing
/// `{n+}` (RFC 7888), the `~{n}` of literal8 included.
fn literal_len(line: &[u8]) -> Option<u64> {
    let body = line.strip_suffix(b"}")?;
    let body = body.strip_suffix(b"+").unwrap_or(body);
    let open = body.iter().rposition(|&b| b == b'{')?;
    let digits = body.get(open + 1..)?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(framer: &mut Framer) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(r) = framer.next_response().unwrap() {
            out.push(String::from_utf8(r).unwrap());
        }
        out
    }

    #[test]
    fn lines_split_anywhere() {
        let input = b"* OK hi\r\n* 3 EXISTS\r\na1 OK done\r\n";
        for cut in 0..input.len() {
            let mut f = Framer::new(1024);
            let (a, b) = input.split_at(cut);
            f.push(a);
            let mut got = all(&mut f);
            f.push(b);
            got.extend(all(&mut f));
            assert_eq!(got, ["* OK hi", "* 3 EXISTS", "a1 OK done"], "cut at {cut}");
        }
    }

    #[test]
    fn literal_bytes_are_skipped_even_when_they_hold_newlines() {
        let input = b"* 1 FETCH (BODY[] {13}\r\nab\r\ncd\r\n{3}\r\n)\r\n* 2 EXISTS\r\n";
        for cut in 0..input.len() {
            let mut f = Framer::new(1024);
            let (a, b) = input.split_at(cut);
            f.push(a);
            let mut got = all(&mut f);
            f.push(b);
            got.extend(all(&mut f));
            assert_eq!(
                got,
                ["* 1 FETCH (BODY[] {13})", "* 2 EXISTS"],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn literal_forms() {
        assert_eq!(literal_len(b"x {5}"), Some(5));
        assert_eq!(literal_len(b"x {5+}"), Some(5));
        assert_eq!(literal_len(b"x ~{0}"), Some(0));
        assert_eq!(literal_len(b"x {}"), None);
        assert_eq!(literal_len(b"x {a}"), None);
        assert_eq!(literal_len(b"x (5)"), None);
        assert_eq!(literal_len(b"x {99999999999999999999999}"), None);
    }

    #[test]
    fn empty_literal_continues_at_once() {
        let mut f = Framer::new(64);
        f.push(b"* 1 FETCH (X {0}\r\n)\r\n");
        assert_eq!(all(&mut f), ["* 1 FETCH (X {0})"]);
    }

    #[test]
    fn overlong_line_is_an_error_not_a_growing_buffer() {
        let mut f = Framer::new(16);
        f.push(&[b'x'; 17]);
        assert_eq!(f.next_response(), Err(FrameError::TooLong(16)));
        let mut f = Framer::new(16);
        f.push(b"0123456789abcdefXYZ\r\n");
        assert_eq!(f.next_response(), Err(FrameError::TooLong(16)));
    }
}
