//! The results folder: CSVs that grow one finished run at a time and never lose work.
//!
//! A run is committed by appending its row to runs.csv, after its flows.csv rows and its
//! trace file are written; a crash can leave at most a partial last line, which the next
//! open cuts off along with any flows rows of uncommitted runs. When a sweep ends, the
//! files are rewritten sorted by (point, seed), so the output does not depend on the order
//! in which parallel runs finished.

use super::rows::{FLOW_COLUMNS, RUN_METRICS, cell, flow_rows, run_metrics, trace_csv};
use super::summary;
use cclab_sim::Report;
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the store needs to know about the experiment.
#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub spec_text: String,
    pub spec_hash: String,
    pub swept: Vec<String>,
    pub points: usize,
    pub seeds: Vec<u64>,
    pub engine: String,
    pub shard: Option<(usize, usize)>,
}

/// One finished run.
pub struct Outcome<'a> {
    pub point: usize,
    pub seed: u64,
    pub labels: &'a [(String, String)],
    pub run_id: &'a str,
    /// The scenario that was run (which flows are sized matters for fairness).
    pub scenario: &'a cclab_sim::Scenario,
    pub result: &'a Result<Report, String>,
}

pub struct Store {
    dir: PathBuf,
    header: Header,
    done: BTreeSet<String>,
    files: Mutex<(File, File)>,
    started: String,
}

fn runs_columns(swept: &[String]) -> Vec<String> {
    let mut c = vec!["point".to_string(), "seed".to_string()];
    c.extend(swept.iter().cloned());
    c.push("status".into());
    c.push("error".into());
    c.extend(RUN_METRICS.iter().map(|s| s.to_string()));
    c.push("run_id".into());
    c
}

fn csv_line(fields: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(fields).expect("writing to memory cannot fail");
    w.into_inner().expect("writing to memory cannot fail")
}

/// Cuts a partial last line left by a crash.
fn repair(path: &Path) -> io::Result<()> {
    let bytes = fs::read(path)?;
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        OpenOptions::new().write(true).open(path)?.set_len(keep as u64)?;
    }
    Ok(())
}

fn read_rows(path: &Path) -> io::Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(path).map_err(io::Error::other)?;
    let header = r.headers().map_err(io::Error::other)?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        rows.push(rec.map_err(io::Error::other)?.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}

