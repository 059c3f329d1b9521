//! Storing a complete LMTP message for each recipient: the user's Maildir
//! is opened through the shared `MailAccess` (the one `Store` of the
//! process) and the message appended on a blocking thread. A recipient's
//! result is `Saved` only once `append` returned, which is after the file
//! was fsync'd, renamed into `cur/` and its UID logged.
//!
//! `user+detail` goes into the mailbox `detail` when the user has one and
//! into INBOX otherwise, as Dovecot's `lmtp_save_to_detail_mailbox`; the
//! detail mailbox is never created.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use dormouse_lmtp::{Accepted, Delivery, RecipientResult, stored_message};
use dormouse_session::MailAccess;
use dormouse_storage::{Fault, MailboxName, NewMessage, StorageError, Uid};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use crate::lmtp::directory::Account;
use crate::session_id::SessionId;

/// Recipients stored at once. Each append waits on fsync; overlapping a
/// few lets the file system commit them together, while a transaction of
/// 1,000 recipients still does not take 1,000 blocking threads.
const PARALLEL: usize = 8;

/// Where a message went, for the log.
#[derive(Clone, Copy)]
enum Target {
    Inbox,
    Detail,
}

impl Target {
    fn as_str(self) -> &'static str {
        match self {
            Target::Inbox => "INBOX",
            Target::Detail => "detail",
        }
    }
}

/// One result per recipient, in RCPT order.
pub(crate) async fn deliver(
    mail: &Arc<dyn MailAccess>,
    session: SessionId,
    delivery: Delivery<Account>,
) -> Vec<RecipientResult> {
    let Delivery {
        sender,
        recipients,
        body,
    } = delivery;
    let shared = Arc::new((sender, body));
    let mut results = Vec::with_capacity(recipients.len());
    let mut running: VecDeque<JoinHandle<RecipientResult>> = VecDeque::new();
    for rcpt in recipients {
        if running.len() >= PARALLEL
            && let Some(task) = running.pop_front()
        {
            results.push(joined(task.await, session));
        }
        let mail = mail.clone();
        let shared = shared.clone();
        running.push_back(tokio::task::spawn_blocking(move || {
            let (sender, body) = &*shared;
            store_one(&*mail, session, &rcpt, sender, body)
        }));
    }
    for task in running {
        results.push(joined(task.await, session));
    }
    results
}

fn joined(
    result: Result<RecipientResult, tokio::task::JoinError>,
    session: SessionId,
) -> RecipientResult {
    result.unwrap_or_else(|e| {
        warn!(session = %session, error = %e, "delivery task failed");
        RecipientResult::Deferred
    })
}

/// Blocking: opens the user's tree and appends; logs the outcome.
fn store_one(
    mail: &dyn MailAccess,
    session: SessionId,
    rcpt: &Accepted<Account>,
    sender: &str,
    body: &[u8],
) -> RecipientResult {
    let started = Instant::now();
    let message = stored_message(sender, &rcpt.address, body);
    let size = message.len();
    match append(mail, &rcpt.account, message) {
        Ok((target, uid)) => {
            // User names stay out of info lines, as at login.
            info!(
                session = %session,
                mailbox = target.as_str(),
                size,
                uid = uid.map_or(0, |u| u.0.get()),
                duration_ms = started.elapsed().as_millis() as u64,
                "delivered"
            );
            debug!(
                session = %session,
                user = %rcpt.account.entry.name,
                detail = rcpt.account.detail.as_deref().unwrap_or(""),
                "delivered to user"
            );
            RecipientResult::Saved
        }
        Err(e) => {
            warn!(session = %session, error = %e, fault = ?e.fault(), "delivery failed");
            debug!(session = %session, user = %rcpt.account.entry.name, "delivery failed for user");
            RecipientResult::Deferred
        }
    }
}

fn append(
    mail: &dyn MailAccess,
    account: &Account,
    data: Vec<u8>,
) -> Result<(Target, Option<Uid>), StorageError> {
    let user = mail.open(&account.entry.name, account.entry.home.as_deref())?;
    let message = |data| {
        vec![NewMessage {
            data,
            ..NewMessage::default()
        }]
    };
    if let Some(Ok(name)) = account.detail.as_deref().map(|d| user.name(d))
        && !name.is_inbox()
    {
        match user.append(&name, message(data.clone())) {
            Ok(result) => return Ok((Target::Detail, result.uids.first().copied())),
            // No such mailbox (or one that cannot take mail): INBOX
            // instead. A storage failure is not a reason to deliver
            // elsewhere; the MTA retries.
            Err(e) if e.fault() == Fault::Client => {}
            Err(e) => return Err(e),
        }
    }
    let inbox = MailboxName::inbox(user.separator());
    let result = user.append(&inbox, message(data))?;
    Ok((Target::Inbox, result.uids.first().copied()))
}
