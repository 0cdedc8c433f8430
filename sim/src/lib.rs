//! cclab-sim: the packet-level and fluid simulators.
//!
//! Both engines take a [`Scenario`] (plain data: link, flows, cross traffic, duration,
//! seed) and return a [`Report`]; they drive the same controller objects from
//! `cclab-algorithms`, whose types are re-exported here.

pub mod error;
pub mod fluid;
pub mod packet;
pub mod report;
pub mod scenario;
pub mod trace;

pub use cclab_algorithms as algorithms;
pub use cclab_algorithms::{BufferSize, Bytes, Duration, Rate, Registry, Time};
pub use error::SimError;
pub use report::{FlowReport, FlowSeries, LinkReport, Report, TimeSeries, jain_index};
pub use scenario::{
    CrossTraffic, Engine, Flow, Jitter, Link, LossModel, Pacing, QueueDiscipline, Receiver, Recovery,
    RedParams, Scenario, UdpSource,
};
pub use trace::CapacityTrace;

/// Runs a scenario on the engine it names, after checking it with [`Scenario::validate`].
///
/// The packet engine is [`packet::run`], the fluid engine [`fluid::run`].
pub fn run(scenario: &Scenario, registry: &Registry) -> Result<Report, SimError> {
    scenario.validate().map_err(SimError::Invalid)?;
    match scenario.engine {
        Engine::Packet => packet::run(scenario, registry),
        Engine::Fluid => fluid::run(scenario, registry),
    }
}
