//! TCP Vegas (Brakmo & Peterson, IEEE JSAC 13(8), 1995; BP95) with the structure and
//! defaults of Linux `tcp_vegas.c` (reference §2.2).
//!
//! Vegas compares the window with what the path delivers without queueing. Once per RTT
//! it computes the flow's estimated backlog
//!
//! ```text
//! diff = cwnd * (rtt - baseRTT) / baseRTT     Linux since 2008 (DiffDenominator::BaseRtt)
//! diff = cwnd * (rtt - baseRTT) / rtt         the paper, 1999 Linux (DiffDenominator::Rtt)
//! ```
//!
//! where baseRTT is the smallest RTT of the connection and rtt the smallest sample of the
//! RTT just ended (Linux filters delayed ACKs that way). In congestion avoidance cwnd grows
//! by one segment when diff < alpha, shrinks by one when diff > beta and holds in between.
//! With Q packets of this flow queued at the bottleneck the paper's diff is exactly Q,
//! Linux's is Q * cwnd / BDP >= Q (reference §2.2 "formula difference", §3.6).
//!
//! Arithmetic is Linux's: integer segments and integer division, so diff is
//! floor(cwnd_segments * (rtt - baseRTT) / denominator) and alpha, beta, gamma are whole
//! segments. Holding therefore means alpha <= floor(x) <= beta, i.e. alpha <= x < beta + 1
//! for the real-valued x. RTTs are kept in nanoseconds (Linux: microseconds plus one).
//!
//! What cclab takes from Linux rather than the paper (reference §2.2):
//! * slow start doubles every RTT (Linux's slow start, one segment per segment ACKed), not
//!   every other RTT; it ends when diff > gamma, with cwnd cut to the rate actually
//!   achieved, min(cwnd, target_cwnd + 1), target_cwnd = cwnd * baseRTT / rtt;
//! * a decision based on fewer than 3 RTT samples is a single Reno step instead (delayed
//!   or stretch ACKs make so few samples untrustworthy);
//! * loss handling is Reno's (halve on loss, one segment after an RTO, undo), not the
//!   paper's 1/4 cut; Vegas runs only in the Open state: it is off from the start of a
//!   recovery or an RTO until recovery ends, and then waits one full flight before its
//!   next decision. baseRTT survives losses and RTOs (only idle restart resets it in
//!   Linux, which has no hook here).
//!
//! A consequence of the "fewer than 3 samples" rule for stretch ACKs: in congestion
//! avoidance a round with 1 or 2 ACKs gets one Reno step of the decision ACK's bytes
//! (+acked/cwnd segments per RTT), so with one ACK per RTT (acked = cwnd) the growth is +1
//! segment per RTT as Reno's, with two equal ACKs per RTT +1/2 segment per RTT; from 3 ACKs
//! per RTT on Vegas decides and the ACK pattern no longer matters. Slow start counts bytes
//! either way, so it is independent of the ACK pattern.
//!
//! Growth of any kind (slow start, +1, Reno steps) waits for `ack.cwnd_limited` (reference
//! §1.1); decreases do not, since they answer a queue, not an opportunity.
//!
//! Internals for traces: `base_rtt_ms`, `min_rtt_ms` (this RTT so far), `cnt_rtt`
//! (samples this RTT), `diff` and `target_cwnd` (segments, last decision), `vegas_active`
//! (1 in Open, 0 from a loss or RTO until recovery ends). NaN means no value yet.

use crate::registry::{AlgorithmConfig, FlowContext};
use crate::reno::reno_ssthresh;
use crate::units::{Bytes, Duration};
use crate::window::Window;
use crate::{Ack, Congestion, CongestionControl, RecoveryExit, Rto, Undo};
use serde::{Deserialize, Serialize};

/// Which RTT divides the queueing delay in diff (reference §2.2, §6 item 7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffDenominator {
    /// diff = cwnd * (rtt - baseRTT) / baseRTT: Linux since commit 8d3a564da34e (2008).
    #[default]
    BaseRtt,
    /// diff = cwnd * (rtt - baseRTT) / rtt: the paper (BP95) and the original Linux Vegas;
    /// equals the flow's own queued packets.
    Rtt,
}

/// Vegas parameters. Defaults are Linux's module parameters (tcp_vegas.c: alpha = 2,
/// beta = 4, gamma = 1 packets) and its current diff formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VegasConfig {
    /// Grow while diff < alpha; segments (packets queued).
    pub alpha: u32,
    /// Shrink while diff > beta; segments (packets queued).
    pub beta: u32,
    /// Leave slow start once diff > gamma; segments (packets queued).
    pub gamma: u32,
    /// Denominator of diff: `base_rtt` (Linux) or `rtt` (paper).
    pub diff_denominator: DiffDenominator,
}

impl Default for VegasConfig {
    fn default() -> Self {
        // Linux tcp_vegas.c module parameters alpha, beta, gamma (reference §2.2).
        VegasConfig { alpha: 2, beta: 4, gamma: 1, diff_denominator: DiffDenominator::BaseRtt }
    }
}

