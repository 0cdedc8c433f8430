//! docs/plugins.md cannot rot. Every code block whose info string says `file=PATH` is a
//! piece of PATH: the pieces of one file, joined by one blank line in document order, are
//! byte-identical to the file in the repository. The tutorial's controller is compiled here
//! from that very file, registered next to the built-ins, configured from parameters,
//! driven with the harness against the AIMD formulas, and its parameter errors compared
//! with a built-in algorithm's.

#[path = "../../examples/aimd-plugin/src/my_aimd.rs"]
mod my_aimd;

use cclab_algorithms::analytic::aimd_avg_window;
use cclab_algorithms::harness::{Harness, MSS};
use cclab_algorithms::{Duration, FlowContext, Registry, RegistryError};
use my_aimd::MyAimdConfig;
use serde_json::{Value, json};

const TUTORIAL: &str = include_str!("../../docs/plugins.md");

/// Every file the tutorial shows, by its path from the repository root.
const FILES: &[(&str, &str)] = &[
    ("examples/aimd-plugin/Cargo.toml", include_str!("../../examples/aimd-plugin/Cargo.toml")),
    ("examples/aimd-plugin/src/my_aimd.rs", include_str!("../../examples/aimd-plugin/src/my_aimd.rs")),
    ("examples/aimd-plugin/src/lib.rs", include_str!("../../examples/aimd-plugin/src/lib.rs")),
    ("examples/aimd-plugin/src/main.rs", include_str!("../../examples/aimd-plugin/src/main.rs")),
    ("examples/aimd-plugin/spec.yaml", include_str!("../../examples/aimd-plugin/spec.yaml")),
];

const LIB_RS: &str = include_str!("../src/lib.rs");

/// The fenced code blocks of a Markdown text: (info string, body with its newlines).
fn blocks(doc: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let mut body = String::new();
            for l in lines.by_ref().take_while(|l| !l.starts_with("```")) {
                body.push_str(l);
                body.push('\n');
            }
            out.push((info, body));
        }
    }
    out
}

/// The value of `key=value` in an info string such as "rust file=src/x.rs".
fn tag<'a>(info: &'a str, key: &str) -> Option<&'a str> {
    info.split_whitespace().find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

/// Where two texts first differ, by line, for a readable failure.
fn first_difference(shown: &str, file: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (shown.lines().collect(), file.lines().collect());
    let n = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    format!(
        "first difference at line {}:\n  docs/plugins.md: {:?}\n  the file:        {:?}",
        n + 1,
        a.get(n).unwrap_or(&"<end>"),
        b.get(n).unwrap_or(&"<end>")
    )
}

#[test]
fn every_file_the_tutorial_shows_is_byte_identical_to_the_repository_copy() {
    let blocks = blocks(TUTORIAL);
    for (path, text) in FILES {
        let pieces: Vec<&str> = blocks
            .iter()
            .filter(|(info, _)| tag(info, "file") == Some(path))
            .map(|(_, b)| b.as_str())
            .collect();
        assert!(!pieces.is_empty(), "docs/plugins.md shows no block of {path}");
        let shown = pieces.join("\n");
        assert!(shown == *text, "docs/plugins.md and {path} differ; {}", first_difference(&shown, text));
    }
    // The controller is shown whole, in many pieces, tests included.
    assert!(blocks.iter().filter(|(i, _)| tag(i, "file") == Some(FILES[1].0)).count() >= 8);
    for (info, _) in &blocks {
        if let Some(path) = tag(info, "file") {
            assert!(
                FILES.iter().any(|f| f.0 == path),
                "docs/plugins.md shows {path}, which this test does not check"
            );
        }
    }
}

#[test]
fn the_in_tree_lines_are_written_as_lib_rs_writes_the_builtins() {
    // The tutorial's two lines, with the AIMD's names replaced by CUBIC's, are lines of
    // lib.rs: the module declaration and the registration in register_builtins.
    let blocks = blocks(TUTORIAL);
    let in_tree: Vec<&String> = blocks
        .iter()
        .filter(|(i, _)| tag(i, "in-tree") == Some("algorithms/src/lib.rs"))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(in_tree.len(), 1, "one in-tree block");
    let lines: Vec<&str> = in_tree[0].lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(lines, ["pub mod my_aimd;", "registry.register::<my_aimd::MyAimdConfig>();"]);
    for line in lines {
        let builtin = line.replace("my_aimd", "cubic").replace("MyAimdConfig", "CubicConfig");
        assert!(LIB_RS.lines().any(|l| l.trim() == builtin), "lib.rs has no line `{builtin}`");
    }
}

