//! The fluid engine's cost per simulated second does not grow with the link rate.
//!
//! P1: 10 Reno flows, 40 ms base RTT, a 1-BDP drop-tail buffer, 60 s simulated, at
//! 100 Mbit/s, 1, 10 and 100 Gbit/s. Each iteration is one whole run; divide the time per
//! iteration by 60 for the cost of one simulated second.
//!
//! `cargo bench -p cclab-sim --bench fluid`

use cclab_sim::{BufferSize, Duration, Engine, Rate, Registry, Scenario, fluid};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn p1(rate: Rate) -> Scenario {
    let mut s = Scenario::dumbbell(
        "reno",
        10,
        rate,
        Duration::from_millis(40),
        BufferSize::Bdp(1.0),
        Duration::from_secs(60),
    );
    s.engine = Engine::Fluid;
    s
}

fn link_rates(c: &mut Criterion) {
    let registry = Registry::with_builtins();
    let mut group = c.benchmark_group("fluid_p1_60s");
    group.sample_size(20);
    for (label, mbps) in [("100Mbps", 100), ("1Gbps", 1_000), ("10Gbps", 10_000), ("100Gbps", 100_000)] {
        let scenario = p1(Rate::from_mbps(mbps));
        group.bench_with_input(BenchmarkId::from_parameter(label), &scenario, |b, s| {
            b.iter(|| fluid::run(black_box(s), &registry).expect("P1 runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, link_rates);
criterion_main!(benches);
