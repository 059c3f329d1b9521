//! Parses the durations the command line takes (`500ms`, `5s`, `10m`,
//! `1m30s`), in the same syntax as dormouse's configuration. Whole numbers
//! only: a fraction or a bare number is refused rather than guessed at.

use std::time::Duration;

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DurationError {
    #[error("empty duration")]
    Empty,
    #[error("`{0}`: expected a whole number followed by ms, s, m or h (e.g. 500ms, 5s, 1m30s)")]
    Syntax(String),
    #[error("`{0}` is too long")]
    Overflow(String),
}

/// Parses `text` as a sum of `<number><unit>` parts.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    let syntax = || DurationError::Syntax(text.to_owned());
    let overflow = || DurationError::Overflow(text.to_owned());
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(syntax)?;
        if digits == 0 {
            return Err(syntax());
        }
        let (number, after) = rest.split_at(digits);
        let number: u64 = number.parse().map_err(|_| overflow())?;
        let unit_len = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let part = match unit {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number.checked_mul(60).ok_or_else(overflow)?),
            "h" => Duration::from_secs(number.checked_mul(3600).ok_or_else(overflow)?),
            _ => return Err(syntax()),
        };
        total = total.checked_add(part).ok_or_else(overflow)?;
        rest = after;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_sums() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1s250ms"), Ok(Duration::from_millis(1250)));
    }

    #[test]
    fn refuses_what_would_be_a_guess() {
        for bad in ["5", "1.5s", "s", "5x", "-5s", "5 s", "ms5"] {
            assert!(
                matches!(parse_duration(bad), Err(DurationError::Syntax(_))),
                "{bad}"
            );
        }
        assert_eq!(parse_duration(" "), Err(DurationError::Empty));
        assert!(matches!(
            parse_duration("99999999999999999999s"),
            Err(DurationError::Overflow(_))
        ));
    }
}
