//! Layout shared by every figure: a title line, a legend above the chart (outside the
//! data, where it can never hide a point), and a chart frame with a light grid; and the
//! rendering of one figure to SVG and PNG.

use super::axis::Axis;
use super::draw_error;
use super::raster::{self, Mask};
use super::style::{self, GRID, INK, Pen, Shape, Style};
use crate::spec::Format;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

/// A chart on f64 coordinates with explicit ticks (see `axis`).
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

/// A linear f64 coordinate whose grid lines and labels sit exactly at the given ticks.
#[derive(Debug, Clone)]
pub struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ticked {
    fn of(a: &Axis) -> Ticked {
        Ticked { lo: a.lo, hi: a.hi, ticks: a.ticks.clone() }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let size = (limit.1 - limit.0) as f64;
        limit.0 + ((v - self.lo) / (self.hi - self.lo) * size).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        // Bold points only: the grid has no minor lines.
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.clone() }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// A figure: its size at scale 1 and how to draw it at any scale.
pub trait Figure {
    /// (width, height) in units; the SVG and PNG multiply them by their scale.
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, st: &Style) -> Result<(), String>;
}

/// Writes `fig` as DIR/STEM.svg and DIR/STEM.png (as `formats` asks); returns the files.
pub fn render<F: Figure>(
    fig: &F,
    dir: &Path,
    stem: &str,
    formats: &[Format],
) -> Result<Vec<PathBuf>, String> {
    let (w, h) = fig.size();
    let dims = |s: f64| ((w as f64 * s).round() as u32, (h as f64 * s).round() as u32);
    let mut out = Vec::new();
    for f in formats {
        match f {
            Format::Svg => {
                let path = dir.join(format!("{stem}.svg"));
                {
                    let root = SVGBackend::new(&path, dims(style::SVG_SCALE)).into_drawing_area();
                    root.fill(&WHITE).map_err(draw_error)?;
                    fig.draw(&root, &Style { scale: style::SVG_SCALE, raster: false })?;
                    root.present().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                }
                out.push(path);
            }
            Format::Png => {
                let path = dir.join(format!("{stem}.png"));
                {
                    let root = BitMapBackend::new(&path, dims(style::PNG_SCALE)).into_drawing_area();
                    root.fill(&WHITE).map_err(draw_error)?;
                    fig.draw(&root, &Style { scale: style::PNG_SCALE, raster: true })?;
                    root.present().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                }
                out.push(path);
            }
        }
    }
    Ok(out)
}

/// Draws `lines` of centred text at the top of `area`; returns the area below it.
pub fn title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    lines: &[String],
) -> Result<DrawingArea<DB, Shift>, String> {
    let lines: Vec<&String> = lines.iter().filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return Ok(area.clone());
    }
    let font = st.label_font();
    let line_h = st.px(13.0);
    let (w, _) = area.dim_in_pixel();
    for (i, l) in lines.iter().enumerate() {
        let y = st.px(4.0) + line_h * i as i32;
        area.draw(&Text::new(l.to_string(), (w as i32 / 2, y), font.pos(Pos::new(HPos::Center, VPos::Top))))
            .map_err(draw_error)?;
    }
    let used = st.px(4.0) + line_h * lines.len() as i32;
    Ok(area.split_vertically(used).1)
}

/// What a legend entry shows next to its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Glyph {
    Line,
    /// A line drawn with this pen (the thin, translucent lines of many flows).
    Pen(Pen),
    Marker(Shape),
    LineMarker(Shape),
    Bar,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub label: String,
    pub color: RGBColor,
    pub glyph: Glyph,
}

/// Where a legend's entries go.
struct LegendLayout {
    /// The left end and vertical centre of each entry, pixels.
    at: Vec<(i32, i32)>,
    /// Pixels.
    height: i32,
    rows: u32,
}

