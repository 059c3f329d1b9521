//! The data of one FETCH item for one message: flags and the other index
//! values from `MessageMeta`, ENVELOPE/BODY/BODYSTRUCTURE from the message's
//! `Structure` (cached, or computed by the caller), the rest from the
//! message's bytes through dormouse-mime. The bytes are parsed at most once
//! per message, and only for items that need the MIME structure (`BODY[]`
//! and `RFC822` are served straight from the bytes). It sets no flags and
//! reads no files itself.

use std::cell::OnceCell;
use std::num::NonZeroU32;

use dormouse_mime::{BinaryError, Message};
use dormouse_proto::{FetchData, FetchItem, Partial, Section, SectionText};
use dormouse_storage::{MessageMeta, Uid};

use crate::convert::{self, Recent};
use crate::fetch_cache::Structure;
use crate::fetch_date;

/// One message as FETCH sees it.
pub(crate) struct Subject<'a> {
    pub(crate) uid: Uid,
    pub(crate) meta: &'a MessageMeta,
    pub(crate) recent: Recent,
    /// The message's bytes, when the plan needs them.
    pub(crate) content: Option<Content<'a>>,
    /// ENVELOPE and BODYSTRUCTURE, when the plan needs them.
    pub(crate) structure: Option<Structure>,
}

/// A message's bytes and, once something asks for it, their MIME parse.
pub(crate) struct Content<'a> {
    raw: &'a [u8],
    parsed: OnceCell<Message<'a>>,
}

impl<'a> Content<'a> {
    pub(crate) fn new(raw: &'a [u8]) -> Content<'a> {
        Content {
            raw,
            parsed: OnceCell::new(),
        }
    }

    pub(crate) fn message(&self) -> &Message<'a> {
        self.parsed.get_or_init(|| Message::parse(self.raw))
    }
}

/// Why an item has no data: the whole FETCH then ends with NO.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ItemError {
    /// RFC 3516: `NO [UNKNOWN-CTE]`.
    #[error("Unknown Content-Transfer-Encoding {0:?}")]
    UnknownEncoding(String),
    /// The part is not valid in its declared encoding: `NO [PARSE]`, as
    /// Dovecot answers (cmd-fetch.c, MAIL_ERROR_INVALIDDATA).
    #[error("Invalid {0} data in MIME part")]
    Corrupt(String),
    /// A content item for a message whose bytes (or structure) were not
    /// loaded: a bug in the plan.
    #[error("message content was not loaded")]
    NotLoaded,
}

/// The response data for `item`.
pub(crate) fn data(item: &FetchItem, msg: &Subject<'_>) -> Result<FetchData, ItemError> {
    let meta = msg.meta;
    Ok(match item {
        FetchItem::Flags => FetchData::Flags(convert::flags_of(meta, msg.recent)),
        FetchItem::Uid => FetchData::Uid(msg.uid.0),
        FetchItem::InternalDate => {
            FetchData::InternalDate(fetch_date::date_time(meta.internal_date))
        }
        FetchItem::Rfc822Size => FetchData::Rfc822Size(meta.size),
        FetchItem::ModSeq => FetchData::ModSeq(meta.modseq.0),
        FetchItem::Envelope => FetchData::Envelope(Box::new(structure(msg)?.envelope.clone())),
        FetchItem::Body => FetchData::BodyStructure {
            extensible: false,
            body: Box::new(structure(msg)?.body_only()),
        },
        FetchItem::BodyStructure => FetchData::BodyStructure {
            extensible: true,
            body: Box::new(structure(msg)?.body.clone()),
        },
        FetchItem::Rfc822 => FetchData::Rfc822(Some(content(msg)?.raw.to_vec())),
        FetchItem::Rfc822Header => {
            FetchData::Rfc822Header(Some(section(content(msg)?, &top(SectionText::Header))))
        }
        FetchItem::Rfc822Text => {
            FetchData::Rfc822Text(Some(section(content(msg)?, &top(SectionText::Text))))
        }
        FetchItem::BodySection {
            section: s,
            partial,
            ..
        } => FetchData::BodySection {
            section: s.clone(),
            origin: partial.map(|p| p.offset),
            data: Some(cut(section(content(msg)?, s), *partial)),
        },
        FetchItem::Binary { part, partial, .. } => FetchData::Binary {
            part: part.clone(),
            origin: partial.map(|p| p.offset),
            data: Some(cut(binary(content(msg)?, part)?, *partial)),
        },
        FetchItem::BinarySize { part } => FetchData::BinarySize {
            part: part.clone(),
            size: binary_size(content(msg)?, part)?,
        },
    })
}

