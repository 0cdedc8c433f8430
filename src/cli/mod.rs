//! The `cclab` command line. `main` takes the registry so that an out-of-tree crate can
//! add its own algorithms and expose the full CLI.

mod algorithms;
mod compare;
mod merge;
mod plot;
mod run;
mod validate;

use cclab_algorithms::Registry;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cclab", version, about = "A congestion-control research lab")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List every congestion-control algorithm with its parameters and defaults.
    Algorithms,
    /// Run an experiment file: every sweep point and seed, in parallel, into a results folder.
    Run(run::RunArgs),
    /// Combine the results folders of the shards of one experiment.
    Merge(merge::MergeArgs),
    /// Draw the figures of a results folder into DIR/plots/ (never reruns a simulation).
    Plot {
        /// A results folder written by `cclab run`; its spec.yaml's `plots:` section chooses
        /// the figures.
        dir: PathBuf,
    },
    /// Run the validation battery: cclab against published models (docs/validation.md).
    Validate(validate::ValidateArgs),
    /// Run every sweep point on both engines and compare the fluid engine with the packet
    /// engine (goodput, fairness, queueing delay); exit 1 if a case is out of tolerance.
    CompareEngines(compare::CompareArgs),
}

/// Parses the process arguments and runs the command with `registry`.
pub fn main(registry: Registry) -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Algorithms => {
            print!("{}", algorithms::describe(&registry));
            ExitCode::SUCCESS
        }
        Command::Run(args) => run::run(&args, &registry),
        Command::Merge(args) => merge::merge(&args),
        Command::Plot { dir } => {
            ExitCode::from(plot::run(&dir, &mut std::io::stdout(), &mut std::io::stderr()))
        }
        Command::Validate(args) => validate::validate(&args, &registry),
        Command::CompareEngines(args) => compare::compare_engines(&args, &registry),
    }
}
