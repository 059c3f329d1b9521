//! The five IMAP system flags a message can carry, as one byte. Keywords are
//! kept elsewhere (by name in the API, by bit in the index); `\Recent` is not
//! here because it is a property of a session, not of a message.

use std::ops::{BitOr, BitOrAssign};

/// A set of system flags, one bit each. The bit values are persisted in the
/// index log, so they must never be renumbered.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub struct SystemFlags(u8);

impl SystemFlags {
    pub const EMPTY: SystemFlags = SystemFlags(0);
    pub const SEEN: SystemFlags = SystemFlags(1 << 0);
    pub const ANSWERED: SystemFlags = SystemFlags(1 << 1);
    pub const FLAGGED: SystemFlags = SystemFlags(1 << 2);
    pub const DELETED: SystemFlags = SystemFlags(1 << 3);
    pub const DRAFT: SystemFlags = SystemFlags(1 << 4);
    pub const ALL: SystemFlags = SystemFlags(0b1_1111);

    /// Each flag on its own, in a fixed order.
    const EACH: [SystemFlags; 5] = [
        SystemFlags::SEEN,
        SystemFlags::ANSWERED,
        SystemFlags::FLAGGED,
        SystemFlags::DELETED,
        SystemFlags::DRAFT,
    ];

    /// The persisted form.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Reads a persisted byte; bits that name no flag are dropped so that a
    /// damaged record cannot smuggle in an unknown flag.
    pub const fn from_bits_truncate(bits: u8) -> SystemFlags {
        SystemFlags(bits & SystemFlags::ALL.0)
    }

    pub const fn contains(self, other: SystemFlags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, other: SystemFlags) {
        self.0 |= other.0;
    }

    pub fn remove(&mut self, other: SystemFlags) {
        self.0 &= !other.0;
    }

    #[must_use]
    pub const fn union(self, other: SystemFlags) -> SystemFlags {
        SystemFlags(self.0 | other.0)
    }

    #[must_use]
    pub const fn difference(self, other: SystemFlags) -> SystemFlags {
        SystemFlags(self.0 & !other.0)
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The single flags in this set, in the order SEEN, ANSWERED, FLAGGED,
    /// DELETED, DRAFT.
    pub fn iter(self) -> impl Iterator<Item = SystemFlags> {
        SystemFlags::EACH
            .into_iter()
            .filter(move |flag| self.contains(*flag))
    }
}

impl BitOr for SystemFlags {
    type Output = SystemFlags;

    fn bitor(self, rhs: SystemFlags) -> SystemFlags {
        self.union(rhs)
    }
}

impl BitOrAssign for SystemFlags {
    fn bitor_assign(&mut self, rhs: SystemFlags) {
        self.insert(rhs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let mut f = SystemFlags::SEEN | SystemFlags::DELETED;
        assert!(f.contains(SystemFlags::SEEN));
        assert!(!f.contains(SystemFlags::DRAFT));
        assert!(!f.contains(SystemFlags::SEEN | SystemFlags::DRAFT));
        f.insert(SystemFlags::DRAFT);
        f.remove(SystemFlags::SEEN);
        assert_eq!(f, SystemFlags::DELETED | SystemFlags::DRAFT);
        assert_eq!(
            f.difference(SystemFlags::DRAFT),
            SystemFlags::DELETED,
            "difference keeps only the flags not in the other set"
        );
        assert!(SystemFlags::default().is_empty());
        assert!(!f.is_empty());
    }

    #[test]
    fn iter_yields_single_flags_in_order() {
        let f = SystemFlags::DRAFT | SystemFlags::SEEN | SystemFlags::FLAGGED;
        let each: Vec<_> = f.iter().collect();
        assert_eq!(
            each,
            vec![SystemFlags::SEEN, SystemFlags::FLAGGED, SystemFlags::DRAFT]
        );
        assert_eq!(SystemFlags::ALL.iter().count(), 5);
    }

    #[test]
    fn bits_round_trip_and_unknown_bits_are_dropped() {
        for bits in 0..=u8::MAX {
            let f = SystemFlags::from_bits_truncate(bits);
            assert_eq!(f.bits(), bits & 0b1_1111);
            assert_eq!(SystemFlags::from_bits_truncate(f.bits()), f);
        }
    }
}
