//! The data of one FETCH item for one message: flags and the other index
//! values from `MessageMeta`, ENVELOPE/BODY/BODYSTRUCTURE from the message's
//! `Structure` (cached, or computed by the caller), the rest from the
//! message's bytes (`fetch_content`). It sets no flags and reads no files
//! itself.

use dormouse_proto::{FetchData, FetchItem, Section, SectionText};
use dormouse_storage::{MessageMeta, Uid};

use crate::convert::{self, Recent};
use crate::fetch_cache::Structure;
use crate::fetch_content::Content;
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
        FetchItem::Rfc822 => FetchData::Rfc822(Some(content(msg)?.raw().to_vec())),
        FetchItem::Rfc822Header => {
            FetchData::Rfc822Header(Some(content(msg)?.section(&top(SectionText::Header), None)))
        }
        FetchItem::Rfc822Text => {
            FetchData::Rfc822Text(Some(content(msg)?.section(&top(SectionText::Text), None)))
        }
        FetchItem::BodySection {
            section: s,
            partial,
            ..
        } => FetchData::BodySection {
            section: s.clone(),
            origin: partial.map(|p| p.offset),
            data: Some(content(msg)?.section(s, *partial)),
        },
        FetchItem::Binary { part, partial, .. } => FetchData::Binary {
            part: part.clone(),
            origin: partial.map(|p| p.offset),
            data: Some(content(msg)?.binary(part, *partial)?),
        },
        FetchItem::BinarySize { part } => FetchData::BinarySize {
            part: part.clone(),
            size: content(msg)?.binary_size(part)?,
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
