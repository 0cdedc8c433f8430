//! Whole-run tests of the fluid engine: invariants, and sanity checks against the
//! formulas of the reference sheet with their tolerances.

use super::engine::Engine;
use super::run;
use crate::scenario::{CrossTraffic, Jitter, QueueDiscipline, RedParams, Scenario, UdpSource};
use crate::{BufferSize, Bytes, CapacityTrace, Duration, LossModel, Rate, Registry, Report, SimError, Time};
use cclab_algorithms::{Ack, AlgorithmConfig, Congestion, CongestionControl, FlowContext, Rto, reno::Reno};
use serde::{Deserialize, Serialize};

/// A saturated link's goodput per unit of capacity: payload / wire bytes of a full
/// segment, 1448 / 1500.
const PAYLOAD_SHARE: f64 = 1448.0 / 1500.0;

fn dumbbell(alg: &str, n: usize, mbps: u64, rtt_ms: u64, buffer: BufferSize, secs: u64) -> Scenario {
    let mut s = Scenario::dumbbell(
        alg,
        n,
        Rate::from_mbps(mbps),
        Duration::from_millis(rtt_ms),
        buffer,
        Duration::from_secs(secs),
    );
    s.engine = crate::Engine::Fluid;
    s
}

fn go(s: &Scenario) -> Report {
    run(s, &Registry::with_builtins()).unwrap()
}

/// Window reductions in a cwnd series over samples at or after `from_s`: (before, after).
fn reductions(r: &Report, from_s: f64) -> Vec<(f64, f64)> {
    let cwnd = &r.series.flows[0].cwnd_segments;
    (1..cwnd.len())
        .filter(|&i| r.series.time_s[i] >= from_s && cwnd[i] < 0.8 * cwnd[i - 1])
        .map(|i| (cwnd[i - 1], cwnd[i]))
        .collect()
}

#[test]
fn one_reno_flow_fills_a_link_with_a_one_bdp_buffer_in_a_sawtooth() {
    // 10 Mbit/s, 40 ms: BDP = 50,000 B; buffer 1 BDP. Reference §3.10: U(1) = 1 (M1:
    // ±3 points), so goodput = 10 x 1448/1500 = 9.653 Mbit/s.
    let mut s = dumbbell("reno", 1, 10, 40, BufferSize::Bdp(1.0), 60);
    s.warmup = Duration::from_secs(10);
    let r = go(&s);
    assert!(r.link.utilization >= 0.97, "{}", r.link.utilization);
    let goodput = r.flows[0].goodput_mbps;
    assert!((goodput / (10.0 * PAYLOAD_SHARE) - 1.0).abs() < 0.03, "{goodput}");
    assert_eq!(r.engine, "fluid");

    // The sawtooth: the window peaks at (BDP + B) / 1500 B = 66.7 segments (+2 for the
    // RTT of loss detection and rounding) and halves. Growth from 34 to 67 segments takes
    // Σ_{W=34}^{67} W x 1.2 ms (RTT = W packets / C once the queue builds) = 2.06 s, plus
    // about one 80 ms RTT of recovery: one reduction per 2.14 s, 23.4 in 50 s (±3).
    let cuts = reductions(&r, 10.0);
    assert!((20..=27).contains(&cuts.len()), "{} reductions: {cuts:?}", cuts.len());
    for &(before, after) in &cuts {
        assert!((66.0..=70.0).contains(&before), "peak {before}");
        assert!((after / before - 0.5).abs() < 0.02, "{before} -> {after}");
    }
}

#[test]
fn small_buffers_lose_utilisation_as_the_sawtooth_formula_says() {
    // Reference §3.10: U(b) = 3(1+b)^2 / (4(1+b+b^2)); U(0) = 0.75, U(0.25) = 0.893,
    // U(0.5) = 0.964. M1 tolerance: ±3 points. A zero buffer holds one packet (b = 0.03,
    // U = 0.772), within the same tolerance of 0.75.
    for b in [0.0, 0.25, 0.5] {
        let mut s = dumbbell("reno", 1, 10, 40, BufferSize::Bdp(b), 60);
        s.warmup = Duration::from_secs(10);
        let r = go(&s);
        let expected = 3.0 * (1.0 + b) * (1.0 + b) / (4.0 * (1.0 + b + b * b));
        let u = r.link.utilization;
        assert!((u - expected).abs() <= 0.03, "b = {b}: U = {u}, expected {expected}");
    }
}

#[test]
fn two_identical_reno_flows_share_the_link_fairly() {
    // L5: Jain's index ≥ 0.95; each flow gets half of 9.653 Mbit/s within 5 %.
    let mut s = dumbbell("reno", 2, 10, 40, BufferSize::Bdp(1.0), 60);
    s.warmup = Duration::from_secs(10);
    let r = go(&s);
    assert!(r.jain_index >= 0.95, "{}", r.jain_index);
    for f in &r.flows {
        assert!((f.goodput_mbps / (5.0 * PAYLOAD_SHARE) - 1.0).abs() < 0.05, "{}", f.goodput_mbps);
    }
}

