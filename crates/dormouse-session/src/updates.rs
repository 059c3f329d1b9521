//! Untagged updates for the selected mailbox: what other sessions and
//! outside writers changed since this session last looked, as EXISTS,
//! EXPUNGE (or VANISHED with QRESYNC), RECENT, FLAGS and FETCH responses.
//! The session sends them right before a command's tagged reply; which
//! changes may go out depends on the command (RFC 9051 §7.5.1: no EXPUNGE
//! during a command that uses sequence numbers).

use std::num::NonZeroU32;

use dormouse_proto::{Code, Data, FetchData, Response, StatusKind, StatusResponse};
use dormouse_storage::{Change, SeqPolicy, StorageError, Uid};

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
    let condstore = selected.enabled(Extension::Condstore);
    let rev2 = selected.enabled(Extension::Imap4rev2);
    let mut out = Vec::new();
    let mut vanished: Vec<Uid> = Vec::new();
    for change in changes {
        if !matches!(change, Change::Expunged { .. }) && !vanished.is_empty() {
            out.push(vanished_response(std::mem::take(&mut vanished)));
        }
        match change {
            Change::Keywords(keywords) => out.extend(flag_lists(&keywords)),
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
                let Some(seq) = NonZeroU32::new(seq) else {
                    continue;
                };
                let recent = if !rev2 && selected.view.is_recent(uid) {
                    Recent::Yes
                } else {
                    Recent::No
                };
                let mut items = vec![FetchData::Flags(convert::flags_of(&meta, recent))];
                // RFC 7162 §3.2.4: with QRESYNC every FETCH carries the UID.
                if qresync {
                    items.insert(0, FetchData::Uid(uid.0));
                }
                if condstore {
                    items.push(FetchData::ModSeq(meta.modseq.0));
                }
                out.push(Response::Data(Data::Fetch { seq, items }));
            }
        }
    }
    if !vanished.is_empty() {
        out.push(vanished_response(vanished));
    }
    out
}

/// `* FLAGS (...)` and `* OK [PERMANENTFLAGS (... \*)]`, sent at SELECT and
/// whenever a new keyword appears.
pub(crate) fn flag_lists(keywords: &[String]) -> Vec<Response> {
    let flags = convert::defined_flags(keywords);
    vec![
        Response::Data(Data::Flags(flags.clone())),
        Response::Status(StatusResponse {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(Code::PermanentFlags {
                flags,
                new_keywords: true,
            }),
            text: "Flags permitted.".into(),
        }),
    ]
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
