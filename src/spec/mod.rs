//! Experiment files: YAML -> typed [`Spec`] -> sweep points -> [`Scenario`]s.
//!
//! Everything is checked before anything runs. Each error names the file, the line and
//! column, and the key path, with a suggestion where one helps.

mod error;
mod locate;
pub mod path;
pub mod plots;
pub mod sweep;
#[cfg(test)]
mod tests;
mod types;

pub use error::SpecError;
pub use plots::{DelayStat, Format, Metric, PlotKind, PlotsSpec, RunRef, Scale};
pub use types::{FlowGroup, LinkSpec, LossSpec, QueueSpec, ReadRate, ReceiverSpec, Seeds, Spec};

use cclab_algorithms::suggest::did_you_mean;
use cclab_sim::{
    CapacityTrace, CrossTraffic, Duration, Flow, Link, QueueDiscipline, Rate, Receiver, Registry, Scenario,
};
use path::{Segment, parse_path};
use std::path::{Path, PathBuf};
use sweep::Dimension;
use yaml_serde::Value;

/// Flows per group beyond which a spec is almost certainly a typo.
const MAX_FLOWS_PER_GROUP: u64 = 10_000;

/// A loaded, checked experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The file as given on the command line.
    pub file: String,
    /// Its text, as run (copied to the results folder).
    pub text: String,
    /// The spec without sweep values applied.
    pub spec: Spec,
    /// The swept paths, in file order (the swept columns of the results).
    pub swept: Vec<String>,
    pub points: Vec<Point>,
    pub seeds: Vec<u64>,
}

/// One point of the sweep.
#[derive(Debug, Clone)]
pub struct Point {
    pub index: usize,
    /// (swept path, value) in the order of `Experiment::swept`.
    pub labels: Vec<(String, String)>,
    /// The scenario with seed 0; the runner sets the seed per run.
    pub scenario: Scenario,
}

impl Experiment {
    /// Number of runs: points x seeds.
    pub fn runs(&self) -> usize {
        self.points.len() * self.seeds.len()
    }
}

/// Reads and checks an experiment file.
pub fn load(path: &Path, registry: &Registry) -> Result<Experiment, SpecError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecError::new(&file, None, "", format!("cannot read the file: {e}")))?;
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    parse(&file, &text, &dir, registry)
}

/// The one place YAML is parsed (yaml_serde), for the whole program.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, SpecError> {
    let de = yaml_serde::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let inner = e.into_inner();
        let location = inner.location().map(|l| (l.line(), l.column()));
        let (message, suggestion) = explain_serde(&inner.to_string());
        SpecError::new(file, location, if key == "." { String::new() } else { key }, message)
            .with_suggestion(suggestion)
    })
}