/// Legend entries wrapped into rows that fit `width` pixels.
fn legend_layout(width: u32, st: &Style, entries: &[Entry]) -> Result<LegendLayout, String> {
    let font = st.label_font();
    let (left, sample, gap, spacing, row_h) = (st.px(8.0), st.px(16.0), st.px(4.0), st.px(11.0), st.px(13.0));
    let mut at = Vec::with_capacity(entries.len());
    let (mut x, mut row) = (left, 0);
    for e in entries {
        // The font's own measure, as the backends' estimate_text_size uses it.
        let (tw, _) = font.font.box_size(&e.label).map_err(draw_error)?;
        let w = sample + gap + tw as i32;
        if x > left && x + w > width as i32 - left {
            row += 1;
            x = left;
        }
        at.push((x, st.px(2.0) + row * row_h + row_h / 2));
        x += w + spacing;
    }
    let height = if entries.is_empty() { 0 } else { st.px(4.0) + (row + 1) * row_h };
    Ok(LegendLayout { at, height, rows: if entries.is_empty() { 0 } else { row as u32 + 1 } })
}

/// The rows a legend of `entries` takes across a figure `WIDTH` units wide, so that a
/// figure can make room for it (measured at the PNG's scale; text scales with it).
pub fn legend_rows(entries: &[Entry]) -> u32 {
    let st = Style { scale: style::PNG_SCALE, raster: true };
    let width = (style::WIDTH as f64 * st.scale).round() as u32;
    // The bundled font is registered before any figure is built; without it, estimate
    // three entries a row.
    legend_layout(width, &st, entries).map_or(entries.len().div_ceil(3) as u32, |l| l.rows)
}

/// Draws the legend at the top of `area`, entries left to right and wrapped into rows;
/// returns the area below it.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    entries: &[Entry],
) -> Result<DrawingArea<DB, Shift>, String> {
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let LegendLayout { at, height, .. } = legend_layout(area.dim_in_pixel().0, st, entries)?;
    let font = st.label_font().pos(Pos::new(HPos::Left, VPos::Center));
    let sample = st.px(16.0);
    for (e, &(x, y)) in entries.iter().zip(&at) {
        let mid = (x + sample / 2, y);
        match e.glyph {
            Glyph::Line | Glyph::LineMarker(_) | Glyph::Pen(_) => {
                let pen = if let Glyph::Pen(p) = e.glyph { p } else { st.line(e.color) };
                let (x, y) = (x as f64, y as f64);
                stroke_px(area, st, &[vec![(x, y), (x + sample as f64, y)]], pen)?;
            }
            Glyph::Bar => {
                let h = st.px(4.0);
                area.draw(&Rectangle::new(
                    [(x + st.px(2.0), y - h), (x + sample - st.px(2.0), y + h)],
                    e.color.filled(),
                ))
                .map_err(draw_error)?;
            }
            Glyph::Marker(_) => {}
        }
        if let Glyph::Marker(s) | Glyph::LineMarker(s) = e.glyph {
            style::draw_marker(area, st, s, mid, 3.2, e.color, 1.0)?;
        }
        area.draw(&Text::new(e.label.clone(), (x + sample + st.px(4.0), y), font.clone()))
            .map_err(draw_error)?;
    }
    Ok(area.split_vertically(height).1)
}

/// Width of the y label area that holds `axes`' widest tick label and a rotated title.
pub fn y_area_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    axes: &[&Axis],
) -> Result<u32, String> {
    let font = st.tick_font();
    let mut widest = 0;
    for a in axes {
        for l in &a.labels {
            widest = widest.max(area.estimate_text_size(l, &font).map_err(draw_error)?.0);
        }
    }
    // Labels sit twice the tick length from the axis; a rotated title needs a line more.
    let title = if axes.iter().any(|a| !a.title.is_empty()) { 14.0 } else { 0.0 };
    Ok(widest + st.upx(6.0 + 4.0 + title))
}

/// Options of one chart frame.
pub struct Frame {
    /// Width of the y label area in pixels (shared by stacked panels so they align).
    pub y_area: u32,
    /// Whether the x tick labels and title are drawn (only the bottom panel of a stack).
    pub x_labels: bool,
}

/// The height in units of the x label area (tick labels and the title).
pub const X_AREA: f64 = 30.0;

/// Size of a figure holding one chart under a legend of `legend`.
pub fn single_size(legend: &[Entry]) -> (u32, u32) {
    (style::WIDTH, style::HEIGHT + 13 * legend_rows(legend))
}

