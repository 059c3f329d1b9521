//! Property: every valid `Command` survives encode → parse unchanged, with
//! both literal styles. The strategies generate only values the grammar can
//! express (non-empty lists where the RFC requires them, no NUL outside
//! literal8, INBOX normalised through `Mailbox::new`); they do not try to
//! produce invalid input, which the parser's own tests cover.

use std::num::NonZeroU32;

use dormouse_proto::encode::{ClientLiterals, encode_command};
use dormouse_proto::parse::parse_command;
use dormouse_proto::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

fn nz() -> impl Strategy<Value = NonZeroU32> {
    prop_oneof![
        (1u32..20).prop_map(|n| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)),
        any::<NonZeroU32>(),
    ]
}

fn tag() -> impl Strategy<Value = Tag> {
    let chars: Vec<char> = (0x21u8..0x7f)
        .filter(|&b| dormouse_proto::chars::is_astring_char(b) && b != b'+')
        .map(char::from)
        .collect();
    vec(select(chars), 1..8).prop_filter_map("valid tag", |cs| {
        Tag::new(cs.into_iter().collect::<String>())
    })
}

/// Text of every shape the encoder must handle: atoms, words needing
/// quotes, CR/LF and other controls, non-ASCII, `NIL`, and long strings
/// that must become literals. Never NUL: `literal` cannot carry it.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9.$_-]{1,10}",
        4 => "[ -~]{0,12}",
        4 => "[\r\n\"\\\\ a%*(){}\\]]{0,8}",
        4 => "[^\0]{0,12}",
        2 => select(vec!["NIL", "nil", "INBOX", "inbox", "", "\"", "\\", "{3}"]).prop_map(str::to_owned),
        1 => "[a-z ]{1020,1040}",
    ]
}

fn mailbox() -> impl Strategy<Value = Mailbox> {
    text().prop_map(Mailbox::new)
}

fn atom() -> impl Strategy<Value = String> {
    "[A-Za-z0-9$_.-][A-Za-z0-9$_.!#&'+,/:;<=>?@^`|~-]{0,8}"
}

fn seq_num() -> impl Strategy<Value = SeqNum> {
    prop_oneof![4 => nz().prop_map(SeqNum::Value), 1 => Just(SeqNum::Largest)]
}

fn ranges<S: Strategy<Value = SeqNum>>(num: impl Fn() -> S) -> impl Strategy<Value = SequenceSet> {
    vec(
        (num(), num()).prop_map(|(start, end)| SeqRange { start, end }),
        1..4,
    )
    .prop_map(SequenceSet::Ranges)
}

fn sequence_set() -> impl Strategy<Value = SequenceSet> {
    prop_oneof![6 => ranges(seq_num), 1 => Just(SequenceSet::Saved)]
}

/// QRESYNC sets: UIDs or sequence numbers only, no `*` and no `$`.
fn plain_set() -> impl Strategy<Value = SequenceSet> {
    ranges(|| nz().prop_map(SeqNum::Value))
}

fn keyword() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec!["$Forwarded", "$Junk", "NonJunk", "$MDNSent"]).prop_map(str::to_owned),
        atom(),
    ]
}

/// Flags a client may send: `\Recent` is server-only, and an extension
/// flag must not be a system flag in another case.
fn flag() -> impl Strategy<Value = Flag> {
    let system = ["answered", "flagged", "deleted", "seen", "draft", "recent"];
    prop_oneof![
        Just(Flag::Answered),
        Just(Flag::Flagged),
        Just(Flag::Deleted),
        Just(Flag::Seen),
        Just(Flag::Draft),
        keyword().prop_map(Flag::Keyword),
        atom()
            .prop_filter("not a system flag", move |a| {
                !system.contains(&a.to_ascii_lowercase().as_str())
            })
            .prop_map(Flag::Extension),
    ]
}

fn date() -> impl Strategy<Value = Date> {
    (1900u16..2100, 1u8..=12, 1u8..=28).prop_map(|(year, month, day)| Date { year, month, day })
}

