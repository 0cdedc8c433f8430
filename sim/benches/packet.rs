//! Packet-engine throughput: data packets through the bottleneck per wall-clock second.
//!
//! P1: 10 reno flows (SACK), 100 Mbit/s, 40 ms, 1-BDP drop-tail buffer, 60 s: about
//! 500,000 data packets. P1G: the same at 1 Gbit/s, about 5 million. Metrics and time
//! series (10 ms) are on. Run with `cargo bench -p cclab-sim --bench packet`; criterion
//! reports the time per run and, as throughput, data packets per second.

use cclab_sim::{BufferSize, Duration, Rate, Registry, Scenario, packet};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn scenario(mbps: u64) -> Scenario {
    Scenario::dumbbell(
        "reno",
        10,
        Rate::from_mbps(mbps),
        Duration::from_millis(40),
        BufferSize::Bdp(1.0),
        Duration::from_secs(60),
    )
}

fn bench(c: &mut Criterion) {
    let registry = Registry::with_builtins();
    let mut group = c.benchmark_group("packet");
    for (name, mbps, samples) in [("P1", 100, 20), ("P1G", 1000, 10)] {
        let s = scenario(mbps);
        let work = packet::run(&s, &registry).unwrap().work;
        group.throughput(Throughput::Elements(work));
        group.sample_size(samples);
        group.bench_function(name, |b| b.iter(|| packet::run(&s, &registry).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