/// What every single-chart figure draws first: its title and legend. Returns the area left
/// for the chart and the frame that fits `y`'s tick labels, for [`chart`].
pub fn single_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    title: &[String],
    legend: &[Entry],
    y: &Axis,
) -> Result<(DrawingArea<DB, Shift>, Frame), String> {
    let area = self::title(root, st, title)?;
    let area = self::legend(&area, st, legend)?;
    let y_area = y_area_width(&area, st, &[y])?;
    Ok((area, Frame { y_area, x_labels: true }))
}

/// A chart frame over `x` and `y` with its ticks, labels, titles and a light grid.
pub fn chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    st: &Style,
    x: &Axis,
    y: &Axis,
    frame: &Frame,
) -> Result<Chart<'a, DB>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(st.px(6.0))
        .margin_right(st.px(12.0))
        .margin_bottom(st.px(2.0))
        .x_label_area_size(if frame.x_labels { st.upx(X_AREA) } else { st.upx(4.0) })
        .y_label_area_size(frame.y_area)
        .build_cartesian_2d(Ticked::of(x), Ticked::of(y))
        .map_err(draw_error)?;
    let xf = |v: &f64| if frame.x_labels { x.label_at(*v) } else { String::new() };
    let yf = |v: &f64| y.label_at(*v);
    chart
        .configure_mesh()
        .bold_line_style(GRID.stroke_width(st.upx(0.8)))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(st.upx(0.8)))
        .set_all_tick_mark_size(st.px(3.0))
        .label_style(st.tick_font())
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .draw()
        .map_err(draw_error)?;
    // Axis titles are placed here rather than by plotters, whose rasterised rotated text
    // (ab_glyph) sits a quarter of an em outside its anchor box and would be clipped at
    // the figure's edge.
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let (bx, by) = area.get_base_pixel();
    let (_, h) = area.dim_in_pixel();
    let font = st.label_font();
    if !y.title.is_empty() {
        let at = (st.px(8.0), (yr.start + yr.end) / 2 - by);
        let style = font.transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Center));
        area.draw(&Text::new(y.title.clone(), at, style)).map_err(draw_error)?;
    }
    if frame.x_labels && !x.title.is_empty() {
        let at = ((xr.start + xr.end) / 2 - bx, h as i32 - st.px(6.0));
        area.draw(&Text::new(x.title.clone(), at, font.pos(Pos::new(HPos::Center, VPos::Center))))
            .map_err(draw_error)?;
    }
    Ok(chart)
}

/// A vertical error bar from `lo` to `hi` at `x` (data coordinates) with caps `cap` units
/// wide, drawn as one path: left cap, centre, up, top cap.
pub fn error_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<DB>,
    st: &Style,
    x: f64,
    lo: f64,
    hi: f64,
    color: RGBColor,
) -> Result<(), String> {
    let (bx, by0) = chart.backend_coord(&(x, lo));
    let (_, by1) = chart.backend_coord(&(x, hi));
    let c = st.px(3.0);
    let pts = [(bx - c, by0), (bx + c, by0), (bx, by0), (bx, by1), (bx - c, by1), (bx + c, by1)];
    let pts: Vec<(f64, f64)> = pts.iter().map(|p| (p.0 as f64, p.1 as f64)).collect();
    stroke_px(root, st, &[pts], st.thin(color))
}

/// Polylines in pixels of `area`. The SVG gets polylines (its viewers join and smooth
/// them well); the PNG gets anti-aliased strokes with round joins (`raster`).
pub fn stroke_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    lines: &[Vec<(f64, f64)>],
    pen: Pen,
) -> Result<(), String> {
    let lines: Vec<&Vec<(f64, f64)>> = lines.iter().filter(|l| !l.is_empty()).collect();
    if !st.raster {
        for l in lines {
            let pts: Vec<(i32, i32)> = l.iter().map(|p| (p.0.round() as i32, p.1.round() as i32)).collect();
            area.draw(&PathElement::new(pts, st.stroke(pen))).map_err(draw_error)?;
        }
        return Ok(());
    }
    let width = pen.width * st.scale;
    let Some(mut mask) = Mask::around(lines.iter().flat_map(|l| l.iter().copied()), width / 2.0 + 1.0) else {
        return Ok(());
    };
    for l in lines {
        mask.stroke(l, width);
    }
    raster::paint(area, &mask, pen.color, pen.alpha)
}

