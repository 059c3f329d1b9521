//! STORE and UID STORE (RFC 9051 §6.4.6, RFC 7162 §3.1.3): set, add or
//! remove flags and keywords. A non-silent STORE answers with a FETCH for
//! every addressed message, changed or not; `.SILENT` answers with none,
//! except that a CONDSTORE client still hears the new MODSEQ of each
//! message the STORE changed. `(UNCHANGEDSINCE n)` leaves alone messages
//! changed after n and lists them in the MODIFIED code. `\Recent` cannot
//! be stored and is dropped, as Dovecot does.

use std::num::NonZeroU32;

use dormouse_proto::{
    Code, Command, CommandBody, StatusKind, StatusResponse, Store, StoreAction, StoreResponse,
    UidMode,
};
use dormouse_storage::{Access, FlagOp, ModSeq, StoreMode, StoreResult, Uid};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::convert;
use crate::errors::Refusal;
use crate::extensions::Extension;
use crate::seqset;
use crate::state::Selected;
use crate::updates::{self, FetchShape};

pub(super) fn run(_ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    let store = match command.body {
        CommandBody::Store(store) => store,
        other => return Err(misrouted(&other)),
    };
    if state.view.access() == Access::ReadOnly {
        return Err(Refusal::ReadOnly.into());
    }
    let addressed = seqset::resolve(&store.set, store.mode, &state.view, &state.saved)?;
    let mut reply = Reply::new();
    if store.unchanged_since.is_some() {
        reply.responses.extend(updates::enable_condstore(state));
    }
    let uids: Vec<Uid> = addressed.iter().map(|a| a.uid).collect();
    // Whatever has a modseq above this was changed by this STORE (or by
    // someone else since the last sync, which the client may hear twice).
    let before = state.view.highest_modseq();
    let result = state
        .view
        .store(&uids, flag_op(&store), store.unchanged_since.map(ModSeq))?;

    reply
        .responses
        .extend(fetches(state, &store, &result, before));
    let name = if store.mode == UidMode::Uid {
        "UID STORE"
    } else {
        "STORE"
    };
    let status = match modified_set(state, store.mode, &result.modified) {
        Some(set) => StatusResponse::tagged(
            command.tag,
            StatusKind::Ok,
            Some(Code::Modified(set)),
            "Conditional STORE failed",
        ),
        None => StatusResponse::tagged(
            command.tag,
            StatusKind::Ok,
            None,
            format!("{name} completed"),
        ),
    };
    Ok(reply.status(status))
}

fn flag_op(store: &Store) -> FlagOp {
    let (flags, keywords) = convert::split(&store.flags);
    let mode = match store.action {
        StoreAction::Add => StoreMode::Add,
        StoreAction::Remove => StoreMode::Remove,
        StoreAction::Replace => StoreMode::Replace,
    };
    FlagOp {
        mode,
        flags,
        keywords,
    }
}

/// The untagged FETCH responses of a STORE, in sequence order. UID STORE
/// includes the UID (RFC 9051 §6.4.9).
fn fetches(
    selected: &Selected,
    store: &Store,
    result: &StoreResult,
    before: ModSeq,
) -> Vec<dormouse_proto::Response> {
    let condstore = selected.enabled(Extension::Condstore);
    let uid = store.mode == UidMode::Uid;
    result
        .messages
        .iter()
        .filter_map(|(msg, meta)| {
            let shape = match store.response {
                StoreResponse::Answer => FetchShape { uid, flags: true },
                // RFC 7162 §3.1.3: "An untagged FETCH response MUST be
                // sent, even if the .SILENT suffix is specified", with
                // MODSEQ, for each message whose modseq changed.
                StoreResponse::Silent if condstore && meta.modseq > before => {
                    FetchShape { uid, flags: false }
                }
                StoreResponse::Silent => return None,
            };
            let seq = NonZeroU32::new(selected.view.seq(*msg)?)?;
            Some(updates::flags_fetch(selected, seq, *msg, meta, shape))
        })
        .collect()
}

/// The MODIFIED set: sequence numbers for STORE, UIDs for UID STORE.
fn modified_set(
    selected: &Selected,
    mode: UidMode,
    modified: &[Uid],
) -> Option<dormouse_proto::SequenceSet> {
    let ids: Vec<NonZeroU32> = match mode {
        UidMode::Uid => modified.iter().map(|u| u.0).collect(),
        UidMode::Seq => modified
            .iter()
            .filter_map(|u| selected.view.seq(*u).and_then(NonZeroU32::new))
            .collect(),
    };
    dormouse_proto::encode::compact_set(&ids)
}
