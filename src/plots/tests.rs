//! Every kind of figure rendered from real results folders (written by the runner and the
//! store from a stand-in simulator), checked as files: valid, not blank, and holding the
//! series and labels they should.

use super::data::Results;
use super::fixture;
use super::*;
use crate::spec::{Metric, PlotsSpec, RunRef};
use std::collections::{BTreeSet, HashSet};

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("cclab-plots-{name}-{}", std::process::id()))
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The start tags `<tag .../>` of an SVG text.
fn tags<'a>(svg: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag} ");
    svg.match_indices(&open).map(|(i, _)| &svg[i..i + svg[i..].find('>').expect("closed tag")]).collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    Some(&tag[i..i + tag[i..].find('"')?])
}

/// Point counts of the polylines stroked in `color`.
fn polylines(svg: &str, color: &str) -> Vec<usize> {
    tags(svg, "polyline")
        .into_iter()
        .filter(|t| attr(t, "stroke") == Some(color))
        .map(|t| attr(t, "points").unwrap_or("").split_whitespace().count())
        .collect()
}

/// Point counts of the polygons filled with `color`.
fn polygons(svg: &str, color: &str) -> Vec<usize> {
    tags(svg, "polygon")
        .into_iter()
        .filter(|t| attr(t, "fill") == Some(color))
        .map(|t| attr(t, "points").unwrap_or("").split_whitespace().count())
        .collect()
}

