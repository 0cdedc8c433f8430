//! The CSV rows of a run: the column names are a public contract (docs/spec.md).

use cclab_sim::{Report, Scenario, jain_index};

/// Metrics of runs.csv, in column order; summary.csv has `_mean`, `_std`, `_ci95` of each.
pub const RUN_METRICS: [&str; 10] = [
    "goodput_mbps",
    "utilization",
    "jain_index",
    "loss_rate",
    "retransmits",
    "timeouts",
    "mean_rtt_ms",
    "mean_queue_delay_ms",
    "p95_queue_delay_ms",
    "p99_queue_delay_ms",
];

/// Columns of flows.csv.
pub const FLOW_COLUMNS: [&str; 12] = [
    "point",
    "seed",
    "flow",
    "group",
    "algorithm",
    "rtt_ms",
    "goodput_mbps",
    "mean_cwnd_pkts",
    "mean_rtt_ms",
    "retransmits",
    "timeouts",
    "fct_s",
];

/// Jain's index over the flows that send until the end, or over all flows when every
/// flow is sized: a short transfer's goodput over the whole run says nothing about how
/// fairly the link was shared, and would drag the index towards 1/n.
pub fn bulk_jain_index(r: &Report, s: &Scenario) -> f64 {
    let bulk: Vec<f64> =
        r.flows.iter().zip(&s.flows).filter(|(_, f)| f.size.is_none()).map(|(r, _)| r.goodput_mbps).collect();
    if bulk.is_empty() { r.jain_index } else { jain_index(&bulk) }
}

/// The values of [`RUN_METRICS`] for one report of scenario `s`.
pub fn run_metrics(r: &Report, s: &Scenario) -> [f64; 10] {
    let n = r.flows.len().max(1) as f64;
    [
        r.flows.iter().map(|f| f.goodput_mbps).sum(),
        r.link.utilization,
        bulk_jain_index(r, s),
        r.link.loss_rate,
        r.flows.iter().map(|f| f.retransmits).sum::<u64>() as f64,
        r.flows.iter().map(|f| f.timeouts).sum::<u64>() as f64,
        r.flows.iter().map(|f| f.rtt_mean_ms).sum::<f64>() / n,
        r.link.queue_delay_mean_ms,
        r.link.queue_delay_p95_ms,
        r.link.queue_delay_p99_ms,
    ]
}

/// A float for a CSV cell: shortest round-trip form, empty for NaN (no value).
pub fn cell(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// flows.csv rows of one run (without the trailing newline handling; the csv writer adds it).
pub fn flow_rows(point: usize, seed: u64, r: &Report) -> Vec<Vec<String>> {
    r.flows
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                point.to_string(),
                seed.to_string(),
                i.to_string(),
                f.group.to_string(),
                f.algorithm.clone(),
                cell(f.base_rtt_ms),
                cell(f.goodput_mbps),
                cell(f.mean_cwnd_segments),
                cell(f.rtt_mean_ms),
                f.retransmits.to_string(),
                f.timeouts.to_string(),
                f.fct_s.map(cell).unwrap_or_default(),
            ]
        })
        .collect()
}

/// The time series of one run as CSV text: time, queue, then per flow cwnd, sending rate,
/// goodput, RTT and the controller's internal variables.
pub fn trace_csv(r: &Report) -> String {
    let s = &r.series;
    let mut header = vec!["time_s".to_string(), "queue_bytes".to_string()];
    for (i, f) in s.flows.iter().enumerate() {
        for c in ["cwnd_pkts", "rate_mbps", "goodput_mbps", "rtt_ms"] {
            header.push(format!("flow{i}_{c}"));
        }
        for (name, _) in &f.internals {
            header.push(format!("flow{i}_{name}"));
        }
    }
    let mut out = header.join(",");
    out.push('\n');
    for (k, t) in s.time_s.iter().enumerate() {
        let mut row = vec![cell(*t), cell(s.queue_bytes.get(k).copied().unwrap_or(f64::NAN))];
        for f in &s.flows {
            for col in [&f.cwnd_segments, &f.rate_mbps, &f.goodput_mbps, &f.rtt_ms] {
                row.push(cell(col.get(k).copied().unwrap_or(f64::NAN)));
            }
            for (_, v) in &f.internals {
                row.push(cell(v.get(k).copied().unwrap_or(f64::NAN)));
            }
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
