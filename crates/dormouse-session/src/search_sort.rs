//! SORT keys and order (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO): each
//! matched message's key values, computed once, then one stable sort in
//! which exact ties keep mailbox order. Files are read only for criteria
//! that need a header. Also the sent date THREAD shares with SORT DATE.

use std::cmp::Ordering;

use dormouse_mime::{AddressField, Message};
use dormouse_proto::{SortCriterion, SortKey};
use dormouse_storage::{MessageMeta, StorageError, View};

use crate::fetch_date;
use crate::search_eval::Hit;

/// The hits in the requested order; `lost` when one vanished meanwhile.
pub(crate) struct Sorted {
    pub(crate) hits: Vec<Hit>,
    pub(crate) lost: bool,
}

/// One criterion's value for one message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Num(i64),
    Text(String),
}

pub(crate) fn order(
    view: &View,
    hits: Vec<Hit>,
    criteria: &[SortCriterion],
) -> Result<Sorted, StorageError> {
    // A key that already sorted can never change the order again, so only
    // its first use counts; this also bounds memory per message by the
    // number of key kinds, whatever a client repeats (review finding).
    let mut distinct: Vec<SortCriterion> = Vec::new();
    for c in criteria {
        if !distinct.iter().any(|d| d.key == c.key) {
            distinct.push(*c);
        }
    }
    let criteria = distinct.as_slice();
    let needs_file = criteria
        .iter()
        .any(|c| !matches!(c.key, SortKey::Arrival | SortKey::Size));
    let mut keyed: Vec<(Vec<Value>, Hit)> = Vec::with_capacity(hits.len());
    let mut lost = false;
    for hit in hits {
        let raw = if needs_file {
            match view.read(hit.uid) {
                Ok(raw) => Some(raw),
                Err(StorageError::Expunged) => {
                    lost = true;
                    continue;
                }
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        let msg = raw.as_deref().map(Message::parse);
        let values = criteria
            .iter()
            .map(|c| value(c.key, &hit.meta, msg.as_ref()))
            .collect();
        keyed.push((values, hit));
    }
    keyed.sort_by(|(a, _), (b, _)| compare(a, b, criteria));
    Ok(Sorted {
        hits: keyed.into_iter().map(|(_, hit)| hit).collect(),
        lost,
    })
}

/// Criterion by criterion; REVERSE flips only its own criterion. The sort
/// is stable and the hits come in mailbox order, which settles exact ties
/// as RFC 5256 §3 requires.
fn compare(a: &[Value], b: &[Value], criteria: &[SortCriterion]) -> Ordering {
    for ((x, y), c) in a.iter().zip(b).zip(criteria) {
        let ord = x.cmp(y);
        let ord = if c.reverse { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn value(key: SortKey, meta: &MessageMeta, msg: Option<&Message<'_>>) -> Value {
    let text = |f: &dyn Fn(&Message<'_>) -> String| Value::Text(msg.map(f).unwrap_or_default());
    match key {
        SortKey::Arrival => Value::Num(meta.internal_date),
        SortKey::Size => Value::Num(i64::try_from(meta.size).unwrap_or(i64::MAX)),
        SortKey::Date => Value::Num(msg.map_or(meta.internal_date, |m| sent_date(m, meta))),
        // RFC 5256 §3: i;ascii-casemap for the subject and the mailboxes.
        SortKey::Subject => text(&|m| m.sort_subject().to_ascii_uppercase()),
        SortKey::From => text(&|m| mailbox(m, AddressField::From)),
        SortKey::To => text(&|m| mailbox(m, AddressField::To)),
        SortKey::Cc => text(&|m| mailbox(m, AddressField::Cc)),
        SortKey::DisplayFrom => text(&|m| display(m, AddressField::From)),
        SortKey::DisplayTo => text(&|m| display(m, AddressField::To)),
    }
}

/// RFC 5256 §2.2: the Date: header in UTC, or INTERNALDATE when there is
/// no Date: or it cannot be read.
pub(crate) fn sent_date(msg: &Message<'_>, meta: &MessageMeta) -> i64 {
    msg.sent_date_time()
        .map_or(meta.internal_date, |dt| fetch_date::epoch_of(&dt))
}

fn mailbox(msg: &Message<'_>, field: AddressField) -> String {
    msg.sort_mailbox(field)
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// RFC 5957 §3: the decoded display name of the first address, or its
/// addr-spec when it has none, compared with i;unicode-casemap (here:
/// Unicode lower case, which maps every case variant of a letter alike).
fn display(msg: &Message<'_>, field: AddressField) -> String {
    let env = msg.envelope();
    let list = match field {
        AddressField::From => &env.from,
        AddressField::To => &env.to,
        AddressField::Cc => &env.cc,
    };
    let Some(first) = list.iter().find(|a| a.host.is_some()) else {
        return String::new();
    };
    let name = first
        .name
        .as_deref()
        .map(decode_phrase)
        .filter(|n| !n.trim().is_empty());
    let shown = match name {
        Some(name) => name,
        None => {
            let part = |b: &Option<Vec<u8>>| {
                String::from_utf8_lossy(b.as_deref().unwrap_or_default()).into_owned()
            };
            format!("{}@{}", part(&first.mailbox), part(&first.host))
        }
    };
    shown.chars().flat_map(char::to_lowercase).collect()
}

/// An envelope name is the raw phrase, encoded-words and all; the MIME
/// crate decodes header values, so the phrase is handed to it as one.
fn decode_phrase(raw: &[u8]) -> String {
    let mut header: Vec<u8> = b"X-Display-Name: ".to_vec();
    header.extend(raw.iter().filter(|&&b| b != b'\r' && b != b'\n'));
    header.extend_from_slice(b"\r\n\r\n");
    Message::parse(&header)
        .header_text("X-Display-Name")
        .pop()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_applies_to_its_own_criterion() {
        let criteria = [
            SortCriterion {
                reverse: true,
                key: SortKey::Size,
            },
            SortCriterion {
                reverse: false,
                key: SortKey::Arrival,
            },
        ];
        let a = [Value::Num(10), Value::Num(1)];
        let b = [Value::Num(10), Value::Num(2)];
        let c = [Value::Num(20), Value::Num(3)];
        assert_eq!(compare(&a, &b, &criteria), Ordering::Less);
        assert_eq!(compare(&c, &a, &criteria), Ordering::Less);
        assert_eq!(compare(&a, &a, &criteria), Ordering::Equal);
    }

    #[test]
    fn display_names_are_decoded_and_fall_back_to_the_address() {
        let raw = b"From: =?utf-8?q?J=C3=B6rg?= <j@x.example>\r\nTo: <Bob@Y.example>\r\n\r\nhi\r\n";
        let msg = Message::parse(raw);
        assert_eq!(display(&msg, AddressField::From), "jörg");
        assert_eq!(display(&msg, AddressField::To), "bob@y.example");
        assert_eq!(display(&msg, AddressField::Cc), "");
        assert_eq!(mailbox(&msg, AddressField::To), "BOB");
    }
}