/// The points of the polylines stroked in `color`, in pixels.
fn polyline_points(svg: &str, color: &str) -> Vec<Vec<(f64, f64)>> {
    tags(svg, "polyline")
        .into_iter()
        .filter(|t| attr(t, "stroke") == Some(color))
        .map(|t| {
            attr(t, "points")
                .unwrap_or("")
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

/// The plotting areas of the panels of a figure, top to bottom, as (left, top, right,
/// bottom) pixels: each spans the height of its vertical grid lines and the width of its
/// horizontal ones.
fn panel_boxes(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    let grid: Vec<[f64; 4]> = tags(svg, "line")
        .into_iter()
        .filter(|t| attr(t, "stroke") == Some("#E4E4E4"))
        .map(|t| ["x1", "y1", "x2", "y2"].map(|k| attr(t, k).unwrap().parse::<f64>().unwrap()))
        .collect();
    let mut spans: Vec<(f64, f64)> =
        grid.iter().filter(|g| g[0] == g[2]).map(|g| (g[1].min(g[3]), g[1].max(g[3]))).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    spans.dedup();
    spans
        .into_iter()
        .map(|(top, bottom)| {
            let across = grid.iter().filter(|g| g[1] == g[3] && g[1] >= top && g[1] <= bottom);
            let (l, r) =
                across.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, r), g| (l.min(g[0]), r.max(g[2])));
            (l, top, r, bottom)
        })
        .collect()
}

/// How many `tag` elements are filled with `color`.
fn filled(svg: &str, tag: &str, color: &str) -> usize {
    tags(svg, tag).into_iter().filter(|t| attr(t, "fill") == Some(color)).count()
}

/// The text contents, trimmed, with XML's entities read.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .map(|s| {
            s[s.find('>').unwrap() + 1..s.find("</text>").unwrap()]
                .trim()
                .replace("&apos;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// A well-formed SVG document of cclab's size, with every text element closed.
fn check_svg(p: &Path) -> String {
    let svg = read(p);
    assert!(svg.starts_with("<svg width=\"640\""), "{}", p.display());
    assert!(svg.trim_end().ends_with("</svg>"), "{}", p.display());
    assert_eq!(svg.matches("<text ").count(), svg.matches("</text>").count(), "{}", p.display());
    assert!(tags(&svg, "polyline").len() >= 3, "{}: no lines", p.display());
    svg
}

/// A PNG that decodes, is 960 pixels wide, and is not blank: at least 2% of it is not
/// white and it has many distinct colours (anti-aliased text and the palette).
fn check_png(p: &Path) {
    let decoder = png::Decoder::new(fs::File::open(p).unwrap());
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.width, 960, "{}", p.display());
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let px: Vec<[u8; 3]> = buf[..info.buffer_size()].chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
    let colours: HashSet<[u8; 3]> = px.iter().copied().collect();
    let ink = px.iter().filter(|c| **c != [255, 255, 255]).count() as f64 / px.len() as f64;
    assert!(colours.len() > 100, "{}: only {} colours", p.display(), colours.len());
    assert!(ink > 0.02, "{}: {:.1}% drawn", p.display(), 100.0 * ink);
}

fn names(files: &[PathBuf]) -> BTreeSet<String> {
    files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect()
}

fn both(stems: &[&str]) -> BTreeSet<String> {
    stems.iter().flat_map(|s| [format!("{s}.svg"), format!("{s}.png")]).collect()
}

/// summary.csv's value of `column` at `point`.
fn summary(dir: &Path, point: usize, column: &str) -> f64 {
    let text = read(&dir.join("summary.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c = header.iter().position(|h| *h == column).unwrap();
    let row = lines.find(|l| l.starts_with(&format!("{point},"))).unwrap();
    row.split(',').nth(c).unwrap().parse().unwrap()
}

const BLUE: &str = "#0072B2";
const VERMILLION: &str = "#D55E00";
const PALETTE_HEX: [&str; 4] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"];
const ORANGE: &str = "#E69F00";
const BUFFERS: [&str; 4] = ["0.5bdp", "1bdp", "2bdp", "4bdp"];

#[test]
fn every_kind_renders_from_a_sweep_with_its_series_and_labels() {
    let dir = tmp("every");
    fixture::write(&dir, fixture::SWEEP);
    // Points: reno at 0.5, 1, 2, 4 BDP are 0..3, cubic 4..7; point 5 is cubic at 1 BDP.
    let spec = PlotsSpec {
        kinds: Some(PlotKind::ALL.to_vec()),
        x: Some("link.buffer".into()),
        series: Some("flows[0].algorithm".into()),
        metrics: Some(vec![Metric::GoodputMbps, Metric::JainIndex]),
        runs: Some(vec![RunRef { point: 5, seed: 2 }]),
        panels: Some(["throughput", "cwnd", "rtt", "queue", "w_max"].map(String::from).to_vec()),
        ..Default::default()
    };
    let files = plot_results(&dir, Some(&spec)).unwrap();
    let mut stems = vec![
        "timeseries-p5-s2".to_string(),
        "goodput_bars-p5".into(),
        "metric_vs_param-goodput_mbps".into(),
        "metric_vs_param-jain_index".into(),
    ];
    stems.extend(BUFFERS.iter().map(|b| format!("throughput_delay-link.buffer={b}")));
    stems.extend(BUFFERS.iter().map(|b| format!("fct_cdf-link.buffer={b}")));
    assert_eq!(names(&files), both(&stems.iter().map(String::as_str).collect::<Vec<_>>()));
    for f in &files {
        assert!(f.starts_with(dir.join("plots")));
        if f.extension().unwrap() == "png" {
            check_png(f)
        } else {
            check_svg(f);
        }
    }
    let plots = dir.join("plots");

    // Metric vs buffer: per algorithm one line through the 4 buffers, 4 error bars (three
    // seeds that differ give every point an interval), 4 markers and a legend marker.
    let svg = check_svg(&plots.join("metric_vs_param-goodput_mbps.svg"));
    for c in [BLUE, VERMILLION] {
        let lines = polylines(&svg, c);
        assert_eq!(lines.iter().filter(|n| **n == 4).count(), 1, "{c}: {lines:?}");
        assert_eq!(lines.iter().filter(|n| **n == 6).count(), 4, "{c}: error bars");
    }
    assert_eq!(filled(&svg, "circle", BLUE), 5, "reno: circles");
    assert_eq!(filled(&svg, "polygon", VERMILLION), 5, "cubic: squares");
    // The two series are drawn 3.5 units apart (7 px at the SVG's scale of 2) at each
    // buffer, reno to the left, so that their error bars do not hide each other.
    let circles: Vec<f64> = tags(&svg, "circle")
        .into_iter()
        .filter(|t| attr(t, "fill") == Some(BLUE))
        .map(|t| attr(t, "cx").unwrap().parse().unwrap())
        .collect();
    let squares: Vec<f64> = tags(&svg, "polygon")
        .into_iter()
        .filter(|t| attr(t, "fill") == Some(VERMILLION))
        .map(|t| {
            let xs: Vec<f64> = attr(t, "points")
                .unwrap()
                .split_whitespace()
                .map(|p| p.split(',').next().unwrap().parse().unwrap())
                .collect();
            xs.iter().sum::<f64>() / xs.len() as f64
        })
        .collect();
    // The first of each is the legend's marker; then one per buffer.
    for (c, s) in circles[1..].iter().zip(&squares[1..]) {
        assert!((s - c - 7.0).abs() <= 1.0, "{circles:?} {squares:?}");
    }
    let t = texts(&svg);
    for label in
        ["reno", "cubic", "buffer (× BDP)", "goodput (Mbit/s)", "mean ± 95% CI over 3 seeds", "0.5bdp"]
    {
        assert_eq!(t.contains(&label.to_string()), label != "0.5bdp", "{label}: {t:?}");
    }

    // Goodput bars of point 5: two cubic and two reno flows, Jain's index from
    // summary.csv in the title.
    let svg = check_svg(&plots.join("goodput_bars-p5.svg"));
    assert_eq!(filled(&svg, "rect", BLUE), 3, "2 cubic bars + legend");
    assert_eq!(filled(&svg, "rect", VERMILLION), 3, "2 reno bars + legend");
    let jain = format!(
        "Jain's index {:.3} ± {:.3} (3 seeds)",
        summary(&dir, 5, "jain_index_mean"),
        summary(&dir, 5, "jain_index_ci95")
    );
    let t = texts(&svg);
    assert!(t.contains(&jain), "{jain} in {t:?}");
    assert!(t.contains(&"flows[0].algorithm = cubic, link.buffer = 1bdp".to_string()), "{t:?}");
    // The sized flows 2 and 3 completed: the equal share is that of the bulk flows, over
    // which Jain's index is taken too.
    assert!(t.contains(&"equal share of flows 0–1".to_string()), "{t:?}");

    // Time series: every flow in the throughput, cwnd and RTT panels and the legend; the
    // cubic flows (0 and 1) also in the w_max panel; the queue in the fifth colour (the
    // first no flow has) as a line over all 300 samples and the area under it (the line
    // and the two corners on the axis).
    let svg = check_svg(&plots.join("timeseries-p5-s2.svg"));
    for (i, c) in PALETTE_HEX.iter().enumerate() {
        let long = polylines(&svg, c).into_iter().filter(|n| *n > 2).count();
        assert_eq!(long, if i < 2 { 4 } else { 3 }, "flow {i}");
        assert_eq!(polylines(&svg, c).len(), long + 1, "flow {i}: legend sample");
    }
    assert_eq!(polylines(&svg, ORANGE), vec![300], "queue");
    assert_eq!(polygons(&svg, ORANGE), vec![302], "queue area");
    let t = texts(&svg);
    for label in [
        "throughput (Mbit/s), smoothed over 200 ms",
        "cwnd (packets)",
        "RTT (ms)",
        "queue (KB)",
        "w_max",
        "time (s)",
        "flow 0 (cubic)",
        "flow 3 (reno)",
    ] {
        assert!(t.contains(&label.to_string()), "{label}: {t:?}");
    }

    // The plane at 1 BDP: per algorithm three runs, the mean and a legend marker, and one
    // ellipse outline of 73 points.
    let svg = check_svg(&plots.join("throughput_delay-link.buffer=1bdp.svg"));
    assert_eq!(filled(&svg, "circle", BLUE), 5);
    assert_eq!(filled(&svg, "polygon", VERMILLION), 5);
    for c in [BLUE, VERMILLION] {
        assert_eq!(polylines(&svg, c), vec![73], "{c}: one ellipse");
    }
    let t = texts(&svg);
    for label in ["mean queueing delay (ms)", "goodput (Mbit/s)", "link.buffer = 1bdp", "reno", "cubic"] {
        assert!(t.contains(&label.to_string()), "{label}: {t:?}");
    }

    // The CDF at 1 BDP: per algorithm the two sized flows of three seeds, 6 steps of two
    // points each, and a legend sample.
    let svg = check_svg(&plots.join("fct_cdf-link.buffer=1bdp.svg"));
    for c in [BLUE, VERMILLION] {
        assert_eq!(polylines(&svg, c), vec![2, 12], "{c}");
    }
    assert!(texts(&svg).contains(&"empirical CDF over 12 completed flows, all seeds".to_string()));
}

#[test]
fn figures_show_the_numbers_of_the_results_files() {
    let dir = tmp("numbers");
    fixture::write(&dir, fixture::SWEEP);
    let res = Results::load(&dir).unwrap();
    let spec = PlotsSpec::default();
    let out = dir.join("plots");
    let ctx = Ctx { res: &res, spec: &spec, out: &out, formats: vec![] };
    // Metric vs buffer, series reno (points 0..3) and cubic (4..7): each marker is the
    // mean and each bar the CI half-width of summary.csv, to the digits CSV keeps.
    let all: Vec<usize> = (0..8).collect();
    let fig = metric_vs_param::build(&ctx, 1, Some(0), Metric::GoodputMbps, &all, "").unwrap();
    assert_eq!(fig.series.len(), 2);
    for (s, series) in fig.series.iter().enumerate() {
        assert_eq!(series.points.len(), 4);
        for (b, &(x, mean, ci)) in series.points.iter().enumerate() {
            let point = 4 * s + b;
            assert_eq!(x, [0.5, 1.0, 2.0, 4.0][b]);
            assert!((mean - summary(&dir, point, "goodput_mbps_mean")).abs() < 1e-9, "point {point}");
            assert!((ci - summary(&dir, point, "goodput_mbps_ci95")).abs() < 1e-9, "point {point}");
        }
    }
    // Goodput bars of point 5: the equal share is the mean of the bulk flows' mean
    // goodputs over the seeds (flows 0 and 1; flows 2 and 3 completed), as in flows.csv.
    let fig = goodput_bars::build(&ctx, 5).unwrap();
    let mean_of = |flow: usize| {
        let g: Vec<f64> =
            res.flows.iter().filter(|f| f.point == 5 && f.flow == flow).map(|f| f.goodput_mbps).collect();
        assert_eq!(g.len(), 3);
        g.iter().sum::<f64>() / 3.0
    };
    assert!(res.flows.iter().filter(|f| f.point == 5 && f.flow >= 2).all(|f| f.fct_s.is_some()));
    assert!((fig.equal_share - (mean_of(0) + mean_of(1)) / 2.0).abs() < 1e-12, "{}", fig.equal_share);
    // The plane at 2 BDP (points 2 and 6): means of the runs' delay and goodput.
    let fig = throughput_delay::build(&ctx, Some(0), &[2, 6], "").unwrap();
    for (cloud, point) in fig.clouds.iter().zip([2, 6]) {
        assert_eq!(cloud.runs.len(), 3);
        assert!((cloud.mean.0 - summary(&dir, point, "mean_queue_delay_ms_mean")).abs() < 1e-9);
        assert!((cloud.mean.1 - summary(&dir, point, "goodput_mbps_mean")).abs() < 1e-9);
    }
    // The algorithm as x: one line across the categories per buffer (a file each), not a
    // series per algorithm.
    let spec = PlotsSpec {
        kinds: Some(vec![PlotKind::MetricVsParam]),
        x: Some("flows[0].algorithm".into()),
        metrics: Some(vec![Metric::GoodputMbps]),
        ..Default::default()
    };
    let files = plot_results(&dir, Some(&spec)).unwrap();
    let stems: Vec<String> =
        BUFFERS.iter().map(|b| format!("metric_vs_param-goodput_mbps-link.buffer={b}")).collect();
    assert_eq!(names(&files), both(&stems.iter().map(String::as_str).collect::<Vec<_>>()));
    let svg = read(&dir.join("plots/metric_vs_param-goodput_mbps-link.buffer=1bdp.svg"));
    assert_eq!(polylines(&svg, BLUE).iter().filter(|n| **n == 2).count(), 1);
    assert!(polylines(&svg, VERMILLION).is_empty());
    assert!(texts(&svg).contains(&"link.buffer = 1bdp".to_string()));

    // Only the algorithm swept: it becomes the x axis, as categories, with one series.
    let only_alg = fixture::SWEEP.replace("  link.buffer: [0.5bdp, 1bdp, 2bdp, 4bdp]\n", "");
    let dir2 = tmp("numbers-alg");
    fixture::write(&dir2, &only_alg);
    let files = plot_results(&dir2, None).unwrap();
    let svg = read(&dir2.join("plots/metric_vs_param-goodput_mbps.svg"));
    assert!(files.iter().any(|f| f.ends_with("metric_vs_param-goodput_mbps.svg")));
    let t = texts(&svg);
    assert!(
        t.contains(&"reno".to_string())
            && t.contains(&"cubic".to_string())
            && t.contains(&"algorithm".to_string())
    );
    assert_eq!(
        polylines(&svg, BLUE).iter().filter(|n| **n == 2).count(),
        1,
        "one line across the two algorithms"
    );
}

#[test]
fn defaults_follow_the_shape_of_the_experiment() {
    let dir = tmp("point");
    fixture::write(&dir, fixture::POINT);
    let files = plot_results(&dir, None).unwrap();
    assert_eq!(names(&files), both(&["timeseries-p0-s1", "goodput_bars-p0", "fct_cdf"]));
    // Without a sweep the CDF has one curve per algorithm: only the reno flows are sized.
    let svg = read(&dir.join("plots/fct_cdf.svg"));
    assert!(texts(&svg).contains(&"reno".to_string()));
    assert_eq!(polylines(&svg, BLUE), vec![2, 12]);

    let dir = tmp("sweep");
    fixture::write(&dir, fixture::SWEEP);
    let files = plot_results(&dir, None).unwrap();
    let mut stems =
        vec!["metric_vs_param-goodput_mbps".to_string(), "metric_vs_param-mean_queue_delay_ms".into()];
    stems.extend(BUFFERS.iter().map(|b| format!("throughput_delay-link.buffer={b}")));
    stems.extend(BUFFERS.iter().map(|b| format!("fct_cdf-link.buffer={b}")));
    assert_eq!(names(&files), both(&stems.iter().map(String::as_str).collect::<Vec<_>>()));

    // Unsized flows: no CDF; only PNGs when asked.
    let dir = tmp("unsized");
    fixture::write(&dir, &fixture::POINT.replace(", size: 200KB", ""));
    let spec = PlotsSpec { formats: Some(vec![Format::Png]), ..Default::default() };
    let files = plot_results(&dir, Some(&spec)).unwrap();
    assert_eq!(names(&files), ["goodput_bars-p0.png", "timeseries-p0-s1.png"].map(String::from).into());
}

#[test]
fn beyond_eight_flows_the_largest_group_shares_one_faint_colour() {
    // 9 CUBIC flows (group 0) and 2 Reno flows (group 1): more than the 8 colours, so the
    // nine CUBIC flows share blue, in thinner translucent lines, and each Reno flow keeps
    // a colour of its own.
    let dir = tmp("many");
    fixture::write(&dir, &fixture::POINT.replace("count: 2, stagger: 0.5s", "count: 9, stagger: 0.1s"));
    let spec = PlotsSpec { kinds: Some(vec![PlotKind::Timeseries]), ..Default::default() };
    plot_results(&dir, Some(&spec)).unwrap();
    let svg = read(&dir.join("plots/timeseries-p0-s1.svg"));
    let t = texts(&svg);
    for label in ["flows 0–8 (cubic)", "flow 9 (reno)", "flow 10 (reno)"] {
        assert!(t.contains(&label.to_string()), "{label}: {t:?}");
    }
    assert!(!t.iter().any(|l| l.starts_with("flow 0 ")), "{t:?}");
    // Throughput, cwnd, RTT (and nothing else: the queue takes the fourth colour) of each
    // flow, and one legend sample per colour.
    assert_eq!(polylines(&svg, BLUE).len(), 9 * 3 + 1);
    assert_eq!(polylines(&svg, VERMILLION).len(), 3 + 1);
    assert_eq!(polylines(&svg, PALETTE_HEX[2]).len(), 3 + 1);
    assert_eq!(polylines(&svg, PALETTE_HEX[3]).len(), 1, "the queue");
    // Shared lines: 0.9 units wide (2 px in the SVG at scale 2, rounded) at opacity 0.6;
    // lines of their own 1.2 units (2 px) and opaque.
    let blue: Vec<&str> =
        tags(&svg, "polyline").into_iter().filter(|t| attr(t, "stroke") == Some(BLUE)).collect();
    assert!(blue.iter().all(|t| attr(t, "opacity") == Some("0.6") && attr(t, "stroke-width") == Some("2")));
    let own: Vec<&str> =
        tags(&svg, "polyline").into_iter().filter(|t| attr(t, "stroke") == Some(VERMILLION)).collect();
    assert!(own.iter().all(|t| attr(t, "opacity") == Some("1")), "{own:?}");
}

/// Rewrites cells of a trace file: `(row, column, value)`, rows counted from 0 after the
/// header.
fn edit_trace(path: &Path, edits: &[(usize, &str, &str)]) {
    let text = read(path);
    let mut lines: Vec<Vec<String>> =
        text.lines().map(|l| l.split(',').map(String::from).collect()).collect();
    for &(row, col, value) in edits {
        let c = lines[0].iter().position(|h| h == col).unwrap_or_else(|| panic!("no column {col}"));
        lines[row + 1][c] = value.to_string();
    }
    let out: Vec<String> = lines.iter().map(|l| l.join(",")).collect();
    fs::write(path, out.join("\n") + "\n").unwrap();
}

#[test]
fn time_series_lines_stay_in_their_panels_and_gaps_stay_gaps() {
    // The point fixture: CUBIC flows 0 and 1 (bulk, 20 ms) from 0 and 0.5 s; Reno flows 2
    // and 3 (200 KB, 40 ms) from 0.2 and 0.5 s. Into seed 1's trace go a cwnd outlier of
    // 10,000 packets in row 150 of flow 0 and ten empty RTT cells (rows 100..=109), as a
    // trace without RTT samples has.
    let dir = tmp("panels");
    fixture::write(&dir, fixture::POINT);
    let trace = dir.join("traces/0-1.csv");
    let mut edits = vec![(150, "flow0_cwnd_pkts", "10000")];
    edits.extend((100..110).map(|r| (r, "flow0_rtt_ms", "")));
    edit_trace(&trace, &edits);
    let spec = PlotsSpec {
        kinds: Some(vec![PlotKind::Timeseries]),
        formats: Some(vec![Format::Svg]),
        ..Default::default()
    };
    plot_results(&dir, Some(&spec)).unwrap();
    let svg = check_svg(&dir.join("plots/timeseries-p0-s1.svg"));
    let boxes = panel_boxes(&svg);
    assert_eq!(boxes.len(), 4, "throughput, cwnd, RTT, queue: {boxes:?}");
    let inside = |b: &(f64, f64, f64, f64), p: &(f64, f64)| {
        // Coordinates are whole pixels: half a pixel of rounding either way.
        p.0 >= b.0 - 0.5 && p.0 <= b.2 + 0.5 && p.1 >= b.1 - 0.5 && p.1 <= b.3 + 0.5
    };
    // Every data line (more than the two points of a legend sample) lies in one panel.
    for c in PALETTE_HEX.iter().chain([&ORANGE]) {
        for line in polyline_points(&svg, c).into_iter().filter(|l| l.len() > 2) {
            assert!(boxes.iter().any(|b| line.iter().all(|p| inside(b, p))), "{c}: {line:?}");
        }
    }
    // The outlier does not set the cwnd range: no tick label reaches 1000 ...
    let numbers: Vec<f64> = texts(&svg).iter().filter_map(|t| t.parse().ok()).collect();
    assert!(numbers.iter().all(|v| *v < 1000.0), "{numbers:?}");
    // ... and flow 0's cwnd line leaves through the top of the cwnd panel and comes back:
    // two pieces, the first ending and the second starting on the top edge.
    let cwnd = boxes[1];
    let blue: Vec<Vec<(f64, f64)>> = polyline_points(&svg, BLUE)
        .into_iter()
        .filter(|l| l.len() > 2 && l.iter().all(|p| inside(&cwnd, p)))
        .collect();
    assert_eq!(blue.len(), 2, "{blue:?}");
    assert_eq!((blue[0].last().unwrap().1, blue[1][0].1), (cwnd.1, cwnd.1));
    // Flow 0's RTT line breaks at the empty cells: rows 0..=99 and 110..=299, one point
    // per row (300 rows need no decimation).
    let rtt = boxes[2];
    let pieces: Vec<usize> = polyline_points(&svg, BLUE)
        .into_iter()
        .filter(|l| l.len() > 2 && l.iter().all(|p| inside(&rtt, p)))
        .map(|l| l.len())
        .collect();
    assert_eq!(pieces, vec![100, 190]);
    // Flow 2 (vermillion is flow 1; bluish green flow 2) runs from its first packet to its
    // last delivery, read from the trace as a notebook would; nothing before or after.
    let t = super::data::Trace::load(&trace).unwrap();
    let goodput = t.column("flow2_goodput_mbps").unwrap();
    let rate = t.column("flow2_rate_mbps").unwrap();
    let first = (0..goodput.len()).find(|&i| goodput[i] > 0.0 || rate[i] > 0.0).unwrap();
    let last = (0..goodput.len()).rev().find(|&i| goodput[i] > 0.0).unwrap();
    assert!(first >= 20 && last < 299, "a flow of 200 KB from 0.2 s: {first}..={last}");
    let green: Vec<usize> = polyline_points(&svg, PALETTE_HEX[2]).into_iter().map(|l| l.len()).collect();
    // The legend sample (drawn first), then throughput (smoothed: one point per row),
    // cwnd and RTT.
    let n = last - first + 1;
    assert_eq!(green, vec![2, n, n, n]);
    // The throughput header states the window: the larger of 100 ms and 5 x the largest
    // base RTT (40 ms) = 200 ms.
    assert!(texts(&svg).contains(&"throughput (Mbit/s), smoothed over 200 ms".to_string()));
}

#[test]
fn bad_folders_and_bad_choices_are_one_clear_error() {
    let missing = tmp("missing");
    let e = plot_results(&missing, None).unwrap_err();
    assert_eq!(e, format!("{} does not exist or is not a folder", missing.display()));
    let empty = tmp("empty");
    fs::create_dir_all(&empty).unwrap();
    let e = plot_results(&empty, None).unwrap_err();
    assert!(
        e.ends_with(
            "is not a cclab results folder (it needs manifest.json and runs.csv, as `cclab run` writes them)"
        ),
        "{e}"
    );
    assert!(plots_spec_of(&empty).unwrap_err().contains("is not a cclab results folder"));

    let dir = tmp("bad");
    fixture::write(&dir, &fixture::POINT.replace(", size: 200KB", ""));
    let ask = |spec: PlotsSpec| plot_results(&dir, Some(&spec)).unwrap_err();
    assert_eq!(
        ask(PlotsSpec { x: Some("link.buffer".into()), ..Default::default() }),
        "plots.x: 'link.buffer' is not a swept path; nothing is swept"
    );
    assert_eq!(
        ask(PlotsSpec { kinds: Some(vec![PlotKind::FctCdf]), ..Default::default() }),
        "plots.kinds[0]: fct_cdf: nothing to draw: no flow completed (fct_s is empty throughout flows.csv)"
    );
    let e = ask(PlotsSpec { panels: Some(vec!["cwnd".into(), "bwe_mbps".into()]), ..Default::default() });
    assert!(
        e.starts_with(
            "plots.panels[1]: 'bwe_mbps' is not a panel (throughput, cwnd, rtt, queue) nor a column of"
        ),
        "{e}"
    );
    assert!(e.ends_with("(its internal variables are w_max)"), "{e}");
    let e = ask(PlotsSpec { runs: Some(vec![RunRef { point: 0, seed: 7 }]), ..Default::default() });
    assert_eq!(e, "plots.runs[0].seed: seed 7 is not run; the seeds are 1, 2, 3");
}

#[test]
fn the_plots_section_is_read_from_the_stored_spec() {
    let dir = tmp("stored");
    let spec = format!("{}plots:\n  kinds: [goodput_bars]\n  formats: [svg]\n", fixture::POINT);
    fixture::write(&dir, &spec);
    let p = plots_spec_of(&dir).unwrap().unwrap();
    assert_eq!(p.kinds, Some(vec![PlotKind::GoodputBars]));
    assert_eq!(names(&plot_results(&dir, Some(&p)).unwrap()), ["goodput_bars-p0.svg".to_string()].into());
    // A stored spec with a bad plots section (edited by hand) is a located error.
    fs::write(dir.join("spec.yaml"), format!("{}plots:\n  kinds: [bars]\n", fixture::POINT)).unwrap();
    let e = plots_spec_of(&dir).unwrap_err();
    assert!(e.contains("spec.yaml:9:11: plots.kinds[0]: unknown value 'bars'"), "{e}");
}

/// Writes the fixture folders where CCLAB_FIXTURE_DIR says (the notebook's CI input while
/// no simulator exists); otherwise into a temporary folder. Either way they must plot.
#[test]
fn fixture_folders_are_complete_results() {
    let base = std::env::var_os("CCLAB_FIXTURE_DIR").map_or_else(|| tmp("fixture"), PathBuf::from);
    for (name, spec) in [("fixture-point", fixture::POINT), ("fixture-sweep", fixture::SWEEP)] {
        let dir = base.join(name);
        fixture::write(&dir, spec);
        for f in ["spec.yaml", "manifest.json", "runs.csv", "flows.csv", "summary.csv", "traces/0-1.csv"] {
            assert!(dir.join(f).is_file(), "{name}/{f}");
        }
        assert!(!plot_results(&dir, None).unwrap().is_empty());
    }
}

#[test]
fn a_legend_that_wraps_gets_room_above_the_chart() {
    // Only the buffer swept, five values: the CDF's legend reads "link.buffer = 0.25bdp"
    // and so on, two entries a row at this width, so three rows (13 units each, 26 px in
    // the SVG) that must all sit above the plotting area.
    let dir = tmp("legend");
    let spec = fixture::SWEEP
        .replace("  flows[0].algorithm: [reno, cubic]\n", "")
        .replace("[0.5bdp, 1bdp, 2bdp, 4bdp]", "[0.25bdp, 0.5bdp, 1bdp, 2bdp, 4bdp]");
    fixture::write(&dir, &spec);
    let p = PlotsSpec {
        kinds: Some(vec![PlotKind::FctCdf]),
        formats: Some(vec![Format::Svg]),
        ..Default::default()
    };
    plot_results(&dir, Some(&p)).unwrap();
    let svg = read(&dir.join("plots/fct_cdf.svg"));
    let label_y: Vec<f64> = svg
        .split("<text ")
        .skip(1)
        .filter(|t| t.contains("link.buffer = "))
        .map(|t| attr(&format!(" {t}"), "y").unwrap().parse().unwrap())
        .collect();
    assert_eq!(label_y.len(), 5);
    let rows: BTreeSet<i64> = label_y.iter().map(|y| *y as i64).collect();
    assert_eq!(rows.len(), 3, "{label_y:?}");
    // The figure grew by the two extra rows: HEIGHT + 3 x 13 units, x 2 in the SVG.
    assert!(
        svg.starts_with(&format!("<svg width=\"640\" height=\"{}\"", 2 * (220 + 3 * 13))),
        "{}",
        &svg[..60]
    );
    // Every legend row (half a row, 13 px, below its centre) clears the plotting area.
    let top = panel_boxes(&svg)[0].1;
    assert!(label_y.iter().all(|y| y + 13.0 < top), "{label_y:?} vs {top}");
}
