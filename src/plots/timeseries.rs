//! The time series of one run: per-flow throughput, cwnd and RTT and the bottleneck
//! queue (and any controller internal variable) in stacked panels on one time axis.

use super::axis::{Axis, pad_range};
use super::chart::{self, Entry, Figure, Frame, Glyph, X_AREA};
use super::data::Trace;
use super::style::{self, INK, Style, WIDTH};
use super::{Ctx, Outcome};
use crate::spec::{RunRef, plots::STANDARD_PANELS};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Height of one panel: its header line, plotting area and tick labels, units.
const PANEL: f64 = 84.0;
/// Height of a panel's header line.
const HEADER: f64 = 13.0;
/// At most this many points per drawn line: about two per pixel of the PNG.
const MAX_POINTS: usize = 2000;

struct Panel {
    /// The quantity and unit, written above the panel (a rotated title would not fit
    /// the height of a panel).
    header: String,
    /// The y axis, without a title.
    y: Axis,
    lines: Vec<Line>,
}

/// A palette index (None for the single ink line of the queue) and the points.
type Line = (Option<usize>, Vec<(f64, f64)>);

struct TimeSeries {
    title: Vec<String>,
    legend: Vec<Entry>,
    x: Axis,
    panels: Vec<Panel>,
}

pub(super) fn plot(ctx: &Ctx) -> Result<Outcome, String> {
    let res = ctx.res;
    let (runs, chosen) = match &ctx.spec.runs {
        Some(r) => (r.clone(), true),
        None => {
            // The first seed of point 0, or the first successful run with a trace.
            let first = res
                .runs
                .iter()
                .filter(|r| r.ok && res.trace_path(r.point, r.seed).is_file())
                .min_by_key(|r| (r.point, res.seeds.iter().position(|s| *s == r.seed)));
            match first {
                Some(r) => (vec![RunRef { point: r.point, seed: r.seed }], false),
                None => return Ok(Outcome::Nothing("no run has a trace (trace_interval: 0s?)".into())),
            }
        }
    };
    let mut files = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let path = res.trace_path(run.point, run.seed);
        if !path.is_file() {
            let why = format!(
                "no trace for point {} seed {} ({}): the run failed, or traces were off (trace_interval: 0s)",
                run.point,
                run.seed,
                path.display()
            );
            if chosen {
                return Err(format!("plots.runs[{i}]: {why}"));
            }
            continue;
        }
        let trace = Trace::load(&path)?;
        let fig = build(ctx, *run, &trace)?;
        let stem = format!("timeseries-p{}-s{}", run.point, run.seed);
        files.extend(chart::render(&fig, ctx.out, &stem, &ctx.formats)?);
    }
    Ok(if files.is_empty() { Outcome::Nothing("no trace to draw".into()) } else { Outcome::Written(files) })
}

