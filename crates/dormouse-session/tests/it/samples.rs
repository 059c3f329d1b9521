//! One well-formed example of every command the parser can produce (both
//! forms of the UID commands), for tests that must cover all of them. Also
//! compiled into the crate's unit tests, which reach the selected state.

use std::num::NonZeroU32;

use dormouse_proto::{
    AppendMessage, CommandBody, Fetch, FetchAttributes, Flag, List, LiteralKind, Mailbox,
    SearchKey, SelectParams, SeqNum, SeqRange, SequenceSet, Sort, SortCriterion, SortKey,
    StatusItem, Store, StoreAction, StoreResponse, Thread, UidMode,
};

fn one() -> SequenceSet {
    let n = SeqNum::Value(NonZeroU32::MIN);
    SequenceSet::Ranges(vec![SeqRange { start: n, end: n }])
}

fn inbox() -> Mailbox {
    Mailbox::new("INBOX")
}

fn search(mode: UidMode) -> CommandBody {
    CommandBody::Search(dormouse_proto::Search {
        mode,
        returns: None,
        charset: None,
        criteria: vec![SearchKey::All],
    })
}

fn fetch(mode: UidMode) -> CommandBody {
    CommandBody::Fetch(Fetch {
        mode,
        set: one(),
        attributes: FetchAttributes::Fast,
        changed_since: None,
        vanished: false,
    })
}

fn store(mode: UidMode) -> CommandBody {
    CommandBody::Store(Store {
        mode,
        set: one(),
        unchanged_since: None,
        action: StoreAction::Add,
        response: StoreResponse::Silent,
        flags: vec![Flag::Seen],
    })
}

fn sort(mode: UidMode) -> CommandBody {
    CommandBody::Sort(Sort {
        mode,
        returns: None,
        criteria: vec![SortCriterion {
            reverse: false,
            key: SortKey::Arrival,
        }],
        charset: "UTF-8".into(),
        search: vec![SearchKey::All],
    })
}

fn thread(mode: UidMode) -> CommandBody {
    CommandBody::Thread(Thread {
        mode,
        algorithm: "REFERENCES".into(),
        charset: "UTF-8".into(),
        search: vec![SearchKey::All],
    })
}

/// Commands valid in any state.
pub fn any_state() -> Vec<CommandBody> {
    vec![
        CommandBody::Capability,
        CommandBody::Noop,
        CommandBody::Id(None),
        CommandBody::Logout,
    ]
}

/// Commands valid only before login.
pub fn not_authenticated() -> Vec<CommandBody> {
    vec![
        CommandBody::Login {
            username: "alice".into(),
            password: dormouse_proto::Secret(b"wonderland".to_vec()),
        },
        CommandBody::Authenticate {
            mechanism: "PLAIN".into(),
            initial: None,
        },
    ]
}

/// Commands valid after login with or without a mailbox, that need storage.
pub fn mailbox_commands() -> Vec<CommandBody> {
    vec![
        CommandBody::Select {
            mailbox: inbox(),
            params: SelectParams::default(),
        },
        CommandBody::Examine {
            mailbox: inbox(),
            params: SelectParams::default(),
        },
        CommandBody::Create {
            mailbox: Mailbox::new("Archive"),
            special_use: Vec::new(),
        },
        CommandBody::Delete(Mailbox::new("Archive")),
        CommandBody::Rename {
            from: Mailbox::new("Archive"),
            to: Mailbox::new("Old"),
        },
        CommandBody::Subscribe(inbox()),
        CommandBody::Unsubscribe(inbox()),
        CommandBody::List(List {
            selection: Vec::new(),
            reference: Mailbox::new(""),
            patterns: vec!["*".into()],
            returns: Vec::new(),
        }),
        CommandBody::Lsub {
            reference: Mailbox::new(""),
            pattern: "*".into(),
        },
        CommandBody::Status {
            mailbox: inbox(),
            items: vec![StatusItem::Messages],
        },
        CommandBody::Append {
            mailbox: inbox(),
            messages: vec![AppendMessage {
                flags: Vec::new(),
                date: None,
                data: b"Subject: hi\r\n\r\nhello\r\n".to_vec(),
                encoding: LiteralKind::Text,
            }],
        },
        CommandBody::Idle,
        CommandBody::Compress("DEFLATE".into()),
    ]
}

/// Commands valid only with a mailbox selected.
pub fn selected() -> Vec<CommandBody> {
    let mut all = vec![
        CommandBody::Check,
        CommandBody::Close,
        CommandBody::Unselect,
        CommandBody::Expunge,
        CommandBody::UidExpunge(one()),
    ];
    for mode in [UidMode::Seq, UidMode::Uid] {
        all.extend([
            search(mode),
            fetch(mode),
            store(mode),
            CommandBody::Copy {
                mode,
                set: one(),
                mailbox: Mailbox::new("Archive"),
            },
            CommandBody::Move {
                mode,
                set: one(),
                mailbox: Mailbox::new("Archive"),
            },
            sort(mode),
            thread(mode),
        ]);
    }
    all
}

/// Every command, once.
pub fn all() -> Vec<CommandBody> {
    let mut all = any_state();
    all.extend(not_authenticated());
    all.push(CommandBody::StartTls);
    all.push(CommandBody::Enable(vec!["UTF8=ACCEPT".into()]));
    all.push(CommandBody::Namespace);
    all.extend(mailbox_commands());
    all.extend(selected());
    all
}
