//! FETCH and UID FETCH: the ALL/FAST/FULL macros, every fetch attribute
//! including `BODY[section]<partial>`, `BODY.PEEK`, RFC 3516 BINARY and
//! BINARY.SIZE, and the RFC 7162 modifiers `(CHANGEDSINCE n [VANISHED])`.

use std::num::NonZeroU32;

use super::cursor::{Cursor, PResult, syntax};
use super::strings::utf8;
use crate::types::{
    CommandBody, Fetch, FetchAttributes, FetchItem, Partial, Section, SectionText, UidMode,
};

/// `FETCH SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
/// "(" fetch-att *(SP fetch-att) ")") [SP "(" fetch-modifier
/// *(SP fetch-modifier) ")"]`.
pub(super) fn fetch(c: &mut Cursor, mode: UidMode) -> PResult<CommandBody> {
    c.sp()?;
    let set = c.sequence_set()?;
    c.sp()?;
    let attributes = attributes(c)?;
    let mut changed_since = None;
    let mut vanished = false;
    if c.eat(b' ') {
        c.paren_list(|c| {
            match c.keyword("CHANGEDSINCE or VANISHED")?.as_slice() {
                b"CHANGEDSINCE" if changed_since.is_none() => {
                    c.sp()?;
                    changed_since = Some(c.number64()?);
                }
                b"VANISHED" if !vanished => vanished = true,
                _ => return syntax("CHANGEDSINCE or VANISHED (once each)"),
            }
            Ok(())
        })?;
    }
    // RFC 7162 §3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE.
    if vanished && (mode != UidMode::Uid || changed_since.is_none()) {
        return syntax("VANISHED only in UID FETCH together with CHANGEDSINCE");
    }
    Ok(CommandBody::Fetch(Fetch {
        mode,
        set,
        attributes,
        changed_since,
        vanished,
    }))
}

fn attributes(c: &mut Cursor) -> PResult<FetchAttributes> {
    if c.peek() == Some(b'(') {
        return c.paren_list(fetch_att).map(FetchAttributes::Items);
    }
    let start = c.pos();
    let macro_ = match c.keyword("a fetch attribute")?.as_slice() {
        b"ALL" => Some(FetchAttributes::All),
        b"FAST" => Some(FetchAttributes::Fast),
        b"FULL" => Some(FetchAttributes::Full),
        _ => None,
    };
    match macro_ {
        Some(m) => Ok(m),
        None => {
            c.reset(start);
            Ok(FetchAttributes::Items(vec![fetch_att(c)?]))
        }
    }
}

fn fetch_att(c: &mut Cursor) -> PResult<FetchItem> {
    let item = match c.keyword("a fetch attribute")?.as_slice() {
        b"ENVELOPE" => FetchItem::Envelope,
        b"FLAGS" => FetchItem::Flags,
        b"INTERNALDATE" => FetchItem::InternalDate,
        b"RFC822" => FetchItem::Rfc822,
        b"RFC822.HEADER" => FetchItem::Rfc822Header,
        b"RFC822.SIZE" => FetchItem::Rfc822Size,
        b"RFC822.TEXT" => FetchItem::Rfc822Text,
        b"BODYSTRUCTURE" => FetchItem::BodyStructure,
        b"UID" => FetchItem::Uid,
        b"MODSEQ" => FetchItem::ModSeq,
        b"BODY" if c.peek() != Some(b'[') => FetchItem::Body,
        b"BODY" => {
            let (section, partial) = section_and_partial(c)?;
            FetchItem::BodySection {
                peek: false,
                section,
                partial,
            }
        }
        b"BODY.PEEK" => {
            let (section, partial) = section_and_partial(c)?;
            FetchItem::BodySection {
                peek: true,
                section,
                partial,
            }
        }
        b"BINARY" => {
            let (part, partial) = binary_and_partial(c)?;
            FetchItem::Binary {
                peek: false,
                part,
                partial,
            }
        }
        b"BINARY.PEEK" => {
            let (part, partial) = binary_and_partial(c)?;
            FetchItem::Binary {
                peek: true,
                part,
                partial,
            }
        }
        b"BINARY.SIZE" => FetchItem::BinarySize {
            part: section_binary(c)?,
        },
        _ => return syntax("a fetch attribute"),
    };
    Ok(item)
}

fn section_and_partial(c: &mut Cursor) -> PResult<(Section, Option<Partial>)> {
    let section = section(c)?;
    Ok((section, partial(c)?))
}

fn binary_and_partial(c: &mut Cursor) -> PResult<(Vec<NonZeroU32>, Option<Partial>)> {
    let part = section_binary(c)?;
    Ok((part, partial(c)?))
}

/// `"[" [section-spec] "]"`: `section-msgtext / (section-part
/// ["." section-text])`; MIME only after a part number.
fn section(c: &mut Cursor) -> PResult<Section> {
    c.expect(b'[', "[")?;
    let mut section = Section::default();
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        section.part = section_part(c)?;
        if c.eat(b'.') {
            section.text = Some(section_text(c, Part::Present)?);
        }
    } else if c.peek() != Some(b']') {
        section.text = Some(section_text(c, Part::Absent)?);
    }
    c.expect(b']', "] after the section")?;
    Ok(section)
}

/// Whether a part number came before the section text.
#[derive(PartialEq, Eq)]
enum Part {
    Present,
    Absent,
}

/// `nz-number *("." nz-number)`, stopping before `.TEXT` and friends.
fn section_part(c: &mut Cursor) -> PResult<Vec<NonZeroU32>> {
    let mut part = vec![c.nz_number()?];
    while c.peek() == Some(b'.') && c.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
        c.advance(1);
        part.push(c.nz_number()?);
    }
    Ok(part)
}

fn section_text(c: &mut Cursor, part: Part) -> PResult<SectionText> {
    let text = match c.keyword("HEADER, HEADER.FIELDS, TEXT or MIME")?.as_slice() {
        b"HEADER" => SectionText::Header,
        b"HEADER.FIELDS" => SectionText::HeaderFields(header_list(c)?),
        b"HEADER.FIELDS.NOT" => SectionText::HeaderFieldsNot(header_list(c)?),
        b"TEXT" => SectionText::Text,
        b"MIME" if part == Part::Present => SectionText::Mime,
        _ => return syntax("HEADER, HEADER.FIELDS, TEXT, or MIME after a part number"),
    };
    Ok(text)
}

/// `SP "(" header-fld-name *(SP header-fld-name) ")"`.
fn header_list(c: &mut Cursor) -> PResult<Vec<String>> {
    c.sp()?;
    c.paren_list(|c| {
        let name = c.astring()?;
        utf8(name, "a header field name")
    })
}

/// `"[" [section-part] "]"`.
fn section_binary(c: &mut Cursor) -> PResult<Vec<NonZeroU32>> {
    c.expect(b'[', "[")?;
    let part = if c.peek() == Some(b']') {
        Vec::new()
    } else {
        section_part(c)?
    };
    c.expect(b']', "] after the part number")?;
    Ok(part)
}

/// `"<" number "." nz-number ">"`.
fn partial(c: &mut Cursor) -> PResult<Option<Partial>> {
    if !c.eat(b'<') {
        return Ok(None);
    }
    let offset = c.number()?;
    c.expect(b'.', ". in <offset.length>")?;
    let length = c.nz_number()?;
    c.expect(b'>', "> after <offset.length>")?;
    Ok(Some(Partial { offset, length }))
}