fn date_time() -> impl Strategy<Value = DateTime> {
    (date(), 0u8..24, 0u8..60, 0u8..60, -1439i16..=1439).prop_map(
        |(date, hour, minute, second, zone_minutes)| DateTime {
            date,
            hour,
            minute,
            second,
            zone_minutes,
        },
    )
}

const MAX_MODSEQ: u64 = i64::MAX as u64;

fn status_items() -> impl Strategy<Value = Vec<StatusItem>> {
    use StatusItem::*;
    subsequence(
        vec![
            Messages,
            Recent,
            UidNext,
            UidValidity,
            Unseen,
            Deleted,
            Size,
            HighestModSeq,
        ],
        1..=4,
    )
    .prop_shuffle()
}

fn search_returns() -> impl Strategy<Value = Vec<SearchReturn>> {
    use SearchReturn::*;
    subsequence(vec![Min, Max, All, Count, Save], 0..=5)
}

fn entry_name() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "\\Seen",
            "\\Answered",
            "\\Flagged",
            "\\Deleted",
            "\\Draft"
        ])
        .prop_map(str::to_owned),
        keyword(),
    ]
    .prop_map(|flag| format!("/flags/{flag}"))
}

fn search_key() -> impl Strategy<Value = SearchKey> {
    use SearchKey as K;
    let leaf = prop_oneof![
        select(vec![
            K::All,
            K::Answered,
            K::Deleted,
            K::Draft,
            K::Flagged,
            K::New,
            K::Old,
            K::Recent,
            K::Seen,
            K::Unanswered,
            K::Undeleted,
            K::Undraft,
            K::Unflagged,
            K::Unseen,
        ]),
        text().prop_map(K::Bcc),
        text().prop_map(K::Body),
        text().prop_map(K::Cc),
        text().prop_map(K::From),
        text().prop_map(K::Subject),
        text().prop_map(K::Text),
        text().prop_map(K::To),
        (text(), text()).prop_map(|(f, v)| K::Header(f, v)),
        keyword().prop_map(K::Keyword),
        keyword().prop_map(K::Unkeyword),
        date().prop_map(K::Before),
        date().prop_map(K::On),
        date().prop_map(K::SentBefore),
        date().prop_map(K::SentOn),
        date().prop_map(K::SentSince),
        date().prop_map(K::Since),
        any::<u32>().prop_map(K::Larger),
        any::<u32>().prop_map(K::Smaller),
        nz().prop_map(|n| K::Older(n.get())),
        nz().prop_map(|n| K::Younger(n.get())),
        sequence_set().prop_map(K::Uid),
        sequence_set().prop_map(K::SequenceSet),
        (
            option::of((
                entry_name(),
                select(vec![EntryType::Private, EntryType::Shared, EntryType::All])
            )),
            0..=MAX_MODSEQ
        )
            .prop_map(|(entry, modseq)| K::ModSeq { entry, modseq }),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|k| K::Not(Box::new(k))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| K::Or(Box::new(a), Box::new(b))),
            vec(inner, 1..3).prop_map(K::And),
        ]
    })
}

fn search_keys() -> impl Strategy<Value = Vec<SearchKey>> {
    vec(search_key(), 1..4)
}

fn charset() -> impl Strategy<Value = String> {
    select(vec!["UTF-8", "US-ASCII", "ISO-8859-1"]).prop_map(str::to_owned)
}

fn mode() -> impl Strategy<Value = UidMode> {
    prop_oneof![Just(UidMode::Seq), Just(UidMode::Uid)]
}

fn part() -> impl Strategy<Value = Vec<NonZeroU32>> {
    vec(nz(), 0..3)
}

fn section() -> impl Strategy<Value = Section> {
    let fields = || vec(text(), 1..3);
    (
        part(),
        option::of(prop_oneof![
            Just(SectionText::Header),
            Just(SectionText::Text),
            Just(SectionText::Mime),
            fields().prop_map(SectionText::HeaderFields),
            fields().prop_map(SectionText::HeaderFieldsNot),
        ]),
    )
        // MIME only names the header of a numbered part.
        .prop_filter("MIME needs a part", |(part, text)| {
            !(part.is_empty() && text == &Some(SectionText::Mime))
        })
        .prop_map(|(part, text)| Section { part, text })
}

