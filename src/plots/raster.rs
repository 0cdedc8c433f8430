//! Anti-aliased lines, polygons and discs for the PNG.
//!
//! plotters' bitmap backend draws a wide line as one polygon whose joins are unlimited
//! mitres: a noisy trace, which turns sharply at almost every sample, becomes a fan of
//! spikes reaching far outside its panel, and its polygons and circles have hard, stepped
//! edges. Here every shape is first rasterised into a coverage mask (the fraction of each
//! pixel it covers) and the mask is then blended once, so a line has round joins and caps,
//! smooth edges, and a semi-transparent line is equally light where its segments meet.
//!
//! Coordinates are backend pixels as plotters uses them: pixel (i, j) is the unit square
//! centred on the point (i, j).

use plotters::coord::Shift;
use plotters::prelude::*;

/// Sub-scanlines per pixel row when filling polygons: coverage is exact along a row and
/// resolved in quarters across rows, which is finer than the eye can tell at 275 dpi.
const SUB_ROWS: usize = 4;

/// The coverage of a rectangle of pixels, each in [0, 1].
#[derive(Debug, Clone)]
pub struct Mask {
    x0: i32,
    y0: i32,
    w: usize,
    h: usize,
    cov: Vec<f32>,
}

impl Mask {
    /// A mask over the pixels that `pts` reach, widened by `margin` pixels each side.
    /// `None` when there are no finite points.
    pub fn around(pts: impl IntoIterator<Item = (f64, f64)>, margin: f64) -> Option<Mask> {
        let (mut x0, mut y0, mut x1, mut y1) =
            (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (x, y) in pts {
            if x.is_finite() && y.is_finite() {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
        if !x0.is_finite() {
            return None;
        }
        let (ax, ay) = ((x0 - margin).floor() as i32, (y0 - margin).floor() as i32);
        let (bx, by) = ((x1 + margin).ceil() as i32, (y1 + margin).ceil() as i32);
        let (w, h) = ((bx - ax + 1) as usize, (by - ay + 1) as usize);
        Some(Mask { x0: ax, y0: ay, w, h, cov: vec![0.0; w * h] })
    }

    /// The pixel index range [lo, hi) of the mask's columns (or rows) whose centres lie
    /// within [a, b].
    fn span(origin: i32, len: usize, a: f64, b: f64) -> (usize, usize) {
        let lo = (a.ceil() as i64 - origin as i64).clamp(0, len as i64) as usize;
        let hi = (b.floor() as i64 - origin as i64 + 1).clamp(0, len as i64) as usize;
        (lo, hi.max(lo))
    }

    fn add_max(&mut self, i: usize, j: usize, c: f64) {
        let v = &mut self.cov[j * self.w + i];
        *v = v.max(c as f32);
    }

    /// A polyline `width` pixels wide with round joins and caps: each pixel is covered by
    /// how far its centre lies inside the union of the segments' capsules, smoothed over
    /// one pixel (coverage = width/2 + 1/2 - distance, clamped to [0, 1]).
    pub fn stroke(&mut self, pts: &[(f64, f64)], width: f64) {
        let r = width / 2.0;
        let segments: Vec<((f64, f64), (f64, f64))> = match pts {
            [] => return,
            [p] => vec![(*p, *p)],
            _ => pts.windows(2).map(|w| (w[0], w[1])).collect(),
        };
        for (a, b) in segments {
            let (ilo, ihi) = Mask::span(self.x0, self.w, a.0.min(b.0) - r - 1.0, a.0.max(b.0) + r + 1.0);
            let (jlo, jhi) = Mask::span(self.y0, self.h, a.1.min(b.1) - r - 1.0, a.1.max(b.1) + r + 1.0);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len2 = dx * dx + dy * dy;
            for j in jlo..jhi {
                let py = (self.y0 + j as i32) as f64;
                for i in ilo..ihi {
                    let px = (self.x0 + i as i32) as f64;
                    // The distance from the pixel centre to the nearest point of the segment.
                    let t = if len2 > 0.0 {
                        (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    let d = (px - a.0 - t * dx).hypot(py - a.1 - t * dy);
                    let c = (r + 0.5 - d).clamp(0.0, 1.0);
                    if c > 0.0 {
                        self.add_max(i, j, c);
                    }
                }
            }
        }
    }

    /// A filled disc of radius `r` pixels.
    pub fn disc(&mut self, c: (f64, f64), r: f64) {
        let (ilo, ihi) = Mask::span(self.x0, self.w, c.0 - r - 1.0, c.0 + r + 1.0);
        let (jlo, jhi) = Mask::span(self.y0, self.h, c.1 - r - 1.0, c.1 + r + 1.0);
        for j in jlo..jhi {
            for i in ilo..ihi {
                let (px, py) = ((self.x0 + i as i32) as f64, (self.y0 + j as i32) as f64);
                let v = (r + 0.5 - (px - c.0).hypot(py - c.1)).clamp(0.0, 1.0);
                if v > 0.0 {
                    self.add_max(i, j, v);
                }
            }
        }
    }

    /// A filled polygon (non-zero winding). Each pixel row is cut by `SUB_ROWS`
    /// sub-scanlines; along each, the covered spans are added exactly, a quarter each.
    pub fn fill(&mut self, poly: &[(f64, f64)]) {
        if poly.len() < 3 {
            return;
        }
        let mut add = vec![0.0f64; self.w];
        let mut crossings: Vec<(f64, i32)> = Vec::new();
        for j in 0..self.h {
            add.iter_mut().for_each(|a| *a = 0.0);
            let row = (self.y0 + j as i32) as f64;
            for k in 0..SUB_ROWS {
                let y = row - 0.5 + (k as f64 + 0.5) / SUB_ROWS as f64;
                crossings.clear();
                for e in 0..poly.len() {
                    let (p, q) = (poly[e], poly[(e + 1) % poly.len()]);
                    if p.1 == q.1 || y < p.1.min(q.1) || y >= p.1.max(q.1) {
                        continue;
                    }
                    let x = p.0 + (y - p.1) * (q.0 - p.0) / (q.1 - p.1);
                    crossings.push((x, if q.1 > p.1 { 1 } else { -1 }));
                }
                crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
                // Spans run from where the winding number leaves zero to where it returns.
                let (mut winding, mut start) = (0, 0.0);
                for &(x, dir) in &crossings {
                    if winding == 0 {
                        start = x;
                    }
                    winding += dir;
                    if winding == 0 {
                        self.add_span(&mut add, start, x);
                    }
                }
            }
            for (i, a) in add.iter().enumerate() {
                if *a > 0.0 {
                    self.add_max(i, j, (a / SUB_ROWS as f64).min(1.0));
                }
            }
        }
    }

    /// Adds the overlap of [a, b] with each pixel column to `add`.
    fn add_span(&self, add: &mut [f64], a: f64, b: f64) {
        let (ilo, ihi) = Mask::span(self.x0, self.w, a - 0.5, b + 0.5);
        for (i, v) in add.iter_mut().enumerate().take(ihi).skip(ilo) {
            let c = (self.x0 + i as i32) as f64;
            let overlap = (b.min(c + 0.5) - a.max(c - 0.5)).max(0.0);
            *v += overlap;
        }
    }

    /// The covered pixels and their coverage.
    pub fn pixels(&self) -> impl Iterator<Item = ((i32, i32), f64)> + '_ {
        self.cov
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0.0)
            .map(move |(k, c)| ((self.x0 + (k % self.w) as i32, self.y0 + (k / self.w) as i32), *c as f64))
    }

    /// The coverage of pixel (x, y), 0 outside the mask.
    #[cfg(test)]
    pub fn at(&self, x: i32, y: i32) -> f64 {
        let (i, j) = (x - self.x0, y - self.y0);
        if i < 0 || j < 0 || i as usize >= self.w || j as usize >= self.h {
            return 0.0;
        }
        self.cov[j as usize * self.w + i as usize] as f64
    }
}

/// Blends `color` at `alpha` times each pixel's coverage onto `area` (whose pixel
/// coordinates the mask uses).
pub fn paint<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mask: &Mask,
    color: RGBColor,
    alpha: f64,
) -> Result<(), String> {
    for (at, c) in mask.pixels() {
        area.draw_pixel(at, &color.mix(c * alpha)).map_err(super::draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(x0: f64, y0: f64, x1: f64, y1: f64) -> Mask {
        Mask::around([(x0, y0), (x1, y1)], 0.0).unwrap()
    }

    #[test]
    fn a_stroke_covers_pixels_by_their_distance_from_the_line() {
        // A horizontal line at y = 5.25, 2 px wide: coverage = 1 + 0.5 - |y - 5.25|,
        // clamped: y = 4 -> 0.25, y = 5 -> 1, y = 6 -> 0.75, y = 7 -> 0.
        let mut m = mask(0.0, 0.0, 20.0, 10.0);
        m.stroke(&[(2.0, 5.25), (18.0, 5.25)], 2.0);
        for (y, want) in [(3, 0.0), (4, 0.25), (5, 1.0), (6, 0.75), (7, 0.0)] {
            assert!((m.at(10, y) - want).abs() < 1e-6, "y = {y}: {}", m.at(10, y));
        }
        // Round caps: a line on y = 5 ending at x = 18 still covers (19, 5), 1 px beyond
        // its end, by r + 0.5 - d = 1.5 - 1 = 0.5, and (20, 5) not at all.
        let mut m = mask(0.0, 0.0, 24.0, 10.0);
        m.stroke(&[(2.0, 5.0), (18.0, 5.0)], 2.0);
        assert!((m.at(19, 5) - 0.5).abs() < 1e-6, "{}", m.at(19, 5));
        assert_eq!(m.at(20, 5), 0.0);
    }

    #[test]
    fn a_sharp_turn_has_a_round_join_not_a_spike() {
        // A spike up and straight back down, 4 px wide: plotters' mitre join would
        // reach (2 / sin(angle / 2)) px beyond the apex; a round join reaches r + 0.5.
        let mut m = mask(0.0, 0.0, 40.0, 60.0);
        m.stroke(&[(10.0, 50.0), (12.0, 10.0), (14.0, 50.0)], 4.0);
        let top = m.pixels().map(|((_, y), _)| y).min().unwrap();
        // The apex is at y = 10; r = 2, so coverage ends 2.5 px above it: y = 8 is the
        // topmost pixel with coverage (10 - 8 = 2 < 2.5), y = 7 has none.
        assert_eq!(top, 8);
    }

    #[test]
    fn a_filled_polygon_covers_its_area() {
        // A right triangle with legs 10 and 8 px: area 40 px^2. Its horizontal edges lie
        // on pixel boundaries (y = 2.5 + k), where quarter rows are exact, and the errors of
        // the sloped edge cancel along it: the sum is 40 within 0.1 px^2.
        let mut m = mask(0.0, 0.0, 20.0, 20.0);
        m.fill(&[(2.3, 3.5), (12.3, 3.5), (2.3, 11.5)]);
        let sum: f64 = m.pixels().map(|(_, c)| c).sum();
        assert!((sum - 40.0).abs() < 0.1, "{sum}");
        // A horizontal edge inside a row is resolved in quarters: the top edge at y = 3.1
        // covers row 3 (2.5 to 3.5) by 0.6, drawn as the two sub-rows of four below it
        // (3.125 and 3.375): 0.5, so the sum is 10 x 0.1 = 1 px^2 too large.
        let mut m2 = mask(0.0, 0.0, 20.0, 20.0);
        m2.fill(&[(2.3, 3.1), (12.3, 3.1), (2.3, 11.1)]);
        let sum2: f64 = m2.pixels().map(|(_, c)| c).sum();
        assert!((sum2 - 41.0).abs() < 0.1, "{sum2}");
        // Inside it is solid; outside empty; on the vertical edge x = 2.3 the pixel
        // column 2 (covering 1.5..2.5) is 0.2 covered.
        assert_eq!(m.at(4, 5), 1.0);
        assert_eq!(m.at(15, 15), 0.0);
        assert!((m.at(2, 5) - 0.2).abs() < 1e-6, "{}", m.at(2, 5));
    }

    #[test]
    fn a_disc_has_a_soft_edge_one_pixel_wide() {
        let mut m = mask(0.0, 0.0, 20.0, 20.0);
        m.disc((10.0, 10.0), 3.0);
        assert_eq!(m.at(10, 10), 1.0);
        // Distance 3 from the centre: 3 + 0.5 - 3 = 0.5.
        assert!((m.at(13, 10) - 0.5).abs() < 1e-6);
        assert_eq!(m.at(14, 10), 0.0);
        // The area is pi r^2 = 28.27 px^2, within a few percent.
        let sum: f64 = m.pixels().map(|(_, c)| c).sum();
        assert!((sum - 28.27).abs() < 1.0, "{sum}");
    }
}
