//! Compound values shared by several commands: sequence sets, flags and
//! flag lists, dates and date-times, STATUS items. Dates are checked for
//! being real calendar dates; time zones are not interpreted.

use super::cursor::{Cursor, PResult, syntax};
use super::error::DecodeErrorKind;
use crate::types::{Date, DateTime, Flag, SeqNum, SeqRange, SequenceSet, StatusItem};

const MONTHS: [&[u8; 3]; 12] = [
    b"JAN", b"FEB", b"MAR", b"APR", b"MAY", b"JUN", b"JUL", b"AUG", b"SEP", b"OCT", b"NOV", b"DEC",
];

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn checked_date(year: u32, month: u8, day: u32) -> PResult<Date> {
    let year = u16::try_from(year).map_err(|_| DecodeErrorKind::InvalidDate)?;
    let day = u8::try_from(day).map_err(|_| DecodeErrorKind::InvalidDate)?;
    if day == 0 || day > days_in_month(year, month) {
        return Err(DecodeErrorKind::InvalidDate);
    }
    Ok(Date { year, month, day })
}

impl Cursor<'_> {
    /// `sequence-set`, or `$` (RFC 5182).
    pub(crate) fn sequence_set(&mut self) -> PResult<SequenceSet> {
        if self.eat(b'$') {
            return Ok(SequenceSet::Saved);
        }
        let mut ranges = Vec::new();
        loop {
            let start = self.seq_number()?;
            let end = if self.eat(b':') {
                self.seq_number()?
            } else {
                start
            };
            ranges.push(SeqRange { start, end });
            if !self.eat(b',') {
                return Ok(SequenceSet::Ranges(ranges));
            }
        }
    }

    fn seq_number(&mut self) -> PResult<SeqNum> {
        if self.eat(b'*') {
            Ok(SeqNum::Largest)
        } else if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.nz_number().map(SeqNum::Value)
        } else {
            syntax("a message number or *")
        }
    }

    /// `flag`: a system flag (case-insensitive), `\extension`, or a keyword.
    pub(crate) fn flag(&mut self) -> PResult<Flag> {
        if self.eat(b'\\') {
            let name = self.atom_string("a flag name")?;
            let flag = match name.to_ascii_uppercase().as_str() {
                "ANSWERED" => Flag::Answered,
                "FLAGGED" => Flag::Flagged,
                "DELETED" => Flag::Deleted,
                "SEEN" => Flag::Seen,
                "DRAFT" => Flag::Draft,
                "RECENT" => Flag::Recent,
                _ => Flag::Extension(name),
            };
            Ok(flag)
        } else {
            self.atom_string("a flag").map(Flag::Keyword)
        }
    }

    /// `flag-list`: `"(" [flag *(SP flag)] ")"`.
    pub(crate) fn flag_list(&mut self) -> PResult<Vec<Flag>> {
        self.paren_list_or_empty(|c| c.flag())
    }

    fn month(&mut self) -> PResult<u8> {
        let m = self.take(3, "a month name")?.to_ascii_uppercase();
        match MONTHS.iter().position(|name| name[..] == m[..]) {
            Some(i) => Ok(i as u8 + 1),
            None => syntax("a month name (Jan ... Dec)"),
        }
    }

    /// `date`: `d-Mon-yyyy`, optionally in double quotes.
    pub(crate) fn date(&mut self) -> PResult<Date> {
        let quoted = self.eat(b'"');
        let day = self.day()?;
        self.expect(b'-', "- in a date")?;
        let month = self.month()?;
        self.expect(b'-', "- in a date")?;
        let year = self.fixed_digits(4, "a four-digit year")?;
        if quoted {
            self.expect(b'"', "a closing \" after the date")?;
        }
        checked_date(year, month, day)
    }

    /// `date-day`: one or two digits.
    fn day(&mut self) -> PResult<u32> {
        let first = self.fixed_digits(1, "a day of the month")?;
        if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            Ok(first * 10 + self.fixed_digits(1, "a day of the month")?)
        } else {
            Ok(first)
        }
    }

    /// `date-time`: `"dd-Mon-yyyy hh:mm:ss +zzzz"`. A single-digit day is
    /// accepted with or without its leading space.
    pub(crate) fn date_time(&mut self) -> PResult<DateTime> {
        self.expect(b'"', "a quoted date-time")?;
        self.eat(b' ');
        let day = self.day()?;
        self.expect(b'-', "- in a date")?;
        let month = self.month()?;
        self.expect(b'-', "- in a date")?;
        let year = self.fixed_digits(4, "a four-digit year")?;
        self.sp()?;
        let hour = self.fixed_digits(2, "hours")?;
        self.expect(b':', ": in a time")?;
        let minute = self.fixed_digits(2, "minutes")?;
        self.expect(b':', ": in a time")?;
        let second = self.fixed_digits(2, "seconds")?;
        self.sp()?;
        let sign: i16 = match self.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return syntax("a zone (+hhmm or -hhmm)"),
        };
        self.advance(1);
        let zone_h = self.fixed_digits(2, "a zone (+hhmm or -hhmm)")?;
        let zone_m = self.fixed_digits(2, "a zone (+hhmm or -hhmm)")?;
        self.expect(b'"', "a closing \" after the date-time")?;
        let date = checked_date(year, month, day)?;
        // 60 seconds allows a leap second.
        if hour > 23 || minute > 59 || second > 60 || zone_m > 59 {
            return Err(DecodeErrorKind::InvalidDate);
        }
        // The digits bound zone_h to 99, so the offset fits in i16.
        let zone = (zone_h * 60 + zone_m) as i16;
        Ok(DateTime {
            date,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            zone_minutes: sign * zone,
        })
    }

    /// `status-att`.
    pub(crate) fn status_item(&mut self) -> PResult<StatusItem> {
        let item = match self.keyword("a STATUS item")?.as_slice() {
            b"MESSAGES" => StatusItem::Messages,
            b"RECENT" => StatusItem::Recent,
            b"UIDNEXT" => StatusItem::UidNext,
            b"UIDVALIDITY" => StatusItem::UidValidity,
            b"UNSEEN" => StatusItem::Unseen,
            b"DELETED" => StatusItem::Deleted,
            b"SIZE" => StatusItem::Size,
            b"HIGHESTMODSEQ" => StatusItem::HighestModSeq,
            _ => return syntax("a STATUS item"),
        };
        Ok(item)
    }

    /// `"(" status-att *(SP status-att) ")"`.
    pub(crate) fn status_items(&mut self) -> PResult<Vec<StatusItem>> {
        self.paren_list(|c| c.status_item())
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    fn nz(n: u32) -> SeqNum {
        SeqNum::Value(NonZeroU32::new(n).unwrap())
    }

    #[test]
    fn sequence_sets() {
        let mut c = Cursor::new(b"1,3:*,7:5", 8);
        assert_eq!(
            c.sequence_set().unwrap(),
            SequenceSet::Ranges(vec![
                SeqRange {
                    start: nz(1),
                    end: nz(1)
                },
                SeqRange {
                    start: nz(3),
                    end: SeqNum::Largest
                },
                SeqRange {
                    start: nz(7),
                    end: nz(5)
                },
            ])
        );
        for bad in [&b"0"[..], b"1:", b",1", b"1,,2", b"1:0", b"x"] {
            let mut c = Cursor::new(bad, 8);
            let parsed = c.sequence_set();
            assert!(
                parsed.is_err() || !c.rest().is_empty(),
                "{:?} parsed",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        let mut c = Cursor::new(b"29-Feb-2024", 8);
        assert_eq!(
            c.date().unwrap(),
            Date {
                year: 2024,
                month: 2,
                day: 29
            }
        );
        for bad in [
            &b"29-Feb-2023"[..],
            b"0-Jan-2020",
            b"32-Jan-2020",
            b"1-Foo-2020",
            b"1-Jan-20",
        ] {
            let mut c = Cursor::new(bad, 8);
            assert!(c.date().is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn date_time_with_negative_zone() {
        let mut c = Cursor::new(b"\" 7-Feb-1994 21:52:25 -0800\"", 8);
        let dt = c.date_time().unwrap();
        assert_eq!(dt.date.day, 7);
        assert_eq!((dt.hour, dt.minute, dt.second), (21, 52, 25));
        assert_eq!(dt.zone_minutes, -480);
        let mut c = Cursor::new(b"\"07-Feb-1994 24:00:00 +0000\"", 8);
        assert_eq!(c.date_time(), Err(DecodeErrorKind::InvalidDate));
    }

    #[test]
    fn flags() {
        let mut c = Cursor::new(b"(\\seen \\Foo $Junk)", 8);
        assert_eq!(
            c.flag_list().unwrap(),
            vec![
                Flag::Seen,
                Flag::Extension("Foo".into()),
                Flag::Keyword("$Junk".into())
            ]
        );
        let mut c = Cursor::new(b"(\\*)", 8);
        assert!(c.flag_list().is_err());
    }
}
