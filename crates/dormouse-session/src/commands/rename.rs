//! RENAME (RFC 9051 §6.3.6): the mailbox and all its children move to the
//! new name; RENAME INBOX moves INBOX's messages into a new mailbox and
//! leaves INBOX empty. Subscriptions follow the renamed names (except for
//! INBOX, which stays), as in Dovecot, so a renamed folder does not vanish
//! from clients that list subscribed mailboxes.

use dormouse_proto::{Command, CommandBody};
use dormouse_storage::{MailboxName, StorageError, UserStore};

use super::{Context, HandlerResult, Reply};
use crate::convert::mailbox_name;
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
    if !from.is_inbox() {
        move_subscriptions(&state.mail, &from, &to)?;
    }
    Ok(Reply::new().ok(command.tag, "RENAME completed"))
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
