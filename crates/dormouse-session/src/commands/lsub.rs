//! LSUB (RFC 3501 §6.3.9; IMAP4rev2 dropped it for LIST (SUBSCRIBED), but
//! IMAP4rev1 clients still use it): the subscribed names matching the
//! pattern. A subscribed name that is not a mailbox (deleted since, or
//! never created) is `\Noselect`; so is a name that is not subscribed but
//! has subscribed children, listed only for a pattern ending in `%` as RFC
//! 3501 requires. No other attributes: LSUB's are not meant to be accurate
//! (RFC 5258 §3), and children are LIST's business.

use dormouse_proto::{Command, CommandBody, Data, ListData};

use super::{Context, HandlerResult, Reply};
use crate::mbox_listing::{Criteria, Sources, candidates};
use crate::mbox_pattern::Pattern;
use crate::state::Authenticated;

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let CommandBody::Lsub { reference, pattern } = &command.body else {
        return Err(super::misrouted(&command.body));
    };
    let separator = state.mail.separator();
    let patterns = [Pattern::new(&reference.0, pattern, separator)];
    let criteria = Criteria {
        subscribed: true,
        special_use: false,
    };
    let mut reply = Reply::new();
    let found = candidates(
        state,
        Sources::MailboxesAndSubscriptions,
        criteria,
        &patterns,
    )?;
    for c in found {
        let shown = c.meets || (c.child_meets && c.by_level);
        if !shown {
            continue;
        }
        let attributes = if c.meets && c.selectable {
            Vec::new()
        } else {
            vec!["Noselect".to_owned()]
        };
        reply = reply.data(Data::Lsub(ListData {
            attributes,
            delimiter: Some(separator),
            mailbox: c.wire,
            extended: Vec::new(),
        }));
    }
    Ok(reply.ok(command.tag, "LSUB completed"))
}
