//! Decoded text for SEARCH: header values with RFC 2047 encoded-words and
//! charsets decoded, the text of text/* parts (transfer encoding and
//! charset decoded, HTML reduced to its text), and the case-insensitive
//! substring match RFC 9051 §6.4.4 asks for.

use mail_parser::HeaderValue;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::html::html_to_text;
use mail_parser::parsers::MessageStream;

use crate::mime_fields::{self, ContentType, DefaultType};
use crate::tree::{Content, Part};
use crate::{binary, header};

/// A header value (raw, possibly folded) with encoded-words decoded and
/// whitespace runs collapsed. Bytes that are not UTF-8 become U+FFFD.
pub(crate) fn decode_header_value(value: &[u8]) -> String {
    let mut line = header::unfold(value);
    // mail-parser's field parser stops at the line end and wants one.
    line.push(b'\n');
    match MessageStream::new(&line).parse_unstructured() {
        HeaderValue::Text(text) => text.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => String::new(),
    }
}

/// The decoded text of every text/* part, depth first, nested messages
/// included: transfer encoding removed, then the charset converted (unknown
/// charsets and undecodable bodies are read as UTF-8, lossily). HTML parts
/// are reduced to their text so that a search does not match markup.
pub(crate) fn body_text(root: Part<'_, '_>) -> String {
    let mut out = String::new();
    // An explicit stack: the part tree can be deep.
    let mut stack = vec![(root, DefaultType::TextPlain)];
    while let Some((part, default)) = stack.pop() {
        let ct = mime_fields::content_type(&part, default);
        match part.content() {
            Content::Multi(ids) => {
                let child_default = mime_fields::child_default(&ct);
                stack.extend(
                    ids.iter()
                        .rev()
                        .filter_map(|&id| part.child(id))
                        .map(|c| (c, child_default)),
                );
            }
            Content::Message(inner) => stack.push((inner, DefaultType::TextPlain)),
            Content::Leaf if ct.ty == "text" => {
                let text = part_text(part, &ct);
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&text);
            }
            Content::Leaf => {}
        }
    }
    out
}

fn part_text(part: Part<'_, '_>, ct: &ContentType) -> String {
    let bytes = binary::decode_part(part).unwrap_or_else(|_| part.body_bytes().to_vec());
    let text = match ct
        .param("charset")
        .and_then(|c| charset_decoder(c.as_bytes()))
    {
        Some(decode) => decode(&bytes),
        None => String::from_utf8_lossy(&bytes).into_owned(),
    };
    if ct.subtype.as_deref() == Some("html") {
        html_to_text(&text)
    } else {
        text
    }
}

/// Case-insensitive substring match on Unicode text (RFC 9051 §6.4.4).
/// Both sides are folded with `char::to_lowercase`, which maps every case
/// variant of a letter to one form (full case folding, e.g. `ß` vs `SS`, is
/// not done). An empty needle matches everything.
pub fn contains_ci(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let fold = |s: &str| -> String { s.chars().flat_map(char::to_lowercase).collect() };
    fold(haystack).contains(&fold(needle))
}
