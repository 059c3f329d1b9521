//! What the reactor answers for a parked session without waking it: the
//! `DONE` that ends an IDLE and the `tag IDLE` that starts the next one,
//! when the selected mailbox has not changed since the session last synced.
//! Then a never-parked session would send exactly the tagged OK, or `+
//! idling`, with no update before it, so the parked one may answer the same
//! from its record and stay parked. Anything else (another command, a
//! partial line, garbage, a change pending) wakes the session with the
//! bytes already read, and the ordinary code answers.

use std::io::{self, Read};
use std::net::TcpStream;

use dormouse_proto::Tag;
use tokio::time::Instant;

use super::Entry;
use crate::connection::IdleClock;

/// Input read at once; a `DONE` or `tag IDLE` line is far shorter, and
/// anything longer is for the woken session to read.
const PEEK: usize = 256;

/// What became of a parked session's input.
pub(super) enum Input {
    /// Answered from the record; still parked.
    Answered,
    /// Nothing to read after all (a spurious report).
    Nothing,
    /// The client closed the connection, or it failed.
    Closed(&'static str),
    /// The session must wake and handle these bytes itself.
    Wake(Vec<u8>),
    /// Answered, but the answer could not be written whole: wake to
    /// write the rest.
    WakeToWrite(Vec<u8>),
}

/// Reads the parked session's input and answers it when the record is
/// enough.
pub(super) fn input(
    entry: &mut Entry<TcpStream>,
    now: Instant,
    keepalive: std::time::Duration,
) -> Input {
    let mut buf = [0u8; PEEK];
    let n = match (&entry.parked.stream).read(&mut buf) {
        Ok(0) => return Input::Closed("client closed"),
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Input::Nothing,
        Err(e) if e.kind() == io::ErrorKind::Interrupted => return Input::Nothing,
        Err(_) => return Input::Closed("io error"),
    };
    let read = buf.get(..n).unwrap_or_default();
    entry.parked.bytes_in += n as u64;
    entry.parked.last_input = now;
    let Some(reply) = answer(entry, read, now, keepalive) else {
        return Input::Wake(read.to_vec());
    };
    match super::write_out(&mut entry.parked, &reply) {
        super::Written::All => Input::Answered,
        super::Written::Part(rest) => Input::WakeToWrite(rest),
        super::Written::Failed => Input::Closed("io error"),
    }
}

/// The reply to `input` if the record is enough to give it, having
/// updated the record as the session would have changed.
pub(super) fn answer<S>(
    entry: &mut Entry<S>,
    input: &[u8],
    now: Instant,
    keepalive: std::time::Duration,
) -> Option<Vec<u8>> {
    let line = one_line(input)?;
    // A change the session has not synced must go out before any reply;
    // and where outside changes are not reported (no complete inotify
    // watch yet), only the woken session's look at the disk can tell.
    let watched = entry.subscription.as_ref().is_some_and(|s| s.is_watched());
    if entry.changed || (entry.parked.session.is_selected() && !watched) {
        return None;
    }
    let session = &mut entry.parked.session;
    let response = if session.is_idling() {
        if !line.eq_ignore_ascii_case(b"DONE") {
            return None;
        }
        let done = session.done()?;
        entry.parked.idle = None;
        done
    } else {
        let tag = idle_tag(line)?;
        let started = session.idle(tag)?;
        entry.parked.idle = Some(IdleClock {
            since: now,
            keepalive_at: now + keepalive,
        });
        started
    };
    Some(super::encode(session, &[response]))
}

/// `input` without its line ending, if it is exactly one line.
fn one_line(input: &[u8]) -> Option<&[u8]> {
    let body = input.strip_suffix(b"\n")?;
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    if body.contains(&b'\n') {
        return None;
    }
    Some(body)
}

/// The tag of a line that is exactly `tag IDLE` (any case).
fn idle_tag(line: &[u8]) -> Option<Tag> {
    let text = std::str::from_utf8(line).ok()?;
    let (tag, command) = text.split_once(' ')?;
    if !command.eq_ignore_ascii_case("IDLE") {
        return None;
    }
    Tag::new(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_single_complete_lines_count() {
        assert_eq!(one_line(b"DONE\r\n"), Some(&b"DONE"[..]));
        assert_eq!(one_line(b"DONE\n"), Some(&b"DONE"[..]));
        assert_eq!(one_line(b"DONE"), None);
        assert_eq!(one_line(b"DONE\r\na NOOP\r\n"), None);
    }

    #[test]
    fn idle_lines_need_a_valid_tag_and_nothing_else() {
        assert_eq!(
            idle_tag(b"a1 idle").map(|t| t.as_str().to_owned()),
            Some("a1".into())
        );
        assert!(idle_tag(b"a1 IDLE x").is_none());
        assert!(idle_tag(b"+ IDLE").is_none());
        assert!(idle_tag(b"a1 NOOP").is_none());
        assert!(idle_tag(b"IDLE").is_none());
    }
}
