//! Every class of bad input gets one message naming the file, line, column and key.

use super::*;

const GOOD: &str = "\
name: t
duration: 10s
warmup: 1s
seeds: 2
link:
  rate: 10Mbps
  buffer: 1bdp
flows:
  - algorithm: reno
    count: 2
    rtt: 40ms
    stagger: 1s
sweep:
  link.buffer: [0.5bdp, 2bdp]
  flows[0].rtt: [20ms, 40ms, 80ms]
";

fn parse_str(text: &str) -> Result<Experiment, SpecError> {
    parse("spec.yaml", text, Path::new("."), &Registry::with_builtins())
}

fn err(text: &str) -> String {
    parse_str(text).unwrap_err().to_string()
}

#[test]
fn a_good_spec_expands_into_points_and_seeds() {
    let e = parse_str(GOOD).unwrap();
    assert_eq!(e.points.len(), 6);
    assert_eq!(e.seeds, vec![1, 2]);
    assert_eq!(e.runs(), 12);
    assert_eq!(e.swept, vec!["link.buffer", "flows[0].rtt"]);
    let p = &e.points[4];
    assert_eq!(
        p.labels,
        vec![
            ("link.buffer".to_string(), "2bdp".to_string()),
            ("flows[0].rtt".to_string(), "40ms".to_string())
        ]
    );
    assert_eq!(p.scenario.flows.len(), 2);
    assert_eq!(p.scenario.flows[1].start, cclab_sim::Time::from_secs_f64(1.0));
    assert_eq!(p.scenario.flows[0].rtt, Duration::from_millis(40));
    assert_eq!(p.scenario.link.buffer, cclab_sim::BufferSize::Bdp(2.0));
}

#[test]
fn unknown_keys_get_did_you_mean() {
    let e = err(&GOOD.replace("  buffer: 1bdp", "  bufer: 1bdp"));
    assert_eq!(
        e.lines().next().unwrap(),
        "spec.yaml:7:3: link.bufer: unknown key 'bufer'; expected one of: rate, buffer, queue, loss, trace"
    );
    assert!(e.contains("hint: did you mean 'buffer'?"), "{e}");
}

#[test]
fn bad_units_name_the_line_and_key() {
    let e = err(&GOOD.replace("rate: 10Mbps", "rate: 10 Mbsp"));
    assert!(e.starts_with("spec.yaml:6:9: link.rate: '10 Mbsp': unknown rate unit 'Mbsp'"), "{e}");
}

#[test]
fn unknown_algorithms_and_parameters_are_located() {
    let e = err(&GOOD.replace("algorithm: reno", "algorithm: renoo"));
    assert!(e.starts_with("spec.yaml:9:16: flows[0].algorithm: unknown algorithm 'renoo'"), "{e}");
    assert!(e.contains("hint: did you mean 'reno'?"), "{e}");
    let e = err(&GOOD.replace("    count: 2", "    count: 2\n    params: {beta: 0.7}"));
    assert!(e.starts_with("spec.yaml:11:20: flows[0].params.beta: unknown parameter 'beta' for reno"), "{e}");
}

#[test]
fn impossible_values_are_refused() {
    assert!(
        err(&GOOD.replace("warmup: 1s", "warmup: 10s"))
            .starts_with("spec.yaml:3:9: warmup: 10s is not shorter than duration (10s)")
    );
    assert!(
        err(&GOOD.replace("rate: 10Mbps", "rate: 0Mbps"))
            .starts_with("spec.yaml:6:9: link.rate: must be positive")
    );
    assert!(err(&GOOD.replace("rate: 10Mbps", "rate: -5Mbps")).contains("cannot be negative"));
    assert!(err(&GOOD.replace("buffer: 1bdp", "buffer: -1bdp")).starts_with("spec.yaml:7:11: link.buffer:"));
    assert!(
        err(&GOOD.replace("count: 2", "count: 0"))
            .starts_with("spec.yaml:10:12: flows[0].count: must be at least 1")
    );
    let no_flows = "name: t\nduration: 1s\nlink: {rate: 1Mbps, buffer: 0pkt}\nflows: []\n";
    assert!(err(no_flows).contains("flows: there are no flows"), "{}", err(no_flows));
    // A buffer of zero is allowed: only the packet in service.
    assert!(parse_str(&GOOD.replace("buffer: 1bdp", "buffer: 0pkt")).is_ok());
}

#[test]
fn a_missing_trace_file_is_named() {
    let e = err(&GOOD.replace("  rate: 10Mbps", "  trace: nowhere.trace"));
    assert!(e.starts_with("spec.yaml:6:10: link.trace: trace file ./nowhere.trace does not exist"), "{e}");
}

#[test]
fn a_bad_swept_value_points_at_the_sweep_entry() {
    let e = err(&GOOD.replace("[0.5bdp, 2bdp]", "[0.5bdp, 2bdpp]"));
    assert!(e.starts_with("spec.yaml:14:25: sweep.link.buffer: '2bdpp': unknown buffer unit 'bdpp'"), "{e}");
    let e = err(&GOOD.replace("flows[0].rtt: [20ms, 40ms, 80ms]", "flows[0].algorithm: [reno, cubicc]"));
    assert!(e.starts_with("spec.yaml:15:30: flows[0].algorithm: unknown algorithm 'cubicc'"), "{e}");
    let e = err(&GOOD.replace("flows[0].rtt", "flows[2].rtt"));
    assert!(e.contains("sweep.flows[2].rtt: index [2] is out of range"), "{e}");
}

