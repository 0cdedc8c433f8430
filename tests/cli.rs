//! End-to-end tests of the `cclab` binary: real specs, real simulations, real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cclab(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cclab")).args(args).current_dir(cwd).output().expect("cclab runs")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cclab-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// 3 points x 2 seeds of two reno/cubic flows on 10 Mbit/s.
const SMALL: &str = "\
name: small
duration: 8s
warmup: 2s
seeds: 2
link:
  rate: 10Mbps
  buffer: 1bdp
flows:
  - algorithm: reno
    count: 2
    rtt: 40ms
sweep:
  flows[0].algorithm: [reno, cubic, vegas]
";

fn write_spec(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(|l| l.split(',').map(String::from).collect()).collect()
}

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

#[test]
fn a_run_writes_every_file_with_sensible_numbers() {
    let dir = tmp("files");
    let spec = write_spec(&dir, "small.yaml", SMALL);
    let o = cclab(&["run", spec.to_str().unwrap(), "--out", "out", "--jobs", "2"], &dir);
    assert!(o.status.success(), "{}", text(&o));
    let out = dir.join("out");
    for f in [
        "spec.yaml",
        "manifest.json",
        "runs.csv",
        "flows.csv",
        "summary.csv",
        "traces/0-1.csv",
        "traces/2-2.csv",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let runs = rows(&out.join("runs.csv"));
    assert_eq!(runs.len(), 1 + 3 * 2);
    assert_eq!(&runs[0][..4], &["point", "seed", "flows[0].algorithm", "status"]);
    let (g, u, j) = (col(&runs, "goodput_mbps"), col(&runs, "utilization"), col(&runs, "jain_index"));
    for r in &runs[1..] {
        assert_eq!(r[3], "ok", "{r:?}");
        let goodput: f64 = r[g].parse().unwrap();
        // Payload is 1448 of every 1500 wire bytes: 9.653 Mbit/s on 10 Mbit/s. Goodput counts
        // payload whose first copy reached a receiver in [warm-up, end], so it stays within
        // that, plus one packet per flow at the window's edges: 2 x 1448 x 8 bit / 6 s.
        assert!(
            goodput > 5.0 && goodput <= 9.6533 + 2.0 * 1448.0 * 8.0 / 6.0 / 1e6,
            "goodput {goodput} in {r:?}"
        );
        let util: f64 = r[u].parse().unwrap();
        assert!(util > 0.5 && util <= 1.0 + 1e-9, "utilization {util}");
        let jain: f64 = r[j].parse().unwrap();
        assert!((0.5..=1.0).contains(&jain), "jain {jain}");
    }
    let flows = rows(&out.join("flows.csv"));
    assert_eq!(flows.len(), 1 + 3 * 2 * 2);
    assert_eq!(flows[1][4], "reno");
    assert_eq!(flows[5][4], "cubic");
    let summary = rows(&out.join("summary.csv"));
    assert_eq!(summary.len(), 1 + 3);
    let ci = col(&summary, "goodput_mbps_ci95");
    assert!(summary[1][ci].parse::<f64>().unwrap() >= 0.0);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("goodput Mbit/s") && table.contains("cubic"), "{table}");
}

#[test]
fn output_is_byte_identical_with_one_or_two_jobs() {
    let dir = tmp("jobs");
    let spec = write_spec(&dir, "small.yaml", SMALL);
    for (jobs, out) in [("1", "one"), ("2", "two")] {
        let o = cclab(&["run", spec.to_str().unwrap(), "--out", out, "--jobs", jobs], &dir);
        assert!(o.status.success(), "{}", text(&o));
    }
    for f in ["runs.csv", "flows.csv", "summary.csv", "traces/1-2.csv"] {
        let a = std::fs::read(dir.join("one").join(f)).unwrap();
        let b = std::fs::read(dir.join("two").join(f)).unwrap();
        assert!(a == b, "{f} differs between --jobs 1 and --jobs 2");
    }
}

