//! Dovecot's per-mailbox Maildir files that dormouse reads and keeps up to
//! date so that Dovecot (and dormouse after a lost index) sees the same UIDs
//! and keyword letters. Dormouse's own index lives elsewhere.

pub mod keywords;
pub mod uidlist;

pub use keywords::{KEYWORDS_NAME, read_keywords, write_keywords};
pub use uidlist::{
    UIDLIST_NAME, UidList, UidlistAppend, UidlistShape, append_uidlist, parse_uidlist,
    peek_uidlist, read_uidlist, write_uidlist,
};
