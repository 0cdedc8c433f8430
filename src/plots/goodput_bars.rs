//! Per-flow goodput of one point: a bar per flow (mean over seeds, 95% CI), coloured by
//! algorithm, with the equal share marked and Jain's index in the title.

use super::axis::{Axis, pad_range};
use super::chart::{self, Entry, Figure, Glyph};
use super::style::{self, REFERENCE, Style};
use super::{Ctx, Outcome, flows_phrase, seeds_phrase};
use crate::results::stats::estimate;
use crate::spec::Metric;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Categorical flow labels up to this many flows; a numeric axis beyond.
const MAX_CATEGORIES: usize = 16;

struct Bar {
    flow: usize,
    /// Palette index of the flow's algorithm.
    color: usize,
    mean: f64,
    ci95: f64,
    /// Whether the flow completed in some seed (a sized transfer).
    completed: bool,
}

pub(super) struct BarsFigure {
    title: Vec<String>,
    legend: Vec<Entry>,
    x: Axis,
    y: Axis,
    bars: Vec<Bar>,
    /// Mbit/s.
    pub equal_share: f64,
}

pub(super) fn plot(ctx: &Ctx) -> Result<Outcome, String> {
    let res = ctx.res;
    let mut points: Vec<usize> = match &ctx.spec.runs {
        Some(r) => r.iter().map(|r| r.point).collect(),
        None => res.labels.keys().copied().collect(),
    };
    points.dedup();
    let mut files = Vec::new();
    for p in points {
        let Some(fig) = build(ctx, p) else { continue };
        files.extend(chart::render(&fig, ctx.out, &format!("goodput_bars-p{p}"), &ctx.formats)?);
    }
    Ok(if files.is_empty() {
        Outcome::Nothing("no flow rows in flows.csv".into())
    } else {
        Outcome::Written(files)
    })
}

pub(super) fn build(ctx: &Ctx, point: usize) -> Option<BarsFigure> {
    let res = ctx.res;
    let rows: Vec<_> = res.flows.iter().filter(|f| f.point == point).collect();
    let n = rows.iter().map(|f| f.flow + 1).max()?;
    let mut algorithms: Vec<String> = Vec::new();
    let mut bars = Vec::new();
    for flow in 0..n {
        let mine: Vec<_> = rows.iter().filter(|f| f.flow == flow).collect();
        let Some(first) = mine.first() else { continue };
        let a = match algorithms.iter().position(|x| *x == first.algorithm) {
            Some(i) => i,
            None => {
                algorithms.push(first.algorithm.clone());
                algorithms.len() - 1
            }
        };
        let e = estimate(&mine.iter().map(|f| f.goodput_mbps).collect::<Vec<_>>());
        let completed = mine.iter().any(|f| f.fct_s.is_some());
        bars.push(Bar { flow, color: a, mean: e.mean, ci95: e.ci95, completed });
    }
    let finite: Vec<&Bar> = bars.iter().filter(|b| b.mean.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    // The equal share is the mean bar of the flows that Jain's index in the title covers
    // (docs/spec.md, runs.csv): the flows that send until the end, here those that never
    // completed, or all flows when all did. A short transfer's goodput over the whole run
    // is no share of the link, and would pull the line down towards zero.
    let bulk: Vec<&&Bar> = finite.iter().filter(|b| !b.completed).collect();
    let counted: Vec<&&Bar> = if bulk.is_empty() { finite.iter().collect() } else { bulk };
    let equal_share = counted.iter().map(|b| b.mean).sum::<f64>() / counted.len() as f64;
    let share_label = if counted.len() == finite.len() {
        "equal share".to_string()
    } else {
        format!("equal share of {}", flows_phrase(&counted.iter().map(|b| b.flow).collect::<Vec<_>>()))
    };
    let hi =
        finite.iter().map(|b| b.mean + if b.ci95.is_finite() { b.ci95 } else { 0.0 }).fold(0.0, f64::max);
    let (_, yhi) = pad_range(0.0, hi.max(equal_share), 0.06, true);
    let x = if n <= MAX_CATEGORIES {
        Axis::categories("flow", &(0..n).map(|i| i.to_string()).collect::<Vec<_>>())
    } else {
        let mut a = Axis::linear("flow", 0.0, (n - 1) as f64, 8);
        (a.lo, a.hi) = (-0.5, n as f64 - 0.5);
        a
    };
    let jain = estimate(&res.ok_runs(&[point]).map(|r| r.metric(Metric::JainIndex)).collect::<Vec<_>>());
    let jain_text = if jain.ci95.is_finite() {
        format!("Jain's index {:.3} ± {:.3} ({})", jain.mean, jain.ci95, seeds_phrase(jain.n))
    } else {
        format!("Jain's index {:.3} ({})", jain.mean, seeds_phrase(jain.n))
    };
    let labels: Vec<String> =
        res.swept.iter().enumerate().map(|(k, s)| format!("{s} = {}", res.label(point, k))).collect();
    let mut legend: Vec<Entry> = algorithms
        .iter()
        .enumerate()
        .map(|(i, a)| Entry { label: a.clone(), color: style::color(i), glyph: Glyph::Bar })
        .collect();
    legend.push(Entry { label: share_label, color: REFERENCE, glyph: Glyph::Line });
    Some(BarsFigure {
        title: vec![labels.join(", "), jain_text],
        legend,
        x,
        y: Axis::linear("goodput (Mbit/s)", 0.0, yhi, 6),
        bars,
        equal_share,
    })
}

impl Figure for BarsFigure {
    fn size(&self) -> (u32, u32) {
        chart::single_size(&self.legend)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, st: &Style) -> Result<(), String> {
        let (area, frame) = chart::single_frame(root, st, &self.title, &self.legend, &self.y)?;
        let mut c = chart::chart(&area, st, &self.x, &self.y, &frame)?;
        let half = 0.35;
        c.draw_series(self.bars.iter().filter(|b| b.mean.is_finite()).map(|b| {
            let x = b.flow as f64;
            Rectangle::new([(x - half, 0.0), (x + half, b.mean)], style::color(b.color).filled())
        }))
        .map_err(super::draw_error)?;
        for b in self.bars.iter().filter(|b| b.mean.is_finite() && b.ci95.is_finite() && b.ci95 > 0.0) {
            chart::error_bar(root, &c, st, b.flow as f64, b.mean - b.ci95, b.mean + b.ci95, style::INK)?;
        }
        chart::line(
            &c,
            st,
            &[(self.x.lo, self.equal_share), (self.x.hi, self.equal_share)],
            st.thin(REFERENCE),
        )?;
        Ok(())
    }
}