#[test]
fn a_sweep_killed_midway_resumes_with_every_run_exactly_once() {
    let dir = tmp("kill");
    let spec = write_spec(
        &dir,
        "long.yaml",
        &SMALL.replace("seeds: 2", "seeds: 6").replace("duration: 8s", "duration: 30s"),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_cclab"))
        .args(["run", spec.to_str().unwrap(), "--out", "out", "--jobs", "1"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let runs_csv = dir.join("out/runs.csv");
    let start = std::time::Instant::now();
    // Kill once a few runs are committed (and surely before all 18 are).
    while std::fs::read_to_string(&runs_csv).map_or(0, |t| t.lines().count()) < 4 {
        assert!(start.elapsed().as_secs() < 120, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = rows(&runs_csv).len() - 1;
    assert!(before < 18, "the run finished before it could be killed");
    let o = cclab(&["run", spec.to_str().unwrap(), "--out", "out", "--jobs", "2"], &dir);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("already done"), "{}", text(&o));
    let runs = rows(&runs_csv);
    let mut keys: Vec<(String, String)> = runs[1..].iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(keys.len(), 18);
    keys.dedup();
    assert_eq!(keys.len(), 18, "a run is present twice");
    let flows = rows(&dir.join("out/flows.csv"));
    assert_eq!(flows.len() - 1, 18 * 2, "flows.csv has exactly two rows per run");
}

/// Each class of bad input: exit code 2, the message names file, line and key, and
/// nothing is written.
#[test]
fn bad_input_is_reported_with_its_location_and_nothing_is_written() {
    let dir = tmp("bad");
    let cases: Vec<(String, &str)> = vec![
        (SMALL.replace("  buffer: 1bdp", "  bufer: 1bdp"), "bad.yaml:7:3: link.bufer: unknown key 'bufer'"),
        (
            SMALL.replace("rate: 10Mbps", "rate: 10 Mbsp"),
            "bad.yaml:6:9: link.rate: '10 Mbsp': unknown rate unit 'Mbsp'",
        ),
        (SMALL.replace("count: 2", "count: two"), "bad.yaml:10:12: flows[0].count:"),
        (
            SMALL.replace("[reno, cubic, vegas]", "[reno, cubci]"),
            "bad.yaml:13:30: flows[0].algorithm: unknown algorithm 'cubci'",
        ),
        (
            SMALL.replace("    rtt: 40ms", "    rtt: 40ms\n    params: {bta: 0.7}"),
            "flows[0].params.bta: unknown parameter 'bta'",
        ),
        (SMALL.replace("rate: 10Mbps", "rate: 0Mbps"), "bad.yaml:6:9: link.rate: must be positive"),
        (SMALL.replace("buffer: 1bdp", "buffer: -2KB"), "bad.yaml:7:11: link.buffer:"),
        (
            SMALL.replace("warmup: 2s", "warmup: 8s"),
            "bad.yaml:3:9: warmup: 8s is not shorter than duration (8s)",
        ),
        (SMALL.replace("count: 2", "count: 0"), "bad.yaml:10:12: flows[0].count: must be at least 1"),
        (SMALL.replace("  rate: 10Mbps", "  trace: missing.trace"), "bad.yaml:6:10: link.trace: trace file"),
        ("name: x\nduration: [1s\n".to_string(), "bad.yaml:"),
    ];
    for (body, expected) in cases {
        let spec = write_spec(&dir, "bad.yaml", &body);
        let o = cclab(&["run", spec.to_str().unwrap(), "--out", "out"], &dir);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expected), "expected '{expected}' in:\n{err}");
        assert!(!dir.join("out").exists(), "bad input wrote results:\n{err}");
    }
    // The unknown algorithm also gets a suggestion.
    let spec = write_spec(&dir, "bad.yaml", &SMALL.replace("[reno, cubic, vegas]", "[reno, cubci]"));
    assert!(text(&cclab(&["run", spec.to_str().unwrap()], &dir)).contains("did you mean 'cubic'?"));
}

#[test]
fn a_huge_sweep_needs_yes_and_dry_run_estimates() {
    let dir = tmp("huge");
    let body = SMALL.replace("seeds: 2", "seeds: 5000");
    let spec = write_spec(&dir, "huge.yaml", &body);
    let o = cclab(&["run", spec.to_str().unwrap(), "--out", "out"], &dir);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("this sweep has 15000 runs") && err.contains("--yes"), "{err}");
    assert!(!dir.join("out").exists());
    let o = cclab(&["run", spec.to_str().unwrap(), "--dry-run"], &dir);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("3 points x 5000 seeds = 15000 runs") && out.contains("estimated time"), "{out}");
    assert!(out.contains("flows[0].algorithm=vegas"), "{out}");
    assert!(!dir.join("results").exists());
}

#[test]
fn a_changed_spec_is_refused_instead_of_mixed() {
    let dir = tmp("changed");
    let spec = write_spec(&dir, "s.yaml", &SMALL.replace("seeds: 2", "seeds: 1"));
    assert!(cclab(&["run", spec.to_str().unwrap(), "--out", "out"], &dir).status.success());
    write_spec(&dir, "s.yaml", &SMALL.replace("seeds: 2", "seeds: 1").replace("8s", "9s"));
    let o = cclab(&["run", spec.to_str().unwrap(), "--out", "out"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("holds results of a different spec"), "{}", text(&o));
}

#[test]
fn shards_merge_into_the_same_results_as_one_run() {
    let dir = tmp("shards");
    let spec = write_spec(&dir, "s.yaml", SMALL);
    let s = spec.to_str().unwrap();
    assert!(cclab(&["run", s, "--out", "whole"], &dir).status.success());
    for k in ["1/2", "2/2"] {
        let o = cclab(&["run", s, "--shard", k], &dir);
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = cclab(
        &["merge", "results/small/shard-1-of-2", "results/small/shard-2-of-2", "--out", "merged"],
        &dir,
    );
    assert!(o.status.success(), "{}", text(&o));
    for f in ["runs.csv", "flows.csv", "summary.csv"] {
        assert_eq!(
            std::fs::read(dir.join("whole").join(f)).unwrap(),
            std::fs::read(dir.join("merged").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn algorithms_lists_every_builtin() {
    let o = cclab(&["algorithms"], Path::new("."));
    let out = String::from_utf8_lossy(&o.stdout);
    for a in ["reno", "vegas", "westwood", "bic", "cubic"] {
        assert!(out.contains(a), "{a} missing from:\n{out}");
    }
}
