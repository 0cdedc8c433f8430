//! Random loss at the bottleneck, independent of the queue, one process per flow.
//!
//! Counted in packets (fractional: a fluid step carries fractions of packets):
//! * Bernoulli p: a Poisson process of rate p per packet, i.e. exponential gaps of mean
//!   1/p packets between losses, the limit of independent per-packet losses.
//! * Periodic p: exactly one packet in every round(1/p) of the flow (Mathis model).
//! * Gilbert–Elliott: the good and bad states last exponentially many packets with means
//!   1/p_good_to_bad and 1/p_bad_to_good (the limit of the per-packet geometric
//!   sojourns); inside a state, losses are Poisson with that state's probability.
//!
//! Cost is per loss event and per state change, not per packet.

use super::rng::Stream;
use crate::scenario::LossModel;

#[derive(Debug, Clone)]
enum Model {
    None,
    Poisson { p: f64 },
    Periodic { period: f64 },
    GilbertElliott { to_bad: f64, to_good: f64, loss_good: f64, loss_bad: f64 },
}

/// One flow's loss process.
#[derive(Debug, Clone)]
pub(crate) struct RandomLoss {
    model: Model,
    rng: Stream,
    /// Packets until the next Poisson loss.
    gap: f64,
    /// Packets seen so far (periodic model).
    seen: f64,
    /// Gilbert–Elliott: in the bad state, and packets left in the current state.
    bad: bool,
    left: f64,
    /// Losses that fell in a step carrying less than that many packets, taken from the
    /// next steps so that a loss of one packet costs the flow one whole packet.
    owed: f64,
}

/// Mean of an exponential sojourn or gap for a per-packet probability p.
fn mean_gap(p: f64) -> f64 {
    if p > 0.0 { 1.0 / p } else { f64::INFINITY }
}

impl RandomLoss {
    pub fn new(model: &LossModel, mut rng: Stream) -> RandomLoss {
        let model = match *model {
            LossModel::None => Model::None,
            LossModel::Bernoulli { p } if p <= 0.0 => Model::None,
            LossModel::Bernoulli { p } => Model::Poisson { p },
            LossModel::Periodic { p } => Model::Periodic { period: (1.0 / p).round().max(1.0) },
            LossModel::GilbertElliott { p_good_to_bad, p_bad_to_good, loss_good, loss_bad } => {
                Model::GilbertElliott { to_bad: p_good_to_bad, to_good: p_bad_to_good, loss_good, loss_bad }
            }
        };
        let (gap, left) = match model {
            Model::Poisson { p } => (rng.exponential(mean_gap(p)), 0.0),
            Model::GilbertElliott { to_bad, loss_good, .. } => {
                (rng.exponential(mean_gap(loss_good)), rng.exponential(mean_gap(to_bad)))
            }
            _ => (0.0, 0.0),
        };
        RandomLoss { model, rng, gap, seen: 0.0, bad: false, left, owed: 0.0 }
    }

    /// The long-run fraction of packets lost: p, 1/round(1/p), or the stationary mix
    /// π_good·loss_good + π_bad·loss_bad with π_bad = p_gb / (p_gb + p_bg).
    pub fn mean_probability(model: &LossModel) -> f64 {
        match *model {
            LossModel::None => 0.0,
            LossModel::Bernoulli { p } => p,
            LossModel::Periodic { p } => 1.0 / (1.0 / p).round().max(1.0),
            LossModel::GilbertElliott { p_good_to_bad, p_bad_to_good, loss_good, loss_bad } => {
                let total = p_good_to_bad + p_bad_to_good;
                if total <= 0.0 {
                    return loss_good;
                }
                let bad = p_good_to_bad / total;
                (1.0 - bad) * loss_good + bad * loss_bad
            }
        }
    }

    /// No losses ever (the caller can skip [`lost`](Self::lost)).
    pub fn is_none(&self) -> bool {
        matches!(self.model, Model::None) && self.owed <= 0.0
    }

    /// Packets lost among `packets` arriving now.
    pub fn lost(&mut self, packets: f64) -> f64 {
        if packets <= 0.0 {
            return 0.0;
        }
        let due = self.owed + self.draw(packets);
        let lost = due.min(packets);
        self.owed = due - lost;
        lost
    }

