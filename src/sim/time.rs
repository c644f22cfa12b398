//! Virtual time: integer nanoseconds, and the duration syntax users type (`200ms`).

use std::fmt;
use std::time::Duration;

/// Nanoseconds of virtual time since the start of a run. Never a float: adding
/// a tiny step to a large float clock does nothing, which hangs real loops.
pub type Nanos = u64;

pub(crate) fn to_nanos(d: Duration) -> Nanos {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Why a string is not a duration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationError {
    input: String,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a duration: expected a number and a unit, like 200ms, 1.5s, 10us, 2m",
            self.input
        )
    }
}

impl std::error::Error for DurationError {}

/// Parses `200ms`, `1.5s`, `10us`, `5ns`, `2m`, `1h` into a [`Duration`].
///
/// ```
/// use std::time::Duration;
/// assert_eq!(awaitsim::parse_duration("200ms").unwrap(), Duration::from_millis(200));
/// assert_eq!(awaitsim::parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
/// assert!(awaitsim::parse_duration("fast").is_err());
/// ```
pub fn parse_duration(s: &str) -> Result<Duration, DurationError> {
    let err = || DurationError {
        input: s.to_string(),
    };
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(err)?;
    let (num, unit) = t.split_at(split);
    let scale: f64 = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        _ => return Err(err()),
    };
    if num.is_empty() || num.matches('.').count() > 1 {
        return Err(err());
    }
    let value: f64 = num.parse().map_err(|_| err())?;
    let nanos = (value * scale).round();
    if !nanos.is_finite() || nanos >= u64::MAX as f64 {
        return Err(err());
    }
    Ok(Duration::from_nanos(nanos as u64))
}

/// Renders virtual nanoseconds as seconds with millisecond or finer precision,
/// the way traces and reports show time: `1.500s`, `0.000250s`.
pub fn format_nanos(ns: Nanos) -> String {
    let secs = ns / 1_000_000_000;
    let frac = ns % 1_000_000_000;
    if frac.is_multiple_of(1_000_000) {
        format!("{secs}.{:03}s", frac / 1_000_000)
    } else if frac.is_multiple_of(1_000) {
        format!("{secs}.{:06}s", frac / 1_000)
    } else {
        format!("{secs}.{frac:09}s")
    }
}
