//! Axes: where the ticks go and what they say, for linear, logarithmic, reversed and
//! categorical axes; and how swept values written with units become numbers.
//!
//! Every chart is drawn on plain f64 coordinates with explicit key points; a logarithmic
//! axis is drawn in log10 space and a reversed one in negated space, so all figures share
//! one chart type and the tick labels always show the values as the user wrote them.

use crate::spec::Scale;
use cclab_sim::{BufferSize, Duration, Rate};

/// One axis of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub title: String,
    /// The drawn range, in drawing space.
    pub lo: f64,
    pub hi: f64,
    /// Tick positions in drawing space, and their labels.
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    map: Map,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Map {
    Identity,
    Log10,
    Negate,
}

impl Axis {
    /// A linear axis over [lo, hi] with at most `max_ticks` ticks at 1, 2 or 5 times a
    /// power of ten.
    pub fn linear(title: impl Into<String>, lo: f64, hi: f64, max_ticks: usize) -> Axis {
        let (lo, hi) = widen(lo, hi);
        let (ticks, step) = nice_ticks(lo, hi, max_ticks);
        let labels = ticks.iter().map(|&t| format_tick(t, step)).collect();
        Axis { title: title.into(), lo, hi, ticks, labels, map: Map::Identity }
    }

    /// A linear axis with larger values to the left (Pantheon's delay axis: better is
    /// to the right).
    pub fn reversed(title: impl Into<String>, lo: f64, hi: f64, max_ticks: usize) -> Axis {
        let a = Axis::linear(title, lo, hi, max_ticks);
        Axis {
            lo: -a.hi,
            hi: -a.lo,
            ticks: a.ticks.iter().rev().map(|t| -t).collect(),
            labels: a.labels.into_iter().rev().collect(),
            map: Map::Negate,
            title: a.title,
        }
    }

    /// A logarithmic axis over [lo, hi] (both positive), ticked at 1, 2 and 5 times each
    /// power of ten when it spans few decades, at powers of ten otherwise.
    pub fn log(title: impl Into<String>, lo: f64, hi: f64) -> Axis {
        let (llo, lhi) = (lo.log10(), hi.log10());
        let (llo, lhi) = if lhi - llo < 1e-9 { (llo - 0.5, lhi + 0.5) } else { (llo, lhi) };
        let mantissas: &[f64] = if lhi - llo <= 2.5 { &[1.0, 2.0, 5.0] } else { &[1.0] };
        let mut ticks = Vec::new();
        let mut labels = Vec::new();
        for e in (llo.floor() as i32)..=(lhi.ceil() as i32) {
            for m in mantissas {
                let v = m * 10f64.powi(e);
                let lv = v.log10();
                if lv >= llo - 1e-9 && lv <= lhi + 1e-9 {
                    ticks.push(lv);
                    labels.push(format_tick(v, 10f64.powi(e)));
                }
            }
        }
        Axis { title: title.into(), lo: llo, hi: lhi, ticks, labels, map: Map::Log10 }
    }

    /// Categories at 0, 1, 2, ... in the given order, with half a slot of room each side.
    pub fn categories(title: impl Into<String>, names: &[String]) -> Axis {
        let n = names.len().max(1) as f64;
        Axis {
            title: title.into(),
            lo: -0.5,
            hi: n - 0.5,
            ticks: (0..names.len()).map(|i| i as f64).collect(),
            labels: names.to_vec(),
            map: Map::Identity,
        }
    }

    /// A value in drawing space.
    pub fn to(&self, v: f64) -> f64 {
        match self.map {
            Map::Identity => v,
            Map::Log10 => v.log10(),
            Map::Negate => -v,
        }
    }

    /// The label of the tick at drawing-space position `v` (the chart asks only for the
    /// positions it was given).
    pub fn label_at(&self, v: f64) -> String {
        let tol = (self.hi - self.lo).abs() * 1e-9;
        self.ticks
            .iter()
            .position(|t| (t - v).abs() <= tol)
            .map(|i| self.labels[i].clone())
            .unwrap_or_default()
    }
}

/// A range that a chart can draw: never empty, never inverted.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    if hi - lo > 1e-12 * hi.abs().max(lo.abs()).max(1e-300) {
        return (lo, hi);
    }
    // A constant series: centre it in a range one unit (or 10% of it) wide.
    let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
    (lo - pad, hi + pad)
}

