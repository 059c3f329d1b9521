//! Small values that both encoders write the same way: sequence sets,
//! flags, dates, section specs and item names. Sets are written in the order
//! given (COPYUID pairs depend on it); `compact_set` builds the canonical
//! form from a list of numbers.

use std::num::NonZeroU32;

use super::strings::Writer;
use crate::types::{
    Date, DateTime, Flag, SearchReturn, Section, SectionText, SeqNum, SeqRange, SequenceSet,
    StatusItem,
};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `1:3,5,7:*`, or `$`. A range whose ends are equal is written once.
pub fn sequence_set_to_string(set: &SequenceSet) -> String {
    let mut out = Vec::new();
    let mut w = Writer::new(
        &mut out,
        super::strings::LiteralStyle::Server,
        super::Utf8Mode::Ascii,
    );
    sequence_set(&mut w, set);
    // Only digits, ':', ',', '*' and '$' were written.
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical set for these numbers: sorted, duplicates dropped,
/// consecutive runs merged into ranges. `None` for no numbers, since a
/// sequence set cannot be empty.
pub fn compact_set(ids: &[NonZeroU32]) -> Option<SequenceSet> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges: Vec<(NonZeroU32, NonZeroU32)> = Vec::new();
    for id in sorted {
        match ranges.last_mut() {
            Some((_, end)) if end.checked_add(1) == Some(id) => *end = id,
            _ => ranges.push((id, id)),
        }
    }
    if ranges.is_empty() {
        return None;
    }
    Some(SequenceSet::Ranges(
        ranges
            .into_iter()
            .map(|(start, end)| SeqRange {
                start: SeqNum::Value(start),
                end: SeqNum::Value(end),
            })
            .collect(),
    ))
}

pub(crate) fn sequence_set(w: &mut Writer<'_>, set: &SequenceSet) {
    match set {
        SequenceSet::Saved => w.byte(b'$'),
        SequenceSet::Ranges(ranges) => {
            for (i, range) in ranges.iter().enumerate() {
                if i > 0 {
                    w.byte(b',');
                }
                seq_num(w, range.start);
                if range.end != range.start {
                    w.byte(b':');
                    seq_num(w, range.end);
                }
            }
        }
    }
}

fn seq_num(w: &mut Writer<'_>, n: SeqNum) {
    match n {
        SeqNum::Value(v) => w.num(v),
        SeqNum::Largest => w.byte(b'*'),
    }
}

pub(crate) fn flag(w: &mut Writer<'_>, flag: &Flag) {
    match flag {
        Flag::Answered => w.str("\\Answered"),
        Flag::Flagged => w.str("\\Flagged"),
        Flag::Deleted => w.str("\\Deleted"),
        Flag::Seen => w.str("\\Seen"),
        Flag::Draft => w.str("\\Draft"),
        Flag::Recent => w.str("\\Recent"),
        Flag::Keyword(k) => w.atom(k),
        Flag::Extension(e) => {
            w.byte(b'\\');
            w.atom(e);
        }
    }
}

/// `(\Seen $Forwarded)`; `()` when empty.
pub(crate) fn flag_list(w: &mut Writer<'_>, flags: &[Flag]) {
    w.byte(b'(');
    for (i, f) in flags.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        flag(w, f);
    }
    w.byte(b')');
}

fn month(date: &Date) -> &'static str {
    let index = usize::from(date.month.clamp(1, 12)) - 1;
    MONTHS.get(index).copied().unwrap_or("Jan")
}

/// SEARCH `date`: `1-Feb-1994`, unquoted.
pub(crate) fn date(w: &mut Writer<'_>, date: &Date) {
    w.num(date.day);
    w.byte(b'-');
    w.str(month(date));
    w.byte(b'-');
    w.fmt(format_args!("{:04}", date.year));
}

/// `"17-Jul-1996 02:44:25 -0700"`. The day is zero-padded: RFC 3501
/// `date-day-fixed` allows `(SP DIGIT) / 2DIGIT`, and two digits survive
/// clients that trim or split on spaces.
pub(crate) fn date_time(w: &mut Writer<'_>, dt: &DateTime) {
    let sign = if dt.zone_minutes < 0 { '-' } else { '+' };
    let zone = dt.zone_minutes.unsigned_abs();
    w.fmt(format_args!(
        "\"{:02}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}\"",
        dt.date.day,
        month(&dt.date),
        dt.date.year,
        dt.hour,
        dt.minute,
        dt.second,
        sign,
        zone / 60,
        zone % 60
    ));
}

/// The inside of `[...]` in `BODY[section]`.
pub(crate) fn section(w: &mut Writer<'_>, section: &Section) {
    part(w, &section.part);
    let Some(text) = &section.text else {
        return;
    };
    if !section.part.is_empty() {
        w.byte(b'.');
    }
    match text {
        SectionText::Header => w.str("HEADER"),
        SectionText::HeaderFields(fields) => {
            w.str("HEADER.FIELDS ");
            header_list(w, fields);
        }
        SectionText::HeaderFieldsNot(fields) => {
            w.str("HEADER.FIELDS.NOT ");
            header_list(w, fields);
        }
        SectionText::Text => w.str("TEXT"),
        SectionText::Mime => w.str("MIME"),
    }
}

