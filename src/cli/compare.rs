//! `cclab compare-engines SPEC`: every sweep point on both engines, the fluid engine's
//! errors against the packet engine's, as a table (and CSV / Markdown files).

use super::run::{EXIT_BAD_INPUT, EXIT_FAILED_RUNS};
use crate::compare::{self, Case, Tolerance};
use crate::spec;
use cclab_sim::Registry;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// The experiment file (YAML); each sweep point is one case, run with every seed.
    pub spec: PathBuf,
    /// Parallel runs (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Also write the table as CSV to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write the table as Markdown to this file.
    #[arg(long)]
    pub markdown: Option<PathBuf>,
}

/// `cclab compare-engines`: exit 0 when every case is within tolerance, 1 when some case
/// is not (or an engine failed), 2 on bad input or a file that cannot be written.
pub fn compare_engines(args: &CompareArgs, registry: &Registry) -> ExitCode {
    let exp = match spec::load(&args.spec, registry) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let jobs =
        args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let cases = Case::from_experiment(&exp);
    eprintln!(
        "{}: {} cases x {} seeds x 2 engines = {} runs on {jobs} job(s)",
        exp.file,
        cases.len(),
        exp.seeds.len(),
        2 * exp.runs()
    );
    let result = match compare::compare(&cases, &exp.swept, registry, jobs, Tolerance::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    print!("{}", result.table());
    if let Some(path) = &args.out {
        let written = result.csv().and_then(|text| std::fs::write(path, text).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    }
    if let Some(path) = &args.markdown {
        let text = format!(
            "# Fluid vs packet engine: `cclab compare-engines {}`\n\n{}",
            args.spec.display(),
            result.markdown()
        );
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    }
    if result.failed() > 0 { ExitCode::from(EXIT_FAILED_RUNS) } else { ExitCode::SUCCESS }
}
