//! Fluid vs packet engine: CPU time per simulated second on P1 at 10 and 100 Gbit/s.
//!
//! P1: 10 Reno flows (SACK), 40 ms base RTT, a 1-BDP drop-tail buffer, metrics and 10 ms
//! time series on (the scenario of the packet bench, at higher rates). At 100 Gbit/s a
//! 60 s packet run is ~5e8 packets, so both engines are timed over the same short span
//! after a warm start: each iteration runs P1 for W = 2 s and for W + S = 7 s with the
//! same seed and counts the difference per simulated second, once the flows have left
//! slow start and the link is full (it is from 1.5 s at 10 Gbit/s, 0.75 s at 100 Gbit/s).
//! The span is 5 s because the warm run's cost (slow start's loss episode) varies by tens
//! of milliseconds between runs, as much as one simulated second costs the packet engine
//! at 10 Gbit/s. Time is the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), so
//! other work on a shared machine does not inflate it.
//!
//! Criterion reports, per engine and rate, the CPU time of one simulated second; the end
//! of the run prints the medians and the packet/fluid ratio as a table (the README's).
//!
//! `cargo bench -p cclab-sim --bench engines`

use cclab_sim::{BufferSize, Duration, Engine, Rate, Registry, Scenario};
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration as StdDuration;

/// Warm start and measured span, simulated.
const WARM: u64 = 2;
const SPAN: u64 = 5;

fn p1(engine: Engine, gbps: u64, secs: u64) -> Scenario {
    let mut s = Scenario::dumbbell(
        "reno",
        10,
        Rate::from_mbps(gbps * 1000),
        Duration::from_millis(40),
        BufferSize::Bdp(1.0),
        Duration::from_secs(secs),
    );
    s.engine = engine;
    s
}

/// The calling thread's CPU time.
fn thread_cpu() -> StdDuration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer; the clock id is a
    // constant every Linux supports.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    StdDuration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Criterion measurement: thread CPU time, reported like wall time.
struct CpuTime;

impl Measurement for CpuTime {
    type Intermediate = StdDuration;
    type Value = StdDuration;

    fn start(&self) -> StdDuration {
        thread_cpu()
    }
    fn end(&self, start: StdDuration) -> StdDuration {
        thread_cpu().saturating_sub(start)
    }
    fn add(&self, a: &StdDuration, b: &StdDuration) -> StdDuration {
        *a + *b
    }
    fn zero(&self) -> StdDuration {
        StdDuration::ZERO
    }
    fn to_f64(&self, v: &StdDuration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Formats nanoseconds of CPU time; throughput is simulated milliseconds per CPU second.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (div, unit) = if typical < 1e3 {
            (1.0, "ns cpu")
        } else if typical < 1e6 {
            (1e3, "µs cpu")
        } else if typical < 1e9 {
            (1e6, "ms cpu")
        } else {
            (1e9, "s cpu")
        };
        values.iter_mut().for_each(|v| *v /= div);
        unit
    }

    fn scale_throughputs(&self, _typical: f64, throughput: &Throughput, values: &mut [f64]) -> &'static str {
        let per = match throughput {
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => *n as f64,
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => *n as f64,
            Throughput::Bits(n) => *n as f64,
        };
        values.iter_mut().for_each(|v| *v = per * 1e9 / *v);
        "sim-ms/cpu-s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// CPU time of simulated seconds W..W+S: run(W + S) − run(W).
fn steady_cost(engine: Engine, gbps: u64, registry: &Registry) -> StdDuration {
    let warm = p1(engine, gbps, WARM);
    let long = p1(engine, gbps, WARM + SPAN);
    let t0 = thread_cpu();
    black_box(cclab_sim::run(&warm, registry).expect("P1 runs"));
    let t1 = thread_cpu();
    black_box(cclab_sim::run(&long, registry).expect("P1 runs"));
    let t2 = thread_cpu();
    (t2 - t1).saturating_sub(t1 - t0)
}

const CASES: [(Engine, &str, u64); 4] = [
    (Engine::Fluid, "fluid", 10),
    (Engine::Packet, "packet", 10),
    (Engine::Fluid, "fluid", 100),
    (Engine::Packet, "packet", 100),
];

fn engines(c: &mut Criterion<CpuTime>) {
    let registry = Registry::with_builtins();
    let mut group = c.benchmark_group("p1_cpu_per_simulated_second");
    group.warm_up_time(StdDuration::from_millis(500));
    group.throughput(Throughput::Elements(SPAN * 1000));
    for (engine, name, gbps) in CASES {
        // The packet engine at 100 Gbit/s takes seconds per iteration: criterion's
        // minimum of 10 samples is plenty.
        group.sample_size(if engine == Engine::Packet { 10 } else { 30 });
        group.bench_function(BenchmarkId::new(name, format!("{gbps}Gbps")), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| steady_cost(engine, gbps, &registry)).sum())
        });
    }
    group.finish();
}

/// The README table: the median of a few measurements per case and the ratios.
fn summary(_c: &mut Criterion<CpuTime>) {
    let registry = Registry::with_builtins();
    let median = |engine, gbps, n: usize| {
        let mut v: Vec<StdDuration> = (0..n).map(|_| steady_cost(engine, gbps, &registry)).collect();
        v.sort();
        v[n / 2]
    };
    println!("\nP1, CPU time per simulated second after a {WARM} s warm start (median):");
    println!("| link rate | packet engine | fluid engine | packet / fluid |");
    println!("|---|---|---|---|");
    for gbps in [10, 100] {
        let packet = median(Engine::Packet, gbps, 5) / SPAN as u32;
        let fluid = median(Engine::Fluid, gbps, 31) / SPAN as u32;
        println!(
            "| {gbps} Gbit/s | {:.1} ms | {:.3} ms | {:.0}x |",
            packet.as_secs_f64() * 1e3,
            fluid.as_secs_f64() * 1e3,
            packet.as_secs_f64() / fluid.as_secs_f64()
        );
    }
}

fn cpu_criterion() -> Criterion<CpuTime> {
    Criterion::default().with_measurement(CpuTime)
}

criterion_group! {
    name = benches;
    config = cpu_criterion();
    targets = engines, summary
}
criterion_main!(benches);