/// `1.2.3`; nothing for the whole message.
pub(crate) fn part(w: &mut Writer<'_>, part: &[NonZeroU32]) {
    for (i, n) in part.iter().enumerate() {
        if i > 0 {
            w.byte(b'.');
        }
        w.num(n);
    }
}

fn header_list(w: &mut Writer<'_>, fields: &[String]) {
    w.byte(b'(');
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        w.astring(f.as_bytes());
    }
    w.byte(b')');
}

pub(crate) fn status_item_name(item: StatusItem) -> &'static str {
    match item {
        StatusItem::Messages => "MESSAGES",
        StatusItem::Recent => "RECENT",
        StatusItem::UidNext => "UIDNEXT",
        StatusItem::UidValidity => "UIDVALIDITY",
        StatusItem::Unseen => "UNSEEN",
        StatusItem::Deleted => "DELETED",
        StatusItem::Size => "SIZE",
        StatusItem::HighestModSeq => "HIGHESTMODSEQ",
    }
}

pub(crate) fn search_return_name(ret: SearchReturn) -> &'static str {
    match ret {
        SearchReturn::Min => "MIN",
        SearchReturn::Max => "MAX",
        SearchReturn::All => "ALL",
        SearchReturn::Count => "COUNT",
        SearchReturn::Save => "SAVE",
    }
}

/// `(a b c)` of names.
pub(crate) fn name_list(w: &mut Writer<'_>, names: impl IntoIterator<Item = &'static str>) {
    w.byte(b'(');
    for (i, n) in names.into_iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        w.str(n);
    }
    w.byte(b')');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::Utf8Mode;
    use crate::encode::strings::LiteralStyle;

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
    }

    fn range(a: SeqNum, b: SeqNum) -> SeqRange {
        SeqRange { start: a, end: b }
    }

    fn written(f: impl FnOnce(&mut Writer<'_>)) -> String {
        let mut out = Vec::new();
        f(&mut Writer::new(
            &mut out,
            LiteralStyle::Server,
            Utf8Mode::Ascii,
        ));
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn sequence_sets_keep_order_and_collapse_single_ranges() {
        let set = SequenceSet::Ranges(vec![
            range(SeqNum::Value(nz(5)), SeqNum::Value(nz(3))),
            range(SeqNum::Value(nz(7)), SeqNum::Value(nz(7))),
            range(SeqNum::Value(nz(9)), SeqNum::Largest),
            range(SeqNum::Largest, SeqNum::Largest),
        ]);
        assert_eq!(sequence_set_to_string(&set), "5:3,7,9:*,*");
        assert_eq!(sequence_set_to_string(&SequenceSet::Saved), "$");
    }

    #[test]
    fn compact_set_sorts_dedups_and_merges() {
        let ids: Vec<_> = [7, 1, 2, 3, 3, 5, 9, 8, u32::MAX].map(nz).to_vec();
        let set = compact_set(&ids);
        assert_eq!(
            set.as_ref().map(sequence_set_to_string).as_deref(),
            Some("1:3,5,7:9,4294967295")
        );
        assert_eq!(compact_set(&[]), None);
    }

    #[test]
    fn dates() {
        let d = Date {
            year: 1994,
            month: 2,
            day: 1,
        };
        assert_eq!(written(|w| date(w, &d)), "1-Feb-1994");
        let dt = DateTime {
            date: Date {
                year: 1996,
                month: 7,
                day: 17,
            },
            hour: 2,
            minute: 44,
            second: 25,
            zone_minutes: -420,
        };
        assert_eq!(
            written(|w| date_time(w, &dt)),
            "\"17-Jul-1996 02:44:25 -0700\""
        );
        let early = DateTime {
            date: Date {
                year: 2024,
                month: 12,
                day: 7,
            },
            hour: 23,
            minute: 5,
            second: 0,
            zone_minutes: 330,
        };
        assert_eq!(
            written(|w| date_time(w, &early)),
            "\"07-Dec-2024 23:05:00 +0530\""
        );
    }

    #[test]
    fn flags() {
        let flags = [
            Flag::Seen,
            Flag::Keyword("$Forwarded".into()),
            Flag::Extension("Junk".into()),
            Flag::Recent,
        ];
        assert_eq!(
            written(|w| flag_list(w, &flags)),
            "(\\Seen $Forwarded \\Junk \\Recent)"
        );
        assert_eq!(written(|w| flag_list(w, &[])), "()");
    }

    #[test]
    fn sections() {
        let s = |part: Vec<u32>, text| Section {
            part: part.into_iter().map(nz).collect(),
            text,
        };
        assert_eq!(written(|w| section(w, &s(vec![], None))), "");
        assert_eq!(
            written(|w| section(w, &s(vec![1, 2], Some(SectionText::Mime)))),
            "1.2.MIME"
        );
        assert_eq!(
            written(|w| section(
                w,
                &s(
                    vec![],
                    Some(SectionText::HeaderFields(vec![
                        "Date".into(),
                        "From".into()
                    ]))
                )
            )),
            "HEADER.FIELDS (Date From)"
        );
        assert_eq!(
            written(|w| section(
                w,
                &s(
                    vec![3],
                    Some(SectionText::HeaderFieldsNot(vec!["X y".into()]))
                )
            )),
            "3.HEADER.FIELDS.NOT (\"X y\")"
        );
        assert_eq!(written(|w| section(w, &s(vec![4], None))), "4");
    }
}