#[test]
fn a_bad_zipped_value_points_at_its_zip_entry() {
    // Lists under `zip:` are written at sweep.zip.PATH, and their errors point at the bad
    // value in that list (line 17 column 27 is `{bta: 0.8}`), as errors of other swept
    // lists do; not at the `sweep:` map.
    let zipped = GOOD.replace(
        "  flows[0].rtt: [20ms, 40ms, 80ms]\n",
        "  zip:\n    flows[0].algorithm: [reno, cubic]\n    flows[0].params: [{}, {bta: 0.8}]\n",
    );
    let e = err(&zipped);
    assert!(e.starts_with("spec.yaml:17:27: flows[0].params.bta: unknown parameter 'bta' for cubic"), "{e}");
    assert!(e.contains("(at sweep point link.buffer=0.5bdp, flows[0].algorithm=cubic"), "{e}");
    let e = err(&zipped.replace("[reno, cubic]", "[reno, cubci]").replace("{bta: 0.8}", "{}"));
    assert!(e.starts_with("spec.yaml:16:32: flows[0].algorithm: unknown algorithm 'cubci'"), "{e}");
    // A value that does not even read is blamed on the first swept entry, here a zipped one.
    let sweep = GOOD.find("sweep:").unwrap();
    let e = err(&format!("{}sweep:\n  zip:\n    duration: [5s, 5]\n    warmup: [1s, 2s]\n", &GOOD[..sweep]));
    assert!(e.starts_with("spec.yaml:15:20: sweep.zip.duration: '5': a bare number is ambiguous"), "{e}");
}

#[test]
fn malformed_yaml_is_located() {
    let e = err("name: t\nduration: [1s\n");
    assert!(e.starts_with("spec.yaml:"), "{e}");
    assert!(e.contains("line") || e.contains(':'), "{e}");
}

#[test]
fn missing_required_keys_are_named() {
    let e = err("name: t\nlink: {rate: 1Mbps, buffer: 1pkt}\nflows: [{algorithm: reno, rtt: 1ms}]\n");
    assert!(e.contains("missing required key 'duration'"), "{e}");
}

#[test]
fn every_shipped_experiment_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let e = load(&path, &Registry::with_builtins()).unwrap_or_else(|e| panic!("{e}"));
            assert!(e.runs() > 0);
            n += 1;
        }
    }
    assert!(n >= 7, "found {n} experiments");
}

#[test]
fn unknown_plot_kinds_and_metrics_name_their_key() {
    let e = err(&format!("{GOOD}plots:\n  kinds: [timeseries, scatter]\n"));
    assert!(e.starts_with("spec.yaml:17:23: plots.kinds[1]: unknown value 'scatter'; expected one of: timeseries, goodput_bars, metric_vs_param, throughput_delay, fct_cdf"), "{e}");
    let e = err(&format!("{GOOD}plots:\n  metrics: [goodput_mbps, goodput_mpbs]\n"));
    assert!(e.starts_with("spec.yaml:17:27: plots.metrics[1]: unknown value 'goodput_mpbs'"), "{e}");
    assert!(e.contains("hint: did you mean 'goodput_mbps'?"), "{e}");
    let e = err(&format!("{GOOD}plots:\n  delays: p95\n"));
    assert!(e.starts_with("spec.yaml:17:3: plots.delays: unknown key 'delays'"), "{e}");
    assert!(e.contains("hint: did you mean 'delay'?"), "{e}");
}

#[test]
fn plot_axes_must_be_swept_paths_and_are_located() {
    let e = err(&format!("{GOOD}plots:\n  x: link.rate\n"));
    assert_eq!(
        e,
        "spec.yaml:17:6: plots.x: 'link.rate' is not a swept path; the swept paths are link.buffer, flows[0].rtt"
    );
    let e = err(&format!("{GOOD}plots:\n  runs: [{{point: 0, seed: 4}}]\n"));
    assert!(
        e.starts_with("spec.yaml:17:27: plots.runs[0].seed: seed 4 is not run; the seeds are 1, 2"),
        "{e}"
    );
    let ok = parse_str(&format!(
        "{GOOD}plots:\n  kinds: [metric_vs_param]\n  x: flows[0].rtt\n  series: link.buffer\n  delay: p95\n"
    ))
    .unwrap();
    let p = ok.spec.plots.unwrap();
    assert_eq!(p.series.as_deref(), Some("link.buffer"));
    assert_eq!(p.delay, DelayStat::P95);
    let e = err(&GOOD.replace("flows[0].rtt: [", "plots.x: ["));
    assert!(e.contains("sweep.plots.x: 'plots.x' cannot be swept"), "{e}");
}

#[test]
fn pacing_takes_linux_defaults_and_refuses_bad_ratios() {
    let paced = |p: &str| GOOD.replace("    count: 2", &format!("    count: 2\n    pacing: {p}"));
    let e = parse_str(&paced("{}")).unwrap();
    assert_eq!(
        e.points[0].scenario.flows[0].pacing,
        Some(cclab_sim::Pacing { ss_ratio: 2.0, ca_ratio: 1.2 })
    );
    let e = parse_str(&paced("{ca_ratio: 1}")).unwrap();
    assert_eq!(e.points[0].scenario.flows[1].pacing.unwrap().ca_ratio, 1.0);
    let e = err(&paced("{ca_ratio: -1}"));
    assert!(e.starts_with("spec.yaml:"), "{e}");
    assert!(e.contains("flows[0].pacing.ca_ratio: must be a positive number"), "{e}");
    let e = err(&paced("{ratio: 1}"));
    assert!(e.contains("flows[0].pacing.ratio: unknown key 'ratio'"), "{e}");
}
