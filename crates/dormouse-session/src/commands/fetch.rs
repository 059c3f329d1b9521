//! FETCH and UID FETCH (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162
//! CHANGEDSINCE and VANISHED). Messages are answered in sequence order;
//! a message file is read only when an item needs its bytes, so
//! `FETCH 1:* (UID FLAGS)` never opens one, and ENVELOPE/BODY/BODYSTRUCTURE
//! come from the mailbox's cache when it has them (`fetch_cache`). Non-PEEK body items set `\Seen`
//! first (read-write selections only) and the FETCH then carries the new
//! FLAGS (§6.4.5). Messages another session expunged are skipped and the
//! command ends `OK [EXPUNGEISSUED]`, as Dovecot does; a BINARY of a part
//! that cannot be decoded ends it with `NO [UNKNOWN-CTE]` (RFC 3516)
//! after the messages already answered.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;

use dormouse_proto::{
    Code, Command, CommandBody, Data, Fetch, FetchData, SeqNum, SeqRange, SequenceSet, StatusKind,
    StatusResponse, Tag, UidMode,
};
use dormouse_storage::{
    Access, FlagOp, MessageMeta, ModSeq, StorageError, StoreMode, SystemFlags, Uid,
};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::errors::{ClientError, CommandError};
use crate::extensions::Extension;
use crate::fetch_cache;
use crate::fetch_condstore;
use crate::fetch_items::{self, Content, ItemError, Subject};
use crate::fetch_plan::Plan;
use crate::seqset::{self, Addressed};
use crate::state::Selected;
use crate::updates;

pub(super) fn run(_ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    let Command { tag, body } = command;
    let fetch = match body {
        CommandBody::Fetch(fetch) => fetch,
        other => return Err(misrouted(&other)),
    };
    // RFC 7162 §3.2.6: VANISHED is only for clients that enabled QRESYNC.
    if fetch.vanished && !state.enabled(Extension::Qresync) {
        return Err(ClientError::QresyncNotEnabled.into());
    }
    let plan = Plan::new(&fetch);
    let mut reply = Reply::new();
    if plan.has_modseq
        && let Some(notice) = fetch_condstore::enable(state)
    {
        reply.responses.push(notice);
    }
    let targets = seqset::resolve(&fetch.set, fetch.mode, &state.view, &state.saved)?;
    if fetch.vanished
        && let Some(gone) = vanished(state, &fetch)?
    {
        reply = reply.data(gone);
    }
    let mut messages: Vec<(Addressed, Option<MessageMeta>)> = targets
        .into_iter()
        .map(|a| (a, state.view.meta(a.uid)))
        .collect();
    if let Some(since) = fetch.changed_since {
        // RFC 7162 §3.1.4.1: only messages changed after `since`. With
        // VANISHED, an expunged one was just reported as such.
        messages.retain(|(_, meta)| {
            meta.as_ref()
                .map_or(!fetch.vanished, |m| m.modseq.0 > since)
        });
    }
    let seen_now = if plan.sets_seen {
        mark_seen(state, &mut messages)?
    } else {
        HashSet::new()
    };
    let mut expunged = false;
    for (at, meta) in &messages {
        match one(state, &plan, *at, meta.as_ref(), seen_now.contains(&at.uid))? {
            One::Answer(data) => reply = reply.data(data),
            One::Expunged => expunged = true,
            One::Failed(e) => return Ok(reply.status(failed(tag, &e))),
        }
    }
    let name = match fetch.mode {
        UidMode::Seq => "FETCH",
        UidMode::Uid => "UID FETCH",
    };
    Ok(reply.status(if expunged {
        StatusResponse::tagged(
            tag,
            StatusKind::Ok,
            Some(Code::ExpungeIssued),
            "Some messages were already expunged.",
        )
    } else {
        StatusResponse::tagged(tag, StatusKind::Ok, None, format!("{name} completed"))
    }))
}

/// What became of one addressed message.
enum One {
    Answer(Data),
    /// Expunged by another session: skipped.
    Expunged,
    /// An item could not be produced: the command ends here.
    Failed(ItemError),
}

