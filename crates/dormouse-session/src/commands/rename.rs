//! RENAME (RFC 9051 §6.3.6): the mailbox and all its children move to the
//! new name; RENAME INBOX moves INBOX's messages into a new mailbox and
//! leaves INBOX empty. Subscriptions follow the renamed names (except for
//! INBOX, which stays), as in Dovecot, so a renamed folder does not vanish
//! from clients that list subscribed mailboxes.

use dormouse_proto::{Command, CommandBody};
use dormouse_storage::{MailboxName, StorageError, UserStore};

use super::{Context, HandlerResult, Reply};
use crate::convert::mailbox_name;
use crate::errors::CommandError;
use crate::state::Authenticated;

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let CommandBody::Rename { from, to } = &command.body else {
        return Err(super::misrouted(&command.body));
    };
    let from = mailbox_name(state, from)?;
    let to = mailbox_name(state, to)?;
    state.mail.rename(&from, &to)?;
    let mut reply = Reply::new();
    if !from.is_inbox()
        && let Err(e) = move_subscriptions(&state.mail, &from, &to)
    {
        // The mailboxes have moved, so the command succeeded; the client
        // hears of the subscriptions left behind as a warning.
        reply.responses.push(CommandError::from(e).untagged());
    }
    Ok(reply.ok(command.tag, "RENAME completed"))
}

fn move_subscriptions(
    mail: &UserStore,
    from: &MailboxName,
    to: &MailboxName,
) -> Result<(), StorageError> {
    for subscribed in mail.subscriptions()? {
        // A subscription the store cannot parse (written by other
        // software) is not one of the renamed names.
        let Ok(old) = mail.name(&subscribed) else {
            continue;
        };
        if old == *from || old.child_of(from) {
            let new = old.rebase(from, to)?;
            mail.unsubscribe(&old)?;
            mail.subscribe(&new)?;
        }
    }
    Ok(())
}
