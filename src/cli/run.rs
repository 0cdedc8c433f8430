//! `cclab run SPEC`: expand, check, run in parallel, store, summarise.

use crate::results::{Header, Store};
use crate::runner::{self, Run};
use crate::spec::{self, Experiment};
use cclab_sim::{Engine, Registry};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Runs beyond which a sweep needs --yes.
pub const MAX_RUNS_WITHOUT_YES: usize = 10_000;
/// Estimated single-job hours beyond which a sweep needs --yes.
pub const MAX_HOURS_WITHOUT_YES: f64 = 24.0;

/// Exit codes: 0 all runs ok, 1 some runs failed, 2 bad input, 130 interrupted.
pub const EXIT_FAILED_RUNS: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The experiment file (YAML).
    pub spec: PathBuf,
    /// Results folder (default results/NAME, or results/NAME/shard-K-of-N with --shard).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Parallel runs (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Override the spec's engine.
    #[arg(long, value_parser = parse_engine)]
    pub engine: Option<Engine>,
    /// Print the points, the number of runs and an estimated time; run nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run even a sweep of more than 10,000 runs or more than a day of estimated time.
    #[arg(long)]
    pub yes: bool,
    /// Run only shard K of N (1-based): every N-th run, deterministically.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
}

fn parse_engine(s: &str) -> Result<Engine, String> {
    match s {
        "packet" => Ok(Engine::Packet),
        "fluid" => Ok(Engine::Fluid),
        _ => Err(format!("unknown engine '{s}'; expected packet or fluid")),
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let err = || format!("'{s}' is not a shard; write K/N with 1 <= K <= N, e.g. 3/8");
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| err())?, n.trim().parse().map_err(|_| err())?);
    if k == 0 || n == 0 || k > n {
        return Err(err());
    }
    Ok((k, n))
}

fn human(secs: f64) -> String {
    if secs < 120.0 {
        format!("{secs:.1} s")
    } else if secs < 7200.0 {
        format!("{:.1} min", secs / 60.0)
    } else {
        format!("{:.1} h", secs / 3600.0)
    }
}

fn jobs(args: &RunArgs) -> usize {
    args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

fn dry_run(exp: &Experiment, runs: &[Run], jobs: usize) {
    println!("{}: {} points x {} seeds = {} runs", exp.file, exp.points.len(), exp.seeds.len(), exp.runs());
    if runs.len() != exp.runs() {
        println!("this shard: {} runs", runs.len());
    }
    for p in &exp.points {
        let labels: Vec<String> = p.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "  point {:>4}  {}",
            p.index,
            if labels.is_empty() { "(no sweep)".into() } else { labels.join("  ") }
        );
    }
    let total: f64 = runs.iter().map(|r| runner::estimate_seconds(&r.scenario)).sum();
    println!(
        "estimated time: {} on {jobs} job(s) ({} of simulation work)",
        human(total / jobs as f64),
        human(total)
    );
}

/// `cclab run`.
pub fn run(args: &RunArgs, registry: &Registry) -> ExitCode {
    let exp = match spec::load(&args.spec, registry) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let mut runs = runner::plan(&exp, args.engine);
    let hash = runner::plan_hash(&runs);
    if let Some((k, n)) = args.shard {
        runs = runner::shard(runs, k, n);
    }
    let jobs = jobs(args);
    if args.dry_run {
        dry_run(&exp, &runs, jobs);
        return ExitCode::SUCCESS;
    }
    let estimate: f64 = runs.iter().map(|r| runner::estimate_seconds(&r.scenario)).sum();
    if !args.yes && (runs.len() > MAX_RUNS_WITHOUT_YES || estimate / 3600.0 > MAX_HOURS_WITHOUT_YES) {
        eprintln!(
            "error: {}: this sweep has {} runs, estimated at {} of simulation work; nothing was run\n  \
             hint: check it with --dry-run, split it with --shard K/N, or pass --yes to run it anyway",
            exp.file,
            runs.len(),
            human(estimate)
        );
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let base = PathBuf::from("results").join(&exp.spec.name);
        match args.shard {
            Some((k, n)) => base.join(format!("shard-{k}-of-{n}")),
            None => base,
        }
    });
    let header = Header {
        name: exp.spec.name.clone(),
        spec_text: exp.text.clone(),
        spec_hash: hash,
        swept: exp.swept.clone(),
        points: exp.points.len(),
        seeds: exp.seeds.clone(),
        engine: format!("{:?}", args.engine.unwrap_or(exp.spec.engine)).to_lowercase(),
        shard: args.shard,
    };
    let store = match Store::open(&out, header) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // Ctrl-C: no new runs start; those in progress finish and are kept.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    if store.already_done() > 0 {
        eprintln!("resuming {}: {} runs already done", out.display(), store.already_done());
    }
    let tally = match runner::execute(&runs, &store, jobs, &stop, |s| {
        cclab_sim::run(s, registry).map_err(|e| e.to_string())
    }) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let table = match store.finish(!tally.interrupted) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot finish {}: {e}", out.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    print!("{table}");
    println!(
        "{} runs: {} done now, {} already done, {} failed; results in {}",
        tally.planned,
        tally.ran,
        tally.skipped,
        tally.failed,
        out.display()
    );
    // Figures from the folder as it now stands (`cclab plot` redraws them later). A plot
    // that cannot be drawn is reported but loses no result.
    if tally.skipped + tally.ran > tally.failed {
        match crate::plots::plot_results(&out, exp.spec.plots.as_ref()) {
            Ok(files) => println!("{} figures in {}", files.len(), out.join("plots").display()),
            Err(e) => eprintln!("warning: no figures: {e}"),
        }
    }
    if tally.interrupted {
        eprintln!("interrupted: rerun the same command to resume");
        return ExitCode::from(EXIT_INTERRUPTED);
    }
    if tally.failed > 0 {
        eprintln!("{} runs failed; their errors are in {}", tally.failed, out.join("runs.csv").display());
        return ExitCode::from(EXIT_FAILED_RUNS);
    }
    ExitCode::SUCCESS
}
