//! LIST (RFC 3501 and RFC 5258 LIST-EXTENDED: selection options, several
//! patterns, RETURN options including RFC 5819 STATUS and RFC 6154
//! SPECIAL-USE) and LSUB. Unknown options are kept as `Other` so the
//! session can answer BAD as RFC 5258 says.

use super::cursor::{Cursor, PResult, syntax};
use crate::types::{CommandBody, List, ListReturn, ListSelect};

/// `LIST [SP list-select-opts] SP mailbox SP mbox-or-pat
/// [SP list-return-opts]`.
pub(super) fn list(c: &mut Cursor) -> PResult<CommandBody> {
    c.sp()?;
    let mut selection = Vec::new();
    if c.peek() == Some(b'(') {
        selection = c.paren_list_or_empty(select_option)?;
        check_selection(&selection)?;
        c.sp()?;
    }
    let reference = c.mailbox()?;
    c.sp()?;
    let patterns = if c.peek() == Some(b'(') {
        c.paren_list(|c| c.list_mailbox())?
    } else {
        vec![c.list_mailbox()?]
    };
    let mut returns = Vec::new();
    if c.eat(b' ') {
        if !c.eat_keyword("RETURN") {
            return syntax("RETURN");
        }
        c.sp()?;
        returns = c.paren_list_or_empty(return_option)?;
    }
    Ok(CommandBody::List(List {
        selection,
        reference,
        patterns,
        returns,
    }))
}

/// `LSUB SP mailbox SP list-mailbox`.
pub(super) fn lsub(c: &mut Cursor) -> PResult<CommandBody> {
    c.sp()?;
    let reference = c.mailbox()?;
    c.sp()?;
    let pattern = c.list_mailbox()?;
    Ok(CommandBody::Lsub { reference, pattern })
}

fn select_option(c: &mut Cursor) -> PResult<ListSelect> {
    let name = c.atom_string("a LIST selection option")?;
    let option = match name.to_ascii_uppercase().as_str() {
        "SUBSCRIBED" => ListSelect::Subscribed,
        "REMOTE" => ListSelect::Remote,
        "RECURSIVEMATCH" => ListSelect::RecursiveMatch,
        "SPECIAL-USE" => ListSelect::SpecialUse,
        _ => ListSelect::Other(name),
    };
    Ok(option)
}

/// RFC 5258 §6: RECURSIVEMATCH needs a base option (SUBSCRIBED, or an
/// extension one such as SPECIAL-USE) beside it.
fn check_selection(selection: &[ListSelect]) -> PResult<()> {
    let has_mod = selection.contains(&ListSelect::RecursiveMatch);
    let has_base = selection.iter().any(|s| {
        matches!(
            s,
            ListSelect::Subscribed | ListSelect::SpecialUse | ListSelect::Other(_)
        )
    });
    if has_mod && !has_base {
        return syntax("a base selection option (e.g. SUBSCRIBED) with RECURSIVEMATCH");
    }
    Ok(())
}

fn return_option(c: &mut Cursor) -> PResult<ListReturn> {
    let name = c.atom_string("a LIST return option")?;
    let option = match name.to_ascii_uppercase().as_str() {
        "SUBSCRIBED" => ListReturn::Subscribed,
        "CHILDREN" => ListReturn::Children,
        "SPECIAL-USE" => ListReturn::SpecialUse,
        "STATUS" => {
            c.sp()?;
            ListReturn::Status(c.status_items()?)
        }
        _ => ListReturn::Other(name),
    };
    Ok(option)
}