/// Parses and checks an experiment from its text; `dir` resolves relative trace paths.
pub fn parse(file: &str, text: &str, dir: &Path, registry: &Registry) -> Result<Experiment, SpecError> {
    let spec: Spec = parse_yaml(file, text)?;
    let tree: Value =
        yaml_serde::from_str(text).map_err(|e| SpecError::new(file, None, "", e.to_string()))?;
    let at = |key: &str| parse_path(key).ok().and_then(|p| locate::locate(text, &p));
    let sweep_value = match &tree {
        Value::Mapping(m) => m.get("sweep").cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let dims =
        sweep::parse_sweep(&sweep_value).map_err(|(key, msg)| SpecError::new(file, at(&key), key, msg))?;
    let seeds = spec.seeds.list();

    let mut base = tree.clone();
    if let Value::Mapping(m) = &mut base {
        m.remove("sweep");
    }
    let n = sweep::count(&dims);
    let mut points = Vec::with_capacity(n);
    for i in 0..n {
        points.push(build_point(file, text, &base, &dims, i, dir, registry)?);
    }
    let swept: Vec<String> = dims.iter().flat_map(|d| d.paths.iter().map(|p| p.0.clone())).collect();
    if let Some(p) = &spec.plots {
        let shape = plots::Shape {
            swept: &swept,
            points: points.len(),
            seeds: &seeds,
            sized_flows: points.iter().any(|p| p.scenario.flows.iter().any(|f| f.size.is_some())),
        };
        plots::check(p, &shape).map_err(|(key, message)| SpecError::new(file, at(&key), key, message))?;
    }
    Ok(Experiment { file: file.to_string(), text: text.to_string(), spec, swept, points, seeds })
}

fn build_point(
    file: &str,
    text: &str,
    base: &Value,
    dims: &[Dimension],
    i: usize,
    dir: &Path,
    registry: &Registry,
) -> Result<Point, SpecError> {
    let assigned = sweep::assignments(dims, i);
    let mut tree = base.clone();
    // Where a swept value is written: element `index` of the list at `sweep.PATH`, or at
    // `sweep.zip.PATH` for zipped paths.
    let entry = |key: &str| -> Vec<String> {
        let zipped = dims.iter().any(|d| d.zipped && d.paths.iter().any(|p| p.0 == key));
        let parents: &[&str] = if zipped { &["sweep", "zip"] } else { &["sweep"] };
        parents.iter().map(|p| p.to_string()).chain([key.to_string()]).collect()
    };
    let sweep_loc = |key: &str, index: usize| {
        let mut path: Vec<Segment> = entry(key).into_iter().map(Segment::Key).collect();
        path.push(Segment::Index(index));
        locate::locate_exact(text, &path).or_else(|| locate::locate(text, &path[..path.len() - 1]))
    };
    let sweep_key = |key: &str| entry(key).join(".");
    for (key, segs, value, index) in &assigned {
        sweep::set_path(&mut tree, segs, (*value).clone())
            .map_err(|m| SpecError::new(file, sweep_loc(key, *index), sweep_key(key), m))?;
    }
    let labels: Vec<(String, String)> =
        assigned.iter().map(|(k, _, v, _)| (k.to_string(), sweep::label(v))).collect();
    let describe = || labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
    // A swept value is read like any other, and its errors point at the sweep entry.
    let spec: Spec = match yaml_serde::from_value(tree) {
        Ok(s) => s,
        Err(e) => {
            let (message, suggestion) = explain_serde(&e.to_string());
            // The value to blame is the one whose path the error names, else the first.
            let (key, index) = assigned
                .iter()
                .find(|a| message.contains(a.0) || e.to_string().contains(a.0))
                .or(assigned.first())
                .map_or(("sweep", 0), |a| (a.0, a.3));
            return Err(SpecError::new(
                file,
                sweep_loc(key, index),
                sweep_key(key),
                format!("{message} (at sweep point {})", describe()),
            )
            .with_suggestion(suggestion));
        }
    };
    let scenario = check(&spec, dir, registry).map_err(|issue| {
        let swept = assigned.iter().find(|(k, _, _, _)| issue.key.starts_with(k));
        let (location, message) = match swept {
            Some((k, _, _, index)) => {
                (sweep_loc(k, *index), format!("{} (at sweep point {})", issue.message, describe()))
            }
            None => (parse_path(&issue.key).ok().and_then(|p| locate::locate(text, &p)), issue.message),
        };
        SpecError::new(file, location, issue.key, message).with_suggestion(issue.suggestion)
    })?;
    Ok(Point { index: i, labels, scenario })
}

/// A problem found after parsing: the key path, what is wrong, and a suggestion.
struct Issue {
    key: String,
    message: String,
    suggestion: Option<String>,
}

fn issue(key: impl Into<String>, message: impl Into<String>) -> Issue {
    Issue { key: key.into(), message: message.into(), suggestion: None }
}

/// Checks what types cannot and builds the scenario.
fn check(spec: &Spec, dir: &Path, registry: &Registry) -> Result<Scenario, Issue> {
    if spec.name.is_empty() || !spec.name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err(Issue {
            suggestion: Some("use letters, digits, '-', '_' and '.': it names the results folder".into()),
            ..issue("name", format!("'{}' is not a usable experiment name", spec.name))
        });
    }
    if spec.duration.is_zero() {
        return Err(issue("duration", "must be positive"));
    }
    if spec.warmup >= spec.duration {
        return Err(Issue {
            suggestion: Some(
                "metrics cover [warmup, duration]; make the warm-up shorter than the run".into(),
            ),
            ..issue("warmup", format!("{} is not shorter than duration ({})", spec.warmup, spec.duration))
        });
    }
    let trace = match &spec.link.trace {
        Some(p) => {
            let full = if p.is_absolute() { p.clone() } else { dir.join(p) };
            if !full.exists() {
                return Err(Issue {
                    suggestion: Some("trace paths are relative to the spec file's folder".into()),
                    ..issue("link.trace", format!("trace file {} does not exist", full.display()))
                });
            }
            Some(CapacityTrace::load(&full).map_err(|m| issue("link.trace", m))?)
        }
        None => None,
    };
    let rate = match (spec.link.rate, &trace) {
        (Some(r), _) if r == Rate::ZERO => return Err(issue("link.rate", "must be positive")),
        (Some(r), _) => r,
        (None, Some(t)) => t.mean_rate(),
        (None, None) => {
            return Err(Issue {
                suggestion: Some("add `rate: 10Mbps` (or a Mahimahi `trace:`) under link".into()),
                ..issue("link.rate", "missing: the link needs a rate or a trace")
            });
        }
    };
    let queue = match &spec.link.queue {
        QueueSpec::DropTail => QueueDiscipline::DropTail,
        QueueSpec::Red(r) => QueueDiscipline::Red(r.clone()),
    };
    if spec.flows.is_empty() {
        return Err(issue(
            "flows",
            "there are no flows; add at least one group such as {algorithm: cubic, rtt: 40ms}",
        ));
    }
    let mut flows = Vec::new();
    for (g, group) in spec.flows.iter().enumerate() {
        let key = |k: &str| format!("flows[{g}].{k}");
        let params = group.params.clone().unwrap_or(serde_json::Value::Null);
        if let Err(e) = registry.configure(&group.algorithm, &params) {
            use cclab_algorithms::RegistryError as R;
            let (k, suggestion) = match &e {
                R::UnknownAlgorithm { suggestion, .. } => (
                    key("algorithm"),
                    suggestion
                        .as_ref()
                        .map(|s| format!("did you mean '{s}'? `cclab algorithms` lists them all")),
                ),
                R::UnknownParam { param, suggestion, .. } => (
                    key(&format!("params.{param}")),
                    suggestion.as_ref().map(|s| format!("did you mean '{s}'?")),
                ),
                R::BadParam { param, .. } if !param.is_empty() => (key(&format!("params.{param}")), None),
                _ => (key("params"), None),
            };
            return Err(Issue { key: k, message: e.to_string(), suggestion });
        }
        if group.count == 0 {
            return Err(issue(key("count"), "must be at least 1"));
        }
        if group.count > MAX_FLOWS_PER_GROUP {
            return Err(issue(
                key("count"),
                format!(
                    "{} flows in one group is more than the {MAX_FLOWS_PER_GROUP} cclab allows",
                    group.count
                ),
            ));
        }
        if group.rtt.is_zero() {
            return Err(issue(key("rtt"), "must be positive"));
        }
        let mut flow = Flow::bulk(&group.algorithm, group.rtt);
        flow.params = params;
        flow.size = group.size;
        flow.recovery = group.recovery;
        flow.delayed_ack = group.delayed_ack;
        if let Some(p) = group.pacing {
            for (name, r) in [("ss_ratio", p.ss_ratio), ("ca_ratio", p.ca_ratio)] {
                if !(r > 0.0 && r.is_finite()) {
                    return Err(issue(key(&format!("pacing.{name}")), "must be a positive number, e.g. 1.2"));
                }
            }
            flow.pacing = Some(p);
        }
        flow.group = g;
        if let Some(m) = group.mss {
            if m.is_zero() {
                return Err(issue(key("mss"), "must be positive"));
            }
            flow.mss = m;
        }
        if let Some(iw) = group.initial_window {
            if iw == 0 {
                return Err(issue(key("initial_window"), "must be at least 1 segment"));
            }
            flow.initial_window = iw;
        }
        if let Some(r) = group.min_rto {
            flow.min_rto = r;
        }
        if group.size.is_some_and(|s| s.is_zero()) {
            return Err(issue(
                key("size"),
                "must be positive (leave it out for a flow that sends until the end)",
            ));
        }
        flow.receiver = Receiver::default();
        if let Some(b) = group.receiver.buffer {
            if b < flow.mss {
                return Err(issue(
                    key("receiver.buffer"),
                    format!("{b} cannot hold one segment of {}", flow.mss),
                ));
            }
            flow.receiver.buffer = b;
        }
        if let ReadRate::Rate(r) = group.receiver.read_rate {
            if r == Rate::ZERO {
                return Err(Issue {
                    suggestion: Some("use read_rate: unlimited for an application that reads at once".into()),
                    ..issue(key("receiver.read_rate"), "must be positive")
                });
            }
            flow.receiver.read_rate = Some(r);
        }
        for i in 0..group.count {
            let mut f = flow.clone();
            f.start = group.start + group.stagger.saturating_mul(i);
            flows.push(f);
        }
    }
    for (i, CrossTraffic::Udp(u)) in spec.cross_traffic.iter().enumerate() {
        if u.rate == Rate::ZERO {
            return Err(issue(format!("cross_traffic[{i}].udp.rate"), "must be positive"));
        }
        if u.stop.is_some_and(|s| s <= u.start) {
            return Err(issue(format!("cross_traffic[{i}].udp.stop"), "must be after start"));
        }
    }
    let scenario = Scenario {
        engine: spec.engine,
        duration: spec.duration,
        warmup: spec.warmup,
        seed: 0,
        trace_interval: spec.trace_interval.unwrap_or(Duration::from_millis(10)),
        link: Link { rate, buffer: spec.link.buffer, queue, loss: spec.link.loss.0.clone(), trace },
        flows,
        cross_traffic: spec.cross_traffic.clone(),
        jitter: spec.jitter.unwrap_or_default(),
        fluid_step: spec.fluid_step,
    };
    // The scenario's own checks (probabilities, RED weights) as a backstop; its messages
    // start with the key path they concern.
    scenario.validate().map_err(|m| {
        let key = m.split_whitespace().next().filter(|k| k.contains('.')).unwrap_or("").to_string();
        issue(key, m)
    })?;
    Ok(scenario)
}

