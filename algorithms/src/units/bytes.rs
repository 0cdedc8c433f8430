//! Byte counts, and the buffer sizes users write in bytes, packets or BDPs.

use super::parse::{UnitError, fmt_exact, scaled, split_number};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::str::FromStr;

/// A number of bytes. Subtraction saturates at zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(u64);

impl Bytes {
    /// No bytes.
    pub const ZERO: Bytes = Bytes(0);
    /// The largest count; also "unlimited" (ssthresh before the first reduction).
    pub const MAX: Bytes = Bytes(u64::MAX);

    /// `n` bytes.
    pub const fn new(n: u64) -> Bytes {
        Bytes(n)
    }
    /// The count in bytes.
    pub const fn as_u64(self) -> u64 {
        self.0
    }
    /// The count in bytes as a float, for model maths.
    pub fn as_f64(self) -> f64 {
        self.0 as f64
    }
    /// Rounds to the nearest byte; negative and NaN give zero.
    pub fn from_f64(b: f64) -> Bytes {
        if b.is_nan() || b <= 0.0 {
            Bytes(0)
        } else if b >= u64::MAX as f64 {
            Bytes(u64::MAX)
        } else {
            Bytes(b.round() as u64)
        }
    }
    /// `n` segments of `mss` bytes.
    pub const fn segments(n: u64, mss: Bytes) -> Bytes {
        Bytes(n.saturating_mul(mss.0))
    }
    /// This many bytes as a (fractional) number of `mss`-sized segments.
    pub fn in_segments(self, mss: Bytes) -> f64 {
        self.0 as f64 / mss.0.max(1) as f64
    }
    /// `self - o`, zero if `o` is larger (the `-` operator does the same).
    pub const fn saturating_sub(self, o: Bytes) -> Bytes {
        Bytes(self.0.saturating_sub(o.0))
    }
    /// `k` times this many bytes, `Bytes::MAX` on overflow.
    pub const fn saturating_mul(self, k: u64) -> Bytes {
        Bytes(self.0.saturating_mul(k))
    }
    /// True for zero bytes.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Add for Bytes {
    type Output = Bytes;
    fn add(self, o: Bytes) -> Bytes {
        Bytes(self.0.saturating_add(o.0))
    }
}

impl AddAssign for Bytes {
    fn add_assign(&mut self, o: Bytes) {
        *self = *self + o;
    }
}

impl Sub for Bytes {
    type Output = Bytes;
    fn sub(self, o: Bytes) -> Bytes {
        self.saturating_sub(o)
    }
}

impl SubAssign for Bytes {
    fn sub_assign(&mut self, o: Bytes) {
        *self = *self - o;
    }
}

impl Sum for Bytes {
    fn sum<I: Iterator<Item = Bytes>>(iter: I) -> Bytes {
        iter.fold(Bytes::ZERO, |a, b| a + b)
    }
}

const BYTE_UNITS: &str = "B, KB, MB, GB, KiB, MiB or GiB";

fn byte_scale(unit: &str) -> Option<f64> {
    Some(match unit {
        "B" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    })
}

impl FromStr for Bytes {
    type Err = UnitError;
    /// Parses "1500B", "64KB" (64,000), "1MiB" (1,048,576), "10MB".
    fn from_str(input: &str) -> Result<Bytes, UnitError> {
        let (value, unit) = split_number(input, "size", BYTE_UNITS)?;
        match byte_scale(&unit) {
            Some(scale) => Ok(Bytes(scaled(input, value, scale)?)),
            None => {
                Err(UnitError::new(format!("'{input}': unknown size unit '{unit}'; expected {BYTE_UNITS}")))
            }
        }
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_exact(
            f,
            self.0,
            &[
                (1 << 30, "GiB"),
                (1_000_000_000, "GB"),
                (1 << 20, "MiB"),
                (1_000_000, "MB"),
                (1024, "KiB"),
                (1000, "KB"),
                (1, "B"),
            ],
        )
    }
}

super::serde_via_str!(Bytes, "a size such as 1500B or 64KB");

/// A queue or buffer size as users write it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BufferSize {
    /// "150KB", "1MiB".
    Bytes(Bytes),
    /// "34pkt": that many full-sized packets (1500 wire bytes each by default).
    Packets(u64),
    /// "0.25bdp": a multiple of the bandwidth-delay product, resolved by the simulator.
    Bdp(f64),
}

