//! BODY and BODYSTRUCTURE (RFC 9051 §7.5.2) of a part tree. Type names are
//! upper-cased as in the RFC examples (`"TEXT" "PLAIN"`); defaults follow
//! RFC 2045 and Dovecot: text/plain, `("CHARSET" "US-ASCII")` for any text
//! part without a charset, `7BIT`. Sizes are octets of the body as stored
//! (transfer-encoded); line counts are the number of LFs, as Dovecot counts.

use dormouse_proto::{
    BodyStructure, Envelope, MultiPartExtension, SinglePart, SinglePartExtension, SinglePartKind,
};

use crate::envelope;
use crate::mime_fields::{self, ContentType, DefaultType};
use crate::tree::{Content, Part};

/// BODYSTRUCTURE (with extension data) or BODY (without).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Extensible {
    /// `BODYSTRUCTURE`
    Yes,
    /// `BODY`
    No,
}

pub(crate) fn of_part(part: Part<'_, '_>, default: DefaultType, ext: Extensible) -> BodyStructure {
    let ct = mime_fields::content_type(&part, default);
    match part.content() {
        Content::Multi(ids) => {
            let child_default = mime_fields::child_default(&ct);
            let mut parts: Vec<BodyStructure> = ids
                .iter()
                .filter_map(|&id| part.child(id))
                .map(|child| of_part(child, child_default, ext))
                .collect();
            if parts.is_empty() {
                // The grammar needs at least one part; Dovecot writes an
                // empty text/plain one.
                parts.push(empty_text(ext));
            }
            let extension = (ext == Extensible::Yes).then(|| MultiPartExtension {
                params: params(&ct.params),
                disposition: disposition(&part),
                language: mime_fields::languages(&part),
                location: mime_fields::raw(&part, "Content-Location"),
            });
            BodyStructure::Multi {
                parts,
                subtype: ct
                    .subtype
                    .as_deref()
                    .unwrap_or("x-unknown")
                    .to_ascii_uppercase(),
                extension,
            }
        }
        content => single(part, ct, content, ext),
    }
}

fn single(
    part: Part<'_, '_>,
    mut ct: ContentType,
    content: Content<'_, '_>,
    ext: Extensible,
) -> BodyStructure {
    let body = part.body_bytes();
    let lines = count_lines(body);
    if part.is_truncated() && (ct.ty == "multipart" || ct.is_message()) {
        // Below the depth cap the structure is not followed; a multipart or
        // message type here would make clients expect one.
        ct = ContentType {
            ty: "application".into(),
            subtype: Some("octet-stream".into()),
            params: Vec::new(),
        };
    }
    let kind = if ct.is_message() {
        let (envelope, body) = match content {
            Content::Message(root) => (
                envelope::from_header(root.header_bytes()),
                of_part(root, DefaultType::TextPlain, ext),
            ),
            // mail-parser could not parse it (or the nesting cap hit):
            // still the form message/rfc822 requires.
            _ => (Envelope::default(), empty_text(ext)),
        };
        SinglePartKind::Message {
            envelope: Box::new(envelope),
            body: Box::new(body),
            lines,
        }
    } else if ct.ty == "text" {
        if ct.param("charset").is_none() {
            ct.params.push(("charset".into(), "us-ascii".into()));
        }
        SinglePartKind::Text { lines }
    } else {
        SinglePartKind::Basic
    };
    let subtype = ct
        .subtype
        .clone()
        .unwrap_or_else(|| if ct.ty == "text" { "plain" } else { "unknown" }.to_string());
    let extension = (ext == Extensible::Yes).then(|| SinglePartExtension {
        md5: mime_fields::raw(&part, "Content-MD5"),
        disposition: disposition(&part),
        language: mime_fields::languages(&part),
        location: mime_fields::raw(&part, "Content-Location"),
    });
    BodyStructure::Single {
        body: SinglePart {
            media_type: ct.ty.to_ascii_uppercase(),
            subtype: subtype.to_ascii_uppercase(),
            params: params(&ct.params),
            id: mime_fields::raw(&part, "Content-ID"),
            description: mime_fields::raw(&part, "Content-Description"),
            encoding: mime_fields::transfer_encoding(&part)
                .unwrap_or_else(|| "7bit".into())
                .to_ascii_uppercase(),
            size: u32::try_from(body.len()).unwrap_or(u32::MAX),
            kind,
        },
        extension,
    }
}

/// `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)`, for a
/// multipart without parts and a message/rfc822 that could not be parsed.
fn empty_text(ext: Extensible) -> BodyStructure {
    plain_text(&[], ext)
}

/// A default text/plain part holding `body`.
pub(crate) fn plain_text(body: &[u8], ext: Extensible) -> BodyStructure {
    BodyStructure::Single {
        body: SinglePart {
            media_type: "TEXT".into(),
            subtype: "PLAIN".into(),
            params: vec![("CHARSET".into(), "US-ASCII".into())],
            id: None,
            description: None,
            encoding: "7BIT".into(),
            size: u32::try_from(body.len()).unwrap_or(u32::MAX),
            kind: SinglePartKind::Text {
                lines: count_lines(body),
            },
        },
        extension: (ext == Extensible::Yes).then(SinglePartExtension::default),
    }
}

fn disposition(part: &Part<'_, '_>) -> Option<(String, Vec<(String, String)>)> {
    mime_fields::disposition(part).map(|(kind, p)| (kind.to_ascii_uppercase(), params(&p)))
}

/// Parameter names upper-cased. mail-parser has already joined RFC 2231
/// continuations and decoded values; a value that is not ASCII is encoded
/// again as an RFC 2231 extended value (`name*=utf-8''…`), so that the
/// structure stays ASCII and clients decode it as they would the original.
fn params(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(name, value)| {
            let name = name.to_ascii_uppercase();
            if value.is_ascii() {
                let value = if name == "CHARSET" && value.eq_ignore_ascii_case("us-ascii") {
                    "US-ASCII".to_string()
                } else {
                    value.clone()
                };
                (name, value)
            } else {
                (format!("{name}*"), rfc2231_encode(value))
            }
        })
        .collect()
}

fn rfc2231_encode(value: &str) -> String {
    let mut out = String::from("utf-8''");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Lines as Dovecot counts them: the number of LFs.
pub(crate) fn count_lines(body: &[u8]) -> u32 {
    let n = body.iter().filter(|&&b| b == b'\n').count();
    u32::try_from(n).unwrap_or(u32::MAX)
}
