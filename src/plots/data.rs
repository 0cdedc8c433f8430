//! Reading a results folder (docs/spec.md): manifest.json, runs.csv, flows.csv and the
//! traces. Columns are found by name, as a notebook would, so the plots depend on the
//! documented contract and nothing else.

use crate::results::rows::RUN_METRICS;
use crate::spec::Metric;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One row of runs.csv.
#[derive(Debug, Clone)]
pub struct RunRow {
    pub point: usize,
    pub seed: u64,
    pub ok: bool,
    /// In `RUN_METRICS` order; NaN where empty.
    pub metrics: [f64; 10],
}

impl RunRow {
    pub fn metric(&self, m: Metric) -> f64 {
        self.metrics[Metric::ALL.iter().position(|x| *x == m).expect("every metric has a column")]
    }
}

/// One row of flows.csv.
#[derive(Debug, Clone)]
pub struct FlowRow {
    pub point: usize,
    pub seed: u64,
    pub flow: usize,
    /// The index of the flow's entry in `flows:`.
    pub group: usize,
    pub algorithm: String,
    /// Base (propagation) RTT, ms.
    pub rtt_ms: f64,
    /// Mbit/s.
    pub goodput_mbps: f64,
    /// Seconds from the SYN; `None` for unsized or unfinished flows.
    pub fct_s: Option<f64>,
}

/// A results folder, read.
#[derive(Debug, Clone)]
pub struct Results {
    pub dir: PathBuf,
    pub name: String,
    /// The swept paths, in the order of the runs.csv columns.
    pub swept: Vec<String>,
    pub points: usize,
    pub seeds: Vec<u64>,
    /// The swept values of each point that has at least one row in runs.csv.
    pub labels: BTreeMap<usize, Vec<String>>,
    pub runs: Vec<RunRow>,
    pub flows: Vec<FlowRow>,
}

/// A CSV file: its header and its rows.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(path: &Path) -> Result<Table, String> {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let header =
            r.headers().map_err(|e| format!("{}: {e}", path.display()))?.iter().map(str::to_string).collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            rows.push(rec.map_err(|e| format!("{}: {e}", path.display()))?);
        }
        Ok(Table { path: path.to_path_buf(), header, rows })
    }

    fn col(&self, name: &str) -> Result<usize, String> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            format!("{}: no column '{name}' (is it a cclab results file?)", self.path.display())
        })
    }
}

fn num(s: Option<&str>) -> f64 {
    s.and_then(|s| s.parse::<f64>().ok()).unwrap_or(f64::NAN)
}

impl Results {
    /// Reads `dir`. A missing folder or one without manifest.json and runs.csv is refused
    /// with one clear message.
    pub fn load(dir: &Path) -> Result<Results, String> {
        if !dir.is_dir() {
            return Err(format!("{} does not exist or is not a folder", dir.display()));
        }
        let manifest_path = dir.join("manifest.json");
        if !manifest_path.is_file() || !dir.join("runs.csv").is_file() {
            return Err(format!(
                "{} is not a cclab results folder (it needs manifest.json and runs.csv, as `cclab run` writes them)",
                dir.display()
            ));
        }
        let text =
            fs::read_to_string(&manifest_path).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
        let m: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                .unwrap_or_default()
        };
        let swept = strings(&m["swept"]);
        let seeds: Vec<u64> =
            m["seeds"].as_array().map(|a| a.iter().filter_map(|x| x.as_u64()).collect()).unwrap_or_default();

        let runs_t = Table::read(&dir.join("runs.csv"))?;
        let (c_point, c_seed, c_status) = (runs_t.col("point")?, runs_t.col("seed")?, runs_t.col("status")?);
        let c_swept: Vec<usize> = swept.iter().map(|s| runs_t.col(s)).collect::<Result<_, _>>()?;
        let c_metrics: Vec<usize> = RUN_METRICS.iter().map(|s| runs_t.col(s)).collect::<Result<_, _>>()?;
        let mut labels = BTreeMap::new();
        let mut runs = Vec::new();
        for r in &runs_t.rows {
            // A row cut short by a crash is not a committed run.
            if r.len() != runs_t.header.len() {
                continue;
            }
            let point: usize = r[c_point]
                .parse()
                .map_err(|_| format!("{}: bad point '{}'", runs_t.path.display(), &r[c_point]))?;
            let seed: u64 = r[c_seed]
                .parse()
                .map_err(|_| format!("{}: bad seed '{}'", runs_t.path.display(), &r[c_seed]))?;
            labels.entry(point).or_insert_with(|| c_swept.iter().map(|&c| r[c].to_string()).collect());
            let mut metrics = [f64::NAN; 10];
            for (k, &c) in c_metrics.iter().enumerate() {
                metrics[k] = num(r.get(c));
            }
            runs.push(RunRow { point, seed, ok: &r[c_status] == "ok", metrics });
        }
        let points = m["points"].as_u64().map_or_else(|| labels.len(), |n| n as usize);

