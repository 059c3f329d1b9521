//! Message and mailbox identifiers that must never be confused with one
//! another or with sequence numbers, hence newtypes.

use std::num::NonZeroU32;

/// A message UID (RFC 9051 §2.3.1.1): non-zero, strictly ascending within a
/// mailbox for one UIDVALIDITY, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uid(pub NonZeroU32);

/// A mailbox's UIDVALIDITY: non-zero; when it changes, every UID the client
/// cached is void.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UidValidity(pub NonZeroU32);

/// A modification sequence (RFC 7162): 63 bits, strictly increasing per
/// mailbox, persisted so CONDSTORE clients can resynchronise after restarts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModSeq(pub u64);

impl ModSeq {
    /// RFC 7162 limits mod-sequences to 63 bits (`mod-sequence-value`).
    pub const MAX: ModSeq = ModSeq(i64::MAX as u64);
}
