//! The CHARSET of SEARCH, SORT and THREAD. Search strings reach the session
//! already as UTF-8 text, so the only charsets that can be honoured without
//! converting the client's bytes are UTF-8 and its subset US-ASCII (RFC 9051
//! §6.4.4 requires both). Anything else is refused, never guessed at.

use crate::errors::Refusal;

/// What `NO [BADCHARSET (...)]` lists, in that order.
pub(crate) const SUPPORTED: [&str; 2] = ["UTF-8", "US-ASCII"];

/// `Ok` for no charset or a supported one (names are case-insensitive).
pub(crate) fn check(charset: Option<&str>) -> Result<(), Refusal> {
    match charset {
        None => Ok(()),
        Some(name) if SUPPORTED.iter().any(|s| s.eq_ignore_ascii_case(name)) => Ok(()),
        Some(_) => Err(Refusal::BadCharset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_utf8_and_ascii() {
        assert!(check(None).is_ok());
        assert!(check(Some("utf-8")).is_ok());
        assert!(check(Some("US-ASCII")).is_ok());
        assert!(matches!(
            check(Some("ISO-8859-1")),
            Err(Refusal::BadCharset)
        ));
    }
}
