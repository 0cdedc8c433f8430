//! Statistics over seeds: mean, sample standard deviation, and the half-width of the 95%
//! Student-t confidence interval of the mean.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, std and 95% CI half-width of one metric over the seeds of a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (n - 1 in the denominator); NaN for n < 2.
    pub std: f64,
    /// t_{0.975, n-1} x std / sqrt(n); NaN for n < 2, where no interval exists.
    pub ci95: f64,
}

/// Estimates from the finite values in `xs` (failed runs and undefined metrics are left
/// out by the caller as NaN).
pub fn estimate(xs: &[f64]) -> Estimate {
    let v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n == 0 {
        return Estimate { n, mean: f64::NAN, std: f64::NAN, ci95: f64::NAN };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Estimate { n, mean, std: f64::NAN, ci95: f64::NAN };
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let std = var.sqrt();
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).map(|d| d.inverse_cdf(0.975)).unwrap_or(f64::NAN);
    Estimate { n, mean, std, ci95: t * std / (n as f64).sqrt() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_uses_student_t_quantiles() {
        // xs = 1..=5: mean 3, s = sqrt(2.5) = 1.5811; t_{0.975,4} = 2.7764;
        // half-width = 2.7764 x 1.5811 / sqrt(5) = 1.9632 (to 1e-4).
        let e = estimate(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.mean, 3.0);
        assert!((e.std - 1.581_138_8).abs() < 1e-6);
        assert!((e.ci95 - 1.963_243).abs() < 1e-4, "{}", e.ci95);
        // Two samples: t_{0.975,1} = 12.706; [0, 2]: s = 1.4142, hw = 12.706 x 1.4142 / 1.4142.
        assert!((estimate(&[0.0, 2.0]).ci95 - 12.706_2).abs() < 1e-3);
    }

    #[test]
    fn one_sample_has_no_interval_and_nan_is_skipped() {
        let e = estimate(&[4.0, f64::NAN]);
        assert_eq!((e.n, e.mean), (1, 4.0));
        assert!(e.std.is_nan() && e.ci95.is_nan());
        assert!(estimate(&[]).mean.is_nan());
    }
}
