//! summary.csv and the table printed at the end of a run: per point, the mean, standard
//! deviation and 95% confidence half-width of each metric over the seeds that succeeded.

use super::rows::{RUN_METRICS, cell};
use super::stats::{Estimate, estimate};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// One point's estimates, in RUN_METRICS order.
pub struct PointSummary {
    pub point: usize,
    pub labels: Vec<String>,
    pub ok: usize,
    pub failed: usize,
    pub metrics: Vec<Estimate>,
}

/// Groups sorted runs.csv rows by point.
pub fn summarise(swept: &[String], rows: &[Vec<String>]) -> Vec<PointSummary> {
    let status_col = 2 + swept.len();
    let mut out: Vec<PointSummary> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let point = &rows[i][0];
        let group: Vec<&Vec<String>> = rows[i..].iter().take_while(|r| &r[0] == point).collect();
        i += group.len();
        let ok: Vec<&&Vec<String>> = group.iter().filter(|r| r[status_col] == "ok").collect();
        let metrics = (0..RUN_METRICS.len())
            .map(|m| {
                let xs: Vec<f64> =
                    ok.iter().map(|r| r[status_col + 2 + m].parse::<f64>().unwrap_or(f64::NAN)).collect();
                estimate(&xs)
            })
            .collect();
        out.push(PointSummary {
            point: point.parse().unwrap_or(0),
            labels: group[0][2..status_col].to_vec(),
            ok: ok.len(),
            failed: group.len() - ok.len(),
            metrics,
        });
    }
    out
}

/// Writes summary.csv and returns the printable table.
pub fn write(dir: &Path, swept: &[String], rows: &[Vec<String>]) -> io::Result<String> {
    let points = summarise(swept, rows);
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(swept.iter().cloned());
    header.push("seeds_ok".into());
    header.push("seeds_failed".into());
    for m in RUN_METRICS {
        for s in ["mean", "std", "ci95"] {
            header.push(format!("{m}_{s}"));
        }
    }
    w.write_record(&header).map_err(io::Error::other)?;
    for p in &points {
        let mut r = vec![p.point.to_string()];
        r.extend(p.labels.iter().cloned());
        r.push(p.ok.to_string());
        r.push(p.failed.to_string());
        for e in &p.metrics {
            r.extend([cell(e.mean), cell(e.std), cell(e.ci95)]);
        }
        w.write_record(&r).map_err(io::Error::other)?;
    }
    let bytes = w.into_inner().map_err(io::Error::other)?;
    let tmp = dir.join("summary.csv.tmp");
    fs::write(&tmp, bytes)?;
    fs::rename(tmp, dir.join("summary.csv"))?;
    Ok(table(swept, &points))
}

fn pm(e: &Estimate, digits: usize) -> String {
    if e.mean.is_nan() {
        "-".into()
    } else if e.ci95.is_nan() {
        format!("{:.*}", digits, e.mean)
    } else {
        format!("{:.*} ± {:.*}", digits, e.mean, digits, e.ci95)
    }
}

/// The summary as an aligned text table (mean ± 95% CI half-width).
pub fn table(swept: &[String], points: &[PointSummary]) -> String {
    let idx = |name: &str| RUN_METRICS.iter().position(|m| *m == name).expect("known metric");
    let mut header = vec!["point".to_string()];
    header.extend(swept.iter().cloned());
    header.extend(
        ["goodput Mbit/s", "utilization", "Jain", "queue delay ms", "loss rate", "seeds ok/failed"]
            .map(String::from),
    );
    let mut rows = vec![header];
    for p in points {
        let mut r = vec![p.point.to_string()];
        r.extend(p.labels.iter().cloned());
        r.push(pm(&p.metrics[idx("goodput_mbps")], 2));
        r.push(pm(&p.metrics[idx("utilization")], 3));
        r.push(pm(&p.metrics[idx("jain_index")], 3));
        r.push(pm(&p.metrics[idx("mean_queue_delay_ms")], 2));
        r.push(pm(&p.metrics[idx("loss_rate")], 5));
        r.push(format!("{}/{}", p.ok, p.failed));
        rows.push(r);
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let line: Vec<String> = r.iter().zip(&widths).map(|(s, w)| format!("{s:>w$}")).collect();
        let _ = writeln!(out, "{}", line.join("  "));
        if i == 0 {
            let _ = writeln!(out, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
        }
    }
    out
}
