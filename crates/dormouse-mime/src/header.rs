//! Raw header fields of one header block: splitting into fields, name
//! matching, unfolding. Values stay undecoded bytes; decoding of
//! encoded-words lives in `text`.

/// One header field as it appears in the message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field<'b> {
    /// The name before the colon, without trailing whitespace. For a line
    /// with no colon at all this is the whole line, and `value` is empty.
    pub name: &'b [u8],
    /// Everything after the colon, folding and line end included.
    pub value: &'b [u8],
    /// The whole field with its line end, as BODY[HEADER.FIELDS] copies it.
    pub raw: &'b [u8],
}

impl Field<'_> {
    pub(crate) fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

/// The fields of a header block, in order. The blank line that ends the
/// block (and anything after it) is not a field.
pub(crate) fn fields(block: &[u8]) -> Fields<'_> {
    Fields { rest: block }
}

pub(crate) struct Fields<'b> {
    rest: &'b [u8],
}

impl<'b> Iterator for Fields<'b> {
    type Item = Field<'b>;

    fn next(&mut self) -> Option<Field<'b>> {
        let block = self.rest;
        let first_end = line_end(block, 0);
        let first = block.get(..first_end).unwrap_or_default();
        if first.is_empty() || is_blank_line(first) {
            self.rest = &[];
            return None;
        }
        // Continuation lines start with whitespace (RFC 5322 §2.2.3).
        let mut end = first_end;
        while matches!(block.get(end), Some(b' ' | b'\t')) {
            end = line_end(block, end);
        }
        let raw = block.get(..end).unwrap_or_default();
        self.rest = block.get(end..).unwrap_or_default();
        let field = match raw.iter().position(|&b| b == b':') {
            Some(colon) => Field {
                name: trim_end(raw.get(..colon).unwrap_or_default()),
                value: raw.get(colon + 1..).unwrap_or_default(),
                raw,
            },
            None => Field {
                name: trim(raw),
                value: &[],
                raw,
            },
        };
        Some(field)
    }
}

/// The index just past the `\n` that ends the line starting at `start`, or
/// the end of the buffer.
fn line_end(buf: &[u8], start: usize) -> usize {
    buf.get(start..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(buf.len(), |pos| start + pos + 1)
}

fn is_blank_line(line: &[u8]) -> bool {
    line == b"\n" || line == b"\r\n"
}

/// The value of the last field called `name`: the one mail-parser also uses
/// for Content-Type, and the one Dovecot puts in the envelope.
pub(crate) fn last_value<'b>(block: &'b [u8], name: &str) -> Option<&'b [u8]> {
    fields(block).filter(|f| f.is(name)).last().map(|f| f.value)
}

/// RFC 5322 unfolding (CR and LF removed, the whitespace after them kept),
/// then leading and trailing whitespace removed.
pub(crate) fn unfold(value: &[u8]) -> Vec<u8> {
    trim(value)
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect()
}

pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    trim_end(trim_start(bytes))
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    bytes.get(..end).unwrap_or_default()
}

/// The length of the header block at the start of `raw`: its fields and the
/// blank line after them, or all of `raw` when there is no blank line.
pub(crate) fn block_len(raw: &[u8]) -> usize {
    let fields_len: usize = fields(raw).map(|f| f.raw.len()).sum();
    let rest = raw.get(fields_len..).unwrap_or_default();
    let blank = if rest.starts_with(b"\r\n") {
        2
    } else if rest.starts_with(b"\n") {
        1
    } else {
        0
    };
    (fields_len + blank).min(raw.len())
}

/// The line ending a header block uses, so that text we add (the blank line
/// after HEADER.FIELDS) matches the message.
pub(crate) fn line_ending(block: &[u8]) -> &'static [u8] {
    match block.iter().position(|&b| b == b'\n') {
        None => b"\r\n",
        Some(pos) if pos > 0 && block.get(pos - 1) == Some(&b'\r') => b"\r\n",
        Some(_) => b"\n",
    }
}
