//! A FETCH that answers in batches: what is left to do between two batches
//! (kept in the selected state), and the limits that end a batch. Bounding
//! a batch bounds the memory one FETCH holds, whatever the mailbox size:
//! the server writes each batch out before asking for the next. It produces
//! no responses itself (`commands/fetch.rs` does).

use dormouse_proto::{FetchData, FetchItem, Tag, UidMode};

use crate::fetch_plan::Plan;
use crate::seqset::Addressed;

/// A batch ends once its literal data (message bytes: BODY[...], BINARY,
/// RFC822...) reaches this. A few socket buffers' worth (the server flushes
/// at 64 KiB), so the per-batch cost, one trip to the blocking pool and one
/// write, is spread over enough data; and small enough that a thousand
/// connections fetching at once hold a quarter of a GiB.
pub(crate) const BATCH_BYTES: usize = 256 * 1024;

/// A batch also ends after this many messages, which bounds the data that
/// is not literal (flags, ENVELOPE, BODYSTRUCTURE: from a hundred bytes to
/// a few KiB each in memory) to about the same quarter MiB, and keeps a
/// `FETCH 1:* FLAGS` over a large mailbox to a few hundred batches per
/// hundred thousand messages.
pub(crate) const BATCH_MESSAGES: usize = 256;

/// The FETCH of the selected mailbox that has more to send.
pub(crate) struct PendingFetch {
    pub(crate) tag: Tag,
    pub(crate) mode: UidMode,
    pub(crate) plan: Plan,
    /// Every addressed message, in sequence order; those before `next`
    /// are done.
    pub(crate) targets: Vec<Addressed>,
    pub(crate) next: usize,
    /// The first item of `targets[next]` still to send: non-zero only when
    /// that message's answer was split (see [`split_at`]).
    pub(crate) item: usize,
    /// CHANGEDSINCE: only messages with a greater MODSEQ are answered.
    pub(crate) changed_since: Option<u64>,
    /// With VANISHED, a message expunged meanwhile was reported as such and
    /// is skipped silently.
    pub(crate) vanished: bool,
    /// Some message was expunged by another session: the command ends
    /// `OK [EXPUNGEISSUED]`.
    pub(crate) expunged: bool,
}

impl PendingFetch {
    pub(crate) fn current(&self) -> Option<Addressed> {
        self.targets.get(self.next).copied()
    }

    /// The current message is done.
    pub(crate) fn advance(&mut self) {
        self.next += 1;
        self.item = 0;
    }

    /// Whether a continued answer must repeat the UID: UID FETCH puts it
    /// first, and RFC 9051 §6.4.9 wants it in every FETCH response the
    /// command causes.
    pub(crate) fn repeats_uid(&self) -> bool {
        self.plan.items.first() == Some(&FetchItem::Uid)
    }
}

/// How much of one batch is used.
#[derive(Default)]
pub(crate) struct Budget {
    bytes: usize,
    messages: usize,
}

impl Budget {
    pub(crate) fn full(&self) -> bool {
        self.bytes >= BATCH_BYTES || self.messages >= BATCH_MESSAGES
    }

    pub(crate) fn spend(&mut self, bytes: usize) {
        self.bytes = self.bytes.saturating_add(bytes);
        self.messages += 1;
    }
}

/// The literal bytes one response item carries.
pub(crate) fn literal_len(data: &FetchData) -> usize {
    match data {
        FetchData::Rfc822(Some(d))
        | FetchData::Rfc822Header(Some(d))
        | FetchData::Rfc822Text(Some(d))
        | FetchData::BodySection { data: Some(d), .. }
        | FetchData::Binary { data: Some(d), .. } => d.len(),
        _ => 0,
    }
}

/// One message's answer is split into several FETCH responses once its
/// literal data passes this (after the item that passes it). A client
/// asking for a message's distinct parts, or its header and text, stays
/// under twice the message's size and is not split; one that names the
/// same bytes over and over, such as thousands of overlapping
/// `BODY[]<offset.length>`, is, so that no single response grows to
/// thousands of copies of a message. Several FETCH
/// responses for one message are compliant and clients must merge them
/// (Mark Crispin on imap-protocol, November 2011); each repeats the UID
/// for a UID FETCH.
pub(crate) fn split_at(size: u64) -> usize {
    let twice = usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_mul(2);
    twice.max(BATCH_BYTES)
}
