//! The example experiment is checked against the registry with `my-aimd`, exactly as
//! `cargo run -- run spec.yaml` checks it before running anything.

use cclab::spec::{Experiment, load, parse};
use cclab_algorithms::{FlowContext, Registry};
use cclab_example_aimd::my_aimd::MyAimdConfig;
use std::path::Path;

const SPEC: &str = include_str!("../spec.yaml");
const TUTORIAL: &str = include_str!("../../../docs/plugins.md");

fn registry() -> Registry {
    let mut registry = Registry::with_builtins();
    registry.register::<MyAimdConfig>();
    registry
}

fn spec_path() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/spec.yaml"))
}

fn parse_text(text: &str, registry: &Registry) -> Result<Experiment, String> {
    parse("spec.yaml", text, Path::new("."), registry).map_err(|e| e.to_string())
}

#[test]
fn the_spec_sweeps_my_aimd_next_to_cubic_over_two_buffers() {
    let registry = registry();
    let exp = load(spec_path(), &registry).unwrap();
    // 2 buffers x 3 zipped (algorithm, params) = 6 points, 2 seeds each.
    assert_eq!(exp.points.len(), 6);
    assert_eq!(exp.seeds, vec![1, 2]);
    assert_eq!(exp.swept, vec!["link.buffer", "flows[0].algorithm", "flows[0].params"]);
    let algorithms: Vec<&str> = exp.points.iter().map(|p| p.scenario.flows[0].algorithm.as_str()).collect();
    assert_eq!(algorithms, ["my-aimd", "my-aimd", "cubic", "my-aimd", "my-aimd", "cubic"]);
    // The swept algorithm is a column of runs.csv, so its rows name the plug-in.
    assert_eq!(exp.points[1].labels[1], ("flows[0].algorithm".to_string(), "my-aimd".to_string()));
    assert_eq!(exp.points[1].labels[2].1, r#"{"a":2,"b":0.8}"#);
    // Every point builds its controller through the registry, with the zipped parameters.
    for p in &exp.points {
        let flow = &p.scenario.flows[0];
        let cc =
            registry.configure(&flow.algorithm, &flow.params).unwrap().build(&FlowContext::new(flow.mss));
        assert_eq!(cc.name(), flow.algorithm);
    }
}

#[test]
fn without_the_plug_in_registered_the_spec_is_refused_by_name() {
    let e = load(spec_path(), &Registry::with_builtins()).unwrap_err().to_string();
    assert!(e.contains("flows[0].algorithm: unknown algorithm 'my-aimd'"), "{e}");
    assert!(e.contains("known algorithms: reno, vegas, westwood, bic, cubic"), "{e}");
}

#[test]
fn an_unknown_parameter_of_the_plug_in_is_reported_like_one_of_a_builtin() {
    let registry = registry();
    let plugin = SPEC.replace("[{a: 1, b: 0.5},", "[{a: 1, bb: 0.5},");
    let e = parse_text(&plugin, &registry).unwrap_err();
    let builtin = SPEC.replace("{a: 2, b: 0.8}, {}]", "{a: 2, b: 0.8}, {bta: 0.8}]");
    let b = parse_text(&builtin, &registry).unwrap_err();
    // The same located message and hint, from the same registry code: each points at its
    // bad value in the zipped list of parameters (line 18, column 23 is the first one).
    assert_eq!(
        e,
        "spec.yaml:18:23: flows[0].params.bb: unknown parameter 'bb' for my-aimd (did you mean 'b'?); \
         its parameters are: a, b (at sweep point link.buffer=0.5bdp, flows[0].algorithm=my-aimd, \
         flows[0].params={\"a\":1,\"bb\":0.5})\n  hint: did you mean 'b'?"
    );
    let expected = "spec.yaml:18:55: flows[0].params.bta: unknown parameter 'bta' for cubic \
                    (did you mean 'beta'?); its parameters are: c, beta, ";
    assert!(b.starts_with(expected), "{b}");
    assert!(b.ends_with("\n  hint: did you mean 'beta'?"), "{b}");
}

#[test]
fn the_error_the_tutorial_shows_is_the_one_cclab_gives() {
    // docs/plugins.md shows the message for `b: 0.5` misspelt in the spec it lists.
    let shown = tutorial_block("cclab-output=spec-error");
    let e = parse_text(&SPEC.replace("[{a: 1, b: 0.5},", "[{a: 1, bb: 0.5},"), &registry()).unwrap_err();
    assert_eq!(shown, format!("{e}\n"));
}

/// The body of the tutorial's one code block whose info string contains `tag`.
fn tutorial_block(tag: &str) -> String {
    let mut found = Vec::new();
    let mut lines = TUTORIAL.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("```") && line.split_whitespace().any(|w| w == tag) {
            let mut body = String::new();
            for l in lines.by_ref().take_while(|l| !l.starts_with("```")) {
                body.push_str(l);
                body.push('\n');
            }
            found.push(body);
        }
    }
    assert_eq!(found.len(), 1, "docs/plugins.md needs exactly one block tagged {tag}");
    found.pop().unwrap()
}
