//! BODY[section] contents (RFC 9051 §6.4.5): the whole message, its header
//! or a subset of header fields, its text, and the same for parts and for
//! the messages inside message/rfc822 parts. Bytes are copied as stored; no
//! decoding and no line-ending conversion.

use dormouse_proto::{Section, SectionText};

use crate::header;
use crate::tree::{Content, Part};

/// Something a section can be taken from: the top-level message, or a part
/// reached by a part path.
pub(crate) enum Target<'m, 'a> {
    Message(Part<'m, 'a>),
    Part(Part<'m, 'a>),
}

/// Follows a part path from the top-level message. Each number picks a
/// child of a multipart; a message/rfc822 part is entered first, so that
/// `2.1` is the first part of the message in part 2. For a non-multipart
/// body, `1` is the body itself.
pub(crate) fn resolve<'m, 'a>(root: Part<'m, 'a>, path: &[u32]) -> Option<Target<'m, 'a>> {
    let Some((&first, rest)) = path.split_first() else {
        return Some(Target::Message(root));
    };
    let mut part = enter_message(root, first)?;
    for &n in rest {
        part = match part.content() {
            Content::Multi(_) => part.numbered_child(n)?,
            Content::Message(inner) => enter_message(inner, n)?,
            Content::Leaf => return None,
        };
    }
    Some(Target::Part(part))
}

/// Part `n` of a message's body: a child when the body is multipart, the
/// body itself for `1` otherwise.
fn enter_message<'m, 'a>(root: Part<'m, 'a>, n: u32) -> Option<Part<'m, 'a>> {
    match root.content() {
        Content::Multi(_) => root.numbered_child(n),
        _ if n == 1 => Some(root),
        _ => None,
    }
}

pub(crate) fn contents(root: Part<'_, '_>, raw: &[u8], section: &Section) -> Option<Vec<u8>> {
    let path: Vec<u32> = section.part.iter().map(|n| n.get()).collect();
    let target = resolve(root, &path)?;
    match (&section.text, target) {
        (None, Target::Message(_)) => Some(raw.to_vec()),
        (None, Target::Part(part)) => Some(part.body_bytes().to_vec()),
        (Some(SectionText::Mime), Target::Part(part)) => Some(part.header_bytes().to_vec()),
        (Some(SectionText::Mime), Target::Message(_)) => None,
        (Some(text), Target::Message(msg)) => {
            Some(message_text(msg.header_bytes(), msg.body_bytes(), text))
        }
        (Some(text), Target::Part(part)) => {
            // HEADER / TEXT after a part number need a message/rfc822 part.
            match part.content() {
                Content::Message(inner) => {
                    Some(message_text(inner.header_bytes(), inner.body_bytes(), text))
                }
                _ => None,
            }
        }
    }
}

/// Sections of input that mail-parser did not structure: a header up to
/// the first blank line and a single text body.
pub(crate) fn flat(raw: &[u8], section: &Section) -> Option<Vec<u8>> {
    let (block, body) = raw.split_at(header::block_len(raw).min(raw.len()));
    match (section.part.as_slice(), &section.text) {
        ([], None) => Some(raw.to_vec()),
        ([], Some(SectionText::Mime)) => None,
        ([], Some(text)) => Some(message_text(block, body, text)),
        ([one], None) if one.get() == 1 => Some(body.to_vec()),
        ([one], Some(SectionText::Mime)) if one.get() == 1 => Some(block.to_vec()),
        _ => None,
    }
}

fn message_text(block: &[u8], body: &[u8], text: &SectionText) -> Vec<u8> {
    match text {
        SectionText::Header | SectionText::Mime => block.to_vec(),
        SectionText::Text => body.to_vec(),
        SectionText::HeaderFields(names) => filtered(block, |f| names.iter().any(|n| f.is(n))),
        SectionText::HeaderFieldsNot(names) => filtered(block, |f| !names.iter().any(|n| f.is(n))),
    }
}

/// The matching fields in message order, then the blank line that ends a
/// header (RFC 9051: the subset is itself a header block).
fn filtered(block: &[u8], keep: impl Fn(&header::Field<'_>) -> bool) -> Vec<u8> {
    let mut out = Vec::new();
    for field in header::fields(block).filter(|f| keep(f)) {
        out.extend_from_slice(field.raw);
        if !field.raw.ends_with(b"\n") {
            // The last field of a message with no body has no line end.
            out.extend_from_slice(header::line_ending(block));
        }
    }
    out.extend_from_slice(header::line_ending(block));
    out
}
