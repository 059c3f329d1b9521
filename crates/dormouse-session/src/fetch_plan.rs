//! What a FETCH must produce for each message, worked out once before any
//! message is looked at: the macros expanded, UID put first for UID FETCH
//! (as Dovecot does), MODSEQ added for CHANGEDSINCE, duplicates dropped, and
//! whether the message file must be read at all (or only its cached
//! structure) and whether the fetch sets `\Seen`. It reads no message and
//! knows nothing of the mailbox.

use dormouse_proto::{Fetch, FetchAttributes, FetchItem, UidMode};

/// The normalised item list of one FETCH.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// In the order the response lists them.
    pub(crate) items: Vec<FetchItem>,
    /// Some item needs the message's bytes (everything but FLAGS, UID,
    /// INTERNALDATE, RFC822.SIZE, MODSEQ and the structure items).
    pub(crate) needs_file: bool,
    /// Some item needs ENVELOPE or BODYSTRUCTURE (ENVELOPE, BODY,
    /// BODYSTRUCTURE), which the mailbox's cache may hold: the bytes are
    /// then read only on a miss.
    pub(crate) needs_structure: bool,
    /// Some item implicitly sets `\Seen` (RFC 9051 §6.4.5: the non-PEEK
    /// BODY[...] and BINARY[...], RFC822, RFC822.TEXT).
    pub(crate) sets_seen: bool,
    pub(crate) has_flags: bool,
    pub(crate) has_modseq: bool,
}

impl Plan {
    pub(crate) fn new(fetch: &Fetch) -> Plan {
        let requested: Vec<FetchItem> = match &fetch.attributes {
            FetchAttributes::All => vec![
                FetchItem::Flags,
                FetchItem::InternalDate,
                FetchItem::Rfc822Size,
                FetchItem::Envelope,
            ],
            FetchAttributes::Fast => vec![
                FetchItem::Flags,
                FetchItem::InternalDate,
                FetchItem::Rfc822Size,
            ],
            FetchAttributes::Full => vec![
                FetchItem::Flags,
                FetchItem::InternalDate,
                FetchItem::Rfc822Size,
                FetchItem::Envelope,
                FetchItem::Body,
            ],
            FetchAttributes::Items(items) => items.clone(),
        };
        let mut items: Vec<FetchItem> = Vec::with_capacity(requested.len() + 2);
        // RFC 9051 §6.4.9: UID FETCH always answers with the UID.
        if fetch.mode == UidMode::Uid {
            items.push(FetchItem::Uid);
        }
        for item in requested {
            push_unique(&mut items, item);
        }
        // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ in every answer.
        if fetch.changed_since.is_some() {
            push_unique(&mut items, FetchItem::ModSeq);
        }
        Plan {
            needs_file: items.iter().any(needs_file),
            needs_structure: items.iter().any(needs_structure),
            sets_seen: items.iter().any(sets_seen),
            has_flags: items.contains(&FetchItem::Flags),
            has_modseq: items.contains(&FetchItem::ModSeq),
            items,
        }
    }
}

fn push_unique(items: &mut Vec<FetchItem>, item: FetchItem) {
    if !items.contains(&item) {
        items.push(item);
    }
}

/// Whether `item` needs the message's bytes.
pub(crate) fn needs_file(item: &FetchItem) -> bool {
    !matches!(
        item,
        FetchItem::Flags
            | FetchItem::Uid
            | FetchItem::InternalDate
            | FetchItem::Rfc822Size
            | FetchItem::ModSeq
    ) && !needs_structure(item)
}

/// Whether `item` needs ENVELOPE or BODYSTRUCTURE.
pub(crate) fn needs_structure(item: &FetchItem) -> bool {
    matches!(
        item,
        FetchItem::Envelope | FetchItem::Body | FetchItem::BodyStructure
    )
}

fn sets_seen(item: &FetchItem) -> bool {
    match item {
        FetchItem::Rfc822 | FetchItem::Rfc822Text => true,
        FetchItem::BodySection { peek, .. } | FetchItem::Binary { peek, .. } => !peek,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use dormouse_proto::{SeqNum, SeqRange, SequenceSet};

    use super::*;

    fn fetch(mode: UidMode, attributes: FetchAttributes, changed_since: Option<u64>) -> Fetch {
        Fetch {
            mode,
            set: SequenceSet::Ranges(vec![SeqRange {
                start: SeqNum::Largest,
                end: SeqNum::Largest,
            }]),
            attributes,
            changed_since,
            vanished: false,
        }
    }

    #[test]
    fn uid_fetch_puts_uid_first_once() {
        let plan = Plan::new(&fetch(
            UidMode::Uid,
            FetchAttributes::Items(vec![FetchItem::Flags, FetchItem::Uid, FetchItem::Flags]),
            None,
        ));
        assert_eq!(plan.items, vec![FetchItem::Uid, FetchItem::Flags]);
        assert!(!plan.needs_file);
        assert!(!plan.sets_seen);
    }

    #[test]
    fn macros_expand_and_changedsince_adds_modseq() {
        let plan = Plan::new(&fetch(UidMode::Seq, FetchAttributes::Full, Some(5)));
        assert_eq!(
            plan.items,
            vec![
                FetchItem::Flags,
                FetchItem::InternalDate,
                FetchItem::Rfc822Size,
                FetchItem::Envelope,
                FetchItem::Body,
                FetchItem::ModSeq,
            ]
        );
        assert!(
            !plan.needs_file,
            "ENVELOPE and BODY may come from the cache"
        );
        assert!(plan.needs_structure);
        assert!(plan.has_modseq);
        assert!(!plan.sets_seen);
    }

    #[test]
    fn only_non_peek_content_sets_seen() {
        let peek = FetchItem::BodySection {
            peek: true,
            section: Default::default(),
            partial: None,
        };
        let plan = Plan::new(&fetch(
            UidMode::Seq,
            FetchAttributes::Items(vec![peek, FetchItem::Rfc822Header]),
            None,
        ));
        assert!(!plan.sets_seen);
        let plan = Plan::new(&fetch(
            UidMode::Seq,
            FetchAttributes::Items(vec![FetchItem::Binary {
                peek: false,
                part: Vec::new(),
                partial: None,
            }]),
            None,
        ));
        assert!(plan.sets_seen);
        let plan = Plan::new(&fetch(
            UidMode::Seq,
            FetchAttributes::Items(vec![FetchItem::Rfc822Text]),
            None,
        ));
        assert!(plan.sets_seen);
    }
}
