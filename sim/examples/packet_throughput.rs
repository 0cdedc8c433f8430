//! Whole-process timing of the packet engine on the benchmark scenarios P1 and P1G:
//! `cargo run --release -p cclab-sim --example packet_throughput [P1|P1G]`.
//! Prints data packets through the bottleneck per second of wall-clock time.

use cclab_sim::{BufferSize, Duration, Rate, Registry, Scenario, packet};

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "P1G".to_string());
    let mbps = match which.as_str() {
        "P1" => 100,
        "P1G" => 1000,
        other => panic!("unknown scenario {other}; use P1 or P1G"),
    };
    // 10 reno flows (SACK), 40 ms, 1-BDP drop-tail buffer, 60 s, metrics and 10 ms series on.
    let s = Scenario::dumbbell(
        "reno",
        10,
        Rate::from_mbps(mbps),
        Duration::from_millis(40),
        BufferSize::Bdp(1.0),
        Duration::from_secs(60),
    );
    let registry = Registry::with_builtins();
    let t = std::time::Instant::now();
    let r = packet::run(&s, &registry).expect("the benchmark scenario runs");
    let wall = t.elapsed().as_secs_f64();
    println!(
        "{which}: {} data packets in {:.3} s = {:.2} million packets/s; utilisation {:.4}, Jain {:.4}",
        r.work,
        wall,
        r.work as f64 / wall / 1e6,
        r.link.utilization,
        r.jain_index
    );
}