const BUFFER_UNITS: &str = "pkt, bdp, B, KB, MB, KiB or MiB";

impl BufferSize {
    /// The size in bytes, given the wire size of a full packet and the BDP in bytes.
    pub fn resolve(self, packet: Bytes, bdp: Bytes) -> Bytes {
        match self {
            BufferSize::Bytes(b) => b,
            BufferSize::Packets(n) => packet.saturating_mul(n),
            BufferSize::Bdp(k) => Bytes::from_f64(bdp.as_f64() * k),
        }
    }
}

impl FromStr for BufferSize {
    type Err = UnitError;
    fn from_str(input: &str) -> Result<BufferSize, UnitError> {
        let (value, unit) = split_number(input, "buffer size", BUFFER_UNITS)?;
        match unit.as_str() {
            "pkt" | "pkts" | "packets" => {
                if value.fract() != 0.0 {
                    return Err(UnitError::new(format!("'{input}': a packet count must be a whole number")));
                }
                Ok(BufferSize::Packets(scaled(input, value, 1.0)?))
            }
            "bdp" | "BDP" => Ok(BufferSize::Bdp(value)),
            u => match byte_scale(u) {
                Some(scale) => Ok(BufferSize::Bytes(Bytes(scaled(input, value, scale)?))),
                None => Err(UnitError::new(format!(
                    "'{input}': unknown buffer unit '{unit}'; expected {BUFFER_UNITS}"
                ))),
            },
        }
    }
}

impl fmt::Display for BufferSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BufferSize::Bytes(b) => b.fmt(f),
            BufferSize::Packets(n) => write!(f, "{n}pkt"),
            BufferSize::Bdp(k) => write!(f, "{k}bdp"),
        }
    }
}

super::serde_via_str!(BufferSize, "a buffer size such as 100pkt, 150KB or 1bdp");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_binary_prefixes_differ() {
        assert_eq!("64KB".parse::<Bytes>().unwrap(), Bytes::new(64_000));
        assert_eq!("64KiB".parse::<Bytes>().unwrap(), Bytes::new(65_536));
        assert_eq!("1MiB".parse::<Bytes>().unwrap(), Bytes::new(1_048_576));
        assert_eq!("1500B".parse::<Bytes>().unwrap(), Bytes::new(1500));
        assert_eq!("10MB".parse::<Bytes>().unwrap(), Bytes::new(10_000_000));
    }

    #[test]
    fn buffer_sizes_in_packets_bytes_and_bdps() {
        let pkt = Bytes::new(1500);
        let bdp = Bytes::new(50_000);
        assert_eq!("34pkt".parse::<BufferSize>().unwrap().resolve(pkt, bdp), Bytes::new(51_000));
        assert_eq!("0.25bdp".parse::<BufferSize>().unwrap().resolve(pkt, bdp), Bytes::new(12_500));
        assert_eq!("150KB".parse::<BufferSize>().unwrap().resolve(pkt, bdp), Bytes::new(150_000));
        assert_eq!("0pkt".parse::<BufferSize>().unwrap().resolve(pkt, bdp), Bytes::ZERO);
    }

    #[test]
    fn bad_sizes_are_explained() {
        let e = "34 pakets".parse::<BufferSize>().unwrap_err().to_string();
        assert_eq!(e, "'34 pakets': unknown buffer unit 'pakets'; expected pkt, bdp, B, KB, MB, KiB or MiB");
        let e = "1.5pkt".parse::<BufferSize>().unwrap_err().to_string();
        assert!(e.contains("whole number"), "{e}");
        let e = "-1KB".parse::<Bytes>().unwrap_err().to_string();
        assert!(e.contains("cannot be negative"), "{e}");
    }

    #[test]
    fn display_uses_the_largest_exact_unit() {
        assert_eq!(Bytes::new(64_000).to_string(), "64KB");
        assert_eq!(Bytes::new(1_048_576).to_string(), "1MiB");
        assert_eq!(Bytes::new(1448).to_string(), "1448B");
        for n in [0, 1, 1448, 64_000, 65_536, 10_000_000] {
            assert_eq!(Bytes::new(n).to_string().parse::<Bytes>().unwrap(), Bytes::new(n));
        }
    }

    #[test]
    fn subtraction_saturates() {
        assert_eq!(Bytes::new(3) - Bytes::new(5), Bytes::ZERO);
    }
}
