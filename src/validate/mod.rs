//! `cclab validate`: a fixed battery of experiments checked against published models.
//!
//! Each case is an ordinary spec file in experiments/validation/ (runnable with
//! `cclab run`) plus a description, in [`cases`], of the model's value and of how cclab's
//! value is read from the results. The battery runs each spec through the same runner and
//! results store as `cclab run` (into results/validate/ENGINE/CASE/, so a rerun resumes),
//! estimates cclab's mean and 95% Student-t interval over seeds, compares the mean with
//! the tolerance, and assembles the table ([`table`]).

pub mod cases;
pub mod data;
pub mod table;

use crate::results::{Header, Store};
use crate::runner;
use crate::spec;
use cases::{CASES, Case};
use cclab_sim::{Engine, Registry};
use data::CaseData;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use table::Row;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub engines: Vec<Engine>,
    /// Only the cases marked quick.
    pub quick: bool,
    /// Parallel runs within a case.
    pub jobs: usize,
    /// Where the spec files are (experiments/validation).
    pub specs: PathBuf,
    /// Where results go (results/validate).
    pub out: PathBuf,
    /// Only the cases whose id contains one of these (all if empty).
    pub only: Vec<String>,
}

/// The cases `opts` selects, in table order.
pub fn selected(opts: &Options) -> Vec<&'static Case> {
    CASES
        .iter()
        .filter(|c| !opts.quick || c.quick)
        .filter(|c| opts.only.is_empty() || opts.only.iter().any(|o| c.id.contains(o.as_str())))
        .collect()
}

/// Why a case could not be run at all.
#[derive(Debug)]
pub enum Error {
    /// A spec is missing or invalid, or a results folder is unusable.
    BadInput(String),
    /// Ctrl-C: the runs finished so far are kept.
    Interrupted,
}

fn engine_dir(e: Engine) -> &'static str {
    match e {
        Engine::Packet => "packet",
        Engine::Fluid => "fluid",
    }
}

/// Runs one case on one engine and returns its rows.
pub fn run_case(
    case: &Case,
    engine: Engine,
    opts: &Options,
    registry: &Registry,
    stop: &AtomicBool,
) -> Result<Vec<Row>, Error> {
    let path = opts.specs.join(format!("{}.yaml", case.id));
    let exp = spec::load(&path, registry).map_err(|e| Error::BadInput(e.to_string()))?;
    let runs = runner::plan(&exp, Some(engine));
    let dir = opts.out.join(engine_dir(engine)).join(case.id);
    let header = Header {
        name: exp.spec.name.clone(),
        spec_text: exp.text.clone(),
        spec_hash: runner::plan_hash(&runs),
        swept: exp.swept.clone(),
        points: exp.points.len(),
        seeds: exp.seeds.clone(),
        engine: engine_dir(engine).to_string(),
        shard: None,
    };
    let store = Store::open(&dir, header).map_err(Error::BadInput)?;
    let tally = runner::execute(&runs, &store, opts.jobs, stop, |s| {
        cclab_sim::run(s, registry).map_err(|e| e.to_string())
    })
    .map_err(Error::BadInput)?;
    store.finish(!tally.interrupted).map_err(|e| Error::BadInput(format!("{}: {e}", dir.display())))?;
    if tally.interrupted {
        return Err(Error::Interrupted);
    }
    let data = CaseData::load(exp, &dir).map_err(Error::BadInput)?;
    let not_for_engine = match engine {
        Engine::Fluid => case.not_for_fluid.map(|why| format!("fluid engine: {why}")),
        Engine::Packet => None,
    };
    Ok((case.evaluate)(&data)
        .into_iter()
        .map(|c| {
            let not_for_fluid = match engine {
                Engine::Fluid => c.not_for_fluid.map(|why| format!("fluid engine: {why}")),
                Engine::Packet => None,
            };
            Row {
                known: cases::known_deviation(case.id, &c.check).map(str::to_string),
                case: case.title.to_string(),
                check: c.check,
                engine,
                target: c.target,
                fmt: c.fmt,
                measured: c.measured,
                not_meant: not_for_engine.clone().or(not_for_fluid).or(c.not_meant),
                note: c.note,
            }
        })
        .collect())
}

/// Runs every selected case on every engine: rows grouped by case, one per engine.
pub fn run(opts: &Options, registry: &Registry, stop: &AtomicBool) -> Result<Vec<Row>, Error> {
    let mut rows = Vec::new();
    for case in selected(opts) {
        for &engine in &opts.engines {
            eprintln!("{} ({}): {}.yaml", case.title, engine_dir(engine), case.id);
            rows.extend(run_case(case, engine, opts, registry, stop)?);
        }
    }
    Ok(rows)
}

/// Writes the table as validation.csv and validation.md into `dir`; returns their paths.
pub fn write(dir: &Path, rows: &[Row], heading: &str) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let csv = dir.join("validation.csv");
    let md = dir.join("validation.md");
    std::fs::write(&csv, table::csv(rows))?;
    let text = format!(
        "{heading}\n\n{}\n{} (in parentheses: the engine is not meant for that check).\n",
        table::markdown(rows),
        table::tally(rows).summary()
    );
    std::fs::write(&md, text)?;
    Ok((csv, md))
}