#[test]
fn a_small_receive_buffer_with_a_slow_reader_limits_goodput_to_the_read_rate() {
    // 64 KB buffer read at 2 Mbit/s on a 10 Mbit/s link: the advertised window throttles
    // the sender to the reader, 2 Mbit/s within 2 %, with no loss and no queue.
    let mut s = dumbbell("reno", 1, 10, 40, BufferSize::Bdp(1.0), 60);
    s.flows[0].receiver.buffer = Bytes::new(64_000);
    s.flows[0].receiver.read_rate = Some(Rate::from_mbps(2));
    s.warmup = Duration::from_secs(10);
    let r = go(&s);
    assert!((r.flows[0].goodput_mbps / 2.0 - 1.0).abs() < 0.02, "{}", r.flows[0].goodput_mbps);
    assert_eq!(r.link.drops, 0);
    // rwnd, not cwnd, limits the flow: the window does not grow without bound (Linux
    // tcp_is_cwnd_limited), it stays near what the first rounds reached.
    assert!(r.flows[0].mean_cwnd_segments < 100.0, "{}", r.flows[0].mean_cwnd_segments);
}

#[test]
fn a_sized_flow_completes_in_its_slow_start_rounds() {
    // Reference §3.11: 100 segments with IW10 take k* = ceil(log2(100/10 + 1)) = 4
    // rounds; FCT = 1 RTT (handshake) + (k* − 1) RTT + RTT/2 + N·MSS·8/C
    // = 40 + 120 + 20 + 100 x 1448 x 8 / 1 Gbit/s (1.16 ms) = 181.2 ms, within two 1 ms
    // steps.
    let mut s = dumbbell("reno", 1, 1000, 40, BufferSize::Bdp(1.0), 2);
    s.flows[0].size = Some(Bytes::new(100 * 1448));
    s.jitter = Jitter::none();
    let r = go(&s);
    let fct = r.flows[0].fct_s.expect("the flow finishes");
    assert!((fct - 0.1812).abs() <= 0.002, "{fct}");
    assert_eq!(r.flows[0].delivered_bytes, 100 * 1448);
    assert_eq!(r.flows[0].retransmits, 0);
    // A flow that cannot finish has no FCT.
    s.flows[0].size = Some(Bytes::new(1 << 40));
    assert_eq!(go(&s).flows[0].fct_s, None);
}

#[test]
fn periodic_loss_gives_the_mathis_window() {
    // One loss per 1/p packets, on a link far faster than the flow (1 Gbit/s, 40 ms), so
    // the RTT is fixed. Mathis (§3.1, M3): mean window sqrt(3/(2p)) = 1.2247/sqrt(p),
    // ±7 %. The formula halves the window at the loss itself; a real sender halves one
    // RTT later and holds the window for the recovery RTT, so a cycle of w = W/2 rounds
    // sends w (recovery) + Σ_{j<w} (w + j) = 1.5 w^2 + 0.5 w = 1/p packets in w + 1
    // rounds: mean window (1/p)/(w + 1). That refinement (122.5 → 121.2 at p = 1e-4,
    // 38.7 → 37.5 at 1e-3, 12.2 → 11.1 at 1e-2) must hold within 7 % everywhere; Mathis
    // itself where windows are large (p ≤ 1e-3).
    for p in [1e-4, 1e-3, 1e-2] {
        let mut s = dumbbell("reno", 1, 1000, 40, BufferSize::Bdp(1.0), 120);
        s.link.loss = LossModel::Periodic { p };
        s.warmup = Duration::from_secs(20);
        let r = go(&s);
        let w = r.flows[0].mean_cwnd_segments;
        let half = (-0.5 + (0.25 + 6.0 / p).sqrt()) / 3.0;
        let refined = (1.0 / p) / (half + 1.0);
        assert!((w / refined - 1.0).abs() < 0.07, "p = {p}: W = {w}, refined model {refined}");
        if p <= 1e-3 {
            let mathis = 1.2247 / p.sqrt();
            assert!((w / mathis - 1.0).abs() < 0.07, "p = {p}: W = {w}, Mathis {mathis}");
        }
        // The measured loss rate is p (losses during slow start are before the warm-up).
        assert!((r.link.loss_rate / p - 1.0).abs() < 0.05, "{}", r.link.loss_rate);
    }
}

