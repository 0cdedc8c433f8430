//! Random Early Detection (Floyd & Jacobson 1993) in front of the drop-tail buffer.
//!
//! On each arrival the average queue is updated (EWMA with weight w_q, or decayed by
//! (1 - w_q)^m after an idle period of m typical packet times, §4 of the paper); between
//! min_th and max_th the base probability rises linearly to max_p, and with "gentle" RED
//! from max_p to 1 between max_th and 2 max_th. The drop probability is spread over the
//! packets since the last drop: p_a = p_b / (1 - count p_b) (§4, "uniform" variant).

use super::rng::{Stream, stream};
use crate::scenario::RedParams;

#[derive(Debug, Clone)]
pub(crate) struct Red {
    min_th: f64,
    max_th: f64,
    max_p: f64,
    w_q: f64,
    gentle: bool,
    /// Average queue, bytes.
    avg: f64,
    /// Arrivals since the last early drop (-1 before any arrival above min_th).
    count: i64,
    /// Transmission time of a typical (1500-byte) packet, ns: the unit of idle decay.
    typical_tx: f64,
    rng: Stream,
}

impl Red {
    pub fn new(params: &RedParams, min_th: u64, max_th: u64, typical_tx_ns: u64, seed: u64) -> Red {
        Red {
            min_th: min_th as f64,
            max_th: (max_th as f64).max(min_th as f64 + 1.0),
            max_p: params.max_probability,
            w_q: params.weight,
            gentle: params.gentle,
            avg: 0.0,
            count: -1,
            typical_tx: typical_tx_ns.max(1) as f64,
            rng: Stream::new(seed, stream::RED),
        }
    }

    /// Decides whether to drop an arrival that finds `queue` bytes waiting; `idle_ns` is
    /// how long the link has been idle (0 if busy).
    pub fn drop_early(&mut self, queue: u64, idle_ns: u64) -> bool {
        if queue == 0 && idle_ns > 0 {
            let m = idle_ns as f64 / self.typical_tx;
            self.avg *= (1.0 - self.w_q).powf(m);
        } else {
            self.avg = (1.0 - self.w_q) * self.avg + self.w_q * queue as f64;
        }
        let p_b = if self.avg < self.min_th {
            self.count = -1;
            return false;
        } else if self.avg < self.max_th {
            self.max_p * (self.avg - self.min_th) / (self.max_th - self.min_th)
        } else if self.gentle && self.avg < 2.0 * self.max_th {
            self.max_p + (1.0 - self.max_p) * (self.avg - self.max_th) / self.max_th
        } else {
            self.count = 0;
            return true;
        };
        self.count += 1;
        let denom = 1.0 - self.count as f64 * p_b;
        let p_a = if denom <= 0.0 { 1.0 } else { (p_b / denom).min(1.0) };
        if self.rng.chance(p_a) {
            self.count = 0;
            true
        } else {
            false
        }
    }

    #[cfg(test)]
    pub fn avg(&self) -> f64 {
        self.avg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> RedParams {
        RedParams {
            min_threshold: cclab_algorithms::BufferSize::Bytes(cclab_algorithms::Bytes::new(10_000)),
            max_threshold: cclab_algorithms::BufferSize::Bytes(cclab_algorithms::Bytes::new(30_000)),
            max_probability: 0.1,
            weight: 0.5,
            gentle: true,
        }
    }

    #[test]
    fn nothing_is_dropped_below_min_threshold_and_everything_past_twice_max() {
        let mut r = Red::new(&params(), 10_000, 30_000, 1000, 1);
        assert!((0..100).all(|_| !r.drop_early(5_000, 0)));
        assert!((r.avg() - 5_000.0).abs() < 1.0);
        for _ in 0..60 {
            r.drop_early(70_000, 0);
        }
        assert!((0..100).all(|_| r.drop_early(70_000, 0)));
    }

    #[test]
    fn the_drop_rate_between_thresholds_is_about_the_uniformised_probability() {
        // avg = 20 KB: p_b = 0.1 * 10/20 = 0.05; with uniformisation the inter-drop gap is
        // uniform on 1..1/p_b, mean (1/p_b + 1)/2 = 10.5 packets -> rate 0.095.
        let mut r = Red::new(&params(), 10_000, 30_000, 1000, 7);
        for _ in 0..50 {
            r.drop_early(20_000, 0);
        }
        let n = 100_000;
        let drops = (0..n).filter(|_| r.drop_early(20_000, 0)).count() as f64 / n as f64;
        assert!((drops - 1.0 / 10.5).abs() < 0.005, "{drops}");
    }

    #[test]
    fn the_average_decays_while_the_link_is_idle() {
        let mut r = Red::new(&params(), 10_000, 30_000, 1000, 1);
        for _ in 0..30 {
            r.drop_early(20_000, 0);
        }
        let before = r.avg();
        // 10 packet times idle: avg *= 0.5^10.
        r.drop_early(0, 10_000);
        assert!((r.avg() - before / 1024.0).abs() < 1e-6);
    }
}