fn content<'s, 'a>(msg: &'s Subject<'a>) -> Result<&'s Content<'a>, ItemError> {
    msg.content.as_ref().ok_or(ItemError::NotLoaded)
}

fn structure<'s>(msg: &'s Subject<'_>) -> Result<&'s Structure, ItemError> {
    msg.structure.as_ref().ok_or(ItemError::NotLoaded)
}

fn top(text: SectionText) -> Section {
    Section {
        part: Vec::new(),
        text: Some(text),
    }
}

/// BODY[section]. The whole message needs no parse. A part that does not
/// exist is an empty string, as Dovecot answers (imap-msgpart.c): RFC 9051
/// says nothing, and NIL confuses some clients.
fn section(content: &Content<'_>, section: &Section) -> Vec<u8> {
    if section.part.is_empty() && section.text.is_none() {
        return content.raw.to_vec();
    }
    content.message().section(section).unwrap_or_default()
}

/// BINARY[part]: a missing part is empty, like BODY[part].
fn binary(content: &Content<'_>, part: &[NonZeroU32]) -> Result<Vec<u8>, ItemError> {
    if part.is_empty() {
        return Ok(content.raw.to_vec());
    }
    match content.message().binary(part) {
        Ok(data) => Ok(data),
        Err(BinaryError::NoSuchPart) => Ok(Vec::new()),
        Err(BinaryError::UnknownEncoding(name)) => Err(ItemError::UnknownEncoding(name)),
        Err(BinaryError::Corrupt(name)) => Err(ItemError::Corrupt(name)),
    }
}

fn binary_size(content: &Content<'_>, part: &[NonZeroU32]) -> Result<u64, ItemError> {
    if part.is_empty() {
        return Ok(u64::try_from(content.raw.len()).unwrap_or(u64::MAX));
    }
    match content.message().binary_size(part) {
        Ok(size) => Ok(size),
        Err(BinaryError::NoSuchPart) => Ok(0),
        Err(BinaryError::UnknownEncoding(name)) => Err(ItemError::UnknownEncoding(name)),
        Err(BinaryError::Corrupt(name)) => Err(ItemError::Corrupt(name)),
    }
}

/// `<offset.length>`: the octets from `offset`, at most `length` of them;
/// empty when `offset` is past the end (RFC 9051 §6.4.5).
fn cut(data: Vec<u8>, partial: Option<Partial>) -> Vec<u8> {
    let Some(p) = partial else {
        return data;
    };
    let start = usize::try_from(p.offset).unwrap_or(usize::MAX);
    let len = usize::try_from(p.length.get()).unwrap_or(usize::MAX);
    data.get(start..)
        .map(|rest| rest.get(..len).unwrap_or(rest).to_vec())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partial(offset: u32, length: u32) -> Option<Partial> {
        NonZeroU32::new(length).map(|length| Partial { offset, length })
    }

    #[test]
    fn partial_cuts_and_clamps() {
        let data = b"0123456789".to_vec();
        assert_eq!(cut(data.clone(), partial(2, 3)), b"234");
        assert_eq!(cut(data.clone(), partial(8, 30)), b"89");
        assert_eq!(cut(data.clone(), partial(10, 1)), b"");
        assert_eq!(cut(data.clone(), partial(4000, 1)), b"");
        assert_eq!(cut(data.clone(), None), data);
    }
}