#[test]
fn every_builtin_algorithm_runs_and_vegas_keeps_alpha_to_beta_packets_queued() {
    for alg in ["reno", "vegas", "westwood", "bic", "cubic"] {
        let mut s = dumbbell(alg, 1, 10, 40, BufferSize::Bdp(1.0), 60);
        s.warmup = Duration::from_secs(10);
        let r = go(&s);
        assert!(r.link.utilization >= 0.97, "{alg}: {}", r.link.utilization);
        if alg == "vegas" {
            // T12: Linux Vegas (α = 2, β = 4) keeps between α and β of its packets in the
            // queue: time-averaged within [α − 1, β + 1] = [1, 5] packets of 1500 B.
            let packets = r.link.mean_queue_bytes / 1500.0;
            assert!((1.0..=5.0).contains(&packets), "{packets}");
            assert_eq!(r.link.drops, 0);
        }
    }
}

#[test]
fn a_capacity_trace_is_served_by_its_opportunities() {
    // One opportunity per ms (lines 1..=1000): 12 Mbit/s (§5, T15). A backlogged Reno flow
    // with a 1-BDP buffer uses it fully (±3 points), for a goodput of 12 x 1448/1500.
    let text: String = (1..=1000).map(|i| format!("{i}\n")).collect();
    let mut s = dumbbell("reno", 1, 1, 40, BufferSize::Bdp(1.0), 60);
    s.link.trace = Some(CapacityTrace::parse("flat", &text).unwrap());
    s.warmup = Duration::from_secs(10);
    let r = go(&s);
    assert!(r.link.utilization >= 0.97, "{}", r.link.utilization);
    let goodput = r.flows[0].goodput_mbps;
    assert!((goodput / (12.0 * PAYLOAD_SHARE) - 1.0).abs() < 0.03, "{goodput}");
}

#[test]
fn a_udp_source_takes_its_rate_and_tcp_the_rest() {
    // 5 Mbit/s CBR on a 10 Mbit/s link: Reno gets (10 − 5) x 1448/1500 = 4.83 Mbit/s
    // within 5 % (the UDP source loses a little at each overflow, which Reno takes).
    let mut s = dumbbell("reno", 1, 10, 40, BufferSize::Bdp(1.0), 60);
    s.cross_traffic.push(CrossTraffic::Udp(UdpSource {
        rate: Rate::from_mbps(5),
        start: Time::ZERO,
        stop: None,
        packet_size: Bytes::new(1500),
        on: None,
        off: None,
    }));
    s.warmup = Duration::from_secs(10);
    let r = go(&s);
    assert!(r.link.utilization >= 0.97, "{}", r.link.utilization);
    let goodput = r.flows[0].goodput_mbps;
    assert!((goodput / (5.0 * PAYLOAD_SHARE) - 1.0).abs() < 0.05, "{goodput}");
}

#[test]
fn losing_whole_windows_leads_to_timeouts_and_the_flow_recovers() {
    // Gilbert–Elliott bursts of 50 packets on average (p_bg = 0.02), all lost: a burst
    // longer than the window leaves no ACK to detect the loss by, so only the RTO helps.
    let mut s = dumbbell("reno", 1, 10, 40, BufferSize::Bdp(1.0), 60);
    s.link.loss = LossModel::GilbertElliott {
        p_good_to_bad: 0.0005,
        p_bad_to_good: 0.02,
        loss_good: 0.0,
        loss_bad: 1.0,
    };
    let r = go(&s);
    let f = &r.flows[0];
    assert!(f.timeouts >= 1, "{f:?}");
    assert!(f.retransmits > 0 && f.delivered_bytes > 0, "{f:?}");
    // Without bursts no timeout happens.
    s.link.loss = LossModel::None;
    assert_eq!(go(&s).flows[0].timeouts, 0);
}

#[test]
fn the_queue_stays_in_its_buffer_and_nothing_is_delivered_before_it_is_sent() {
    // A busy mix: 4 flows of different algorithms and RTTs (one sized), random loss, RED,
    // and an on-off UDP source over a small buffer. Checked at every step.
    let mut s = dumbbell("reno", 4, 20, 30, BufferSize::Bdp(0.3), 20);
    s.flows[1].algorithm = "cubic".into();
    s.flows[1].rtt = Duration::from_millis(80);
    s.flows[2].algorithm = "vegas".into();
    s.flows[3].algorithm = "westwood".into();
    s.flows[3].size = Some(Bytes::new(2_000_000));
    s.link.loss = LossModel::Bernoulli { p: 0.001 };
    s.link.queue = QueueDiscipline::Red(RedParams {
        min_threshold: BufferSize::Packets(5),
        max_threshold: BufferSize::Packets(15),
        max_probability: 0.1,
        weight: 0.002,
        gentle: true,
    });
    s.cross_traffic.push(CrossTraffic::Udp(UdpSource {
        rate: Rate::from_mbps(5),
        start: Time::ZERO + Duration::from_secs(2),
        stop: None,
        packet_size: Bytes::new(1500),
        on: Some(Duration::from_millis(200)),
        off: Some(Duration::from_millis(300)),
    }));
    let registry = Registry::with_builtins();
    let mut e = Engine::new(&s, &registry).unwrap();
    let buffer = e.queue.buffer;
    let mut last = [[0.0; 4]; 4];
    while e.k < e.steps {
        e.step().unwrap();
        assert!((0.0..=buffer + 1e-6).contains(&e.queue.q), "step {}: q = {}", e.k, e.queue.q);
        for (i, prev) in last.iter_mut().enumerate() {
            let now = e.flow_counters(i);
            let [sent, received, acked, read] = now;
            // Data reaches the receiver before its ACK reaches the sender.
            assert!(read <= received + 1e-6 && received <= sent + 1e-6, "flow {i}: {now:?}");
            assert!(acked <= received + 1e-6, "flow {i}: {now:?}");
            assert!(now.iter().zip(prev.iter()).all(|(n, p)| n >= p), "flow {i} went backwards");
            *prev = now;
        }
    }
    let r = e.finish();
    assert!(r.link.drops > 0 && r.link.loss_rate > 0.0);
    assert!(r.flows[3].fct_s.is_some());
    for f in &r.flows {
        assert!(f.goodput_mbps > 0.0, "{f:?}");
    }
}

