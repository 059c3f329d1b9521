//! LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258): selection options
//! SUBSCRIBED, REMOTE (a no-op: there are no remote mailboxes),
//! RECURSIVEMATCH and SPECIAL-USE (RFC 6154); return options SUBSCRIBED,
//! CHILDREN, SPECIAL-USE and STATUS (RFC 5819: one `* STATUS` right after
//! the `* LIST` of each mailbox); several patterns. Unknown options are BAD.
//!
//! Attributes: `\HasChildren`/`\HasNoChildren` always (IMAP4rev2 requires
//! them, and they cost nothing here); special uses always, as RFC 6154
//! allows and Dovecot does, so the SPECIAL-USE return option changes
//! nothing; `\Subscribed` only when asked for. A name that is only a
//! parent of mailboxes is listed when a pattern ending in `%` matches it
//! (RFC 9051 §6.3.9) or for RECURSIVEMATCH, as `\Noselect` in a basic LIST
//! and `\NonExistent` in an extended one (as Dovecot does).

use dormouse_proto::{
    Command, CommandBody, Data, List, ListData, ListExtended, ListReturn, ListSelect, StatusItem,
};

use super::{Context, HandlerResult, Reply};
use crate::errors::{ClientError, CommandError};
use crate::mbox_listing::{Candidate, Criteria, Sources, candidates};
use crate::mbox_pattern::{self, Pattern};
use crate::mbox_status::{enable_condstore_if_asked, status_data};
use crate::state::Authenticated;

/// Whether the client used any LIST-EXTENDED syntax; it decides how names
/// that are not mailboxes are marked and whether `""` is special.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Basic,
    Extended,
}

struct Request {
    form: Form,
    criteria: Criteria,
    recursive: bool,
    return_subscribed: bool,
    status: Option<Vec<StatusItem>>,
}

impl Request {
    fn new(list: &List) -> Result<Request, CommandError> {
        let mut criteria = Criteria::default();
        let mut recursive = false;
        for option in &list.selection {
            match option {
                ListSelect::Subscribed => criteria.subscribed = true,
                ListSelect::SpecialUse => criteria.special_use = true,
                ListSelect::RecursiveMatch => recursive = true,
                ListSelect::Remote => {}
                ListSelect::Other(option) => return Err(unknown(option)),
            }
        }
        let mut return_subscribed = criteria.subscribed;
        let mut status: Option<Vec<StatusItem>> = None;
        for option in &list.returns {
            match option {
                ListReturn::Subscribed => return_subscribed = true,
                ListReturn::Children | ListReturn::SpecialUse => {}
                ListReturn::Status(items) => status.get_or_insert_default().extend(items),
                ListReturn::Other(option) => return Err(unknown(option)),
            }
        }
        let extended =
            !list.selection.is_empty() || !list.returns.is_empty() || list.patterns.len() > 1;
        Ok(Request {
            form: if extended {
                Form::Extended
            } else {
                Form::Basic
            },
            criteria,
            recursive,
            return_subscribed,
            status,
        })
    }

    fn sources(&self) -> Sources {
        if self.criteria.subscribed || self.return_subscribed {
            Sources::MailboxesAndSubscriptions
        } else {
            Sources::Mailboxes
        }
    }

    fn has_base_selection(&self) -> bool {
        self.criteria.subscribed || self.criteria.special_use
    }

    fn shows(&self, c: &Candidate) -> bool {
        c.meets
            || (self.recursive && c.child_meets)
            || (!self.has_base_selection() && c.in_store && c.by_level)
    }

    /// RFC 5258 §3.5: the base options some child meets.
    fn child_info(&self) -> Vec<ListReturn> {
        let mut info = Vec::new();
        if self.criteria.subscribed {
            info.push(ListReturn::Subscribed);
        }
        if self.criteria.special_use {
            info.push(ListReturn::SpecialUse);
        }
        info
    }
}

fn unknown(option: &str) -> CommandError {
    ClientError::UnknownListOption {
        option: option.to_owned(),
    }
    .into()
}

pub(super) fn run(
    _ctx: &Context<'_>,
    state: &mut Authenticated,
    command: Command,
) -> HandlerResult {
    let CommandBody::List(list) = &command.body else {
        return Err(super::misrouted(&command.body));
    };
    let request = Request::new(list)?;
    let separator = state.mail.separator();
    let reference = list.reference.0.as_str();
    if request.form == Form::Basic && list.patterns.iter().all(String::is_empty) {
        // RFC 9051 §6.3.9: `""` asks for the separator and the root.
        let root = ListData {
            attributes: vec!["Noselect".into()],
            delimiter: Some(separator),
            mailbox: mbox_pattern::root(reference, separator),
            extended: Vec::new(),
        };
        return Ok(Reply::new()
            .data(Data::List(root))
            .ok(command.tag, "LIST completed"));
    }
    // In extended syntax `""` has no special meaning and matches nothing.
    let patterns: Vec<Pattern> = list
        .patterns
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| Pattern::new(reference, p, separator))
        .collect();
    let mut reply = Reply::new();
    for candidate in candidates(state, request.sources(), request.criteria, &patterns)? {
        if !request.shows(&candidate) {
            continue;
        }
        reply = reply.data(Data::List(list_data(&request, &candidate, separator)));
        if let (Some(items), true) = (&request.status, candidate.selectable) {
            let name = state.mail.name(&candidate.name)?;
            // A mailbox deleted since it was listed just has no STATUS;
            // other failures are reported without failing the LIST.
            match status_data(state, &name, items) {
                Ok(data) => reply = reply.data(data),
                Err(dormouse_storage::StorageError::NoSuchMailbox) => {}
                Err(e) => {
                    reply.responses.push(CommandError::from(e).untagged());
                }
            }
        }
    }
    if let Some(items) = &request.status {
        enable_condstore_if_asked(state, items);
    }
    Ok(reply.ok(command.tag, "LIST completed"))
}

/// Attributes in Dovecot's order: `\Subscribed`, `\Noselect` or
/// `\NonExistent`, children, special use.
fn list_data(request: &Request, c: &Candidate, separator: char) -> ListData {
    let mut attributes: Vec<String> = Vec::new();
    if request.return_subscribed && c.subscribed {
        attributes.push("Subscribed".into());
    }
    if !c.selectable {
        attributes.push(match request.form {
            Form::Basic => "Noselect".into(),
            Form::Extended => "NonExistent".into(),
        });
    }
    attributes.push(if c.has_children {
        "HasChildren".into()
    } else {
        "HasNoChildren".into()
    });
    if let Some(use_) = c.special_use {
        attributes.push(use_.attribute().trim_start_matches('\\').to_owned());
    }
    let mut extended = Vec::new();
    if request.recursive && c.child_meets {
        extended.push(ListExtended::ChildInfo(request.child_info()));
    }
    ListData {
        attributes,
        delimiter: Some(separator),
        mailbox: c.wire.clone(),
        extended,
    }
}
