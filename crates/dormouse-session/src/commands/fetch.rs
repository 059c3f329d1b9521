//! FETCH and UID FETCH (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162
//! CHANGEDSINCE and VANISHED). Messages are answered in sequence order and
//! in batches (`fetch_pending`): `run` sends the first one and, if more is
//! left, keeps the rest in the selected state for `resume`, so a FETCH of a
//! whole mailbox never holds more than a batch. A message file is read only
//! when an item needs its bytes, so `FETCH 1:* (UID FLAGS)` never opens
//! one, and ENVELOPE/BODY/BODYSTRUCTURE come from the mailbox's cache when
//! it has them (`fetch_cache`). Non-PEEK body items set `\Seen` on each
//! batch's messages, read-write selections only, and their FETCH carries
//! the new FLAGS (§6.4.5, `fetch_seen`). Messages another session expunged
//! are skipped and the command ends `OK [EXPUNGEISSUED]`, as Dovecot does;
//! a BINARY of a part that cannot be decoded ends it with
//! `NO [UNKNOWN-CTE]` (RFC 3516) after the messages already answered.

use std::num::NonZeroU32;

use dormouse_proto::{
    Code, Command, CommandBody, Data, FetchData, StatusKind, StatusResponse, Tag, UidMode,
};
use dormouse_storage::{StorageError, SystemFlags};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::errors::{ClientError, CommandError};
use crate::extensions::Extension;
use crate::fetch_cache;
use crate::fetch_condstore;
use crate::fetch_content::Content;
use crate::fetch_items::{self, ItemError, Subject};
use crate::fetch_pending::{self, Budget, PendingFetch};
use crate::fetch_plan::{self, Plan};
use crate::fetch_seen::Unseen;
use crate::fetch_vanished::vanished;
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
    if fetch.vanished {
        let since = fetch.changed_since.unwrap_or(0);
        if let Some(gone) = vanished(&state.view, &fetch.set, &state.saved, since)? {
            reply = reply.data(gone);
        }
    }
    let work = PendingFetch {
        tag,
        mode: fetch.mode,
        plan,
        targets,
        next: 0,
        item: 0,
        changed_since: fetch.changed_since,
        vanished: fetch.vanished,
        expunged: false,
    };
    step(state, work, reply)
}

/// The next batch of the FETCH `run` left unfinished; `None` when there is
/// none.
pub(super) fn resume(state: &mut Selected) -> Option<HandlerResult> {
    let work = state.pending.take()?;
    Some(step(state, work, Reply::new()))
}

/// Answers messages until the batch is full; then either ends the command
/// or leaves the rest in `state.pending` and asks for more. The work is
/// taken out of the state first, so an error drops it.
fn step(state: &mut Selected, mut work: PendingFetch, mut reply: Reply) -> HandlerResult {
    let mut budget = Budget::default();
    let mut unseen = Unseen::default();
    let mut failure = None;
    while let Some(at) = work.current() {
        if budget.full() {
            break;
        }
        match one(state, &work, at)? {
            One::Skipped => work.advance(),
            One::Expunged => {
                work.expunged = true;
                work.advance();
            }
            One::Failed(e) => {
                failure = Some(e);
                break;
            }
            One::Answer(answer) => {
                if answer.unseen && work.plan.sets_seen && work.item == 0 {
                    unseen.note(at.uid, reply.responses.len());
                }
                reply = reply.data(answer.data);
                budget.spend(answer.literal);
                match answer.rest {
                    // The split message continues in the next batch.
                    Some(item) => {
                        work.item = item;
                        break;
                    }
                    None => work.advance(),
                }
            }
        }
    }
    unseen.mark(state, &work.plan, &mut reply.responses)?;
    if let Some(e) = failure {
        return Ok(reply.status(failed(work.tag, &e)));
    }
    if work.current().is_some() {
        state.pending = Some(work);
        return Ok(reply.more());
    }
    Ok(reply.status(completed(&work)))
}

/// What became of one addressed message.
enum One {
    Answer(Answer),
    /// Not changed since CHANGEDSINCE.
    Skipped,
    /// Expunged by another session: skipped.
    Expunged,
    /// An item could not be produced: the command ends here.
    Failed(ItemError),
}

struct Answer {
    data: Data,
    /// The message had no `\Seen` when answered.
    unseen: bool,
    /// Its literal bytes, for the batch's budget.
    literal: usize,
    /// The first item left for another FETCH response, when the message's
    /// answer was split.
    rest: Option<usize>,
}

/// The FETCH response for one message, from item `work.item` on.
fn one(state: &Selected, work: &PendingFetch, at: Addressed) -> Result<One, CommandError> {
    let plan = &work.plan;
    let meta = state.view.meta(at.uid);
    if let Some(since) = work.changed_since {
        // RFC 7162 §3.1.4.1: only messages changed after `since`. With
        // VANISHED, an expunged one was just reported as such.
        let wanted = meta.as_ref().map_or(!work.vanished, |m| m.modseq.0 > since);
        if !wanted {
            return Ok(One::Skipped);
        }
    }
    let (Some(meta), Some(seq)) = (meta, NonZeroU32::new(at.seq)) else {
        return Ok(One::Expunged);
    };
    let items = plan.items.get(work.item..).unwrap_or_default();
    // A continued answer needs only what its remaining items need.
    let (wants_file, wants_structure) = if work.item == 0 {
        (plan.needs_file, plan.needs_structure)
    } else {
        (
            items.iter().any(fetch_plan::needs_file),
            items.iter().any(fetch_plan::needs_structure),
        )
    };
    let cached = if wants_structure {
        fetch_cache::lookup(&state.view, at.uid)
    } else {
        None
    };
    let missed = wants_structure && cached.is_none();
    let raw = if wants_file || missed {
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
        meta: &meta,
        recent: updates::recent(state, at.uid),
        content,
        structure,
    };
    let mut data = Vec::with_capacity(items.len() + 3);
    if work.item > 0 && work.repeats_uid() {
        data.push(FetchData::Uid(at.uid.0));
    }
    let split = fetch_pending::split_at(meta.size);
    let unseen = !meta.flags.contains(SystemFlags::SEEN);
    let mut literal = 0usize;
    for (i, item) in items.iter().enumerate() {
        let value = match fetch_items::data(item, &subject) {
            Ok(value) => value,
            Err(e) => return Ok(One::Failed(e)),
        };
        literal = literal.saturating_add(fetch_pending::literal_len(&value));
        data.push(value);
        if literal > split && i + 1 < items.len() {
            return Ok(One::Answer(Answer {
                data: Data::Fetch { seq, items: data },
                literal,
                rest: Some(work.item + i + 1),
                unseen,
            }));
        }
    }
    Ok(One::Answer(Answer {
        data: Data::Fetch { seq, items: data },
        literal,
        rest: None,
        unseen,
    }))
}

/// The tagged OK that ends a FETCH.
fn completed(work: &PendingFetch) -> StatusResponse {
    let tag = work.tag.clone();
    if work.expunged {
        return StatusResponse::tagged(
            tag,
            StatusKind::Ok,
            Some(Code::ExpungeIssued),
            "Some messages were already expunged.",
        );
    }
    let name = match work.mode {
        UidMode::Seq => "FETCH",
        UidMode::Uid => "UID FETCH",
    };
    StatusResponse::tagged(tag, StatusKind::Ok, None, format!("{name} completed"))
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
