//! Reno / NewReno window rules (RFC 5681 §3.1, Linux `tcp_reno_*` in tcp_cong.c).
//!
//! Slow start grows cwnd by the acknowledged bytes; congestion avoidance by one MSS per
//! window acknowledged (byte counting, so delayed and stretch ACKs do not slow it, as in
//! Linux). A loss halves the window: ssthresh = max(cwnd/2, 2 MSS), computed from cwnd
//! as Linux does rather than from FlightSize as RFC 5681 eq. 4 does. An RTO sets cwnd to
//! one segment. NewReno's partial-ACK handling is the sender's job, not the window rule's.

use crate::registry::{AlgorithmConfig, FlowContext};
use crate::units::Bytes;
use crate::window::Window;
use crate::{Ack, Congestion, CongestionControl, Rto, Undo};
use serde::{Deserialize, Serialize};

/// Reno has no parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RenoConfig {}

impl AlgorithmConfig for RenoConfig {
    const NAME: &'static str = "reno";
    const ALIASES: &'static [&'static str] = &["newreno", "new-reno"];
    const DESCRIPTION: &'static str = "AIMD: +1 segment per RTT, halve on loss (RFC 5681, Linux tcp_reno)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[];

    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(Reno::new(ctx.initial_cwnd))
    }
}

/// The Reno controller of one flow.
#[derive(Debug, Clone)]
pub struct Reno {
    window: Window,
    prior: Option<Window>,
}

impl Reno {
    /// A Reno flow starting in slow start with a window of `initial_cwnd` bytes.
    pub fn new(initial_cwnd: Bytes) -> Reno {
        Reno { window: Window::new(initial_cwnd), prior: None }
    }
}

/// Linux `tcp_reno_ssthresh`: max(cwnd/2, 2 segments), in bytes.
pub(crate) fn reno_ssthresh(cwnd: Bytes, mss: Bytes) -> Bytes {
    Bytes::new(cwnd.as_u64() / 2).max(Bytes::segments(2, mss))
}

impl CongestionControl for Reno {
    fn name(&self) -> &'static str {
        RenoConfig::NAME
    }

    fn on_ack(&mut self, ack: &Ack) {
        if ack.in_recovery || !ack.cwnd_limited {
            return;
        }
        self.window.reno_cong_avoid(ack.acked, ack.mss);
    }

    fn on_congestion(&mut self, ev: &Congestion) {
        let ssthresh = reno_ssthresh(self.window.cwnd, ev.mss);
        self.prior = Some(self.window.reduce_to(ssthresh, ev.mss));
    }

    fn on_rto(&mut self, ev: &Rto) {
        if ev.consecutive <= 1 {
            // Saved so that a spurious timeout (F-RTO, timestamps) can be undone, as
            // Linux's tcp_enter_loss keeps prior_ssthresh and the undo marker.
            self.prior = Some(self.window);
            self.window.ssthresh = reno_ssthresh(self.window.cwnd, ev.mss);
        }
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
}

#[cfg(test)]
mod tests {
    use crate::harness::{Harness, MSS};
    use crate::{Duration, FlowContext, Registry, Undo};

    fn reno() -> Harness {
        let cc = Registry::with_builtins().build_default("reno", &FlowContext::new(MSS)).unwrap();
        Harness::new(cc, Duration::from_millis(40))
    }

    #[test]
    fn slow_start_doubles_every_round() {
        // cwnd_k = IW * 2^k with IW = 10 (reference T4), exact.
        let mut h = reno();
        assert_eq!(h.rounds(5), vec![20.0, 40.0, 80.0, 160.0, 320.0]);
    }

    #[test]
    fn slow_start_with_delayed_acks_still_doubles() {
        // Byte counting: an ACK of 2 segments grows cwnd by 2 segments (Linux, RFC 3465 L=2).
        let mut h = reno();
        h.segments_per_ack = 2;
        assert_eq!(h.rounds(3), vec![20.0, 40.0, 80.0]);
    }

    #[test]
    fn avoidance_grows_one_segment_per_round() {
        // After a loss at 64 segments, ssthresh = 32; then +1 MSS per RTT (T5), exact here
        // and so within the required 1 MSS over 10 rounds.
        let mut h = reno();
        while h.cwnd_segments() < 64.0 {
            h.round();
        }
        assert_eq!(h.cwnd_segments(), 80.0);
        assert_eq!(h.loss(), 40.0);
        let w = h.rounds(10);
        assert_eq!(w, (41..=50).map(f64::from).collect::<Vec<_>>());
    }

    #[test]
    fn avoidance_growth_does_not_depend_on_the_ack_pattern() {
        // One ACK of N segments and N ACKs of one segment give the same window (± 1 MSS).
        for per_ack in [1, 2, 3, 7, 1000] {
            let mut h = reno();
            h.round();
            h.loss();
            h.segments_per_ack = per_ack;
            h.rounds(20);
            assert!((h.cwnd_segments() - 30.0).abs() <= 1.0, "{per_ack}: {}", h.cwnd_segments());
        }
    }

    #[test]
    fn loss_halves_and_rto_goes_to_one_segment() {
        let mut h = reno();
        h.rounds(3); // 80
        assert_eq!(h.loss(), 40.0);
        assert_eq!(h.ssthresh_segments(), 40.0);
        h.rounds(2); // 42
        assert_eq!(h.timeout(Duration::from_millis(200)), 1.0);
        assert_eq!(h.ssthresh_segments(), 21.0);
        // Slow start again, up to ssthresh, then avoidance.
        assert_eq!(h.rounds(6), vec![2.0, 4.0, 8.0, 16.0, 21.0, 22.0]);
    }

    #[test]
    fn repeated_timeouts_do_not_lower_ssthresh_again() {
        let mut h = reno();
        h.rounds(3); // 80
        h.timeout(Duration::from_millis(200));
        h.timeout(Duration::from_millis(400));
        assert_eq!(h.ssthresh_segments(), 40.0);
        assert_eq!(h.cwnd_segments(), 1.0);
    }

    #[test]
    fn undo_restores_the_window_before_a_spurious_loss() {
        let mut h = reno();
        h.rounds(2); // 40
        h.loss();
        let now = h.now;
        h.cc_mut().on_undo(&Undo::new(now, MSS));
        assert_eq!(h.cwnd_segments(), 40.0);
        assert_eq!(h.ssthresh_segments(), f64::INFINITY);
    }

    #[test]
    fn undo_after_a_spurious_timeout_restores_the_window() {
        let mut h = reno();
        h.rounds(2); // 40
        h.timeout(Duration::from_millis(200));
        let now = h.now;
        h.cc_mut().on_undo(&Undo::new(now, MSS));
        assert_eq!(h.cwnd_segments(), 40.0);
        assert_eq!(h.ssthresh_segments(), f64::INFINITY);
    }

    #[test]
    fn the_ssthresh_floor_is_two_segments() {
        let mut h = reno();
        h.timeout(Duration::from_millis(200));
        h.timeout(Duration::from_millis(400));
        h.round();
        h.loss();
        assert_eq!(h.ssthresh_segments(), 2.0);
    }
}
