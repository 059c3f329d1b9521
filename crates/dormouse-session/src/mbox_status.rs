//! The `* STATUS` response for one mailbox (RFC 9051 §7.3.2), shared by
//! STATUS and LIST's RETURN (STATUS ...) (RFC 5819): the items in the order
//! asked, each once. It does not decide which mailboxes to report.

use dormouse_proto::{Data, StatusItem};
use dormouse_storage::{MailboxName, MailboxStatus, StorageError};

use crate::extensions::Extension;
use crate::mbox_names::WireForm;
use crate::state::Authenticated;

/// RFC 7162 §3.1: asking for HIGHESTMODSEQ is a CONDSTORE-enabling
/// command, so later FETCH responses carry MODSEQ.
pub(crate) fn enable_condstore_if_asked(auth: &mut Authenticated, items: &[StatusItem]) {
    if items.contains(&StatusItem::HighestModSeq) {
        auth.enabled.insert(Extension::Condstore);
    }
}

pub(crate) fn status_data(
    auth: &Authenticated,
    name: &MailboxName,
    items: &[StatusItem],
) -> Result<Data, StorageError> {
    let status = auth.mail.status(name)?;
    let mut values: Vec<(StatusItem, u64)> = Vec::with_capacity(items.len());
    for &item in items {
        if !values.iter().any(|(have, _)| *have == item) {
            values.push((item, value(&status, item)));
        }
    }
    Ok(Data::Status {
        mailbox: WireForm::of(auth).encode(name.as_str()),
        items: values,
    })
}

fn value(status: &MailboxStatus, item: StatusItem) -> u64 {
    match item {
        StatusItem::Messages => status.messages.into(),
        StatusItem::Recent => status.recent.into(),
        StatusItem::UidNext => status.uid_next.0.get().into(),
        StatusItem::UidValidity => status.uidvalidity.0.get().into(),
        StatusItem::Unseen => status.unseen.into(),
        StatusItem::Deleted => status.deleted.into(),
        StatusItem::Size => status.size,
        StatusItem::HighestModSeq => status.highest_modseq.0,
    }
}
