//! The runner: every (point, seed) of an experiment in parallel (rayon), each stored the
//! moment it finishes; finished runs are skipped on a rerun; a run that fails or panics is
//! recorded with its message and the others go on.

use crate::results::{Outcome, Store};
use crate::spec::Experiment;
use cclab_sim::{Engine, Report, Scenario};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// One run to do.
#[derive(Debug, Clone)]
pub struct Run {
    pub point: usize,
    pub seed: u64,
    pub labels: Vec<(String, String)>,
    pub scenario: Scenario,
    /// Stable identity of (resolved point, seed): resume key.
    pub id: String,
}

/// FNV-1a, 64 bits: a stable hash (unlike std's, which may change between releases).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Every run of the experiment in (point, seed) order, with `engine` overriding the spec's.
pub fn plan(exp: &Experiment, engine: Option<Engine>) -> Vec<Run> {
    let mut runs = Vec::with_capacity(exp.runs());
    for p in &exp.points {
        for &seed in &exp.seeds {
            let mut scenario = p.scenario.clone();
            scenario.seed = seed;
            if let Some(e) = engine {
                scenario.engine = e;
            }
            let json = serde_json::to_vec(&scenario).expect("scenarios serialise");
            runs.push(Run {
                point: p.index,
                seed,
                labels: p.labels.clone(),
                scenario,
                id: format!("{:016x}", fnv1a(&json)),
            });
        }
    }
    runs
}

/// Hash of the whole plan: results folders of different plans are never mixed.
pub fn plan_hash(runs: &[Run]) -> String {
    let ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
    format!("{:016x}", fnv1a(ids.join(",").as_bytes()))
}

/// The deterministic slice `k` (1-based) of `n` shards: every n-th run.
pub fn shard(runs: Vec<Run>, k: usize, n: usize) -> Vec<Run> {
    runs.into_iter().enumerate().filter(|(i, _)| i % n == k - 1).map(|(_, r)| r).collect()
}

/// Simulated work per wall-clock second used for estimates, from the benchmarks (README):
/// the packet engine moves at least this many packets per second on one core; the fluid
/// engine takes this many flow-steps per second.
const PACKETS_PER_SECOND: f64 = 5e6;
const FLUID_FLOW_STEPS_PER_SECOND: f64 = 1e7;

