//! Results folders for the plot tests and the notebook, written by the real runner and
//! store from a deterministic stand-in simulator (plotting must not depend on which engine
//! produced the numbers, and a unit test must not wait for a real engine).
//!
//! The stand-in is a first-order model: every active flow approaches its weighted share of
//! the busy capacity with a time constant that depends on its algorithm; sized flows
//! leave when their bytes are delivered; the queue grows with the buffer. It is not a
//! simulation of TCP, only data with the shapes real results have: staggered starts,
//! convergence, completion times, seeds that differ, controller internals.

use crate::results::{Header, Store};
use crate::runner::{execute, fnv1a, plan, plan_hash};
use cclab_sim::{
    BufferSize, FlowReport, FlowSeries, LinkReport, Registry, Report, Scenario, TimeSeries, jain_index,
};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// A sweep: 2 algorithms x 4 buffers x 3 seeds, two bulk flows that start 0.5 s apart and
/// two sized flows.
pub const SWEEP: &str = "\
name: fixture-sweep
duration: 3s
seeds: 3
link: {rate: 10Mbps, buffer: 1bdp}
flows:
  - {algorithm: reno, rtt: 20ms, count: 2, stagger: 0.5s}
  - {algorithm: reno, rtt: 40ms, count: 2, start: 0.2s, stagger: 0.3s, size: 200KB}
sweep:
  flows[0].algorithm: [reno, cubic]
  link.buffer: [0.5bdp, 1bdp, 2bdp, 4bdp]
";

/// One point, three seeds: the shape of the quickstart.
pub const POINT: &str = "\
name: fixture-point
duration: 3s
seeds: 3
link: {rate: 10Mbps, buffer: 1bdp}
flows:
  - {algorithm: cubic, rtt: 20ms, count: 2, stagger: 0.5s}
  - {algorithm: reno, rtt: 40ms, count: 2, start: 0.2s, stagger: 0.3s, size: 200KB}
";

/// A number in [-1, 1] fixed by (seed, a, b).
fn noise(seed: u64, a: u64, b: u64) -> f64 {
    let h = fnv1a(&[seed.to_le_bytes(), a.to_le_bytes(), b.to_le_bytes()].concat());
    (h % 20_001) as f64 / 10_000.0 - 1.0
}