fn registry() -> Registry {
    let mut registry = Registry::with_builtins();
    registry.register::<MyAimdConfig>();
    registry
}

/// A harness for `my-aimd` configured through the registry from `params`, on a 40 ms path.
fn harness(params: Value) -> Harness {
    let factory = registry().configure("my-aimd", &params).unwrap();
    Harness::new(factory.build(&FlowContext::new(MSS)), Duration::from_millis(40))
}

#[test]
fn the_tutorial_aimd_is_listed_after_the_builtins_with_its_parameters() {
    let registry = registry();
    let names: Vec<&str> = registry.algorithms().iter().map(|a| a.name).collect();
    assert_eq!(names, ["reno", "vegas", "westwood", "bic", "cubic", "my-aimd"]);
    let info = registry.find("My-AIMD").unwrap();
    let params: Vec<(&str, Value)> = info.params.iter().map(|p| (p.name, p.default.clone())).collect();
    assert_eq!(params, [("a", json!(1.0)), ("b", json!(0.5))]);
    assert!(info.params.iter().all(|p| !p.doc.is_empty()));
    let cc = registry.build_default("my-aimd", &FlowContext::new(MSS)).unwrap();
    assert_eq!(cc.name(), "my-aimd");
}

#[test]
fn parameters_from_the_spec_set_the_increase_and_the_decrease() {
    // {a: 3, b: 0.75}: slow start 10 -> 80, a loss gives 0.75 * 80 = 60, then +3 per RTT.
    let mut h = harness(json!({"a": 3, "b": 0.75}));
    assert_eq!(h.rounds(3), [20.0, 40.0, 80.0]);
    assert_eq!(h.loss(), 60.0);
    assert_eq!(h.rounds(3), [63.0, 66.0, 69.0]);
    // A parameter left out keeps its default: {a: 2} halves (b = 0.5), then +2 per RTT.
    let mut h = harness(json!({"a": 2}));
    h.rounds(3);
    assert_eq!(h.loss(), 40.0);
    assert_eq!(h.rounds(2), [42.0, 44.0]);
}

#[test]
fn the_window_follows_the_aimd_rules_for_any_a_and_b() {
    for (a, b) in [(1.0, 0.5), (2.0, 0.7), (4.0, 0.875), (0.5, 0.9), (1.5, 0.6)] {
        let mut h = harness(json!({"a": a, "b": b}));
        h.rounds(3); // 80 segments
        // x b on a loss: b * 80 segments, to the byte (Bytes::from_f64 rounds).
        let after = h.loss();
        assert!((after - b * 80.0).abs() <= 0.5 / MSS.as_f64(), "a = {a}, b = {b}: {after}");
        // + a per RTT. The harness sends whole segments, so a window of W + f segments
        // (0 < f < 1) sends floor(W) and its ACKs fall f segments short of a whole window;
        // the shortfall carries over, and once it adds up to a round that completes no
        // window, growth lags by one step of a. Over 20 rounds at W = 40..100 it adds up to
        // less than 20 segments, under one window: the growth is 20 a, less at most one
        // step (max(a, 1) segments). With a whole `a` and b·80 whole, every round adds a.
        let w = h.rounds(20);
        assert!((w[19] - after - 20.0 * a).abs() <= a.max(1.0), "a = {a}, b = {b}: {w:?}");
        if a.fract() == 0.0 {
            let expected: Vec<f64> = (1..=20).map(|k| after + k as f64 * a).collect();
            assert_eq!(w, expected, "a = {a}, b = {b}");
        }
    }
}

