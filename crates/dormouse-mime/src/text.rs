//! Decoded text for SEARCH: header values with RFC 2047 encoded-words and
//! charsets decoded, the text of text/* parts (transfer encoding and
//! charset decoded, HTML reduced to its text), and the case-insensitive
//! substring match RFC 9051 §6.4.4 asks for.

use mail_parser::decoders::html::html_to_text;
use mail_parser::parsers::MessageStream;
use mail_parser::{HeaderValue, PartType};

use crate::header;
use crate::tree::{Content, Part};

/// A header value (raw, possibly folded) with encoded-words decoded and
/// whitespace runs collapsed. Bytes that are not UTF-8 become U+FFFD.
pub(crate) fn decode_header_value(value: &[u8]) -> String {
    let mut line = header::unfold(value);
    // mail-parser's field parser stops at the line end and wants one.
    line.push(b'\n');
    match MessageStream::new(&line).parse_unstructured() {
        HeaderValue::Text(text) => text.into_owned(),
        _ => String::new(),
    }
}

/// The decoded text of every text/* part, depth first, nested messages
/// included. HTML parts are reduced to their text so that a search does not
/// match markup.
pub(crate) fn body_text(root: Part<'_, '_>) -> String {
    let mut out = String::new();
    // An explicit stack: the part tree can be deep.
    let mut stack = vec![root];
    while let Some(part) = stack.pop() {
        match part.content() {
            Content::Multi(ids) => {
                stack.extend(ids.iter().rev().filter_map(|&id| part.child(id)));
            }
            Content::Message(inner) => stack.push(inner),
            Content::Leaf => {
                let text = match part.node().map(|n| &n.body) {
                    Some(PartType::Text(t)) => t.to_string(),
                    Some(PartType::Html(h)) => html_to_text(h),
                    _ => continue,
                };
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&text);
            }
        }
    }
    out
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
