//! Evaluates SEARCH keys (RFC 9051 §6.4.4, RFC 7162 MODSEQ, RFC 5032
//! WITHIN) against the messages of a view. Each message is first tried with
//! what the index knows (flags, sizes, dates, UIDs, modseqs); its file is
//! read and parsed only when the answer still depends on a header or the
//! body. It does not format responses and changes nothing.

use std::cell::OnceCell;

use dormouse_mime::{Message, contains_ci};
use dormouse_proto::{Date, SearchKey, Section, SectionText, SeqNum, SequenceSet};
use dormouse_storage::{MessageMeta, StorageError, SystemFlags, Uid, View};

use crate::fetch_date;

/// A message that matched.
#[derive(Clone, Debug)]
pub(crate) struct Hit {
    pub(crate) seq: u32,
    pub(crate) uid: Uid,
    pub(crate) meta: MessageMeta,
}

/// The result of a search, in sequence order.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub(crate) hits: Vec<Hit>,
    /// Some message had been expunged by another session and could not be
    /// looked at: the command ends `OK [EXPUNGEISSUED]`, as in Dovecot.
    pub(crate) lost: bool,
}

/// What a search needs besides the keys.
pub(crate) struct Scope<'a> {
    pub(crate) view: &'a View,
    /// The SEARCHRES result (`$`).
    pub(crate) saved: &'a [Uid],
    /// Seconds since the epoch, for OLDER and YOUNGER.
    pub(crate) now: i64,
}

/// Every message of the view that matches all of `keys`.
pub(crate) fn run(scope: &Scope<'_>, keys: &[SearchKey]) -> Result<Found, StorageError> {
    let mut saved: Vec<u32> = scope.saved.iter().map(|u| u.0.get()).collect();
    saved.sort_unstable();
    let ctx = Ctx {
        exists: scope.view.exists(),
        largest_uid: scope.view.uid(scope.view.exists()).map_or(0, |u| u.0.get()),
        saved,
        now: scope.now,
    };
    let mut found = Found::default();
    for (index, uid) in scope.view.uids().enumerate() {
        let seq = u32::try_from(index).unwrap_or(u32::MAX).saturating_add(1);
        let Some(meta) = scope.view.meta(uid) else {
            found.lost = true;
            continue;
        };
        let candidate = Candidate {
            seq,
            uid,
            meta: &meta,
            recent: scope.view.is_recent(uid),
        };
        let verdict = match all(keys, &candidate, &ctx, None) {
            Some(v) => v,
            None => match scope.view.read(uid) {
                Ok(raw) => {
                    let text = Text::new(&raw);
                    all(keys, &candidate, &ctx, Some(&text)).unwrap_or(false)
                }
                Err(StorageError::Expunged) => {
                    found.lost = true;
                    false
                }
                Err(e) => return Err(e),
            },
        };
        if verdict {
            found.hits.push(Hit { seq, uid, meta });
        }
    }
    Ok(found)
}

/// The current time for OLDER and YOUNGER (RFC 5032), the one place the
/// session reads the clock.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Whether the keys use MODSEQ, which enables CONDSTORE and adds the
/// highest modseq of the result to the answer (RFC 7162 §3.1.5).
pub(crate) fn uses_modseq(keys: &[SearchKey]) -> bool {
    keys.iter().any(|k| match k {
        SearchKey::ModSeq { .. } => true,
        SearchKey::Not(inner) => uses_modseq(std::slice::from_ref(inner)),
        SearchKey::Or(a, b) => {
            uses_modseq(std::slice::from_ref(a)) || uses_modseq(std::slice::from_ref(b))
        }
        SearchKey::And(inner) => uses_modseq(inner),
        _ => false,
    })
}

struct Ctx {
    exists: u32,
    largest_uid: u32,
    /// `$`, sorted.
    saved: Vec<u32>,
    now: i64,
}

struct Candidate<'a> {
    seq: u32,
    uid: Uid,
    meta: &'a MessageMeta,
    recent: bool,
}

/// A message's parse and the texts SEARCH compares, each built on first use.
struct Text<'a> {
    msg: Message<'a>,
    body: OnceCell<String>,
    header: OnceCell<String>,
}

impl<'a> Text<'a> {
    fn new(raw: &'a [u8]) -> Text<'a> {
        Text {
            msg: Message::parse(raw),
            body: OnceCell::new(),
            header: OnceCell::new(),
        }
    }

    /// Some `field` whose decoded value contains `needle`; with an empty
    /// needle, whether the field is there at all (RFC 9051 HEADER).
    fn field_contains(&self, field: &str, needle: &str) -> bool {
        self.msg
            .header_text(field)
            .iter()
            .any(|value| contains_ci(value, needle))
    }

    fn body_contains(&self, needle: &str) -> bool {
        contains_ci(self.body.get_or_init(|| self.msg.body_text()), needle)
    }

    /// TEXT: the header as stored, then every field decoded (so that both
    /// an encoded-word's text and its raw form are found), then the body.
    fn text_contains(&self, needle: &str) -> bool {
        contains_ci(self.header.get_or_init(|| self.header_text()), needle)
            || self.body_contains(needle)
    }

    fn header_text(&self) -> String {
        let raw = self
            .msg
            .section(&Section {
                part: Vec::new(),
                text: Some(SectionText::Header),
            })
            .unwrap_or_default();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let mut names: Vec<&str> = Vec::new();
        for line in raw.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                continue;
            }
            if let Some((name, _)) = line.split_once(':') {
                let name = name.trim();
                if !name.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                    names.push(name);
                }
            }
        }
        let mut out = raw.clone();
        for name in names {
            for value in self.msg.header_text(name) {
                out.push('\n');
                out.push_str(&value);
            }
        }
        out
    }

    /// The Date: header's day in its own zone (RFC 9051 SENT*: "disregarding
    /// time and timezone"). A message without a readable Date: matches no
    /// SENT* key, as Dovecot treats it.
    fn sent_day(&self) -> Option<Date> {
        self.msg.sent_date()
    }
}

