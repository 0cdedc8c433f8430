//! The AIMD(a, b) controller of the cclab plug-in tutorial (docs/plugins.md), as a
//! library so that the binary and the tests share it.

pub mod my_aimd;