fn partial() -> impl Strategy<Value = Option<Partial>> {
    option::of((any::<u32>(), nz()).prop_map(|(offset, length)| Partial { offset, length }))
}

fn fetch_item() -> impl Strategy<Value = FetchItem> {
    use FetchItem as F;
    prop_oneof![
        select(vec![
            F::Envelope,
            F::Flags,
            F::InternalDate,
            F::Rfc822,
            F::Rfc822Header,
            F::Rfc822Size,
            F::Rfc822Text,
            F::Body,
            F::BodyStructure,
            F::Uid,
            F::ModSeq,
        ]),
        (any::<bool>(), section(), partial()).prop_map(|(peek, section, partial)| {
            F::BodySection {
                peek,
                section,
                partial,
            }
        }),
        (any::<bool>(), part(), partial()).prop_map(|(peek, part, partial)| F::Binary {
            peek,
            part,
            partial
        }),
        part().prop_map(|part| F::BinarySize { part }),
    ]
}

fn fetch() -> impl Strategy<Value = Fetch> {
    (
        mode(),
        sequence_set(),
        prop_oneof![
            Just(FetchAttributes::All),
            Just(FetchAttributes::Fast),
            Just(FetchAttributes::Full),
            vec(fetch_item(), 1..4).prop_map(FetchAttributes::Items),
        ],
        option::of(1..=MAX_MODSEQ),
        any::<bool>(),
    )
        .prop_map(|(mode, set, attributes, changed_since, vanished)| Fetch {
            mode,
            set,
            attributes,
            // VANISHED is only valid with CHANGEDSINCE, in UID FETCH.
            vanished: vanished && changed_since.is_some() && mode == UidMode::Uid,
            changed_since,
        })
}

fn store() -> impl Strategy<Value = Store> {
    (
        mode(),
        sequence_set(),
        option::of(0..=MAX_MODSEQ),
        select(vec![
            StoreAction::Replace,
            StoreAction::Add,
            StoreAction::Remove,
        ]),
        select(vec![StoreResponse::Answer, StoreResponse::Silent]),
        vec(flag(), 0..4),
    )
        .prop_map(
            |(mode, set, unchanged_since, action, response, flags)| Store {
                mode,
                set,
                unchanged_since,
                action,
                response,
                flags,
            },
        )
}

fn select_params() -> impl Strategy<Value = SelectParams> {
    let qresync = (
        nz(),
        1..=MAX_MODSEQ,
        option::of((plain_set(), option::of((plain_set(), plain_set())))),
    )
        .prop_map(|(uidvalidity, modseq, known)| {
            let (known_uids, seq_match) = match known {
                Some((uids, seq_match)) => (Some(uids), seq_match),
                None => (None, None),
            };
            QResync {
                uidvalidity,
                modseq,
                known_uids,
                seq_match,
            }
        });
    (any::<bool>(), option::of(qresync))
        .prop_map(|(condstore, qresync)| SelectParams { condstore, qresync })
}

fn list() -> impl Strategy<Value = List> {
    let selection = (
        subsequence(
            vec![
                ListSelect::Subscribed,
                ListSelect::Remote,
                ListSelect::SpecialUse,
                ListSelect::Other("X-SELECT".into()),
            ],
            0..=4,
        ),
        any::<bool>(),
    )
        // RFC 5258: RECURSIVEMATCH never stands alone.
        .prop_map(|(mut sel, recursive)| {
            if recursive && sel.contains(&ListSelect::Subscribed) {
                sel.push(ListSelect::RecursiveMatch);
            }
            sel
        });
    let returns = (
        subsequence(
            vec![
                ListReturn::Subscribed,
                ListReturn::Children,
                ListReturn::SpecialUse,
                ListReturn::Other("X-RETURN".into()),
            ],
            0..=4,
        ),
        option::of(status_items()),
    )
        .prop_map(|(mut r, status)| {
            r.extend(status.map(ListReturn::Status));
            r
        });
    (selection, mailbox(), vec(text(), 1..3), returns).prop_map(
        |(selection, reference, patterns, returns)| List {
            selection,
            reference,
            patterns,
            returns,
        },
    )
}

