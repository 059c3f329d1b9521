//! Arguments of the small commands: ID, AUTHENTICATE, LOGIN, ENABLE,
//! CREATE (with RFC 6154 USE), RENAME, STATUS, COMPRESS, COPY and MOVE.
//! Whether a command is allowed in the current state is not decided here.

use super::cursor::{Cursor, PResult, syntax};
use super::strings::utf8;
use crate::types::{CommandBody, Mailbox, Secret, UidMode};

/// `SP mailbox`, the whole argument of DELETE, SUBSCRIBE, UNSUBSCRIBE.
pub(super) fn sp_mailbox(c: &mut Cursor) -> PResult<Mailbox> {
    c.sp()?;
    c.mailbox()
}

/// RFC 2971: `ID SP ("(" [string SP nstring *(SP string SP nstring)] ")" /
/// NIL)`.
pub(super) fn id(c: &mut Cursor) -> PResult<CommandBody> {
    c.sp()?;
    if c.eat_keyword("NIL") {
        return Ok(CommandBody::Id(None));
    }
    let pairs = c.paren_list_or_empty(|c| {
        let field = c.string_utf8("an ID field name")?;
        c.sp()?;
        let value = c.nstring()?.map(|v| utf8(v, "an ID value")).transpose()?;
        Ok((field, value))
    })?;
    Ok(CommandBody::Id(Some(pairs)))
}

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// `AUTHENTICATE SP auth-type [SP (base64 / "=")]` (RFC 4959 SASL-IR).
/// The mechanism is upper-cased (SASL names are case-insensitive); the
/// initial response is kept as its base64 text.
pub(super) fn authenticate(c: &mut Cursor) -> PResult<CommandBody> {
    c.sp()?;
    let mechanism = c.atom_string("a SASL mechanism")?.to_ascii_uppercase();
    let initial = if c.eat(b' ') {
        let text = c.take_while(|b| is_base64_char(b) || b == b'=');
        let body_len = text.iter().position(|&b| b == b'=').unwrap_or(text.len());
        let padding = text.len() - body_len;
        let well_formed = if body_len == 0 {
            text == b"="
        } else {
            padding <= 2 && text.iter().skip(body_len).all(|&b| b == b'=')
        };
        if !well_formed {
            return syntax("a base64 initial response or =");
        }
        Some(Secret(text.to_vec()))
    } else {
        None
    };
    Ok(CommandBody::Authenticate { mechanism, initial })
}

/// `LOGIN SP userid SP password`.
pub(super) fn login(c: &mut Cursor) -> PResult<CommandBody> {
    c.sp()?;
    let username = c.astring_utf8("a user name")?;
    c.sp()?;
    let password = Secret(c.astring()?);
    Ok(CommandBody::Login { username, password })
}

/// RFC 5161: `ENABLE 1*(SP capability)`.
pub(super) fn enable(c: &mut Cursor) -> PResult<CommandBody> {
    let mut caps = Vec::new();
    loop {
        c.sp()?;
        caps.push(c.atom_string("a capability name")?);
        if c.at_eol() {
            return Ok(CommandBody::Enable(caps));
        }
    }
}

/// RFC 6154 special-use attributes, in their registered spelling.
const SPECIAL_USE: [&str; 7] = [
    "All", "Archive", "Drafts", "Flagged", "Junk", "Sent", "Trash",
];

/// `CREATE SP mailbox [SP "(" "USE" SP "(" [use-attr *(SP use-attr)] ")"
/// ")"]`. Known attributes are returned in their registered spelling,
/// others as sent; all without the `\`.
pub(super) fn create(c: &mut Cursor) -> PResult<CommandBody> {
    let mailbox = sp_mailbox(c)?;
    let mut special_use = Vec::new();
    if c.eat(b' ') {
        let params = c.paren_list(|c| {
            if c.keyword("USE")?.as_slice() != b"USE" {
                return syntax("USE");
            }
            c.sp()?;
            c.paren_list_or_empty(|c| {
                c.expect(b'\\', "a \\ special-use attribute")?;
                let name = c.atom_string("a special-use attribute")?;
                let known = SPECIAL_USE.iter().find(|k| k.eq_ignore_ascii_case(&name));
                Ok(known.map_or(name, |k| (*k).to_owned()))
            })
        })?;
        special_use = params.into_iter().flatten().collect();
    }
    Ok(CommandBody::Create {
        mailbox,
        special_use,
    })
}

/// `RENAME SP mailbox SP mailbox`.
pub(super) fn rename(c: &mut Cursor) -> PResult<CommandBody> {
    let from = sp_mailbox(c)?;
    let to = sp_mailbox(c)?;
    Ok(CommandBody::Rename { from, to })
}

/// `STATUS SP mailbox SP "(" status-att *(SP status-att) ")"`.
pub(super) fn status(c: &mut Cursor) -> PResult<CommandBody> {
    let mailbox = sp_mailbox(c)?;
    c.sp()?;
    let items = c.status_items()?;
    Ok(CommandBody::Status { mailbox, items })
}

/// RFC 4978: `COMPRESS SP algorithm`, upper-cased.
pub(super) fn compress(c: &mut Cursor) -> PResult<CommandBody> {
    c.sp()?;
    let algorithm = c.atom_string("a compression algorithm")?;
    Ok(CommandBody::Compress(algorithm.to_ascii_uppercase()))
}

fn set_and_mailbox(c: &mut Cursor) -> PResult<(crate::types::SequenceSet, Mailbox)> {
    c.sp()?;
    let set = c.sequence_set()?;
    let mailbox = sp_mailbox(c)?;
    Ok((set, mailbox))
}

/// `COPY SP sequence-set SP mailbox`.
pub(super) fn copy(c: &mut Cursor, mode: UidMode) -> PResult<CommandBody> {
    let (set, mailbox) = set_and_mailbox(c)?;
    Ok(CommandBody::Copy { mode, set, mailbox })
}

/// RFC 6851: `MOVE SP sequence-set SP mailbox`.
pub(super) fn move_(c: &mut Cursor, mode: UidMode) -> PResult<CommandBody> {
    let (set, mailbox) = set_and_mailbox(c)?;
    Ok(CommandBody::Move { mode, set, mailbox })
}
