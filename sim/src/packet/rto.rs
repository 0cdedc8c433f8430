//! The retransmission-timeout estimator of RFC 6298, with a configurable floor.
//!
//! cclab keeps RFC 6298's estimator (§2: SRTT, RTTVAR, K = 4, alpha = 1/8, beta = 1/4) and
//! applies the flow's `min_rto` (200 ms by default, Linux's `TCP_RTO_MIN`) the way Linux
//! does: as a floor on the variance term, RTO = SRTT + max(4 RTTVAR, min_rto) (Linux keeps
//! rttvar >= rto_min; reference §1.7), not on the sum as RFC 6298 (2.4) floors it at 1 s.
//! With a 200 ms floor on the sum, a path whose RTT exceeds 200 ms and barely varies gets an
//! RTO of about one SRTT, which races the ACK of every fast retransmission queued behind a
//! full buffer: spurious timeouts that Linux does not have. Linux's per-RTT variance filter
//! is not modelled.

/// Initial RTO before any sample (RFC 6298 (2.1); Linux `TCP_TIMEOUT_INIT`): 1 s.
pub(crate) const INITIAL_RTO: u64 = 1_000_000_000;
/// RTO once data flows after a retransmitted SYN (RFC 6298 (5.7); Linux
/// `TCP_TIMEOUT_FALLBACK`): 3 s.
pub(crate) const FALLBACK_RTO: u64 = 3_000_000_000;
/// Upper bound (RFC 6298 (2.5) allows >= 60 s; Linux `TCP_RTO_MAX`): 120 s.
pub(crate) const MAX_RTO: u64 = 120_000_000_000;

#[derive(Debug, Clone)]
pub(crate) struct RtoEstimator {
    /// Smoothed RTT, ns (0 before the first sample).
    pub srtt: u64,
    /// RTT variation, ns.
    pub rttvar: u64,
    /// Smallest sample so far, ns (0 before the first sample).
    pub min_rtt: u64,
    /// The current RTO without backoff, ns.
    base: u64,
    /// Consecutive doublings since the last sample (RFC 6298 (5.5)).
    pub backoff: u32,
    min_rto: u64,
}

impl RtoEstimator {
    pub fn new(min_rto: u64) -> RtoEstimator {
        RtoEstimator { srtt: 0, rttvar: 0, min_rtt: 0, base: INITIAL_RTO, backoff: 0, min_rto }
    }

    /// Feeds one valid sample R (Karn's rule already applied), ns.
    pub fn sample(&mut self, r: u64) {
        if self.srtt == 0 {
            // (2.2): SRTT = R, RTTVAR = R/2.
            self.srtt = r.max(1);
            self.rttvar = r / 2;
        } else {
            // (2.3): RTTVAR first, with the old SRTT; then SRTT.
            let err = self.srtt.abs_diff(r);
            self.rttvar = (3 * self.rttvar + err) / 4;
            self.srtt = (7 * self.srtt + r) / 8;
        }
        if self.min_rtt == 0 || r < self.min_rtt {
            self.min_rtt = r;
        }
        // RTO = SRTT + max(K * RTTVAR, min_rto), capped at MAX_RTO (see the module docs).
        self.base = (self.srtt + (4 * self.rttvar).max(self.min_rto).max(1)).min(MAX_RTO);
        // A fresh sample collapses the backoff (RFC 6298 §5, after (5.7)).
        self.backoff = 0;
    }

    /// The timeout to arm now, with exponential backoff, ns.
    pub fn rto(&self) -> u64 {
        self.base.checked_shl(self.backoff).unwrap_or(MAX_RTO).min(MAX_RTO)
    }

    /// The timer expired: double the RTO (5.5).
    pub fn back_off(&mut self) {
        if self.rto() < MAX_RTO {
            self.backoff += 1;
        }
    }

    /// A SYN was retransmitted and the handshake is done: RTO = 3 s until the first
    /// sample from data (5.7).
    pub fn fall_back(&mut self) {
        if self.srtt == 0 {
            self.base = FALLBACK_RTO;
            self.backoff = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    #[test]
    fn the_first_sample_gives_srtt_r_and_rttvar_r_over_2() {
        // Reference 3.12, Linux: R = 100 ms -> SRTT 100, RTTVAR 50,
        // RTO = 100 + max(4 * 50, 200) = 300 ms. With a 1 s floor: 100 + max(200, 1000) = 1.1 s.
        let mut e = RtoEstimator::new(200 * MS);
        e.sample(100 * MS);
        assert_eq!((e.srtt, e.rttvar, e.rto()), (100 * MS, 50 * MS, 300 * MS));
        let mut one_second = RtoEstimator::new(1000 * MS);
        one_second.sample(100 * MS);
        assert_eq!(one_second.rto(), 1100 * MS);
    }

    #[test]
    fn the_second_sample_updates_rttvar_before_srtt() {
        // R' = 120 ms: RTTVAR = 3/4 * 50 + 1/4 * |100 - 120| = 42.5 ms, SRTT = 102.5 ms,
        // RTO = 102.5 + max(170, 200) = 302.5 ms (reference 3.12, Linux floor).
        let mut e = RtoEstimator::new(200 * MS);
        e.sample(100 * MS);
        e.sample(120 * MS);
        assert_eq!(e.rttvar, 42_500_000);
        assert_eq!(e.srtt, 102_500_000);
        assert_eq!(e.rto(), 302_500_000);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_a_sample_resets_it() {
        let mut e = RtoEstimator::new(200 * MS);
        assert_eq!(e.rto(), 1000 * MS);
        for want in [2000, 4000, 8000, 16000, 32000, 64000, 120_000, 120_000] {
            e.back_off();
            assert_eq!(e.rto(), want * MS);
        }
        e.sample(40 * MS);
        // 40 + max(4 * 20, 200) = 240 ms.
        assert_eq!(e.rto(), 240 * MS);
    }

    #[test]
    fn a_steady_rtt_above_the_floor_keeps_a_margin_over_srtt() {
        // 50 samples of 200 ms: RTTVAR decays towards 0, but RTO stays SRTT + 200 ms, so the
        // ACK of a retransmission queued behind a full buffer (about one SRTT) wins the race.
        let mut e = RtoEstimator::new(200 * MS);
        for _ in 0..50 {
            e.sample(200 * MS);
        }
        assert!(e.rttvar < MS);
        assert_eq!(e.rto(), 400 * MS);
    }

    #[test]
    fn a_retransmitted_syn_leaves_a_3_s_rto_until_the_first_sample() {
        let mut e = RtoEstimator::new(200 * MS);
        e.back_off();
        e.fall_back();
        assert_eq!(e.rto(), 3000 * MS);
    }
}
