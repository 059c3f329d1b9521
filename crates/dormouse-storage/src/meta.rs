//! What a session may know about one message without reading its file:
//! flags, keywords by name, modseq, INTERNALDATE and size. Built from the
//! shared table under its lock; owns its data so no lock is held after.

use crate::flags::SystemFlags;
use crate::ids::ModSeq;
use crate::messages::MessageRecord;
use crate::state::State;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageMeta {
    pub flags: SystemFlags,
    /// Keyword names in the mailbox's keyword order.
    pub keywords: Vec<String>,
    pub modseq: ModSeq,
    /// Seconds since the epoch (INTERNALDATE).
    pub internal_date: i64,
    /// RFC822.SIZE: the size with CRLF line endings, which is what
    /// `View::read` returns.
    pub size: u64,
}

impl MessageMeta {
    pub(crate) fn of(st: &State, rec: &MessageRecord) -> MessageMeta {
        MessageMeta {
            flags: rec.flags,
            keywords: st.keywords.names_of(rec.keywords),
            modseq: ModSeq(rec.modseq),
            internal_date: rec.internal_date,
            size: st.messages.size(rec),
        }
    }
}
