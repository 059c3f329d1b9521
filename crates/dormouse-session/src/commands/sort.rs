//! SORT and UID SORT (RFC 5256 §3, RFC 5957 SORT=DISPLAY): a SEARCH whose
//! result comes back as `* SORT` in the requested order, with the RFC 7162
//! `(MODSEQ n)` when the keys use MODSEQ. The ESORT return options
//! (RFC 5267) are not implemented, so `SORT RETURN (...)` is a BAD rather
//! than an answer in a form the client did not ask for.

use dormouse_proto::{Command, CommandBody, Data, UidMode};

use super::search::{Answer, completed_as};
use super::{Context, HandlerResult, Reply, misrouted};
use crate::errors::ClientError;
use crate::fetch_condstore;
use crate::search_charset;
use crate::search_eval::{self, Scope};
use crate::search_sort;
use crate::state::Selected;

pub(super) fn run(_ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    let Command { tag, body } = command;
    let sort = match body {
        CommandBody::Sort(sort) => sort,
        other => return Err(misrouted(&other)),
    };
    if sort.returns.is_some() {
        return Err(ClientError::Unsupported {
            what: "SORT RETURN (ESORT)".into(),
        }
        .into());
    }
    search_charset::check(Some(&sort.charset))?;
    let mut reply = Reply::new();
    let with_modseq = search_eval::uses_modseq(&sort.search);
    if with_modseq && let Some(notice) = fetch_condstore::enable(state) {
        reply.responses.push(notice);
    }
    let mut found = search_eval::run(
        &Scope {
            view: &state.view,
            saved: &state.saved,
            now: search_eval::now(),
        },
        &sort.search,
    )?;
    let sorted = search_sort::order(&state.view, std::mem::take(&mut found.hits), &sort.criteria)?;
    found.lost |= sorted.lost;
    let answer = Answer {
        mode: sort.mode,
        with_modseq,
    };
    let name = match sort.mode {
        UidMode::Seq => "SORT",
        UidMode::Uid => "UID SORT",
    };
    Ok(reply
        .data(Data::Sort {
            ids: sorted.hits.iter().filter_map(|h| answer.id(h)).collect(),
            modseq: answer.modseq(&sorted.hits),
        })
        .status(completed_as(tag, &found, name)))
}
