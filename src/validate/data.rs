//! What a case reads back from its results folder: runs.csv, flows.csv and the traces,
//! by column name, so that a resumed battery evaluates exactly what a fresh one would.

use crate::results::stats::{Estimate, estimate};
use crate::spec::Experiment;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One flow's row of flows.csv.
#[derive(Debug, Clone, Default)]
pub struct FlowRow {
    pub algorithm: String,
    /// Every numeric column by name (`goodput_mbps`, `mean_cwnd_pkts`, `fct_s`, ...);
    /// an empty cell is NaN.
    pub values: BTreeMap<String, f64>,
}

impl FlowRow {
    pub fn get(&self, column: &str) -> f64 {
        self.values.get(column).copied().unwrap_or(f64::NAN)
    }
}

/// One run (point, seed).
#[derive(Debug, Clone, Default)]
pub struct RunRow {
    pub point: usize,
    pub seed: u64,
    /// `None` when the run succeeded, else its error.
    pub error: Option<String>,
    /// The metrics of runs.csv by name.
    pub metrics: BTreeMap<String, f64>,
    pub flows: Vec<FlowRow>,
    /// traces/POINT-SEED.csv, if the run wrote one.
    pub trace: Option<PathBuf>,
}

impl RunRow {
    pub fn metric(&self, name: &str) -> f64 {
        self.metrics.get(name).copied().unwrap_or(f64::NAN)
    }
}

/// A case's experiment and its runs.
pub struct CaseData {
    pub exp: Experiment,
    pub runs: Vec<RunRow>,
}

fn read(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut r = csv::ReaderBuilder::new().from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header: Vec<String> =
        r.headers().map_err(|e| format!("{}: {e}", path.display()))?.iter().map(String::from).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        rows.push(rec.map_err(|e| format!("{}: {e}", path.display()))?.iter().map(String::from).collect());
    }
    Ok((header, rows))
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

impl CaseData {
    /// Reads the results folder `dir` written for `exp`.
    pub fn load(exp: Experiment, dir: &Path) -> Result<CaseData, String> {
        let (h, rows) = read(&dir.join("runs.csv"))?;
        let col = |name: &str| h.iter().position(|c| c == name);
        let status = col("status").ok_or("runs.csv has no status column")?;
        let error = col("error").ok_or("runs.csv has no error column")?;
        let first_metric = error + 1;
        let last_metric = h.len() - 1; // run_id
        let mut runs = Vec::new();
        for r in &rows {
            let point: usize = r[0].parse().map_err(|_| format!("runs.csv: bad point '{}'", r[0]))?;
            let seed: u64 = r[1].parse().map_err(|_| format!("runs.csv: bad seed '{}'", r[1]))?;
            let metrics = (first_metric..last_metric).map(|i| (h[i].clone(), num(&r[i]))).collect();
            let trace = dir.join("traces").join(format!("{point}-{seed}.csv"));
            runs.push(RunRow {
                point,
                seed,
                error: (r[status] != "ok").then(|| r[error].clone()),
                metrics,
                flows: Vec::new(),
                trace: trace.exists().then_some(trace),
            });
        }
        let (fh, frows) = read(&dir.join("flows.csv"))?;
        let alg = fh.iter().position(|c| c == "algorithm").ok_or("flows.csv has no algorithm column")?;
        for r in &frows {
            let (point, seed): (usize, u64) = (r[0].parse().unwrap_or(usize::MAX), r[1].parse().unwrap_or(0));
            let values = fh.iter().zip(r).enumerate().filter(|(i, _)| *i > 2 && *i != alg);
            let flow = FlowRow {
                algorithm: r[alg].clone(),
                values: values.map(|(_, (c, v))| (c.clone(), num(v))).collect(),
            };
            if let Some(run) = runs.iter_mut().find(|x| x.point == point && x.seed == seed) {
                run.flows.push(flow);
            }
        }
        Ok(CaseData { exp, runs })
    }

