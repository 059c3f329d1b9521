//! A message's bytes as FETCH reads them: the MIME parse made at most once,
//! whole-message items (`BODY[]`, `BINARY[]`) sliced straight out of the
//! bytes so that a `<offset.length>` partial copies only the octets it
//! keeps, and the sections and decoded parts that partial items take slices
//! of remembered within a small bound, so that many partials of one part
//! extract it once. It reads no files and knows nothing of FETCH items.

use std::cell::{OnceCell, RefCell};
use std::convert::Infallible;
use std::num::NonZeroU32;

use dormouse_mime::{BinaryError, Message};
use dormouse_proto::{Partial, Section};

use crate::fetch_items::ItemError;

/// Sections and decoded parts remembered per message. Several partial
/// items over the same few parts are the case worth serving (a client
/// reading a part in chunks); a command naming thousands of different parts
/// is not, and a linear search stays cheap at this size.
const MEMO_ENTRIES: usize = 8;

/// A message's bytes and, once something asks for it, their MIME parse.
pub(crate) struct Content<'a> {
    raw: &'a [u8],
    parsed: OnceCell<Message<'a>>,
    /// What partial items took slices of. Its bytes stay under the
    /// message's own size, so a message costs at most twice its size here.
    memo: RefCell<Vec<(Key, Vec<u8>)>>,
}

#[derive(PartialEq)]
enum Key {
    Section(Section),
    Binary(Vec<NonZeroU32>),
}