#[test]
fn the_same_seed_gives_the_same_report_and_another_seed_another() {
    let mut s = dumbbell("cubic", 3, 20, 40, BufferSize::Bdp(0.5), 10);
    s.link.loss = LossModel::Bernoulli { p: 0.0005 };
    let json = |s: &Scenario| serde_json::to_string(&go(s)).unwrap();
    let a = json(&s);
    assert_eq!(a, json(&s));
    s.seed = 2;
    assert_ne!(a, json(&s));
}

#[test]
fn the_step_count_does_not_depend_on_the_link_rate() {
    // Work = steps = duration / min(1 ms, 40 ms / 20) = 5 s / 1 ms, at any rate.
    for mbps in [100, 100_000] {
        let s = dumbbell("reno", 10, mbps, 40, BufferSize::Bdp(1.0), 5);
        assert_eq!(go(&s).work, 5_000);
    }
    // A 10 ms RTT gives 0.5 ms steps; an explicit step wins.
    let mut s = dumbbell("reno", 1, 10, 10, BufferSize::Bdp(1.0), 1);
    assert_eq!(go(&s).work, 2_000);
    s.fluid_step = Some(Duration::from_micros(250));
    assert_eq!(go(&s).work, 4_000);
}

#[test]
fn time_series_are_sampled_at_the_trace_interval_with_the_controller_internals() {
    let mut s = dumbbell("cubic", 2, 10, 40, BufferSize::Bdp(1.0), 10);
    s.trace_interval = Duration::from_millis(100);
    let r = go(&s);
    // 10 s / 100 ms = 100 samples, at 0.1, 0.2, ... s.
    assert_eq!(r.series.time_s.len(), 100);
    assert!((r.series.time_s[9] - 1.0).abs() < 1e-9);
    assert_eq!(r.series.queue_bytes.len(), 100);
    for f in &r.series.flows {
        assert_eq!(f.cwnd_segments.len(), 100);
        assert_eq!(f.rate_mbps.len(), 100);
        assert!(!f.internals.is_empty());
        assert!(f.internals.iter().all(|(_, v)| v.len() == 100));
    }
    // Two flows share 10 Mbit/s: their sending rates add up to about the capacity.
    let last: f64 = r.series.flows.iter().map(|f| f.rate_mbps[99]).sum();
    assert!((last - 10.0).abs() < 1.5, "{last}");
    s.trace_interval = Duration::ZERO;
    assert!(go(&s).series.time_s.is_empty());
}

#[test]
fn bad_scenarios_and_algorithms_are_reported_with_their_flow() {
    let registry = Registry::with_builtins();
    let mut s = dumbbell("reno", 2, 10, 40, BufferSize::Bdp(1.0), 1);
    s.flows[1].algorithm = "renno".into();
    assert!(matches!(run(&s, &registry), Err(SimError::Algorithm { flow: 1, .. })));
    let mut s = dumbbell("reno", 1, 10, 40, BufferSize::Bdp(1.0), 1);
    s.fluid_step = Some(Duration::from_millis(50));
    let e = run(&s, &registry).unwrap_err().to_string();
    assert_eq!(e, "invalid scenario: fluid_step (50ms) must not exceed the smallest base RTT (40ms)");
    s.fluid_step = None;
    s.flows.clear();
    assert!(matches!(run(&s, &registry), Err(SimError::Invalid(_))));
}

/// A controller that behaves like Reno until its first loss, then reports a zero window.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ZeroOnLossConfig {}

impl AlgorithmConfig for ZeroOnLossConfig {
    const NAME: &'static str = "zero-on-loss";
    const DESCRIPTION: &'static str = "test: cwnd 0 after a loss";
    const PARAMS: &'static [(&'static str, &'static str)] = &[];
    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(ZeroOnLoss { inner: Reno::new(ctx.initial_cwnd), broken: false })
    }
}

