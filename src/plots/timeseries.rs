//! The time series of one run: per-flow throughput, cwnd and RTT and the bottleneck
//! queue (and any controller internal variable) in stacked panels on one time axis.
//!
//! What makes a trace readable at one column's width: throughput is smoothed over a
//! window stated in the panel's header; a flow is drawn only while it is active, so that
//! the values a trace holds before a flow starts and after it completes do not draw as
//! zeros; each panel's range ignores isolated spikes, and every line is cut at the edges
//! of its panel; up to eight flows get a colour each, and beyond that the largest groups
//! share one in thin translucent lines; the queue is an area in a colour of its own.

use super::axis::{Axis, pad_range};
use super::chart::{self, Entry, Figure, Frame, Glyph, X_AREA};
use super::data::{FlowRow, Trace};
use super::style::{self, INK, Pen, Style, WIDTH};
use super::{Ctx, Outcome, flows_phrase};
use crate::spec::{RunRef, plots::STANDARD_PANELS};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Height of one panel: its header line, plotting area and tick labels, units.
const PANEL: f64 = 84.0;
/// Height of a panel's header line.
const HEADER: f64 = 13.0;
/// At most this many points per drawn line: min/max pairs in 600 buckets, about one per
/// pixel of the SVG's plotting area and one per 1.4 pixels of the PNG's.
const MAX_POINTS: usize = 1200;
/// Throughput is averaged over the larger of this many base RTTs and `MIN_WINDOW_S`.
/// Goodput arrives in bursts: a window's worth per RTT, and after a loss the data held
/// back for reassembly is released at once, so one 10 ms interval can carry ten times the
/// link rate. Five RTTs average those bursts away but keep the sawtooth of Reno or CUBIC,
/// whose period is tens of RTTs.
const SMOOTH_RTTS: f64 = 5.0;
/// The shortest averaging window, s: ten samples of the default 10 ms trace interval.
const MIN_WINDOW_S: f64 = 0.1;
/// A panel's y range ends at this quantile of its samples (with `HEADROOM`) when the
/// largest sample lies far beyond it: an isolated spike is cut at the top of the panel
/// instead of squashing every other line to the bottom.
const RANGE_QUANTILE: f64 = 0.995;
/// Room above the quantile, as a fraction of the range below it.
const HEADROOM: f64 = 0.15;
/// Line widths, units: a flow with its own colour, and one of many flows sharing one.
const FLOW_WIDTH: f64 = 1.2;
const SHARED_WIDTH: f64 = 0.9;
/// Opacity of lines that share a colour, so that where they overlap the colour deepens.
const SHARED_ALPHA: f64 = 0.6;

struct Panel {
    /// The quantity and unit, written above the panel (a rotated title would not fit
    /// the height of a panel).
    header: String,
    /// The y axis, without a title.
    y: Axis,
    /// Drawn in order: lines shared by many flows first, so that flows with their own
    /// colour stay on top.
    lines: Vec<(Pen, Vec<(f64, f64)>)>,
    /// An area under a line (the queue).
    fill: Option<Fill>,
}

/// An area under a graph, in `color` at opacity `alpha`.
struct Fill {
    color: RGBColor,
    alpha: f64,
    pts: Vec<(f64, f64)>,
}

struct TimeSeries {
    title: Vec<String>,
    legend: Vec<Entry>,
    x: Axis,
    panels: Vec<Panel>,
}

/// Flows drawn in one colour: a single flow, or a whole group (or algorithm) when there
/// are more flows than colours.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Unit {
    pub flows: Vec<usize>,
    pub label: String,
    /// Thin translucent lines (a unit of several flows).
    pub shared: bool,
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

