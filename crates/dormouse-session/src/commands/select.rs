//! SELECT and EXAMINE (RFC 9051 §6.3.2–3; RFC 3501 for IMAP4rev1 clients):
//! open a mailbox read-write or read-only and describe it in the order
//! Dovecot does, with the RFC 7162 `(CONDSTORE)` and `(QRESYNC ...)`
//! parameters. The session has already closed any previous mailbox, so a
//! failure here leaves the connection authenticated.

mod qresync;

use std::num::NonZeroU32;

use dormouse_proto::{
    Code, Command, CommandBody, Data, ListData, Response, StatusKind, StatusResponse,
};
use dormouse_storage::{Access, MailboxName};

use super::{Context, HandlerResult, Reply, misrouted};
use crate::convert;
use crate::errors::{ClientError, CommandError};
use crate::extensions::Extension;
use crate::mbox_names::WireForm;
use crate::state::{Authenticated, Selected, State};
use crate::updates;

pub(super) fn run(ctx: &Context<'_>, state: &mut Authenticated, command: Command) -> HandlerResult {
    let (mailbox, params, access) = match command.body {
        CommandBody::Select { mailbox, params } => (mailbox, params, Access::ReadWrite),
        CommandBody::Examine { mailbox, params } => (mailbox, params, Access::ReadOnly),
        other => return Err(misrouted(&other)),
    };
    let resync = match &params.qresync {
        // RFC 7162 §3.2.5: the parameter is only valid after ENABLE QRESYNC.
        Some(_) if !state.enabled.contains(Extension::Qresync) => {
            return Err(ClientError::QresyncNotEnabled.into());
        }
        Some(q) => Some(qresync::Resync::parse(q)?),
        None => None,
    };
    if params.condstore {
        // RFC 7162 §3.1: a CONDSTORE-enabling command, for the connection.
        state.enabled.insert(Extension::Condstore);
    }
    let name = convert::mailbox_name(state, &mailbox)?;
    let mut view = state.mail.open(&name, access)?;
    if let Some(watcher) = ctx.watcher {
        // The bus and inotify entries outlive the command (and the
        // session's active phase, if it parks).
        dormouse_alloc::long_lived(|| view.watch(watcher.clone()));
    }
    let selected = Selected::new(state.clone(), name, view);

    let mut reply = Reply::new();
    reply.responses = describe(&selected)?;
    if let Some(resync) = resync {
        reply.responses.extend(resync.responses(&selected)?);
    }
    let (code, text) = match access {
        Access::ReadWrite => (Code::ReadWrite, "SELECT completed"),
        Access::ReadOnly => (Code::ReadOnly, "EXAMINE completed"),
    };
    Ok(reply
        .status(StatusResponse::tagged(
            command.tag,
            StatusKind::Ok,
            Some(code),
            text,
        ))
        .enter(State::Selected(selected)))
}

/// The untagged responses that describe a freshly selected mailbox.
fn describe(selected: &Selected) -> Result<Vec<Response>, CommandError> {
    let view = &selected.view;
    let rev2 = selected.enabled(Extension::Imap4rev2);
    let mut out = updates::flag_lists(&view.keywords()?, view.access());
    out.push(Response::Data(Data::Exists(view.exists())));
    if !rev2 {
        // IMAP4rev2 dropped RECENT and the UNSEEN code (RFC 9051 App. E).
        out.push(Response::Data(Data::Recent(view.recent())));
        if let Some(seq) = view.first_unseen().and_then(NonZeroU32::new) {
            out.push(ok_code(Code::Unseen(seq), "First unseen."));
        }
    }
    out.push(ok_code(
        Code::UidValidity(view.uidvalidity().0),
        "UIDs valid",
    ));
    out.push(ok_code(
        Code::UidNext(view.uid_next().0),
        "Predicted next UID",
    ));
    // RFC 7162 §3.1.2.1: a server with persistent modseqs sends this on
    // every SELECT, CONDSTORE-aware client or not.
    out.push(ok_code(
        Code::HighestModSeq(view.highest_modseq().0),
        "Highest",
    ));
    if rev2 {
        // RFC 9051 §6.3.2: the server MUST return a LIST response with the
        // mailbox name and accurate attributes.
        out.extend(list_response(&selected.authenticated, &selected.mailbox)?);
    }
    Ok(out)
}

fn ok_code(code: Code, text: &str) -> Response {
    Response::Status(StatusResponse::untagged(StatusKind::Ok, Some(code), text))
}

/// `* LIST (attributes) "sep" name` for the selected mailbox.
fn list_response(
    auth: &Authenticated,
    name: &MailboxName,
) -> Result<Option<Response>, CommandError> {
    let Some(info) = auth
        .mail
        .list()?
        .into_iter()
        .find(|info| info.name == name.as_str())
    else {
        return Ok(None);
    };
    let mut attributes = vec![if info.has_children {
        "HasChildren".to_string()
    } else {
        "HasNoChildren".to_string()
    }];
    if let Some(special) = info.special_use {
        let attr = special.attribute();
        attributes.push(attr.strip_prefix('\\').unwrap_or(attr).to_string());
    }
    Ok(Some(Response::Data(Data::List(ListData {
        attributes,
        delimiter: Some(auth.mail.separator()),
        mailbox: WireForm::of(auth).encode(name.as_str()),
        extended: Vec::new(),
    }))))
}
