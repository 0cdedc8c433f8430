//! Bit rates.

use super::parse::{UnitError, fmt_exact, scaled, split_number};
use super::{Bytes, Duration};
use std::fmt;
use std::ops::Div;
use std::str::FromStr;

/// A rate in bits per second. Link rates count wire bytes (headers included); goodput
/// counts payload only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u64);

impl Rate {
    /// Zero bit/s.
    pub const ZERO: Rate = Rate(0);

    /// `bps` bits per second.
    pub const fn from_bps(bps: u64) -> Rate {
        Rate(bps)
    }
    /// `mbps` megabits (10^6 bits) per second.
    pub const fn from_mbps(mbps: u64) -> Rate {
        Rate(mbps.saturating_mul(1_000_000))
    }
    /// Rounds to the nearest bit/s; negative and NaN give zero.
    pub fn from_bps_f64(bps: f64) -> Rate {
        if bps.is_nan() || bps <= 0.0 {
            Rate(0)
        } else if bps >= u64::MAX as f64 {
            Rate(u64::MAX)
        } else {
            Rate(bps.round() as u64)
        }
    }
    /// The rate in bit/s.
    pub const fn as_bps(self) -> u64 {
        self.0
    }
    /// The rate in bit/s as a float, for model maths.
    pub fn as_bps_f64(self) -> f64 {
        self.0 as f64
    }
    /// The rate in Mbit/s (10^6 bit/s) as a float, for output.
    pub fn as_mbps_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
    /// Bytes per second, as a float for model maths.
    pub fn bytes_per_sec(self) -> f64 {
        self.0 as f64 / 8.0
    }
    /// The rate at which `bytes` are carried in `d`; zero for a zero span.
    pub fn from_bytes_per(bytes: Bytes, d: Duration) -> Rate {
        if d.is_zero() {
            return Rate(0);
        }
        let bps = (bytes.as_u64() as u128 * 8 * 1_000_000_000) / d.as_nanos() as u128;
        Rate(bps.min(u64::MAX as u128) as u64)
    }
    /// Time to serialise `bytes` at this rate, rounded up to the next nanosecond (a packet
    /// has not left until its last bit has). A zero rate never finishes: `Duration::MAX`.
    pub fn transmit_time(self, bytes: Bytes) -> Duration {
        if self.0 == 0 {
            return Duration::MAX;
        }
        let bits_ns = bytes.as_u64() as u128 * 8 * 1_000_000_000;
        let ns = bits_ns.div_ceil(self.0 as u128);
        Duration::from_nanos(ns.min(u64::MAX as u128) as u64)
    }
    /// Bytes carried in `d` at this rate, rounded down. The bandwidth-delay product is
    /// `rate.bytes_in(rtt)`.
    pub fn bytes_in(self, d: Duration) -> Bytes {
        let b = self.0 as u128 * d.as_nanos() as u128 / 8 / 1_000_000_000;
        Bytes::new(b.min(u64::MAX as u128) as u64)
    }
}

impl Div<Rate> for Bytes {
    type Output = Duration;
    /// Serialisation delay: `bytes / rate`.
    fn div(self, rate: Rate) -> Duration {
        rate.transmit_time(self)
    }
}

const RATE_UNITS: &str = "bps, Kbps, Mbps or Gbps";

impl FromStr for Rate {
    type Err = UnitError;
    /// Parses "10Mbps", "1Gbps", "1.5Mbps", "64Kbps", "9600bps". K, M, G are powers of 1000;
    /// "kbps" is accepted as well as "Kbps".
    fn from_str(input: &str) -> Result<Rate, UnitError> {
        let (value, unit) = split_number(input, "rate", RATE_UNITS)?;
        let scale = match unit.as_str() {
            "bps" => 1.0,
            "Kbps" | "kbps" => 1e3,
            "Mbps" => 1e6,
            "Gbps" => 1e9,
            "Tbps" => 1e12,
            _ => {
                return Err(UnitError::new(format!(
                    "'{input}': unknown rate unit '{unit}'; expected {RATE_UNITS}"
                )));
            }
        };
        Ok(Rate(scaled(input, value, scale)?))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_exact(f, self.0, &[(1_000_000_000, "Gbps"), (1_000_000, "Mbps"), (1_000, "Kbps"), (1, "bps")])
    }
}

super::serde_via_str!(Rate, "a rate such as 10Mbps");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimal_rates() {
        assert_eq!("10Mbps".parse::<Rate>().unwrap(), Rate::from_bps(10_000_000));
        assert_eq!("1Gbps".parse::<Rate>().unwrap(), Rate::from_bps(1_000_000_000));
        assert_eq!("1.5Mbps".parse::<Rate>().unwrap(), Rate::from_bps(1_500_000));
        assert_eq!("64kbps".parse::<Rate>().unwrap(), Rate::from_bps(64_000));
    }

    #[test]
    fn a_misspelt_unit_gets_the_documented_message() {
        let e = "10 Mbsp".parse::<Rate>().unwrap_err().to_string();
        assert_eq!(e, "'10 Mbsp': unknown rate unit 'Mbsp'; expected bps, Kbps, Mbps or Gbps");
    }

    #[test]
    fn a_full_packet_takes_1_2_ms_at_10_mbps() {
        // 1500 B * 8 / 10e6 bit/s = 1.2 ms exactly.
        let d = Bytes::new(1500) / Rate::from_mbps(10);
        assert_eq!(d, Duration::from_micros(1200));
        // 1500 B at 7 Mbit/s = 1714285.714 ns, rounded up.
        assert_eq!(Bytes::new(1500) / Rate::from_mbps(7), Duration::from_nanos(1_714_286));
    }

    #[test]
    fn bdp_of_10_mbps_and_40_ms_is_50_kb() {
        assert_eq!(Rate::from_mbps(10).bytes_in(Duration::from_millis(40)), Bytes::new(50_000));
        assert_eq!(Rate::from_bytes_per(Bytes::new(50_000), Duration::from_millis(40)), Rate::from_mbps(10));
    }

    #[test]
    fn a_zero_rate_never_finishes_a_packet() {
        assert_eq!(Rate::ZERO.transmit_time(Bytes::new(1)), Duration::MAX);
        assert_eq!(Rate::from_bytes_per(Bytes::new(10), Duration::ZERO), Rate::ZERO);
    }
}