/// Which flows share a colour. Up to `colours` flows each get their own; beyond that,
/// the largest groups (entries of `flows:`) are merged into one colour each until the
/// colours suffice, and if merging every group is not enough, flows are coloured by
/// algorithm. Units are ordered by their first flow.
pub(super) fn units(algorithms: &[String], groups: &[usize], colours: usize) -> Vec<Unit> {
    let n = algorithms.len();
    let single =
        |f: usize| Unit { flows: vec![f], label: format!("flow {f} ({})", algorithms[f]), shared: false };
    if n <= colours {
        return (0..n).map(single).collect();
    }
    let mut ids: Vec<usize> = Vec::new();
    for g in groups {
        if !ids.contains(g) {
            ids.push(*g);
        }
    }
    let members = |g: usize| (0..n).filter(|&f| groups[f] == g).collect::<Vec<usize>>();
    let mut merged = vec![false; ids.len()];
    let count = |merged: &[bool]| -> usize {
        ids.iter().zip(merged).map(|(g, m)| if *m { 1 } else { members(*g).len() }).sum()
    };
    while count(&merged) > colours {
        // The largest group not yet merged (the later one of equal sizes, so that the
        // first entries, usually the flows under study, keep their own colours).
        let Some(k) = (0..ids.len()).filter(|&k| !merged[k]).max_by_key(|&k| (members(ids[k]).len(), k))
        else {
            break;
        };
        merged[k] = true;
    }
    let mut out: Vec<Unit> = if count(&merged) <= colours {
        ids.iter()
            .zip(&merged)
            .flat_map(|(&g, &m)| {
                let fl = members(g);
                if m && fl.len() > 1 {
                    let label = format!("{} ({})", flows_phrase(&fl), algorithms[fl[0]]);
                    vec![Unit { flows: fl, label, shared: true }]
                } else {
                    fl.into_iter().map(single).collect()
                }
            })
            .collect()
    } else {
        let mut algs: Vec<&String> = Vec::new();
        for a in algorithms {
            if !algs.contains(&a) {
                algs.push(a);
            }
        }
        algs.iter()
            .map(|a| {
                let fl: Vec<usize> = (0..n).filter(|&f| algorithms[f] == **a).collect();
                let label = format!("{a} ({} flows)", fl.len());
                Unit { shared: fl.len() > 1, flows: fl, label }
            })
            .collect()
    };
    out.sort_by_key(|u| u.flows[0]);
    out
}

/// The rows (first, last) in which flow `f` is active: from its first sign of life (data
/// sent or delivered, or an RTT sample) to its last delivery when it completed, else to
/// the end of the trace. Before and after, its columns keep their initial or final values
/// (a cwnd of 10, an RTT of 0), which are no measurement of anything.
pub(super) fn active_rows(trace: &Trace, f: usize, completed: bool) -> Option<(usize, usize)> {
    let col = |name: &str| trace.column(&format!("flow{f}_{name}"));
    let (goodput, rate, rtt) = (col("goodput_mbps"), col("rate_mbps"), col("rtt_ms"));
    let positive = |c: Option<&[f64]>, i: usize| c.is_some_and(|c| c[i] > 0.0);
    let rows = trace.data[0].len();
    let first = (0..rows).find(|&i| positive(goodput, i) || positive(rate, i) || positive(rtt, i))?;
    let last = if completed {
        (first..rows).rev().find(|&i| positive(goodput, i)).unwrap_or(first)
    } else {
        rows - 1
    };
    Some((first, last))
}

/// `y` smoothed over `m` rows: the weighted mean over the rows within `m` of each row of
/// `rows` (inclusive), with weight m - |offset| (a triangle, which is an m-row moving
/// average applied twice: the average of the m-row averages around a row), cut at the ends
/// of `rows` and skipping empty cells. A single m-row average leaves a ripple as large as
/// a tenth of the link rate where bursts recur at a period that does not divide m; the
/// second pass removes it. Row i holds the interval that ends at `t[i]`; each value is
/// placed at the weighted mean of the middles of the intervals it averages.
pub(super) fn smooth(t: &[f64], y: &[f64], dt: f64, m: usize, rows: (usize, usize)) -> Vec<(f64, f64)> {
    let (s, e) = rows;
    let m = m.max(1);
    (s..=e)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(m - 1).max(s), (i + m - 1).min(e));
            let (mut sw, mut swy, mut swt) = (0.0, 0.0, 0.0);
            for j in lo..=hi {
                if y[j].is_finite() {
                    let w = (m - i.abs_diff(j)) as f64;
                    (sw, swy, swt) = (sw + w, swy + w * y[j], swt + w * (t[j] - dt / 2.0));
                }
            }
            if sw > 0.0 { (swt / sw, swy / sw) } else { (t[i] - dt / 2.0, f64::NAN) }
        })
        .collect()
}

