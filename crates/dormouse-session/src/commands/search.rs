//! SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4), with ESEARCH
//! return options (RFC 4731), SEARCHRES `SAVE` and `$` (RFC 5182) and the
//! RFC 7162 MODSEQ key. An IMAP4rev1 client without RETURN gets `* SEARCH`;
//! after `ENABLE IMAP4rev2`, which has no `* SEARCH`, it gets ESEARCH as if
//! it had asked for `RETURN (ALL)`. Matching itself is in `search_eval`.

use std::num::NonZeroU32;

use dormouse_proto::{
    Code, Command, CommandBody, Data, ESearch, SearchReturn, StatusKind, StatusResponse, Tag,
    UidMode,
};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::extensions::Extension;
use crate::fetch_condstore;
use crate::search_charset;
use crate::search_eval::{self, Found, Hit, Scope};
use crate::state::Selected;

pub(super) fn run(_ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    let Command { tag, body } = command;
    let search = match body {
        CommandBody::Search(search) => search,
        other => return Err(misrouted(&other)),
    };
    let returns = match (&search.returns, state.enabled(Extension::Imap4rev2)) {
        (Some(r), _) => Some(r.clone()),
        (None, true) => Some(Vec::new()),
        (None, false) => None,
    };
    let save = returns
        .as_ref()
        .is_some_and(|r| r.contains(&SearchReturn::Save));
    // RFC 5182 §2.1: a SEARCH SAVE that fails leaves `$` empty, so clear it
    // first; `$` in these very keys still means the previous result.
    let previous = save.then(|| std::mem::take(&mut state.saved));
    search_charset::check(search.charset.as_deref())?;
    let mut reply = Reply::new();
    let with_modseq = search_eval::uses_modseq(&search.criteria);
    if with_modseq && let Some(notice) = fetch_condstore::enable(state) {
        reply.responses.push(notice);
    }
    let found = search_eval::run(
        &Scope {
            view: &state.view,
            saved: previous.as_deref().unwrap_or(&state.saved),
            now: search_eval::now(),
        },
        &search.criteria,
    )?;
    let answer = Answer {
        mode: search.mode,
        with_modseq,
    };
    match returns {
        None => reply = reply.data(answer.plain(&found.hits)),
        Some(options) => {
            let options = if options.is_empty() {
                vec![SearchReturn::All]
            } else {
                options
            };
            let returned = answer.returned(&found.hits, &options);
            if save {
                state.saved = returned.iter().map(|h| h.uid).collect();
            }
            // RFC 5182 §2.1 example: `RETURN (SAVE)` alone answers nothing
            // but the tagged OK.
            if options.iter().any(|o| *o != SearchReturn::Save) {
                reply = reply.data(answer.esearch(&tag, &found.hits, &returned, options));
            }
        }
    }
    let name = match search.mode {
        UidMode::Seq => "SEARCH",
        UidMode::Uid => "UID SEARCH",
    };
    Ok(reply.status(completed_as(tag, &found, name)))
}

/// The tagged OK of SEARCH, SORT and THREAD, with EXPUNGEISSUED when some
/// message could not be looked at, as Dovecot answers.
pub(super) fn completed_as(tag: Tag, found: &Found, name: &str) -> StatusResponse {
    if found.lost {
        StatusResponse::tagged(
            tag,
            StatusKind::Ok,
            Some(Code::ExpungeIssued),
            format!("{name} completed, some messages were already expunged"),
        )
    } else {
        StatusResponse::tagged(tag, StatusKind::Ok, None, format!("{name} completed"))
    }
}

/// How results are numbered and whether MODSEQ goes with them.
pub(super) struct Answer {
    pub(super) mode: UidMode,
    pub(super) with_modseq: bool,
}

impl Answer {
    pub(super) fn id(&self, hit: &Hit) -> Option<NonZeroU32> {
        match self.mode {
            UidMode::Seq => NonZeroU32::new(hit.seq),
            UidMode::Uid => Some(hit.uid.0),
        }
    }

    /// RFC 7162 §3.1.6: the highest modseq of the messages returned; none
    /// when nothing matched.
    pub(super) fn modseq(&self, hits: &[Hit]) -> Option<u64> {
        if !self.with_modseq {
            return None;
        }
        hits.iter().map(|h| h.meta.modseq.0).max()
    }

    /// `* SEARCH 2 3 5 (MODSEQ 9)`.
    fn plain(&self, hits: &[Hit]) -> Data {
        Data::Search {
            ids: hits.iter().filter_map(|h| self.id(h)).collect(),
            modseq: self.modseq(hits),
        }
    }

    /// The messages a RETURN list reports on, which is also what SAVE
    /// stores: with only MIN and/or MAX, just those (RFC 5182 §2.1);
    /// otherwise all of them.
    fn returned(&self, hits: &[Hit], options: &[SearchReturn]) -> Vec<Hit> {
        let only_extremes = options.iter().all(|o| {
            matches!(
                o,
                SearchReturn::Min | SearchReturn::Max | SearchReturn::Save
            )
        }) && options
            .iter()
            .any(|o| matches!(o, SearchReturn::Min | SearchReturn::Max));
        if !only_extremes {
            return hits.to_vec();
        }
        let mut out: Vec<Hit> = Vec::new();
        if options.contains(&SearchReturn::Min)
            && let Some(first) = hits.first()
        {
            out.push(first.clone());
        }
        if options.contains(&SearchReturn::Max)
            && let Some(last) = hits.last()
            && out.last().is_none_or(|h| h.uid != last.uid)
        {
            out.push(last.clone());
        }
        out
    }

    /// `* ESEARCH (TAG "t") [UID] MIN a MAX b ALL set COUNT n MODSEQ m`
    /// (RFC 4731 §3.1): MIN, MAX and ALL only when something matched.
    fn esearch(
        &self,
        tag: &Tag,
        hits: &[Hit],
        returned: &[Hit],
        options: Vec<SearchReturn>,
    ) -> Data {
        let ids: Vec<NonZeroU32> = hits.iter().filter_map(|h| self.id(h)).collect();
        Data::ESearch(ESearch {
            tag: Some(tag.clone()),
            uid: self.mode == UidMode::Uid,
            min: ids.first().copied(),
            max: ids.last().copied(),
            all: dormouse_proto::encode::compact_set(&ids),
            count: Some(u32::try_from(ids.len()).unwrap_or(u32::MAX)),
            modseq: self.modseq(returned),
            requested: options,
        })
    }
}
