//! cclab-sim: the packet-level and fluid simulators.
//!
//! Both engines take a [`Scenario`] (plain data: link, flows, cross traffic, duration,
//! seed) and return a [`Report`]; they drive the same controller objects from
//! `cclab-algorithms`, whose types are re-exported here.

pub mod error;
pub mod fluid;
pub mod report;
pub mod scenario;
pub mod trace;

pub use cclab_algorithms as algorithms;
pub use cclab_algorithms::{BufferSize, Bytes, Duration, Rate, Registry, Time};
pub use error::SimError;
pub use report::{FlowReport, FlowSeries, LinkReport, Report, TimeSeries, jain_index};
pub use scenario::{
    CrossTraffic, Engine, Flow, Jitter, Link, LossModel, QueueDiscipline, Receiver, Recovery, RedParams,
    Scenario, UdpSource,
};
pub use trace::CapacityTrace;
