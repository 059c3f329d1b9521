//! The top of the grammar: `tag SP command CRLF`, and the table from
//! command names to the modules that parse their arguments. Expects one
//! complete command with its literals inline; framing is the decoder's job.

use super::cursor::{Cursor, PResult, syntax};
use super::error::{DecodeError, DecodeErrorKind, Recovery};
use super::framing::{TagRead, read_tag};
use super::{Limits, append, fetch, list, misc, search, select, sort, store};
use crate::types::{Command, CommandBody, UidMode};

/// Parses one complete command (`bytes` ends with its final CRLF).
pub(crate) fn parse(bytes: &[u8], limits: &Limits) -> Result<Command, DecodeError> {
    let untagged = |kind| DecodeError {
        tag: None,
        kind,
        recovery: Recovery::Continue,
    };
    let tag = match read_tag(bytes) {
        TagRead::Tag(tag) => tag,
        TagRead::Empty => return Err(untagged(DecodeErrorKind::EmptyLine)),
        TagRead::Invalid => return Err(untagged(DecodeErrorKind::InvalidTag)),
    };
    let mut c = Cursor::new(bytes, limits.max_depth);
    c.advance(tag.as_str().len());
    let parsed = c.sp().and_then(|()| {
        let body = body(&mut c)?;
        c.finish()?;
        Ok(body)
    });
    match parsed {
        Ok(body) => Ok(Command { tag, body }),
        Err(kind) => Err(DecodeError {
            tag: Some(tag),
            kind,
            recovery: Recovery::Continue,
        }),
    }
}

/// The longest command name echoed back in "Unknown command".
const MAX_ECHOED_NAME: usize = 32;

fn body(c: &mut Cursor) -> PResult<CommandBody> {
    use CommandBody as B;
    let name = c.keyword("a command name")?;
    let body = match name.as_slice() {
        b"CAPABILITY" => B::Capability,
        b"NOOP" => B::Noop,
        b"LOGOUT" => B::Logout,
        b"ID" => misc::id(c)?,
        b"STARTTLS" => B::StartTls,
        b"AUTHENTICATE" => misc::authenticate(c)?,
        b"LOGIN" => misc::login(c)?,
        b"ENABLE" => misc::enable(c)?,
        b"SELECT" => select::select(c)?,
        b"EXAMINE" => select::examine(c)?,
        b"CREATE" => misc::create(c)?,
        b"DELETE" => B::Delete(misc::sp_mailbox(c)?),
        b"RENAME" => misc::rename(c)?,
        b"SUBSCRIBE" => B::Subscribe(misc::sp_mailbox(c)?),
        b"UNSUBSCRIBE" => B::Unsubscribe(misc::sp_mailbox(c)?),
        b"LIST" => list::list(c)?,
        b"LSUB" => list::lsub(c)?,
        b"NAMESPACE" => B::Namespace,
        b"STATUS" => misc::status(c)?,
        b"APPEND" => append::append(c)?,
        b"IDLE" => B::Idle,
        b"COMPRESS" => misc::compress(c)?,
        b"CHECK" => B::Check,
        b"CLOSE" => B::Close,
        b"UNSELECT" => B::Unselect,
        b"EXPUNGE" => B::Expunge,
        b"SEARCH" => search::search(c, UidMode::Seq)?,
        b"FETCH" => fetch::fetch(c, UidMode::Seq)?,
        b"STORE" => store::store(c, UidMode::Seq)?,
        b"COPY" => misc::copy(c, UidMode::Seq)?,
        b"MOVE" => misc::move_(c, UidMode::Seq)?,
        b"SORT" => sort::sort(c, UidMode::Seq)?,
        b"THREAD" => sort::thread(c, UidMode::Seq)?,
        b"UID" => uid(c)?,
        _ => {
            let shown = name.get(..MAX_ECHOED_NAME).unwrap_or(&name);
            return Err(DecodeErrorKind::UnknownCommand(
                String::from_utf8_lossy(shown).into_owned(),
            ));
        }
    };
    Ok(body)
}

/// `UID SP (copy / move / fetch / search / store / uid-expunge / sort /
/// thread)`.
fn uid(c: &mut Cursor) -> PResult<CommandBody> {
    c.sp()?;
    let mode = UidMode::Uid;
    match c.keyword("a UID command")?.as_slice() {
        b"FETCH" => fetch::fetch(c, mode),
        b"SEARCH" => search::search(c, mode),
        b"STORE" => store::store(c, mode),
        b"COPY" => misc::copy(c, mode),
        b"MOVE" => misc::move_(c, mode),
        b"EXPUNGE" => {
            c.sp()?;
            Ok(CommandBody::UidExpunge(c.sequence_set()?))
        }
        b"SORT" => sort::sort(c, mode),
        b"THREAD" => sort::thread(c, mode),
        _ => syntax("FETCH, SEARCH, STORE, COPY, MOVE, EXPUNGE, SORT or THREAD after UID"),
    }
}
