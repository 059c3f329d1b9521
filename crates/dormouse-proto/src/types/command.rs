//! Every command of IMAP4rev1 (RFC 3501), IMAP4rev2 (RFC 9051) and the
//! extensions dormouse speaks, as parsed values. The parser produces these;
//! the client-side encoder (used by tests and the load generator) consumes
//! them.

use std::num::NonZeroU32;

use super::core::*;

/// One complete command: its tag and what it asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub tag: Tag,
    pub body: CommandBody,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandBody {
    // Any state.
    Capability,
    Noop,
    Logout,
    /// RFC 2971. `None` is `ID NIL`.
    Id(Option<Vec<(String, Option<String>)>>),

    // Not authenticated.
    StartTls,
    /// RFC 4959 SASL-IR: `initial` is the base64 text as sent; `Some("=")`
    /// is an empty initial response.
    Authenticate {
        mechanism: String,
        initial: Option<Secret>,
    },
    Login {
        username: String,
        password: Secret,
    },

    // Authenticated.
    /// RFC 5161. Capability names as sent.
    Enable(Vec<String>),
    Select {
        mailbox: Mailbox,
        params: SelectParams,
    },
    Examine {
        mailbox: Mailbox,
        params: SelectParams,
    },
    Create {
        mailbox: Mailbox,
        /// RFC 6154 `CREATE name (USE (\Sent))`: the attributes without `\`.
        special_use: Vec<String>,
    },
    Delete(Mailbox),
    Rename {
        from: Mailbox,
        to: Mailbox,
    },
    Subscribe(Mailbox),
    Unsubscribe(Mailbox),
    List(List),
    Lsub {
        reference: Mailbox,
        pattern: String,
    },
    Namespace,
    Status {
        mailbox: Mailbox,
        items: Vec<StatusItem>,
    },
    /// One or more messages (RFC 3502 MULTIAPPEND).
    Append {
        mailbox: Mailbox,
        messages: Vec<AppendMessage>,
    },
    Idle,
    /// RFC 4978. The algorithm name, upper-cased.
    Compress(String),

    // Selected.
    Check,
    Close,
    Unselect,
    Expunge,
    /// RFC 4315 `UID EXPUNGE set`.
    UidExpunge(SequenceSet),
    Search(Search),
    Fetch(Fetch),
    Store(Store),
    Copy {
        mode: UidMode,
        set: SequenceSet,
        mailbox: Mailbox,
    },
    Move {
        mode: UidMode,
        set: SequenceSet,
        mailbox: Mailbox,
    },
    /// RFC 5256.
    Sort(Sort),
    /// RFC 5256.
    Thread(Thread),
}

impl CommandBody {
    /// The command's name as a client writes it, for logs and error texts.
    pub fn name(&self) -> &'static str {
        use CommandBody::*;
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            Id(_) => "ID",
            StartTls => "STARTTLS",
            Authenticate { .. } => "AUTHENTICATE",
            Login { .. } => "LOGIN",
            Enable(_) => "ENABLE",
            Select { .. } => "SELECT",
            Examine { .. } => "EXAMINE",
            Create { .. } => "CREATE",
            Delete(_) => "DELETE",
            Rename { .. } => "RENAME",
            Subscribe(_) => "SUBSCRIBE",
            Unsubscribe(_) => "UNSUBSCRIBE",
            List(_) => "LIST",
            Lsub { .. } => "LSUB",
            Namespace => "NAMESPACE",
            Status { .. } => "STATUS",
            Append { .. } => "APPEND",
            Idle => "IDLE",
            Compress(_) => "COMPRESS",
            Check => "CHECK",
            Close => "CLOSE",
            Unselect => "UNSELECT",
            Expunge => "EXPUNGE",
            UidExpunge(_) => "UID EXPUNGE",
            Search(s) => match s.mode {
                UidMode::Seq => "SEARCH",
                UidMode::Uid => "UID SEARCH",
            },
            Fetch(f) => match f.mode {
                UidMode::Seq => "FETCH",
                UidMode::Uid => "UID FETCH",
            },
            Store(s) => match s.mode {
                UidMode::Seq => "STORE",
                UidMode::Uid => "UID STORE",
            },
            Copy { mode, .. } => match mode {
                UidMode::Seq => "COPY",
                UidMode::Uid => "UID COPY",
            },
            Move { mode, .. } => match mode {
                UidMode::Seq => "MOVE",
                UidMode::Uid => "UID MOVE",
            },
            Sort(s) => match s.mode {
                UidMode::Seq => "SORT",
                UidMode::Uid => "UID SORT",
            },
            Thread(t) => match t.mode {
                UidMode::Seq => "THREAD",
                UidMode::Uid => "UID THREAD",
            },
        }
    }
}

