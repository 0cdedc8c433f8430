//! Units as newtypes, so that adding a time to a byte count does not compile.
//!
//! * [`Time`] is an instant since the start of a simulation and [`Duration`] a span; both
//!   are u64 nanoseconds. Time is never a float: float time needs epsilons and produces
//!   "negative delay" failures.
//! * [`Bytes`] is a byte count, [`Rate`] a bit rate in bit/s.
//! * [`BufferSize`] is what users write for a queue size: bytes, packets or a multiple of
//!   the bandwidth-delay product.
//!
//! Arithmetic saturates instead of wrapping or panicking: a simulator that runs past
//! `u64::MAX` nanoseconds (584 years) has bigger problems than an overflow.
//!
//! Decimal prefixes mean powers of 1000 and binary prefixes powers of 1024, everywhere:
//! `KB` = 1000 bytes, `KiB` = 1024 bytes, `Mbps` = 10^6 bit/s. Rates have no binary form.

mod bytes;
mod parse;
mod rate;
mod time;

pub use bytes::{BufferSize, Bytes};
pub use parse::UnitError;
pub use rate::Rate;
pub use time::{Duration, Time};

/// Serialises a unit through its `Display` form and deserialises it through `FromStr`, so
/// YAML and JSON carry the strings users write ("40ms", "10Mbps").
macro_rules! serde_via_str {
    ($ty:ty, $what:literal) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse().map_err(E::custom)
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$ty, E> {
                        Err(E::custom(UnitError::missing_unit(&v.to_string(), $what)))
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$ty, E> {
                        Err(E::custom(UnitError::missing_unit(&v.to_string(), $what)))
                    }
                    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<$ty, E> {
                        Err(E::custom(UnitError::missing_unit(&v.to_string(), $what)))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}
pub(crate) use serde_via_str;
