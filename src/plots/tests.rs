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
    assert!(t.contains(&"equal share".to_string()));

    // Time series: every flow in the throughput, cwnd and RTT panels and the legend; the
    // cubic flows (0 and 1) also in the w_max panel; the queue as one ink line over all
    // 300 samples.
    let svg = check_svg(&plots.join("timeseries-p5-s2.svg"));
    for (i, c) in PALETTE_HEX.iter().enumerate() {
        let long = polylines(&svg, c).into_iter().filter(|n| *n > 2).count();
        assert_eq!(long, if i < 2 { 4 } else { 3 }, "flow {i}");
        assert_eq!(polylines(&svg, c).len(), long + 1, "flow {i}: legend sample");
    }
    assert_eq!(polylines(&svg, "#222222").iter().filter(|n| **n == 300).count(), 1, "queue");
    let t = texts(&svg);
    for label in [
        "throughput (Mbit/s)",
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
fn many_flows_are_coloured_by_algorithm() {
    // 9 CUBIC and 2 Reno flows: more than the 8 colours, so one colour per algorithm.
    let dir = tmp("many");
    fixture::write(&dir, &fixture::POINT.replace("count: 2, stagger: 0.5s", "count: 9, stagger: 0.1s"));
    let spec = PlotsSpec { kinds: Some(vec![PlotKind::Timeseries]), ..Default::default() };
    plot_results(&dir, Some(&spec)).unwrap();
    let svg = read(&dir.join("plots/timeseries-p0-s1.svg"));
    let t = texts(&svg);
    assert!(t.contains(&"cubic (9 flows)".to_string()) && t.contains(&"reno (2 flows)".to_string()), "{t:?}");
    assert!(!t.iter().any(|l| l.starts_with("flow 0")), "{t:?}");
    // Throughput, cwnd and RTT panels of each flow, and one legend sample per algorithm.
    assert_eq!(polylines(&svg, BLUE).len(), 9 * 3 + 1);
    assert_eq!(polylines(&svg, VERMILLION).len(), 2 * 3 + 1);
    assert!(polylines(&svg, PALETTE_HEX[2]).is_empty());
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
