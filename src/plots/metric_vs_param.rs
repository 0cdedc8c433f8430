//! A metric against a swept parameter: the mean over seeds with its 95% confidence
//! interval (Student t, as in summary.csv), one series per value of another swept path.

use super::axis::{self, Axis, numeric, pad_range, param_title, wants_log, with_unit};
use super::chart::{self, Entry, Figure, Glyph};
use super::style::{self, Style};
use super::{Ctx, Outcome, facets, seeds_phrase, series_label, values_in_order};
use crate::results::stats::estimate;
use crate::spec::Metric;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One series: its palette index and (x in drawing space, mean, CI half-width) per x value.
pub(super) struct Series {
    pub index: usize,
    pub points: Vec<(f64, f64, f64)>,
}

/// On a numeric x axis, neighbouring series are drawn this many units apart (about a
/// marker's radius), so that markers and error bars at the same x do not hide each other;
/// on a categorical axis they are spread within the category instead.
const DODGE: f64 = 3.5;

pub(super) struct MetricFigure {
    pub title: Vec<String>,
    /// Whether the x axis is numeric (series are dodged when drawn) or categorical (the
    /// dodge is in `series`' x positions).
    pub numeric_x: bool,
    pub legend: Vec<Entry>,
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<Series>,
}

pub(super) fn plot(ctx: &Ctx) -> Result<Outcome, String> {
    let res = ctx.res;
    if res.swept.is_empty() {
        return Ok(Outcome::Nothing("the experiment has no sweep".into()));
    }
    let mut series = ctx.series();
    let x = match &ctx.spec.x {
        Some(p) => res.swept.iter().position(|s| s == p),
        None => (0..res.swept.len()).find(|k| Some(*k) != series),
    };
    if x.is_some() && x == series {
        // x is the algorithm itself: one series per category would repeat the axis.
        series = None;
    }
    let x = match (x, series) {
        (Some(x), _) => x,
        (None, Some(s)) if ctx.spec.series.is_none() => {
            // Only the algorithm is swept: it becomes the x axis, with one series.
            series = None;
            s
        }
        _ => {
            return Err(
                "plots.x: metric_vs_param needs a swept path other than plots.series for its x axis".into()
            );
        }
    };
    let metrics =
        ctx.spec.metrics.clone().unwrap_or_else(|| vec![Metric::GoodputMbps, Metric::MeanQueueDelayMs]);
    let varying: Vec<usize> = std::iter::once(x).chain(series).collect();
    let mut files = Vec::new();
    for facet in facets(res, &varying) {
        for &m in &metrics {
            let Some(fig) = build(ctx, x, series, m, &facet.points, &facet.title) else { continue };
            let stem = format!("metric_vs_param-{}{}", m.column(), facet.suffix);
            files.extend(chart::render(&fig, ctx.out, &stem, &ctx.formats)?);
        }
    }
    Ok(if files.is_empty() {
        Outcome::Nothing("no successful run has these metrics".into())
    } else {
        Outcome::Written(files)
    })
}

