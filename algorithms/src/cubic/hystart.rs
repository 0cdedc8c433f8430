//! Hybrid slow start (HyStart, Ha and Rhee 2011) as Linux `tcp_cubic.c` runs it
//! (reference sheet §2.5.2): two detectors that end slow start before the first loss.
//!
//! * ACK train: within one round, ACKs that keep arriving at most `ack_delta` apart
//!   for longer than half the minimum RTT mean the window already fills the path.
//! * Delay increase: the round's minimum RTT over its first samples exceeds the
//!   connection's minimum by `clamp(delay_min/8, 4 ms, 16 ms)`, so a queue is building.
//!
//! Either detector "exits" slow start, which the caller does by setting ssthresh = cwnd.
//! RFC 9438 §4.10 recommends HyStart++ (RFC 9406) instead; cclab runs Linux's default.

use crate::events::Ack;
use crate::units::{Duration, Time};

/// Linux `HYSTART_MIN_SAMPLES`: RTT samples a round needs before the delay test judges it.
pub const HYSTART_MIN_SAMPLES: u32 = 8;
/// Linux `HYSTART_DELAY_MIN`: the smallest delay-increase threshold.
pub const HYSTART_DELAY_MIN: Duration = Duration::from_millis(4);
/// Linux `HYSTART_DELAY_MAX`: the largest delay-increase threshold.
pub const HYSTART_DELAY_MAX: Duration = Duration::from_millis(16);

/// The delay-increase threshold for a minimum RTT: `clamp(delay_min/8, 4 ms, 16 ms)`
/// (Linux `HYSTART_DELAY_THRESH(delay_min >> 3)`).
pub fn delay_threshold(delay_min: Duration) -> Duration {
    Duration::from_nanos(delay_min.as_nanos() / 8).clamp(HYSTART_DELAY_MIN, HYSTART_DELAY_MAX)
}

/// Which detectors run, and the ACK-train spacing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HyStartParams {
    pub ack_train: bool,
    pub delay: bool,
    /// ACKs at most this far apart continue a train (Linux `hystart_ack_delta_us`).
    pub ack_delta: Duration,
}

/// The per-round state of HyStart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HyStart {
    params: HyStartParams,
    /// A detector fired; HyStart stays off until [`reset`](Self::reset) (an RTO).
    pub found: bool,
    /// The round ends once SND.UNA passes this sequence number (SND.NXT at round start).
    end_seq: u64,
    /// Forces a new round at the next ACK (after an RTO, when SND.NXT is not known).
    restart: bool,
    /// When the round's first ACK arrived.
    round_start: Time,
    /// The last ACK of the current train.
    last_ack: Time,
    /// The smallest RTT sample of this round.
    curr_rtt: Option<Duration>,
    /// RTT samples taken in this round, up to HYSTART_MIN_SAMPLES.
    sample_cnt: u32,
}

impl HyStart {
    pub fn new(params: HyStartParams) -> HyStart {
        HyStart {
            params,
            found: false,
            end_seq: 0,
            restart: true,
            round_start: Time::ZERO,
            last_ack: Time::ZERO,
            curr_rtt: None,
            sample_cnt: 0,
        }
    }

    /// Re-arms HyStart (Linux does this when entering the Loss state after an RTO).
    pub fn reset(&mut self) {
        *self = HyStart::new(self.params);
    }

    /// Starts a new round when this ACK passes the end of the last one: a round is one
    /// window of data, from the SND.NXT recorded at its start (Linux
    /// `bictcp_hystart_reset`, triggered by `after(snd_una, end_seq)`).
    pub fn start_round_if_due(&mut self, ack: &Ack) {
        if self.restart || ack.snd_una > self.end_seq {
            self.restart = false;
            self.end_seq = ack.snd_nxt;
            self.round_start = ack.now;
            self.last_ack = ack.now;
            self.curr_rtt = None;
            self.sample_cnt = 0;
        }
    }

