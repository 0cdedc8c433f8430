//! The `plots:` section: which figures to draw from a results folder and along which axes.
//! Key names are a public contract (docs/spec.md). Without the section, the plots follow
//! the shape of the experiment (see `crate::plots`).

use serde::{Deserialize, Serialize};

/// `plots:` in an experiment file. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlotsSpec {
    /// Which plots to draw; default: time series and goodput bars for one point,
    /// metric vs parameter and the throughput-delay plane for a sweep, plus the FCT CDF
    /// when flows have sizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<PlotKind>>,
    /// The x axis of `metric_vs_param`: a swept path (default: the first swept path that
    /// is not the series).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// One series per value of this swept path (default: the swept path that ends in
    /// `.algorithm`, if there is one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// The y axes of `metric_vs_param`, one figure each: runs.csv metrics
    /// (default goodput_mbps and mean_queue_delay_ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<Metric>>,
    /// Scale of the numeric x axes of `metric_vs_param` and `fct_cdf`.
    pub x_scale: Scale,
    /// The queueing-delay statistic on the x axis of `throughput_delay`.
    pub delay: DelayStat,
    /// The runs that get a time series (default: the first seed of point 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<Vec<RunRef>>,
    /// Panels of a time series, top to bottom (default throughput, cwnd, rtt, queue);
    /// any controller internal variable of the traces (`w_max`, `bwe_mbps`) is a panel too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panels: Option<Vec<String>>,
    /// Files written per figure (default both).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formats: Option<Vec<Format>>,
}

/// One kind of figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlotKind {
    /// One run: per-flow throughput, cwnd, RTT and the bottleneck queue on one time axis.
    Timeseries,
    /// One point: per-flow goodput (mean and 95% CI over seeds), Jain's index in the title.
    GoodputBars,
    /// A metric against a swept parameter, one series per value of `series`.
    MetricVsParam,
    /// Queueing delay (reversed x) against goodput, one marker per series value with its
    /// spread over seeds.
    ThroughputDelay,
    /// The CDF of flow completion times of sized flows.
    FctCdf,
}

impl PlotKind {
    pub const ALL: [PlotKind; 5] = [
        PlotKind::Timeseries,
        PlotKind::GoodputBars,
        PlotKind::MetricVsParam,
        PlotKind::ThroughputDelay,
        PlotKind::FctCdf,
    ];

    /// The name used in specs and file names.
    pub fn name(self) -> &'static str {
        match self {
            PlotKind::Timeseries => "timeseries",
            PlotKind::GoodputBars => "goodput_bars",
            PlotKind::MetricVsParam => "metric_vs_param",
            PlotKind::ThroughputDelay => "throughput_delay",
            PlotKind::FctCdf => "fct_cdf",
        }
    }
}

/// A runs.csv metric (docs/spec.md), by its column name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    GoodputMbps,
    Utilization,
    JainIndex,
    LossRate,
    Retransmits,
    Timeouts,
    MeanRttMs,
    MeanQueueDelayMs,
    P95QueueDelayMs,
    P99QueueDelayMs,
}

impl Metric {
    /// In the column order of runs.csv (`results::rows::RUN_METRICS`).
    pub const ALL: [Metric; 10] = [
        Metric::GoodputMbps,
        Metric::Utilization,
        Metric::JainIndex,
        Metric::LossRate,
        Metric::Retransmits,
        Metric::Timeouts,
        Metric::MeanRttMs,
        Metric::MeanQueueDelayMs,
        Metric::P95QueueDelayMs,
        Metric::P99QueueDelayMs,
    ];