/// SELECT/EXAMINE parameters (RFC 7162).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelectParams {
    /// `(CONDSTORE)`
    pub condstore: bool,
    /// `(QRESYNC (uidvalidity modseq [known-uids [(seqs uids)]]))`
    pub qresync: Option<QResync>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QResync {
    pub uidvalidity: NonZeroU32,
    pub modseq: u64,
    pub known_uids: Option<SequenceSet>,
    /// The known sequence-number/UID pairs: (sequence set, UID set).
    pub seq_match: Option<(SequenceSet, SequenceSet)>,
}

/// LIST, plain or extended (RFC 5258, RFC 6154, RFC 5819).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub selection: Vec<ListSelect>,
    pub reference: Mailbox,
    /// One or more patterns (`%`, `*` wildcards), as sent.
    pub patterns: Vec<String>,
    pub returns: Vec<ListReturn>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListSelect {
    Subscribed,
    Remote,
    RecursiveMatch,
    SpecialUse,
    /// An option this server does not know (RFC 5258 says: BAD).
    Other(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListReturn {
    Subscribed,
    Children,
    SpecialUse,
    /// RFC 5819 `RETURN (STATUS (...))`.
    Status(Vec<StatusItem>),
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusItem {
    Messages,
    Recent,
    UidNext,
    UidValidity,
    Unseen,
    /// RFC 9051.
    Deleted,
    /// RFC 8438 / RFC 9051 STATUS=SIZE.
    Size,
    /// RFC 7162.
    HighestModSeq,
}

/// One message of an APPEND.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendMessage {
    pub flags: Vec<Flag>,
    pub date: Option<DateTime>,
    pub data: Vec<u8>,
    /// `~{n}` (RFC 3516 literal8): the data may contain NUL.
    pub encoding: LiteralKind,
}

/// Whether a literal was `{n}` or the binary `~{n}` form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LiteralKind {
    Text,
    Binary,
}

/// SEARCH and UID SEARCH, with ESEARCH return options (RFC 4731, RFC 9051).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    pub mode: UidMode,
    /// `None`: no `RETURN` given (a plain SEARCH response). `Some(vec![])`:
    /// `RETURN ()`, which means `RETURN (ALL)` in ESEARCH form.
    pub returns: Option<Vec<SearchReturn>>,
    pub charset: Option<String>,
    /// The keys, implicitly ANDed. Invariant: never empty.
    pub criteria: Vec<SearchKey>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchReturn {
    Min,
    Max,
    All,
    Count,
    /// RFC 5182 SEARCHRES.
    Save,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchKey {
    All,
    Answered,
    Bcc(String),
    Before(Date),
    Body(String),
    Cc(String),
    Deleted,
    Draft,
    Flagged,
    From(String),
    Header(String, String),
    Keyword(String),
    Larger(u32),
    New,
    Not(Box<SearchKey>),
    Old,
    On(Date),
    Or(Box<SearchKey>, Box<SearchKey>),
    Recent,
    Seen,
    SentBefore(Date),
    SentOn(Date),
    SentSince(Date),
    Since(Date),
    Smaller(u32),
    Subject(String),
    Text(String),
    To(String),
    Uid(SequenceSet),
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unkeyword(String),
    Unseen,
    /// A bare sequence set (or `$`).
    SequenceSet(SequenceSet),
    /// A parenthesised list, implicitly ANDed.
    And(Vec<SearchKey>),
    /// RFC 7162 `MODSEQ ["/flags/\Seen" priv|shared|all] n`.
    ModSeq {
        entry: Option<(String, EntryType)>,
        modseq: u64,
    },
    /// RFC 5032 WITHIN: messages older than this many seconds.
    Older(u32),
    /// RFC 5032 WITHIN: messages younger than this many seconds.
    Younger(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryType {
    Private,
    Shared,
    All,
}

/// FETCH and UID FETCH (RFC 9051, RFC 7162 modifiers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetch {
    pub mode: UidMode,
    pub set: SequenceSet,
    pub attributes: FetchAttributes,
    /// `(CHANGEDSINCE n)`
    pub changed_since: Option<u64>,
    /// `(CHANGEDSINCE n VANISHED)`, UID FETCH only.
    pub vanished: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchAttributes {
    /// `ALL`: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE
    All,
    /// `FAST`: FLAGS INTERNALDATE RFC822.SIZE
    Fast,
    /// `FULL`: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY
    Full,
    /// One item, or a parenthesised list. Invariant: never empty.
    Items(Vec<FetchItem>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchItem {
    Envelope,
    Flags,
    InternalDate,
    /// `RFC822`: like `BODY[]`, sets \Seen.
    Rfc822,
    /// `RFC822.HEADER`: like `BODY.PEEK[HEADER]`.
    Rfc822Header,
    Rfc822Size,
    /// `RFC822.TEXT`: like `BODY[TEXT]`, sets \Seen.
    Rfc822Text,
    /// `BODY` with no section: the non-extensible BODYSTRUCTURE.
    Body,
    BodyStructure,
    Uid,
    /// RFC 7162.
    ModSeq,
    /// `BODY[section]<partial>` or `BODY.PEEK[...]`.
    BodySection {
        peek: bool,
        section: Section,
        partial: Option<Partial>,
    },
    /// RFC 3516 `BINARY[part]<partial>` or `BINARY.PEEK[...]`.
    Binary {
        peek: bool,
        part: Vec<NonZeroU32>,
        partial: Option<Partial>,
    },
    /// RFC 3516 `BINARY.SIZE[part]`.
    BinarySize {
        part: Vec<NonZeroU32>,
    },
}

/// `<offset.length>`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Partial {
    pub offset: u32,
    pub length: NonZeroU32,
}

/// A `section` inside `BODY[...]`: a part path, then what of it.
/// `BODY[]` is an empty path with no text spec.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    pub part: Vec<NonZeroU32>,
    pub text: Option<SectionText>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SectionText {
    Header,
    /// Field names as sent (matching is case-insensitive).
    HeaderFields(Vec<String>),
    HeaderFieldsNot(Vec<String>),
    Text,
    /// Only after a part number.
    Mime,
}

/// STORE and UID STORE (RFC 9051, RFC 7162 UNCHANGEDSINCE).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    pub mode: UidMode,
    pub set: SequenceSet,
    pub unchanged_since: Option<u64>,
    pub action: StoreAction,
    pub response: StoreResponse,
    pub flags: Vec<Flag>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreAction {
    /// `FLAGS`
    Replace,
    /// `+FLAGS`
    Add,
    /// `-FLAGS`
    Remove,
}

/// Whether the client asked for `.SILENT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreResponse {
    Answer,
    Silent,
}

/// SORT and UID SORT (RFC 5256), optionally with ESORT return options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    pub mode: UidMode,
    pub returns: Option<Vec<SearchReturn>>,
    /// Invariant: never empty.
    pub criteria: Vec<SortCriterion>,
    pub charset: String,
    /// Invariant: never empty.
    pub search: Vec<SearchKey>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SortCriterion {
    pub reverse: bool,
    pub key: SortKey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortKey {
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    /// RFC 5957.
    DisplayFrom,
    DisplayTo,
}

/// THREAD and UID THREAD (RFC 5256).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thread {
    pub mode: UidMode,
    /// `ORDEREDSUBJECT`, `REFERENCES`, … upper-cased.
    pub algorithm: String,
    pub charset: String,
    /// Invariant: never empty.
    pub search: Vec<SearchKey>,
}
