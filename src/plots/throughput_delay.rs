//! The throughput-delay plane as Pantheon draws it (Yan et al., USENIX ATC 2018, Fig. 2):
//! queueing delay on a reversed x axis so that better is up and to the right, goodput on
//! y; each run a small marker, each series its mean as a large marker and its spread over
//! seeds as the one-standard-deviation ellipse of the runs.

use super::axis::{Axis, pad_range};
use super::chart::{self, Entry, Figure, Glyph};
use super::style::{self, Style};
use super::{Ctx, Outcome, facets, series_label, values_in_order};
use crate::spec::Metric;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Points on the ellipse outline.
const ELLIPSE_STEPS: usize = 72;

pub(super) struct Cloud {
    pub index: usize,
    /// (delay ms, goodput Mbit/s) per successful run.
    pub runs: Vec<(f64, f64)>,
    pub mean: (f64, f64),
    /// Outline of the 1-sigma ellipse; empty with fewer than two runs.
    ellipse: Vec<(f64, f64)>,
}

pub(super) struct PlaneFigure {
    title: Vec<String>,
    legend: Vec<Entry>,
    x: Axis,
    y: Axis,
    pub clouds: Vec<Cloud>,
}

pub(super) fn plot(ctx: &Ctx) -> Result<Outcome, String> {
    let res = ctx.res;
    let series = ctx.series_or_first();
    let mut files = Vec::new();
    for facet in facets(res, &series.into_iter().collect::<Vec<_>>()) {
        let Some(fig) = build(ctx, series, &facet.points, &facet.title) else { continue };
        files.extend(chart::render(
            &fig,
            ctx.out,
            &format!("throughput_delay{}", facet.suffix),
            &ctx.formats,
        )?);
    }
    Ok(if files.is_empty() { Outcome::Nothing("no successful run".into()) } else { Outcome::Written(files) })
}

/// The 1-sigma ellipse of the sample covariance of `pts`: the image of the unit circle
/// under Sigma^(1/2). For Sigma = [[a, b], [b, c]] the eigenvalues are
/// (a + c)/2 +- sqrt(((a - c)/2)^2 + b^2) and the major axis is at theta = atan2(2b, a - c)/2.
pub(super) fn ellipse(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let n = pts.len();
    if n < 2 {
        return Vec::new();
    }
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let d = (n - 1) as f64;
    let a = pts.iter().map(|p| (p.0 - mx).powi(2)).sum::<f64>() / d;
    let c = pts.iter().map(|p| (p.1 - my).powi(2)).sum::<f64>() / d;
    let b = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / d;
    let r = (((a - c) / 2.0).powi(2) + b * b).sqrt();
    let (l1, l2) = (((a + c) / 2.0 + r).max(0.0), ((a + c) / 2.0 - r).max(0.0));
    let theta = 0.5 * (2.0 * b).atan2(a - c);
    let (ct, s) = (theta.cos(), theta.sin());
    (0..=ELLIPSE_STEPS)
        .map(|k| {
            let phi = k as f64 / ELLIPSE_STEPS as f64 * std::f64::consts::TAU;
            let (u, v) = (l1.sqrt() * phi.cos(), l2.sqrt() * phi.sin());
            (mx + u * ct - v * s, my + u * s + v * ct)
        })
        .collect()
}

