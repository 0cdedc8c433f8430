//! AIMD(a, b): the window grows by `a` segments per round trip and a loss multiplies it
//! by `b` (Floyd, Handley and Padhye 2000; RFC 9438 §4.3). With a = 1 and b = 0.5 it is
//! Reno (RFC 5681 §3.1). This file is the cclab plug-in tutorial, docs/plugins.md.

use cclab_algorithms::window::Window;
use cclab_algorithms::{Ack, AlgorithmConfig, Bytes, Congestion, CongestionControl, FlowContext, Rto, Undo};
use serde::{Deserialize, Serialize};

/// The parameters of AIMD(a, b), as written under `params:` in an experiment file. The
/// struct is also the factory: it builds one controller per flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MyAimdConfig {
    /// Additive increase, segments per round trip.
    pub a: f64,
    /// Multiplicative decrease factor, dimensionless in (0, 1): a loss sets the window to
    /// b times itself.
    pub b: f64,
}

impl Default for MyAimdConfig {
    /// Reno's values (RFC 5681 §3.1): one segment per round trip, halve on a loss.
    fn default() -> Self {
        MyAimdConfig { a: 1.0, b: 0.5 }
    }
}

impl AlgorithmConfig for MyAimdConfig {
    const NAME: &'static str = "my-aimd";
    const DESCRIPTION: &'static str =
        "AIMD(a, b): +a segments per RTT, cwnd*b on a loss (the plug-in tutorial)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[
        ("a", "additive increase, segments per RTT (> 0; Reno: 1)"),
        ("b", "multiplicative decrease factor, in (0, 1) (Reno: 0.5)"),
    ];

    fn validate(&self) -> Result<(), String> {
        // A message that starts with the parameter's name is reported against it.
        if !(self.a > 0.0 && self.a.is_finite()) {
            return Err(format!("a must be a positive number of segments per RTT, got {}", self.a));
        }
        if !(self.b > 0.0 && self.b < 1.0) {
            return Err(format!("b must be in (0, 1), got {}", self.b));
        }
        Ok(())
    }

    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(MyAimd::new(self.clone(), ctx))
    }
}

/// The AIMD(a, b) controller of one flow.
#[derive(Debug, Clone)]
pub struct MyAimd {
    config: MyAimdConfig,
    /// cwnd, ssthresh and the additive-increase credit, all in bytes.
    window: Window,
    /// The window before the last reduction, restored if the reduction was spurious.
    prior: Option<Window>,
    /// The sender's MSS in bytes as last reported, to give the internals in segments.
    mss: Bytes,
    /// Congestion events and first timeouts so far, a count (for the traces).
    reductions: u64,
}

impl MyAimd {
    /// A flow in slow start with the context's initial window.
    pub fn new(config: MyAimdConfig, ctx: &FlowContext) -> MyAimd {
        MyAimd { config, window: Window::new(ctx.initial_cwnd), prior: None, mss: ctx.mss, reductions: 0 }
    }

    /// ssthresh after a congestion signal: b times cwnd. Like Linux this starts from cwnd,
    /// where RFC 5681 eq. 4 starts from FlightSize.
    fn reduced(&self) -> Bytes {
        Bytes::from_f64(self.window.cwnd.as_f64() * self.config.b)
    }
}

