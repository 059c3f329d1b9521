//! BINARY[part] (RFC 3516): a part's body with its content-transfer-encoding
//! removed. Charsets are left alone; that is the client's business.

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;

use crate::mime_fields;
use crate::section::Target;
use crate::tree::Part;

/// Why a BINARY fetch has no data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BinaryError {
    /// The part's Content-Transfer-Encoding is not one this server decodes;
    /// the server answers `NO [UNKNOWN-CTE]` (RFC 3516 §4.3).
    #[error("unknown content-transfer-encoding {0:?}")]
    UnknownEncoding(String),
    /// The body is not valid in its declared encoding (e.g. a broken
    /// quoted-printable escape). Dovecot answers NO here too.
    #[error("the part's {0} encoding is corrupt")]
    Corrupt(String),
    /// The part path names no part of this message.
    #[error("no such part")]
    NoSuchPart,
}

pub(crate) fn decode(target: Target<'_, '_>, raw: &[u8]) -> Result<Vec<u8>, BinaryError> {
    match target {
        // The message itself has no transfer encoding.
        Target::Message(_) => Ok(raw.to_vec()),
        Target::Part(part) => decode_part(part),
    }
}

pub(crate) fn decode_part(part: Part<'_, '_>) -> Result<Vec<u8>, BinaryError> {
    let body = part.body_bytes();
    let encoding = mime_fields::transfer_encoding(&part);
    match encoding.as_deref() {
        None | Some("7bit" | "8bit" | "binary") => Ok(body.to_vec()),
        Some("base64") => {
            // RFC 2045 §6.8: characters outside the alphabet are ignored.
            let cleaned: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                .collect();
            base64_decode(&cleaned).ok_or_else(|| BinaryError::Corrupt("base64".into()))
        }
        Some("quoted-printable") => quoted_printable_decode(body)
            .ok_or_else(|| BinaryError::Corrupt("quoted-printable".into())),
        Some(other) => Err(BinaryError::UnknownEncoding(other.to_string())),
    }
}
