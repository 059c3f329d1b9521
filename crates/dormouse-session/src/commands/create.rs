//! CREATE (RFC 9051 §6.3.4) with RFC 6154's `USE (...)`: a new mailbox,
//! its missing parents too (the store makes them real mailboxes), and at
//! most one special use. `\All` and `\Flagged` are refused: they promise
//! virtual mailboxes (every message, every flagged message) that a Maildir
//! folder is not.

use dormouse_proto::{Command, CommandBody};
use dormouse_storage::SpecialUse;

use super::{Context, HandlerResult, Reply};
use crate::errors::{CommandError, Refusal};
use crate::mbox_names::name_to_create;
use crate::state::Authenticated;

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let CommandBody::Create {
        mailbox,
        special_use,
    } = &command.body
    else {
        return Err(super::misrouted(&command.body));
    };
    let name = name_to_create(state, mailbox)?;
    let special_use = special_use_of(special_use)?;
    state.mail.create(&name, special_use)?;
    Ok(Reply::new().ok(command.tag, "CREATE completed"))
}

/// RFC 6154 §3: a special use the server cannot give the mailbox fails the
/// CREATE with NO [USEATTR]. The store records one use per mailbox, so two
/// different ones fail the same way; the same one twice is just that one.
fn special_use_of(attributes: &[String]) -> Result<Option<SpecialUse>, CommandError> {
    let mut chosen: Option<SpecialUse> = None;
    for attribute in attributes {
        let use_ = SpecialUse::from_attribute(&format!("\\{attribute}"))
            .filter(|u| !matches!(u, SpecialUse::All | SpecialUse::Flagged))
            .ok_or(Refusal::UnsupportedSpecialUse)?;
        match chosen {
            Some(have) if have != use_ => return Err(Refusal::UnsupportedSpecialUse.into()),
            _ => chosen = Some(use_),
        }
    }
    Ok(chosen)
}
