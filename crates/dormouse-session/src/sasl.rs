//! Decoding a SASL PLAIN exchange (RFC 4616) from the base64 the client
//! sent (RFC 9051 §6.2.2). Pure functions over bytes; nothing here knows
//! about users or the session.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use dormouse_proto::Secret;

use crate::errors::ClientError;

/// A client response: `=` is the empty response (RFC 4959 §3, for the
/// initial response; accepted on a continuation line too), anything else
/// must be padded base64 (RFC 9051 §6.2.2 rejects stray `=`).
pub(crate) fn decode(encoded: &[u8]) -> Result<Secret, ClientError> {
    if encoded == b"=" {
        return Ok(Secret(Vec::new()));
    }
    STANDARD
        .decode(encoded)
        .map(Secret)
        .map_err(|_| ClientError::InvalidBase64)
}

/// `[authzid] NUL authcid NUL passwd`, borrowed from the decoded message.
pub(crate) struct Plain<'a> {
    /// `None` when empty: act as `authcid`.
    pub(crate) authzid: Option<&'a str>,
    pub(crate) authcid: &'a str,
    pub(crate) password: &'a [u8],
}

impl<'a> Plain<'a> {
    /// RFC 4616 §2: exactly two NULs, a non-empty UTF-8 authcid, a UTF-8
    /// authzid. The password is left to the authenticator, which rejects an
    /// empty one as it does for LOGIN.
    pub(crate) fn parse(message: &'a [u8]) -> Result<Plain<'a>, ClientError> {
        let mut fields = message.split(|&b| b == 0);
        let (Some(authzid), Some(authcid), Some(password), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(ClientError::MalformedPlain);
        };
        let authzid = std::str::from_utf8(authzid).map_err(|_| ClientError::MalformedPlain)?;
        let authcid = std::str::from_utf8(authcid).map_err(|_| ClientError::MalformedPlain)?;
        if authcid.is_empty() {
            return Err(ClientError::MalformedPlain);
        }
        Ok(Plain {
            authzid: Some(authzid).filter(|z| !z.is_empty()),
            authcid,
            password,
        })
    }
}
