//! Hashing new passwords. Only Argon2id is produced; the other schemes are
//! accepted for existing entries but never written.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use rand::rngs::OsRng;

use crate::AuthError;

/// OWASP's Password Storage Cheat Sheet recommends Argon2id with at least
/// 19 MiB of memory, 2 iterations and 1 lane. That keeps one verification
/// in the tens of milliseconds on a server core while making a GPU guess
/// cost 19 MiB of memory, and the verification cache means a client pays
/// it only once per `cache_ttl`.
pub(crate) const ARGON2_MEMORY_KIB: u32 = 19_456;
pub(crate) const ARGON2_ITERATIONS: u32 = 2;
pub(crate) const ARGON2_LANES: u32 = 1;

/// Longest password accepted, in bytes. SHA-crypt's cost grows with the
/// password's length, so an unbounded one would let a client burn CPU; real
/// passwords, even generated ones, are far shorter.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// A hash of a random password nobody knows, with the same parameters as
/// [`hash_password`], verified against when a file has no usable hash to
/// borrow so that an unknown user costs about as much as a known one.
pub(crate) const DUMMY_HASH: &str = "{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$TPzeDK8oOMYJI3D8J3wtbA$jEM8xZTRSZSVPBGOTsJr0s4FfmnLAEIfDWbaU5inorU";

/// Hashes a new password as `{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$...`,
/// ready for the password field of a passwd-file line.
pub fn hash_password(password: &[u8]) -> Result<String, AuthError> {
    if password.is_empty() {
        return Err(AuthError::InvalidPassword("empty"));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(AuthError::InvalidPassword("longer than 1024 bytes"));
    }
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES, None)
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut salt = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut salt)
        .map_err(|e| AuthError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    let hash = argon2
        .hash_password(password, &salt)
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(format!("{{ARGON2ID}}{hash}"))
}
