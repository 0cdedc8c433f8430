//! cclab: a congestion-control research lab.
//!
//! The library behind the `cclab` command: it re-exports the controller API and the
//! simulators, and holds the command-line front end.

pub mod cli;
pub mod compare;
pub mod plots;
pub mod results;
pub mod runner;
pub mod spec;
pub mod validate;

pub use cclab_algorithms as algorithms;
pub use cclab_sim as sim;
