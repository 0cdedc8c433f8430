//! Instants and spans of simulated time, in integer nanoseconds.

use super::parse::{UnitError, fmt_exact, scaled, split_number};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};
use std::str::FromStr;

const NS_PER_US: u64 = 1_000;
const NS_PER_MS: u64 = 1_000_000;
const NS_PER_S: u64 = 1_000_000_000;

/// An instant of simulated time: nanoseconds since the simulation started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(u64);

/// A span of simulated time in nanoseconds. Never negative: subtraction saturates at zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(u64);

impl Time {
    /// The start of the simulation.
    pub const ZERO: Time = Time(0);
    /// The far future; useful as "never" for timers.
    pub const MAX: Time = Time(u64::MAX);

    /// The instant `ns` nanoseconds after the start.
    pub const fn from_nanos(ns: u64) -> Time {
        Time(ns)
    }
    /// Nanoseconds since the start.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// The instant `s` seconds after the start, rounded to the nanosecond; negative and
    /// NaN give the start.
    pub fn from_secs_f64(s: f64) -> Time {
        Time(Duration::from_secs_f64(s).0)
    }
    /// Seconds since the start, as a float for output and model maths.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NS_PER_S as f64
    }
    /// The span from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: Time) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Duration {
    /// No time.
    pub const ZERO: Duration = Duration(0);
    /// The longest span (584 years); also "never" (the time to send at a zero rate).
    pub const MAX: Duration = Duration(u64::MAX);

    /// `ns` nanoseconds.
    pub const fn from_nanos(ns: u64) -> Duration {
        Duration(ns)
    }
    /// `us` microseconds.
    pub const fn from_micros(us: u64) -> Duration {
        Duration(us.saturating_mul(NS_PER_US))
    }
    /// `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Duration {
        Duration(ms.saturating_mul(NS_PER_MS))
    }
    /// `s` seconds.
    pub const fn from_secs(s: u64) -> Duration {
        Duration(s.saturating_mul(NS_PER_S))
    }
    /// Rounds to the nearest nanosecond; negative and NaN inputs give zero.
    pub fn from_secs_f64(s: f64) -> Duration {
        let ns = (s * NS_PER_S as f64).round();
        if ns.is_nan() || ns <= 0.0 {
            Duration(0)
        } else if ns >= u64::MAX as f64 {
            Duration(u64::MAX)
        } else {
            Duration(ns as u64)
        }
    }
    /// The span in nanoseconds.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// The span in seconds as a float, for output and model maths.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NS_PER_S as f64
    }
    /// The span in milliseconds as a float, for output and model maths.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / NS_PER_MS as f64
    }
    /// True for a zero span.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
    /// `k` times this span, `Duration::MAX` on overflow.
    pub const fn saturating_mul(self, k: u64) -> Duration {
        Duration(self.0.saturating_mul(k))
    }
    /// Scales by a float factor (a gain, a fraction of an RTT), rounding to the nanosecond.
    pub fn mul_f64(self, k: f64) -> Duration {
        Duration::from_secs_f64(self.as_secs_f64() * k)
    }
    /// `self - other`, zero if `other` is longer (the `-` operator does the same).
    pub const fn saturating_sub(self, other: Duration) -> Duration {
        Duration(self.0.saturating_sub(other.0))
    }
}

impl Add<Duration> for Time {
    type Output = Time;
    fn add(self, d: Duration) -> Time {
        Time(self.0.saturating_add(d.0))
    }
}