fn write_rows(path: &Path, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
    let tmp = path.with_extension("csv.tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(&csv_line(header))?;
    for r in rows {
        f.write_all(&csv_line(r))?;
    }
    f.sync_all()?;
    fs::rename(tmp, path)
}

fn key(row: &[String]) -> (u64, u64, u64) {
    let n = |i: usize| row.get(i).and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
    (n(0), n(1), n(2))
}

impl Store {
    /// Opens (or creates) the folder. Refuses a folder that holds results of a different
    /// spec, so runs of two specs are never mixed.
    pub fn open(dir: &Path, header: Header) -> Result<Store, String> {
        let ctx = |e: io::Error| format!("{}: {e}", dir.display());
        fs::create_dir_all(dir.join("traces")).map_err(ctx)?;
        let manifest = dir.join("manifest.json");
        let mut started = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        if manifest.exists() {
            let m: serde_json::Value = serde_json::from_str(&fs::read_to_string(&manifest).map_err(ctx)?)
                .map_err(|e| format!("{}: {e}", manifest.display()))?;
            let old = m["spec_hash"].as_str().unwrap_or("");
            if old != header.spec_hash {
                return Err(format!(
                    "{} holds results of a different spec (hash {old}, this one is {}); \
                     rerun with --out DIR for a new folder, or remove the old one",
                    dir.display(),
                    header.spec_hash
                ));
            }
            if let Some(s) = m["started"].as_str() {
                started = s.to_string();
            }
        }
        let runs_path = dir.join("runs.csv");
        let flows_path = dir.join("flows.csv");
        let columns = runs_columns(&header.swept);
        let mut done = BTreeSet::new();
        let mut committed = BTreeSet::new();
        if runs_path.exists() {
            repair(&runs_path).map_err(ctx)?;
            let (h, rows) = read_rows(&runs_path).map_err(ctx)?;
            if h != columns {
                return Err(format!(
                    "{}: unexpected columns; was it written by another version?",
                    runs_path.display()
                ));
            }
            for r in rows {
                committed.insert((r[0].clone(), r[1].clone()));
                done.insert(r.last().cloned().unwrap_or_default());
            }
        } else {
            fs::write(&runs_path, csv_line(&columns)).map_err(ctx)?;
        }
        let flow_header: Vec<String> = FLOW_COLUMNS.iter().map(|s| s.to_string()).collect();
        if flows_path.exists() {
            repair(&flows_path).map_err(ctx)?;
            // Flow rows of runs that never committed are dropped; the run will redo them.
            let (_, rows) = read_rows(&flows_path).map_err(ctx)?;
            let kept: Vec<Vec<String>> =
                rows.into_iter().filter(|r| committed.contains(&(r[0].clone(), r[1].clone()))).collect();
            write_rows(&flows_path, &flow_header, &kept).map_err(ctx)?;
        } else {
            fs::write(&flows_path, csv_line(&flow_header)).map_err(ctx)?;
        }
        fs::write(dir.join("spec.yaml"), &header.spec_text).map_err(ctx)?;
        let runs = OpenOptions::new().append(true).open(&runs_path).map_err(ctx)?;
        let flows = OpenOptions::new().append(true).open(&flows_path).map_err(ctx)?;
        let store = Store { dir: dir.to_path_buf(), header, done, files: Mutex::new((runs, flows)), started };
        store.write_manifest(false).map_err(ctx)?;
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether a run with this id was already recorded (resume).
    pub fn is_done(&self, run_id: &str) -> bool {
        self.done.contains(run_id)
    }

    /// Runs recorded before this process started.
    pub fn already_done(&self) -> usize {
        self.done.len()
    }

    /// Records one finished run: its flows and trace first, its runs.csv row last.
    pub fn record(&self, o: &Outcome) -> io::Result<()> {
        let mut row = vec![o.point.to_string(), o.seed.to_string()];
        row.extend(o.labels.iter().map(|(_, v)| v.clone()));
        match o.result {
            Ok(report) => {
                row.push("ok".into());
                row.push(String::new());
                row.extend(run_metrics(report, o.scenario).iter().map(|&x| cell(x)));
            }
            Err(e) => {
                row.push("failed".into());
                row.push(e.replace('\n', " "));
                row.extend(RUN_METRICS.iter().map(|_| String::new()));
            }
        }
        row.push(o.run_id.to_string());
        if let Ok(report) = o.result {
            if !report.series.time_s.is_empty() {
                let path = self.dir.join("traces").join(format!("{}-{}.csv", o.point, o.seed));
                fs::write(path, trace_csv(report))?;
            }
        }
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        if let Ok(report) = o.result {
            let mut bytes = Vec::new();
            for r in flow_rows(o.point, o.seed, report) {
                bytes.extend(csv_line(&r));
            }
            files.1.write_all(&bytes)?;
            files.1.flush()?;
        }
        files.0.write_all(&csv_line(&row))?;
        files.0.flush()
    }

    /// Copies the committed runs of another results folder of the same spec (a shard)
    /// that this one does not hold yet: their runs and flows rows and their traces.
    pub fn import(&self, src: &Path, swept: &[String], seen: &mut BTreeSet<String>) -> io::Result<()> {
        let runs_path = src.join("runs.csv");
        let (h, rows) = read_rows(&runs_path)?;
        if h != runs_columns(swept) {
            return Err(io::Error::other("runs.csv has other columns than this experiment's"));
        }
        let (_, flows) = read_rows(&src.join("flows.csv"))?;
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        for row in rows {
            let id = row.last().cloned().unwrap_or_default();
            // A row without its final column is a crash's partial line: not committed.
            if row.len() != h.len() || self.done.contains(&id) || !seen.insert(id) {
                continue;
            }
            let mine = |r: &&Vec<String>| r[0] == row[0] && r[1] == row[1];
            let mut bytes = Vec::new();
            for r in flows.iter().filter(mine) {
                bytes.extend(csv_line(r));
            }
            files.1.write_all(&bytes)?;
            let trace = format!("{}-{}.csv", row[0], row[1]);
            let from = src.join("traces").join(&trace);
            if from.exists() {
                fs::copy(from, self.dir.join("traces").join(trace))?;
            }
            files.0.write_all(&csv_line(&row))?;
        }
        files.1.flush()?;
        files.0.flush()
    }

    /// Sorts the CSVs by (point, seed), writes summary.csv and the manifest. Returns the
    /// summary as a printable table.
    pub fn finish(&self, complete: bool) -> io::Result<String> {
        let _guard = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let runs_path = self.dir.join("runs.csv");
        let (h, mut rows) = read_rows(&runs_path)?;
        rows.sort_by_key(|r| key(r));
        write_rows(&runs_path, &h, &rows)?;
        let flows_path = self.dir.join("flows.csv");
        let (fh, mut frows) = read_rows(&flows_path)?;
        frows.sort_by_key(|r| key(r));
        write_rows(&flows_path, &fh, &frows)?;
        let table = summary::write(&self.dir, &self.header.swept, &rows)?;
        self.write_manifest(complete)?;
        Ok(table)
    }

    fn write_manifest(&self, complete: bool) -> io::Result<()> {
        let h = &self.header;
        let m = serde_json::json!({
            "cclab_version": env!("CARGO_PKG_VERSION"),
            "name": h.name,
            "spec_hash": h.spec_hash,
            "engine": h.engine,
            "started": self.started,
            "updated": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            "points": h.points,
            "seeds": h.seeds,
            "runs": h.points * h.seeds.len(),
            "swept": h.swept,
            "shard": h.shard.map(|(k, n)| format!("{k}/{n}")),
            "complete": complete,
        });
        fs::write(self.dir.join("manifest.json"), serde_json::to_string_pretty(&m)? + "\n")
    }
}