    /// The column name in runs.csv (and the prefix of its summary.csv columns).
    pub fn column(self) -> &'static str {
        match self {
            Metric::GoodputMbps => "goodput_mbps",
            Metric::Utilization => "utilization",
            Metric::JainIndex => "jain_index",
            Metric::LossRate => "loss_rate",
            Metric::Retransmits => "retransmits",
            Metric::Timeouts => "timeouts",
            Metric::MeanRttMs => "mean_rtt_ms",
            Metric::MeanQueueDelayMs => "mean_queue_delay_ms",
            Metric::P95QueueDelayMs => "p95_queue_delay_ms",
            Metric::P99QueueDelayMs => "p99_queue_delay_ms",
        }
    }

    /// An axis title with the unit.
    pub fn title(self) -> &'static str {
        match self {
            Metric::GoodputMbps => "goodput (Mbit/s)",
            Metric::Utilization => "bottleneck utilization",
            Metric::JainIndex => "Jain's fairness index",
            Metric::LossRate => "loss rate",
            Metric::Retransmits => "retransmitted segments",
            Metric::Timeouts => "retransmission timeouts",
            Metric::MeanRttMs => "mean RTT (ms)",
            Metric::MeanQueueDelayMs => "mean queueing delay (ms)",
            Metric::P95QueueDelayMs => "p95 queueing delay (ms)",
            Metric::P99QueueDelayMs => "p99 queueing delay (ms)",
        }
    }
}

/// `x_scale: auto | linear | log`. `auto` is logarithmic when every value is positive and
/// they span at least a factor of 20, the point where a linear axis crowds the low end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    #[default]
    Auto,
    Linear,
    Log,
}

/// `delay: mean | p95 | p99`: which queueing delay of runs.csv the plane uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayStat {
    #[default]
    Mean,
    P95,
    P99,
}

impl DelayStat {
    pub fn metric(self) -> Metric {
        match self {
            DelayStat::Mean => Metric::MeanQueueDelayMs,
            DelayStat::P95 => Metric::P95QueueDelayMs,
            DelayStat::P99 => Metric::P99QueueDelayMs,
        }
    }
}

/// `{point: 0, seed: 1}`: one run, as numbered in runs.csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRef {
    pub point: usize,
    pub seed: u64,
}

/// `formats: [svg, png]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Svg,
    Png,
}

/// The standard time-series panels; anything else names a trace column `flowI_<name>`.
pub const STANDARD_PANELS: [&str; 4] = ["throughput", "cwnd", "rtt", "queue"];

/// What the section is checked against: the experiment as expanded.
pub struct Shape<'a> {
    pub swept: &'a [String],
    pub points: usize,
    pub seeds: &'a [u64],
    /// Whether any flow can have a completion time (a group has a size, or sizes are swept).
    pub sized_flows: bool,
}