        let mut flows = Vec::new();
        let flows_path = dir.join("flows.csv");
        if flows_path.is_file() {
            let t = Table::read(&flows_path)?;
            let c: Vec<usize> =
                ["point", "seed", "flow", "algorithm", "goodput_mbps", "fct_s", "group", "rtt_ms"]
                    .iter()
                    .map(|n| t.col(n))
                    .collect::<Result<_, _>>()?;
            for r in &t.rows {
                if r.len() != t.header.len() {
                    continue;
                }
                let fct = num(r.get(c[5]));
                flows.push(FlowRow {
                    point: r[c[0]].parse().unwrap_or(usize::MAX),
                    seed: r[c[1]].parse().unwrap_or(u64::MAX),
                    flow: r[c[2]].parse().unwrap_or(usize::MAX),
                    group: r[c[6]].parse().unwrap_or(usize::MAX),
                    algorithm: r[c[3]].to_string(),
                    rtt_ms: num(r.get(c[7])),
                    goodput_mbps: num(r.get(c[4])),
                    fct_s: fct.is_finite().then_some(fct),
                });
            }
        }
        let name = m["name"].as_str().unwrap_or("results").to_string();
        Ok(Results { dir: dir.to_path_buf(), name, swept, points, seeds, labels, runs, flows })
    }

    /// The successful runs of the given points.
    pub fn ok_runs<'a>(&'a self, points: &'a [usize]) -> impl Iterator<Item = &'a RunRow> + 'a {
        self.runs.iter().filter(move |r| r.ok && points.contains(&r.point))
    }

    /// The value of swept path `k` at `point`.
    pub fn label(&self, point: usize, k: usize) -> &str {
        self.labels.get(&point).and_then(|l| l.get(k)).map_or("", String::as_str)
    }

    /// The trace file of a run.
    pub fn trace_path(&self, point: usize, seed: u64) -> PathBuf {
        self.dir.join("traces").join(format!("{point}-{seed}.csv"))
    }
}

/// A trace file: named columns of numbers (NaN where a cell is empty).
#[derive(Debug, Clone)]
pub struct Trace {
    pub path: PathBuf,
    pub columns: Vec<String>,
    /// Column-major: `data[c][row]`.
    pub data: Vec<Vec<f64>>,
}

impl Trace {
    pub fn load(path: &Path) -> Result<Trace, String> {
        let t = Table::read(path)?;
        let mut data = vec![Vec::with_capacity(t.rows.len()); t.header.len()];
        for r in &t.rows {
            if r.len() != t.header.len() {
                continue;
            }
            for (c, col) in data.iter_mut().enumerate() {
                col.push(num(r.get(c)));
            }
        }
        t.col("time_s")?;
        t.col("queue_bytes")?;
        Ok(Trace { path: t.path, columns: t.header, data })
    }

    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns.iter().position(|c| c == name).map(|i| self.data[i].as_slice())
    }

    /// The number of flows: one past the highest `flowI_` prefix.
    pub fn flows(&self) -> usize {
        self.columns
            .iter()
            .filter_map(|c| c.strip_prefix("flow")?.split('_').next()?.parse::<usize>().ok())
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
    }

    /// The internal-variable names of the trace (`flowI_<name>` beyond the four standard
    /// columns), in first-seen order.
    pub fn internals(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.columns {
            let Some(rest) = c.strip_prefix("flow") else { continue };
            let Some((idx, name)) = rest.split_once('_') else { continue };
            if idx.parse::<usize>().is_err()
                || ["cwnd_pkts", "rate_mbps", "goodput_mbps", "rtt_ms"].contains(&name)
            {
                continue;
            }
            if !out.iter().any(|o| o == name) {
                out.push(name.to_string());
            }
        }
        out
    }
}