/// The FETCH response for one message; `seen_now` when this FETCH has just
/// set its `\Seen`.
fn one(
    state: &Selected,
    plan: &Plan,
    at: Addressed,
    meta: Option<&MessageMeta>,
    seen_now: bool,
) -> Result<One, CommandError> {
    let (Some(meta), Some(seq)) = (meta, NonZeroU32::new(at.seq)) else {
        return Ok(One::Expunged);
    };
    let cached = if plan.needs_structure {
        fetch_cache::lookup(&state.view, at.uid)
    } else {
        None
    };
    let missed = plan.needs_structure && cached.is_none();
    let raw = if plan.needs_file || missed {
        match state.view.read(at.uid) {
            Ok(raw) => Some(raw),
            Err(StorageError::Expunged) => return Ok(One::Expunged),
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let content = raw.as_deref().map(Content::new);
    let structure = match (cached, &content) {
        (Some(s), _) => Some(s),
        (None, Some(c)) if missed => Some(fetch_cache::remember(&state.view, at.uid, c.message())),
        (None, _) => None,
    };
    let subject = Subject {
        uid: at.uid,
        meta,
        recent: updates::recent(state, at.uid),
        content,
        structure,
    };
    let mut items = Vec::with_capacity(plan.items.len() + 2);
    for item in &plan.items {
        match fetch_items::data(item, &subject) {
            Ok(data) => items.push(data),
            Err(e) => return Ok(One::Failed(e)),
        }
    }
    if seen_now {
        implicit_flags(state, plan, &subject, &mut items);
    }
    Ok(One::Answer(Data::Fetch { seq, items }))
}

/// Sets `\Seen` on the unseen messages among `messages`, in one STORE, and
/// updates their metadata; returns the UIDs whose flags changed. EXAMINE
/// never changes flags (RFC 9051 §6.3.3).
fn mark_seen(
    state: &mut Selected,
    messages: &mut [(Addressed, Option<MessageMeta>)],
) -> Result<HashSet<Uid>, CommandError> {
    if state.view.access() != Access::ReadWrite {
        return Ok(HashSet::new());
    }
    let unseen: Vec<Uid> = messages
        .iter()
        .filter(|(_, meta)| {
            meta.as_ref()
                .is_some_and(|m| !m.flags.contains(SystemFlags::SEEN))
        })
        .map(|(at, _)| at.uid)
        .collect();
    if unseen.is_empty() {
        return Ok(HashSet::new());
    }
    let op = FlagOp {
        mode: StoreMode::Add,
        flags: SystemFlags::SEEN,
        keywords: Vec::new(),
    };
    let result = state.view.store(&unseen, op, None)?;
    let changed: HashMap<Uid, MessageMeta> = result.messages.into_iter().collect();
    for (at, meta) in messages.iter_mut() {
        if let Some(now) = changed.get(&at.uid) {
            *meta = Some(now.clone());
        }
    }
    Ok(changed.into_keys().collect())
}

/// RFC 9051 §6.4.5: a FETCH that set `\Seen` includes FLAGS even when not
/// asked for them; with CONDSTORE, MODSEQ goes with them, as with every
/// flag change a CONDSTORE client hears about (RFC 7162 §3.1.4).
fn implicit_flags(state: &Selected, plan: &Plan, msg: &Subject<'_>, items: &mut Vec<FetchData>) {
    if !plan.has_flags {
        items.push(FetchData::Flags(crate::convert::flags_of(
            msg.meta, msg.recent,
        )));
    }
    if state.enabled(Extension::Condstore) && !plan.has_modseq {
        items.push(FetchData::ModSeq(msg.meta.modseq.0));
    }
}

/// `* VANISHED (EARLIER) uids`: the UIDs in the command's set expunged
/// after CHANGEDSINCE (RFC 7162 §3.2.6), or nothing when there are none.
fn vanished(state: &Selected, fetch: &Fetch) -> Result<Option<Data>, CommandError> {
    let since = fetch.changed_since.unwrap_or(0);
    let gone = state.view.vanished_ranges_since(ModSeq(since))?;
    let wanted: Vec<(u32, u32)> = match &fetch.set {
        SequenceSet::Saved => state.saved.iter().map(|u| (u.0.get(), u.0.get())).collect(),
        // `*` may name a UID above every message left, so it reaches to the
        // end of the UID space here.
        SequenceSet::Ranges(ranges) => ranges
            .iter()
            .map(|r| {
                let value = |n: SeqNum| match n {
                    SeqNum::Largest => u32::MAX,
                    SeqNum::Value(v) => v.get(),
                };
                let (a, b) = (value(r.start), value(r.end));
                (a.min(b), a.max(b))
            })
            .collect(),
    };
    let mut spans: Vec<(u32, u32)> = Vec::new();
    for (lo, hi) in gone.ranges() {
        for &(wlo, whi) in &wanted {
            let (from, to) = (lo.max(wlo).max(1), hi.min(whi));
            if from <= to {
                spans.push((from, to));
            }
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(spans.len());
    for (lo, hi) in spans {
        match merged.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    let ranges: Vec<SeqRange> = merged
        .into_iter()
        .filter_map(|(lo, hi)| {
            Some(SeqRange {
                start: SeqNum::Value(NonZeroU32::new(lo)?),
                end: SeqNum::Value(NonZeroU32::new(hi)?),
            })
        })
        .collect();
    Ok((!ranges.is_empty()).then_some(Data::Vanished {
        earlier: true,
        uids: SequenceSet::Ranges(ranges),
    }))
}

/// The tagged NO for an item that could not be produced.
fn failed(tag: Tag, e: &ItemError) -> StatusResponse {
    let code = match e {
        ItemError::UnknownEncoding(_) => Code::UnknownCte,
        ItemError::Corrupt(_) => Code::Parse,
        ItemError::NotLoaded => Code::ServerBug,
    };
    StatusResponse::tagged(tag, StatusKind::No, Some(code), e.to_string())
}
