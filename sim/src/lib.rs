//! cclab-sim: the packet-level and fluid simulators.
//!
//! Both engines drive the same controller objects from `cclab-algorithms`, whose types are
//! re-exported here so users of the simulators need one dependency.

pub use cclab_algorithms as algorithms;
pub use cclab_algorithms::{Bytes, Duration, Rate, Registry, Time};
