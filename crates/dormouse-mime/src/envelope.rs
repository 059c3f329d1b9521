//! The ENVELOPE of a header block (RFC 9051 §7.5.2): raw, unfolded header
//! text for date, subject, in-reply-to and message-id (encoded-words stay
//! encoded: the client decodes them), parsed address lists for the rest.

use dormouse_proto::{Address, Envelope};

use crate::address;
use crate::header::{self, Field};

/// Builds the envelope from a header block. When a field appears more than
/// once the last one wins, as in Dovecot (RFC 5322 allows each only once).
pub(crate) fn from_header(block: &[u8]) -> Envelope {
    let mut env = Envelope::default();
    // `None` = absent; `Some(vec![])` = present but without addresses.
    let mut sender: Option<Vec<Address>> = None;
    let mut reply_to: Option<Vec<Address>> = None;
    for field in header::fields(block) {
        let Field { name, value, .. } = field;
        match name.to_ascii_lowercase().as_slice() {
            b"date" => env.date = Some(header::unfold(value)),
            b"subject" => env.subject = Some(header::unfold(value)),
            b"in-reply-to" => env.in_reply_to = Some(header::unfold(value)),
            b"message-id" => env.message_id = Some(header::unfold(value)),
            b"from" => env.from = address::parse_list(value),
            b"sender" => sender = Some(address::parse_list(value)),
            b"reply-to" => reply_to = Some(address::parse_list(value)),
            b"to" => env.to = address::parse_list(value),
            b"cc" => env.cc = address::parse_list(value),
            b"bcc" => env.bcc = address::parse_list(value),
            _ => {}
        }
    }
    // RFC 9051 §7.5.2: an absent or empty Sender / Reply-To takes From.
    env.sender = sender
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| env.from.clone());
    env.reply_to = reply_to
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| env.from.clone());
    env
}
