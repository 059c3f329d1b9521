//! `Message`: one parsed message and every accessor FETCH, SEARCH and SORT
//! need. Parsing never fails; malformed mail still yields a structure.

use std::num::NonZeroU32;
use std::sync::OnceLock;

use dormouse_proto::{Address, BodyStructure, Date, DateTime, Envelope, Section};
use mail_parser::{HeaderName, MessageParser, PartType};

use crate::binary::{self, BinaryError};
use crate::mime_fields::DefaultType;
use crate::section;
use crate::structure::{self, Extensible};
use crate::tree::Part;
use crate::{date, envelope, header, sort, text};

/// A parsed view of one raw RFC 5322 message. Cheap enough to build once
/// per message per command; it borrows the raw bytes.
pub struct Message<'a> {
    raw: &'a [u8],
    /// `None` when mail-parser found neither a header nor a body (empty
    /// input, or lines that are neither header fields nor a blank line), or
    /// gave up. The message is then one text/plain body after a header that
    /// ends at the first blank line (or runs to the end).
    parsed: Option<mail_parser::Message<'a>>,
}

/// Which address header a sort key comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressField {
    From,
    To,
    Cc,
}

impl<'a> Message<'a> {
    /// Never fails: whatever the bytes, every accessor answers something
    /// sensible (at worst a header up to the first blank line and a
    /// text/plain body).
    pub fn parse(raw: &'a [u8]) -> Message<'a> {
        // mail-parser promises not to panic, but some of its inconsistent
        // states end in `debug_assert!`s (a digest part holding an empty
        // message/rfc822 is one). In a debug build that would take the
        // server down; the flat view below is a sane answer instead.
        let parsed = std::panic::catch_unwind(|| parser().parse(raw)).unwrap_or_default();
        Message { raw, parsed }
    }

    /// The raw bytes this view was built from.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    fn root(&self) -> Option<Part<'_, 'a>> {
        self.parsed.as_ref().and_then(|m| Part::root(m, 0))
    }

    /// The top-level header block, blank line included.
    fn header_block(&self) -> &[u8] {
        match self.root() {
            Some(root) => root.header_bytes(),
            None => self
                .raw
                .get(..header::block_len(self.raw))
                .unwrap_or_default(),
        }
    }

    pub fn envelope(&self) -> Envelope {
        envelope::from_header(self.header_block())
    }

    pub fn body_structure(&self, extensible: Extensible) -> BodyStructure {
        match self.root() {
            Some(root) => structure::of_part(root, DefaultType::TextPlain, extensible),
            None => {
                let body = self
                    .raw
                    .get(header::block_len(self.raw)..)
                    .unwrap_or_default();
                structure::plain_text(body, extensible)
            }
        }
    }

    /// BODY[section] contents, or `None` when the section names a part that
    /// does not exist (or HEADER/TEXT of a part that is not a message).
    /// RFC 9051 §6.4.5 does not say what to answer then; Dovecot sends an
    /// empty string ("MIME part not found. return an empty part",
    /// imap-msgpart.c), and the caller should do the same rather than NIL,
    /// which some clients take for an error. Bytes are as stored: a message
    /// kept with bare LFs is served with bare LFs.
    pub fn section(&self, section: &Section) -> Option<Vec<u8>> {
        match self.root() {
            Some(root) => section::contents(root, self.raw, section),
            None => section::flat(self.raw, section),
        }
    }

    /// RFC 3516 BINARY[part]: the part's body, transfer-decoded.
    pub fn binary(&self, part: &[NonZeroU32]) -> Result<Vec<u8>, BinaryError> {
        let path: Vec<u32> = part.iter().map(|n| n.get()).collect();
        match self.root() {
            Some(root) => {
                let target = section::resolve(root, &path).ok_or(BinaryError::NoSuchPart)?;
                binary::decode(target, self.raw)
            }
            None => match path.as_slice() {
                [] => Ok(self.raw.to_vec()),
                [1] => Ok(self
                    .raw
                    .get(header::block_len(self.raw)..)
                    .unwrap_or_default()
                    .to_vec()),
                _ => Err(BinaryError::NoSuchPart),
            },
        }
    }

    /// RFC 3516 BINARY.SIZE[part]: the length `binary` would return.
    pub fn binary_size(&self, part: &[NonZeroU32]) -> Result<u64, BinaryError> {
        let size = self.binary(part)?.len();
        Ok(u64::try_from(size).unwrap_or(u64::MAX))
    }

    /// Every value of a top-level header field, decoded (RFC 2047
    /// encoded-words and their charsets), in message order.
    pub fn header_text(&self, field: &str) -> Vec<String> {
        header::fields(self.header_block())
            .filter(|f| f.is(field))
            .map(|f| text::decode_header_value(f.value))
            .collect()
    }

    /// The decoded text of all text/* parts, nested messages included; HTML
    /// is reduced to its text.
    pub fn body_text(&self) -> String {
        self.root().map(text::body_text).unwrap_or_default()
    }

    /// The date of the Date: header in its own zone (for SENTBEFORE etc.).
    pub fn sent_date(&self) -> Option<Date> {
        self.sent_date_time().map(|dt| dt.date)
    }

    /// The full Date: header, for SORT DATE.
    pub fn sent_date_time(&self) -> Option<DateTime> {
        date::sent(self.header_block())
    }

    /// RFC 5256 base subject of the decoded Subject: header.
    pub fn sort_subject(&self) -> String {
        let subject = self.header_text("Subject").pop().unwrap_or_default();
        sort::base_subject(&subject)
    }

    /// RFC 5256: the mailbox (local part) of the first address of From, To
    /// or Cc, as SORT FROM/TO/CC compare it. Group markers are skipped.
    pub fn sort_mailbox(&self, field: AddressField) -> Option<String> {
        let env = self.envelope();
        let list: &[Address] = match field {
            AddressField::From => &env.from,
            AddressField::To => &env.to,
            AddressField::Cc => &env.cc,
        };
        list.iter()
            .find(|a| a.host.is_some())
            .and_then(|a| a.mailbox.as_deref())
            .map(|m| String::from_utf8_lossy(m).into_owned())
    }
}

/// mail-parser configured for structure only. Content-Transfer-Encoding is
/// hidden from it, so it never decodes bodies: decoding happens here, on
/// demand (BINARY, SEARCH). That also stops it from decoding a base64
/// message/rfc822 and parsing the result in a recursive pass whose depth
/// the input controls (a few hundred kilobytes of nesting overflowed a
/// 2 MiB stack). Other fields are kept raw; this crate reads them itself.
fn parser() -> &'static MessageParser {
    static PARSER: OnceLock<MessageParser> = OnceLock::new();
    PARSER.get_or_init(|| {
        MessageParser::new()
            .header_content_type(HeaderName::ContentType)
            .header_content_type(HeaderName::ContentDisposition)
            .ignore_header(HeaderName::ContentTransferEncoding)
    })
}

impl Drop for Message<'_> {
    /// mail-parser nests encapsulated messages by value, and its drop glue
    /// recurses once per level; a message nested a few thousand deep would
    /// overflow the stack. Taking them apart level by level keeps dropping
    /// flat.
    fn drop(&mut self) {
        let mut pending: Vec<mail_parser::Message<'_>> = self.parsed.take().into_iter().collect();
        while let Some(mut msg) = pending.pop() {
            for part in &mut msg.parts {
                if matches!(part.body, PartType::Message(_)) {
                    let body = std::mem::replace(&mut part.body, PartType::Multipart(Vec::new()));
                    if let PartType::Message(inner) = body {
                        pending.push(inner);
                    }
                }
            }
        }
    }
}
