//! Figures from a results folder, ready for a paper: SVG and PNG in DIR/plots/.
//!
//! Plotting reads only the files of docs/spec.md (manifest.json, runs.csv, flows.csv,
//! traces/) and never reruns a simulation. Text is drawn with a font compiled into the
//! binary, colours come from the Okabe-Ito palette, and sizes are chosen for one column of
//! a two-column paper.
//!
//! Which figures, without a `plots:` section: for one point, the time series of its first
//! run and the per-flow goodput bars; for a sweep, each default metric against the first
//! swept parameter (one series per algorithm when the algorithm is swept) and the
//! throughput-delay plane; for either, the CDF of flow completion times when flows finished.

mod axis;
mod chart;
mod data;
mod fct_cdf;
#[cfg(test)]
pub(crate) mod fixture;
mod goodput_bars;
mod metric_vs_param;
mod raster;
mod style;
#[cfg(test)]
mod tests;
mod throughput_delay;
mod timeseries;

use crate::spec::{Format, PlotKind, PlotsSpec};
use data::Results;
use std::fs;
use std::path::{Path, PathBuf};

/// Draws the figures that `plots` asks for (or the defaults for the experiment's shape)
/// from the results in `dir` into `dir/plots/`; returns the files written.
pub fn plot_results(dir: &Path, plots: Option<&PlotsSpec>) -> Result<Vec<PathBuf>, String> {
    style::register_fonts()?;
    let res = Results::load(dir)?;
    let spec = plots.cloned().unwrap_or_default();
    // The spec loader checked this against the spec; check it against the folder too, in
    // case the caller built the section by hand. Completion times are checked per figure.
    let shape = crate::spec::plots::Shape {
        swept: &res.swept,
        points: res.points,
        seeds: &res.seeds,
        sized_flows: true,
    };
    crate::spec::plots::check(&spec, &shape).map_err(|(k, m)| format!("{k}: {m}"))?;
    if !res.runs.iter().any(|r| r.ok) {
        return Err(format!(
            "nothing to plot in {}: no run succeeded (see the error column of runs.csv)",
            dir.display()
        ));
    }
    let out = dir.join("plots");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let ctx = Ctx {
        res: &res,
        spec: &spec,
        out: &out,
        formats: spec.formats.clone().unwrap_or_else(|| vec![Format::Svg, Format::Png]),
    };
    let (kinds, explicit) = match &spec.kinds {
        Some(k) => (k.clone(), true),
        None => (default_kinds(&res), false),
    };
    let mut written = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let outcome = match kind {
            PlotKind::Timeseries => timeseries::plot(&ctx)?,
            PlotKind::GoodputBars => goodput_bars::plot(&ctx)?,
            PlotKind::MetricVsParam => metric_vs_param::plot(&ctx)?,
            PlotKind::ThroughputDelay => throughput_delay::plot(&ctx)?,
            PlotKind::FctCdf => fct_cdf::plot(&ctx)?,
        };
        match outcome {
            Outcome::Written(files) => written.extend(files),
            Outcome::Nothing(why) if explicit => {
                return Err(format!("plots.kinds[{i}]: {}: nothing to draw: {why}", kind.name()));
            }
            Outcome::Nothing(_) => {}
        }
    }
    Ok(written)
}

/// The `plots:` section of the spec stored in a results folder (`None` without one).
pub fn plots_spec_of(dir: &Path) -> Result<Option<PlotsSpec>, String> {
    #[derive(serde::Deserialize)]
    struct OnlyPlots {
        #[serde(default)]
        plots: Option<PlotsSpec>,
    }
    let path = dir.join("spec.yaml");
    if !dir.is_dir() {
        return Err(format!("{} does not exist or is not a folder", dir.display()));
    }
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{} is not a cclab results folder (it has no spec.yaml, as `cclab run` writes it)",
                dir.display()
            ));
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let only: OnlyPlots =
        crate::spec::parse_yaml(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
    Ok(only.plots)
}

/// What one kind of figure produced.
pub(crate) enum Outcome {
    Written(Vec<PathBuf>),
    /// Nothing to draw, and why (an error only when the kind was asked for).
    Nothing(String),
}

/// What every figure needs.
pub(crate) struct Ctx<'a> {
    pub res: &'a Results,
    pub spec: &'a PlotsSpec,
    pub out: &'a Path,
    pub formats: Vec<Format>,
}

