//! Command-line framing: finds the next LF-terminated line in the input
//! with a bound on its length. A line over the bound is skipped up to its
//! LF and reported once, so its tail is never taken for a command.

use std::ops::Range;

pub(crate) enum Line {
    /// The byte range of a complete line, LF included.
    Complete(Range<usize>),
    /// A line over the bound ended here; it has been skipped.
    TooLong,
    /// No complete line yet; everything before `pos` may be dropped.
    Incomplete,
}

pub(crate) struct Lines {
    max: usize,
    /// Inside an over-long line whose end has not arrived yet.
    skipping: bool,
}

impl Lines {
    pub fn new(max: usize) -> Lines {
        Lines {
            max,
            skipping: false,
        }
    }

    /// The next line of `input` at or after `*pos`; advances `*pos` past
    /// whatever it consumed.
    pub fn next(&mut self, input: &[u8], pos: &mut usize) -> Line {
        let start = (*pos).min(input.len());
        let rest = input.get(start..).unwrap_or_default();
        match rest.iter().position(|&b| b == b'\n') {
            Some(lf) => {
                let end = start + lf + 1;
                *pos = end;
                if std::mem::take(&mut self.skipping) || lf + 1 > self.max {
                    Line::TooLong
                } else {
                    Line::Complete(start..end)
                }
            }
            None => {
                if self.skipping || rest.len() >= self.max {
                    self.skipping = true;
                    *pos = input.len();
                }
                Line::Incomplete
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_lines_in_order() {
        let mut lines = Lines::new(16);
        let input = b"NOOP\r\nRSET\r\nQU";
        let mut pos = 0;
        assert!(matches!(lines.next(input, &mut pos), Line::Complete(r) if r == (0..6)));
        assert!(matches!(lines.next(input, &mut pos), Line::Complete(r) if r == (6..12)));
        assert!(matches!(lines.next(input, &mut pos), Line::Incomplete));
        assert_eq!(pos, 12);
    }

    #[test]
    fn an_overlong_line_is_skipped_across_reads_and_reported_once() {
        let mut lines = Lines::new(8);
        let mut pos = 0;
        let first = b"AAAAAAAAAAAA";
        assert!(matches!(lines.next(first, &mut pos), Line::Incomplete));
        assert_eq!(pos, first.len());
        let mut pos = 0;
        let second = b"AAAA\r\nNOOP\r\n";
        assert!(matches!(lines.next(second, &mut pos), Line::TooLong));
        assert!(matches!(lines.next(second, &mut pos), Line::Complete(r) if r == (6..12)));
        let mut pos = 0;
        assert!(matches!(
            lines.next(b"123456789\n", &mut pos),
            Line::TooLong
        ));
    }
}