impl AlgorithmConfig for VegasConfig {
    const NAME: &'static str = "vegas";
    const DESCRIPTION: &'static str =
        "delay-based: keep alpha..beta packets queued, +-1 segment per RTT (BP95, Linux tcp_vegas)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[
        ("alpha", "grow by 1 segment per RTT while diff < alpha; segments queued (integer)"),
        ("beta", "shrink by 1 segment per RTT while diff > beta; segments queued (integer, >= alpha)"),
        ("gamma", "leave slow start when diff > gamma; segments queued (integer)"),
        (
            "diff_denominator",
            "diff = cwnd*(rtt-baseRTT)/X: base_rtt (Linux since 2008) or rtt (paper, = packets queued)",
        ),
    ];

    fn validate(&self) -> Result<(), String> {
        // Negative values cannot be represented (u32) and fail deserialisation naming the
        // parameter; the only relation left is the ordering of the two thresholds.
        if self.alpha > self.beta {
            return Err(format!(
                "alpha must not exceed beta (alpha = {}, beta = {}): Vegas would never hold",
                self.alpha, self.beta
            ));
        }
        Ok(())
    }

    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(Vegas::new(self.clone(), ctx.initial_cwnd))
    }
}

/// The Vegas controller of one flow.
#[derive(Debug, Clone)]
pub struct Vegas {
    config: VegasConfig,
    window: Window,
    prior: Option<Window>,
    /// Smallest RTT sample of the connection (Linux baseRTT); None before the first.
    base_rtt: Option<Duration>,
    /// Smallest RTT sample of the current RTT (Linux minRTT); None = infinity.
    min_rtt: Option<Duration>,
    /// RTT samples in the current RTT (Linux cntRTT).
    cnt_rtt: u32,
    /// The RTT ends with the first ACK whose snd_una passes this byte (Linux beg_snd_nxt).
    beg_snd_nxt: u64,
    /// Vegas decides (Linux doing_vegas_now): true in the Open state only.
    active: bool,
    /// Recovery ended (or was undone) and the next ACK starts a fresh RTT: the exit event
    /// carries no snd_nxt, so the first ACK after it supplies beg_snd_nxt.
    rearm_pending: bool,
    /// diff and target_cwnd of the last Vegas decision, in segments (for traces).
    last_diff: Option<u64>,
    last_target: Option<u64>,
}

impl Vegas {
    /// A Vegas flow with parameters `config`, starting in slow start with a window of
    /// `initial_cwnd` bytes.
    pub fn new(config: VegasConfig, initial_cwnd: Bytes) -> Vegas {
        // Linux tcp_vegas_init + vegas_enable at connection start: beg_snd_nxt = snd_nxt,
        // which is the first data byte (0), so the first ACK ends the first "RTT".
        Vegas {
            config,
            window: Window::new(initial_cwnd),
            prior: None,
            base_rtt: None,
            min_rtt: None,
            cnt_rtt: 0,
            beg_snd_nxt: 0,
            active: true,
            rearm_pending: false,
            last_diff: None,
            last_target: None,
        }
    }

    /// Linux `tcp_vegas_pkts_acked`: every valid sample feeds baseRTT, minRTT and cntRTT,
    /// whatever the state. Linux adds 1 us so that an RTT is never 0; a floor of 1 ns does
    /// the same without biasing exact test arithmetic.
    fn sample(&mut self, rtt: Duration) {
        let rtt = rtt.max(Duration::from_nanos(1));
        self.base_rtt = Some(self.base_rtt.map_or(rtt, |b| b.min(rtt)));
        self.min_rtt = Some(self.min_rtt.map_or(rtt, |m| m.min(rtt)));
        self.cnt_rtt = self.cnt_rtt.saturating_add(1);
    }

    /// Linux `vegas_enable`, completed by the next ACK, which provides snd_nxt.
    fn rearm(&mut self) {
        self.active = true;
        self.rearm_pending = true;
        self.cnt_rtt = 0;
        self.min_rtt = None;
    }

    /// The per-RTT decision of Linux `tcp_vegas_cong_avoid` with at least 3 samples.
    fn decide(&mut self, ack: &Ack, base_rtt: Duration, rtt: Duration) {
        let mss = ack.mss.as_u64().max(1);
        let cwnd = self.window.cwnd.as_u64() / mss;
        let (base, rtt_ns) = (u128::from(base_rtt.as_nanos()), u128::from(rtt.as_nanos()));
        let cwnd_wide = u128::from(cwnd);
        // target_cwnd = cwnd * baseRTT / rtt: the window that would fill the pipe without
        // queueing, in whole segments.
        let target = u64::try_from(cwnd_wide * base / rtt_ns).unwrap_or(u64::MAX);
        let denominator = match self.config.diff_denominator {
            DiffDenominator::BaseRtt => base,
            DiffDenominator::Rtt => rtt_ns,
        };
        let diff = u64::try_from(cwnd_wide * rtt_ns.saturating_sub(base) / denominator).unwrap_or(u64::MAX);
        self.last_diff = Some(diff);
        self.last_target = Some(target);

        let one = ack.mss;
        if self.window.in_slow_start() {
            if diff > u64::from(self.config.gamma) {
                // Going too fast: stop slow start at the rate actually achieved and enter
                // congestion avoidance (ssthresh <= cwnd).
                self.window.cwnd = self.window.cwnd.min(Bytes::segments(target.saturating_add(1), one));
                self.window.ssthresh = self.window.ssthresh.min(self.window.cwnd);
            } else if ack.cwnd_limited {
                self.window.slow_start(ack.acked);
            }
        } else if diff > u64::from(self.config.beta) {
            self.window.cwnd = self.window.cwnd.saturating_sub(one);
            self.window.ssthresh = self.window.ssthresh.min(self.window.cwnd);
        } else if diff < u64::from(self.config.alpha) && ack.cwnd_limited {
            self.window.cwnd += one;
        }
        self.window.cwnd = self.window.cwnd.max(Bytes::segments(2, one));
        // Linux tcp_current_ssthresh outside a reduction (Vegas decides only in Open):
        // ssthresh = max(ssthresh, 3/4 cwnd), computed in packets as (cwnd>>1) + (cwnd>>2).
        let c = self.window.cwnd.as_u64() / mss;
        self.window.ssthresh = self.window.ssthresh.max(Bytes::segments((c >> 1) + (c >> 2), one));
    }
}

