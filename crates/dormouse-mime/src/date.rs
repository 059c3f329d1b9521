//! The Date: header as SEARCH SENTBEFORE/SENTON/SENTSINCE and SORT DATE use
//! it: parsed by mail-parser, kept in the header's own zone.

use dormouse_proto::{Date, DateTime};

use crate::header;

/// The last Date: field of a header block, parsed; `None` when absent or
/// not a date mail-parser can read.
pub(crate) fn sent(block: &[u8]) -> Option<DateTime> {
    let value = header::unfold(header::last_value(block, "Date")?);
    let dt = mail_parser::DateTime::parse_rfc822(&String::from_utf8_lossy(&value))?;
    if !dt.is_valid() {
        return None;
    }
    let offset = i16::from(dt.tz_hour) * 60 + i16::from(dt.tz_minute);
    Some(DateTime {
        date: Date {
            year: dt.year,
            month: dt.month,
            day: dt.day,
        },
        hour: dt.hour,
        minute: dt.minute,
        second: dt.second,
        zone_minutes: if dt.tz_before_gmt { -offset } else { offset },
    })
}
