//! The full cclab command line, with `my-aimd` registered next to the built-in algorithms:
//! `cargo run -- algorithms`, `cargo run -- run spec.yaml`.

use cclab_algorithms::Registry;
use cclab_example_aimd::my_aimd::MyAimdConfig;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut registry = Registry::with_builtins();
    registry.register::<MyAimdConfig>();
    cclab::cli::main(registry)
}