/// Linux `tcp_reno_cong_avoid`: what Vegas does when it does not decide.
fn reno_step(window: &mut Window, ack: &Ack) {
    if !ack.cwnd_limited {
        return;
    }
    window.reno_cong_avoid(ack.acked, ack.mss);
}

impl CongestionControl for Vegas {
    fn name(&self) -> &'static str {
        VegasConfig::NAME
    }

    fn on_ack(&mut self, ack: &Ack) {
        // Linux order: pkts_acked (the sample) before cong_avoid.
        if let Some(rtt) = ack.rtt {
            self.sample(rtt);
        }
        // No cong_avoid in Recovery or CWR (reference §1.6).
        if ack.in_recovery {
            return;
        }
        if self.rearm_pending {
            // The ACK that returns the sender to Open: Linux enables Vegas after this
            // ACK's sample was taken, so the sample is wiped with the slate and the RTT
            // to judge is the flight outstanding now.
            self.rearm_pending = false;
            self.beg_snd_nxt = ack.snd_nxt;
            self.cnt_rtt = 0;
            self.min_rtt = None;
        }
        if !self.active {
            // Loss state after an RTO: plain Reno until recovery ends.
            reno_step(&mut self.window, ack);
            return;
        }
        if ack.snd_una > self.beg_snd_nxt {
            // This ACK ends the RTT: the next one ends when what is sent now is ACKed.
            self.beg_snd_nxt = ack.snd_nxt;
            match (self.base_rtt, self.min_rtt) {
                (Some(base), Some(rtt)) if self.cnt_rtt > 2 => self.decide(ack, base, rtt),
                _ => reno_step(&mut self.window, ack),
            }
            self.cnt_rtt = 0;
            self.min_rtt = None;
        } else if self.window.in_slow_start() && ack.cwnd_limited {
            // Between decisions only slow start grows (per ACK, Linux tcp_slow_start, its
            // leftover above ssthresh dropped); congestion avoidance waits for the decision.
            self.window.slow_start(ack.acked);
        }
    }

    fn on_congestion(&mut self, ev: &Congestion) {
        // Linux .ssthresh = tcp_reno_ssthresh; the state leaves Open, so Vegas stops.
        let ssthresh = reno_ssthresh(self.window.cwnd, ev.mss);
        self.prior = Some(self.window.reduce_to(ssthresh, ev.mss));
        self.active = false;
        self.rearm_pending = false;
    }

    fn on_rto(&mut self, ev: &Rto) {
        // As Reno (reference §2.8): ssthresh once per episode, cwnd one segment; baseRTT
        // is kept.
        if ev.consecutive <= 1 {
            // Kept so that a spurious timeout can be undone (Linux tcp_enter_loss).
            self.prior = Some(self.window);
            self.window.ssthresh = reno_ssthresh(self.window.cwnd, ev.mss);
        }
        self.window.enter_loss(ev.mss);
        self.active = false;
        self.rearm_pending = false;
    }

    fn on_recovery_exit(&mut self, _ev: &RecoveryExit) {
        // Back to Open: Linux vegas_enable, a fresh RTT starting at the current snd_nxt.
        self.rearm();
    }

    fn on_undo(&mut self, _ev: &Undo) {
        // Linux tcp_reno_undo_cwnd; an undo returns Linux to Open, which re-arms Vegas.
        if let Some(prior) = self.prior.take() {
            self.window.undo(&prior);
        }
        self.rearm();
    }

    fn cwnd(&self) -> Bytes {
        self.window.cwnd
    }

    fn ssthresh(&self) -> Bytes {
        self.window.ssthresh
    }

    fn internals(&self, out: &mut dyn FnMut(&'static str, f64)) {
        // NaN until there is a value (no sample yet, no decision yet).
        let ms = |d: Option<Duration>| d.map_or(f64::NAN, Duration::as_millis_f64);
        let seg = |v: Option<u64>| v.map_or(f64::NAN, |v| v as f64);
        out("base_rtt_ms", ms(self.base_rtt));
        out("min_rtt_ms", ms(self.min_rtt));
        out("cnt_rtt", f64::from(self.cnt_rtt));
        out("diff", seg(self.last_diff));
        out("target_cwnd", seg(self.last_target));
        out("vegas_active", if self.active { 1.0 } else { 0.0 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::{Harness, MSS};
    use crate::{FlowContext, Registry, RegistryError, Time};
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    /// The path's RTT without queueing.
    const BASE: Duration = Duration::from_millis(100);

    /// cwnd (segments) after each ACK the controller saw, in order.
    type Log = Arc<Mutex<Vec<f64>>>;

    /// Passes every event to Vegas and records cwnd after each ACK, so a test can see
    /// what happened inside a harness round.
    struct Probe {
        inner: Vegas,
        log: Log,
    }

    impl CongestionControl for Probe {
        fn name(&self) -> &'static str {
            self.inner.name()
        }
        fn on_ack(&mut self, ack: &Ack) {
            self.inner.on_ack(ack);
            self.log.lock().unwrap().push(self.inner.cwnd().in_segments(ack.mss));
        }
        fn on_congestion(&mut self, ev: &Congestion) {
            self.inner.on_congestion(ev);
        }
        fn on_rto(&mut self, ev: &Rto) {
            self.inner.on_rto(ev);
        }
        fn on_recovery_exit(&mut self, ev: &RecoveryExit) {
            self.inner.on_recovery_exit(ev);
        }
        fn on_undo(&mut self, ev: &Undo) {
            self.inner.on_undo(ev);
        }
        fn cwnd(&self) -> Bytes {
            self.inner.cwnd()
        }
        fn ssthresh(&self) -> Bytes {
            self.inner.ssthresh()
        }
        fn internals(&self, out: &mut dyn FnMut(&'static str, f64)) {
            self.inner.internals(out);
        }
    }

    fn harness_with(config: VegasConfig) -> (Harness, Log) {
        let log = Log::default();
        let inner = Vegas::new(config, FlowContext::new(MSS).initial_cwnd);
        (Harness::new(Box::new(Probe { inner, log: log.clone() }), BASE), log)
    }

    fn harness(d: DiffDenominator) -> (Harness, Log) {
        harness_with(VegasConfig { diff_denominator: d, ..VegasConfig::default() })
    }

    /// One round; returns cwnd (segments) after each of its ACKs.
    fn round_acks(h: &mut Harness, log: &Log) -> Vec<f64> {
        log.lock().unwrap().clear();
        h.round();
        std::mem::take(&mut *log.lock().unwrap())
    }

    fn ms(v: u64) -> Option<Duration> {
        Some(Duration::from_millis(v))
    }

    const BOTH: [DiffDenominator; 2] = [DiffDenominator::BaseRtt, DiffDenominator::Rtt];

    /// IW 10 on an empty path (baseRTT = 100 ms): 10 -> 20 -> 40 in slow start, then a
    /// loss halves to 20 = ssthresh, and recovery ends: congestion avoidance at 20.
    fn into_avoidance_at_20(h: &mut Harness) {
        assert_eq!(h.rounds(2), vec![20.0, 40.0]);
        assert_eq!(h.loss(), 20.0);
        assert_eq!(h.ssthresh_segments(), 20.0);
    }

    #[test]
    fn avoidance_moves_one_segment_per_rtt_by_diff_against_alpha_and_beta() {
        // Every decision is made on the first ACK of a round, the first ACK beyond
        // beg_snd_nxt, and judges the smallest sample since the previous decision: the
        // rest of the previous round and this first ACK. So when the sample changes,
        // the first round still sees the old minimum.
        // Expected cwnd after each round (segments), with
        // diff_linux = floor(W*(rtt-100)/100), diff_paper = floor(W*(rtt-100)/rtt):
        // * rtt 100 ms: round 1 after recovery waits one flight (20), then diff = 0 < 2:
        //   +1 per round: 21, 22, 23.
        // * rtt 150 ms: first decision still sees 100 ms, +1 -> 24; then W = 24: linux
        //   floor(24*50/100) = 12, paper floor(24*50/150) = 8, both > 4: 23; W = 23:
        //   11 / 7 -> 22; W = 22: 11 / 7 -> 21; W = 21: 10 / 7 -> 20.
        // * rtt 115 ms (the previous minimum was 150): W = 20: linux floor(20*15/100) = 3,
        //   paper floor(20*15/115) = floor(2.61) = 2, both in [2, 4]: hold at 20.
        // * rtt 125 ms: first round sees 115 ms (hold); then W = 20: linux
        //   floor(20*25/100) = 5 > 4 -> 19 (then floor(19*25/100) = 4: hold), paper
        //   floor(20*25/125) = 4: hold at 20. The denominators decide differently.
        // All exact (integer arithmetic, exact sample values).
        #[rustfmt::skip]
        let script: [(u64, &[f64], &[f64]); 4] = [
            //  rtt  linux (base_rtt)                    paper (rtt)
            (100, &[20.0, 21.0, 22.0, 23.0],       &[20.0, 21.0, 22.0, 23.0]),
            (150, &[24.0, 23.0, 22.0, 21.0, 20.0], &[24.0, 23.0, 22.0, 21.0, 20.0]),
            (115, &[20.0, 20.0, 20.0],             &[20.0, 20.0, 20.0]),
            (125, &[20.0, 19.0, 19.0],             &[20.0, 20.0, 20.0]),
        ];
        for d in BOTH {
            let (mut h, log) = harness(d);
            into_avoidance_at_20(&mut h);
            let mut before = h.cwnd_segments();
            for (rtt, linux, paper) in script {
                h.rtt_sample = ms(rtt);
                let expected = if d == DiffDenominator::BaseRtt { linux } else { paper };
                for (k, &want) in expected.iter().enumerate() {
                    let acks = round_acks(&mut h, &log);
                    assert_eq!(h.cwnd_segments(), want, "{d:?} rtt {rtt} round {k}");
                    // Once per RTT: the first ACK decides, the others of the round
                    // change nothing (exact), and a decision moves at most 1 segment.
                    assert!((acks[0] - before).abs() <= 1.0, "{d:?} rtt {rtt} round {k}: {acks:?}");
                    assert!(acks.iter().all(|&w| w == acks[0]), "{d:?} rtt {rtt} round {k}: {acks:?}");
                    before = want;
                }
            }
            // The last decision: linux W = 19 -> floor(19*25/100) = 4; paper 4.
            assert_eq!(h.internal("diff"), Some(4.0), "{d:?}");
            assert_eq!(h.internal("base_rtt_ms"), Some(100.0), "{d:?}");
        }
    }

    #[test]
    fn the_denominators_disagree_when_the_queue_is_a_large_part_of_the_window() {
        // W = 20 at rtt 125 ms, baseRTT 100 ms: BDP = W*base/rtt = 16 packets, so the flow
        // has Q = W - BDP = 4 packets queued. Paper: diff = 20*25/125 = 4 = Q <= beta,
        // hold. Linux: diff = 20*25/100 = 5 = Q*W/BDP > beta, shrink to 19. Exact.
        for (d, diff, after) in [(DiffDenominator::BaseRtt, 5.0, 19.0), (DiffDenominator::Rtt, 4.0, 20.0)] {
            let (mut h, _log) = harness(d);
            into_avoidance_at_20(&mut h);
            h.rtt_sample = ms(125);
            // The flight after recovery re-arms Vegas; the next round decides.
            assert_eq!(h.rounds(2), vec![20.0, after], "{d:?}");
            assert_eq!(h.internal("diff"), Some(diff), "{d:?}");
            // Samples of the RTT now running: ACKs 2..=20 of the round that decided.
            assert_eq!(h.internal("cnt_rtt"), Some(19.0), "{d:?}");
            assert_eq!(h.internal("min_rtt_ms"), Some(125.0), "{d:?}");
        }
    }

    #[test]
    fn fewer_than_three_samples_in_a_round_give_one_reno_step_instead() {
        for d in BOTH {
            // Slow start through a queue: rtt 300 ms after a first round at 100 ms.
            // One ACK per round (segments_per_ack 1000): each decision has 1 sample, so
            // it is a Reno slow-start step of the whole window: 10, 20, 40, 80, 160.
            let (mut h, _log) = harness(d);
            h.segments_per_ack = 1000;
            assert_eq!(h.round(), 20.0);
            h.rtt_sample = ms(300);
            assert_eq!(h.rounds(3), vec![40.0, 80.0, 160.0], "{d:?}");
            assert_eq!(h.ssthresh_segments(), f64::INFINITY);
            // The same path with one ACK per segment: the decision at W = 20 still sees
            // the 100 ms of round 1 (slow start, 40); the one at W = 40 sees 300 ms: diff = 40*200/100 = 80 or 40*200/300 = 26 > gamma, and cwnd =
            // target + 1 = floor(40*100/300) + 1 = 14.
            let (mut h, _log) = harness(d);
            assert_eq!(h.round(), 20.0);
            h.rtt_sample = ms(300);
            assert_eq!(h.rounds(2), vec![40.0, 14.0], "{d:?}");

            // Avoidance with rtt 200 ms (diff >= 20 at W >= 20: Vegas would shrink).
            // One ACK per round: each decision is a Reno step of acked = cwnd, +1 per
            // round (the round after recovery only re-arms): 20, 21, 22, 23, 24.
            let (mut h, _log) = harness(d);
            into_avoidance_at_20(&mut h);
            h.rtt_sample = ms(200);
            h.segments_per_ack = 1000;
            assert_eq!(h.rounds(5), vec![20.0, 21.0, 22.0, 23.0, 24.0], "{d:?}");
            // Two ACKs per round (11 + 9..11 segments at W = 20..22): each decision has 2
            // samples and is a Reno step of the 11 segments of the first ACK, credit
            // 11, 22 -> +1 (at W = 20, credit 2), 13, 24 -> +1 (W = 21, credit 3), ...
            let (mut h, _log) = harness(d);
            into_avoidance_at_20(&mut h);
            h.rtt_sample = ms(200);
            h.segments_per_ack = 11;
            assert_eq!(h.rounds(6), vec![20.0, 20.0, 21.0, 21.0, 22.0, 22.0], "{d:?}");
            assert_eq!(h.internal("vegas_active"), Some(1.0));
            // Three ACKs per round (W = 23: 11 + 11 + 1): the next decision after a
            // round of three ACKs is Vegas's: diff >= 23 > beta, -1.
            assert_eq!(h.rounds(3), vec![23.0, 23.0, 22.0], "{d:?}");
        }
    }

    #[test]
    fn slow_start_ends_at_the_achieved_rate_when_diff_exceeds_gamma() {
        // Slow start on an empty path: 10 -> 20 -> 40. At 40 the path starts queueing
        // (rtt 130 ms); the decision of that round still sees 100 ms: 80. The next
        // decision, at W = 80, sees 130 ms: diff = floor(80*30/100) = 24 (linux) or
        // floor(80*30/130) = 18 (paper) > gamma = 1, so cwnd = min(80, target + 1) with
        // target = floor(80*100/130) = 61, i.e. 62, and ssthresh = 62 (exact): avoidance.
        for d in BOTH {
            let (mut h, log) = harness(d);
            assert_eq!(h.rounds(2), vec![20.0, 40.0]);
            h.rtt_sample = ms(130);
            assert_eq!(h.round(), 80.0);
            let acks = round_acks(&mut h, &log);
            assert_eq!(acks.len(), 80);
            // Cut on the first ACK, then nothing until the next decision.
            assert!(acks.iter().all(|&w| w == 62.0), "{d:?}: {acks:?}");
            assert_eq!(h.internal("target_cwnd"), Some(61.0));
            assert_eq!(h.internal("diff"), Some(if d == DiffDenominator::BaseRtt { 24.0 } else { 18.0 }));
            // ssthresh = min(inf, 62), then max(62, (62>>1) + (62>>2) = 46) = 62.
            assert_eq!(h.ssthresh_segments(), 62.0, "{d:?}");
            // Now congestion avoidance: W = 62 at 130 ms, diff 18 or 14 > beta: -1.
            assert_eq!(h.round(), 61.0, "{d:?}");
        }
    }

    #[test]
    fn slow_start_continues_while_diff_is_at_most_gamma() {
        for d in BOTH {
            // rtt 102 ms at W = 80: diff = floor(80*2/100) = 1 or floor(80*2/102) = 1,
            // equal to gamma: slow start goes on, 160. At W = 160: floor(160*2/100) = 3
            // or floor(160*2/102) = 3 > 1: cwnd = floor(160*100/102) + 1 = 157.
            let (mut h, _log) = harness(d);
            assert_eq!(h.rounds(2), vec![20.0, 40.0]);
            h.rtt_sample = ms(102);
            assert_eq!(h.rounds(3), vec![80.0, 160.0, 157.0], "{d:?}");
            assert_eq!(h.ssthresh_segments(), 157.0, "{d:?}");
            // gamma = 30 lets slow start go on through diff 24 (linux) or 18 (paper) at
            // 130 ms and W = 80 (where gamma = 1 cut to 62), and ends it at W = 160:
            // diff 48 (linux) or 36 (paper) > 30; cwnd = floor(160*100/130) + 1 = 124.
            let (mut h, _log) =
                harness_with(VegasConfig { gamma: 30, diff_denominator: d, ..Default::default() });
            assert_eq!(h.rounds(2), vec![20.0, 40.0]);
            h.rtt_sample = ms(130);
            assert_eq!(h.rounds(3), vec![80.0, 160.0, 124.0], "{d:?}");
        }
    }

    /// One flow alone on a link of BDP packets: each round's RTT sample is
    /// base * max(1, W/BDP), the delay of W - BDP packets queued at a link that serves
    /// BDP packets per base RTT (RTT = base + Q/C). Returns Q = W - BDP after each round.
    fn single_flow_on_a_link(h: &mut Harness, bdp: u64, rounds: usize) -> Vec<i64> {
        (0..rounds)
            .map(|_| {
                let w = h.cwnd_segments().floor() as u64;
                let rtt = Duration::from_nanos(BASE.as_nanos() * w.max(bdp) / bdp);
                h.rtt_sample = Some(rtt);
                h.rtt = rtt;
                h.round();
                h.cwnd_segments() as i64 - bdp as i64
            })
            .collect()
    }

    #[test]
    fn one_flow_settles_with_alpha_to_beta_packets_queued() {
        // Reference §3.6 / T12: the queue settles at alpha <= Q <= beta (paper) or
        // 2 <= floor(Q*W/BDP) <= 4 (linux), tolerance Q within [alpha-1, beta+1] = [1, 5].
        // Slow start overshoots (it measures one round late) and Vegas comes down by one
        // segment per RTT; after a loss it climbs back by one per RTT.
        let (alpha, beta) = (2, 4);
        for d in BOTH {
            for bdp in [10u64, 50, 200] {
                let (mut h, _log) = harness(d);
                let from_above = single_flow_on_a_link(&mut h, bdp, 300);
                h.loss();
                let from_below = single_flow_on_a_link(&mut h, bdp, 200);
                for (name, q) in [("from above", &from_above), ("from below", &from_below)] {
                    let settled = &q[q.len() - 50..];
                    assert!(
                        settled.iter().all(|&q| (alpha - 1..=beta + 1).contains(&q)),
                        "{d:?} BDP {bdp} {name}: {settled:?}"
                    );
                    let mean = settled.iter().sum::<i64>() as f64 / settled.len() as f64;
                    assert!(mean >= (alpha - 1) as f64 && mean <= (beta + 1) as f64);
                }
                // At rest the last decision held, so its diff is in [alpha, beta]: the
                // paper's diff is Q itself, linux's floor(Q*W/BDP).
                let q = *from_below.last().unwrap() as u64;
                let expected = match d {
                    DiffDenominator::Rtt => q,
                    DiffDenominator::BaseRtt => q * (bdp + q) / bdp,
                };
                assert_eq!(h.internal("diff"), Some(expected as f64), "{d:?} BDP {bdp}");
                assert!((alpha as u64..=beta as u64).contains(&expected), "{d:?} BDP {bdp}");
            }
        }
    }

    #[test]
    fn loss_halves_an_rto_resets_to_one_segment_and_base_rtt_survives() {
        for d in BOTH {
            let (mut h, _log) = harness(d);
            into_avoidance_at_20(&mut h); // the loss: 40 -> 20 = max(40/2, 2)
            assert_eq!(h.internal("base_rtt_ms"), Some(100.0));
            // A standing queue appears (300 ms), then the timer fires at W = 20:
            // ssthresh = max(20/2, 2) = 10, cwnd = 1 segment.
            h.rtt_sample = ms(300);
            assert_eq!(h.round(), 20.0); // the flight after recovery
            assert_eq!(h.timeout(Duration::from_millis(1000)), 1.0);
            assert_eq!(h.ssthresh_segments(), 10.0);
            assert_eq!(h.internal("vegas_active"), Some(0.0));
            // Vegas is off until recovery ends: Reno's slow start up to ssthresh (8 -> 10
            // with 6 segments left as avoidance credit), then +1 (credit 6 + 10 >= 10).
            assert_eq!(h.rounds(5), vec![2.0, 4.0, 8.0, 10.0, 11.0], "{d:?}");
            assert_eq!(h.internal("base_rtt_ms"), Some(100.0), "{d:?}");
            // Recovery ends: one flight to re-arm, then decisions against the kept
            // baseRTT of 100 ms: diff = 11*200/100 = 22 or 11*200/300 = 7 > 4: shrink.
            // (Had the RTO reset baseRTT to 300 ms, diff would be 0 and cwnd would grow.)
            h.exit_recovery();
            assert_eq!(h.rounds(3), vec![11.0, 10.0, 9.0], "{d:?}");
        }
    }

    #[test]
    fn repeated_timeouts_lower_ssthresh_once() {
        let (mut h, _log) = harness(DiffDenominator::BaseRtt);
        h.rounds(3); // 80
        h.timeout(Duration::from_millis(200));
        h.timeout(Duration::from_millis(400));
        // max(80/2, 2) = 40, from the first timeout only.
        assert_eq!(h.ssthresh_segments(), 40.0);
        assert_eq!(h.cwnd_segments(), 1.0);
    }

    #[test]
    fn undo_restores_the_window_and_vegas_resumes() {
        let (mut h, _log) = harness(DiffDenominator::BaseRtt);
        h.rounds(2); // 40
        h.loss(); // 20
        let now = h.now;
        h.cc_mut().on_undo(&Undo::new(now, MSS));
        // Linux tcp_reno_undo_cwnd: max(20, 40) = 40, ssthresh back to infinity.
        assert_eq!(h.cwnd_segments(), 40.0);
        assert_eq!(h.ssthresh_segments(), f64::INFINITY);
        assert_eq!(h.internal("vegas_active"), Some(1.0));
        // Still slow start on the empty path (diff 0 <= gamma): doubling.
        assert_eq!(h.rounds(2), vec![80.0, 160.0]);
    }

    #[test]
    fn an_undone_timeout_returns_to_vegas_without_a_recovery_exit() {
        // Linux returns to Open after an undo, which re-arms Vegas, and restores the window
        // saved when the timeout fired (tcp_enter_loss keeps it for F-RTO).
        let (mut h, _log) = harness(DiffDenominator::BaseRtt);
        h.rounds(2); // 40, baseRTT 100 ms
        assert_eq!(h.timeout(Duration::from_millis(1000)), 1.0);
        assert_eq!(h.internal("vegas_active"), Some(0.0));
        let now = h.now;
        h.cc_mut().on_undo(&Undo::new(now, MSS));
        assert_eq!(h.internal("vegas_active"), Some(1.0));
        assert_eq!((h.cwnd_segments(), h.ssthresh_segments()), (40.0, f64::INFINITY));
        // With a queue (300 ms): the first ACK re-arms and the rest of the round slow-starts
        // (80); the next round's first ACK decides with 39 samples: diff = 80*200/100 = 160
        // > gamma, so cwnd = min(80, floor(80*100/300) + 1) = 27 = ssthresh. Reno, which a
        // still-disabled Vegas would run, would reach 160.
        h.rtt_sample = ms(300);
        assert_eq!(h.rounds(2), vec![80.0, 27.0]);
        assert_eq!(h.ssthresh_segments(), 27.0);
    }

    #[test]
    fn one_ack_of_n_segments_grows_the_window_as_n_acks_of_one() {
        // Slow start: byte counting, and a decision with fewer than 3 samples is a Reno
        // slow-start step of the same bytes: IW*2^k for every ACK size, exact (T4).
        for d in BOTH {
            for n in [1, 2, 3, 5, 1000] {
                let (mut h, _log) = harness(d);
                h.segments_per_ack = n;
                assert_eq!(h.rounds(5), vec![20.0, 40.0, 80.0, 160.0, 320.0], "{d:?} N = {n}");
            }
        }
        // Avoidance: with at least 3 ACKs per round (N <= 7 at W >= 20) every decision is
        // Vegas's, +1 per RTT on the empty path or hold at rtt 115 ms whatever N; the
        // windows agree within 1 MSS (here exactly). With 1 or 2 ACKs per round see
        // fewer_than_three_samples_in_a_round_give_one_reno_step_instead.
        for d in BOTH {
            let mut reference = Vec::new();
            for n in [1, 2, 3, 5, 7] {
                let (mut h, _log) = harness(d);
                into_avoidance_at_20(&mut h);
                h.segments_per_ack = n;
                let mut w = h.rounds(10);
                h.rtt_sample = ms(107);
                w.extend(h.rounds(5));
                if n == 1 {
                    // 20 (re-arm), then +1 per round to 29 (diff 0). At 107 ms the first
                    // decision still sees 100 ms: 30. Then W = 30: linux floor(30*7/100)
                    // = 2, hold; paper floor(30*7/107) = 1 < alpha, 31, and
                    // floor(31*7/107) = 2, hold.
                    let last = if d == DiffDenominator::BaseRtt { 30.0 } else { 31.0 };
                    let mut expected: Vec<f64> = (20..=30).map(f64::from).collect();
                    expected.extend([last; 4]);
                    assert_eq!(w, expected, "{d:?}");
                    // ssthresh (20 since the loss) follows 3/4 of cwnd (Linux
                    // tcp_current_ssthresh): (30>>1) + (30>>2) = 22, (31>>1) + (31>>2) = 22.
                    assert_eq!(h.ssthresh_segments(), 22.0, "{d:?}");
                    reference = w;
                } else {
                    for (a, b) in w.iter().zip(&reference) {
                        assert!((a - b).abs() <= 1.0, "{d:?} N = {n}: {w:?} vs {reference:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn no_growth_while_not_cwnd_limited_but_decreases_still_apply() {
        let mss = MSS;
        let mut v = Vegas::new(VegasConfig::default(), Bytes::segments(10, mss));
        let ack = |una: u64, nxt: u64, rtt_ms: u64, limited: bool| {
            let mut a = Ack::new(Time::ZERO, mss, mss);
            a.snd_una = una * mss.as_u64();
            a.snd_nxt = nxt * mss.as_u64();
            a.rtt = Some(Duration::from_millis(rtt_ms));
            a.cwnd_limited = limited;
            a
        };
        // Slow start, application-limited: neither the first decision (a Reno step)
        // nor the ACKs after it grow cwnd.
        for k in 1..=10 {
            v.on_ack(&ack(k, 10, 100, false));
        }
        assert_eq!(v.cwnd(), Bytes::segments(10, mss));
        // Into avoidance: a loss (ssthresh = cwnd = 5), recovery ends, the next ACK re-arms
        // with beg_snd_nxt = 20 segments.
        v.on_congestion(&Congestion::new(Time::ZERO, crate::CongestionKind::Loss, v.cwnd(), mss));
        v.on_recovery_exit(&RecoveryExit::new(Time::ZERO, Bytes::ZERO, mss));
        for k in 11..=15 {
            v.on_ack(&ack(k, 20, 100, false));
        }
        // The decision at snd_una 21 > 20 with 5 samples (11..=15 minus the re-arm ACK,
        // plus this one) of 100 ms: diff 0 < alpha, but the flow is not cwnd-limited.
        v.on_ack(&ack(21, 30, 100, false));
        assert_eq!(v.cwnd(), Bytes::segments(5, mss));
        // The same decision when cwnd-limited grows: +1.
        for k in 22..=25 {
            v.on_ack(&ack(k, 30, 100, true));
        }
        v.on_ack(&ack(31, 40, 100, true));
        assert_eq!(v.cwnd(), Bytes::segments(6, mss));
        // A queue (300 ms: diff = 6*200/100 = 12 > beta) shrinks cwnd even when limited.
        for k in 32..=35 {
            v.on_ack(&ack(k, 40, 300, false));
        }
        v.on_ack(&ack(41, 50, 300, false));
        assert_eq!(v.cwnd(), Bytes::segments(5, mss));
        // Four RTTs at 1000 ms (diff >= 2*900/100 = 18 > beta): 4, 3, 2, and then the
        // floor of 2 segments (Linux's clamp) holds.
        let mut after = Vec::new();
        for rtt in 0..4 {
            // beg_snd_nxt is 50, 60, ...: four ACKs inside the RTT, then one beyond it.
            let beg = 50 + 10 * rtt;
            for k in beg - 4..beg {
                v.on_ack(&ack(k, beg, 1000, true));
            }
            v.on_ack(&ack(beg + 1, beg + 10, 1000, true));
            after.push(v.cwnd().in_segments(mss));
        }
        assert_eq!(after, vec![4.0, 3.0, 2.0, 2.0]);
    }

    #[test]
    fn parameters_are_validated_by_name() {
        let r = Registry::with_builtins();
        let err = |p: serde_json::Value| r.configure("vegas", &p).unwrap_err();
        let e = err(json!({"alpha": 5}));
        assert!(matches!(&e, RegistryError::BadParam { param, .. } if param == "alpha"), "{e}");
        assert!(e.to_string().contains("alpha must not exceed beta (alpha = 5, beta = 4)"), "{e}");
        let e = err(json!({"beta": -1}));
        assert!(matches!(&e, RegistryError::BadParam { param, .. } if param == "beta"), "{e}");
        let e = err(json!({"gamma": 1.5}));
        assert!(matches!(&e, RegistryError::BadParam { param, .. } if param == "gamma"), "{e}");
        let e = err(json!({"diff_denominator": "paper"}));
        assert!(matches!(&e, RegistryError::BadParam { param, .. } if param == "diff_denominator"), "{e}");
        assert!(e.to_string().contains("`base_rtt` or `rtt`"), "{e}");
        let e = err(json!({"delta": 1}));
        assert!(e.to_string().contains("its parameters are: alpha, beta, gamma, diff_denominator"), "{e}");
        // Equal thresholds and zeros are valid.
        assert!(r.configure("vegas", &json!({"alpha": 0, "beta": 0, "gamma": 0})).is_ok());
        assert!(r.configure("vegas", &json!({"alpha": 3, "beta": 3, "diff_denominator": "rtt"})).is_ok());
    }

    #[test]
    fn defaults_are_linux_module_parameters() {
        let r = Registry::with_builtins();
        let info = r.find("vegas").unwrap();
        let defaults: Vec<_> = info.params.iter().map(|p| (p.name, p.default.clone())).collect();
        assert_eq!(
            defaults,
            vec![
                ("alpha", json!(2)),
                ("beta", json!(4)),
                ("gamma", json!(1)),
                ("diff_denominator", json!("base_rtt"))
            ]
        );
        let cc = r.build_default("vegas", &FlowContext::new(MSS)).unwrap();
        assert_eq!(cc.name(), "vegas");
        assert_eq!(cc.cwnd(), Bytes::segments(10, MSS));
        assert_eq!(cc.ssthresh(), Bytes::MAX);
    }
}
