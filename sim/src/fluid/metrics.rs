//! Weighted histograms for the delay percentiles, kept online in fixed memory.

/// Most bins a histogram keeps; past it, neighbouring bins merge and the width doubles.
const MAX_BINS: usize = 4096;

/// A histogram of values ≥ `origin` with weights (bytes), for means and percentiles.
#[derive(Debug, Clone)]
pub(crate) struct Histogram {
    origin: f64,
    width: f64,
    /// 1 / width (a division per sample showed in profiles).
    inv_width: f64,
    bins: Vec<f64>,
    total: f64,
    weighted_sum: f64,
}

impl Histogram {
    /// Bins of `width` from `origin`; the width doubles as needed to stay within
    /// [`MAX_BINS`], so the resolution is at worst the largest value / 2048.
    pub fn new(origin: f64, width: f64) -> Histogram {
        let width = width.max(1e-12);
        Histogram { origin, width, inv_width: 1.0 / width, bins: Vec::new(), total: 0.0, weighted_sum: 0.0 }
    }

    pub fn add(&mut self, value: f64, weight: f64) {
        if weight <= 0.0 || !value.is_finite() {
            return;
        }
        self.total += weight;
        self.weighted_sum += value * weight;
        // Through i64 (one instruction on x86-64, where a saturating f64 -> usize cast is
        // a branchy sequence); a value beyond i64 saturates and coarsens the bins.
        let x = (value - self.origin) * self.inv_width;
        let mut i = if x > 0.0 { x as i64 as usize } else { 0 };
        while i >= MAX_BINS {
            self.coarsen();
            i /= 2;
        }
        if i >= self.bins.len() {
            self.bins.resize(i + 1, 0.0);
        }
        self.bins[i] += weight;
    }

    fn coarsen(&mut self) {
        let merged: Vec<f64> = self.bins.chunks(2).map(|c| c.iter().sum()).collect();
        self.bins = merged;
        self.width *= 2.0;
        self.inv_width = 1.0 / self.width;
    }

    /// The weighted mean (exact, not binned); 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.total > 0.0 { self.weighted_sum / self.total } else { 0.0 }
    }

    /// The weighted q-quantile (q in [0, 1]), interpolated linearly within its bin;
    /// 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let target = q.clamp(0.0, 1.0) * self.total;
        let mut below = 0.0;
        for (i, &w) in self.bins.iter().enumerate() {
            if w > 0.0 && below + w >= target {
                let inside = ((target - below) / w).clamp(0.0, 1.0);
                return self.origin + (i as f64 + inside) * self.width;
            }
            below += w;
        }
        self.origin + self.bins.len() as f64 * self.width
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_uniform_distribution_fall_where_expected() {
        // Weight 1 at 0.5, 1.5, ..., 99.5 with unit bins from 0: uniform on [0, 100], so
        // the p-quantile is 100 p within one bin.
        let mut h = Histogram::new(0.0, 1.0);
        for i in 0..100 {
            h.add(i as f64 + 0.5, 1.0);
        }
        assert!((h.quantile(0.5) - 50.0).abs() <= 1.0);
        assert!((h.quantile(0.95) - 95.0).abs() <= 1.0);
        assert!((h.quantile(0.99) - 99.0).abs() <= 1.0);
        assert!((h.mean() - 50.0).abs() < 1e-12);
    }

    #[test]
    fn values_beyond_the_bins_coarsen_without_losing_weight() {
        let mut h = Histogram::new(10.0, 0.001);
        h.add(10.0, 3.0);
        h.add(1000.0, 1.0);
        // Three quarters of the weight at the origin: the median is within a bin of it.
        assert!(h.quantile(0.5) - 10.0 < 1000.0 / 2048.0);
        assert!((h.quantile(1.0) - 1000.0).abs() <= 1000.0 / 2048.0 + 1e-9);
        assert!((h.mean() - (30.0 + 1000.0) / 4.0).abs() < 1e-9);
        assert_eq!(Histogram::new(0.0, 1.0).quantile(0.5), 0.0);
    }
}