fn append_message() -> impl Strategy<Value = AppendMessage> {
    (
        vec(flag(), 0..3),
        option::of(date_time()),
        prop_oneof![
            vec(1u8..=255, 0..40).prop_map(|data| (data, LiteralKind::Text)),
            vec(any::<u8>(), 0..40).prop_map(|data| (data, LiteralKind::Binary)),
        ],
    )
        .prop_map(|(flags, date, (data, encoding))| AppendMessage {
            flags,
            date,
            data,
            encoding,
        })
}

fn secret_text() -> impl Strategy<Value = Secret> {
    text().prop_map(|s| Secret(s.into_bytes()))
}

fn base64_response() -> impl Strategy<Value = Secret> {
    prop_oneof![
        Just("=".to_owned()),
        "([A-Za-z0-9+/]{4}){1,4}([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?",
    ]
    .prop_map(|s| Secret(s.into_bytes()))
}

fn command_body() -> impl Strategy<Value = CommandBody> {
    use CommandBody as C;
    prop_oneof![
        select(vec![
            C::Capability,
            C::Noop,
            C::Logout,
            C::StartTls,
            C::Namespace,
            C::Idle,
            C::Check,
            C::Close,
            C::Unselect,
            C::Expunge,
        ]),
        option::of(vec((text(), option::of(text())), 0..3)).prop_map(C::Id),
        (
            select(vec!["PLAIN", "LOGIN", "XOAUTH2", "SCRAM-SHA-256"]),
            option::of(base64_response())
        )
            .prop_map(|(m, initial)| C::Authenticate {
                mechanism: m.to_owned(),
                initial
            }),
        (text(), secret_text()).prop_map(|(username, password)| C::Login { username, password }),
        vec(atom(), 1..3).prop_map(C::Enable),
        (mailbox(), select_params()).prop_map(|(mailbox, params)| C::Select { mailbox, params }),
        (mailbox(), select_params()).prop_map(|(mailbox, params)| C::Examine { mailbox, params }),
        (
            mailbox(),
            subsequence(vec!["Sent", "Trash", "Drafts", "Junk", "Archive"], 0..=2)
        )
            .prop_map(|(mailbox, uses)| C::Create {
                mailbox,
                special_use: uses.into_iter().map(str::to_owned).collect()
            }),
        mailbox().prop_map(C::Delete),
        (mailbox(), mailbox()).prop_map(|(from, to)| C::Rename { from, to }),
        mailbox().prop_map(C::Subscribe),
        mailbox().prop_map(C::Unsubscribe),
        list().prop_map(C::List),
        (mailbox(), text()).prop_map(|(reference, pattern)| C::Lsub { reference, pattern }),
        (mailbox(), status_items()).prop_map(|(mailbox, items)| C::Status { mailbox, items }),
        (mailbox(), vec(append_message(), 1..3))
            .prop_map(|(mailbox, messages)| C::Append { mailbox, messages }),
        Just(C::Compress("DEFLATE".into())),
        sequence_set().prop_map(C::UidExpunge),
        (
            mode(),
            option::of(search_returns()),
            option::of(charset()),
            search_keys()
        )
            .prop_map(|(mode, returns, charset, criteria)| C::Search(Search {
                mode,
                returns,
                charset,
                criteria
            })),
        fetch().prop_map(C::Fetch),
        store().prop_map(C::Store),
        (mode(), sequence_set(), mailbox()).prop_map(|(mode, set, mailbox)| C::Copy {
            mode,
            set,
            mailbox
        }),
        (mode(), sequence_set(), mailbox()).prop_map(|(mode, set, mailbox)| C::Move {
            mode,
            set,
            mailbox
        }),
        sort().prop_map(C::Sort),
        (
            mode(),
            select(vec!["ORDEREDSUBJECT", "REFERENCES", "REFS"]),
            charset(),
            search_keys()
        )
            .prop_map(|(mode, algorithm, charset, search)| C::Thread(Thread {
                mode,
                algorithm: algorithm.to_owned(),
                charset,
                search
            })),
    ]
}