    /// Feeds one RTT sample taken in slow start at or above the low window. Returns true
    /// when a detector fires, i.e. slow start should end now (ssthresh = cwnd).
    pub fn on_sample(&mut self, ack: &Ack, rtt: Duration, delay_min: Duration) -> bool {
        if self.found {
            return false;
        }
        self.start_round_if_due(ack);
        if self.params.ack_train && ack.now - self.last_ack <= self.params.ack_delta {
            // The train only grows while every gap is short: a long gap leaves last_ack
            // behind, so no later ACK of this round can extend it.
            self.last_ack = ack.now;
            // Linux: threshold = delay_min + ack_delay, halved when not pacing. cclab's
            // controllers do not pace and simulate no GSO batching, so ack_delay = 0 and
            // the train must span half the minimum RTT.
            let threshold = Duration::from_nanos(delay_min.as_nanos() / 2);
            if ack.now - self.round_start > threshold {
                self.found = true;
                return true;
            }
        }
        if self.params.delay {
            self.curr_rtt = Some(self.curr_rtt.map_or(rtt, |c| c.min(rtt)));
            // Linux counts HYSTART_MIN_SAMPLES samples first and judges from the next one
            // on, with the round's minimum over every sample so far. (HyStart++, RFC 9406,
            // judges at the 8th.)
            if self.sample_cnt < HYSTART_MIN_SAMPLES {
                self.sample_cnt += 1;
            } else if self.curr_rtt.is_some_and(|c| c > delay_min + delay_threshold(delay_min)) {
                self.found = true;
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Bytes;

    fn ack(at_ms: u64, snd_una: u64, snd_nxt: u64) -> Ack {
        let mut a = Ack::new(Time::ZERO + Duration::from_millis(at_ms), Bytes::new(1000), Bytes::new(1000));
        a.snd_una = snd_una;
        a.snd_nxt = snd_nxt;
        a
    }

    #[test]
    fn the_delay_threshold_is_an_eighth_of_the_minimum_rtt_clamped_to_4_and_16_ms() {
        // clamp(20/8 = 2.5 ms, 4, 16) = 4 ms; 100/8 = 12.5 ms; clamp(200/8 = 25, 4, 16) = 16.
        assert_eq!(delay_threshold(Duration::from_millis(20)), Duration::from_millis(4));
        assert_eq!(delay_threshold(Duration::from_millis(100)), Duration::from_micros(12_500));
        assert_eq!(delay_threshold(Duration::from_millis(200)), Duration::from_millis(16));
    }

    #[test]
    fn a_gap_longer_than_ack_delta_breaks_the_train_for_the_rest_of_the_round() {
        let params = HyStartParams { ack_train: true, delay: false, ack_delta: Duration::from_millis(2) };
        let min = Duration::from_millis(10); // the train must exceed 5 ms
        let mut h = HyStart::new(params);
        // ACKs at 0, 1, 2, 3 ms (train of 3 ms), then a 3 ms gap, then 1 ms spacing: the
        // train never resumes, so even at 20 ms past the round start nothing fires.
        for t in [0, 1, 2, 3, 6, 7, 8, 9, 10, 20] {
            assert!(!h.on_sample(&ack(t, 1 + t, 1000), min, min), "{t}");
        }
        // A new round (snd_una passes 1000) restarts the train: 0..6 ms of 1 ms gaps fires
        // at the first ACK more than 5 ms after the round's first ACK (at 30 + 6 ms).
        let fired: Vec<u64> = (30..=40).filter(|&t| h.on_sample(&ack(t, 1001 + t, 5000), min, min)).collect();
        assert_eq!(fired, vec![36]);
        assert!(h.found);
    }

    #[test]
    fn the_delay_test_waits_for_its_samples_and_uses_the_round_minimum() {
        let params = HyStartParams { ack_train: false, delay: true, ack_delta: Duration::from_millis(2) };
        let min = Duration::from_millis(40); // threshold 40 + 5 = 45 ms
        let mut h = HyStart::new(params);
        // Every sample is 46 ms > 45 ms, but only the 9th (the first after 8 counted) fires.
        let rtt = Duration::from_millis(46);
        let fired: Vec<u64> = (1..=12).filter(|&i| h.on_sample(&ack(i, i, 100), rtt, min)).collect();
        assert_eq!(fired, vec![9]);
        // One sample at or below the threshold keeps the round's minimum down: no exit.
        let mut h = HyStart::new(params);
        for i in 1..=20 {
            let rtt = Duration::from_millis(if i == 3 { 45 } else { 50 });
            assert!(!h.on_sample(&ack(i, i, 100), rtt, min), "{i}");
        }
    }
}
