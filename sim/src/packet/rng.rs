//! Random streams: one independent PCG stream per (run seed, stream id).
//!
//! Every consumer of randomness (a flow's jitter, the loss model, RED, a UDP source, a
//! controller's own seed) gets its own stream, so adding a flow or a loss model does not
//! shift the draws of anything else, and the same seed gives the same run.

use rand_core::Rng;
use rand_pcg::Pcg32;

/// Stream ids, spaced so that per-flow and per-source ids never collide.
pub(crate) mod stream {
    pub const START_OFFSET: u64 = 1 << 32;
    pub const SEND_JITTER: u64 = 2 << 32;
    pub const CONTROLLER: u64 = 3 << 32;
    pub const UDP: u64 = 4 << 32;
    pub const LOSS: u64 = 5 << 32;
    pub const RED: u64 = 6 << 32;
}

/// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective mixer that turns nearby
/// inputs into unrelated outputs.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed for stream `id` of a run with seed `seed`.
pub(crate) fn derive(seed: u64, id: u64) -> u64 {
    mix(mix(seed) ^ mix(id.wrapping_add(0x5851_F42D_4C95_7F2D)))
}

/// A random stream.
#[derive(Debug, Clone)]
pub(crate) struct Stream(Pcg32);

impl Stream {
    pub fn new(seed: u64, id: u64) -> Stream {
        // PCG's own stream selector gets the id as well, so even equal states differ.
        Stream(Pcg32::new(derive(seed, id), id))
    }

    /// Uniform in [0, 1).
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n] (inclusive), n < 2^32 fast path via multiply-shift.
    #[inline]
    pub fn below_inclusive(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        if n < u64::from(u32::MAX) {
            // Lemire's multiply-shift; the bias is below 2^-32 relative, irrelevant here.
            (u64::from(self.0.next_u32()) * (n + 1)) >> 32
        } else {
            ((u128::from(self.0.next_u64()) * (u128::from(n) + 1)) >> 64) as u64
        }
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.uniform() < p
    }

    /// Exponentially distributed with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        // 1 - U is in (0, 1], so the logarithm is finite.
        -mean * (1.0 - self.uniform()).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Stream::new(7, 1).below_inclusive(1000)).collect();
        let mut s = Stream::new(7, 1);
        let b: Vec<u64> = (0..4).map(|_| s.below_inclusive(1000)).collect();
        assert!(a.iter().all(|&x| x == a[0]), "a fresh stream starts at the same place");
        assert_eq!(b[0], a[0]);
        let mut other = Stream::new(7, 2);
        let c: Vec<u64> = (0..4).map(|_| other.below_inclusive(1000)).collect();
        assert_ne!(b, c);
    }

    #[test]
    fn uniform_draws_cover_the_range_with_the_right_mean() {
        let mut s = Stream::new(1, 0);
        let n = 100_000;
        let mean: f64 = (0..n).map(|_| s.below_inclusive(100) as f64).sum::<f64>() / n as f64;
        // Uniform on {0..100}: mean 50, std of the mean 29/sqrt(1e5) = 0.09; allow 0.5.
        assert!((mean - 50.0).abs() < 0.5, "{mean}");
        let e: f64 = (0..n).map(|_| s.exponential(2.0)).sum::<f64>() / n as f64;
        // Exponential mean 2, std of the mean 2/sqrt(1e5) = 0.006; allow 0.03.
        assert!((e - 2.0).abs() < 0.03, "{e}");
    }
}