impl Ctx<'_> {
    /// The index of a swept path.
    fn swept_index(&self, path: &str) -> Option<usize> {
        self.res.swept.iter().position(|s| s == path)
    }

    /// `plots.series`, else the swept algorithm path, if any.
    pub fn series(&self) -> Option<usize> {
        match &self.spec.series {
            Some(s) => self.swept_index(s),
            None => self.res.swept.iter().position(|s| s == "algorithm" || s.ends_with(".algorithm")),
        }
    }

    /// The series of figures that compare conditions (plane, CDF): the chosen series, else
    /// the first swept path, so that a sweep without algorithms still gets one marker per
    /// value.
    pub fn series_or_first(&self) -> Option<usize> {
        self.series().or(if self.res.swept.is_empty() { None } else { Some(0) })
    }
}

/// Defaults by the experiment's shape.
fn default_kinds(res: &Results) -> Vec<PlotKind> {
    let mut k = if res.labels.len() <= 1 || res.swept.is_empty() {
        vec![PlotKind::Timeseries, PlotKind::GoodputBars]
    } else {
        vec![PlotKind::MetricVsParam, PlotKind::ThroughputDelay]
    };
    if res.flows.iter().any(|f| f.fct_s.is_some()) {
        k.push(PlotKind::FctCdf);
    }
    k
}

pub(crate) fn draw_error<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw: {e}")
}

/// The points that share the values of the swept paths other than `varying` (and of
/// those determined by them): one figure each.
pub(crate) struct Facet {
    /// "link.buffer = 1bdp, duration = 30s"; empty when there is only one facet.
    pub title: String,
    /// A file-name suffix such as "-link.buffer=1bdp"; empty when there is one facet.
    pub suffix: String,
    pub points: Vec<usize>,
}

/// Whether swept path `b` takes one value for each value of `a` (zipped paths, or a path
/// that varies only together with `a`): then it is not a separate facet.
fn determined_by(res: &Results, a: usize, b: usize) -> bool {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for &p in res.labels.keys() {
        let (va, vb) = (res.label(p, a), res.label(p, b));
        match seen.iter().find(|(x, _)| *x == va) {
            Some((_, y)) if *y != vb => return false,
            Some(_) => {}
            None => seen.push((va, vb)),
        }
    }
    true
}

/// Groups the points by the swept paths other than `varying`.
pub(crate) fn facets(res: &Results, varying: &[usize]) -> Vec<Facet> {
    let fixed: Vec<usize> = (0..res.swept.len())
        .filter(|k| !varying.contains(k) && !varying.iter().any(|&v| determined_by(res, v, *k)))
        .collect();
    let mut out: Vec<(Vec<&str>, Vec<usize>)> = Vec::new();
    for &p in res.labels.keys() {
        let key: Vec<&str> = fixed.iter().map(|&k| res.label(p, k)).collect();
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, pts)) => pts.push(p),
            None => out.push((key, vec![p])),
        }
    }
    let many = out.len() > 1;
    out.into_iter()
        .map(|(key, points)| {
            let pairs: Vec<(String, &str)> = fixed.iter().map(|&k| res.swept[k].clone()).zip(key).collect();
            let title = pairs.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ");
            let suffix = if many {
                let s: Vec<String> = pairs.iter().map(|(k, v)| sanitize(&format!("{k}={v}"))).collect();
                format!("-{}", s.join("_"))
            } else {
                String::new()
            };
            Facet { title: if many { title } else { String::new() }, suffix, points }
        })
        .collect()
}

/// A string safe in a file name on every system.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '[' | ']'))
        .map(|c| if c.is_ascii_alphanumeric() || ".=-".contains(c) { c } else { '_' })
        .collect()
}

/// The values of swept path `k` over `points`, in first-seen (file) order.
pub(crate) fn values_in_order(res: &Results, k: usize, points: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &p in points {
        let v = res.label(p, k);
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

/// A legend label for a series value: the value alone for algorithms, "path = value"
/// otherwise.
pub(crate) fn series_label(path: &str, value: &str) -> String {
    if path == "algorithm" || path.ends_with(".algorithm") {
        value.to_string()
    } else {
        format!("{path} = {value}")
    }
}

/// "over 3 seeds" or "over 1 seed".
pub(crate) fn seeds_phrase(n: usize) -> String {
    if n == 1 { "1 seed".into() } else { format!("{n} seeds") }
}

/// "flows 2–9" for consecutive flows, else "8 flows".
pub(crate) fn flows_phrase(flows: &[usize]) -> String {
    let consecutive = flows.windows(2).all(|w| w[1] == w[0] + 1);
    match flows {
        [f] => format!("flow {f}"),
        [a, .., b] if consecutive => format!("flows {a}–{b}"),
        _ => format!("{} flows", flows.len()),
    }
}
