//! The password field of a passwd-file line: which scheme it uses and
//! whether a candidate password matches. The stored hash never leaves this
//! module except as an opaque cache-key input, and `Debug` shows only the
//! scheme.

use std::fmt;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::shacrypt::{ShaCryptHash, Variant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    Plain,
    Sha256Crypt,
    Sha512Crypt,
    BlfCrypt,
    Argon2id,
    Argon2i,
}

impl Scheme {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Scheme::Plain => "PLAIN",
            Scheme::Sha256Crypt => "SHA256-CRYPT",
            Scheme::Sha512Crypt => "SHA512-CRYPT",
            Scheme::BlfCrypt => "BLF-CRYPT",
            Scheme::Argon2id => "ARGON2ID",
            Scheme::Argon2i => "ARGON2I",
        }
    }
}

/// Why an entry can never log in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Unusable {
    /// Empty or absent password field (a userdb-only line).
    Missing,
    /// A scheme we do not implement; holds the scheme's name, never the hash.
    UnknownScheme(String),
    /// The scheme is known but the hash is not in its format.
    BadHash(Scheme),
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::Missing => f.write_str("no password"),
            Unusable::UnknownScheme(name) => write!(f, "unsupported password scheme {name}"),
            Unusable::BadHash(s) => write!(f, "malformed {} hash", s.name()),
        }
    }
}

#[derive(Clone)]
enum Checker {
    Plain(Vec<u8>),
    ShaCrypt(ShaCryptHash),
    /// Validated at parse time; the bcrypt crate re-parses on each check.
    Bcrypt(String),
    /// Validated at parse time; `PasswordHash` borrows, so it is re-parsed.
    Argon2(String),
}

/// A parsed password field.
#[derive(Clone)]
pub(crate) struct StoredPassword {
    /// The field exactly as written, used to key the verification cache so
    /// that a changed hash never matches an entry cached for the old one.
    raw: String,
    checker: Result<(Scheme, Checker), Unusable>,
}

impl fmt::Debug for StoredPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.checker {
            Ok((scheme, _)) => write!(f, "StoredPassword({})", scheme.name()),
            Err(why) => write!(f, "StoredPassword(<{why}>)"),
        }
    }
}

impl StoredPassword {
    /// Parses a passwd-file password field the way Dovecot does: `{SCHEME}hash`,
    /// libpam-pwdfile's `hash[NN]`, or a bare hash meaning CRYPT.
    pub(crate) fn parse(field: &str) -> StoredPassword {
        StoredPassword {
            raw: field.to_owned(),
            checker: parse_field(field),
        }
    }

    pub(crate) fn raw(&self) -> &str {
        &self.raw
    }

    pub(crate) fn scheme(&self) -> Result<Scheme, &Unusable> {
        self.checker.as_ref().map(|(s, _)| *s)
    }

    /// Checks `password` against the stored hash. An unusable entry never
    /// matches. This may take tens of milliseconds.
    pub(crate) fn matches(&self, password: &[u8]) -> bool {
        let Ok((scheme, checker)) = &self.checker else {
            return false;
        };
        match checker {
            Checker::Plain(stored) => {
                // Comparing digests rather than the bytes keeps the length of
                // the stored password out of the timing as well.
                Sha256::digest(stored)
                    .ct_eq(&Sha256::digest(password))
                    .into()
            }
            Checker::ShaCrypt(h) => h.matches(password),
            Checker::Bcrypt(h) => match bcrypt::verify(password, h) {
                Ok(ok) => ok,
                Err(_) => {
                    // The error's text can quote the hash, so it is not logged.
                    tracing::warn!(scheme = scheme.name(), "password check failed");
                    false
                }
            },
            Checker::Argon2(h) => match PasswordHash::new(h) {
                Ok(parsed) => Argon2::default().verify_password(password, &parsed).is_ok(),
                Err(_) => false,
            },
        }
    }
}

fn parse_field(field: &str) -> Result<(Scheme, Checker), Unusable> {
    if field.is_empty() {
        return Err(Unusable::Missing);
    }
    if let Some((name, hash)) = field.strip_prefix('{').and_then(|r| r.split_once('}')) {
        return with_scheme(name, hash);
    }
    if let Some((hash, kind)) = pam_pwdfile_suffix(field) {
        return match kind {
            // libpam-pwdfile's 34 is Dovecot's PLAIN-MD5, which we lack.
            "34" => Err(Unusable::UnknownScheme("PLAIN-MD5".to_owned())),
            _ => detect_crypt(hash),
        };
    }
    detect_crypt(field)
}

/// `hash[13]` / `hash[34]`, as Dovecot recognises them.
fn pam_pwdfile_suffix(field: &str) -> Option<(&str, &str)> {
    if field.starts_with('$') || field.len() <= 4 {
        return None;
    }
    let body = field.strip_suffix(']')?;
    let (hash, kind) = body.split_at_checked(body.len().checked_sub(3)?)?;
    let kind = kind.strip_prefix('[')?;
    kind.bytes()
        .all(|b| b.is_ascii_digit())
        .then_some((hash, kind))
}