/// A rough single-core wall-clock estimate for one run, seconds.
pub fn estimate_seconds(s: &Scenario) -> f64 {
    let secs = s.duration.as_secs_f64();
    match s.engine {
        Engine::Packet => {
            let pps = s.capacity().bytes_per_sec() / 1500.0;
            let cross: f64 = s
                .cross_traffic
                .iter()
                .map(|cclab_sim::CrossTraffic::Udp(u)| u.rate.bytes_per_sec() / 1500.0)
                .sum();
            // Each data packet costs about as much as its ACK; handshakes are negligible.
            (pps + cross) * secs / PACKETS_PER_SECOND
        }
        Engine::Fluid => {
            let min_rtt = s.flows.iter().map(|f| f.rtt).min().unwrap_or_default();
            let step =
                s.fluid_step.unwrap_or(min_rtt.mul_f64(1.0 / 20.0).min(cclab_sim::Duration::from_millis(1)));
            let steps = secs / step.as_secs_f64().max(1e-9);
            steps * s.flows.len().max(1) as f64 / FLUID_FLOW_STEPS_PER_SECOND
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub planned: usize,
    pub skipped: usize,
    pub ran: usize,
    pub failed: usize,
    pub interrupted: bool,
}

/// Runs `runs` on `jobs` threads with `simulate`, recording each into `store`. `stop` is
/// polled before each run starts (Ctrl-C); runs in progress finish and are kept.
pub fn execute<F>(
    runs: &[Run],
    store: &Store,
    jobs: usize,
    stop: &AtomicBool,
    simulate: F,
) -> Result<Tally, String>
where
    F: Fn(&Scenario) -> Result<Report, String> + Sync,
{
    let pending: Vec<&Run> = runs.iter().filter(|r| !store.is_done(&r.id)).collect();
    let mut tally = Tally { planned: runs.len(), skipped: runs.len() - pending.len(), ..Tally::default() };
    let bar = ProgressBar::new(pending.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {elapsed} elapsed, ETA {eta}  {msg}")
            .expect("valid template"),
    );
    let ran = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let io_error = std::sync::Mutex::new(None);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build().map_err(|e| e.to_string())?;
    pool.install(|| {
        pending.par_iter().for_each(|run| {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let result = match catch_unwind(AssertUnwindSafe(|| simulate(&run.scenario))) {
                Ok(r) => r,
                Err(panic) => Err(format!("panicked: {}", panic_message(panic.as_ref()))),
            };
            if result.is_err() {
                failed.fetch_add(1, Ordering::SeqCst);
                bar.set_message(format!("{} failed", failed.load(Ordering::SeqCst)));
            }
            let outcome = Outcome {
                point: run.point,
                seed: run.seed,
                labels: &run.labels,
                run_id: &run.id,
                scenario: &run.scenario,
                result: &result,
            };
            if let Err(e) = store.record(&outcome) {
                *io_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.to_string());
                stop.store(true, Ordering::SeqCst);
            }
            ran.fetch_add(1, Ordering::SeqCst);
            bar.inc(1);
        })
    });
    bar.finish_and_clear();
    if let Some(e) = io_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(format!("cannot write results to {}: {e}", store.dir().display()));
    }
    tally.ran = ran.into_inner();
    tally.failed = failed.into_inner();
    tally.interrupted = tally.skipped + tally.ran < tally.planned;
    Ok(tally)
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Header;
    use cclab_sim::{FlowReport, LinkReport, Registry, TimeSeries};
    use std::path::Path;

    const SPEC: &str = "name: t\nduration: 2s\nseeds: 3\nlink: {rate: 10Mbps, buffer: 1bdp}\nflows:\n  - {algorithm: reno, rtt: 20ms, count: 2}\nsweep:\n  flows[0].rtt: [10ms, 20ms, 40ms, 80ms]\n";

    /// A deterministic stand-in for a simulator: numbers derived from the scenario.
    fn fake(s: &Scenario) -> Result<Report, String> {
        let rtt = s.flows[0].rtt.as_millis_f64();
        if s.seed == 2 && rtt == 40.0 {
            return Err("controller produced an invalid window: zero".into());
        }
        if s.seed == 3 && rtt == 80.0 {
            panic!("boom at {rtt}");
        }
        let flow = |i: usize| FlowReport {
            algorithm: s.flows[i].algorithm.clone(),
            group: 0,
            base_rtt_ms: rtt,
            goodput_mbps: 4.0 + s.seed as f64 + i as f64 / rtt,
            delivered_bytes: 1000,
            retransmits: s.seed,
            timeouts: 0,
            rtt_mean_ms: rtt * 1.5,
            rtt_p50_ms: rtt,
            rtt_p95_ms: rtt,
            rtt_p99_ms: rtt,
            mean_cwnd_segments: 10.0,
            fct_s: None,
        };
        Ok(Report {
            engine: "fake".into(),
            flows: vec![flow(0), flow(1)],
            link: LinkReport {
                utilization: 0.9,
                drops: 1,
                loss_rate: 0.01,
                queue_delay_mean_ms: rtt / 4.0,
                queue_delay_p50_ms: 1.0,
                queue_delay_p95_ms: 2.0,
                queue_delay_p99_ms: 3.0,
                mean_queue_bytes: 100.0,
            },
            jain_index: 0.99,
            series: TimeSeries { time_s: vec![0.0, 0.01], queue_bytes: vec![0.0, 1500.0], flows: vec![] },
            work: 1,
        })
    }

    fn setup(dir: &Path) -> (Experiment, Vec<Run>, Store) {
        let exp = crate::spec::parse("t.yaml", SPEC, Path::new("."), &Registry::with_builtins()).unwrap();
        let runs = plan(&exp, None);
        let header = Header {
            name: "t".into(),
            spec_text: SPEC.into(),
            spec_hash: plan_hash(&runs),
            swept: exp.swept.clone(),
            points: exp.points.len(),
            seeds: exp.seeds.clone(),
            engine: "packet".into(),
            shard: None,
        };
        let store = Store::open(dir, header).unwrap();
        (exp, runs, store)
    }

    fn tmp(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("cclab-runner-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn failures_and_panics_are_recorded_and_the_rest_goes_on() {
        let dir = tmp("fail");
        let (_, runs, store) = setup(&dir);
        let t = execute(&runs, &store, 2, &AtomicBool::new(false), fake).unwrap();
        assert_eq!((t.planned, t.ran, t.failed, t.interrupted), (12, 12, 2, false));
        store.finish(true).unwrap();
        let runs_csv = std::fs::read_to_string(dir.join("runs.csv")).unwrap();
        assert_eq!(runs_csv.lines().count(), 13);
        assert!(runs_csv.contains(",failed,controller produced an invalid window: zero,"), "{runs_csv}");
        assert!(runs_csv.contains(",failed,panicked: boom at 80,"), "{runs_csv}");
        let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
        // Point 2 (40 ms) lost seed 2: its goodput mean is over seeds 1 and 3 only:
        // per run 2 x 4 + 2 x seed + 1/40 -> (10.025 + 14.025) / 2 = 12.025.
        let p2 = summary.lines().find(|l| l.starts_with("2,")).unwrap();
        assert!(p2.starts_with("2,40ms,2,1,12.025,"), "{p2}");
    }

    #[test]
    fn output_does_not_depend_on_the_number_of_jobs() {
        let read = |jobs: usize| {
            let dir = tmp(&format!("jobs{jobs}"));
            let (_, runs, store) = setup(&dir);
            execute(&runs, &store, jobs, &AtomicBool::new(false), fake).unwrap();
            store.finish(true).unwrap();
            ["runs.csv", "flows.csv", "summary.csv", "traces/0-1.csv"]
                .map(|f| std::fs::read(dir.join(f)).unwrap())
        };
        assert_eq!(read(1), read(2));
    }

    #[test]
    fn a_rerun_skips_finished_runs_and_repairs_a_torn_line() {
        let dir = tmp("resume");
        {
            let (_, runs, store) = setup(&dir);
            // Stop after the first few: only runs already started finish.
            let stop = AtomicBool::new(false);
            let n = AtomicUsize::new(0);
            let t = execute(&runs, &store, 1, &stop, |s| {
                if n.fetch_add(1, Ordering::SeqCst) == 4 {
                    stop.store(true, Ordering::SeqCst);
                }
                fake(s)
            })
            .unwrap();
            assert!(t.interrupted);
            assert_eq!(t.ran, 5);
        }
        // A crash in the middle of a write leaves a partial line.
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().append(true).open(dir.join("runs.csv")).unwrap();
        f.write_all(b"7,2,80ms,ok,,1.0").unwrap();
        drop(f);
        let (_, runs, store) = setup(&dir);
        assert_eq!(store.already_done(), 5);
        let t = execute(&runs, &store, 2, &AtomicBool::new(false), fake).unwrap();
        assert_eq!((t.skipped, t.ran, t.interrupted), (5, 7, false));
        store.finish(true).unwrap();
        let text = std::fs::read_to_string(dir.join("runs.csv")).unwrap();
        let mut keys: Vec<&str> = text.lines().skip(1).map(|l| l.rsplit(',').next().unwrap()).collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!((n, keys.len()), (12, 12), "every run exactly once:\n{text}");
        let flows = std::fs::read_to_string(dir.join("flows.csv")).unwrap();
        assert_eq!(flows.lines().count(), 1 + 10 * 2, "two flows per successful run");
    }

    #[test]
    fn a_changed_spec_is_refused() {
        let dir = tmp("changed");
        let _ = setup(&dir);
        let exp = crate::spec::parse(
            "t.yaml",
            &SPEC.replace("2s", "3s"),
            Path::new("."),
            &Registry::with_builtins(),
        )
        .unwrap();
        let runs = plan(&exp, None);
        let header = Header {
            name: "t".into(),
            spec_text: String::new(),
            spec_hash: plan_hash(&runs),
            swept: exp.swept.clone(),
            points: 4,
            seeds: exp.seeds.clone(),
            engine: "packet".into(),
            shard: None,
        };
        let e = Store::open(&dir, header).err().unwrap();
        assert!(e.contains("holds results of a different spec"), "{e}");
    }

    #[test]
    fn shards_partition_the_runs() {
        let exp = crate::spec::parse("t.yaml", SPEC, Path::new("."), &Registry::with_builtins()).unwrap();
        let all: Vec<String> = plan(&exp, None).into_iter().map(|r| r.id).collect();
        let mut parts: Vec<String> =
            (1..=3).flat_map(|k| shard(plan(&exp, None), k, 3)).map(|r| r.id).collect();
        assert_eq!(parts.len(), all.len());
        parts.sort();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(parts, sorted);
    }
}