impl<'a> Content<'a> {
    pub(crate) fn new(raw: &'a [u8]) -> Content<'a> {
        Content {
            raw,
            parsed: OnceCell::new(),
            memo: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn raw(&self) -> &'a [u8] {
        self.raw
    }

    pub(crate) fn message(&self) -> &Message<'a> {
        self.parsed.get_or_init(|| Message::parse(self.raw))
    }

    /// BODY[section], cut to `partial`. The whole message needs no parse. A
    /// part that does not exist is an empty string, as Dovecot answers
    /// (imap-msgpart.c): RFC 9051 says nothing, and NIL confuses some
    /// clients.
    pub(crate) fn section(&self, section: &Section, partial: Option<Partial>) -> Vec<u8> {
        if section.part.is_empty() && section.text.is_none() {
            return cut(self.raw, partial);
        }
        let extract = || self.message().section(section).unwrap_or_default();
        if partial.is_none() {
            return extract();
        }
        let key = Key::Section(section.clone());
        let Ok(data) = self.memoized::<Infallible>(key, || Ok(extract()), |b| cut(b, partial));
        data
    }

    /// BINARY[part] cut to `partial`; a missing part is empty, like
    /// BODY[part].
    pub(crate) fn binary(
        &self,
        part: &[NonZeroU32],
        partial: Option<Partial>,
    ) -> Result<Vec<u8>, ItemError> {
        if part.is_empty() {
            return Ok(cut(self.raw, partial));
        }
        let decode = || decoded(self.message().binary(part));
        match partial {
            None => decode(),
            Some(_) => self.memoized(Key::Binary(part.to_vec()), decode, |bytes| {
                cut(bytes, partial)
            }),
        }
    }

    /// BINARY.SIZE[part]: the length `binary` returns without a partial.
    pub(crate) fn binary_size(&self, part: &[NonZeroU32]) -> Result<u64, ItemError> {
        if part.is_empty() {
            return Ok(u64::try_from(self.raw.len()).unwrap_or(u64::MAX));
        }
        let known = self.memo.borrow().iter().find_map(|(k, bytes)| match k {
            Key::Binary(p) if p.as_slice() == part => Some(bytes.len()),
            _ => None,
        });
        match known {
            Some(len) => Ok(u64::try_from(len).unwrap_or(u64::MAX)),
            None => match self.message().binary_size(part) {
                Ok(size) => Ok(size),
                Err(BinaryError::NoSuchPart) => Ok(0),
                Err(e) => Err(undecodable(e)),
            },
        }
    }

    /// Applies `take` to the bytes `key` names, extracting them with
    /// `extract` unless remembered, and remembers them while the memo
    /// stays within its bounds.
    fn memoized<E>(
        &self,
        key: Key,
        extract: impl FnOnce() -> Result<Vec<u8>, E>,
        take: impl FnOnce(&[u8]) -> Vec<u8>,
    ) -> Result<Vec<u8>, E> {
        if let Some((_, bytes)) = self.memo.borrow().iter().find(|(k, _)| *k == key) {
            return Ok(take(bytes));
        }
        let bytes = extract()?;
        let out = take(&bytes);
        let mut memo = self.memo.borrow_mut();
        let held: usize = memo.iter().map(|(_, b)| b.len()).sum();
        if memo.len() < MEMO_ENTRIES && held.saturating_add(bytes.len()) <= self.raw.len() {
            memo.push((key, bytes));
        }
        Ok(out)
    }
}

/// A decoded part; a missing one is empty, like a missing BODY[part].
fn decoded(result: Result<Vec<u8>, BinaryError>) -> Result<Vec<u8>, ItemError> {
    match result {
        Ok(data) => Ok(data),
        Err(BinaryError::NoSuchPart) => Ok(Vec::new()),
        Err(e) => Err(undecodable(e)),
    }
}

/// RFC 3516: `NO [UNKNOWN-CTE]` for an encoding we cannot decode.
fn undecodable(e: BinaryError) -> ItemError {
    match e {
        BinaryError::UnknownEncoding(name) => ItemError::UnknownEncoding(name),
        BinaryError::Corrupt(name) => ItemError::Corrupt(name),
        // Callers answer a missing part themselves; should one get here,
        // it still is not the client's fault.
        BinaryError::NoSuchPart => ItemError::NotLoaded,
    }
}

/// `<offset.length>`: a copy of the octets from `offset`, at most `length`
/// of them; empty when `offset` is past the end (RFC 9051 §6.4.5).
fn cut(data: &[u8], partial: Option<Partial>) -> Vec<u8> {
    let Some(p) = partial else {
        return data.to_vec();
    };
    let start = usize::try_from(p.offset).unwrap_or(usize::MAX);
    let len = usize::try_from(p.length.get()).unwrap_or(usize::MAX);
    data.get(start..)
        .map(|rest| rest.get(..len).unwrap_or(rest).to_vec())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use dormouse_proto::SectionText;

    use super::*;

    fn partial(offset: u32, length: u32) -> Option<Partial> {
        NonZeroU32::new(length).map(|length| Partial { offset, length })
    }

    fn part(n: u32) -> Vec<NonZeroU32> {
        NonZeroU32::new(n).into_iter().collect()
    }

    const MIXED: &[u8] = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
        Content-Type: text/plain\r\n\r\nhello there\r\n--b\r\n\
        Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n\
        AAECAwQFBgc=\r\n--b--\r\n";

    #[test]
    fn partial_cuts_and_clamps() {
        let data = b"0123456789";
        assert_eq!(cut(data, partial(2, 3)), b"234");
        assert_eq!(cut(data, partial(8, 30)), b"89");
        assert_eq!(cut(data, partial(10, 1)), b"");
        assert_eq!(cut(data, partial(4000, 1)), b"");
        assert_eq!(cut(data, None), data);
    }

    #[test]
    fn whole_message_partials_slice_the_bytes() {
        let c = Content::new(MIXED);
        let whole = Section::default();
        assert_eq!(c.section(&whole, partial(0, 7)), b"Content");
        assert_eq!(c.section(&whole, None), MIXED);
        assert_eq!(c.binary(&[], partial(8, 4)).ok(), Some(b"Type".to_vec()));
        assert!(
            c.memo.borrow().is_empty(),
            "whole-message items need no memo"
        );
    }

    #[test]
    fn partials_of_one_part_extract_it_once_and_agree_with_the_whole() {
        let c = Content::new(MIXED);
        let one = Section {
            part: part(1),
            text: None,
        };
        let full = c.section(&one, None);
        assert_eq!(full, b"hello there");
        let pieces: Vec<u8> = (0..11)
            .flat_map(|i| c.section(&one, partial(i, 1)))
            .collect();
        assert_eq!(pieces, full);
        assert_eq!(c.memo.borrow().len(), 1);
        let decoded = c.binary(&part(2), None).ok();
        assert_eq!(decoded, Some(vec![0, 1, 2, 3, 4, 5, 6, 7]));
        assert_eq!(c.binary(&part(2), partial(6, 9)).ok(), Some(vec![6, 7]));
        assert_eq!(c.binary_size(&part(2)).ok(), Some(8));
        assert_eq!(c.binary(&part(9), partial(0, 1)).ok(), Some(Vec::new()));
        assert_eq!(c.binary_size(&part(9)).ok(), Some(0));
    }

    #[test]
    fn the_memo_stays_within_its_bounds() {
        let c = Content::new(MIXED);
        for n in 1..=20 {
            let header = Section {
                part: part(n),
                text: Some(SectionText::Mime),
            };
            c.section(&header, partial(0, 1));
        }
        let memo = c.memo.borrow();
        assert!(memo.len() <= MEMO_ENTRIES);
        assert!(memo.iter().map(|(_, b)| b.len()).sum::<usize>() <= MIXED.len());
    }
}
