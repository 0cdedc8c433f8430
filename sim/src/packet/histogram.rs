//! A fixed-size log-bucket histogram of durations, for RTT and queueing-delay percentiles
//! without keeping every sample.
//!
//! Values are nanoseconds. Values below 2^SUB_BITS ns are stored exactly; above, each
//! power of two is split into 2^SUB_BITS equal sub-buckets, so a reported percentile is
//! within 2^-SUB_BITS (1.6%) of the true sample, relative. The mean is exact.

const SUB_BITS: u32 = 6;
const SUB: usize = 1 << SUB_BITS;
/// Exponents 0..=63 (with the first group exact) give 64 groups of SUB buckets.
const BUCKETS: usize = 64 * SUB;

#[derive(Debug, Clone)]
pub(crate) struct Histogram {
    counts: Vec<u64>,
    /// Sum of the samples, ns (the count is the sum of `counts`, taken when asked: one
    /// memory update less per sample).
    sum: u128,
}

impl Histogram {
    pub fn new() -> Histogram {
        Histogram { counts: vec![0; BUCKETS], sum: 0 }
    }

    #[inline]
    fn bucket(v: u64) -> usize {
        if v < SUB as u64 {
            return v as usize;
        }
        let msb = 63 - v.leading_zeros(); // >= SUB_BITS
        let shift = msb - SUB_BITS;
        let sub = ((v >> shift) as usize) & (SUB - 1);
        ((shift as usize + 1) << SUB_BITS) | sub
    }

    /// The value range [lo, hi) of a bucket.
    fn range(b: usize) -> (u64, u64) {
        let group = b >> SUB_BITS;
        let sub = (b & (SUB - 1)) as u64;
        if group == 0 {
            return (sub, sub + 1);
        }
        let shift = (group - 1) as u32;
        let lo = (SUB as u64 + sub) << shift;
        (lo, lo + (1u64 << shift))
    }

    #[inline]
    pub fn record(&mut self, v: u64) {
        self.counts[Self::bucket(v)] += 1;
        self.sum += u128::from(v);
    }

    /// Number of samples.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Mean in ns; 0 when empty.
    pub fn mean(&self) -> f64 {
        let n = self.count();
        if n == 0 { 0.0 } else { self.sum as f64 / n as f64 }
    }

    /// The q-quantile (0 < q <= 1) in ns: the midpoint of the bucket holding the sample of
    /// rank ceil(q n) (the nearest-rank definition); 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.count();
        if n == 0 {
            return 0.0;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (lo, hi) = Self::range(b);
                return if hi - lo == 1 { lo as f64 } else { (lo as f64 + hi as f64 - 1.0) / 2.0 };
            }
        }
        unreachable!("rank <= n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_value_range() {
        let mut prev_hi = 0;
        // Groups up to 57 (values below 2^63); the top group's upper end overflows u64.
        for b in 0..58 * SUB {
            let (lo, hi) = Histogram::range(b);
            assert_eq!(lo, prev_hi, "bucket {b}");
            assert_eq!(Histogram::bucket(lo), b);
            assert_eq!(Histogram::bucket(hi - 1), b);
            prev_hi = hi;
        }
    }

    #[test]
    fn quantiles_are_within_the_bucket_resolution() {
        let mut h = Histogram::new();
        // 1..=10000 us: p50 = 5000 us, p95 = 9500 us, p99 = 9900 us (nearest rank).
        for us in 1..=10_000u64 {
            h.record(us * 1000);
        }
        for (q, want) in [(0.5, 5.0e6), (0.95, 9.5e6), (0.99, 9.9e6)] {
            let got = h.quantile(q);
            // Half a bucket: 2^-7 relative.
            assert!((got - want).abs() / want < 1.0 / 128.0, "q={q}: {got} vs {want}");
        }
        assert!((h.mean() - 5000.5e3).abs() < 1e-6);
    }

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::new();
        for v in [3, 3, 7] {
            h.record(v);
        }
        assert_eq!(h.quantile(0.5), 3.0);
        assert_eq!(h.quantile(1.0), 7.0);
        assert_eq!(Histogram::new().quantile(0.5), 0.0);
    }
}
