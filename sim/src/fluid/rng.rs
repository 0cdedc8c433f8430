//! Random streams, one per (run seed, stream id) (DESIGN.md "Determinism"): adding a
//! stream or drawing more from one never shifts another, so a flow's start offset does not
//! change because another flow's loss process drew one more number.

use rand_pcg::Pcg64;
use rand_pcg::rand_core::Rng;

/// What a stream is for; the id is `(kind << 32) | index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamKind {
    /// A flow's start offset ([`crate::Jitter::start_offset`]).
    Start = 1,
    /// A flow's random loss process at the bottleneck.
    Loss = 2,
    /// The seed handed to a flow's controller ([`cclab_algorithms::FlowContext::seed`]).
    Controller = 3,
    /// A UDP source's on-off periods.
    Udp = 4,
    /// Whether a flow's SYNs are lost.
    Syn = 5,
    /// Which sources the bottleneck's queue drops fall on.
    Drops = 6,
}

/// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer, so
/// neighbouring seeds and stream ids give unrelated states.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The 64-bit id of stream `index` of `kind`.
pub(crate) fn stream_id(kind: StreamKind, index: usize) -> u64 {
    ((kind as u64) << 32) | index as u64
}

/// A seed derived from the run's seed and a stream id (for controllers, which build their
/// own generator from it).
pub(crate) fn derive_seed(seed: u64, kind: StreamKind, index: usize) -> u64 {
    mix(mix(seed) ^ mix(stream_id(kind, index).wrapping_mul(0xd6e8_feb8_6659_fd93)))
}

/// One random stream.
#[derive(Debug, Clone)]
pub(crate) struct Stream(Pcg64);

impl Stream {
    pub fn new(seed: u64, kind: StreamKind, index: usize) -> Stream {
        let s = derive_seed(seed, kind, index);
        let state = (u128::from(mix(s)) << 64) | u128::from(mix(s ^ 0x5851_f42d_4c95_7f2d));
        // PCG's stream selector is the id itself, so two streams differ even if their states
        // were to collide.
        Stream(Pcg64::new(state, u128::from(stream_id(kind, index))))
    }

    /// Uniform in [0, 1), 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Exponentially distributed with the given mean (inverse transform on 1 - U, which is
    /// in (0, 1], so the logarithm is finite). An infinite mean gives infinity.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        if mean.is_infinite() {
            return f64::INFINITY;
        }
        -mean * (1.0 - self.uniform()).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let draw = |seed, kind, i| {
            let mut s = Stream::new(seed, kind, i);
            (0..4).map(|_| s.uniform()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7, StreamKind::Loss, 3), draw(7, StreamKind::Loss, 3));
        assert_ne!(draw(7, StreamKind::Loss, 3), draw(7, StreamKind::Loss, 4));
        assert_ne!(draw(7, StreamKind::Loss, 3), draw(8, StreamKind::Loss, 3));
        assert_ne!(draw(7, StreamKind::Loss, 3), draw(7, StreamKind::Start, 3));
    }

    #[test]
    fn exponential_draws_have_the_requested_mean() {
        // Mean of 100,000 draws of Exp(mean 5): standard error 5/sqrt(1e5) = 0.016, so
        // 0.1 is more than 6 standard errors.
        let mut s = Stream::new(1, StreamKind::Loss, 0);
        let n = 100_000;
        let mean = (0..n).map(|_| s.exponential(5.0)).sum::<f64>() / n as f64;
        assert!((mean - 5.0).abs() < 0.1, "{mean}");
        assert_eq!(s.exponential(f64::INFINITY), f64::INFINITY);
    }
}
