//! Values shared by commands and responses: tags, sequence sets, flags,
//! dates, mailbox names as they travel on the wire.

use std::fmt;
use std::num::NonZeroU32;

/// A command tag, as the client sent it. It is echoed byte for byte.
///
/// Invariant: non-empty, and every byte is an `ASTRING-CHAR` other than `+`
/// (RFC 9051 `tag`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    /// Checks the RFC grammar; `None` if `s` is not a valid tag.
    pub fn new(s: impl Into<String>) -> Option<Tag> {
        let s = s.into();
        if !s.is_empty()
            && s.bytes()
                .all(|b| crate::chars::is_astring_char(b) && b != b'+')
        {
            Some(Tag(s))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({})", self.0)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One end of a sequence range: a number, or `*` (the largest in use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SeqNum {
    Value(NonZeroU32),
    Largest,
}

/// `a:b`, or a single number when `start == end`. The RFC allows `b < a`;
/// the range is the same set either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeqRange {
    pub start: SeqNum,
    pub end: SeqNum,
}

/// A `sequence-set`, or `$` (SEARCHRES, RFC 5182: the saved search result).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SequenceSet {
    /// Invariant: never empty.
    Ranges(Vec<SeqRange>),
    Saved,
}

/// Whether a command addresses messages by sequence number or by UID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UidMode {
    Seq,
    Uid,
}

/// A message flag. System flags are case-insensitive on the wire and are
/// normalised here; keywords keep the client's spelling.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Flag {
    Answered,
    Flagged,
    Deleted,
    Seen,
    Draft,
    /// `\Recent`: only ever sent by the server (RFC 3501); IMAP4rev2 drops it.
    Recent,
    /// A keyword atom such as `$Forwarded` or `NonJunk`.
    Keyword(String),
    /// A `\`-prefixed flag this grammar does not know, without the `\`.
    Extension(String),
}

/// A calendar date as used by SEARCH (`date` in RFC 9051).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    pub year: u16,
    /// 1..=12
    pub month: u8,
    /// 1..=31
    pub day: u8,
}

/// A `date-time` (INTERNALDATE, APPEND): local time plus a zone offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Offset from UTC in minutes, `-0500` is `-300`.
    pub zone_minutes: i16,
}

/// A mailbox name exactly as the client sent it (after unquoting), before
/// modified-UTF-7 decoding. `INBOX` in any case is normalised to `INBOX`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mailbox(pub String);

impl Mailbox {
    pub fn new(raw: impl Into<String>) -> Mailbox {
        let raw = raw.into();
        if raw.eq_ignore_ascii_case("INBOX") {
            Mailbox("INBOX".into())
        } else {
            Mailbox(raw)
        }
    }

    pub fn is_inbox(&self) -> bool {
        self.0 == "INBOX"
    }
}

/// A secret (a password, a SASL response). `Debug` never shows the value, so
/// it cannot reach a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}