/// The y range of a panel from its samples: the lowest to the highest, except that the
/// top stops at the `RANGE_QUANTILE` quantile plus `HEADROOM` when the highest sample is
/// beyond that; then padded by 5%, from zero for a non-negative quantity near it.
pub(super) fn robust_range(values: &[f64]) -> (f64, f64) {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return (0.0, 1.0);
    }
    v.sort_by(f64::total_cmp);
    let (lo, max) = (v[0], v[v.len() - 1]);
    // The nearest-rank quantile: the smallest sample with at least that fraction at or
    // below it.
    let q = v[((RANGE_QUANTILE * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    let cap = q + HEADROOM * (q - lo.min(0.0));
    pad_range(lo, max.min(cap), 0.05, lo >= 0.0)
}

/// "200 ms" or "1.5 s".
fn duration_phrase(s: f64) -> String {
    if s < 1.0 { format!("{:.0} ms", s * 1e3) } else { format!("{} s", (s * 100.0).round() / 100.0) }
}

fn build(ctx: &Ctx, run: RunRef, trace: &Trace) -> Result<TimeSeries, String> {
    let res = ctx.res;
    let time = trace.column("time_s").expect("checked when loaded");
    let n = trace.flows();
    let row = |f: usize| -> Option<&FlowRow> {
        res.flows.iter().find(|r| r.point == run.point && r.seed == run.seed && r.flow == f)
    };
    let algorithms: Vec<String> =
        (0..n).map(|f| row(f).map_or_else(|| "?".into(), |r| r.algorithm.clone())).collect();
    let groups: Vec<usize> = (0..n).map(|f| row(f).map_or(f, |r| r.group)).collect();
    let units = units(&algorithms, &groups, style::PALETTE.len());
    let spans: Vec<Option<(usize, usize)>> =
        (0..n).map(|f| active_rows(trace, f, row(f).is_some_and(|r| r.fct_s.is_some()))).collect();
    let pens: Vec<Pen> = units
        .iter()
        .enumerate()
        .map(|(k, u)| {
            let pen = flow_pen(style::color(k));
            if u.shared { pen.faint(SHARED_ALPHA, SHARED_WIDTH) } else { pen }
        })
        .collect();
    let legend: Vec<Entry> = units
        .iter()
        .zip(&pens)
        .enumerate()
        .map(|(k, (u, p))| Entry { label: u.label.clone(), color: style::color(k), glyph: Glyph::Pen(*p) })
        .collect();
    // Shared units first, so that flows with their own colour are drawn over them.
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&k| !units[k].shared);

    // The trace interval, and the averaging window as a whole number of intervals.
    let mut steps: Vec<f64> = time.windows(2).map(|w| w[1] - w[0]).filter(|d| *d > 0.0).collect();
    steps.sort_by(f64::total_cmp);
    let dt = steps.get(steps.len() / 2).copied().unwrap_or(0.01);
    let max_rtt_s =
        (0..n).filter_map(|f| row(f).map(|r| r.rtt_ms)).filter(|r| r.is_finite()).fold(0.0, f64::max) / 1e3;
    let window = (SMOOTH_RTTS * max_rtt_s).max(MIN_WINDOW_S);
    let m = ((window / dt).round() as usize).max(1);
    let throughput_header = if m > 1 {
        format!("throughput (Mbit/s), smoothed over {}", duration_phrase(m as f64 * dt))
    } else {
        format!("throughput (Mbit/s), per {}", duration_phrase(dt))
    };

    let default: Vec<String> = STANDARD_PANELS.iter().map(|s| s.to_string()).collect();
    let names = ctx.spec.panels.as_ref().unwrap_or(&default);
    let mut panels = Vec::new();
    for (k, name) in names.iter().enumerate() {
        if name == "queue" {
            // Bytes as KB (1000 B), the unit buffers are written in; drawn in the first
            // colour no flow has, as an area so that a full and an empty queue read at a
            // glance.
            let q: Vec<f64> =
                trace.column("queue_bytes").expect("checked when loaded").iter().map(|v| v * 1e-3).collect();
            let colour = (0..style::PALETTE.len()).find(|c| *c >= units.len()).map_or(INK, style::color);
            let pts = chart::decimate(time, &q, MAX_POINTS);
            let (lo, hi) = robust_range(&q);
            panels.push(Panel {
                header: "queue (KB)".into(),
                y: Axis::linear("", lo, hi, 4),
                lines: vec![(Pen { color: colour, alpha: 1.0, width: 1.0 }, pts.clone())],
                fill: Some(Fill { color: colour, alpha: 0.3, pts }),
            });
            continue;
        }
        let (header, column) = match name.as_str() {
            "throughput" => (throughput_header.clone(), "goodput_mbps"),
            "cwnd" => ("cwnd (packets)".to_string(), "cwnd_pkts"),
            "rtt" => ("RTT (ms)".to_string(), "rtt_ms"),
            other => (other.to_string(), other),
        };
        // Per flow: its samples while active, gaps elsewhere.
        let mut series: Vec<Option<Vec<(f64, f64)>>> = vec![None; n];
        for f in 0..n {
            let Some(col) = trace.column(&format!("flow{f}_{column}")) else { continue };
            let Some(span) = spans[f] else {
                series[f] = Some(Vec::new());
                continue;
            };
            let pts = if name == "throughput" {
                smooth(time, col, dt, m, span)
            } else {
                (span.0..=span.1)
                    // No RTT sample yet is written as 0.
                    .map(|i| (time[i], if name == "rtt" && col[i] <= 0.0 { f64::NAN } else { col[i] }))
                    .collect()
            };
            series[f] = Some(pts);
        }
        if series.iter().all(Option::is_none) {
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
        let all: Vec<f64> = series.iter().flatten().flat_map(|s| s.iter().map(|p| p.1)).collect();
        let (lo, hi) = robust_range(&all);
        let mut lines = Vec::new();
        for &u in &order {
            for &f in &units[u].flows {
                if let Some(pts) = &series[f] {
                    let (x, y): (Vec<f64>, Vec<f64>) = pts.iter().copied().unzip();
                    lines.push((pens[u], chart::decimate(&x, &y, MAX_POINTS)));
                }
            }
        }
        panels.push(Panel { header, y: Axis::linear("", lo, hi, 4), lines, fill: None });
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

/// The line of a flow with its own colour.
fn flow_pen(color: RGBColor) -> Pen {
    Pen { color, alpha: 1.0, width: FLOW_WIDTH }
}

impl Figure for TimeSeries {
    fn size(&self) -> (u32, u32) {
        let legend_rows = chart::legend_rows(&self.legend) as f64;
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
            let c = chart::chart(&this, st, &self.x, &p.y, &Frame { y_area, x_labels: last })?;
            if let Some(f) = &p.fill {
                chart::area(&c, st, &f.pts, f.color, f.alpha)?;
            }
            for (pen, pts) in &p.lines {
                chart::line(&c, st, pts, *pen)?;
            }
            rest = below;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flows_get_their_own_colours_until_the_palette_runs_out() {
        // The quickstart: two long flows (group 0) and eight short ones (group 1): ten
        // flows for eight colours, so the larger group shares one: 2 + 1 = 3 colours.
        let algs = names(&["cubic"; 10]);
        let u = units(&algs, &[0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 8);
        let labels: Vec<&str> = u.iter().map(|u| u.label.as_str()).collect();
        assert_eq!(labels, ["flow 0 (cubic)", "flow 1 (cubic)", "flows 2–9 (cubic)"]);
        assert_eq!(u.iter().map(|u| u.shared).collect::<Vec<_>>(), [false, false, true]);
        // Eight flows: one colour each, whatever their groups.
        assert_eq!(units(&algs[..8], &[0; 8], 8).len(), 8);
        // Nine CUBIC flows in group 0 and two Reno in group 1: group 0 is merged first
        // (the larger), leaving 1 + 2 colours.
        let algs: Vec<String> = (0..11).map(|f| if f < 9 { "cubic" } else { "reno" }.to_string()).collect();
        let groups: Vec<usize> = (0..11).map(|f| usize::from(f >= 9)).collect();
        let labels: Vec<String> = units(&algs, &groups, 8).into_iter().map(|u| u.label).collect();
        assert_eq!(labels, ["flows 0–8 (cubic)", "flow 9 (reno)", "flow 10 (reno)"]);
        // Twelve groups of one flow: merging groups cannot help, so by algorithm.
        let algs: Vec<String> =
            (0..12).map(|f| if f % 2 == 0 { "reno" } else { "vegas" }.to_string()).collect();
        let u = units(&algs, &(0..12).collect::<Vec<_>>(), 8);
        assert_eq!(
            u.iter().map(|u| u.label.as_str()).collect::<Vec<_>>(),
            ["reno (6 flows)", "vegas (6 flows)"]
        );
        assert_eq!(u[1].flows, vec![1, 3, 5, 7, 9, 11]);
    }

    #[test]
    fn smoothing_is_a_triangle_weighted_mean_placed_at_its_centre_of_time() {
        // m = 2: weights 1, 2, 1 over rows i-1, i, i+1. A burst of 10 in row 3 of seven
        // 10 ms rows: row 3 -> 2 x 10 / 4 = 5, rows 2 and 4 -> 10 / 4 = 2.5. Row 0 is cut
        // at the start: rows 0 and 1 with weights 2 and 1, placed at
        // (2 x 0.005 + 1 x 0.015) / 3 = 0.00833 s (the middles of their intervals).
        let t: Vec<f64> = (1..=7).map(|i| i as f64 * 0.01).collect();
        let y = [0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0];
        let s = smooth(&t, &y, 0.01, 2, (0, 6));
        let ys: Vec<f64> = s.iter().map(|p| p.1).collect();
        assert_eq!(ys, vec![0.0, 0.0, 2.5, 5.0, 2.5, 0.0, 0.0]);
        assert!((s[3].0 - 0.035).abs() < 1e-12 && (s[0].0 - 0.025 / 3.0).abs() < 1e-12, "{s:?}");
        // Only the rows in the span count, and empty cells are skipped: row 3 of span 3..6
        // averages rows 3 and 4 with weights 2 and 1: (2 x 10 + 1 x 0) / 3.
        let s = smooth(&t, &y, 0.01, 2, (3, 6));
        assert_eq!(s.len(), 4);
        assert!((s[0].1 - 20.0 / 3.0).abs() < 1e-12);
        let gaps = [f64::NAN, 4.0, f64::NAN];
        assert_eq!(smooth(&t[..3], &gaps, 0.01, 2, (0, 2)).iter().map(|p| p.1).collect::<Vec<_>>(), [4.0; 3]);
    }

    #[test]
    fn smoothing_removes_the_ripple_of_bursts_that_a_plain_average_keeps() {
        // Bursts of 10 Mbit/s for 3 of every 7 rows (an RTT of 70 ms at 10 ms rows): mean
        // 30 / 7 = 4.286. A plain 20-row average swings between 4.0 and 4.5 (20 rows are
        // two periods and 6 rows more, which hold 2 or 3 burst rows: 8 or 9 in all, so
        // 80 / 20 or 90 / 20); the triangle of m = 20 stays within 0.02 of the mean.
        let y: Vec<f64> = (0..210).map(|i| if i % 7 < 3 { 10.0 } else { 0.0 }).collect();
        let t: Vec<f64> = (1..=210).map(|i| i as f64 * 0.01).collect();
        let inner: Vec<f64> = smooth(&t, &y, 0.01, 20, (0, 209))[19..191].iter().map(|p| p.1).collect();
        let (lo, hi) =
            inner.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        assert!(lo > 30.0 / 7.0 - 0.02 && hi < 30.0 / 7.0 + 0.02, "{lo} {hi}");
        let plain: Vec<f64> = (10..200).map(|i| y[i - 10..i + 10].iter().sum::<f64>() / 20.0).collect();
        let (plo, phi) =
            plain.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        assert_eq!((plo, phi), (4.0, 4.5));
    }

    #[test]
    fn a_spike_is_cut_at_the_top_instead_of_setting_the_range() {
        // 0..=999 and one spike of 10,000 (1001 samples): the 99.5% nearest-rank quantile
        // is the 996th smallest, 995; the cap is 995 x 1.15 = 1144.25, padded by 5%:
        // 1201.46.
        let mut v: Vec<f64> = (0..1000).map(f64::from).collect();
        v.push(10_000.0);
        let (lo, hi) = robust_range(&v);
        assert_eq!(lo, 0.0);
        assert!((hi - 1144.25 * 1.05).abs() < 1e-9, "{hi}");
        // Without the spike the highest sample (999) is below the cap: the range ends
        // there, padded: 999 x 1.05 = 1048.95. Empty cells do not count.
        v.pop();
        v.push(f64::NAN);
        let (_, hi) = robust_range(&v);
        assert!((hi - 1048.95).abs() < 1e-9, "{hi}");
    }

    #[test]
    fn a_flow_is_active_from_its_first_packet_to_its_last_delivery() {
        // Ten rows: the flow sends from row 2 (rate > 0), delivers in rows 3..=6 and then
        // keeps its final cwnd and RTT, as a finished flow's columns do.
        let col = |v: &[f64]| v.to_vec();
        let trace = Trace {
            path: "t.csv".into(),
            columns: names(&[
                "time_s",
                "queue_bytes",
                "flow0_rate_mbps",
                "flow0_goodput_mbps",
                "flow0_rtt_ms",
                "flow1_rate_mbps",
            ]),
            data: vec![
                (1..=10).map(|i| i as f64 * 0.01).collect(),
                vec![0.0; 10],
                col(&[0., 0., 1., 5., 5., 5., 1., 0., 0., 0.]),
                col(&[0., 0., 0., 4., 5., 5., 2., 0., 0., 0.]),
                col(&[0., 0., 0., 41., 42., 43., 44., 44., 44., 44.]),
                vec![0.0; 10],
            ],
        };
        assert_eq!(active_rows(&trace, 0, true), Some((2, 6)));
        // A flow that never completed runs to the end of the trace.
        assert_eq!(active_rows(&trace, 0, false), Some((2, 9)));
        assert_eq!(active_rows(&trace, 1, false), None);
    }
}
