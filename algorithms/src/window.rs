//! Window machinery shared by the classic algorithms, written once: slow start,
//! additive increase with byte counting, the loss window, and the undo snapshot.
//!
//! The arithmetic follows Linux (`tcp_slow_start`, `tcp_cong_avoid_ai` in tcp_cong.c)
//! translated from packet counts to bytes, which is RFC 3465's byte counting: a stretch
//! ACK of N segments grows the window exactly as N ACKs of one segment do.

use crate::units::Bytes;

/// Linux's `TCP_INFINITE_SSTHRESH`: ssthresh before the first reduction.
pub const INITIAL_SSTHRESH: Bytes = Bytes::MAX;

/// cwnd, ssthresh and the additive-increase credit. Algorithms embed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Congestion window, bytes.
    pub cwnd: Bytes,
    /// Slow-start threshold, bytes.
    pub ssthresh: Bytes,
    /// Bytes acknowledged in congestion avoidance not yet turned into growth
    /// (Linux's `snd_cwnd_cnt`, in bytes rather than packets).
    pub credit: u64,
}

impl Window {
    /// A window of `initial_cwnd` bytes with ssthresh unlimited ([`INITIAL_SSTHRESH`]) and
    /// no credit: slow start.
    pub fn new(initial_cwnd: Bytes) -> Window {
        Window { cwnd: initial_cwnd, ssthresh: INITIAL_SSTHRESH, credit: 0 }
    }

    /// Slow start runs while cwnd < ssthresh (Linux's strict test, `tcp_in_slow_start`).
    pub fn in_slow_start(&self) -> bool {
        self.cwnd < self.ssthresh
    }

    /// Slow start: cwnd grows by the acknowledged bytes, but not past ssthresh. Returns
    /// the bytes left over, which the caller feeds to congestion avoidance on the same
    /// ACK (`tcp_slow_start`).
    pub fn slow_start(&mut self, acked: Bytes) -> Bytes {
        let new = (self.cwnd + acked).min(self.ssthresh.max(self.cwnd));
        let used = new - self.cwnd;
        self.cwnd = new;
        acked - used
    }

    /// Additive increase: cwnd grows by `step` bytes for every `w` bytes acknowledged
    /// (`tcp_cong_avoid_ai` with w in bytes). The step is one MSS for the classic
    /// algorithms: Reno uses w = cwnd, i.e. +1 MSS per window per RTT; CUBIC and BIC pass
    /// `cnt * mss`. A generic AIMD with an increase of `a` segments per RTT can pass
    /// w = cwnd and a step of `a` MSS. A w of zero is treated as one byte.
    pub fn cong_avoid_ai(&mut self, w: u64, acked: Bytes, step: Bytes) {
        let w = w.max(1);
        // Credit left over from a larger w: spend it at once, as Linux does.
        if self.credit >= w {
            self.credit = 0;
            self.cwnd += step;
        }
        self.credit += acked.as_u64();
        if self.credit >= w {
            let steps = self.credit / w;
            self.credit -= steps * w;
            self.cwnd += step.saturating_mul(steps);
        }
    }

    /// Linux's `tcp_reno_cong_avoid`, the growth Reno, Westwood+ and Vegas (between its
    /// decisions) share: slow start, then one MSS per window acknowledged with what slow
    /// start left of this ACK. Whether growth is allowed at all (recovery, cwnd-limited)
    /// is the caller's decision.
    pub fn reno_cong_avoid(&mut self, acked: Bytes, mss: Bytes) {
        let acked = if self.in_slow_start() { self.slow_start(acked) } else { acked };
        if !acked.is_zero() {
            let w = self.cwnd.as_u64();
            self.cong_avoid_ai(w, acked, mss);
        }
    }

    /// Enter a reduction: ssthresh as given (at least two segments), cwnd = ssthresh, credit
    /// cleared. Returns the state before, for undo.
    pub fn reduce_to(&mut self, ssthresh: Bytes, mss: Bytes) -> Window {
        let before = *self;
        self.ssthresh = ssthresh.max(Bytes::segments(2, mss));
        self.cwnd = self.ssthresh;
        self.credit = 0;
        before
    }

    /// After an RTO: cwnd is the loss window of one segment (RFC 5681 §3.1; Linux's
    /// in_flight + 1 is one as well since everything outstanding is marked lost).
    pub fn enter_loss(&mut self, mss: Bytes) {
        self.cwnd = mss;
        self.credit = 0;
    }

    /// Undo a reduction (Linux `tcp_undo_cwnd_reduction` with `tcp_reno_undo_cwnd`):
    /// cwnd = max(cwnd, prior cwnd), ssthresh = max(ssthresh, prior ssthresh).
    pub fn undo(&mut self, prior: &Window) {
        self.cwnd = self.cwnd.max(prior.cwnd);
        self.ssthresh = self.ssthresh.max(prior.ssthresh);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSS: Bytes = Bytes::new(1000);

    #[test]
    fn slow_start_stops_at_ssthresh_and_returns_the_rest() {
        let mut w = Window::new(Bytes::new(10_000));
        w.ssthresh = Bytes::new(12_000);
        let left = w.slow_start(Bytes::new(5_000));
        assert_eq!(w.cwnd, Bytes::new(12_000));
        assert_eq!(left, Bytes::new(3_000));
        assert!(!w.in_slow_start());
    }

    #[test]
    fn additive_increase_is_one_mss_per_window_acked() {
        let mut w = Window::new(Bytes::new(10_000));
        // 10 ACKs of one segment each: exactly one window, +1 MSS.
        for _ in 0..10 {
            let cwnd = w.cwnd.as_u64();
            w.cong_avoid_ai(cwnd, MSS, MSS);
        }
        assert_eq!(w.cwnd, Bytes::new(11_000));
        assert_eq!(w.credit, 0);
    }

    #[test]
    fn a_step_of_three_segments_adds_three_per_window_acked() {
        // w = cwnd, step = 3 MSS: one window of ACKs (10 of 1 MSS) adds exactly 3 MSS, the
        // increase of AIMD(a = 3, b) per RTT; the credit is spent to zero.
        let mut w = Window::new(Bytes::new(10_000));
        for _ in 0..10 {
            let cwnd = w.cwnd.as_u64();
            w.cong_avoid_ai(cwnd, MSS, Bytes::segments(3, MSS));
        }
        assert_eq!(w.cwnd, Bytes::new(13_000));
        assert_eq!(w.credit, 0);
    }

    #[test]
    fn a_stretch_ack_counts_every_byte() {
        let mut a = Window::new(Bytes::new(10_000));
        let mut b = a;
        a.cong_avoid_ai(10_000, Bytes::new(25_000), MSS);
        for _ in 0..25 {
            b.cong_avoid_ai(10_000, MSS, MSS);
        }
        assert_eq!(a.cwnd, Bytes::new(12_000));
        assert_eq!(a, b);
    }

    #[test]
    fn reduction_keeps_two_segments_and_undo_restores() {
        let mut w = Window::new(Bytes::new(3_000));
        let prior = w.reduce_to(Bytes::new(1_500), MSS);
        assert_eq!(w.ssthresh, Bytes::new(2_000));
        assert_eq!(w.cwnd, Bytes::new(2_000));
        w.undo(&prior);
        assert_eq!(w.cwnd, Bytes::new(3_000));
        assert_eq!(w.ssthresh, INITIAL_SSTHRESH);
    }
}