/// Filled polygons in pixels of `area`, in `color` at opacity `alpha`.
pub fn fill_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    polys: &[Vec<(f64, f64)>],
    color: RGBColor,
    alpha: f64,
) -> Result<(), String> {
    let polys: Vec<&Vec<(f64, f64)>> = polys.iter().filter(|p| p.len() >= 3).collect();
    if !st.raster {
        for p in polys {
            let pts: Vec<(i32, i32)> = p.iter().map(|p| (p.0.round() as i32, p.1.round() as i32)).collect();
            area.draw(&Polygon::new(pts, color.mix(alpha).filled())).map_err(draw_error)?;
        }
        return Ok(());
    }
    let Some(mut mask) = Mask::around(polys.iter().flat_map(|p| p.iter().copied()), 1.0) else {
        return Ok(());
    };
    for p in polys {
        mask.fill(p);
    }
    raster::paint(area, &mask, color, alpha)
}

/// The map from data coordinates to the pixels of a chart's plotting area, exactly as
/// plotters maps them (lo to the first pixel, hi to the last; y upwards), but without
/// rounding, so that anti-aliased lines keep their sub-pixel positions.
struct PixelMap {
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    /// The last pixel's offset in x and y.
    w: f64,
    h: f64,
}

impl PixelMap {
    fn to(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            (x - self.x.start) / (self.x.end - self.x.start) * self.w,
            (self.y.end - y) / (self.y.end - self.y.start) * self.h,
        )
    }
}

/// The plotting area of `chart` (pixels from its top left corner) and its map.
fn plot_pixels<DB: DrawingBackend>(chart: &Chart<DB>) -> (DrawingArea<DB, Shift>, PixelMap) {
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    let map = PixelMap {
        x: chart.x_range(),
        y: chart.y_range(),
        w: w.saturating_sub(1) as f64,
        h: h.saturating_sub(1) as f64,
    };
    (area, map)
}

/// A data line through `pts` (data coordinates), broken at non-finite values so that gaps
/// in a trace stay gaps, and cut at the edges of the plotting area so that nothing is
/// drawn outside it (a sample beyond the axis range leaves the frame and comes back).
pub fn line<DB: DrawingBackend>(
    chart: &Chart<DB>,
    st: &Style,
    pts: &[(f64, f64)],
    pen: Pen,
) -> Result<(), String> {
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let pieces = clip(pts, (xr.start, yr.start, xr.end, yr.end));
    let (area, to) = plot_pixels(chart);
    let px: Vec<Vec<(f64, f64)>> =
        pieces.into_iter().map(|p| p.into_iter().map(|q| to.to(q)).collect()).collect();
    stroke_px(&area, st, &px, pen)
}

/// The area between the graph `pts` (data coordinates, x increasing, gaps as NaN) and
/// the bottom of the y range, cut at the top of the range, in `color` at opacity `alpha`.
pub fn area<DB: DrawingBackend>(
    chart: &Chart<DB>,
    st: &Style,
    pts: &[(f64, f64)],
    color: RGBColor,
    alpha: f64,
) -> Result<(), String> {
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let (area, to) = plot_pixels(chart);
    let polys: Vec<Vec<(f64, f64)>> = clip_graph(pts, (xr.start, yr.start, xr.end, yr.end))
        .into_iter()
        .map(|mut g| {
            let (first, last) = (g[0].0, g[g.len() - 1].0);
            g.push((last, yr.start));
            g.push((first, yr.start));
            g.into_iter().map(|q| to.to(q)).collect()
        })
        .collect();
    fill_px(&area, st, &polys, color, alpha)
}

/// A rectangle (x0, y0, x1, y1).
pub type Rect = (f64, f64, f64, f64);

