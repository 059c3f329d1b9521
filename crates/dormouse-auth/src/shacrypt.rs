//! SHA256-CRYPT (`$5$`) and SHA512-CRYPT (`$6$`) hash strings: parsing the
//! modular crypt format and checking a password against it. Parsing is done
//! here rather than by sha-crypt's `*_check` helpers because those take the
//! password as `&str`, and IMAP passwords are arbitrary bytes.

use sha_crypt::{ROUNDS_DEFAULT, ROUNDS_MAX, ROUNDS_MIN, Sha256Params, Sha512Params};
use subtle::ConstantTimeEq;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Variant {
    Sha256,
    Sha512,
}

impl Variant {
    fn prefix(self) -> &'static str {
        match self {
            Variant::Sha256 => "$5$",
            Variant::Sha512 => "$6$",
        }
    }

    /// Length of the encoded digest: 32 or 64 bytes in crypt's base64.
    fn encoded_len(self) -> usize {
        match self {
            Variant::Sha256 => 43,
            Variant::Sha512 => 86,
        }
    }
}

#[derive(Clone)]
pub(crate) struct ShaCryptHash {
    variant: Variant,
    rounds: usize,
    salt: String,
    digest: String,
}

impl ShaCryptHash {
    /// Parses `$5$[rounds=N$]salt$digest`. Returns `None` for anything that
    /// is not exactly that shape.
    pub(crate) fn parse(variant: Variant, s: &str) -> Option<ShaCryptHash> {
        let rest = s.strip_prefix(variant.prefix())?;
        let mut parts = rest.split('$');
        let mut field = parts.next()?;
        let rounds = match field.strip_prefix("rounds=") {
            Some(n) => {
                field = parts.next()?;
                parse_rounds(n)?
            }
            None => ROUNDS_DEFAULT,
        };
        let salt = field;
        let digest = parts.next()?;
        if parts.next().is_some()
            || digest.len() != variant.encoded_len()
            || !digest.bytes().all(is_crypt_b64)
        {
            return None;
        }
        Some(ShaCryptHash {
            variant,
            rounds,
            salt: salt.to_owned(),
            digest: digest.to_owned(),
        })
    }

    pub(crate) fn matches(&self, password: &[u8]) -> bool {
        let computed = match self.variant {
            Variant::Sha256 => Sha256Params::new(self.rounds)
                .and_then(|p| sha_crypt::sha256_crypt_b64(password, self.salt.as_bytes(), &p)),
            Variant::Sha512 => Sha512Params::new(self.rounds)
                .and_then(|p| sha_crypt::sha512_crypt_b64(password, self.salt.as_bytes(), &p)),
        };
        match computed {
            Ok(c) => c.as_bytes().ct_eq(self.digest.as_bytes()).into(),
            Err(_) => false,
        }
    }
}

/// glibc clamps an out-of-range `rounds=` into [1000, 999999999] rather than
/// failing, so a hash it produced that way must verify here too.
fn parse_rounds(n: &str) -> Option<usize> {
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rounds = n.parse::<usize>().unwrap_or(ROUNDS_MAX);
    Some(rounds.clamp(ROUNDS_MIN, ROUNDS_MAX))
}

fn is_crypt_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'/'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_optional_rounds() {
        let h = ShaCryptHash::parse(
            Variant::Sha256,
            "$5$rounds=10$saltstring$zY4WhW6dya5uGVNotd0y2Lk.E4rItnX94Q0R1OCQl40",
        );
        assert_eq!(h.map(|h| h.rounds), Some(ROUNDS_MIN));
        let h = ShaCryptHash::parse(
            Variant::Sha256,
            "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
        );
        assert_eq!(h.map(|h| h.rounds), Some(ROUNDS_DEFAULT));
    }

    #[test]
    fn rejects_malformed_strings() {
        for bad in [
            "$5$",
            "$5$salt",
            "$5$salt$short",
            "$5$rounds=x$salt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
            "$5$salt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA$extra",
            "$6$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
        ] {
            assert!(ShaCryptHash::parse(Variant::Sha256, bad).is_none(), "{bad}");
        }
    }
}
