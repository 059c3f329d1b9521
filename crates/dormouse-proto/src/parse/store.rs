//! STORE and UID STORE: `[+|-]FLAGS[.SILENT]` with a flag list or bare
//! flags, and the RFC 7162 `(UNCHANGEDSINCE n)` modifier. Which flags a
//! client may set (`\Recent` may not) is the session's decision.

use super::cursor::{Cursor, PResult, syntax};
use crate::types::{CommandBody, Store, StoreAction, StoreResponse, UidMode};

/// `STORE SP sequence-set [SP "(" store-modifier *(SP store-modifier) ")"]
/// SP store-att-flags`.
pub(super) fn store(c: &mut Cursor, mode: UidMode) -> PResult<CommandBody> {
    c.sp()?;
    let set = c.sequence_set()?;
    c.sp()?;
    let mut unchanged_since = None;
    if c.peek() == Some(b'(') {
        c.paren_list(|c| {
            if c.keyword("UNCHANGEDSINCE")?.as_slice() != b"UNCHANGEDSINCE"
                || unchanged_since.is_some()
            {
                return syntax("UNCHANGEDSINCE (once)");
            }
            c.sp()?;
            unchanged_since = Some(c.number64()?);
            Ok(())
        })?;
        c.sp()?;
    }
    let action = if c.eat(b'+') {
        StoreAction::Add
    } else if c.eat(b'-') {
        StoreAction::Remove
    } else {
        StoreAction::Replace
    };
    let response = match c.keyword("FLAGS or FLAGS.SILENT")?.as_slice() {
        b"FLAGS" => StoreResponse::Answer,
        b"FLAGS.SILENT" => StoreResponse::Silent,
        _ => return syntax("FLAGS, +FLAGS or -FLAGS (optionally .SILENT)"),
    };
    c.sp()?;
    let flags = if c.peek() == Some(b'(') {
        c.flag_list()?
    } else {
        let mut flags = vec![c.flag()?];
        while c.eat(b' ') {
            flags.push(c.flag()?);
        }
        flags
    };
    Ok(CommandBody::Store(Store {
        mode,
        set,
        unchanged_since,
        action,
        response,
        flags,
    }))
}