/// Ticks covering [lo, hi] at a step of 1, 2 or 5 times a power of ten, the smallest such
/// step that gives at most `max` ticks. Returns the ticks and the step.
pub fn nice_ticks(lo: f64, hi: f64, max: usize) -> (Vec<f64>, f64) {
    let max = max.max(2);
    let raw = (hi - lo) / (max - 1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(mag * 10.0);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let ticks = (first..=last).map(|k| k as f64 * step).map(|t| if t == 0.0 { 0.0 } else { t }).collect();
    (ticks, step)
}

/// A tick label with just the decimals its step needs ("0.25" only where the step is 0.05).
pub fn format_tick(v: f64, step: f64) -> String {
    let decimals = (-(step.abs().log10()).floor()).max(0.0) as usize;
    let s = format!("{:.*}", decimals.min(12), v);
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') { s[1..].to_string() } else { s }
}

/// Room around data so that markers and error bars do not touch the frame: `frac` of the
/// span each side; a range that starts near zero for a non-negative quantity starts at
/// zero, so bar heights and rates are read against zero.
pub fn pad_range(lo: f64, hi: f64, frac: f64, non_negative: bool) -> (f64, f64) {
    let (lo, hi) = widen(lo, hi);
    let span = hi - lo;
    let (mut a, b) = (lo - frac * span, hi + frac * span);
    if non_negative && (a < 0.0 || lo <= 0.5 * hi) {
        a = 0.0;
    }
    (a, b)
}

/// Swept values as numbers on a common unit, for a numeric axis, or `None` when they are
/// names or mix kinds of units (then the axis is categorical).
#[derive(Debug, Clone, PartialEq)]
pub struct Numeric {
    pub values: Vec<f64>,
    /// The unit for the axis title ("ms", "Mbit/s", "× BDP"), empty for plain numbers.
    pub unit: &'static str,
}

/// Reads labels such as "20ms", "10Mbps", "0.5bdp", "100pkt", "64KB" or "0.7" on one unit.
pub fn numeric(labels: &[String]) -> Option<Numeric> {
    let all = |f: &dyn Fn(&str) -> Option<f64>| labels.iter().map(|l| f(l)).collect::<Option<Vec<f64>>>();
    if labels.is_empty() {
        return None;
    }
    if let Some(values) = all(&|s| s.trim().parse::<f64>().ok().filter(|v| v.is_finite())) {
        return Some(Numeric { values, unit: "" });
    }
    if let Some(values) = all(&|s| s.parse::<Duration>().ok().map(|d| d.as_millis_f64())) {
        return Some(Numeric { values, unit: "ms" });
    }
    if let Some(values) = all(&|s| s.parse::<Rate>().ok().map(|r| r.as_mbps_f64())) {
        return Some(Numeric { values, unit: "Mbit/s" });
    }
    let buffers: Option<Vec<BufferSize>> = labels.iter().map(|s| s.parse().ok()).collect();
    let buffers = buffers?;
    let kind = |b: &BufferSize| std::mem::discriminant(b);
    if buffers.iter().any(|b| kind(b) != kind(&buffers[0])) {
        return None;
    }
    Some(match buffers[0] {
        BufferSize::Bdp(_) => Numeric {
            values: buffers.iter().map(|b| if let BufferSize::Bdp(k) = b { *k } else { 0.0 }).collect(),
            unit: "× BDP",
        },
        BufferSize::Packets(_) => Numeric {
            values: buffers
                .iter()
                .map(|b| if let BufferSize::Packets(n) = b { *n as f64 } else { 0.0 })
                .collect(),
            unit: "packets",
        },
        BufferSize::Bytes(_) => Numeric {
            values: buffers
                .iter()
                .map(|b| if let BufferSize::Bytes(x) = b { x.as_f64() / 1000.0 } else { 0.0 })
                .collect(),
            unit: "KB",
        },
    })
}

/// Whether `scale` asks for a logarithmic axis over `values`: `auto` does when all are
/// positive and span at least a factor of 20.
pub fn wants_log(scale: Scale, values: &[f64]) -> bool {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    match scale {
        Scale::Linear => false,
        Scale::Log => lo > 0.0,
        Scale::Auto => lo > 0.0 && hi / lo >= 20.0,
    }
}

/// A readable name for a swept path: "buffer" for link.buffer, "base RTT" for
/// flows[0].rtt; other paths as written.
pub fn param_title(path: &str) -> String {
    let group = path.strip_prefix("flows[").and_then(|r| r.split(']').next());
    let last = path.rsplit('.').next().unwrap_or(path);
    let name = match (path, last) {
        ("link.buffer", _) => "buffer",
        ("link.rate", _) => "bottleneck rate",
        ("link.loss", _) => "loss probability",
        ("duration", _) => "duration",
        (_, "rtt") if group.is_some() => "base RTT",
        (_, "count") if group.is_some() => "flows",
        (_, "algorithm") if group.is_some() => "algorithm",
        (_, "size") if group.is_some() => "flow size",
        _ => return path.to_string(),
    };
    match group {
        Some(g) if g != "0" => format!("{name} of flows[{g}]"),
        _ => name.to_string(),
    }
}

/// An axis title: the parameter's name and the unit.
pub fn with_unit(title: &str, unit: &str) -> String {
    if unit.is_empty() { title.to_string() } else { format!("{title} ({unit})") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_use_one_two_five_steps_within_the_range() {
        // [0, 9.3] in at most 6 ticks: raw step 9.3 / 5 = 1.86 -> 2: 0, 2, 4, 6, 8.
        let (t, step) = nice_ticks(0.0, 9.3, 6);
        assert_eq!((t, step), (vec![0.0, 2.0, 4.0, 6.0, 8.0], 2.0));
        // [0.91, 1.0] in at most 5: raw 0.0225 -> 0.05: 0.95, 1.00.
        let a = Axis::linear("j", 0.91, 1.0, 5);
        assert_eq!(a.labels, vec!["0.95", "1.00"]);
        assert_eq!(a.label_at(a.ticks[0]), "0.95");
        assert_eq!(a.label_at(0.93), "", "only the given ticks have labels");
    }

    #[test]
    fn a_constant_series_still_gets_a_range() {
        let a = Axis::linear("x", 5.0, 5.0, 5);
        assert!((a.lo, a.hi) == (4.5, 5.5), "{a:?}");
        let a = Axis::linear("x", 0.0, 0.0, 5);
        assert_eq!((a.lo, a.hi), (-1.0, 1.0));
    }

    #[test]
    fn reversed_axes_run_from_high_to_low() {
        let a = Axis::reversed("delay", 0.0, 40.0, 5);
        // Drawing space is negated: 40 ms at the left (-40), 0 at the right.
        assert_eq!((a.lo, a.hi), (-40.0, 0.0));
        assert_eq!(a.to(30.0), -30.0);
        assert_eq!(a.label_at(-30.0), "30");
        assert_eq!(a.labels.first().map(String::as_str), Some("40"));
    }

    #[test]
    fn log_axes_tick_decades_and_their_halves() {
        // 0.25 .. 4 spans 1.2 decades: ticks at 0.5, 1, 2 (0.2 and 5 are outside).
        let a = Axis::log("buffer", 0.25, 4.0);
        assert_eq!(a.labels, vec!["0.5", "1", "2"]);
        assert!((a.to(4.0) - 0.60206).abs() < 1e-5);
        // 1 .. 1e4 spans 4 decades: powers of ten only.
        assert_eq!(Axis::log("x", 1.0, 1e4).labels, vec!["1", "10", "100", "1000", "10000"]);
    }

    #[test]
    fn swept_labels_become_numbers_on_one_unit() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(numeric(&l(&["10ms", "1s"])).unwrap(), Numeric { values: vec![10.0, 1000.0], unit: "ms" });
        assert_eq!(numeric(&l(&["500Kbps", "10Mbps"])).unwrap().values, vec![0.5, 10.0]);
        assert_eq!(numeric(&l(&["0.25bdp", "4bdp"])).unwrap().unit, "× BDP");
        assert_eq!(numeric(&l(&["1500B", "64KB"])).unwrap().values, vec![1.5, 64.0]);
        assert_eq!(numeric(&l(&["0.5", "0.7"])).unwrap().unit, "");
        assert_eq!(numeric(&l(&["1bdp", "100pkt"])), None, "mixed buffer units are categories");
        assert_eq!(numeric(&l(&["reno", "cubic"])), None);
    }

    #[test]
    fn auto_scale_goes_logarithmic_for_wide_positive_ranges() {
        assert!(wants_log(Scale::Auto, &[0.25, 1.0, 16.0]));
        assert!(!wants_log(Scale::Auto, &[1.0, 2.0, 4.0]));
        assert!(!wants_log(Scale::Auto, &[0.0, 100.0]), "zero has no logarithm");
        assert!(!wants_log(Scale::Log, &[0.0, 100.0]));
        assert!(!wants_log(Scale::Linear, &[0.25, 16.0]));
    }

    #[test]
    fn parameters_get_readable_titles() {
        assert_eq!(param_title("link.buffer"), "buffer");
        assert_eq!(param_title("flows[0].rtt"), "base RTT");
        assert_eq!(param_title("flows[1].rtt"), "base RTT of flows[1]");
        assert_eq!(param_title("flows[0].params.beta"), "flows[0].params.beta");
        assert_eq!(with_unit("buffer", "× BDP"), "buffer (× BDP)");
    }

    #[test]
    fn non_negative_ranges_start_at_zero_unless_far_from_it() {
        assert_eq!(pad_range(2.0, 10.0, 0.05, true), (0.0, 10.4));
        // 0.9..1.0 is far from zero relative to its size: zoomed, not squashed.
        let (a, b) = pad_range(0.9, 1.0, 0.05, true);
        assert!((a - 0.895).abs() < 1e-12 && (b - 1.005).abs() < 1e-12, "{a} {b}");
    }
}