/// Checks values that deserialize but make no sense for this experiment. Returns the key
/// path of the offending value and why.
pub fn check(p: &PlotsSpec, shape: &Shape) -> Result<(), (String, String)> {
    let swept_list = || {
        if shape.swept.is_empty() {
            "nothing is swept".to_string()
        } else {
            format!("the swept paths are {}", shape.swept.join(", "))
        }
    };
    for (key, value) in [("x", &p.x), ("series", &p.series)] {
        if let Some(v) = value {
            if !shape.swept.iter().any(|s| s == v) {
                return Err((format!("plots.{key}"), format!("'{v}' is not a swept path; {}", swept_list())));
            }
        }
    }
    if p.x.is_some() && p.x == p.series {
        return Err(("plots.series".into(), "must differ from plots.x".into()));
    }
    if let Some(kinds) = &p.kinds {
        if kinds.is_empty() {
            return Err(("plots.kinds".into(), "is empty; leave it out for the default plots".into()));
        }
        for (i, k) in kinds.iter().enumerate() {
            if *k == PlotKind::MetricVsParam && shape.swept.is_empty() {
                return Err((
                    format!("plots.kinds[{i}]"),
                    "metric_vs_param needs a swept parameter, and this experiment has no sweep".into(),
                ));
            }
            if *k == PlotKind::FctCdf && !shape.sized_flows {
                return Err((
                    format!("plots.kinds[{i}]"),
                    "fct_cdf needs flows with a size, and no flow group has one".into(),
                ));
            }
        }
    }
    if let Some(m) = &p.metrics {
        if m.is_empty() {
            return Err(("plots.metrics".into(), "is empty; leave it out for the default metrics".into()));
        }
    }
    if let Some(f) = &p.formats {
        if f.is_empty() {
            return Err(("plots.formats".into(), "is empty; use svg, png or both".into()));
        }
    }
    if let Some(runs) = &p.runs {
        for (i, r) in runs.iter().enumerate() {
            if r.point >= shape.points {
                return Err((
                    format!("plots.runs[{i}].point"),
                    format!("there is no point {}; points are numbered 0 to {}", r.point, shape.points - 1),
                ));
            }
            if !shape.seeds.contains(&r.seed) {
                let seeds: Vec<String> = shape.seeds.iter().map(u64::to_string).collect();
                return Err((
                    format!("plots.runs[{i}].seed"),
                    format!("seed {} is not run; the seeds are {}", r.seed, seeds.join(", ")),
                ));
            }
        }
    }
    if let Some(panels) = &p.panels {
        if panels.is_empty() {
            return Err(("plots.panels".into(), "is empty; leave it out for the default panels".into()));
        }
        for (i, name) in panels.iter().enumerate() {
            // Internal variables are only known once a controller has run; their names
            // are checked against the trace at plot time.
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err((
                    format!("plots.panels[{i}]"),
                    format!(
                        "'{name}' is neither a panel ({}) nor an internal variable name",
                        STANDARD_PANELS.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::RUN_METRICS;

    #[test]
    fn metric_names_are_the_runs_csv_columns_in_order() {
        let names: Vec<&str> = Metric::ALL.iter().map(|m| m.column()).collect();
        assert_eq!(names, RUN_METRICS);
        for m in Metric::ALL {
            let parsed: Metric = serde_json::from_value(serde_json::json!(m.column())).unwrap();
            assert_eq!(parsed, m);
        }
        for k in PlotKind::ALL {
            let parsed: PlotKind = serde_json::from_value(serde_json::json!(k.name())).unwrap();
            assert_eq!(parsed, k);
        }
    }

    fn shape(swept: &[String]) -> Shape<'_> {
        Shape { swept, points: 6, seeds: &[1, 2, 3], sized_flows: false }
    }

    #[test]
    fn x_and_series_must_be_swept_paths() {
        let swept = vec!["link.buffer".to_string(), "flows[0].algorithm".to_string()];
        let p = PlotsSpec { x: Some("link.rate".into()), ..Default::default() };
        assert_eq!(
            check(&p, &shape(&swept)).unwrap_err(),
            (
                "plots.x".to_string(),
                "'link.rate' is not a swept path; the swept paths are link.buffer, flows[0].algorithm"
                    .to_string()
            )
        );
        let p = PlotsSpec {
            x: Some("link.buffer".into()),
            series: Some("link.buffer".into()),
            ..Default::default()
        };
        assert_eq!(check(&p, &shape(&swept)).unwrap_err().0, "plots.series");
        let p = PlotsSpec {
            x: Some("link.buffer".into()),
            series: Some("flows[0].algorithm".into()),
            ..Default::default()
        };
        assert!(check(&p, &shape(&swept)).is_ok());
    }

    #[test]
    fn runs_must_exist_and_kinds_must_fit_the_experiment() {
        let p = PlotsSpec { runs: Some(vec![RunRef { point: 6, seed: 1 }]), ..Default::default() };
        assert_eq!(
            check(&p, &shape(&[])).unwrap_err(),
            (
                "plots.runs[0].point".to_string(),
                "there is no point 6; points are numbered 0 to 5".to_string()
            )
        );
        let p = PlotsSpec { runs: Some(vec![RunRef { point: 0, seed: 9 }]), ..Default::default() };
        assert_eq!(check(&p, &shape(&[])).unwrap_err().1, "seed 9 is not run; the seeds are 1, 2, 3");
        let p = PlotsSpec {
            kinds: Some(vec![PlotKind::Timeseries, PlotKind::MetricVsParam]),
            ..Default::default()
        };
        assert_eq!(check(&p, &shape(&[])).unwrap_err().0, "plots.kinds[1]");
        let p = PlotsSpec { kinds: Some(vec![PlotKind::FctCdf]), ..Default::default() };
        assert!(check(&p, &shape(&[])).unwrap_err().1.contains("needs flows with a size"));
        let p = PlotsSpec { panels: Some(vec!["cwnd".into(), "w max".into()]), ..Default::default() };
        assert_eq!(check(&p, &shape(&[])).unwrap_err().0, "plots.panels[1]");
    }
}