    fn draw(&mut self, packets: f64) -> f64 {
        match self.model {
            Model::None => 0.0,
            Model::Poisson { p } => poisson(&mut self.rng, &mut self.gap, p, packets),
            Model::Periodic { period } => {
                let before = (self.seen / period).floor();
                self.seen += packets;
                (self.seen / period).floor() - before
            }
            Model::GilbertElliott { to_bad, to_good, loss_good, loss_bad } => {
                let mut rest = packets;
                let mut lost = 0.0;
                while rest > 0.0 {
                    let run = rest.min(self.left);
                    let p = if self.bad { loss_bad } else { loss_good };
                    lost += poisson(&mut self.rng, &mut self.gap, p, run);
                    rest -= run;
                    self.left -= run;
                    if self.left <= 0.0 {
                        self.bad = !self.bad;
                        let (leave, p) = if self.bad { (to_good, loss_bad) } else { (to_bad, loss_good) };
                        self.left = self.rng.exponential(mean_gap(leave));
                        // Memoryless: the new state's gap can be drawn afresh.
                        self.gap = self.rng.exponential(mean_gap(p));
                    }
                }
                lost
            }
        }
    }
}

/// Losses of a Poisson process of rate p per packet over `packets` packets, with `gap` the
/// packets left until the next one. p ≥ 1 loses everything.
fn poisson(rng: &mut Stream, gap: &mut f64, p: f64, packets: f64) -> f64 {
    if p >= 1.0 {
        return packets;
    }
    if p <= 0.0 {
        return 0.0;
    }
    *gap -= packets;
    let mut n = 0.0;
    while *gap <= 0.0 {
        n += 1.0;
        *gap += rng.exponential(1.0 / p);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fluid::rng::StreamKind;

    fn process(model: LossModel) -> RandomLoss {
        RandomLoss::new(&model, Stream::new(3, StreamKind::Loss, 0))
    }

    #[test]
    fn periodic_loss_drops_exactly_one_packet_in_every_period() {
        // p = 0.01: one in 100, wherever the step boundaries fall.
        let mut l = process(LossModel::Periodic { p: 0.01 });
        let total: f64 = (0..1000).map(|_| l.lost(7.3)).sum();
        assert_eq!(total, (7300.0f64 / 100.0).floor());
        // Steps smaller than a packet still lose whole packets, one per period.
        let mut l = process(LossModel::Periodic { p: 0.01 });
        let lost: Vec<f64> = (0..1000).map(|_| l.lost(0.25)).filter(|&x| x > 0.0).collect();
        assert_eq!(lost.iter().sum::<f64>(), 2.0);
        assert_eq!(lost.len(), 8, "{lost:?}");
    }

    #[test]
    fn bernoulli_loss_has_the_requested_rate() {
        // 10^6 packets at p = 0.01: 10,000 losses expected, standard deviation 100, so
        // ±500 is five of them.
        let mut l = process(LossModel::Bernoulli { p: 0.01 });
        let total: f64 = (0..100_000).map(|_| l.lost(10.0)).sum();
        assert!((total - 10_000.0).abs() < 500.0, "{total}");
        let mut none = process(LossModel::Bernoulli { p: 0.0 });
        assert_eq!(none.lost(1e9), 0.0);
    }

    #[test]
    fn gilbert_elliott_loss_matches_its_stationary_rate() {
        // Good→bad 0.001, bad→good 0.1, loss 1 in bad: π_bad = 0.001/0.101 = 0.0099.
        let model = LossModel::GilbertElliott {
            p_good_to_bad: 0.001,
            p_bad_to_good: 0.1,
            loss_good: 0.0,
            loss_bad: 1.0,
        };
        let expected = RandomLoss::mean_probability(&model);
        assert!((expected - 0.001 / 0.101).abs() < 1e-12);
        // 10^7 packets cover ~10^4 bursts; the relative error of the burst count is ~1 %,
        // and burst lengths add as much again: allow 5 %.
        let mut l = process(model);
        let total: f64 = (0..1_000_000).map(|_| l.lost(10.0)).sum();
        let rate = total / 1e7;
        assert!((rate / expected - 1.0).abs() < 0.05, "{rate} vs {expected}");
    }
}