impl CongestionControl for MyAimd {
    fn name(&self) -> &'static str {
        MyAimdConfig::NAME
    }

    fn on_ack(&mut self, ack: &Ack) {
        self.mss = ack.mss;
        // Hold the window during fast recovery, and do not grow a window the sender is
        // not using (Linux calls no cong_avoid in either case).
        if ack.in_recovery || !ack.cwnd_limited {
            return;
        }
        let mut acked = ack.acked;
        if self.window.in_slow_start() {
            // Reno's slow start; what it leaves of this ACK goes to congestion avoidance.
            acked = self.window.slow_start(acked);
        }
        if !acked.is_zero() {
            // a segments each time a whole window has been acknowledged: a per round trip.
            // Bytes are counted (RFC 3465), so delayed and stretch ACKs do not slow growth.
            let w = self.window.cwnd.as_u64();
            let step = Bytes::from_f64(self.config.a * ack.mss.as_f64());
            self.window.cong_avoid_ai(w, acked, step);
        }
    }

    fn on_congestion(&mut self, ev: &Congestion) {
        self.mss = ev.mss;
        self.reductions += 1;
        // cwnd = ssthresh = b * cwnd (at least two segments); the old window is kept for undo.
        let ssthresh = self.reduced();
        self.prior = Some(self.window.reduce_to(ssthresh, ev.mss));
    }

    fn on_rto(&mut self, ev: &Rto) {
        self.mss = ev.mss;
        // Only the first of consecutive timeouts lowers ssthresh (RFC 5681 §3.1, Linux).
        if ev.consecutive <= 1 {
            self.reductions += 1;
            self.prior = Some(self.window);
            self.window.ssthresh = self.reduced().max(Bytes::segments(2, ev.mss));
        }
        // The loss window, one segment; slow start follows.
        self.window.enter_loss(ev.mss);
    }

    fn on_undo(&mut self, _ev: &Undo) {
        if let Some(prior) = self.prior.take() {
            self.window.undo(&prior);
        }
    }

    fn cwnd(&self) -> Bytes {
        self.window.cwnd
    }

    fn ssthresh(&self) -> Bytes {
        self.window.ssthresh
    }

    fn internals(&self, out: &mut dyn FnMut(&'static str, f64)) {
        // Segments acknowledged towards the next increase, and the reductions so far.
        out("credit", self.window.credit as f64 / self.mss.as_f64());
        out("reductions", self.reductions as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cclab_algorithms::harness::{Harness, MSS};
    use cclab_algorithms::{Duration, Registry};
    use serde_json::json;

    /// One AIMD(a, b) flow on a 40 ms path: initial window 10 segments of 1448 bytes.
    fn harness(a: f64, b: f64) -> Harness {
        let cc = MyAimdConfig { a, b }.build(&FlowContext::new(MSS));
        Harness::new(cc, Duration::from_millis(40))
    }

    #[test]
    fn avoidance_adds_a_segments_per_rtt_and_a_loss_multiplies_by_b() {
        let mut h = harness(2.0, 0.7);
        // Slow start doubles the window every round trip: 10 -> 20 -> 40.
        assert_eq!(h.rounds(2), vec![20.0, 40.0]);
        // A loss: cwnd = ssthresh = 0.7 * 40 = 28, held through the recovery round trip.
        assert_eq!(h.loss(), 28.0);
        assert_eq!(h.ssthresh_segments(), 28.0);
        // Congestion avoidance: +a = +2 segments per round trip, exactly.
        assert_eq!(h.rounds(4), vec![30.0, 32.0, 34.0, 36.0]);
    }

    #[test]
    fn growth_does_not_depend_on_the_ack_pattern() {
        // Byte counting: ACKs of 1, 2, 3 or 7 segments give the windows of the test above.
        for per_ack in [1, 2, 3, 7] {
            let mut h = harness(2.0, 0.7);
            h.segments_per_ack = per_ack;
            let mut w = h.rounds(2);
            w.push(h.loss());
            w.extend(h.rounds(4));
            assert_eq!(w, vec![20.0, 40.0, 28.0, 30.0, 32.0, 34.0, 36.0], "{per_ack} segments per ACK");
        }
    }

    #[test]
    fn a_timeout_restarts_from_one_segment_and_lowers_ssthresh_once() {
        let mut h = harness(3.0, 0.75);
        h.rounds(3); // 80 segments
        assert_eq!(h.timeout(Duration::from_millis(200)), 1.0);
        assert_eq!(h.timeout(Duration::from_millis(400)), 1.0);
        // ssthresh = 0.75 * 80 = 60, from the first timeout only.
        assert_eq!(h.ssthresh_segments(), 60.0);
        // Slow start up to ssthresh, then +a = +3 per round trip.
        assert_eq!(h.rounds(8), vec![2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 63.0, 66.0]);
    }

    #[test]
    fn the_defaults_are_reno() {
        // AIMD(1, 0.5) and the built-in Reno give the same windows round by round.
        let script = |h: &mut Harness| {
            let mut w = h.rounds(3);
            w.push(h.loss());
            w.extend(h.rounds(5));
            w.push(h.timeout(Duration::from_millis(200)));
            w.extend(h.rounds(6));
            w
        };
        let reno = Registry::with_builtins().build_default("reno", &FlowContext::new(MSS)).unwrap();
        let reno = script(&mut Harness::new(reno, Duration::from_millis(40)));
        let aimd = script(&mut harness(1.0, 0.5));
        // 10 -> 80 in slow start, 80 / 2 = 40, +1 per round trip, a timeout at 45
        // (ssthresh 22.5), slow start up to 22.5 and +1 from there.
        assert_eq!(aimd[..10], [20.0, 40.0, 80.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 1.0]);
        assert_eq!(aimd[10..], [2.0, 4.0, 8.0, 16.0, 22.5, 23.5]);
        assert_eq!(aimd, reno);
    }

    #[test]
    fn undo_restores_the_window_before_a_spurious_loss() {
        let mut h = harness(2.0, 0.7);
        h.rounds(2); // 40 segments
        h.loss(); // 28
        let now = h.now;
        h.cc_mut().on_undo(&Undo::new(now, MSS));
        assert_eq!((h.cwnd_segments(), h.ssthresh_segments()), (40.0, f64::INFINITY));
    }

    #[test]
    fn internals_report_the_credit_and_the_reductions() {
        let mut h = harness(2.0, 0.7);
        h.rounds(2);
        h.loss(); // at 28 segments
        h.send_and_ack(7); // a quarter of the window acknowledged
        assert_eq!(h.internal("credit"), Some(7.0));
        assert_eq!(h.internal("reductions"), Some(1.0));
    }

    #[test]
    fn parameters_are_checked_by_name() {
        let mut registry = Registry::empty();
        registry.register::<MyAimdConfig>();
        let error = |params| registry.configure("my-aimd", &params).unwrap_err().to_string();
        assert_eq!(
            error(json!({"b": 1.5})),
            "bad value for my-aimd parameter 'b': b must be in (0, 1), got 1.5"
        );
        assert_eq!(
            error(json!({"a": 0})),
            "bad value for my-aimd parameter 'a': a must be a positive number of segments per RTT, got 0"
        );
        assert_eq!(
            error(json!({"aa": 2})),
            "unknown parameter 'aa' for my-aimd (did you mean 'a'?); its parameters are: a, b"
        );
        assert!(registry.configure("my-aimd", &json!({"a": 0.5, "b": 0.9})).is_ok());
    }
}