/// The part of segment a-b inside `r` as parameters 0 <= t0 <= t1 <= 1 along it
/// (Liang and Barsky, "A New Concept and Method for Line Clipping", ACM TOG 1984: the
/// segment enters and leaves each of the four half-planes at one parameter each).
fn clip_segment(a: (f64, f64), b: (f64, f64), r: Rect) -> Option<(f64, f64)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0 - r.0), (dx, r.2 - a.0), (-dy, a.1 - r.1), (dy, r.3 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

/// The pieces of a polyline (NaN coordinates are gaps) that lie inside `r`, each with at
/// least two points. A piece ends where the line leaves `r` or at a gap.
pub fn clip(pts: &[(f64, f64)], r: Rect) -> Vec<Vec<(f64, f64)>> {
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let at = |a: (f64, f64), b: (f64, f64), t: f64| {
        // The ends themselves when unclipped, so that consecutive segments join exactly.
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
        }
    };
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut piece: Vec<(f64, f64)> = Vec::new();
    // Whether the last segment ended inside `r` (then the next one continues the piece).
    let mut open = false;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let clipped = if finite(&a) && finite(&b) { clip_segment(a, b, r) } else { None };
        match clipped {
            Some((t0, t1)) => {
                if !(open && t0 == 0.0) {
                    if piece.len() >= 2 {
                        out.push(std::mem::take(&mut piece));
                    }
                    piece.clear();
                    piece.push(at(a, b, t0));
                }
                piece.push(at(a, b, t1));
                open = t1 == 1.0;
            }
            None => open = false,
        }
    }
    if piece.len() >= 2 {
        out.push(piece);
    }
    out
}

/// A graph (x increasing, NaN gaps) cut to the x range of `r` and held within its y range:
/// where the graph leaves the range a point is added on the edge and the part beyond runs
/// along it, so that the area under the result is the area under the graph within `r`.
pub fn clip_graph(pts: &[(f64, f64)], r: Rect) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut piece: Vec<(f64, f64)> = Vec::new();
    let clamp = |p: (f64, f64)| (p.0, p.1.clamp(r.1, r.3));
    for (k, &p) in pts.iter().enumerate() {
        if !(p.0.is_finite() && p.1.is_finite()) || p.0 < r.0 || p.0 > r.2 {
            if piece.len() >= 2 {
                out.push(std::mem::take(&mut piece));
            }
            piece.clear();
            continue;
        }
        if let Some(&q) = pts.get(k.wrapping_sub(1)).filter(|_| !piece.is_empty()) {
            // Crossings of the bottom and top edges between the previous point and this
            // one, in the order the step meets them.
            let mut cross: Vec<(f64, (f64, f64))> = [r.1, r.3]
                .into_iter()
                .filter(|edge| (q.1 - edge) * (p.1 - edge) < 0.0)
                .map(|edge| {
                    let t = (edge - q.1) / (p.1 - q.1);
                    (t, (q.0 + t * (p.0 - q.0), edge))
                })
                .collect();
            cross.sort_by(|a, b| a.0.total_cmp(&b.0));
            piece.extend(cross.into_iter().map(|c| c.1));
        }
        piece.push(clamp(p));
    }
    if piece.len() >= 2 {
        out.push(piece);
    }
    out
}