#[test]
fn the_average_window_under_periodic_loss_is_the_aimd_formula() {
    // FHP00 (RFC 9438 §4.3): with one loss every 1/p packets the window saw-tooths between
    // b W and W, growing by a per RTT, and averages sqrt(a (1 + b) / (2 (1 - b) p))
    // segments. Here the loss is taken after the first round that brings the packets since
    // the previous loss to 1/p = 20,000, and p is measured (losses / packets). The model is
    // continuous; the harness sends whole segments in whole rounds, and a reduction to a
    // fractional window (b (W + a) is rarely whole) repeats the bottom round, since a round
    // of floor(W + f) segments does not acknowledge a whole window. One round more per
    // cycle of n rounds (about (1 - b) W / a + 2) lowers the average by about 1/n: 0.9%,
    // 1.6% and 2.9% for the n = 117, 61 and 35 rounds of these cases (measured: 1.3%, 2.1%
    // and 2.9% below the model). Tolerance: 1/n + 1%.
    for (a, b) in [(1.0, 0.5), (2.0, 0.7), (4.0, 0.8)] {
        let mut h = harness(json!({"a": a, "b": b}));
        let period = 20_000;
        let (mut packets, mut since_loss, mut losses, mut rounds) = (0u64, 0u64, 0u64, 0u64);
        let mut counting = false;
        loop {
            let sent = if since_loss >= period {
                if losses == 40 {
                    break; // the 41st loss closes the 20th counted cycle
                }
                since_loss = 0;
                // Slow start overshoots to some 10,000 segments, and while cycles are one
                // or two rounds long each takes only a factor b off; 20 cycles are enough
                // to settle (b = 0.8: 0.8^20 = 1%).
                counting |= losses == 20;
                losses += 1;
                // The round of the loss: recovery sends the reduced window.
                h.loss().floor() as u64
            } else {
                let window = h.cwnd_segments().floor() as u64;
                h.round();
                window
            };
            since_loss += sent;
            if counting {
                packets += sent;
                rounds += 1;
            }
        }
        // 20 whole cycles, each from the round of its loss (21st to 40th) to the last round
        // before the next loss: one loss per cycle.
        let p = 20.0 / packets as f64;
        let measured = packets as f64 / rounds as f64;
        let model = aimd_avg_window(a, b, p);
        let n = rounds as f64 / 20.0;
        assert!(
            (measured / model - 1.0).abs() < 1.0 / n + 0.01,
            "AIMD({a}, {b}), 1/p = {:.0}, {n} rounds per cycle: average window {measured:.2}, model {model:.2}",
            1.0 / p
        );
    }
}

#[test]
fn an_unknown_parameter_gets_the_same_error_for_the_plug_in_as_for_a_builtin() {
    let registry = registry();
    // One message shape for every algorithm: "unknown parameter 'P' for NAME (did you mean
    // 'Q'?); its parameters are: LIST", LIST in the order of PARAMS.
    for (algorithm, given, suggestion) in
        [("my-aimd", "bb", "b"), ("cubic", "bta", "beta"), ("bic", "bta", "beta")]
    {
        let list: Vec<&str> = registry.find(algorithm).unwrap().params.iter().map(|p| p.name).collect();
        let e = registry.configure(algorithm, &json!({ given: 1 })).unwrap_err();
        assert!(matches!(&e, RegistryError::UnknownParam { param, .. } if param == given), "{e}");
        assert_eq!(
            e.to_string(),
            format!(
                "unknown parameter '{given}' for {algorithm} (did you mean '{suggestion}'?); its parameters are: {}",
                list.join(", ")
            )
        );
    }
    assert_eq!(
        registry.configure("my-aimd", &json!({"x": 1})).unwrap_err().to_string(),
        "unknown parameter 'x' for my-aimd (did you mean 'a'?); its parameters are: a, b"
    );
    // Without a plausible typo there is no suggestion, for either kind.
    assert_eq!(
        registry.configure("my-aimd", &json!({"gain": 1})).unwrap_err().to_string(),
        "unknown parameter 'gain' for my-aimd; its parameters are: a, b"
    );
    let e = registry.configure("vegas", &json!({"gain": 1})).unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown parameter 'gain' for vegas; its parameters are: alpha, beta, gamma, diff_denominator"
    );
    // Bad values name the parameter, as for the built-ins.
    let e = registry.configure("my-aimd", &json!({"b": "half"})).unwrap_err();
    assert!(matches!(&e, RegistryError::BadParam { param, .. } if param == "b"), "{e}");
}
