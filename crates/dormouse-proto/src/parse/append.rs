//! APPEND with RFC 3502 MULTIAPPEND: one or more messages, each with
//! optional flags and date-time, as a literal or an RFC 3516 literal8.
//! Size limits were enforced by the decoder before the data was buffered.

use super::cursor::{Cursor, PResult};
use super::misc::sp_mailbox;
use crate::types::{AppendMessage, CommandBody};

/// `APPEND SP mailbox 1*(SP [flag-list SP] [date-time SP] (literal /
/// literal8))`.
pub(super) fn append(c: &mut Cursor) -> PResult<CommandBody> {
    let mailbox = sp_mailbox(c)?;
    let mut messages = Vec::new();
    loop {
        c.sp()?;
        let mut flags = Vec::new();
        if c.peek() == Some(b'(') {
            flags = c.flag_list()?;
            c.sp()?;
        }
        let mut date = None;
        if c.peek() == Some(b'"') {
            date = Some(c.date_time()?);
            c.sp()?;
        }
        let (data, encoding) = c.literal_or_literal8()?;
        messages.push(AppendMessage {
            flags,
            date,
            data,
            encoding,
        });
        if c.at_eol() {
            return Ok(CommandBody::Append { mailbox, messages });
        }
    }
}
