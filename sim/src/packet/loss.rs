//! Random losses at the bottleneck, independent of the queue (scenario `LossModel`).
//!
//! Applied to every packet arriving at the bottleneck, before the queue: a lost packet
//! never occupies the buffer. Each run has one loss stream, so the draws depend only on
//! the seed and the order of arrivals.

use super::rng::{Stream, stream};
use crate::scenario::LossModel;

#[derive(Debug, Clone)]
pub(crate) enum Loss {
    None,
    Bernoulli {
        p: f64,
        rng: Stream,
    },
    /// Every n-th packet of each source is lost (the deterministic loss of the Mathis
    /// model); `counts[source]` counts arrivals since the last loss.
    Periodic {
        n: u64,
        counts: Vec<u64>,
    },
    /// Gilbert-Elliott: a two-state Markov chain shared by all packets. Each packet is lost
    /// with the probability of the current state, then the chain steps.
    GilbertElliott {
        p_gb: f64,
        p_bg: f64,
        loss_good: f64,
        loss_bad: f64,
        bad: bool,
        rng: Stream,
    },
}

impl Loss {
    pub fn new(model: &LossModel, seed: u64, sources: usize) -> Loss {
        match *model {
            LossModel::None => Loss::None,
            LossModel::Bernoulli { p } => Loss::Bernoulli { p, rng: Stream::new(seed, stream::LOSS) },
            LossModel::Periodic { p } => {
                Loss::Periodic { n: (1.0 / p).round().max(1.0) as u64, counts: vec![0; sources] }
            }
            LossModel::GilbertElliott { p_good_to_bad, p_bad_to_good, loss_good, loss_bad } => {
                Loss::GilbertElliott {
                    p_gb: p_good_to_bad,
                    p_bg: p_bad_to_good,
                    loss_good,
                    loss_bad,
                    bad: false,
                    rng: Stream::new(seed, stream::LOSS),
                }
            }
        }
    }

    /// Whether the packet arriving now from `source` is lost.
    #[inline]
    pub fn lose(&mut self, source: usize) -> bool {
        match self {
            Loss::None => false,
            Loss::Bernoulli { p, rng } => rng.chance(*p),
            Loss::Periodic { n, counts } => {
                let c = &mut counts[source];
                *c += 1;
                if *c >= *n {
                    *c = 0;
                    true
                } else {
                    false
                }
            }
            Loss::GilbertElliott { p_gb, p_bg, loss_good, loss_bad, bad, rng } => {
                let lost = rng.chance(if *bad { *loss_bad } else { *loss_good });
                let flip = rng.chance(if *bad { *p_bg } else { *p_gb });
                *bad ^= flip;
                lost
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_loss_drops_every_nth_packet_of_each_source() {
        let mut l = Loss::new(&LossModel::Periodic { p: 0.25 }, 1, 2);
        let a: Vec<bool> = (0..8).map(|_| l.lose(0)).collect();
        assert_eq!(a, vec![false, false, false, true, false, false, false, true]);
        // Source 1 has its own count.
        assert!(!l.lose(1));
    }

    #[test]
    fn bernoulli_loss_has_the_requested_rate() {
        let mut l = Loss::new(&LossModel::Bernoulli { p: 0.01 }, 3, 1);
        let n = 200_000;
        let lost = (0..n).filter(|_| l.lose(0)).count() as f64;
        // Binomial: mean 2000, std 44.5; allow 5 std.
        assert!((lost - 2000.0).abs() < 225.0, "{lost}");
    }

    #[test]
    fn gilbert_elliott_losses_come_in_bursts() {
        // p_gb = 0.01, p_bg = 0.25: bad 1/26 of the time; every bad packet lost -> rate
        // 0.01/0.26 = 3.85%, mean burst length 1/0.25 = 4 packets.
        let model = LossModel::GilbertElliott {
            p_good_to_bad: 0.01,
            p_bad_to_good: 0.25,
            loss_good: 0.0,
            loss_bad: 1.0,
        };
        let mut l = Loss::new(&model, 5, 1);
        let seq: Vec<bool> = (0..400_000).map(|_| l.lose(0)).collect();
        let lost = seq.iter().filter(|&&x| x).count() as f64;
        let bursts = seq.windows(2).filter(|w| w[1] && !w[0]).count() as f64;
        let rate = lost / seq.len() as f64;
        assert!((rate - 0.0385).abs() < 0.003, "{rate}");
        assert!((lost / bursts - 4.0).abs() < 0.3, "{}", lost / bursts);
    }
}
