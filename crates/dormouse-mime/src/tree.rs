//! Navigation over mail-parser's output as IMAP sees a message: a tree of
//! parts, each with a header range and a body range in some buffer. It does
//! not parse anything itself; it only walks what mail-parser built.

use mail_parser::{MessagePart, PartType};

use crate::header;

/// How deep the part tree is followed. Deeper parts are shown as opaque
/// leaves. 100 is Dovecot's `max_nested_mime_parts`; it bounds recursion
/// here and in the response encoder, whatever the message contains.
pub(crate) const MAX_DEPTH: u32 = 100;

/// One part of a parsed message: a node of mail-parser's part list, plus the
/// buffer its offsets point into (the raw message, or the decoded body of an
/// encoded message/rfc822 part) and how deep it sits.
#[derive(Clone, Copy)]
pub(crate) struct Part<'m, 'a> {
    msg: &'m mail_parser::Message<'a>,
    idx: usize,
    depth: u32,
}

/// What a part contains, as far as the IMAP part tree goes.
pub(crate) enum Content<'m, 'a> {
    /// A multipart with at least zero children (mail-parser ids).
    Multi(&'m [u32]),
    /// An encapsulated message that mail-parser parsed: its root part.
    Message(Part<'m, 'a>),
    /// Everything else, including parts below [`MAX_DEPTH`].
    Leaf,
}

impl<'m, 'a> Part<'m, 'a> {
    /// The root part of a parsed message (or of an encapsulated one).
    pub(crate) fn root(msg: &'m mail_parser::Message<'a>, depth: u32) -> Option<Part<'m, 'a>> {
        msg.parts.first().map(|_| Part { msg, idx: 0, depth })
    }

    pub(crate) fn node(&self) -> Option<&'m MessagePart<'a>> {
        self.msg.parts.get(self.idx)
    }

    fn buffer(&self) -> &'m [u8] {
        self.msg.raw_message.as_ref()
    }

    /// The header block including the blank line that ends it.
    pub(crate) fn header_bytes(&self) -> &'m [u8] {
        self.node().map_or(&[][..], |n| {
            slice(self.buffer(), n.offset_header, n.offset_body)
        })
    }

    /// The body in its transfer encoding.
    pub(crate) fn body_bytes(&self) -> &'m [u8] {
        self.node().map_or(&[][..], |n| {
            slice(self.buffer(), n.offset_body, n.offset_end)
        })
    }

    pub(crate) fn headers(&self) -> &'m [mail_parser::Header<'a>] {
        self.node().map_or(&[][..], |n| n.headers.as_slice())
    }

    pub(crate) fn content(&self) -> Content<'m, 'a> {
        if self.depth >= MAX_DEPTH {
            return Content::Leaf;
        }
        match self.node().map(|n| &n.body) {
            Some(PartType::Multipart(ids)) => Content::Multi(ids),
            // An encoded message/rfc822 (not allowed by RFC 2046 §5.2.1, but
            // seen) is parsed by mail-parser as if it were not encoded: see
            // `Message::parse`. Its structure is meaningless, so it stays
            // opaque.
            Some(PartType::Message(_)) if self.is_transfer_encoded() => Content::Leaf,
            Some(PartType::Message(inner)) => match Part::root(inner, self.depth + 1) {
                Some(root) => Content::Message(root),
                None => Content::Leaf,
            },
            _ => Content::Leaf,
        }
    }

    /// Whether the body is base64 or quoted-printable.
    pub(crate) fn is_transfer_encoded(&self) -> bool {
        header::last_value(self.header_bytes(), "Content-Transfer-Encoding").is_some_and(|v| {
            let v = header::trim(v);
            v.eq_ignore_ascii_case(b"base64") || v.eq_ignore_ascii_case(b"quoted-printable")
        })
    }

    /// Whether this part sits below the depth cap and so lost its structure.
    pub(crate) fn is_truncated(&self) -> bool {
        self.depth >= MAX_DEPTH
    }

    /// The children of a multipart, by mail-parser id.
    pub(crate) fn child(&self, id: u32) -> Option<Part<'m, 'a>> {
        let idx = usize::try_from(id).ok()?;
        self.msg.parts.get(idx).map(|_| Part {
            msg: self.msg,
            idx,
            depth: self.depth + 1,
        })
    }

    /// Child `n` (1-based) of a multipart; `None` for anything else.
    pub(crate) fn numbered_child(&self, n: u32) -> Option<Part<'m, 'a>> {
        let Content::Multi(ids) = self.content() else {
            return None;
        };
        let pos = usize::try_from(n.checked_sub(1)?).ok()?;
        self.child(*ids.get(pos)?)
    }
}

/// `buf[start..end]`, clamped so that bad offsets give a short slice, never
/// a panic.
fn slice(buf: &[u8], start: u32, end: u32) -> &[u8] {
    let len = buf.len();
    let start = usize::try_from(start).unwrap_or(len).min(len);
    let end = usize::try_from(end).unwrap_or(len).clamp(start, len);
    buf.get(start..end).unwrap_or_default()
}
