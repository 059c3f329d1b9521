//! Username validation. Names reach Maildir paths through `%u`, so anything
//! that could escape a directory or confuse the passwd-file format is refused.
//! Case is not folded here: matching is exact, as with Dovecot's `%u`.

/// Longest accepted name in bytes; a Maildir path component must fit in
/// NAME_MAX (255 on Linux).
pub const MAX_USERNAME_LEN: usize = 255;

/// Why a name was refused. The name itself is never echoed: errors may be
/// logged, and names are not logged at info level or above.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("empty")]
    Empty,
    #[error("longer than {MAX_USERNAME_LEN} bytes")]
    TooLong,
    #[error("contains ':', '/', whitespace or a control character")]
    ForbiddenChar,
    #[error("starts with '.'")]
    LeadingDot,
    #[error("contains '..'")]
    DotDot,
}

pub fn validate_username(name: &str) -> Result<(), crate::AuthError> {
    check(name).map_err(crate::AuthError::from)
}

pub(crate) fn check(name: &str) -> Result<(), UsernameError> {
    if name.is_empty() {
        return Err(UsernameError::Empty);
    }
    if name.len() > MAX_USERNAME_LEN {
        return Err(UsernameError::TooLong);
    }
    if name
        .chars()
        .any(|c| c == ':' || c == '/' || c.is_whitespace() || c.is_control())
    {
        return Err(UsernameError::ForbiddenChar);
    }
    if name.starts_with('.') {
        return Err(UsernameError::LeadingDot);
    }
    if name.contains("..") {
        return Err(UsernameError::DotDot);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for name in ["alice", "bob@example.org", "a.b-c_d+e", "ünïcødé", "x"] {
            assert_eq!(check(name), Ok(()), "{name}");
        }
        assert_eq!(check(&"a".repeat(MAX_USERNAME_LEN)), Ok(()));
    }

    #[test]
    fn refuses_dangerous_names() {
        let cases = [
            ("", UsernameError::Empty),
            ("a:b", UsernameError::ForbiddenChar),
            ("a/b", UsernameError::ForbiddenChar),
            ("a\0b", UsernameError::ForbiddenChar),
            ("a\nb", UsernameError::ForbiddenChar),
            ("a\x7fb", UsernameError::ForbiddenChar),
            ("a b", UsernameError::ForbiddenChar),
            ("a\tb", UsernameError::ForbiddenChar),
            ("a\u{00a0}b", UsernameError::ForbiddenChar),
            (".hidden", UsernameError::LeadingDot),
            (".", UsernameError::LeadingDot),
            ("..", UsernameError::LeadingDot),
            ("a..b", UsernameError::DotDot),
        ];
        for (name, want) in cases {
            assert_eq!(check(name), Err(want), "{name:?}");
        }
        assert_eq!(
            check(&"a".repeat(MAX_USERNAME_LEN + 1)),
            Err(UsernameError::TooLong)
        );
    }
}