fn build(ctx: &Ctx, run: RunRef, trace: &Trace) -> Result<TimeSeries, String> {
    let res = ctx.res;
    let time = trace.column("time_s").expect("checked when loaded");
    let n = trace.flows();
    let algorithm = |f: usize| {
        res.flows
            .iter()
            .find(|r| r.point == run.point && r.seed == run.seed && r.flow == f)
            .map(|r| r.algorithm.clone())
    };
    // Up to eight flows each get a colour; beyond the palette, colours would repeat and
    // name nothing, so flows are coloured by algorithm instead.
    let flow_algs: Vec<String> = (0..n).map(|f| algorithm(f).unwrap_or_else(|| "?".into())).collect();
    let mut algorithms: Vec<String> = Vec::new();
    for a in &flow_algs {
        if !algorithms.contains(a) {
            algorithms.push(a.clone());
        }
    }
    let by_algorithm = n > style::PALETTE.len();
    let color_of = |f: usize| {
        if by_algorithm { algorithms.iter().position(|a| *a == flow_algs[f]).unwrap_or(0) } else { f }
    };
    let legend: Vec<Entry> = if by_algorithm {
        algorithms
            .iter()
            .enumerate()
            .map(|(i, a)| Entry {
                label: format!("{a} ({} flows)", flow_algs.iter().filter(|x| *x == a).count()),
                color: style::color(i),
                glyph: Glyph::Line,
            })
            .collect()
    } else {
        (0..n)
            .map(|f| Entry {
                label: match algorithm(f) {
                    Some(a) => format!("flow {f} ({a})"),
                    None => format!("flow {f}"),
                },
                color: style::color(f),
                glyph: Glyph::Line,
            })
            .collect()
    };
    let default: Vec<String> = STANDARD_PANELS.iter().map(|s| s.to_string()).collect();
    let names = ctx.spec.panels.as_ref().unwrap_or(&default);
    let mut panels = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let (title, column, scale) = match name.as_str() {
            "throughput" => ("throughput (Mbit/s)".to_string(), "goodput_mbps".to_string(), 1.0),
            "cwnd" => ("cwnd (packets)".to_string(), "cwnd_pkts".to_string(), 1.0),
            "rtt" => ("RTT (ms)".to_string(), "rtt_ms".to_string(), 1.0),
            // Bytes as KB (1000 B), the unit buffers are written in.
            "queue" => ("queue (KB)".to_string(), String::new(), 1e-3),
            other => (other.to_string(), other.to_string(), 1.0),
        };
        let mut lines = Vec::new();
        if name == "queue" {
            let q = trace.column("queue_bytes").expect("checked when loaded");
            let q: Vec<f64> = q.iter().map(|v| v * scale).collect();
            lines.push((None, chart::decimate(time, &q, MAX_POINTS)));
        } else {
            for f in 0..n {
                if let Some(col) = trace.column(&format!("flow{f}_{column}")) {
                    lines.push((Some(color_of(f)), chart::decimate(time, col, MAX_POINTS)));
                }
            }
            if lines.is_empty() {
                let internals = trace.internals();
                return Err(format!(
                    "plots.panels[{k}]: '{name}' is not a panel ({}) nor a column of {}{}",
                    STANDARD_PANELS.join(", "),
                    trace.path.display(),
                    if internals.is_empty() {
                        " (its controllers report no internal variables)".to_string()
                    } else {
                        format!(" (its internal variables are {})", internals.join(", "))
                    }
                ));
            }
        }
        let ys = lines.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)).filter(|v| v.is_finite());
        let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let (lo, hi) = pad_range(lo, hi, 0.05, lo >= 0.0);
        panels.push(Panel { header: title, y: Axis::linear("", lo, hi, 4), lines });
    }
    let t_end = time.iter().copied().filter(|t| t.is_finite()).fold(0.0, f64::max);
    let labels: Vec<String> =
        res.swept.iter().enumerate().map(|(k, p)| format!("{p} = {}", res.label(run.point, k))).collect();
    let mut title = vec![format!("{}: point {}, seed {}", res.name, run.point, run.seed)];
    if !labels.is_empty() {
        title.push(labels.join(", "));
    }
    Ok(TimeSeries { title, legend, x: Axis::linear("time (s)", 0.0, t_end, 7), panels })
}

impl Figure for TimeSeries {
    fn size(&self) -> (u32, u32) {
        // Legend rows are laid out when drawn; three entries fit in a row at this width.
        let legend_rows = self.legend.len().div_ceil(3) as f64;
        let h = 6.0 + 13.0 * self.title.len() as f64 + 6.0 + 13.0 * legend_rows;
        (WIDTH, (h + PANEL * self.panels.len() as f64 + X_AREA).round() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, st: &Style) -> Result<(), String> {
        let area = chart::title(root, st, &self.title)?;
        let area = chart::legend(&area, st, &self.legend)?;
        let axes: Vec<&Axis> = self.panels.iter().map(|p| &p.y).collect();
        let y_area = chart::y_area_width(&area, st, &axes)?;
        let (_, h) = area.dim_in_pixel();
        let n = self.panels.len() as i32;
        let panel_h = (h as i32 - st.px(X_AREA)) / n.max(1);
        let mut rest = area;
        for (i, p) in self.panels.iter().enumerate() {
            let last = i + 1 == self.panels.len();
            let (this, below) =
                if last { (rest.clone(), rest.clone()) } else { rest.split_vertically(panel_h) };
            let header = (y_area as i32 + st.px(2.0), st.px(HEADER / 2.0));
            this.draw(&Text::new(
                p.header.clone(),
                header,
                st.label_font().pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(super::draw_error)?;
            let (_, this) = this.split_vertically(st.px(HEADER));
            let mut c = chart::chart(&this, st, &self.x, &p.y, &Frame { y_area, x_labels: last })?;
            for (color, pts) in &p.lines {
                let style = match color {
                    Some(k) => st.line(style::color(*k)),
                    None => st.line(INK),
                };
                chart::line(&mut c, pts, style)?;
            }
            rest = below;
        }
        Ok(())
    }
}
