//! Mailbox names for the mailbox-level commands: how names travel on this
//! connection (modified UTF-7, or UTF-8 after ENABLE UTF8=ACCEPT), the
//! store's names encoded for responses, and CREATE's tolerance of a
//! trailing hierarchy separator. Decoding and validating one client name is
//! `convert::mailbox_name`; LIST patterns are `mbox_pattern`.

use dormouse_proto::{Mailbox, mutf7};
use dormouse_storage::MailboxName;

use crate::convert;
use crate::errors::CommandError;
use crate::extensions::Extension;
use crate::state::Authenticated;

/// The encoding of mailbox names on this connection (RFC 3501 §5.1.3,
/// RFC 6855 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WireForm {
    ModifiedUtf7,
    Utf8,
}

impl WireForm {
    pub(crate) fn of(auth: &Authenticated) -> WireForm {
        if auth.enabled.contains(Extension::Utf8Accept) {
            WireForm::Utf8
        } else {
            WireForm::ModifiedUtf7
        }
    }

    /// A store name (UTF-8) as the client must see it.
    pub(crate) fn encode(self, name: &str) -> String {
        match self {
            WireForm::Utf8 => name.to_owned(),
            WireForm::ModifiedUtf7 => mutf7::encode(name),
        }
    }
}

/// The name CREATE makes. RFC 9051 §6.3.4: a trailing separator declares
/// that the client means to create names below this one; a server that
/// needs no such declaration ignores it. Only one is dropped, so `a..`
/// stays invalid.
pub(crate) fn name_to_create(
    auth: &Authenticated,
    raw: &Mailbox,
) -> Result<MailboxName, CommandError> {
    let separator = auth.mail.separator();
    match raw.0.strip_suffix(separator) {
        Some(stripped) if !stripped.is_empty() => {
            convert::mailbox_name(auth, &Mailbox::new(stripped))
        }
        _ => convert::mailbox_name(auth, raw),
    }
}