struct ZeroOnLoss {
    inner: Reno,
    broken: bool,
}

impl CongestionControl for ZeroOnLoss {
    fn name(&self) -> &'static str {
        "zero-on-loss"
    }
    fn on_ack(&mut self, ack: &Ack) {
        self.inner.on_ack(ack);
    }
    fn on_congestion(&mut self, _ev: &Congestion) {
        self.broken = true;
    }
    fn on_rto(&mut self, _ev: &Rto) {
        self.broken = true;
    }
    fn cwnd(&self) -> Bytes {
        if self.broken { Bytes::ZERO } else { self.inner.cwnd() }
    }
    fn ssthresh(&self) -> Bytes {
        self.inner.ssthresh()
    }
}

#[test]
fn a_controller_that_zeroes_its_window_stops_the_run_with_its_flow_named() {
    let mut registry = Registry::with_builtins();
    registry.register::<ZeroOnLossConfig>();
    let mut s = dumbbell("reno", 2, 10, 40, BufferSize::Bdp(1.0), 10);
    s.flows[1].algorithm = "zero-on-loss".into();
    match run(&s, &registry) {
        Err(SimError::BadController { flow: 1, algorithm, message }) => {
            assert_eq!(algorithm, "zero-on-loss");
            assert_eq!(message, "cwnd is zero");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn reno_flows_under_red_settle_at_the_mgt_equilibrium() {
    // Reference §3.9 (L7, ±20 %): N Reno flows under RED settle where W0 = sqrt(2/p0) with
    // p0 the drop probability, and W0 = R0·C/N with R0 = q0/C + Tp. 10 flows, 100 Mbit/s
    // (C = 8333 packets/s), Tp = 40 ms, RED from 0.25 to 1.25 BDP in a 3-BDP buffer.
    let n = 10;
    let mut s = dumbbell("reno", n, 100, 40, BufferSize::Bdp(3.0), 100);
    s.link.queue = QueueDiscipline::Red(RedParams {
        min_threshold: BufferSize::Bdp(0.25),
        max_threshold: BufferSize::Bdp(1.25),
        max_probability: 0.1,
        weight: 0.002,
        gentle: true,
    });
    s.warmup = Duration::from_secs(30);
    let r = go(&s);
    let w = r.flows.iter().map(|f| f.mean_cwnd_segments).sum::<f64>() / n as f64;
    let p0 = r.link.loss_rate;
    let c = 100e6 / 8.0 / 1500.0;
    let r0 = r.link.mean_queue_bytes / 1500.0 / c + 0.040;
    assert!((w / (2.0 / p0).sqrt() - 1.0).abs() < 0.2, "W = {w}, sqrt(2/p0) = {}", (2.0 / p0).sqrt());
    assert!((w / (r0 * c / n as f64) - 1.0).abs() < 0.2, "W = {w}, R0 C / N = {}", r0 * c / n as f64);
    // RED keeps the link busy and the flows unsynchronised and fair.
    assert!(r.link.utilization >= 0.95, "{}", r.link.utilization);
    assert!(r.jain_index >= 0.95, "{}", r.jain_index);
}

/// A controller with a window that never limits and a fixed pacing rate.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PacedConfig {}

impl AlgorithmConfig for PacedConfig {
    const NAME: &'static str = "paced";
    const DESCRIPTION: &'static str = "test: 1 MB window, paced at 2 Mbit/s";
    const PARAMS: &'static [(&'static str, &'static str)] = &[];
    fn build(&self, _ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(Paced)
    }
}

struct Paced;

impl CongestionControl for Paced {
    fn name(&self) -> &'static str {
        "paced"
    }
    fn on_ack(&mut self, _ack: &Ack) {}
    fn on_congestion(&mut self, _ev: &Congestion) {}
    fn on_rto(&mut self, _ev: &Rto) {}
    fn cwnd(&self) -> Bytes {
        Bytes::new(1_000_000)
    }
    fn ssthresh(&self) -> Bytes {
        Bytes::MAX
    }
    fn pacing_rate(&self) -> Option<Rate> {
        Some(Rate::from_mbps(2))
    }
}

#[test]
fn a_pacing_rate_limits_what_the_sender_puts_on_the_wire() {
    // Paced at 2 Mbit/s of wire bytes on a 10 Mbit/s link: goodput 2 x 1448/1500 =
    // 1.931 Mbit/s within 2 %, no queue and no loss although the window is 1 MB.
    let mut registry = Registry::with_builtins();
    registry.register::<PacedConfig>();
    let mut s = dumbbell("paced", 1, 10, 40, BufferSize::Bdp(1.0), 20);
    s.warmup = Duration::from_secs(5);
    let r = run(&s, &registry).unwrap();
    let goodput = r.flows[0].goodput_mbps;
    assert!((goodput / (2.0 * PAYLOAD_SHARE) - 1.0).abs() < 0.02, "{goodput}");
    assert_eq!(r.link.drops, 0);
    assert!(r.link.mean_queue_bytes < 1500.0, "{}", r.link.mean_queue_bytes);
}

#[test]
fn drop_tail_overflows_hit_every_growing_reno_flow_at_once() {
    // 16 Reno flows, 100 Mbit/s, 40 ms, a 4-BDP drop-tail buffer. A full FIFO drops what
    // the flows send beyond their ACK clock, the extra segment of additive increase, so
    // each overflow costs every flow one packet and all halve together (global
    // synchronisation; the packet engine has 15.8 of 16 flows halving per overflow here).
    // Random drops in proportion to the offer would hit 1 − e^{−1} ≈ 63 % of the flows
    // per overflow of ~16 packets.
    let mut s = dumbbell("reno", 16, 100, 40, BufferSize::Bdp(4.0), 120);
    s.warmup = Duration::from_secs(20);
    s.trace_interval = Duration::from_millis(10);
    let r = go(&s);
    // Cuts per flow after the warm-up, then overflow episodes: cuts more than 1 s apart.
    let mut cuts: Vec<(f64, usize)> = Vec::new();
    for (i, f) in r.series.flows.iter().enumerate() {
        let w = &f.cwnd_segments;
        cuts.extend(
            (1..w.len())
                .filter(|&k| r.series.time_s[k] >= 20.0 && w[k] < 0.8 * w[k - 1])
                .map(|k| (r.series.time_s[k], i)),
        );
    }
    cuts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut episodes: Vec<Vec<usize>> = Vec::new();
    let mut last = f64::NEG_INFINITY;
    for (t, i) in cuts {
        if t - last > 1.0 {
            episodes.push(Vec::new());
        }
        episodes.last_mut().unwrap().push(i);
        last = t;
    }
    assert!(episodes.len() >= 8, "{} overflow episodes", episodes.len());
    let mean = episodes.iter().map(|e| e.len()).sum::<usize>() as f64 / episodes.len() as f64;
    assert!(mean >= 14.0, "{mean} of 16 flows halve per overflow: {episodes:?}");
    assert!(r.jain_index >= 0.99, "{}", r.jain_index);
}

#[test]
fn an_instant_reader_reads_what_a_reader_faster_than_the_link_reads() {
    // A reader at 1 Tbit/s on a 10 Mbit/s link empties its buffer every step, like one
    // that reads at once; the latter is read when its sender takes the ACKs (half an RTT
    // later), the former at the receiver. Goodput over [10 s, 30 s] and the bytes
    // delivered over the run must agree exactly (to rounding: 1e-9 relative).
    let mut s = dumbbell("cubic", 3, 10, 40, BufferSize::Bdp(0.5), 30);
    s.warmup = Duration::from_secs(10);
    s.link.loss = LossModel::Bernoulli { p: 0.001 };
    let instant = go(&s);
    for f in &mut s.flows {
        f.receiver.read_rate = Some(Rate::from_mbps(1_000_000));
    }
    let fast = go(&s);
    for (a, b) in instant.flows.iter().zip(&fast.flows) {
        assert!((a.goodput_mbps / b.goodput_mbps - 1.0).abs() < 1e-9, "{a:?}\n{b:?}");
        assert!(a.delivered_bytes.abs_diff(b.delivered_bytes) <= 1, "{a:?}\n{b:?}");
    }
    assert!(instant.flows.iter().all(|f| f.goodput_mbps > 1.0));
}

#[test]
fn a_long_smooth_rtt_does_not_fire_spurious_timeouts() {
    // 16 CUBIC flows, 10 Mbit/s, 200 ms, a 4-BDP buffer: the RTT is 200 ms to 1 s and the
    // fluid's per-step samples vary little, so RTTVAR is small. With RTO = max(min_rto,
    // SRTT + 4 RTTVAR) the timer races every rise of the queue (406 timeouts in this run);
    // with Linux's RTO = SRTT + max(4 RTTVAR, min_rto) a timeout needs a loss that no ACK
    // reveals, or a repair slower than SRTT + min_rto counted from SND.UNA's last advance
    // (RFC 6298 (5.3): the fast retransmission queued behind a queue that grew since),
    // which random loss 0.001 makes rare: 25 here, the packet engine 55. At most three
    // per flow.
    let mut s = dumbbell("cubic", 16, 10, 200, BufferSize::Bdp(4.0), 120);
    s.link.loss = LossModel::Bernoulli { p: 0.001 };
    let r = go(&s);
    let timeouts: u64 = r.flows.iter().map(|f| f.timeouts).sum();
    assert!(timeouts <= 48, "{timeouts} timeouts");
}

/// Loss events (`on_congestion` calls at or after [`COUNT_FROM_S`]) of every
/// `loss-counting-reno` flow. Only the test below uses it.
static LOSS_EVENTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
const COUNT_FROM_S: f64 = 20.0;

/// Reno that counts its loss events in [`LOSS_EVENTS`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LossCountingRenoConfig {}

impl AlgorithmConfig for LossCountingRenoConfig {
    const NAME: &'static str = "loss-counting-reno";
    const DESCRIPTION: &'static str = "test: Reno that counts its loss events";
    const PARAMS: &'static [(&'static str, &'static str)] = &[];
    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(LossCountingReno(Reno::new(ctx.initial_cwnd)))
    }
}

struct LossCountingReno(Reno);

impl CongestionControl for LossCountingReno {
    fn name(&self) -> &'static str {
        "loss-counting-reno"
    }
    fn on_ack(&mut self, ack: &Ack) {
        self.0.on_ack(ack);
    }
    fn on_congestion(&mut self, ev: &Congestion) {
        if ev.now.as_secs_f64() >= COUNT_FROM_S {
            LOSS_EVENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.0.on_congestion(ev);
    }
    fn on_rto(&mut self, ev: &Rto) {
        self.0.on_rto(ev);
    }
    fn on_recovery_exit(&mut self, ev: &cclab_algorithms::RecoveryExit) {
        self.0.on_recovery_exit(ev);
    }
    fn cwnd(&self) -> Bytes {
        self.0.cwnd()
    }
    fn ssthresh(&self) -> Bytes {
        self.0.ssthresh()
    }
}

#[test]
fn a_queue_drop_is_one_whole_packet_of_one_flow_even_when_flows_send_less_per_step() {
    // Case 11's N = 5 point: 5 Reno flows, 10 Mbit/s, 100 ms, RED 20-120 packets. Each flow
    // sends 833/5 = 167 packets/s, 0.17 packets per 1 ms step, so a packet RED drops is
    // more than the flow chosen for it sent in the step. The rest is the same packet (the
    // flow's next to arrive); handed to other flows it would make slivers, each a loss
    // event, and the flows would see more loss events than dropped packets (1.01 to 1.09
    // per drop before, over seeds 1-4), halve too often and keep the queue 11 % short.
    // A loss event needs a dropped packet, and drops that fall into an open recovery make
    // none, so events < drops: the packet engine has 0.74 to 0.80 events per drop here
    // (seeds 1-4), the fluid 0.80 to 0.87. Checked: fluid events per drop below 1 and
    // within 15 % of the packet engine's, and the drop rate within 10 % of the packet
    // engine's (it was 16 % low: the slivers' loss events kept the windows small).
    let mut registry = Registry::with_builtins();
    registry.register::<LossCountingRenoConfig>();
    let mut s = dumbbell("loss-counting-reno", 5, 10, 100, BufferSize::Packets(300), 100);
    s.link.queue = QueueDiscipline::Red(RedParams {
        min_threshold: BufferSize::Packets(20),
        max_threshold: BufferSize::Packets(120),
        max_probability: 0.1,
        weight: 0.002,
        gentle: true,
    });
    s.warmup = Duration::from_secs_f64(COUNT_FROM_S);
    s.trace_interval = Duration::ZERO;
    let mut per_drop = Vec::new();
    let mut loss_rate = Vec::new();
    for engine in [crate::Engine::Packet, crate::Engine::Fluid] {
        s.engine = engine;
        LOSS_EVENTS.store(0, std::sync::atomic::Ordering::Relaxed);
        let r = crate::run(&s, &registry).unwrap();
        let events = LOSS_EVENTS.load(std::sync::atomic::Ordering::Relaxed) as f64;
        assert!(r.link.drops >= 100, "{engine:?}: {} drops", r.link.drops);
        per_drop.push(events / r.link.drops as f64);
        loss_rate.push(r.link.loss_rate);
    }
    let [packet, fluid] = per_drop[..] else { unreachable!() };
    assert!(fluid < 1.0, "fluid: {fluid} loss events per dropped packet (packet engine {packet})");
    assert!((fluid / packet - 1.0).abs() < 0.15, "loss events per drop: fluid {fluid}, packet {packet}");
    assert!(
        (loss_rate[1] / loss_rate[0] - 1.0).abs() < 0.10,
        "drop rate: fluid {}, packet {}",
        loss_rate[1],
        loss_rate[0]
    );
}

#[test]
fn a_reno_flow_at_five_percent_random_loss_keeps_sending_at_the_packet_engines_rate() {
    // Validation case 2's last point: one Reno flow, 100 Mbit/s, 100 ms, a 1-BDP buffer,
    // Bernoulli loss p = 0.05. Seeds 2, 4 and 5 used to fall silent after 59, 17 and 28 s
    // for the rest of the run, with no timeout: the window's bytes were lost but for
    // rounding noise (1e-13 bytes) that went out, came back as an "ACK" and restarted the
    // RTO timer every round trip (goodput 0.29, 0.03 and 0.10 Mbit/s, the packet engine
    // 0.51).
    //
    // A flow at 5 % loss times out often (its window is ~5 packets), but the RTO (SRTT +
    // min_rto = 0.3 s) doubles only per consecutive timeout: a silence longer than
    // 0.3 + 0.6 + 1.2 + 2.4 = 4.5 s needs three retransmissions in a row lost
    // (p^3 = 1.25e-4 per timeout, ~15 timeouts per seed here): 5 s bounds every silence.
    //
    // Goodput: each fluid seed within 25 % of the packet engine's mean over the same seeds
    // (SACK recovery, which the fluid models). Over 90 s (~200 losses) the seeds spread:
    // packet engine 0.496 to 0.530 Mbit/s (mean 0.514), fluid 0.495 to 0.560, and the
    // fluid runs 6 % above the packet engine (8 seeds of 120 s: 0.539 against 0.508); a
    // stalled seed is far out.
    let mut s = dumbbell("reno", 1, 100, 100, BufferSize::Bdp(1.0), 100);
    s.link.loss = LossModel::Bernoulli { p: 0.05 };
    s.warmup = Duration::from_secs(10);
    s.trace_interval = Duration::from_millis(10);
    let registry = Registry::with_builtins();
    let seeds = 1..=5u64;
    let mut packet = Vec::new();
    for seed in seeds.clone() {
        s.seed = seed;
        s.engine = crate::Engine::Packet;
        packet.push(crate::run(&s, &registry).unwrap().flows[0].goodput_mbps);
    }
    let reference = packet.iter().sum::<f64>() / packet.len() as f64;
    for seed in seeds {
        s.seed = seed;
        s.engine = crate::Engine::Fluid;
        let r = go(&s);
        let goodput = r.flows[0].goodput_mbps;
        assert!(
            (goodput / reference - 1.0).abs() < 0.25,
            "seed {seed}: fluid {goodput} Mbit/s, packet engine {reference} (seeds {packet:?})"
        );
        let (t, rate) = (&r.series.time_s, &r.series.flows[0].rate_mbps);
        let mut silent_since = None;
        let mut longest = 0.0f64;
        for (&t, &x) in t.iter().zip(rate) {
            if x > 0.0 {
                silent_since = None;
            } else {
                let from = *silent_since.get_or_insert(t);
                longest = longest.max(t - from);
            }
        }
        assert!(longest < 5.0, "seed {seed}: silent for {longest} s (goodput {goodput})");
    }
}

#[test]
fn goodput_counts_first_arrivals_at_a_slow_readers_receiver_in_both_engines() {
    // 64 KB receive buffer read at 2 Mbit/s (250 kB/s) on a 100 Mbit/s, 40 ms path: the
    // advertised window holds the sender to the reader.
    let mut s = dumbbell("reno", 1, 100, 40, BufferSize::Bdp(1.0), 30);
    s.flows[0].receiver.buffer = Bytes::new(64_000);
    s.flows[0].receiver.read_rate = Some(Rate::from_mbps(2));
    let registry = Registry::with_builtins();
    let goodput = |s: &Scenario, engine| {
        let mut s = s.clone();
        s.engine = engine;
        crate::run(&s, &registry).unwrap().flows[0].goodput_mbps
    };
    // Over [5 s, 30 s] arrivals match reads: 2 Mbit/s within 1 % (arrivals and reads
    // differ by the change in the buffer's fill over the window, at most 64 KB in 25 s,
    // 0.02 Mbit/s).
    s.warmup = Duration::from_secs(5);
    for engine in [crate::Engine::Packet, crate::Engine::Fluid] {
        let g = goodput(&s, engine);
        assert!((g / 2.0 - 1.0).abs() < 0.01, "{engine:?}: {g} Mbit/s");
    }
    // Over the first second goodput counts the bytes when they reach the receiver, as the
    // packet engine does, not when the application reads them: the first data arrive
    // after the handshake and half an RTT (60 ms), the reader then reads 250 kB/s x
    // 0.94 s = 235,000 B, and the buffer still holds its 64,000 B less the ~10,000 B the
    // window keeps in flight (250 kB/s x 40 ms): 289,000 B, 2.31 Mbit/s. Both engines
    // within 3 % of it (when the window updates reach the sender: per segment or per
    // step); counting reads gives 1.87.
    s.duration = Duration::from_secs(1);
    s.warmup = Duration::ZERO;
    let expected = 289_000.0 * 8.0 / 1e6;
    for engine in [crate::Engine::Packet, crate::Engine::Fluid] {
        let g = goodput(&s, engine);
        assert!((g / expected - 1.0).abs() < 0.03, "{engine:?}: {g} Mbit/s, expected {expected}");
    }
}
