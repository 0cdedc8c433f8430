//! cclab-algorithms: congestion controllers behind one plug-in trait.
//!
//! * [`CongestionControl`] is the trait every algorithm implements; the TCP sender in
//!   `cclab-sim` drives it with the event structs in [`events`].
//! * [`units`] has the newtypes for time, bytes and rates, and the parsers for the strings
//!   users write ("40ms", "10Mbps", "64KB").
//! * [`Registry`] maps names to configurable factories ([`AlgorithmConfig`]).
//! * [`window`] holds the slow-start and additive-increase machinery the classic algorithms
//!   share; [`harness`] drives a controller through scripted rounds for tests.
//! * [`analytic`] has the closed-form models (average windows against the loss rate, CUBIC's
//!   curve) that tests and the validation suite compare simulations with.
//!
//! Built-in algorithms, one module each: [`reno`], [`vegas`], [`westwood`] (Westwood+), [`bic`],
//! [`cubic`].
//!
//! # Writing a plug-in
//!
//! An algorithm is two types in one file:
//! 1. a parameter struct implementing [`AlgorithmConfig`] (name, documented parameters
//!    with their defaults, validation), which builds one controller per flow;
//! 2. the controller, implementing [`CongestionControl`] (usually on top of
//!    [`window::Window`]).
//!
//! It is then registered with [`Registry::register`]: in this crate by one line in
//! `register_builtins` (lib.rs), out of tree by a crate of your own that builds
//! [`Registry::with_builtins`], registers its algorithm and hands the registry to
//! `cclab::cli::main`. Tests drive it with the [`harness`]. docs/plugins.md in the
//! repository writes a complete AIMD(a, b) that way, and examples/aimd-plugin is the
//! out-of-tree crate; the example on [`CongestionControl`] is the short version.

#![warn(missing_docs)]

// The crate can name itself, so a plug-in file that says `use cclab_algorithms::...`
// compiles unchanged in this crate and out of tree (docs/plugins.md relies on it).
extern crate self as cclab_algorithms;

pub mod analytic;
pub mod controller;
pub mod events;
pub mod harness;
pub mod registry;
pub mod suggest;
pub mod units;
pub mod window;

pub mod bic;
pub mod cubic;
pub mod reno;
pub mod vegas;
pub mod westwood;

pub use controller::CongestionControl;
pub use events::{Ack, Congestion, CongestionKind, RecoveryExit, Rto, Undo};
pub use registry::{
    AlgorithmConfig, AlgorithmInfo, Factory, FlowContext, ParamInfo, Registry, RegistryError,
};
pub use units::{BufferSize, Bytes, Duration, Rate, Time, UnitError};

/// Adds every built-in algorithm to `registry`. One line per algorithm.
pub(crate) fn register_builtins(registry: &mut Registry) {
    registry.register::<reno::RenoConfig>();
    registry.register::<vegas::VegasConfig>();
    registry.register::<westwood::WestwoodConfig>();
    registry.register::<bic::BicConfig>();
    registry.register::<cubic::CubicConfig>();
}

/// The plug-in tutorial's controller (docs/plugins.md) compiled as a module of this crate,
/// for tests only and not registered: the tutorial says the same file works in-tree, and
/// this keeps that true (missing_docs included, hence `pub`).
#[cfg(test)]
#[path = "../../examples/aimd-plugin/src/my_aimd.rs"]
pub mod tutorial_my_aimd;
