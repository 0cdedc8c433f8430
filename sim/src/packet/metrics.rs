//! Online per-flow metrics over the measurement window [warm-up, end]: RTT samples in a
//! log-bucket histogram, the time integral of cwnd, and window-bounded counters. Nothing
//! is stored per packet.

use super::histogram::Histogram;

#[derive(Debug, Clone)]
pub(crate) struct FlowMetrics {
    w0: u64,
    w1: u64,
    /// RTT samples taken in the window, ns.
    pub rtt: Histogram,
    /// Integral of cwnd over the window, byte x ns.
    cwnd_integral: u128,
    /// cwnd (bytes) in force since `cwnd_since`.
    cwnd: u64,
    cwnd_since: u64,
    /// Retransmitted segments in the window.
    pub retransmits: u64,
    /// Retransmission timeouts in the window.
    pub timeouts: u64,
}

impl FlowMetrics {
    pub fn new(window: (u64, u64), cwnd: u64) -> FlowMetrics {
        FlowMetrics {
            w0: window.0,
            w1: window.1,
            rtt: Histogram::new(),
            cwnd_integral: 0,
            cwnd,
            cwnd_since: 0,
            retransmits: 0,
            timeouts: 0,
        }
    }

    #[inline]
    pub fn in_window(&self, t: u64) -> bool {
        t >= self.w0 && t < self.w1
    }

    #[inline]
    pub fn rtt_sample(&mut self, now: u64, rtt: u64) {
        if self.in_window(now) {
            self.rtt.record(rtt);
        }
    }

    /// cwnd changed to `cwnd` at `now`.
    #[inline]
    pub fn cwnd_changed(&mut self, now: u64, cwnd: u64) {
        let span = now.min(self.w1).saturating_sub(self.cwnd_since.max(self.w0));
        self.cwnd_integral += u128::from(self.cwnd) * u128::from(span);
        self.cwnd = cwnd;
        self.cwnd_since = now;
    }

    /// Time-averaged cwnd over the window, bytes (call after `cwnd_changed(end, ..)`).
    pub fn mean_cwnd(&self) -> f64 {
        self.cwnd_integral as f64 / (self.w1 - self.w0).max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_cwnd_is_time_weighted_over_the_window_only() {
        // Window [10, 30): cwnd 100 until 20, then 300: mean (100 x 10 + 300 x 10) / 20 = 200.
        let mut m = FlowMetrics::new((10, 30), 100);
        m.cwnd_changed(20, 300);
        m.cwnd_changed(40, 300);
        assert_eq!(m.mean_cwnd(), 200.0);
    }
}
