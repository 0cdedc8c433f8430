//! The empirical CDF of flow completion times (flows.csv `fct_s`), pooled over seeds, one
//! curve per value of the series path, or per algorithm without one.

use super::axis::{Axis, pad_range, wants_log};
use super::chart::{self, Entry, Figure, Glyph};
use super::style::{self, Style};
use super::{Ctx, Outcome, facets, series_label, values_in_order};
use plotters::coord::Shift;
use plotters::prelude::*;

struct Curve {
    index: usize,
    /// Sorted completion times, seconds.
    fct: Vec<f64>,
}

struct CdfFigure {
    title: Vec<String>,
    legend: Vec<Entry>,
    x: Axis,
    y: Axis,
    curves: Vec<Curve>,
}

pub(super) fn plot(ctx: &Ctx) -> Result<Outcome, String> {
    let res = ctx.res;
    let series = ctx.series_or_first();
    let mut files = Vec::new();
    for facet in facets(res, &series.into_iter().collect::<Vec<_>>()) {
        let Some(fig) = build(ctx, series, &facet.points, &facet.title) else { continue };
        files.extend(chart::render(&fig, ctx.out, &format!("fct_cdf{}", facet.suffix), &ctx.formats)?);
    }
    Ok(if files.is_empty() {
        Outcome::Nothing("no flow completed (fct_s is empty throughout flows.csv)".into())
    } else {
        Outcome::Written(files)
    })
}

/// The steps of an empirical CDF of sorted `xs`: at each sample the fraction jumps by 1/n.
pub(super) fn steps(xs: &[f64]) -> Vec<(f64, f64)> {
    let n = xs.len() as f64;
    let mut out = Vec::with_capacity(2 * xs.len());
    for (i, &x) in xs.iter().enumerate() {
        out.push((x, i as f64 / n));
        out.push((x, (i + 1) as f64 / n));
    }
    out
}

fn build(ctx: &Ctx, series: Option<usize>, points: &[usize], facet: &str) -> Option<CdfFigure> {
    let res = ctx.res;
    // Series values in file order, so that a value keeps its colour across facets.
    let mut names: Vec<String> = match series {
        Some(s) => values_in_order(res, s, points).iter().map(|v| series_label(&res.swept[s], v)).collect(),
        None => Vec::new(),
    };
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for f in res.flows.iter().filter(|f| points.contains(&f.point)) {
        let Some(fct) = f.fct_s else { continue };
        let name = match series {
            Some(s) => series_label(&res.swept[s], res.label(f.point, s)),
            None => f.algorithm.clone(),
        };
        let i = match names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                names.push(name);
                groups.push(Vec::new());
                names.len() - 1
            }
        };
        groups[i].push(fct);
    }
    let total: usize = groups.iter().map(Vec::len).sum();
    if total == 0 {
        return None;
    }
    let mut curves = Vec::new();
    let mut legend = Vec::new();
    for (i, mut fct) in groups.into_iter().enumerate() {
        if fct.is_empty() {
            continue;
        }
        fct.sort_by(f64::total_cmp);
        legend.push(Entry { label: names[i].clone(), color: style::color(i), glyph: Glyph::Line });
        curves.push(Curve { index: i, fct });
    }
    let all: Vec<f64> = curves.iter().flat_map(|c| c.fct.iter().copied()).collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let title = "flow completion time (s)";
    let x = if wants_log(ctx.spec.x_scale, &all) {
        Axis::log(title, lo / 1.15, hi * 1.15)
    } else {
        let (a, b) = pad_range(lo, hi, 0.04, true);
        Axis::linear(title, a, b, 7)
    };
    let flows = if total == 1 { "1 completed flow".to_string() } else { format!("{total} completed flows") };
    Some(CdfFigure {
        title: vec![facet.to_string(), format!("empirical CDF over {flows}, all seeds")],
        legend,
        x,
        y: cdf_axis(),
        curves,
    })
}

/// The CDF axis: quarters, with a little room at both ends so that the first and last
/// steps do not run along the frame.
fn cdf_axis() -> Axis {
    let mut a = Axis::linear("CDF", -0.03, 1.03, 6);
    a.ticks = vec![0.0, 0.25, 0.5, 0.75, 1.0];
    a.labels = ["0", "0.25", "0.5", "0.75", "1"].map(String::from).to_vec();
    a
}

impl Figure for CdfFigure {
    fn size(&self) -> (u32, u32) {
        chart::single_size(&self.legend)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, st: &Style) -> Result<(), String> {
        let (area, frame) = chart::single_frame(root, st, &self.title, &self.legend, &self.y)?;
        let c = chart::chart(&area, st, &self.x, &self.y, &frame)?;
        for cu in &self.curves {
            let pts: Vec<(f64, f64)> = steps(&cu.fct).into_iter().map(|(x, y)| (self.x.to(x), y)).collect();
            chart::line(&c, st, &pts, st.line(style::color(cu.index)))?;
        }
        Ok(())
    }
}
