//! The look of every figure: sizes for one column of a two-column paper, a colour-blind-safe
//! palette, marker shapes, and the bundled font.

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::sync::OnceLock;

/// DejaVu Sans (Bitstream Vera licence, assets/fonts/LICENSE-DejaVu.txt), compiled into the
/// binary so that no system font is looked up.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The family name the font is registered under. PNG text is rasterised from the bundled
/// font by this name; SVG files carry it as their `font-family`, where it reads as a CSS
/// list, so a viewer without DejaVu Sans falls back to its own sans-serif.
pub const FAMILY: &str = "DejaVu Sans, sans-serif";

/// Registers the bundled font with plotters (once per process). "sans-serif" is plotters'
/// default family, registered too so that no text can reach for a missing font.
pub fn register_fonts() -> Result<(), String> {
    static OK: OnceLock<bool> = OnceLock::new();
    let ok = *OK.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, FONT).is_ok()
            && register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    if ok { Ok(()) } else { Err("the bundled font could not be loaded".into()) }
}

/// Figure width in points at scale 1: with 320 units across a 3.5-inch (252 pt) column,
/// 10-unit text prints at about 8 pt, the smallest size most venues accept.
pub const WIDTH: u32 = 320;
/// Height of a single-chart figure at scale 1.
pub const HEIGHT: u32 = 220;
/// SVG coordinates are integers in plotters; drawing at twice the size keeps curves smooth.
pub const SVG_SCALE: f64 = 2.0;
/// PNG pixels per unit: 960 pixels across a 3.5-inch column is about 275 dpi.
pub const PNG_SCALE: f64 = 3.0;

/// Okabe & Ito, "Color Universal Design" (2008): eight colours that stay distinct under
/// the common colour-vision deficiencies. Ordered so that the first few, which most
/// figures use, have the strongest contrast on white; yellow, the weakest, comes last.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of series `i`.
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Text, axes and single-series lines (the queue panel).
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Grid lines: visible on screen and in print, never competing with data.
pub const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
/// Reference lines (the equal share in the goodput bars).
pub const REFERENCE: RGBColor = RGBColor(0x77, 0x77, 0x77);

/// Marker shapes, so that series stay apart in greyscale print too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Cross,
}

const SHAPES: [Shape; 6] =
    [Shape::Circle, Shape::Square, Shape::TriangleUp, Shape::Diamond, Shape::TriangleDown, Shape::Cross];

/// The marker of series `i`.
pub fn shape(i: usize) -> Shape {
    SHAPES[i % SHAPES.len()]
}

/// Sizes at one drawing scale, and whether the backend is a bitmap (the SVG and the PNG
/// of a figure differ only in these).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub scale: f64,
    /// Lines, markers and areas are rasterised with anti-aliasing by `raster` rather than
    /// drawn by plotters (see there why).
    pub raster: bool,
}

/// How a line is stroked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pen {
    pub color: RGBColor,
    /// Opacity, 0 to 1.
    pub alpha: f64,
    /// Width in units (the figure's scale turns it into pixels).
    pub width: f64,
}

impl Pen {
    /// The same pen, `alpha` opaque and `width` units wide.
    pub fn faint(self, alpha: f64, width: f64) -> Pen {
        Pen { alpha, width, ..self }
    }
}

impl Style {
    /// `v` units in backend pixels.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    /// `v` units in backend pixels, at least one.
    pub fn upx(&self, v: f64) -> u32 {
        (v * self.scale).round().max(1.0) as u32
    }