fn with_scheme(name: &str, hash: &str) -> Result<(Scheme, Checker), Unusable> {
    let scheme = match name.to_ascii_uppercase().as_str() {
        "PLAIN" | "CLEAR" | "CLEARTEXT" => {
            return Ok((Scheme::Plain, Checker::Plain(hash.as_bytes().to_vec())));
        }
        "CRYPT" => return detect_crypt(hash),
        "SHA256-CRYPT" => Scheme::Sha256Crypt,
        "SHA512-CRYPT" => Scheme::Sha512Crypt,
        "BLF-CRYPT" => Scheme::BlfCrypt,
        "ARGON2ID" => Scheme::Argon2id,
        "ARGON2I" => Scheme::Argon2i,
        _ => return Err(Unusable::UnknownScheme(name.to_ascii_uppercase())),
    };
    match crypt_scheme(hash) {
        Some(found) if found == scheme => checker(scheme, hash),
        _ => Err(Unusable::BadHash(scheme)),
    }
}

/// CRYPT: the scheme is whatever the `$id$` prefix says. DES and MD5-crypt
/// are too weak to be worth supporting and are reported as unknown.
fn detect_crypt(hash: &str) -> Result<(Scheme, Checker), Unusable> {
    match crypt_scheme(hash) {
        Some(scheme) => checker(scheme, hash),
        None => Err(Unusable::UnknownScheme("CRYPT".to_owned())),
    }
}

fn crypt_scheme(hash: &str) -> Option<Scheme> {
    // `$2x$` is deliberately absent: it marks hashes made by a buggy
    // implementation that the bcrypt crate does not reproduce.
    const PREFIXES: [(&str, Scheme); 7] = [
        ("$5$", Scheme::Sha256Crypt),
        ("$6$", Scheme::Sha512Crypt),
        ("$2a$", Scheme::BlfCrypt),
        ("$2b$", Scheme::BlfCrypt),
        ("$2y$", Scheme::BlfCrypt),
        ("$argon2id$", Scheme::Argon2id),
        ("$argon2i$", Scheme::Argon2i),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| hash.starts_with(p))
        .map(|(_, s)| *s)
}

fn checker(scheme: Scheme, hash: &str) -> Result<(Scheme, Checker), Unusable> {
    let checker = match scheme {
        Scheme::Plain => Some(Checker::Plain(hash.as_bytes().to_vec())),
        Scheme::Sha256Crypt => ShaCryptHash::parse(Variant::Sha256, hash).map(Checker::ShaCrypt),
        Scheme::Sha512Crypt => ShaCryptHash::parse(Variant::Sha512, hash).map(Checker::ShaCrypt),
        Scheme::BlfCrypt => valid_bcrypt(hash).then(|| Checker::Bcrypt(hash.to_owned())),
        Scheme::Argon2id | Scheme::Argon2i => {
            valid_argon2(hash).then(|| Checker::Argon2(hash.to_owned()))
        }
    };
    checker
        .map(|c| (scheme, c))
        .ok_or(Unusable::BadHash(scheme))
}

/// `$2y$NN$` followed by 22 salt and 31 digest characters, cost 4..=31.
fn valid_bcrypt(hash: &str) -> bool {
    let mut parts = hash.split('$').skip(2);
    let (Some(cost), Some(body), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let cost_ok = cost.len() == 2 && matches!(cost.parse::<u32>(), Ok(4..=31));
    cost_ok
        && body.len() == 53
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
}

fn valid_argon2(hash: &str) -> bool {
    PasswordHash::new(hash)
        .ok()
        .is_some_and(|h| argon2::Params::try_from(&h).is_ok() && h.hash.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_names_are_case_insensitive() {
        for field in ["{PLAIN}pw", "{plain}pw", "{Clear}pw", "{CLEARTEXT}pw"] {
            let p = StoredPassword::parse(field);
            assert_eq!(p.scheme(), Ok(Scheme::Plain), "{field}");
            assert!(p.matches(b"pw"));
            assert!(!p.matches(b"pw2"));
        }
    }

    #[test]
    fn unknown_and_mismatched_schemes_are_unusable() {
        let cases = [
            (
                "{MD5-CRYPT}$1$abc$def",
                Unusable::UnknownScheme("MD5-CRYPT".into()),
            ),
            (
                "{plain.b64}cHc=",
                Unusable::UnknownScheme("PLAIN.B64".into()),
            ),
            ("$1$saltsalt$hash", Unusable::UnknownScheme("CRYPT".into())),
            ("abDES0123456", Unusable::UnknownScheme("CRYPT".into())),
            ("pass[34]", Unusable::UnknownScheme("PLAIN-MD5".into())),
            (
                "{SHA512-CRYPT}$5$salt$x",
                Unusable::BadHash(Scheme::Sha512Crypt),
            ),
            (
                "{BLF-CRYPT}$2y$05$tooshort",
                Unusable::BadHash(Scheme::BlfCrypt),
            ),
            (
                "{ARGON2ID}$argon2id$garbage",
                Unusable::BadHash(Scheme::Argon2id),
            ),
            ("", Unusable::Missing),
        ];
        for (field, want) in cases {
            let p = StoredPassword::parse(field);
            assert_eq!(p.scheme(), Err(&want), "{field}");
            assert!(!p.matches(b""));
        }
    }

    #[test]
    fn debug_never_shows_the_hash() {
        let p = StoredPassword::parse("{PLAIN}hunter2");
        let shown = format!("{p:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("PLAIN"), "{shown}");
    }

    #[test]
    fn pam_suffix_is_crypt() {
        let field = "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA";
        // A leading '$' disables the suffix rule, as in Dovecot.
        assert_eq!(pam_pwdfile_suffix(&format!("{field}[13]")), None);
        assert_eq!(pam_pwdfile_suffix("abcdefgh[13]"), Some(("abcdefgh", "13")));
        assert_eq!(pam_pwdfile_suffix("[13]"), None);
    }
}