pub(super) fn build(
    ctx: &Ctx,
    x: usize,
    series: Option<usize>,
    m: Metric,
    points: &[usize],
    facet: &str,
) -> Option<MetricFigure> {
    let res = ctx.res;
    let x_values = values_in_order(res, x, points);
    let x_title = param_title(&res.swept[x]);
    let (x_axis, x_pos): (Axis, Vec<f64>) = match numeric(&x_values) {
        Some(n) if wants_log(ctx.spec.x_scale, &n.values) => {
            let (lo, hi) = bounds(&n.values);
            // Half a tick of room in log space: a factor of 10^0.06 = 1.15 each side.
            let a = Axis::log(with_unit(&x_title, n.unit), lo / 1.15, hi * 1.15);
            let pos = n.values.iter().map(|v| a.to(*v)).collect();
            (a, pos)
        }
        Some(n) => {
            let (lo, hi) = bounds(&n.values);
            let (lo, hi) = axis::pad_range(lo, hi, 0.06, false);
            (Axis::linear(with_unit(&x_title, n.unit), lo, hi, 7), n.values.clone())
        }
        None => (Axis::categories(x_title, &x_values), (0..x_values.len()).map(|i| i as f64).collect()),
    };
    let categorical = numeric(&x_values).is_none();
    let series_values = match series {
        Some(s) => values_in_order(res, s, points),
        None => vec![String::new()],
    };
    let mut out = Vec::new();
    let mut max_seeds = 0;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (si, sv) in series_values.iter().enumerate() {
        // Side by side within a category, so error bars of different series do not overlap.
        let dodge = if categorical && series_values.len() > 1 {
            (si as f64 - (series_values.len() - 1) as f64 / 2.0) * (0.5 / series_values.len() as f64)
        } else {
            0.0
        };
        let mut pts = Vec::new();
        for (xi, xv) in x_values.iter().enumerate() {
            let pts_here: Vec<usize> = points
                .iter()
                .copied()
                .filter(|&p| res.label(p, x) == xv && series.is_none_or(|s| res.label(p, s) == sv))
                .collect();
            let values: Vec<f64> = res.ok_runs(&pts_here).map(|r| r.metric(m)).collect();
            let e = estimate(&values);
            if !e.mean.is_finite() {
                continue;
            }
            max_seeds = max_seeds.max(e.n);
            let ci = if e.ci95.is_finite() { e.ci95 } else { 0.0 };
            lo = lo.min(e.mean - ci);
            hi = hi.max(e.mean + ci);
            pts.push((x_pos[xi] + dodge, e.mean, e.ci95));
        }
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        if !pts.is_empty() {
            out.push(Series { index: si, points: pts });
        }
    }
    if out.is_empty() {
        return None;
    }
    let (ylo, yhi) = pad_range(lo, hi, 0.06, true);
    let legend = match series {
        Some(s) => out
            .iter()
            .map(|se| Entry {
                label: series_label(&res.swept[s], &series_values[se.index]),
                color: style::color(se.index),
                glyph: Glyph::LineMarker(style::shape(se.index)),
            })
            .collect(),
        None => Vec::new(),
    };
    Some(MetricFigure {
        numeric_x: !categorical,
        title: vec![facet.to_string(), format!("mean ± 95% CI over {}", seeds_phrase(max_seeds))],
        legend,
        x: x_axis,
        y: Axis::linear(m.title(), ylo, yhi, 6),
        series: out,
    })
}

fn bounds(v: &[f64]) -> (f64, f64) {
    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)))
}

impl Figure for MetricFigure {
    fn size(&self) -> (u32, u32) {
        chart::single_size(&self.legend)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, st: &Style) -> Result<(), String> {
        let (area, frame) = chart::single_frame(root, st, &self.title, &self.legend, &self.y)?;
        let c = chart::chart(&area, st, &self.x, &self.y, &frame)?;
        // Units of dodge in x data: a unit is `scale` pixels of the plotting area.
        let (w, _) = c.plotting_area().dim_in_pixel();
        let per_unit = (self.x.hi - self.x.lo) / w.max(1) as f64 * st.scale;
        let n = self.series.len() as f64;
        for (k, s) in self.series.iter().enumerate() {
            let color = style::color(s.index);
            let dx = if self.numeric_x { (k as f64 - (n - 1.0) / 2.0) * DODGE * per_unit } else { 0.0 };
            let pts: Vec<(f64, f64, f64)> = s.points.iter().map(|&(x, m, ci)| (x + dx, m, ci)).collect();
            let line: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1)).collect();
            chart::line(&c, st, &line, st.line(color))?;
            for &(x, mean, ci) in &pts {
                if ci.is_finite() && ci > 0.0 {
                    chart::error_bar(root, &c, st, x, mean - ci, mean + ci, color)?;
                }
            }
            for &(x, mean, _) in &pts {
                let at = c.backend_coord(&(x, mean));
                style::draw_marker(root, st, style::shape(s.index), at, 3.2, color, 1.0)?;
            }
        }
        Ok(())
    }
}
