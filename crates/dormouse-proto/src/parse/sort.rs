//! SORT and THREAD (RFC 5256), with RFC 5267 ESORT return options and the
//! RFC 5957 DISPLAYFROM/DISPLAYTO keys. The search part is `search.rs`'s.

use super::cursor::{Cursor, PResult, syntax};
use super::search::{return_options, search_keys};
use crate::types::{CommandBody, Sort, SortCriterion, SortKey, Thread, UidMode};

/// `SORT [SP "RETURN" SP "(" ... ")"] SP sort-criteria SP charset
/// 1*(SP search-key)`.
pub(super) fn sort(c: &mut Cursor, mode: UidMode) -> PResult<CommandBody> {
    c.sp()?;
    let returns = return_options(c)?;
    let criteria = c.paren_list(sort_criterion)?;
    c.sp()?;
    let charset = c.charset()?;
    c.sp()?;
    let search = search_keys(c)?;
    Ok(CommandBody::Sort(Sort {
        mode,
        returns,
        criteria,
        charset,
        search,
    }))
}

/// `["REVERSE" SP] sort-key`.
fn sort_criterion(c: &mut Cursor) -> PResult<SortCriterion> {
    let mut word = c.keyword("a sort key")?;
    let reverse = word.as_slice() == b"REVERSE";
    if reverse {
        c.sp()?;
        word = c.keyword("a sort key")?;
    }
    let key = match word.as_slice() {
        b"ARRIVAL" => SortKey::Arrival,
        b"CC" => SortKey::Cc,
        b"DATE" => SortKey::Date,
        b"FROM" => SortKey::From,
        b"SIZE" => SortKey::Size,
        b"SUBJECT" => SortKey::Subject,
        b"TO" => SortKey::To,
        b"DISPLAYFROM" => SortKey::DisplayFrom,
        b"DISPLAYTO" => SortKey::DisplayTo,
        _ => return syntax("a sort key"),
    };
    Ok(SortCriterion { reverse, key })
}

/// `THREAD SP thread-alg SP charset 1*(SP search-key)`; the algorithm is
/// upper-cased.
pub(super) fn thread(c: &mut Cursor, mode: UidMode) -> PResult<CommandBody> {
    c.sp()?;
    let algorithm = c.atom_string("a threading algorithm")?.to_ascii_uppercase();
    c.sp()?;
    let charset = c.charset()?;
    c.sp()?;
    let search = search_keys(c)?;
    Ok(CommandBody::Thread(Thread {
        mode,
        algorithm,
        charset,
        search,
    }))
}