fn all(keys: &[SearchKey], c: &Candidate<'_>, ctx: &Ctx, text: Option<&Text<'_>>) -> Option<bool> {
    let mut unknown = false;
    for key in keys {
        match eval(key, c, ctx, text) {
            Some(false) => return Some(false),
            Some(true) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(true) }
}

/// `Some(verdict)`, or `None` when the verdict needs the message text and
/// `text` is not there.
fn eval(key: &SearchKey, c: &Candidate<'_>, ctx: &Ctx, text: Option<&Text<'_>>) -> Option<bool> {
    use SearchKey as K;
    let meta = c.meta;
    let flag = |f: SystemFlags| meta.flags.contains(f);
    let day = || fetch_date::key(&fetch_date::day_of(meta.internal_date));
    Some(match key {
        K::All => true,
        K::Answered => flag(SystemFlags::ANSWERED),
        K::Deleted => flag(SystemFlags::DELETED),
        K::Draft => flag(SystemFlags::DRAFT),
        K::Flagged => flag(SystemFlags::FLAGGED),
        K::Seen => flag(SystemFlags::SEEN),
        K::Unanswered => !flag(SystemFlags::ANSWERED),
        K::Undeleted => !flag(SystemFlags::DELETED),
        K::Undraft => !flag(SystemFlags::DRAFT),
        K::Unflagged => !flag(SystemFlags::FLAGGED),
        K::Unseen => !flag(SystemFlags::SEEN),
        K::Keyword(k) => has_keyword(meta, k),
        K::Unkeyword(k) => !has_keyword(meta, k),
        K::Recent => c.recent,
        K::New => c.recent && !flag(SystemFlags::SEEN),
        K::Old => !c.recent,
        K::Larger(n) => meta.size > u64::from(*n),
        K::Smaller(n) => meta.size < u64::from(*n),
        K::Before(d) => day() < fetch_date::key(d),
        K::On(d) => day() == fetch_date::key(d),
        K::Since(d) => day() >= fetch_date::key(d),
        // Dovecot compares inclusively at both ends (mail-search-register-imap.c).
        K::Older(secs) => meta.internal_date <= ctx.now.saturating_sub(i64::from(*secs)),
        K::Younger(secs) => meta.internal_date >= ctx.now.saturating_sub(i64::from(*secs)),
        // One modseq per message: the per-flag entry names of RFC 7162
        // §3.1.5 all map to it, which the RFC allows.
        K::ModSeq { modseq, .. } => meta.modseq.0 >= *modseq,
        K::Uid(set) => in_set(set, c.uid.0.get(), ctx.largest_uid, c.uid, ctx),
        K::SequenceSet(set) => in_set(set, c.seq, ctx.exists, c.uid, ctx),
        K::Not(inner) => !eval(inner, c, ctx, text)?,
        K::Or(a, b) => match eval(a, c, ctx, text) {
            Some(true) => true,
            Some(false) => eval(b, c, ctx, text)?,
            None => match eval(b, c, ctx, text) {
                Some(true) => true,
                _ => return None,
            },
        },
        K::And(keys) => all(keys, c, ctx, text)?,
        K::Bcc(s) => text?.field_contains("Bcc", s),
        K::Cc(s) => text?.field_contains("Cc", s),
        K::From(s) => text?.field_contains("From", s),
        K::To(s) => text?.field_contains("To", s),
        K::Subject(s) => text?.field_contains("Subject", s),
        K::Header(field, s) => text?.field_contains(field, s),
        K::Body(s) => text?.body_contains(s),
        K::Text(s) => text?.text_contains(s),
        K::SentBefore(d) => text?
            .sent_day()
            .is_some_and(|s| fetch_date::key(&s) < fetch_date::key(d)),
        K::SentOn(d) => text?
            .sent_day()
            .is_some_and(|s| fetch_date::key(&s) == fetch_date::key(d)),
        K::SentSince(d) => text?
            .sent_day()
            .is_some_and(|s| fetch_date::key(&s) >= fetch_date::key(d)),
    })
}

/// Keywords compare case-insensitively, as the store keeps them.
fn has_keyword(meta: &MessageMeta, keyword: &str) -> bool {
    meta.keywords
        .iter()
        .any(|k| k.eq_ignore_ascii_case(keyword))
}

/// Whether `n` (a sequence number or UID) is in `set`, `*` standing for
/// `largest`. Unlike FETCH, SEARCH does not fail on numbers beyond the
/// mailbox: they simply match nothing, as in Dovecot. `$` is the saved
/// result, matched by UID.
fn in_set(set: &SequenceSet, n: u32, largest: u32, uid: Uid, ctx: &Ctx) -> bool {
    match set {
        SequenceSet::Saved => ctx.saved.binary_search(&uid.0.get()).is_ok(),
        SequenceSet::Ranges(ranges) => ranges.iter().any(|r| {
            let value = |v: SeqNum| match v {
                SeqNum::Largest => largest,
                SeqNum::Value(v) => v.get(),
            };
            let (a, b) = (value(r.start), value(r.end));
            (a.min(b)..=a.max(b)).contains(&n)
        }),
    }
}
