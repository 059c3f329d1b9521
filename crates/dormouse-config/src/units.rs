//! Human-readable durations ("15m", "1h30m", "500ms") and byte sizes
//! ("64MiB", 65536): parsing and the canonical form `to_toml` writes back.
//!
//! Hand-written rather than taken from `humantime` because the accepted
//! syntax is small, and owning it means the printed form is guaranteed to
//! parse back to the same value. Fractions ("1.5s") are deliberately not
//! accepted: every unit is a whole number, so there is no rounding.

use std::time::Duration;

const MS_PER_SECOND: u64 = 1_000;
const MS_PER_MINUTE: u64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: u64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: u64 = 24 * MS_PER_HOUR;

/// Largest first, so formatting can peel units off in order.
const DURATION_UNITS: [(&str, u64); 5] = [
    ("d", MS_PER_DAY),
    ("h", MS_PER_HOUR),
    ("m", MS_PER_MINUTE),
    ("s", MS_PER_SECOND),
    ("ms", 1),
];

/// Parses a sequence of `<integer><unit>` pairs, such as "1h30m" or "500ms".
///
/// The error is a reason for the caller to attach to the key.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(duration_help("an empty string is not a duration"));
    }
    let mut rest = text;
    let mut total_ms: u64 = 0;
    while !rest.is_empty() {
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (digits, after) = rest.split_at(digits_end);
        if digits.is_empty() {
            return Err(duration_help(&format!("expected a number at \"{rest}\"")));
        }
        let unit_end = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        let unit = unit.trim();
        if unit.is_empty() {
            return Err(duration_help(&format!("\"{digits}\" has no unit")));
        }
        let per_unit = DURATION_UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, ms)| *ms)
            .ok_or_else(|| duration_help(&format!("unknown unit \"{unit}\"")))?;
        let amount: u64 = digits
            .parse()
            .map_err(|_| duration_help(&format!("\"{digits}\" is too large")))?;
        total_ms = amount
            .checked_mul(per_unit)
            .and_then(|ms| total_ms.checked_add(ms))
            .ok_or_else(|| duration_help("the duration is too long"))?;
        rest = next.trim_start();
    }
    Ok(Duration::from_millis(total_ms))
}

fn duration_help(problem: &str) -> String {
    format!(
        "{problem}; write a duration as whole numbers with units ms, s, m, h or d, \
         such as \"2s\", \"15m\" or \"1h30m\""
    )
}

/// The canonical text for a duration, which `parse_duration` reads back
/// exactly. Sub-millisecond parts cannot come from a file and are dropped.
pub(crate) fn format_duration(duration: Duration) -> String {
    let mut ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (name, per_unit) in DURATION_UNITS {
        let amount = ms / per_unit;
        if amount > 0 {
            out.push_str(&amount.to_string());
            out.push_str(name);
            ms %= per_unit;
        }
    }
    out
}

const KIB: u64 = 1 << 10;

/// Binary units largest first, then decimal ones; matched case-insensitively.
const SIZE_UNITS: [(&str, u64); 9] = [
    ("TiB", KIB * KIB * KIB * KIB),
    ("GiB", KIB * KIB * KIB),
    ("MiB", KIB * KIB),
    ("KiB", KIB),
    ("TB", 1_000_000_000_000),
    ("GB", 1_000_000_000),
    ("MB", 1_000_000),
    ("KB", 1_000),
    ("B", 1),
];

/// Parses "65536", "64KiB", "10 MB" into bytes.
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    if digits.is_empty() {
        return Err(size_help(&format!(
            "\"{text}\" does not start with a number"
        )));
    }
    let unit = unit.trim();
    let per_unit = if unit.is_empty() {
        1
    } else {
        SIZE_UNITS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(unit))
            .map(|(_, bytes)| *bytes)
            .ok_or_else(|| size_help(&format!("unknown unit \"{unit}\"")))?
    };
    let amount: u64 = digits
        .parse()
        .map_err(|_| size_help(&format!("\"{digits}\" is too large")))?;
    amount
        .checked_mul(per_unit)
        .ok_or_else(|| size_help("the size is too large"))
}

fn size_help(problem: &str) -> String {
    format!(
        "{problem}; write a size as a number of bytes or with a unit \
         (B, KiB, MiB, GiB, TiB, or decimal KB, MB, GB, TB), such as \"64MiB\""
    )
}

/// The canonical text for a size: the largest binary unit that divides it
/// exactly, or plain bytes.
pub(crate) fn format_size(bytes: u64) -> String {
    if bytes == 0 {
        return "0".to_owned();
    }
    SIZE_UNITS
        .iter()
        .filter(|(name, _)| name.ends_with("iB"))
        .find(|(_, per_unit)| bytes.is_multiple_of(*per_unit))
        .map_or_else(
            || bytes.to_string(),
            |(name, per_unit)| format!("{}{name}", bytes / per_unit),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_format_back() {
        for (text, ms) in [
            ("2s", 2_000),
            ("500ms", 500),
            ("15m", 900_000),
            ("1h30m", 5_400_000),
            ("1d", 86_400_000),
            ("0s", 0),
            ("1m 30s", 90_000),
        ] {
            let parsed = parse_duration(text);
            assert_eq!(parsed, Ok(Duration::from_millis(ms)), "{text}");
            let back = format_duration(Duration::from_millis(ms));
            assert_eq!(parse_duration(&back), parsed, "{back}");
        }
        assert_eq!(
            format_duration(Duration::from_millis(5_400_500)),
            "1h30m500ms"
        );
    }

    #[test]
    fn bad_durations_are_rejected() {
        for text in ["", "5", "s", "5x", "1.5s", "-1s", "99999999999999999999s"] {
            assert!(parse_duration(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn sizes_parse_and_format_back() {
        for (text, bytes) in [
            ("65536", 65_536),
            ("64KiB", 65_536),
            ("64 mib", 64 << 20),
            ("10MB", 10_000_000),
            ("7B", 7),
        ] {
            let parsed = parse_size(text);
            assert_eq!(parsed, Ok(bytes), "{text}");
            assert_eq!(parse_size(&format_size(bytes)), parsed);
        }
        assert_eq!(format_size(64 << 20), "64MiB");
        assert_eq!(format_size(1000), "1000");
    }

    #[test]
    fn bad_sizes_are_rejected() {
        for text in ["", "MiB", "12 parsecs", "-5", "99999999999TiB"] {
            assert!(parse_size(text).is_err(), "{text:?} was accepted");
        }
    }
}
