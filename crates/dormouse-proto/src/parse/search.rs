//! SEARCH and UID SEARCH: RETURN options (RFC 4731 / RFC 9051, RFC 5182
//! SAVE), CHARSET, and every search key including RFC 7162 MODSEQ and
//! RFC 5032 OLDER/YOUNGER. NOT, OR and parentheses nest, and each level
//! counts against `Limits::max_depth`. Strings must be UTF-8 whatever the
//! CHARSET says; charset conversion is not done here.

use super::cursor::{Cursor, PResult, syntax};
use crate::types::{CommandBody, EntryType, Search, SearchKey, SearchReturn, UidMode};

/// `SEARCH [SP "RETURN" SP "(" [search-return-opt *(SP ...)] ")"]
/// SP ["CHARSET" SP charset SP] search-key *(SP search-key)`.
pub(super) fn search(c: &mut Cursor, mode: UidMode) -> PResult<CommandBody> {
    c.sp()?;
    let returns = return_options(c)?;
    let charset = if c.eat_keyword("CHARSET") {
        c.sp()?;
        let charset = c.charset()?;
        c.sp()?;
        Some(charset)
    } else {
        None
    };
    let criteria = search_keys(c)?;
    Ok(CommandBody::Search(Search {
        mode,
        returns,
        charset,
        criteria,
    }))
}

/// `"RETURN" SP "(" ... ")" SP`, if present (the trailing SP included).
pub(super) fn return_options(c: &mut Cursor) -> PResult<Option<Vec<SearchReturn>>> {
    if !c.eat_keyword("RETURN") {
        return Ok(None);
    }
    c.sp()?;
    let options = c.paren_list_or_empty(|c| {
        let option = match c.keyword("MIN, MAX, ALL, COUNT or SAVE")?.as_slice() {
            b"MIN" => SearchReturn::Min,
            b"MAX" => SearchReturn::Max,
            b"ALL" => SearchReturn::All,
            b"COUNT" => SearchReturn::Count,
            b"SAVE" => SearchReturn::Save,
            _ => return syntax("MIN, MAX, ALL, COUNT or SAVE"),
        };
        Ok(option)
    })?;
    c.sp()?;
    Ok(Some(options))
}

/// `search-key *(SP search-key)`, up to the end of the line.
pub(super) fn search_keys(c: &mut Cursor) -> PResult<Vec<SearchKey>> {
    let mut keys = vec![search_key(c)?];
    while c.eat(b' ') {
        keys.push(search_key(c)?);
    }
    Ok(keys)
}

fn search_key(c: &mut Cursor) -> PResult<SearchKey> {
    c.nested(|c| match c.peek() {
        Some(b'(') => {
            c.advance(1);
            let mut keys = vec![search_key(c)?];
            while c.eat(b' ') {
                keys.push(search_key(c)?);
            }
            c.expect(b')', ") after the search keys")?;
            Ok(SearchKey::And(keys))
        }
        Some(b'0'..=b'9' | b'*' | b'$') => c.sequence_set().map(SearchKey::SequenceSet),
        _ => keyword_key(c),
    })
}

fn keyword_key(c: &mut Cursor) -> PResult<SearchKey> {
    use SearchKey as K;
    let key = match c.keyword("a search key")?.as_slice() {
        b"ALL" => K::All,
        b"ANSWERED" => K::Answered,
        b"DELETED" => K::Deleted,
        b"DRAFT" => K::Draft,
        b"FLAGGED" => K::Flagged,
        b"NEW" => K::New,
        b"OLD" => K::Old,
        b"RECENT" => K::Recent,
        b"SEEN" => K::Seen,
        b"UNANSWERED" => K::Unanswered,
        b"UNDELETED" => K::Undeleted,
        b"UNDRAFT" => K::Undraft,
        b"UNFLAGGED" => K::Unflagged,
        b"UNSEEN" => K::Unseen,
        b"BCC" => K::Bcc(sp_text(c)?),
        b"BODY" => K::Body(sp_text(c)?),
        b"CC" => K::Cc(sp_text(c)?),
        b"FROM" => K::From(sp_text(c)?),
        b"SUBJECT" => K::Subject(sp_text(c)?),
        b"TEXT" => K::Text(sp_text(c)?),
        b"TO" => K::To(sp_text(c)?),
        b"HEADER" => {
            let name = sp_text(c)?;
            K::Header(name, sp_text(c)?)
        }
        b"KEYWORD" => K::Keyword(sp_keyword(c)?),
        b"UNKEYWORD" => K::Unkeyword(sp_keyword(c)?),
        b"BEFORE" => K::Before(sp_date(c)?),
        b"ON" => K::On(sp_date(c)?),
        b"SINCE" => K::Since(sp_date(c)?),
        b"SENTBEFORE" => K::SentBefore(sp_date(c)?),
        b"SENTON" => K::SentOn(sp_date(c)?),
        b"SENTSINCE" => K::SentSince(sp_date(c)?),
        b"LARGER" => K::Larger(sp_size(c)?),
        b"SMALLER" => K::Smaller(sp_size(c)?),
        b"OLDER" => {
            c.sp()?;
            K::Older(c.nz_number()?.get())
        }
        b"YOUNGER" => {
            c.sp()?;
            K::Younger(c.nz_number()?.get())
        }
        b"UID" => {
            c.sp()?;
            K::Uid(c.sequence_set()?)
        }
        b"NOT" => {
            c.sp()?;
            K::Not(Box::new(search_key(c)?))
        }
        b"OR" => {
            c.sp()?;
            let a = search_key(c)?;
            c.sp()?;
            K::Or(Box::new(a), Box::new(search_key(c)?))
        }
        b"MODSEQ" => modseq(c)?,
        _ => return syntax("a search key"),
    };
    Ok(key)
}

fn sp_text(c: &mut Cursor) -> PResult<String> {
    c.sp()?;
    c.astring_utf8("a search string")
}

fn sp_keyword(c: &mut Cursor) -> PResult<String> {
    c.sp()?;
    c.atom_string("a keyword")
}

fn sp_date(c: &mut Cursor) -> PResult<crate::types::Date> {
    c.sp()?;
    c.date()
}

/// RFC 9051 sizes are `number64`; a message is never larger than u32::MAX
/// bytes here, so larger values saturate without changing the answer.
fn sp_size(c: &mut Cursor) -> PResult<u32> {
    c.sp()?;
    let n = c.number64()?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// RFC 7162: `MODSEQ [SP entry-name SP entry-type-req] SP
/// mod-sequence-valzer`, where entry-name is `"/flags/<flag>"`.
fn modseq(c: &mut Cursor) -> PResult<SearchKey> {
    c.sp()?;
    let mut entry = None;
    if c.peek() == Some(b'"') {
        let name = super::strings::utf8(c.quoted()?, "a MODSEQ entry name")?;
        let is_flag_entry = name
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("/flags/"));
        if !is_flag_entry {
            return syntax("a \"/flags/...\" entry name");
        }
        c.sp()?;
        let kind = match c.keyword("priv, shared or all")?.as_slice() {
            b"PRIV" => EntryType::Private,
            b"SHARED" => EntryType::Shared,
            b"ALL" => EntryType::All,
            _ => return syntax("priv, shared or all"),
        };
        c.sp()?;
        entry = Some((name, kind));
    }
    let modseq = c.number64()?;
    Ok(SearchKey::ModSeq { entry, modseq })
}
