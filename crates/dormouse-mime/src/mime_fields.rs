//! The MIME header fields of one part as BODYSTRUCTURE shows them:
//! content type (as mail-parser understood it, so that the structure and the
//! reported type agree), transfer encoding, id, description, disposition,
//! language, location, MD5.

use mail_parser::{HeaderName, HeaderValue};

use crate::header;
use crate::tree::Part;

/// Whether a part without Content-Type defaults to message/rfc822 (inside
/// multipart/digest, RFC 2046 §5.1.5) or to text/plain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum DefaultType {
    TextPlain,
    MessageRfc822,
}

/// RFC 2046 §5.1.5: inside multipart/digest a part without Content-Type is
/// a message/rfc822.
pub(crate) fn child_default(parent: &ContentType) -> DefaultType {
    if parent.is("multipart", "digest") {
        DefaultType::MessageRfc822
    } else {
        DefaultType::TextPlain
    }
}

/// A parsed Content-Type: lower-case type and subtype, parameters with
/// lower-case names and decoded values.
pub(crate) struct ContentType {
    pub ty: String,
    pub subtype: Option<String>,
    pub params: Vec<(String, String)>,
}

impl ContentType {
    pub(crate) fn is(&self, ty: &str, subtype: &str) -> bool {
        self.ty == ty && self.subtype.as_deref() == Some(subtype)
    }

    pub(crate) fn is_message(&self) -> bool {
        self.is("message", "rfc822") || self.is("message", "global")
    }

    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The part's content type; the last Content-Type field counts, as in
/// mail-parser. A missing or unparseable one gives the default.
pub(crate) fn content_type(part: &Part<'_, '_>, default: DefaultType) -> ContentType {
    let last = part
        .headers()
        .iter()
        .rev()
        .find(|h| h.name == HeaderName::ContentType);
    match last.map(|h| &h.value) {
        Some(HeaderValue::ContentType(ct)) if !ct.c_type.trim().is_empty() => ContentType {
            ty: ct.c_type.to_ascii_lowercase(),
            subtype: ct
                .c_subtype
                .as_ref()
                .map(|s| s.to_ascii_lowercase())
                .filter(|s| !s.is_empty()),
            params: ct
                .attributes
                .iter()
                .flatten()
                .map(|a| (a.name.to_ascii_lowercase(), a.value.to_string()))
                .collect(),
        },
        _ => match default {
            DefaultType::TextPlain => ContentType {
                ty: "text".into(),
                subtype: Some("plain".into()),
                params: Vec::new(),
            },
            DefaultType::MessageRfc822 => ContentType {
                ty: "message".into(),
                subtype: Some("rfc822".into()),
                params: Vec::new(),
            },
        },
    }
}

/// The Content-Disposition type and parameters.
pub(crate) fn disposition(part: &Part<'_, '_>) -> Option<(String, Vec<(String, String)>)> {
    let last = part
        .headers()
        .iter()
        .rev()
        .find(|h| h.name == HeaderName::ContentDisposition)?;
    let HeaderValue::ContentType(cd) = &last.value else {
        return None;
    };
    let params = cd
        .attributes
        .iter()
        .flatten()
        .map(|a| (a.name.to_ascii_lowercase(), a.value.to_string()))
        .collect();
    Some((cd.c_type.to_string(), params))
}

/// The raw, unfolded value of a MIME field of this part.
pub(crate) fn raw(part: &Part<'_, '_>, name: &str) -> Option<Vec<u8>> {
    header::last_value(part.header_bytes(), name).map(header::unfold)
}

/// The transfer-encoding token, lower-case; `None` when absent or empty.
pub(crate) fn transfer_encoding(part: &Part<'_, '_>) -> Option<String> {
    let value = raw(part, "Content-Transfer-Encoding")?;
    let token: Vec<u8> = value
        .iter()
        .copied()
        .take_while(|b| !b.is_ascii_whitespace() && *b != b';' && *b != b'(')
        .collect();
    (!token.is_empty()).then(|| String::from_utf8_lossy(&token).to_ascii_lowercase())
}

/// Content-Language tags (RFC 3282), comma separated.
pub(crate) fn languages(part: &Part<'_, '_>) -> Vec<String> {
    raw(part, "Content-Language")
        .map(|v| {
            String::from_utf8_lossy(&v)
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}