/// Turns serde's messages into cclab's: unknown keys get a "did you mean".
fn explain_serde(msg: &str) -> (String, Option<String>) {
    // yaml_serde appends " at line L column C" and may prefix "path: "; both are reported
    // separately.
    let msg = msg.split(" at line ").next().unwrap_or(msg).to_string();
    let msg = match msg.find(": ") {
        Some(i)
            if !msg[..i].contains(' ')
                && !msg.starts_with('\'')
                && !msg.starts_with("unknown")
                && !msg.starts_with("invalid") =>
        {
            msg[i + 2..].to_string()
        }
        _ => msg,
    };
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let names: Vec<&str> = rest.split('`').step_by(2).collect();
        if let Some((field, expected)) = names.split_first() {
            let suggestion =
                did_you_mean(field, expected.iter().copied()).map(|s| format!("did you mean '{s}'?"));
            let known = expected.join(", ");
            return (format!("unknown key '{field}'; expected one of: {known}"), suggestion);
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let names: Vec<&str> = rest.split('`').step_by(2).collect();
        if let Some((v, expected)) = names.split_first() {
            let suggestion =
                did_you_mean(v, expected.iter().copied()).map(|s| format!("did you mean '{s}'?"));
            return (format!("unknown value '{v}'; expected one of: {}", expected.join(", ")), suggestion);
        }
    }
    if let Some(field) = msg.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        return (format!("missing required key '{field}'"), None);
    }
    (msg, None)
}
