//! The engine-comparison suite: the quick grid (experiments/compare-engines-quick.yaml)
//! on both engines, and `cclab compare-engines` end to end.

use cclab::compare::{self, Case, Comparison, Tolerance};
use cclab::spec;
use cclab_algorithms::Registry;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn quick() -> Comparison {
    let registry = Registry::with_builtins();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/compare-engines-quick.yaml");
    let exp = spec::load(&path, &registry).expect("the quick grid loads");
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    compare::compare(&Case::from_experiment(&exp), &exp.swept, &registry, jobs, Tolerance::default())
        .expect("the comparison runs")
}

fn row<'a>(c: &'a Comparison, label: &str) -> &'a compare::Row {
    c.rows.iter().find(|r| r.label == label).unwrap_or_else(|| panic!("no case {label}"))
}

#[test]
fn the_quick_grid_keeps_every_case_and_the_fluid_engine_matches_most_of_them() {
    let c = quick();
    // 5 algorithms x 3 buffers x 2 (flows, rate, RTT) combinations = 30 cases, each in
    // the table once, in point order, with both engines' results.
    assert_eq!(c.rows.len(), 30);
    for (i, r) in c.rows.iter().enumerate() {
        assert_eq!(r.point, i);
        assert!(r.packet.is_ok() && r.fluid.is_ok() && r.errors.is_some(), "{r:?}");
        // A failing case says which metrics failed and by how much.
        match &r.reason {
            None => assert!(r.exceeded.is_empty()),
            Some(why) => {
                assert!(!r.exceeded.is_empty(), "{why}");
                for m in &r.exceeded {
                    let word = match m {
                        compare::Metric::Goodput => "aggregate goodput",
                        compare::Metric::FlowGoodput => "goodput",
                        compare::Metric::Jain => "Jain",
                        compare::Metric::QueueDelay => "queue delay",
                    };
                    assert!(why.contains(word), "{why}");
                }
            }
        }
    }
    // 27 of the 30 pass (measured at this commit). The three that do not: a single
    // Westwood+ flow at 0.25 BDP (its recovery-exit burst overflows the buffer, a spiral
    // whose length differs), 4 Vegas flows at 4 BDP (the equilibrium depends on history)
    // and 4 BIC flows at 4 BDP (the smallest flow's share, -18 % over 4 seeds of 40 s;
    // the full grid's 10 seeds of 100 s pass). The table is deterministic: same seeds,
    // same rows.
    assert!(c.passed() >= 27, "{} of 30 pass:\n{}", c.passed(), c.table());

    // Cases a fluid model must get right: a single flow filling a 1-BDP buffer, a few
    // flows sharing a link with any buffer from 1 BDP up.
    for label in [
        "1 reno, 10Mbps, 40ms, 1bdp",
        "1 cubic, 10Mbps, 40ms, 1bdp",
        "1 vegas, 10Mbps, 40ms, 1bdp",
        "4 reno, 100Mbps, 10ms, 1bdp",
        "4 reno, 100Mbps, 10ms, 4bdp",
        "4 cubic, 100Mbps, 10ms, 1bdp",
        "4 cubic, 100Mbps, 10ms, 4bdp",
        "4 westwood, 100Mbps, 10ms, 1bdp",
    ] {
        let r = row(&c, label);
        assert!(r.passed(), "{label}: {:?}", r.reason);
    }
    // One Reno flow with a 1-BDP buffer: both engines near the sawtooth's U(1) = 1,
    // goodput 10 x 1448/1500 = 9.653 Mbit/s within 3 % (reference §3.10, M1).
    let r = row(&c, "1 reno, 10Mbps, 40ms, 1bdp");
    for m in [r.packet.as_ref().unwrap(), r.fluid.as_ref().unwrap()] {
        assert!((m.goodput_mbps / 9.653 - 1.0).abs() < 0.03, "{m:?}");
    }
    // The CSV has a header and one line per case.
    assert_eq!(c.csv().unwrap().lines().count(), 31);
}

fn cclab(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cclab")).args(args).current_dir(cwd).output().expect("cclab runs")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cclab-compare-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

const ONE_RENO: &str = "\
name: one-reno
duration: 30s
warmup: 10s
seeds: 2
link: {rate: 10Mbps, buffer: 1bdp}
flows:
  - {algorithm: reno, rtt: 40ms}
";

#[test]
fn compare_engines_prints_the_table_writes_csv_and_markdown_and_exits_0_when_all_pass() {
    let dir = tmp("pass");
    std::fs::write(dir.join("s.yaml"), ONE_RENO).unwrap();
    let o =
        cclab(&["compare-engines", "s.yaml", "--jobs", "2", "--out", "t.csv", "--markdown", "t.md"], &dir);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("1 reno, 10Mbps, 40ms, 1bdp"), "{out}");
    assert!(out.contains("1 of 1 cases (100.0%) within tolerance"), "{out}");
    let csv = std::fs::read_to_string(dir.join("t.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("point,case,status,packet_goodput_mbps,fluid_goodput_mbps"), "{csv}");
    assert!(lines[1].starts_with("0,\"1 reno, 10Mbps, 40ms, 1bdp\",pass,"), "{csv}");
    let md = std::fs::read_to_string(dir.join("t.md")).unwrap();
    assert!(md.contains("| 0 | 1 reno, 10Mbps, 40ms, 1bdp |"), "{md}");
}

#[test]
fn a_case_an_engine_cannot_run_stays_in_the_table_and_the_exit_code_is_1() {
    // The packet engine's window offsets are 32-bit: a 5 GiB receive buffer is an error
    // there and fine in the fluid engine. The case is kept, failed, with that error.
    let dir = tmp("fail");
    let spec = format!("{ONE_RENO}sweep:\n  flows[0].receiver.buffer: [1MB, 5GiB]\n");
    std::fs::write(dir.join("s.yaml"), spec).unwrap();
    let o = cclab(&["compare-engines", "s.yaml", "--out", "t.csv"], &dir);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("1 of 2 cases (50.0%) within tolerance"), "{out}");
    assert!(out.contains("FAIL: the packet engine failed: seed 1: invalid scenario"), "{out}");
    let csv = std::fs::read_to_string(dir.join("t.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.lines().nth(2).unwrap().starts_with("5GiB,1,"), "{csv}");
}

#[test]
fn a_bad_spec_exits_2_before_anything_runs() {
    let dir = tmp("bad");
    std::fs::write(dir.join("s.yaml"), ONE_RENO.replace("reno", "renno")).unwrap();
    let o = cclab(&["compare-engines", "s.yaml"], &dir);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("unknown algorithm 'renno'"), "{}", text(&o));
}