    /// The runs of `point`, in seed order.
    pub fn point_runs(&self, point: usize) -> impl Iterator<Item = &RunRow> {
        self.runs.iter().filter(move |r| r.point == point)
    }

    /// The estimate over the successful seeds of `point` of `f(run)`, and a note naming
    /// the runs that failed (empty if none did).
    pub fn over_seeds(&self, point: usize, f: impl Fn(&RunRow) -> f64) -> (Estimate, String) {
        let ok: Vec<f64> = self.point_runs(point).filter(|r| r.error.is_none()).map(&f).collect();
        let failed: Vec<String> = self
            .point_runs(point)
            .filter_map(|r| r.error.as_ref().map(|e| format!("seed {}: {e}", r.seed)))
            .collect();
        let note =
            if failed.is_empty() { String::new() } else { format!("failed runs: {}", failed.join("; ")) };
        (estimate(&ok), note)
    }

    /// Values of `f` per seed for `point` (NaN for failed runs), keyed by seed, so that
    /// two points can be paired seed by seed.
    pub fn by_seed(&self, point: usize, f: impl Fn(&RunRow) -> f64) -> BTreeMap<u64, f64> {
        self.point_runs(point).map(|r| (r.seed, if r.error.is_none() { f(r) } else { f64::NAN })).collect()
    }
}

/// The time average of a trace column over samples at or after `from_s` seconds (NaN if
/// the trace or the column is missing).
pub fn trace_mean(path: Option<&Path>, column: &str, from_s: f64) -> f64 {
    let Some(path) = path else { return f64::NAN };
    let Ok((h, rows)) = read(path) else { return f64::NAN };
    let Some(c) = h.iter().position(|x| x == column) else { return f64::NAN };
    let xs: Vec<f64> =
        rows.iter().filter(|r| num(&r[0]) >= from_s).map(|r| num(&r[c])).filter(|x| x.is_finite()).collect();
    if xs.is_empty() { f64::NAN } else { xs.iter().sum::<f64>() / xs.len() as f64 }
}

/// How many times a trace column falls between consecutive samples at or after `from_s`
/// seconds (NaN if the trace or the column is missing). On a cwnd column this counts window
/// reductions, i.e. loss events (reference §4): a recovery reduces cwnd once however many
/// of its window's packets were lost, and a run of backed-off timeouts leaves it at one
/// segment after the first.
pub fn trace_decreases(path: Option<&Path>, column: &str, from_s: f64) -> f64 {
    let Some(path) = path else { return f64::NAN };
    let Ok((h, rows)) = read(path) else { return f64::NAN };
    let Some(c) = h.iter().position(|x| x == column) else { return f64::NAN };
    let xs: Vec<f64> =
        rows.iter().filter(|r| num(&r[0]) >= from_s).map(|r| num(&r[c])).filter(|x| x.is_finite()).collect();
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.windows(2).filter(|w| w[1] < w[0]).count() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_decreases_counts_each_fall_of_the_column_after_the_warm_up_once() {
        // cwnd 10, 11, 5 (a recovery), 5, 6, 1 (a timeout), 1, 1 (backoff, no new fall): two
        // falls after t = 1 s; the fall at t = 0.5 s is in the warm-up.
        let path = std::env::temp_dir().join(format!("cclab-trace-decreases-{}.csv", std::process::id()));
        let rows = "time_s,flow0_cwnd_pkts\n0.4,20\n0.5,10\n1,10\n2,11\n3,5\n4,5\n5,6\n6,1\n7,1\n8,1\n";
        std::fs::write(&path, rows).unwrap();
        let n = trace_decreases(Some(&path), "flow0_cwnd_pkts", 1.0);
        let missing = trace_decreases(Some(&path), "flow0_rtt_ms", 1.0);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(n, 2.0);
        assert!(missing.is_nan());
    }
}