impl AddAssign<Duration> for Time {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for Time {
    type Output = Time;
    fn sub(self, d: Duration) -> Time {
        Time(self.0.saturating_sub(d.0))
    }
}

impl Sub<Time> for Time {
    type Output = Duration;
    /// Saturating: an earlier minus a later time is zero, never a panic.
    fn sub(self, earlier: Time) -> Duration {
        self.since(earlier)
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, d: Duration) -> Duration {
        Duration(self.0.saturating_add(d.0))
    }
}

impl AddAssign for Duration {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub for Duration {
    type Output = Duration;
    fn sub(self, d: Duration) -> Duration {
        self.saturating_sub(d)
    }
}

impl From<Duration> for std::time::Duration {
    fn from(d: Duration) -> Self {
        std::time::Duration::from_nanos(d.0)
    }
}

const DURATION_UNITS: &str = "ns, us, ms, s, min or h";

impl FromStr for Duration {
    type Err = UnitError;
    /// Parses "40ms", "1.5s", "250us", "10ns", "2min", "1h". Fractions are rounded to the
    /// nearest nanosecond.
    fn from_str(input: &str) -> Result<Duration, UnitError> {
        let (value, unit) = split_number(input, "time", DURATION_UNITS)?;
        let scale = match unit.as_str() {
            "ns" => 1,
            "us" | "µs" => NS_PER_US,
            "ms" => NS_PER_MS,
            "s" => NS_PER_S,
            "min" => 60 * NS_PER_S,
            "h" => 3600 * NS_PER_S,
            _ => {
                return Err(UnitError::new(format!(
                    "'{input}': unknown time unit '{unit}'; expected {DURATION_UNITS}"
                )));
            }
        };
        Ok(Duration(scaled(input, value, scale as f64)?))
    }
}

impl fmt::Display for Duration {
    /// The largest unit that is exact: "40ms", "1500us", "2s".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_exact(f, self.0, &[(NS_PER_S, "s"), (NS_PER_MS, "ms"), (NS_PER_US, "us"), (1, "ns")])
    }
}

impl fmt::Display for Time {
    /// A time is written as its offset from the start: "1.5s" style via the duration form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Duration(self.0).fmt(f)
    }
}

impl FromStr for Time {
    type Err = UnitError;
    fn from_str(input: &str) -> Result<Time, UnitError> {
        Ok(Time(input.parse::<Duration>()?.0))
    }
}

super::serde_via_str!(Duration, "a time such as 40ms or 1.5s");
super::serde_via_str!(Time, "a time such as 0s or 2.5s");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_users_write() {
        assert_eq!("40ms".parse::<Duration>().unwrap(), Duration::from_millis(40));
        assert_eq!("1.5s".parse::<Duration>().unwrap(), Duration::from_millis(1500));
        assert_eq!("250us".parse::<Duration>().unwrap(), Duration::from_micros(250));
        assert_eq!(" 2 min ".parse::<Duration>().unwrap(), Duration::from_secs(120));
        assert_eq!("7ns".parse::<Duration>().unwrap(), Duration::from_nanos(7));
    }

    #[test]
    fn bad_units_name_the_input_and_the_choices() {
        let e = "40 msec".parse::<Duration>().unwrap_err().to_string();
        assert_eq!(e, "'40 msec': unknown time unit 'msec'; expected ns, us, ms, s, min or h");
        let e = "-3ms".parse::<Duration>().unwrap_err().to_string();
        assert!(e.contains("cannot be negative"), "{e}");
        let e = "40".parse::<Duration>().unwrap_err().to_string();
        assert!(e.contains("missing time unit"), "{e}");
        let e = "ms".parse::<Duration>().unwrap_err().to_string();
        assert!(e.contains("expected a number"), "{e}");
    }

    #[test]
    fn display_round_trips_through_parse() {
        for d in [0, 7, 40_000_000, 1_500_000_000, 250_000, 3_000_000_000] {
            let d = Duration::from_nanos(d);
            assert_eq!(d.to_string().parse::<Duration>().unwrap(), d);
        }
        assert_eq!(Duration::from_millis(1500).to_string(), "1500ms");
        assert_eq!(Duration::ZERO.to_string(), "0ns");
    }

    #[test]
    fn time_arithmetic_saturates_instead_of_panicking() {
        let t = Time::from_nanos(5);
        assert_eq!(t - Time::from_nanos(9), Duration::ZERO);
        assert_eq!(Time::MAX + Duration::from_secs(1), Time::MAX);
        assert_eq!(t - Duration::from_secs(1), Time::ZERO);
        assert_eq!(Duration::from_secs_f64(-1.0), Duration::ZERO);
        assert_eq!(Duration::from_secs_f64(f64::NAN), Duration::ZERO);
    }
}
