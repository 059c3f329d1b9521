//! STATUS: the counters of a mailbox, computed from the shared state after
//! a read-only sync (so it neither moves files out of `new/` nor takes
//! \Recent away from the next session).

use std::num::NonZeroU32;

use crate::StorageError;
use crate::flags::SystemFlags;
use crate::ids::{ModSeq, Uid, UidValidity};
use crate::mailbox::Mailbox;
use crate::scan::ScanMode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailboxStatus {
    pub messages: u32,
    pub recent: u32,
    pub uid_next: Uid,
    pub uidvalidity: UidValidity,
    pub unseen: u32,
    pub deleted: u32,
    /// Sum of RFC822.SIZE (STATUS=SIZE, RFC 9051).
    pub size: u64,
    pub highest_modseq: ModSeq,
}

pub fn status(mb: &Mailbox) -> Result<MailboxStatus, StorageError> {
    mb.sync_disk(ScanMode::ReadOnly)?;
    let st = mb.read()?;
    let count = |pred: &dyn Fn(SystemFlags) -> bool| {
        u32::try_from(st.messages.iter().filter(|m| pred(m.flags)).count()).unwrap_or(u32::MAX)
    };
    let nonzero = |v: u32, what: &str| {
        NonZeroU32::new(v).ok_or_else(|| StorageError::Corrupt(format!("{what} is 0")))
    };
    Ok(MailboxStatus {
        messages: u32::try_from(st.messages.len()).unwrap_or(u32::MAX),
        recent: st.unclaimed_recent(),
        uid_next: Uid(nonzero(st.next_uid, "UIDNEXT")?),
        uidvalidity: UidValidity(nonzero(st.uidvalidity, "UIDVALIDITY")?),
        unseen: count(&|f| !f.contains(SystemFlags::SEEN)),
        deleted: count(&|f| f.contains(SystemFlags::DELETED)),
        size: st.messages.iter().map(|m| st.messages.size(m)).sum(),
        highest_modseq: ModSeq(st.highest_modseq),
    })
}
