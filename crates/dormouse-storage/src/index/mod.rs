//! Dormouse's per-mailbox index: an append-only log of checksummed records
//! (`record.rs`), the file operations on it (`log.rs`) and compaction
//! (`compact.rs`). The log is the authority for UIDs and modseqs; Dovecot's
//! files are kept in step elsewhere.

pub mod compact;
pub mod log;
pub mod record;
