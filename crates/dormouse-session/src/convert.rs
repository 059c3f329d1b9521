//! Conversions between the IMAP syntax and the store's: flags (system flags
//! are bits, keywords are names; `\Recent` is the server's to set and is
//! never stored) and mailbox names (modified UTF-7 or, with UTF8=ACCEPT,
//! UTF-8 on the wire; validated UTF-8 `MailboxName`s in the store).

use dormouse_proto::{Flag, Mailbox, mutf7};
use dormouse_storage::{MailboxName, MessageMeta, SystemFlags};

use crate::errors::{CommandError, Refusal};
use crate::extensions::Extension;
use crate::state::Authenticated;

/// The FLAGS of a message as a client sees them, `\Recent` included when
/// this session holds it (IMAP4rev1 only; IMAP4rev2 dropped `\Recent`).
pub(crate) fn flags_of(meta: &MessageMeta, recent: Recent) -> Vec<Flag> {
    let mut out = Vec::with_capacity(6 + meta.keywords.len());
    for (bit, flag) in SYSTEM {
        if meta.flags.contains(bit) {
            out.push(flag);
        }
    }
    if recent == Recent::Yes {
        out.push(Flag::Recent);
    }
    out.extend(meta.keywords.iter().cloned().map(Flag::Keyword));
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recent {
    Yes,
    No,
}

/// Splits client flags into system bits and keyword names. `\Recent` and
/// unknown `\`-flags cannot be stored (RFC 9051 §2.3.2): they are dropped,
/// as Dovecot does, rather than failing the whole STORE or APPEND.
pub(crate) fn split(flags: &[Flag]) -> (SystemFlags, Vec<String>) {
    let mut system = SystemFlags::default();
    let mut keywords: Vec<String> = Vec::new();
    for flag in flags {
        match flag {
            Flag::Keyword(k) => {
                if !keywords.iter().any(|have| have.eq_ignore_ascii_case(k)) {
                    keywords.push(k.clone());
                }
            }
            Flag::Recent | Flag::Extension(_) => {}
            other => {
                if let Some((bit, _)) = SYSTEM.iter().find(|(_, f)| f == other) {
                    system.insert(*bit);
                }
            }
        }
    }
    (system, keywords)
}

/// The `* FLAGS` list and, with `\*`, PERMANENTFLAGS: system flags first.
pub(crate) fn defined_flags(keywords: &[String]) -> Vec<Flag> {
    SYSTEM
        .iter()
        .map(|(_, f)| f.clone())
        .chain(keywords.iter().cloned().map(Flag::Keyword))
        .collect()
}

/// The store's name for a mailbox name as the client sent it: modified
/// UTF-7 is decoded unless UTF8=ACCEPT is on (RFC 6855 §3), then the store
/// validates it. Either failure is a NO, as in Dovecot.
pub(crate) fn mailbox_name(
    auth: &Authenticated,
    raw: &Mailbox,
) -> Result<MailboxName, CommandError> {
    let decoded = if auth.enabled.contains(Extension::Utf8Accept) {
        raw.0.clone()
    } else {
        mutf7::decode(&raw.0).map_err(|_| Refusal::MailboxNameEncoding)?
    };
    Ok(auth.mail.name(&decoded)?)
}

const SYSTEM: [(SystemFlags, Flag); 5] = [
    (SystemFlags::ANSWERED, Flag::Answered),
    (SystemFlags::FLAGGED, Flag::Flagged),
    (SystemFlags::DELETED, Flag::Deleted),
    (SystemFlags::SEEN, Flag::Seen),
    (SystemFlags::DRAFT, Flag::Draft),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_drops_recent_and_dedups_keywords() {
        let (system, keywords) = split(&[
            Flag::Seen,
            Flag::Recent,
            Flag::Keyword("$Junk".into()),
            Flag::Keyword("$junk".into()),
            Flag::Extension("Whatever".into()),
        ]);
        assert!(system.contains(SystemFlags::SEEN));
        assert!(!system.contains(SystemFlags::DELETED));
        assert_eq!(keywords, vec!["$Junk".to_string()]);
    }
}
