//! Untagged updates for the selected mailbox: what other sessions and
//! outside writers changed since this session last looked, as EXISTS,
//! EXPUNGE (or VANISHED with QRESYNC), RECENT, FLAGS and FETCH responses.
//! The session sends them right before a command's tagged reply; which
//! changes may go out depends on the command (RFC 9051 §7.5.1: no EXPUNGE
//! during a command that uses sequence numbers).

use std::num::NonZeroU32;

use dormouse_proto::{Code, Data, FetchData, Response, StatusKind, StatusResponse};
use dormouse_storage::{Access, Change, MessageMeta, SeqPolicy, StorageError, Uid};

use crate::convert::{self, Recent};
use crate::extensions::Extension;
use crate::state::Selected;

/// Syncs the view and renders what the client must hear.
pub(crate) fn collect(
    selected: &mut Selected,
    policy: SeqPolicy,
) -> Result<Vec<Response>, StorageError> {
    let changes = selected.view.sync(policy)?;
    Ok(render(selected, changes))
}

/// The responses for `changes`, in order. Consecutive expunges become one
/// VANISHED when QRESYNC is on (RFC 7162 §3.2.10).
pub(crate) fn render(selected: &Selected, changes: Vec<Change>) -> Vec<Response> {
    let qresync = selected.enabled(Extension::Qresync);
    let rev2 = selected.enabled(Extension::Imap4rev2);
    let mut out = Vec::new();
    let mut vanished: Vec<Uid> = Vec::new();
    for change in changes {
        if !matches!(change, Change::Expunged { .. }) && !vanished.is_empty() {
            out.push(vanished_response(std::mem::take(&mut vanished)));
        }
        match change {
            Change::Keywords(keywords) => out.extend(flag_lists(&keywords, selected.view.access())),
            Change::Expunged { seq, uid } => {
                if qresync {
                    vanished.push(uid);
                } else if let Some(seq) = NonZeroU32::new(seq) {
                    out.push(Response::Data(Data::Expunge(seq)));
                }
            }
            Change::Exists(n) => out.push(Response::Data(Data::Exists(n))),
            // IMAP4rev2 removed RECENT; a rev2 client never sees it.
            Change::Recent(n) if !rev2 => out.push(Response::Data(Data::Recent(n))),
            Change::Recent(_) => {}
            Change::Flags { seq, uid, meta } => {
                if let Some(seq) = NonZeroU32::new(seq) {
                    out.push(flags_fetch(
                        selected,
                        seq,
                        uid,
                        &meta,
                        FetchShape::UNSOLICITED,
                    ));
                }
            }
        }
    }
    if !vanished.is_empty() {
        out.push(vanished_response(vanished));
    }
    out
}

/// `* FLAGS (...)` and `* OK [PERMANENTFLAGS (... \*)]`, sent at SELECT and
/// whenever a new keyword appears. A read-only selection can change no flag,
/// so its PERMANENTFLAGS list is empty (RFC 9051 §6.3.3).
pub(crate) fn flag_lists(keywords: &[String], access: Access) -> Vec<Response> {
    let flags = convert::defined_flags(keywords);
    let (permanent, text) = match access {
        Access::ReadWrite => (
            Code::PermanentFlags {
                flags: flags.clone(),
                new_keywords: true,
            },
            "Flags permitted.",
        ),
        Access::ReadOnly => (
            Code::PermanentFlags {
                flags: Vec::new(),
                new_keywords: false,
            },
            "Read-only mailbox.",
        ),
    };
    vec![
        Response::Data(Data::Flags(flags)),
        Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(permanent),
            text: text.into(),
        }),
    ]
}

/// Turns CONDSTORE on for a command that enables it (RFC 7162 §3.1: STORE
/// UNCHANGEDSINCE, FETCH MODSEQ or CHANGEDSINCE, SEARCH MODSEQ...). When it
/// was off, the client is told the HIGHESTMODSEQ it has now caught up to,
/// as Dovecot does, so it has a starting point for later CHANGEDSINCE.
pub(crate) fn enable_condstore(selected: &mut Selected) -> Option<Response> {
    if !selected.authenticated.enabled.insert(Extension::Condstore) {
        return None;
    }
    Some(Response::Status(StatusResponse {
        tag: None,
        kind: StatusKind::Ok,
        code: Some(Code::HighestModSeq(selected.view.highest_modseq().0)),
        text: "Highest".into(),
    }))
}

/// Which items a FETCH about a message's flags carries besides those the
/// session adds on its own (UID with QRESYNC, MODSEQ with CONDSTORE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FetchShape {
    /// UID even without QRESYNC: UID STORE and QRESYNC's SELECT ask for it.
    pub(crate) uid: bool,
    /// FLAGS; only a `.SILENT` STORE under CONDSTORE leaves them out.
    pub(crate) flags: bool,
}

impl FetchShape {
    /// What another session's flag change looks like.
    pub(crate) const UNSOLICITED: FetchShape = FetchShape {
        uid: false,
        flags: true,
    };
}

/// `* seq FETCH (UID u FLAGS (...) MODSEQ (m))`, each item only where it
/// belongs. RFC 7162 §3.2.4: with QRESYNC every untagged FETCH carries the
/// UID; §3.1.4: with CONDSTORE every one carries MODSEQ.
pub(crate) fn flags_fetch(
    selected: &Selected,
    seq: NonZeroU32,
    uid: Uid,
    meta: &MessageMeta,
    shape: FetchShape,
) -> Response {
    let mut items = Vec::with_capacity(3);
    if shape.uid || selected.enabled(Extension::Qresync) {
        items.push(FetchData::Uid(uid.0));
    }
    if shape.flags {
        items.push(FetchData::Flags(convert::flags_of(
            meta,
            recent(selected, uid),
        )));
    }
    if selected.enabled(Extension::Condstore) {
        items.push(FetchData::ModSeq(meta.modseq.0));
    }
    Response::Data(Data::Fetch { seq, items })
}

/// Whether FLAGS shows `\Recent` for `uid`: only to an IMAP4rev1 client
/// (IMAP4rev2 removed it) and only in the session that holds it.
pub(crate) fn recent(selected: &Selected, uid: Uid) -> Recent {
    if !selected.enabled(Extension::Imap4rev2) && selected.view.is_recent(uid) {
        Recent::Yes
    } else {
        Recent::No
    }
}

fn vanished_response(mut uids: Vec<Uid>) -> Response {
    uids.sort_unstable();
    let nz: Vec<NonZeroU32> = uids.into_iter().map(|u| u.0).collect();
    let set = dormouse_proto::encode::compact_set(&nz)
        .unwrap_or(dormouse_proto::SequenceSet::Ranges(Vec::new()));
    Response::Data(Data::Vanished {
        earlier: false,
        uids: set,
    })
}