/// The stand-in simulator.
pub fn fake(s: &Scenario) -> Result<Report, String> {
    let c = s.capacity().as_mbps_f64();
    let k = match s.link.buffer {
        BufferSize::Bdp(k) => k,
        _ => 1.0,
    };
    let dt = 0.01;
    let steps = (s.duration.as_secs_f64() / dt).round() as usize;
    let n = s.flows.len();
    let max_rtt = s.flows.iter().map(|f| f.rtt.as_millis_f64()).fold(0.0, f64::max);
    // Convergence time constants, s, varied by the seed as phase effects would.
    let tau: Vec<f64> = (0..n)
        .map(|i| {
            let base = if s.flows[i].algorithm == "cubic" { 0.25 } else { 0.6 };
            base * (1.0 + 0.25 * noise(s.seed, i as u64, 1000))
        })
        .collect();
    // Small buffers leave the link idle after losses: 89% busy at 0.5 BDP, 96% at 4.
    let busy = 0.97 - 0.25 / (1.0 + 4.0 * k);
    let mut rate = vec![0.0f64; n];
    let mut delivered = vec![0.0f64; n];
    let mut done: Vec<Option<f64>> = vec![None; n];
    let mut series = TimeSeries {
        flows: s
            .flows
            .iter()
            .map(|f| FlowSeries {
                internals: if f.algorithm == "cubic" {
                    vec![("w_max".to_string(), Vec::new())]
                } else {
                    Vec::new()
                },
                ..FlowSeries::default()
            })
            .collect(),
        ..TimeSeries::default()
    };
    let mut w_max = vec![0.0f64; n];
    for step in 0..steps {
        let t = step as f64 * dt;
        let active: Vec<bool> =
            (0..n).map(|i| s.flows[i].start.as_secs_f64() <= t && done[i].is_none()).collect();
        // CUBIC flows take a larger share than Reno flows, as they do on deep buffers.
        let weight = |i: usize| if s.flows[i].algorithm == "cubic" { 1.4 } else { 1.0 };
        let total_weight: f64 = (0..n).filter(|&i| active[i]).map(weight).sum::<f64>().max(1.0);
        // The queue fills with the buffer and wobbles with the seed: half the buffer on
        // average, so the queueing delay is about k x max RTT / 2.
        let fill = (0.5 + 0.2 * (t * 3.0 + s.seed as f64).sin()).clamp(0.0, 1.0);
        let q_ms = fill * k * max_rtt;
        series.time_s.push(t);
        series.queue_bytes.push(q_ms / 1000.0 * c * 1e6 / 8.0);
        for i in 0..n {
            let f = &s.flows[i];
            let fs = &mut series.flows[i];
            if active[i] {
                let share =
                    busy * c * weight(i) / total_weight * (1.0 + 0.08 * noise(s.seed, i as u64, 2000));
                let wobble = 1.0 + 0.06 * noise(s.seed, i as u64, step as u64);
                rate[i] += (share - rate[i]) * dt / tau[i];
                let r = (rate[i] * wobble).max(0.0);
                delivered[i] += r * 1e6 / 8.0 * dt;
                if let Some(size) = f.size {
                    if delivered[i] >= size.as_f64() {
                        done[i] = Some(t + dt - f.start.as_secs_f64());
                    }
                }
                let rtt = f.rtt.as_millis_f64() + q_ms;
                let cwnd = r * 1e6 / 8.0 * rtt / 1000.0 / 1500.0;
                w_max[i] = w_max[i].max(cwnd);
                fs.goodput_mbps.push(r);
                fs.rate_mbps.push(r * 1.02);
                fs.cwnd_segments.push(cwnd);
                fs.rtt_ms.push(rtt);
            } else {
                let started = f.start.as_secs_f64() <= t;
                fs.goodput_mbps.push(0.0);
                fs.rate_mbps.push(0.0);
                fs.cwnd_segments.push(0.0);
                // No RTT sample before the first ACK: an empty cell, as real traces have.
                fs.rtt_ms.push(if started { f.rtt.as_millis_f64() } else { f64::NAN });
            }
            for (_, v) in &mut fs.internals {
                v.push(0.9 * w_max[i]);
            }
        }
    }
    let secs = s.duration.as_secs_f64();
    let flows: Vec<FlowReport> = (0..n)
        .map(|i| {
            let f = &s.flows[i];
            let g = delivered[i] * 8.0 / 1e6 / secs;
            FlowReport {
                algorithm: f.algorithm.clone(),
                group: f.group,
                base_rtt_ms: f.rtt.as_millis_f64(),
                goodput_mbps: g,
                delivered_bytes: delivered[i] as u64,
                retransmits: (3.0 + 2.0 * noise(s.seed, i as u64, 7)).round() as u64,
                timeouts: 0,
                rtt_mean_ms: f.rtt.as_millis_f64() + 0.5 * k * max_rtt,
                rtt_p50_ms: f.rtt.as_millis_f64(),
                rtt_p95_ms: f.rtt.as_millis_f64() + k * max_rtt,
                rtt_p99_ms: f.rtt.as_millis_f64() + k * max_rtt,
                mean_cwnd_segments: g * 1e6 / 8.0 * f.rtt.as_secs_f64() / 1500.0,
                fct_s: done[i],
            }
        })
        .collect();
    let goodputs: Vec<f64> = flows.iter().map(|f| f.goodput_mbps).collect();
    let mean_q = 0.5 * k * max_rtt * (1.0 + 0.25 * noise(s.seed, 99, 0));
    Ok(Report {
        engine: "fake".into(),
        jain_index: jain_index(&goodputs),
        link: LinkReport {
            utilization: goodputs.iter().sum::<f64>() / c,
            drops: 10,
            loss_rate: 0.01 / k,
            queue_delay_mean_ms: mean_q,
            queue_delay_p50_ms: mean_q,
            queue_delay_p95_ms: 1.6 * mean_q,
            queue_delay_p99_ms: 1.9 * mean_q,
            mean_queue_bytes: mean_q / 1000.0 * c * 1e6 / 8.0,
        },
        flows,
        series,
        work: steps as u64,
    })
}

/// Runs `spec` with the stand-in into `dir` (emptied first), as `cclab run` would.
pub fn write(dir: &Path, spec: &str) {
    let _ = std::fs::remove_dir_all(dir);
    let exp = crate::spec::parse("fixture.yaml", spec, Path::new("."), &Registry::with_builtins())
        .expect("the fixture specs are valid");
    let runs = plan(&exp, None);
    let header = Header {
        name: exp.spec.name.clone(),
        spec_text: spec.into(),
        spec_hash: plan_hash(&runs),
        swept: exp.swept.clone(),
        points: exp.points.len(),
        seeds: exp.seeds.clone(),
        engine: "packet".into(),
        shard: None,
    };
    let store = Store::open(dir, header).expect("a fresh folder opens");
    let t = execute(&runs, &store, 2, &AtomicBool::new(false), fake).expect("the stand-in runs");
    assert_eq!(t.failed, 0);
    store.finish(true).expect("the folder is finished");
}