pub(super) fn build(ctx: &Ctx, series: Option<usize>, points: &[usize], facet: &str) -> Option<PlaneFigure> {
    let res = ctx.res;
    let delay = ctx.spec.delay.metric();
    let groups: Vec<(String, Vec<usize>)> = match series {
        Some(s) => values_in_order(res, s, points)
            .into_iter()
            .map(|v| {
                let pts = points.iter().copied().filter(|&p| res.label(p, s) == v).collect();
                (series_label(&res.swept[s], &v), pts)
            })
            .collect(),
        None => {
            // One point without a sweep: name it by the algorithms that ran.
            let mut algs: Vec<&str> = Vec::new();
            for f in res.flows.iter().filter(|f| points.contains(&f.point)) {
                if !algs.contains(&f.algorithm.as_str()) {
                    algs.push(&f.algorithm);
                }
            }
            let name = if algs.is_empty() { res.name.clone() } else { algs.join(" + ") };
            vec![(name, points.to_vec())]
        }
    };
    let mut clouds = Vec::new();
    let mut legend = Vec::new();
    let mut max_seeds = 0;
    for (i, (label, pts)) in groups.iter().enumerate() {
        let runs: Vec<(f64, f64)> = res
            .ok_runs(pts)
            .map(|r| (r.metric(delay), r.metric(Metric::GoodputMbps)))
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .collect();
        if runs.is_empty() {
            continue;
        }
        max_seeds = max_seeds.max(runs.len());
        let n = runs.len() as f64;
        let mean = (runs.iter().map(|p| p.0).sum::<f64>() / n, runs.iter().map(|p| p.1).sum::<f64>() / n);
        legend.push(Entry {
            label: label.clone(),
            color: style::color(i),
            glyph: Glyph::Marker(style::shape(i)),
        });
        clouds.push(Cloud { index: i, ellipse: ellipse(&runs), runs, mean });
    }
    if clouds.is_empty() {
        return None;
    }
    let all = clouds.iter().flat_map(|c| c.runs.iter().chain(&c.ellipse));
    let (x0, x1, y0, y1) = all
        .fold((f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY), |b, p| {
            (b.0.min(p.0), b.1.max(p.0), b.2.min(p.1), b.3.max(p.1))
        });
    let (x0, x1) = pad_range(x0.max(0.0), x1, 0.08, true);
    let (y0, y1) = pad_range(y0.max(0.0), y1, 0.08, true);
    let runs_phrase = if max_seeds == 1 { "1 run".to_string() } else { format!("up to {max_seeds} runs") };
    Some(PlaneFigure {
        title: vec![facet.to_string(), format!("mean and 1σ ellipse over {runs_phrase} per series")],
        legend,
        x: Axis::reversed(delay.title(), x0, x1, 7),
        y: Axis::linear(Metric::GoodputMbps.title(), y0, y1, 6),
        clouds,
    })
}

impl Figure for PlaneFigure {
    fn size(&self) -> (u32, u32) {
        chart::single_size(&self.legend)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, st: &Style) -> Result<(), String> {
        let (area, frame) = chart::single_frame(root, st, &self.title, &self.legend, &self.y)?;
        let c = chart::chart(&area, st, &self.x, &self.y, &frame)?;
        let to = |p: &(f64, f64)| (self.x.to(p.0), self.y.to(p.1));
        for cl in &self.clouds {
            let color = style::color(cl.index);
            let outline: Vec<(f64, f64)> = cl.ellipse.iter().map(to).collect();
            chart::line(&c, st, &outline, st.thin(color))?;
            for p in &cl.runs {
                let at = c.backend_coord(&to(p));
                style::draw_marker(root, st, style::shape(cl.index), at, 1.8, color, 0.45)?;
            }
        }
        // Means last, so that no run marker or ellipse hides them.
        for cl in &self.clouds {
            let at = c.backend_coord(&to(&cl.mean));
            style::draw_marker(root, st, style::shape(cl.index), at, 4.2, style::color(cl.index), 1.0)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ellipse_has_the_sample_standard_deviations_as_semi_axes() {
        // Uncorrelated: x in {-1, 1} twice, y in {-2, 2}: s_x^2 = 4/3, s_y^2 = 16/3, so the
        // semi-axes are sqrt(4/3) = 1.1547 along x and sqrt(16/3) = 2.3094 along y.
        let pts = [(-1.0, -2.0), (1.0, 2.0), (1.0, -2.0), (-1.0, 2.0)];
        let e = ellipse(&pts);
        assert_eq!(e.len(), ELLIPSE_STEPS + 1);
        let max_x = e.iter().map(|p| p.0.abs()).fold(0.0, f64::max);
        let max_y = e.iter().map(|p| p.1.abs()).fold(0.0, f64::max);
        assert!((max_x - 1.1547).abs() < 1e-3, "{max_x}");
        assert!((max_y - 2.3094).abs() < 1e-3, "{max_y}");
        // Perfectly correlated points y = 2x: a degenerate ellipse along that line.
        let e = ellipse(&[(0.0, 0.0), (1.0, 2.0), (2.0, 4.0)]);
        assert!(e.iter().all(|p| (p.1 - 2.0 * p.0).abs() < 1e-9));
        assert!(ellipse(&[(1.0, 1.0)]).is_empty());
    }
}