fn sort() -> impl Strategy<Value = Sort> {
    let criterion = (
        any::<bool>(),
        select(vec![
            SortKey::Arrival,
            SortKey::Cc,
            SortKey::Date,
            SortKey::From,
            SortKey::Size,
            SortKey::Subject,
            SortKey::To,
            SortKey::DisplayFrom,
            SortKey::DisplayTo,
        ]),
    )
        .prop_map(|(reverse, key)| SortCriterion { reverse, key });
    (
        mode(),
        option::of(search_returns()),
        vec(criterion, 1..4),
        charset(),
        search_keys(),
    )
        .prop_map(|(mode, returns, criteria, charset, search)| Sort {
            mode,
            returns,
            criteria,
            charset,
            search,
        })
}

fn command() -> impl Strategy<Value = Command> {
    (tag(), command_body()).prop_map(|(tag, body)| Command { tag, body })
}

fn round_trip(cmd: &Command, literals: ClientLiterals) -> Result<(), TestCaseError> {
    let mut wire = Vec::new();
    encode_command(cmd, literals, &mut wire);
    let shown = String::from_utf8_lossy(&wire);
    match parse_command(&wire) {
        Ok(parsed) => {
            prop_assert_eq!(&parsed, cmd, "wire: {:?}", shown);
            Ok(())
        }
        Err(e) => Err(TestCaseError::fail(format!(
            "parse failed: {e:?}\nwire: {shown:?}"
        ))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn commands_round_trip_with_non_sync_literals(cmd in command()) {
        round_trip(&cmd, ClientLiterals::NonSync)?;
    }

    #[test]
    fn commands_round_trip_with_sync_literals(cmd in command()) {
        round_trip(&cmd, ClientLiterals::Sync)?;
    }
}

proptest! {
    #[test]
    fn mutf7_round_trips_any_name(name in any::<String>()) {
        let wire = dormouse_proto::mutf7::encode(&name);
        prop_assert!(wire.bytes().all(|b| (0x20..0x7f).contains(&b)), "{:?}", wire);
        prop_assert_eq!(dormouse_proto::mutf7::decode(&wire), Ok(name));
    }

    /// Whatever the strict decoder accepts, the encoder writes back byte for
    /// byte: a name has one wire form.
    #[test]
    fn mutf7_accepts_only_canonical_forms(wire in "([a-z &-]|&[A-Za-z0-9+,]{0,7}-){0,6}") {
        if let Ok(name) = dormouse_proto::mutf7::decode(&wire) {
            prop_assert_eq!(dormouse_proto::mutf7::encode(&name), wire);
        }
    }

    /// Response text from anywhere (an error message, a client's input)
    /// never breaks the response line.
    #[test]
    fn status_text_stays_on_one_line(text in any::<String>(), utf8 in any::<bool>()) {
        use dormouse_proto::encode::{EncodeOptions, Utf8Mode, encode_response};
        let opts = EncodeOptions { utf8: if utf8 { Utf8Mode::Accept } else { Utf8Mode::Ascii } };
        let resp = Response::Status(StatusResponse::untagged(StatusKind::No, None, text));
        let mut out = Vec::new();
        encode_response(&resp, opts, &mut out);
        let body = out.strip_suffix(b"\r\n");
        prop_assert!(body.is_some());
        let body = body.unwrap_or_default();
        prop_assert!(!body.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0), "{:?}", out);
        if !utf8 {
            prop_assert!(body.is_ascii());
        }
    }
}
