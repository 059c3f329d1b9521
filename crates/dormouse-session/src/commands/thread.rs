//! THREAD and UID THREAD (RFC 5256 §3): the messages a SEARCH finds,
//! threaded by ORDEREDSUBJECT or REFERENCES. Any other algorithm is a BAD,
//! as in Dovecot: the capability list names the two this server has.

use dormouse_proto::{Command, CommandBody, Data, UidMode};

use super::search::completed_as;
use super::{Context, HandlerResult, Reply, misrouted};
use crate::errors::ClientError;
use crate::search_charset;
use crate::search_eval::{self, Scope};
use crate::search_thread;
use crate::state::Selected;

#[derive(Clone, Copy)]
enum Algorithm {
    OrderedSubject,
    References,
}

pub(super) fn run(_ctx: &Context<'_>, state: &mut Selected, command: Command) -> HandlerResult {
    let Command { tag, body } = command;
    let thread = match body {
        CommandBody::Thread(thread) => thread,
        other => return Err(misrouted(&other)),
    };
    let algorithm = match thread.algorithm.to_ascii_uppercase().as_str() {
        "ORDEREDSUBJECT" => Algorithm::OrderedSubject,
        "REFERENCES" => Algorithm::References,
        _ => {
            return Err(ClientError::Unsupported {
                what: format!("THREAD algorithm {}", thread.algorithm),
            }
            .into());
        }
    };
    search_charset::check(Some(&thread.charset))?;
    let mut found = search_eval::run(
        &Scope {
            view: &state.view,
            saved: &state.saved,
            now: search_eval::now(),
        },
        &thread.search,
    )?;
    let (facts, lost) = search_thread::load(&state.view, &found.hits, thread.mode)?;
    found.lost |= lost;
    let threads = match algorithm {
        Algorithm::OrderedSubject => search_thread::ordered_subject(facts),
        Algorithm::References => search_thread::references(&facts),
    };
    let name = match thread.mode {
        UidMode::Seq => "THREAD",
        UidMode::Uid => "UID THREAD",
    };
    Ok(Reply::new()
        .data(Data::Thread(threads))
        .status(completed_as(tag, &found, name)))
}