    /// Text of `size` units.
    pub fn font(&self, size: f64) -> TextStyle<'static> {
        (FAMILY, size * self.scale).into_font().color(&INK)
    }

    /// Tick labels.
    pub fn tick_font(&self) -> TextStyle<'static> {
        self.font(9.5)
    }

    /// Axis titles, legend entries and figure titles.
    pub fn label_font(&self) -> TextStyle<'static> {
        self.font(10.0)
    }

    /// A data line.
    pub fn line(&self, c: RGBColor) -> Pen {
        Pen { color: c, alpha: 1.0, width: 1.5 }
    }

    /// A thin line (error bars, ellipses, reference lines).
    pub fn thin(&self, c: RGBColor) -> Pen {
        Pen { color: c, alpha: 1.0, width: 1.0 }
    }

    /// The plotters style of `pen` (for the SVG, whose viewers join lines well).
    pub fn stroke(&self, pen: Pen) -> ShapeStyle {
        pen.color.mix(pen.alpha).stroke_width(self.upx(pen.width))
    }

    /// The outline of a marker `r` units in radius centred on the origin, as polygon
    /// vertices in pixels (a circle is drawn as a circle, not from these).
    pub fn marker_points(&self, s: Shape, r: f64) -> Vec<(i32, i32)> {
        self.marker_outline(s, r).into_iter().map(|(x, y)| (x.round() as i32, y.round() as i32)).collect()
    }

    /// `marker_points` before rounding to whole pixels.
    pub fn marker_outline(&self, s: Shape, r: f64) -> Vec<(f64, f64)> {
        let p = |x: f64, y: f64| (x * r * self.scale, y * r * self.scale);
        match s {
            Shape::Circle => Vec::new(),
            // Squares and diamonds look larger than circles of the same radius; shrink
            // them to about the same area (pi r^2 vs 4 a^2: a = 0.89 r).
            Shape::Square => vec![p(-0.85, -0.85), p(0.85, -0.85), p(0.85, 0.85), p(-0.85, 0.85)],
            Shape::Diamond => vec![p(0.0, -1.2), p(1.2, 0.0), p(0.0, 1.2), p(-1.2, 0.0)],
            Shape::TriangleUp => vec![p(0.0, -1.25), p(1.1, 0.75), p(-1.1, 0.75)],
            Shape::TriangleDown => vec![p(0.0, 1.25), p(1.1, -0.75), p(-1.1, -0.75)],
            Shape::Cross => {
                // An X drawn as one twelve-sided polygon, so it fills like the others.
                let (a, b) = (1.0, 0.35);
                vec![
                    p(-a, -a + b),
                    p(-a + b, -a),
                    p(0.0, -b),
                    p(a - b, -a),
                    p(a, -a + b),
                    p(b, 0.0),
                    p(a, a - b),
                    p(a - b, a),
                    p(0.0, b),
                    p(-a + b, a),
                    p(-a, a - b),
                    p(-b, 0.0),
                ]
            }
        }
    }
}

/// Draws a marker `r` units in radius centred at pixel `at` on `area`, filled with `color`
/// at opacity `alpha`.
pub fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    st: &Style,
    s: Shape,
    at: (i32, i32),
    r: f64,
    color: RGBColor,
    alpha: f64,
) -> Result<(), String> {
    if st.raster {
        let c = (at.0 as f64, at.1 as f64);
        let outline: Vec<(f64, f64)> =
            st.marker_outline(s, r).into_iter().map(|(x, y)| (c.0 + x, c.1 + y)).collect();
        let reach = 1.3 * r * st.scale + 2.0;
        let Some(mut mask) =
            super::raster::Mask::around([(c.0 - reach, c.1 - reach), (c.0 + reach, c.1 + reach)], 0.0)
        else {
            return Ok(());
        };
        match s {
            Shape::Circle => mask.disc(c, r * st.scale),
            _ => mask.fill(&outline),
        }
        return super::raster::paint(area, &mask, color, alpha);
    }
    let fill = color.mix(alpha).filled();
    let result = match s {
        Shape::Circle => area.draw(&Circle::new(at, st.upx(r), fill)),
        _ => {
            let pts: Vec<(i32, i32)> =
                st.marker_points(s, r).into_iter().map(|(x, y)| (at.0 + x, at.1 + y)).collect();
            area.draw(&Polygon::new(pts, fill))
        }
    };
    result.map_err(super::draw_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_colours_are_distinct_and_cycle() {
        let distinct: std::collections::HashSet<(u8, u8, u8)> =
            PALETTE.iter().map(|c| (c.0, c.1, c.2)).collect();
        assert_eq!(distinct.len(), PALETTE.len());
        assert_eq!(color(8), color(0));
        assert_eq!(shape(6), shape(0));
    }

    #[test]
    fn sizes_scale_with_the_backend() {
        // 1.5 units at x3 = 4.5 px, rounded half away from zero to 5.
        assert_eq!(Style { scale: 3.0, raster: true }.upx(1.5), 5);
        assert_eq!(Style { scale: 2.0, raster: false }.px(-4.0), -8);
        assert_eq!(Style { scale: 0.1, raster: false }.upx(1.0), 1, "never thinner than one pixel");
    }

    #[test]
    fn the_bundled_font_registers() {
        register_fonts().unwrap();
        register_fonts().unwrap();
    }
}
