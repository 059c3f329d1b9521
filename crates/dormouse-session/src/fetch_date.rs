//! Calendar arithmetic for INTERNALDATE and the date keys of SEARCH and
//! SORT: seconds since the epoch to a civil date-time and back. The store
//! keeps INTERNALDATE as seconds only, without the zone the client gave at
//! APPEND, so every INTERNALDATE is shown and compared in UTC (`+0000`);
//! SEARCH BEFORE/ON/SINCE use the same UTC day, so a message always matches
//! the date the client sees in its INTERNALDATE. No time zones, no clock.

use dormouse_proto::{Date, DateTime};

const SECS_PER_DAY: i64 = 86_400;

/// INTERNALDATE of `secs`, in UTC. Dates outside the years IMAP can write
/// (`date-year` is four digits) are clamped to the nearest one it can.
pub(crate) fn date_time(secs: i64) -> DateTime {
    let days = secs.div_euclid(SECS_PER_DAY);
    let rest = secs.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let (date, rest) = match u16::try_from(year) {
        Ok(y) if y <= 9999 => (
            Date {
                year: y,
                month,
                day,
            },
            rest,
        ),
        _ if year < 0 => (
            Date {
                year: 0,
                month: 1,
                day: 1,
            },
            0,
        ),
        _ => (
            Date {
                year: 9999,
                month: 12,
                day: 31,
            },
            SECS_PER_DAY - 1,
        ),
    };
    DateTime {
        date,
        // `rest` is below 86 400, so these fit.
        hour: u8::try_from(rest / 3600).unwrap_or(0),
        minute: u8::try_from(rest % 3600 / 60).unwrap_or(0),
        second: u8::try_from(rest % 60).unwrap_or(0),
        zone_minutes: 0,
    }
}

/// The UTC day of `secs`, as SEARCH BEFORE/ON/SINCE compare it.
pub(crate) fn day_of(secs: i64) -> Date {
    date_time(secs).date
}

/// Seconds since the epoch of a date-time in its own zone: what SORT DATE
/// compares (RFC 5256 §2.2 compares sent dates in UTC).
pub(crate) fn epoch_of(dt: &DateTime) -> i64 {
    let days = days_from_civil(
        i64::from(dt.date.year),
        i64::from(dt.date.month),
        i64::from(dt.date.day),
    );
    days * SECS_PER_DAY + i64::from(dt.hour) * 3600 + i64::from(dt.minute) * 60
        - i64::from(dt.zone_minutes) * 60
        + i64::from(dt.second)
}

/// Orders dates by the calendar.
pub(crate) fn key(d: &Date) -> (u16, u8, u8) {
    (d.year, d.month, d.day)
}

/// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a
/// day count from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

/// The inverse of `civil_from_days`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(year: u16, month: u8, day: u8, h: u8, m: u8, s: u8, zone: i16) -> DateTime {
        DateTime {
            date: Date { year, month, day },
            hour: h,
            minute: m,
            second: s,
            zone_minutes: zone,
        }
    }

    #[test]
    fn known_instants() {
        assert_eq!(date_time(0), dt(1970, 1, 1, 0, 0, 0, 0));
        // 2000-02-29 12:34:56 UTC, a leap day.
        assert_eq!(date_time(951_827_696), dt(2000, 2, 29, 12, 34, 56, 0));
        // One second before the epoch.
        assert_eq!(date_time(-1), dt(1969, 12, 31, 23, 59, 59, 0));
    }

    #[test]
    fn round_trips_through_zones() {
        for secs in [0, 951_827_696, 1_700_000_000, -86_401, 4_102_444_800] {
            assert_eq!(epoch_of(&date_time(secs)), secs);
        }
        // 17-Jul-1996 02:44:25 -0700 is 09:44:25 UTC (RFC 3501's example).
        assert_eq!(
            epoch_of(&dt(1996, 7, 17, 2, 44, 25, -420)),
            epoch_of(&dt(1996, 7, 17, 9, 44, 25, 0))
        );
    }

    #[test]
    fn years_are_clamped_to_four_digits() {
        assert_eq!(date_time(i64::MAX).date.year, 9999);
        assert_eq!(date_time(i64::MIN / 2).date.year, 0);
    }
}