/// Points of a min/max decimation of (x, y) into at most `max` points: each bucket keeps
/// its lowest and highest sample in time order, so spikes (a loss, a queue peak) survive
/// while an SVG stays small.
pub fn decimate(x: &[f64], y: &[f64], max: usize) -> Vec<(f64, f64)> {
    let n = x.len().min(y.len());
    if n <= max || max < 4 {
        return (0..n).map(|i| (x[i], y[i])).collect();
    }
    let buckets = max / 2;
    let mut out = Vec::with_capacity(buckets * 2);
    for b in 0..buckets {
        let (s, e) = (b * n / buckets, (b + 1) * n / buckets);
        let idx: Vec<usize> = (s..e).filter(|&i| y[i].is_finite()).collect();
        if idx.len() < e - s {
            // A bucket with gaps keeps them: emit a NaN so the line breaks there.
            let lo = idx.iter().copied().min_by(|&a, &b| y[a].total_cmp(&y[b]));
            let hi = idx.iter().copied().max_by(|&a, &b| y[a].total_cmp(&y[b]));
            let mut keep: Vec<usize> = lo.into_iter().chain(hi).collect();
            keep.sort_unstable();
            keep.dedup();
            out.extend(keep.iter().map(|&i| (x[i], y[i])));
            out.push((x[e - 1], f64::NAN));
            continue;
        }
        let lo = idx.iter().copied().min_by(|&a, &b| y[a].total_cmp(&y[b])).unwrap_or(s);
        let hi = idx.iter().copied().max_by(|&a, &b| y[a].total_cmp(&y[b])).unwrap_or(s);
        let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        out.push((x[a], y[a]));
        if b != a {
            out.push((x[b], y[b]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimation_keeps_extremes_and_bounds_the_point_count() {
        // 10,000 samples of a sawtooth with one spike of 100 at i = 5,001.
        let x: Vec<f64> = (0..10_000).map(|i| i as f64).collect();
        let mut y: Vec<f64> = (0..10_000).map(|i| (i % 7) as f64).collect();
        y[5001] = 100.0;
        let d = decimate(&x, &y, 1000);
        assert!(d.len() <= 1000, "{}", d.len());
        assert!(d.contains(&(5001.0, 100.0)), "the spike survives");
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0), "time order is kept");
        // Each bucket of 20 samples holds a 0 and a 6.
        assert_eq!(d.iter().filter(|p| p.1 == 0.0).count(), 500);
        // Short series pass through unchanged.
        assert_eq!(decimate(&x[..10], &y[..10], 1000).len(), 10);
    }

    #[test]
    fn lines_are_cut_where_they_leave_the_plotting_area() {
        let r = (0.0, 0.0, 4.0, 1.0);
        // Up through the top edge and back: y = 0.5 + 2.5 t leaves at t = 0.2 (x = 0.4);
        // y = 3 - 2.5 t comes back at t = 0.8 (x = 2 + 0.8 x 2 = 3.6).
        let pieces = clip(&[(0.0, 0.5), (2.0, 3.0), (4.0, 0.5)], r);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        let close = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12;
        assert!(close(pieces[0][0], (0.0, 0.5)) && close(pieces[0][1], (0.4, 1.0)), "{pieces:?}");
        assert!(close(pieces[1][0], (3.6, 1.0)) && close(pieces[1][1], (4.0, 0.5)), "{pieces:?}");
        // A line inside stays one piece with its points unchanged.
        let inside = [(0.0, 0.1), (1.0, 0.9), (2.0, 0.2), (3.0, 0.3)];
        assert_eq!(clip(&inside, r), vec![inside.to_vec()]);
        // A gap splits it; a segment wholly outside vanishes.
        let gap = [(0.0, 0.1), (1.0, 0.9), (f64::NAN, f64::NAN), (2.0, 0.2), (3.0, 0.3)];
        assert_eq!(clip(&gap, r).len(), 2);
        assert!(clip(&[(0.0, 2.0), (4.0, 3.0)], r).is_empty());
        // A lone sample between gaps is no line.
        assert!(clip(&[(f64::NAN, 0.0), (1.0, 0.5), (f64::NAN, 0.0)], r).is_empty());
    }

    #[test]
    fn a_graph_above_the_range_runs_along_its_top() {
        // y = 0.5 -> 3 -> 0.5 in [0, 2] x [0, 1]: it meets y = 1 at x = 0.2 and x = 1.8;
        // between them it runs along the top.
        let g = clip_graph(&[(0.0, 0.5), (1.0, 3.0), (2.0, 0.5)], (0.0, 0.0, 2.0, 1.0));
        assert_eq!(g.len(), 1);
        let want = [(0.0, 0.5), (0.2, 1.0), (1.0, 1.0), (1.8, 1.0), (2.0, 0.5)];
        assert_eq!(g[0].len(), want.len(), "{g:?}");
        for (a, b) in g[0].iter().zip(want) {
            assert!((a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12, "{g:?}");
        }
        // A step that crosses the whole range downwards meets the top edge first.
        let g = clip_graph(&[(0.0, 2.0), (1.0, -1.0)], (0.0, 0.0, 1.0, 1.0));
        let ys: Vec<f64> = g[0].iter().map(|p| p.1).collect();
        assert_eq!(ys, vec![1.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn decimation_keeps_gaps_as_gaps() {
        let x: Vec<f64> = (0..100).map(|i| i as f64).collect();
        let y: Vec<f64> = (0..100).map(|i| if (40..60).contains(&i) { f64::NAN } else { 1.0 }).collect();
        let d = decimate(&x, &y, 20);
        assert!(d.iter().any(|p| p.1.is_nan()));
        assert!(d.iter().all(|p| p.1.is_nan() || !(40.0..60.0).contains(&p.0)));
    }
}
