//! Every response a server sends: tagged and untagged status responses,
//! untagged data, and continuation requests. The encoder turns these into
//! bytes, choosing atom, quoted or literal forms itself.

use std::num::NonZeroU32;

use super::command::{ListReturn, SearchReturn, Section, StatusItem};
use super::core::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    Status(StatusResponse),
    Data(Data),
    /// `+ text` (a continuation request), or `+ base64` for SASL.
    Continue(Continue),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Continue {
    Text(String),
    /// A SASL challenge; encoded as base64.
    Base64(Vec<u8>),
}

/// `tag OK [CODE] text`, `* BYE text`, …
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusResponse {
    /// `None` for an untagged (`*`) response.
    pub tag: Option<Tag>,
    pub kind: StatusKind,
    pub code: Option<Code>,
    pub text: String,
}

impl StatusResponse {
    pub fn tagged(tag: Tag, kind: StatusKind, code: Option<Code>, text: impl Into<String>) -> Self {
        StatusResponse {
            tag: Some(tag),
            kind,
            code,
            text: text.into(),
        }
    }

    pub fn untagged(kind: StatusKind, code: Option<Code>, text: impl Into<String>) -> Self {
        StatusResponse {
            tag: None,
            kind,
            code,
            text: text.into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusKind {
    Ok,
    No,
    Bad,
    Bye,
    PreAuth,
}

/// Response codes (RFC 3501, RFC 9051 §7.1, RFC 5530, RFC 4315, RFC 7162).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Code {
    Alert,
    BadCharset(Vec<String>),
    Capability(Vec<String>),
    Parse,
    /// The flags, plus whether `\*` (new keywords allowed) is included.
    PermanentFlags {
        flags: Vec<Flag>,
        new_keywords: bool,
    },
    ReadOnly,
    ReadWrite,
    TryCreate,
    UidNext(NonZeroU32),
    UidValidity(NonZeroU32),
    Unseen(NonZeroU32),
    /// RFC 4315.
    AppendUid {
        uidvalidity: NonZeroU32,
        uids: SequenceSet,
    },
    /// RFC 4315.
    CopyUid {
        uidvalidity: NonZeroU32,
        source: SequenceSet,
        destination: SequenceSet,
    },
    UidNotSticky,
    /// RFC 7162.
    HighestModSeq(u64),
    NoModSeq,
    Modified(SequenceSet),
    Closed,
    // RFC 5530.
    Unavailable,
    AuthenticationFailed,
    AuthorizationFailed,
    Expired,
    PrivacyRequired,
    ContactAdmin,
    NoPerm,
    InUse,
    ExpungeIssued,
    Corruption,
    ServerBug,
    ClientBug,
    Cannot,
    Limit,
    OverQuota,
    AlreadyExists,
    NonExistent,
    /// RFC 7888: a non-synchronising literal over the server's limit.
    TooBig,
    /// RFC 9051: DELETE of a mailbox whose children must go first.
    HasChildren,
    /// RFC 3516: BINARY of a part whose Content-Transfer-Encoding is unknown.
    UnknownCte,
    /// Any other code: the atom and its optional text.
    Other(String, Option<String>),
}

/// Untagged data responses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Data {
    Capability(Vec<String>),
    /// RFC 5161.
    Enabled(Vec<String>),
    /// RFC 2971. `None` is `ID NIL`.
    Id(Option<Vec<(String, Option<String>)>>),
    /// RFC 2342: personal, other users', shared namespaces.
    Namespace {
        personal: Vec<NamespaceDesc>,
        other: Vec<NamespaceDesc>,
        shared: Vec<NamespaceDesc>,
    },
    Exists(u32),
    Recent(u32),
    Expunge(NonZeroU32),
    Flags(Vec<Flag>),
    List(ListData),
    Lsub(ListData),
    Status {
        mailbox: String,
        items: Vec<(StatusItem, u64)>,
    },
    /// A plain SEARCH (or SORT) result, with the RFC 7162 `(MODSEQ n)`.
    Search {
        ids: Vec<NonZeroU32>,
        modseq: Option<u64>,
    },
    Sort {
        ids: Vec<NonZeroU32>,
        modseq: Option<u64>,
    },
    /// RFC 4731 / RFC 9051 ESEARCH.
    ESearch(ESearch),
    Thread(Vec<ThreadNode>),
    Fetch {
        seq: NonZeroU32,
        items: Vec<FetchData>,
    },
    /// RFC 7162.
    Vanished {
        earlier: bool,
        uids: SequenceSet,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceDesc {
    pub prefix: String,
    pub delimiter: Option<char>,
}

/// A LIST or LSUB reply line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListData {
    /// Attributes without the leading `\` (e.g. `HasNoChildren`, `Sent`).
    pub attributes: Vec<String>,
    pub delimiter: Option<char>,
    /// The name already encoded for the client (modified UTF-7 or UTF-8).
    pub mailbox: String,
    /// RFC 5258 extended items, e.g. `("CHILDINFO" ("SUBSCRIBED"))` or
    /// `("OLDNAME" ("foo"))`.
    pub extended: Vec<ListExtended>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListExtended {
    ChildInfo(Vec<ListReturn>),
    OldName(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ESearch {
    /// The tag of the command this answers.
    pub tag: Option<Tag>,
    pub uid: bool,
    pub min: Option<NonZeroU32>,
    pub max: Option<NonZeroU32>,
    pub all: Option<SequenceSet>,
    pub count: Option<u32>,
    pub modseq: Option<u64>,
    /// The options that were asked for; needed to tell "asked, empty" from
    /// "not asked".
    pub requested: Vec<SearchReturn>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThreadNode {
    /// A message and its children: `(1 2 (3)(4))`.
    Message(NonZeroU32, Vec<ThreadNode>),
    /// A dummy parent with children.
    Dummy(Vec<ThreadNode>),
}

/// One item of a FETCH response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchData {
    Flags(Vec<Flag>),
    Uid(NonZeroU32),
    InternalDate(DateTime),
    Rfc822Size(u64),
    ModSeq(u64),
    Envelope(Box<Envelope>),
    /// `BODY` (non-extensible) or `BODYSTRUCTURE`.
    BodyStructure {
        extensible: bool,
        body: Box<BodyStructure>,
    },
    /// `BODY[section]<origin> data`. `None` data is `NIL`.
    BodySection {
        section: Section,
        origin: Option<u32>,
        data: Option<Vec<u8>>,
    },
    /// RFC 3516 `BINARY[part]<origin> ~{n}`.
    Binary {
        part: Vec<NonZeroU32>,
        origin: Option<u32>,
        data: Option<Vec<u8>>,
    },
    BinarySize {
        part: Vec<NonZeroU32>,
        size: u64,
    },
    Rfc822(Option<Vec<u8>>),
    Rfc822Header(Option<Vec<u8>>),
    Rfc822Text(Option<Vec<u8>>),
}

/// RFC 3501 §7.4.2 ENVELOPE. Strings are raw header bytes (nstring).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    pub date: Option<Vec<u8>>,
    pub subject: Option<Vec<u8>>,
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
}

/// An address, or a group start (`mailbox` set, `host` None) or group end
/// (all None), as RFC 3501 encodes groups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    pub name: Option<Vec<u8>>,
    pub adl: Option<Vec<u8>>,
    pub mailbox: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
}

/// RFC 3501 §7.4.2 BODYSTRUCTURE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyStructure {
    Single {
        body: SinglePart,
        extension: Option<SinglePartExtension>,
    },
    Multi {
        parts: Vec<BodyStructure>,
        subtype: String,
        extension: Option<MultiPartExtension>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinglePart {
    pub media_type: String,
    pub subtype: String,
    pub params: Vec<(String, String)>,
    pub id: Option<Vec<u8>>,
    pub description: Option<Vec<u8>>,
    pub encoding: String,
    pub size: u32,
    pub kind: SinglePartKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SinglePartKind {
    Basic,
    Text {
        lines: u32,
    },
    /// message/rfc822 (and message/global).
    Message {
        envelope: Box<Envelope>,
        body: Box<BodyStructure>,
        lines: u32,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SinglePartExtension {
    pub md5: Option<Vec<u8>>,
    pub disposition: Option<(String, Vec<(String, String)>)>,
    pub language: Vec<String>,
    pub location: Option<Vec<u8>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultiPartExtension {
    pub params: Vec<(String, String)>,
    pub disposition: Option<(String, Vec<(String, String)>)>,
    pub language: Vec<String>,
    pub location: Option<Vec<u8>>,
}
