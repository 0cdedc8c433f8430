//! The results folder (runs.csv, flows.csv, summary.csv, traces/, spec.yaml, manifest.json)
//! and the statistics over seeds.

pub mod merge;
pub mod rows;
pub mod stats;
pub mod store;
pub mod summary;

pub use store::{Header, Outcome, Store};
