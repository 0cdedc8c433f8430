//! Westwood+ (Grieco & Mascolo, CCR 2004) with the structure and defaults of Linux
//! `tcp_westwood.c` (reference §2.3, §2.8).
//!
//! Window growth is Reno's (slow start, then +1 MSS per RTT with byte counting). What
//! differs is the response to congestion: instead of blindly halving, Westwood+ sets
//! ssthresh to its estimate of the pipe size, `BWE × RTTmin`, where BWE is a low-pass
//! filtered rate of acknowledged bytes and RTTmin the smallest RTT seen. After a random
//! (non-congestion) loss the window therefore stays near the bandwidth-delay product, which
//! is why Westwood+ suits lossy links, and a single flow keeps the link full even with a
//! small buffer (reference §3.10, companion note).
//!
//! # Bandwidth estimate (Linux `tcp_westwood.c`)
//!
//! Acknowledged bytes accumulate in `bk`. A sampling window closes on the first ACK for
//! which `now − window start > max(last RTT sample, rtt_min_window)` (Linux's
//! `TCP_WESTWOOD_RTT_MIN` = 50 ms floor, so that short RTTs do not produce noisy
//! samples). The sample `b_k = bk / elapsed` (bytes per second) goes through two cascaded
//! EWMAs, `bw_ns_est ← g·bw_ns_est + (1−g)·b_k`, then `bw_est ← g·bw_est + (1−g)·bw_ns_est`
//! with g = 7/8; the very first sample seeds both. BWE is `bw_est`. The bytes of the ACK
//! that closes a window belong to the next window, so evenly spaced ACKs give the exact
//! rate.
//!
//! # Where Linux, the papers and ns-3 differ (reference §2.3, §6 item 8)
//!
//! * **Samples.** Westwood (MobiCom 2001) takes one sample per ACK, bytes over the
//!   inter-ACK time, which ACK compression aliases. Westwood+ takes one sample per RTT.
//!   Linux (and cclab) close a sample after max(RTT, 50 ms).
//! * **Filter.** Westwood 2001 uses a Tustin low-pass filter with a time-varying gain; ns-3's
//!   `TcpWestwoodPlus` uses `0.9·b̂ + 0.1·(b_k + b_{k−1})/2`. Linux (and cclab) use the two
//!   cascaded 7/8 EWMAs above; `filter_gain` sets g for both stages.
//! * **When the estimate is applied** (`ssthresh_timing`). The paper and ns-3 apply it at
//!   the congestion event: ssthresh = BWE·RTTmin, and cwnd = ssthresh if cwnd > ssthresh
//!   (`loss`). Linux halves like Reno on entering recovery (`tcp_reno_ssthresh`) and only
//!   when recovery or CWR completes (`CA_EVENT_COMPLETE_CWR`) sets ssthresh = cwnd =
//!   max(BWE·RTTmin, 2 segments) (`recovery_exit`, the default).
//! * **Byte counting.** Linux adds the SND.UNA advance to `bk` and counts each duplicate ACK
//!   as one MSS, discounted from later cumulative ACKs. cclab adds `Ack::acked`
//!   (cumulative advance plus newly SACKed bytes), which is what that accounting
//!   approximates.
//! * **Units.** Linux keeps bytes per jiffy and returns whole packets, rounded down. cclab
//!   keeps bytes per second in f64 and windows in bytes (BWE·RTTmin rounded down to a
//!   byte, not to a segment).
//!
//! # cclab choices
//!
//! * Before the first bandwidth sample (or the first RTT sample) there is no estimate.
//!   Linux's zero-initialised `bw_est` would then give the 2-segment floor; cclab keeps
//!   Reno's halving instead (at a congestion event, at recovery exit and at an RTO),
//!   because a collapse to 2 segments is an artefact of the initial value, not the rule.
//! * Linux seeds RTTmin with a huge 20 s value and a reset flag; cclab has no RTTmin until
//!   the first valid RTT sample. After an RTO, RTTmin is replaced by the next valid RTT
//!   sample (Linux's `reset_rtt_min`), so a path whose delay grew is re-learnt.
//! * An undo (spurious loss) cancels the pending recovery-exit rule as well: the episode
//!   is treated as if it never happened. An RTO keeps an undo snapshot, as Linux's
//!   `tcp_enter_loss` does, so F-RTO style undo restores the window.
//! * The recovery-exit rule applies only when fast recovery (or ECN's CWR) ends, not when
//!   the recovery that follows an RTO ends: after an RTO the window slow-starts from one
//!   segment towards ssthresh = BWE·RTTmin.

use crate::registry::{AlgorithmConfig, FlowContext};
use crate::reno::reno_ssthresh;
use crate::units::{Bytes, Duration, Rate, Time};
use crate::window::Window;
use crate::{Ack, Congestion, CongestionControl, RecoveryExit, Rto, Undo};
use serde::{Deserialize, Serialize};

/// When the pipe-size estimate BWE·RTTmin replaces the window after a loss (reference §6
/// item 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SsthreshTiming {
    /// Linux: halve like Reno on entering recovery, then at recovery exit set
    /// ssthresh = cwnd = max(BWE·RTTmin, 2 MSS) (`CA_EVENT_COMPLETE_CWR`).
    RecoveryExit,
    /// The Westwood+ paper and ns-3: at the congestion event set
    /// ssthresh = max(BWE·RTTmin, 2 MSS), and cwnd = ssthresh if cwnd is larger.
    Loss,
}

/// Westwood+ parameters. Defaults are Linux's `tcp_westwood.c`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WestwoodConfig {
    /// Shortest bandwidth-sampling window, a duration: a sample closes when
    /// now − window start > max(last RTT, rtt_min_window). Linux `TCP_WESTWOOD_RTT_MIN`
    /// = HZ/20 = 50 ms.
    pub rtt_min_window: Duration,
    /// Weight of the old value in each of the two cascaded EWMAs, dimensionless in [0, 1):
    /// new = g·old + (1−g)·sample. Linux `westwood_do_filter`: 7/8 = 0.875.
    pub filter_gain: f64,
    /// When BWE·RTTmin is applied after a loss: `recovery_exit` (Linux) or `loss` (paper).
    pub ssthresh_timing: SsthreshTiming,
}

impl Default for WestwoodConfig {
    fn default() -> Self {
        WestwoodConfig {
            // Linux TCP_WESTWOOD_RTT_MIN = HZ/20 jiffies = 50 ms.
            rtt_min_window: Duration::from_millis(50),
            // Linux westwood_do_filter: (7·old + sample)/8.
            filter_gain: 0.875,
            // Linux: tcp_reno_ssthresh at entry, BWE·RTTmin on CA_EVENT_COMPLETE_CWR.
            ssthresh_timing: SsthreshTiming::RecoveryExit,
        }
    }
}

impl AlgorithmConfig for WestwoodConfig {
    const NAME: &'static str = "westwood";
    const ALIASES: &'static [&'static str] = &["westwood+", "westwoodplus", "westwood-plus"];
    const DESCRIPTION: &'static str = "Westwood+: Reno growth; after a loss ssthresh = bandwidth estimate x RTTmin \
         (Grieco & Mascolo 2004, Linux tcp_westwood)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[
        (
            "rtt_min_window",
            "shortest bandwidth-sampling window, a duration; a sample spans max(RTT, this) (Linux 50ms)",
        ),
        ("filter_gain", "weight of the old value in each of the two cascaded EWMAs, in [0, 1) (Linux 7/8)"),
        (
            "ssthresh_timing",
            "when BWE x RTTmin is applied: recovery_exit (Linux: halve, then set at exit) or loss (paper, ns-3)",
        ),
    ];

    fn validate(&self) -> Result<(), String> {
        // `!(a && b)` also rejects NaN.
        if !(self.filter_gain >= 0.0 && self.filter_gain < 1.0) {
            return Err(format!("filter_gain must be in [0, 1), got {}", self.filter_gain));
        }
        if self.rtt_min_window.is_zero() {
            return Err("rtt_min_window must be longer than zero".to_string());
        }
        Ok(())
    }

    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(Westwood::new(self, ctx))
    }
}

/// The Westwood+ controller of one flow.
#[derive(Debug, Clone)]
pub struct Westwood {
    window: Window,
    /// The window before the last reduction, for undo.
    prior: Option<Window>,
    rtt_min_window: Duration,
    filter_gain: f64,
    timing: SsthreshTiming,
    /// The sender's MSS, bytes (for the internals reported in segments).
    mss: Bytes,
    /// Bytes acknowledged since the current sampling window opened (Linux `bk`).
    bk: Bytes,
    /// When the current sampling window opened (Linux `rtt_win_sx`); none before the
    /// first ACK.
    win_start: Option<Time>,
    /// The latest valid RTT sample (Linux `rtt`); it sets the sampling window.
    rtt: Option<Duration>,
    /// Smallest RTT sample (Linux `rtt_min`).
    rtt_min: Option<Duration>,
    /// Set by an RTO: the next RTT sample replaces `rtt_min` (Linux `reset_rtt_min`).
    reset_rtt_min: bool,
    /// First filter stage and BWE, bytes per second (Linux `bw_ns_est`, `bw_est`); none
    /// before the first sample.
    bw: Option<Estimate>,
    /// Fast recovery is under way with the `recovery_exit` timing: its end applies
    /// BWE·RTTmin.
    exit_pending: bool,
}

/// The two filter stages, bytes per second.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Estimate {
    bw_ns_est: f64,
    bw_est: f64,
}

impl Westwood {
    /// A Westwood+ flow with parameters `config`, starting in slow start with the
    /// context's initial window and no bandwidth estimate.
    pub fn new(config: &WestwoodConfig, ctx: &FlowContext) -> Westwood {
        Westwood {
            window: Window::new(ctx.initial_cwnd),
            prior: None,
            rtt_min_window: config.rtt_min_window,
            filter_gain: config.filter_gain,
            timing: config.ssthresh_timing,
            mss: ctx.mss,
            bk: Bytes::ZERO,
            win_start: None,
            rtt: None,
            rtt_min: None,
            reset_rtt_min: false,
            bw: None,
            exit_pending: false,
        }
    }

    /// BWE (payload rate of acknowledged bytes), if a sample has been taken.
    pub fn bandwidth_estimate(&self) -> Option<Rate> {
        self.bw.map(|e| Rate::from_bps_f64(e.bw_est * 8.0))
    }

    /// RTTmin, if an RTT sample has been seen.
    pub fn rtt_min(&self) -> Option<Duration> {
        self.rtt_min
    }

    /// The pipe-size estimate BWE·RTTmin in bytes: (bytes/s) × s = bytes, rounded down.
    fn pipe(&self) -> Option<Bytes> {
        let (bw, rtt_min) = (self.bw?, self.rtt_min?);
        Some(Bytes::from_f64((bw.bw_est * rtt_min.as_secs_f64()).floor()))
    }

    /// Linux `tcp_westwood_bw_rttmin`: max(BWE·RTTmin, 2 segments).
    fn pipe_floored(&self, mss: Bytes) -> Option<Bytes> {
        self.pipe().map(|p| p.max(Bytes::segments(2, mss)))
    }

    /// Closes the sampling window if it has lasted longer than max(RTT, rtt_min_window),
    /// before this ACK's bytes are counted (Linux `westwood_update_window`).
    fn sample_bandwidth(&mut self, now: Time) {
        let Some(start) = self.win_start else {
            self.win_start = Some(now);
            return;
        };
        // Without an RTT sample the window length is unknown (Linux waits for rtt != 0).
        let Some(rtt) = self.rtt else { return };
        let elapsed = now - start;
        if elapsed <= rtt.max(self.rtt_min_window) {
            return;
        }
        // elapsed > rtt_min_window > 0, so the division is safe. bytes / s = bytes/s.
        let b_k = self.bk.as_f64() / elapsed.as_secs_f64();
        self.filter(b_k);
        self.bk = Bytes::ZERO;
        self.win_start = Some(now);
    }

    /// Linux `westwood_filter`: the first sample seeds both stages, later ones pass
    /// through two cascaded EWMAs, the second fed by the first's new value.
    fn filter(&mut self, b_k: f64) {
        let g = self.filter_gain;
        self.bw = Some(match self.bw {
            None => Estimate { bw_ns_est: b_k, bw_est: b_k },
            Some(e) => {
                let bw_ns_est = g * e.bw_ns_est + (1.0 - g) * b_k;
                Estimate { bw_ns_est, bw_est: g * e.bw_est + (1.0 - g) * bw_ns_est }
            }
        });
    }

    fn update_rtt_min(&mut self, rtt: Duration) {
        self.rtt_min = match self.rtt_min {
            Some(m) if !self.reset_rtt_min => Some(m.min(rtt)),
            _ => Some(rtt),
        };
        self.reset_rtt_min = false;
    }
}

impl CongestionControl for Westwood {
    fn name(&self) -> &'static str {
        WestwoodConfig::NAME
    }

    fn on_ack(&mut self, ack: &Ack) {
        self.mss = ack.mss;
        // Linux ignores non-positive RTT samples; a zero RTT would make BWE·RTTmin zero.
        if let Some(rtt) = ack.rtt.filter(|r| !r.is_zero()) {
            self.rtt = Some(rtt);
            self.update_rtt_min(rtt);
        }
        // Estimation runs on every ACK, in recovery and when application-limited too,
        // as Linux's in_ack_event does.
        self.sample_bandwidth(ack.now);
        self.bk += ack.acked;

        // Growth is Reno's (Linux `.cong_avoid = tcp_reno_cong_avoid`), and, as for every
        // Linux module, none in recovery or while not cwnd-limited (reference §1.1, §1.6).
        if ack.in_recovery || !ack.cwnd_limited {
            return;
        }
        self.window.reno_cong_avoid(ack.acked, ack.mss);
    }

    fn on_congestion(&mut self, ev: &Congestion) {
        let mss = ev.mss;
        let reno = reno_ssthresh(self.window.cwnd, mss);
        match (self.timing, self.pipe_floored(mss)) {
            (SsthreshTiming::Loss, Some(target)) => {
                // Paper rule: ssthresh = BWE·RTTmin; cwnd = ssthresh only if cwnd > ssthresh.
                self.prior = Some(self.window);
                self.window.ssthresh = target;
                if self.window.cwnd > target {
                    self.window.cwnd = target;
                    self.window.credit = 0;
                }
            }
            (SsthreshTiming::Loss, None) => {
                self.prior = Some(self.window.reduce_to(reno, mss));
            }
            (SsthreshTiming::RecoveryExit, _) => {
                // Linux `.ssthresh = tcp_reno_ssthresh`; the estimate is applied at exit.
                self.prior = Some(self.window.reduce_to(reno, mss));
                self.exit_pending = true;
            }
        }
    }

    fn on_recovery_exit(&mut self, ev: &RecoveryExit) {
        if !std::mem::take(&mut self.exit_pending) || ev.after_rto {
            return;
        }
        // Linux CA_EVENT_COMPLETE_CWR: ssthresh = cwnd = max(BWE·RTTmin, 2 segments).
        if let Some(target) = self.pipe_floored(ev.mss) {
            self.window.ssthresh = target;
            self.window.cwnd = target;
            self.window.credit = 0;
        }
    }

    fn on_rto(&mut self, ev: &Rto) {
        self.exit_pending = false;
        // Linux tcp_enter_loss reduces ssthresh (and raises CA_EVENT_LOSS) once, not on
        // every backed-off timeout.
        if ev.consecutive <= 1 {
            self.prior = Some(self.window);
            // CA_EVENT_LOSS: ssthresh = max(BWE·RTTmin, 2 segments), whatever the timing.
            self.window.ssthresh =
                self.pipe_floored(ev.mss).unwrap_or_else(|| reno_ssthresh(self.window.cwnd, ev.mss));
            self.reset_rtt_min = true;
        }
        self.window.enter_loss(ev.mss);
    }

    fn on_undo(&mut self, _ev: &Undo) {
        self.exit_pending = false;
        if let Some(prior) = self.prior.take() {
            self.window.undo(&prior);
        }
    }

    fn cwnd(&self) -> Bytes {
        self.window.cwnd
    }

    fn ssthresh(&self) -> Bytes {
        self.window.ssthresh
    }

    /// `bwe_mbps` (BWE), `bw_ns_est_mbps` (first filter stage), `rtt_min_ms` and
    /// `bwe_x_rtt_min` (the pipe-size estimate, segments). Zero until estimated.
    fn internals(&self, out: &mut dyn FnMut(&'static str, f64)) {
        // bytes/s × 8 / 1e6 = Mbit/s.
        let mbps = |bps: f64| bps * 8.0 / 1e6;
        out("bwe_mbps", self.bw.map_or(0.0, |e| mbps(e.bw_est)));
        out("bw_ns_est_mbps", self.bw.map_or(0.0, |e| mbps(e.bw_ns_est)));
        out("rtt_min_ms", self.rtt_min.map_or(0.0, Duration::as_millis_f64));
        out("bwe_x_rtt_min", self.pipe().map_or(0.0, |p| p.in_segments(self.mss)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::{Harness, MSS};
    use crate::{CongestionKind, Registry, RegistryError};
    use serde_json::{Value, json};

    /// One 1448-byte ACK every 1.1584 ms: 1448 B × 8 / 1.1584 ms = 10 Mbit/s of payload.
    const SPACING_10_MBPS: Duration = Duration::from_nanos(1_158_400);
    /// Twice the spacing: 5 Mbit/s.
    const SPACING_5_MBPS: Duration = Duration::from_nanos(2_316_800);

    fn config(timing: SsthreshTiming) -> WestwoodConfig {
        WestwoodConfig { ssthresh_timing: timing, ..WestwoodConfig::default() }
    }

    /// ACKs of one segment arriving evenly spaced, as from a bottleneck of fixed rate,
    /// fed straight to a `Westwood` so the tests can see when a sample closes.
    struct AckStream {
        cc: Westwood,
        now: Time,
        spacing: Duration,
        acked: Bytes,
        rtt: Duration,
        in_recovery: bool,
        cwnd_limited: bool,
        /// Bandwidth samples taken so far.
        samples: u32,
    }

    impl AckStream {
        fn new(config: &WestwoodConfig, spacing: Duration, rtt: Duration) -> AckStream {
            AckStream {
                cc: Westwood::new(config, &FlowContext::new(MSS)),
                now: Time::ZERO,
                spacing,
                acked: MSS,
                rtt,
                in_recovery: false,
                cwnd_limited: true,
                samples: 0,
            }
        }

        fn ack(&mut self) {
            self.now += self.spacing;
            let mut ack = Ack::new(self.now, self.acked, MSS);
            ack.rtt = Some(self.rtt);
            ack.in_recovery = self.in_recovery;
            ack.cwnd_limited = self.cwnd_limited;
            let before = self.cc.win_start;
            self.cc.on_ack(&ack);
            // The window start moves only when a sample closes (the first ACK opens it).
            if before.is_some() && self.cc.win_start != before {
                self.samples += 1;
            }
        }

        /// ACKs until `d` has passed (the last ACK at or before now + d).
        fn run_for(&mut self, d: Duration) {
            let end = self.now + d;
            while self.now + self.spacing <= end {
                self.ack();
            }
        }

        /// ACKs until `n` more samples have been taken.
        fn run_samples(&mut self, n: u32) {
            let target = self.samples + n;
            while self.samples < target {
                self.ack();
            }
        }

        fn bwe_mbps(&self) -> f64 {
            self.cc.bandwidth_estimate().unwrap().as_mbps_f64()
        }

        fn internal(&self, name: &str) -> f64 {
            let mut found = None;
            self.cc.internals(&mut |n, v| {
                if n == name {
                    found = Some(v);
                }
            });
            found.unwrap()
        }

        fn congestion(&mut self) {
            let ev = Congestion::new(self.now, CongestionKind::Loss, self.cc.cwnd(), MSS);
            self.cc.on_congestion(&ev);
            self.in_recovery = true;
        }

        fn exit_recovery(&mut self) {
            self.in_recovery = false;
            self.cc.on_recovery_exit(&RecoveryExit::new(self.now, Bytes::ZERO, MSS));
        }

        fn timeout(&mut self, rto: Duration) {
            self.now += rto;
            self.in_recovery = false;
            self.cc.on_rto(&Rto::new(self.now, self.cc.cwnd(), MSS));
        }
    }

    fn segments(b: Bytes) -> f64 {
        b.in_segments(MSS)
    }

    #[test]
    fn a_constant_ack_rate_is_read_from_the_first_sample_on() {
        // 10 Mbit/s of ACKs. The first sample seeds both filter stages (Linux), and with
        // evenly spaced ACKs every sample is exactly 1448 B / 1.1584 ms = 1.25e6 B/s, so
        // the estimate is within 5% (in fact within 1e-9) after 1 sample and stays there.
        // Without the seeding, a two-stage 7/8 filter started from zero would need n with
        // (7/8)^n (1 + n/8) <= 0.05: 36 samples.
        let mut s = AckStream::new(&WestwoodConfig::default(), SPACING_10_MBPS, Duration::from_millis(40));
        s.run_samples(1);
        assert!((s.bwe_mbps() - 10.0).abs() <= 0.05 * 10.0, "{}", s.bwe_mbps());
        assert!((s.internal("bwe_mbps") - 10.0).abs() < 1e-9, "{}", s.internal("bwe_mbps"));
        s.run_samples(20);
        assert!((s.internal("bwe_mbps") - 10.0).abs() < 1e-9, "{}", s.internal("bwe_mbps"));
        assert!((s.internal("bw_ns_est_mbps") - 10.0).abs() < 1e-9);
    }

    #[test]
    fn after_a_rate_step_the_two_stage_filter_needs_29_samples_to_come_within_5_percent() {
        // Converged at 5 Mbit/s, then the ACK rate doubles to 10 Mbit/s right after a sample
        // closes, so every later sample is exactly 10 Mbit/s (the closing ACK and the gap
        // after it belong to the next window). For a step D the error of two cascaded
        // EWMAs of gain a = 7/8, the second fed by the first's new value, is
        // D·a^n·(1 + n(1−a)) after n samples; with D/10 = 0.5 that is 5.95% at n = 27,
        // 5.35% at 28 and 4.81% at 29, the first within 5%. Checked against the formula at
        // every sample to 1e-9 (float rounding). A single 7/8 EWMA would be within 5% after
        // 18 samples (0.5·(7/8)^18 = 4.5%); a second stage fed by the first stage's old
        // value would be 5.35% off after 29.
        let mut s = AckStream::new(&WestwoodConfig::default(), SPACING_5_MBPS, Duration::from_millis(40));
        s.run_samples(10);
        assert!((s.bwe_mbps() - 5.0).abs() < 1e-6, "{}", s.bwe_mbps());
        s.spacing = SPACING_10_MBPS;
        let a: f64 = 0.875;
        let mut first_within_5_percent = None;
        for n in 1..=40 {
            s.run_samples(1);
            let err = (10.0 - s.internal("bwe_mbps")) / 10.0;
            let expected = 0.5 * a.powi(n) * (1.0 + f64::from(n) * (1.0 - a));
            assert!((err - expected).abs() < 1e-9, "sample {n}: error {err}, formula {expected}");
            if err <= 0.05 && first_within_5_percent.is_none() {
                first_within_5_percent = Some(n);
            }
        }
        assert_eq!(first_within_5_percent, Some(29));
    }

    #[test]
    fn a_sample_spans_the_larger_of_the_last_rtt_and_rtt_min_window() {
        // ACKs every 1.1584 ms, from t = 1.1584 ms to 999.7 ms (863 ACKs); the first opens
        // the window. A sample closes on the first ACK more than the span after the window
        // opened: 44 ACKs (50.97 ms) for a 50 ms span, 87 (100.78 ms) for 100 ms, 173
        // (200.40 ms) for 200 ms. Samples in 862 ACK gaps: floor(862/44) = 19,
        // floor(862/87) = 9, floor(862/173) = 4. With ACKs every 10 ms (100 ACKs, 99 gaps)
        // a window of exactly 50 ms is not yet over ("more than"), so it takes 6 gaps:
        // floor(99/6) = 16 samples (">=" would close after 5: 19). Exact.
        let ms = Duration::from_millis;
        let cases = [
            (SPACING_10_MBPS, ms(20), ms(50), 19), // RTT < 50 ms: 50 ms
            (SPACING_10_MBPS, ms(100), ms(50), 9), // RTT > 50 ms: RTT
            (SPACING_10_MBPS, ms(20), ms(200), 4), // rtt_min_window 200 ms
            (ms(10), ms(20), ms(50), 16),          // window exactly 50 ms: not closed
        ];
        for (spacing, rtt, rtt_min_window, expected) in cases {
            let config = WestwoodConfig { rtt_min_window, ..WestwoodConfig::default() };
            let mut s = AckStream::new(&config, spacing, rtt);
            s.run_for(Duration::from_secs(1));
            assert_eq!(s.samples, expected, "spacing {spacing}, rtt {rtt}, rtt_min_window {rtt_min_window}");
        }
    }

    /// One second of 10 Mbit/s ACKs: RTT 40 ms for the first half, then 60 ms (a queue has
    /// built), so RTTmin = 40 ms differs from the last RTT.
    fn converged(timing: SsthreshTiming) -> AckStream {
        let mut s = AckStream::new(&config(timing), SPACING_10_MBPS, Duration::from_millis(40));
        s.run_for(Duration::from_millis(500));
        s.rtt = Duration::from_millis(60);
        s.run_for(Duration::from_millis(500));
        assert_eq!(s.internal("rtt_min_ms"), 40.0);
        s
    }

    /// BWE·RTTmin = 10 Mbit/s × 40 ms = 1.25e6 B/s × 0.04 s = 50,000 bytes = 34.5 segments.
    const PIPE_10_MBPS_40_MS: f64 = 50_000.0;

    fn assert_within_a_segment(b: Bytes, expected: f64, what: &str) {
        assert!((b.as_f64() - expected).abs() <= MSS.as_f64(), "{what}: {b} vs {expected}");
    }

    #[test]
    fn linux_timing_halves_at_entry_and_sets_the_pipe_size_at_recovery_exit() {
        let mut s = converged(SsthreshTiming::RecoveryExit);
        let before = s.cc.cwnd();
        s.congestion();
        // tcp_reno_ssthresh: max(cwnd/2, 2 MSS), in bytes rounded down; exact.
        let half = Bytes::new(before.as_u64() / 2);
        assert_eq!(s.cc.cwnd(), half);
        assert_eq!(s.cc.ssthresh(), half);
        // One RTT of ACKs in recovery: no growth.
        s.run_for(Duration::from_millis(60));
        assert_eq!(s.cc.cwnd(), half);
        s.exit_recovery();
        // ssthresh = cwnd = BWE·RTTmin = 50,000 B (34.5 segments), within one segment;
        // RTTmin (40 ms), not the last RTT (60 ms, which would give 75,000 B).
        assert_within_a_segment(s.cc.cwnd(), PIPE_10_MBPS_40_MS, "cwnd");
        assert_eq!(s.cc.ssthresh(), s.cc.cwnd());
        assert!((segments(s.cc.cwnd()) - 34.5).abs() <= 1.0, "{}", segments(s.cc.cwnd()));
        assert!((s.internal("bwe_x_rtt_min") - 34.53).abs() < 0.01, "{}", s.internal("bwe_x_rtt_min"));
    }

    #[test]
    fn paper_timing_applies_the_pipe_size_at_the_congestion_event() {
        let mut s = converged(SsthreshTiming::Loss);
        s.congestion();
        // ssthresh = BWE·RTTmin = 50,000 B within one segment, and cwnd (873 segments
        // after a second of slow start) > ssthresh, so cwnd = ssthresh.
        assert_within_a_segment(s.cc.ssthresh(), PIPE_10_MBPS_40_MS, "ssthresh");
        assert_eq!(s.cc.cwnd(), s.cc.ssthresh());
        let at_event = s.cc.cwnd();
        s.run_for(Duration::from_millis(60));
        s.exit_recovery();
        // Recovery exit changes nothing under the paper's timing.
        assert_eq!(s.cc.cwnd(), at_event);
        assert_eq!(s.cc.ssthresh(), at_event);
    }

    #[test]
    fn paper_timing_leaves_a_window_below_the_pipe_size_alone() {
        // Application-limited: cwnd stays at IW = 10 segments = 14,480 B < 50,000 B. The
        // paper's rule sets ssthresh = 50,000 B and keeps cwnd, so slow start resumes.
        let mut s = AckStream::new(&config(SsthreshTiming::Loss), SPACING_10_MBPS, Duration::from_millis(40));
        s.cwnd_limited = false;
        s.run_for(Duration::from_secs(1));
        assert_eq!(s.cc.cwnd(), Bytes::new(14_480));
        s.congestion();
        assert_eq!(s.cc.cwnd(), Bytes::new(14_480));
        assert_within_a_segment(s.cc.ssthresh(), PIPE_10_MBPS_40_MS, "ssthresh");
        assert!(s.cc.window.in_slow_start());
    }

    #[test]
    fn the_window_after_congestion_is_never_below_two_segments() {
        // 100-byte ACKs every 100 ms: each closes a sample, b_k = 100 B / 0.1 s = 1,000 B/s;
        // BWE·RTTmin = 1,000 B/s × 0.04 s = 40 B, so the 2-segment floor applies:
        // 2 × 1448 = 2,896 B, exact.
        let floor = Bytes::new(2_896);
        for timing in [SsthreshTiming::RecoveryExit, SsthreshTiming::Loss] {
            let mut s =
                AckStream::new(&config(timing), Duration::from_millis(100), Duration::from_millis(40));
            s.acked = Bytes::new(100);
            s.run_samples(5);
            assert_eq!(s.cc.pipe(), Some(Bytes::new(40)));
            s.congestion();
            s.run_for(Duration::from_millis(100));
            s.exit_recovery();
            assert_eq!(s.cc.cwnd(), floor, "{timing:?}");
            assert_eq!(s.cc.ssthresh(), floor, "{timing:?}");
            s.timeout(Duration::from_millis(200));
            assert_eq!(s.cc.ssthresh(), floor, "{timing:?} after RTO");
        }
    }

    #[test]
    fn an_rto_sets_ssthresh_to_the_pipe_size_and_resamples_rtt_min() {
        for timing in [SsthreshTiming::RecoveryExit, SsthreshTiming::Loss] {
            let mut s = converged(timing);
            // A larger sample does not raise RTTmin on its own.
            s.rtt = Duration::from_millis(80);
            s.ack();
            assert_eq!(s.internal("rtt_min_ms"), 40.0);
            s.timeout(Duration::from_millis(200));
            // cwnd = 1 segment; ssthresh = max(BWE·RTTmin, 2 MSS) = 50,000 B within a segment.
            assert_eq!(s.cc.cwnd(), MSS, "{timing:?}");
            assert_within_a_segment(s.cc.ssthresh(), PIPE_10_MBPS_40_MS, "ssthresh");
            // The next sample (80 ms) replaces RTTmin; later ones lower it only.
            s.ack();
            assert_eq!(s.internal("rtt_min_ms"), 80.0, "{timing:?}");
            s.rtt = Duration::from_millis(90);
            s.ack();
            assert_eq!(s.internal("rtt_min_ms"), 80.0, "{timing:?}");
            // The next reduction uses the new RTTmin. The sample spanning the 200 ms RTO
            // dips (at worst to zero); 5 s holds 61 more samples of 70 ACKs (81.1 ms > 80 ms),
            // after which the dip's share of the estimate is below (7/8)^61 (1 + 61/8) =
            // 0.25%, so BWE·RTTmin = 1.25e6 B/s × 0.08 s = 100,000 B within a segment
            // (0.25% = 250 B).
            s.rtt = Duration::from_millis(80);
            s.run_for(Duration::from_secs(5));
            s.congestion();
            s.exit_recovery();
            assert_within_a_segment(s.cc.ssthresh(), 100_000.0, "ssthresh after re-sampling");
        }
    }

    #[test]
    fn the_recovery_after_an_rto_ends_without_applying_the_estimate() {
        // Linux timing: a timeout during fast recovery turns the episode into RTO recovery.
        // Its end leaves the slow-start window alone: after 20 ms of 10 Mbit/s ACKs
        // (17 ACKs of one segment) cwnd = 1 + 17 = 18 segments = 26,064 B, exact, not
        // BWE·RTTmin = 50,000 B.
        let mut s = converged(SsthreshTiming::RecoveryExit);
        s.congestion();
        s.timeout(Duration::from_millis(200));
        s.run_for(Duration::from_millis(20));
        assert_eq!(s.cc.cwnd(), Bytes::new(26_064));
        let mut ev = RecoveryExit::new(s.now, Bytes::ZERO, MSS);
        ev.after_rto = true;
        s.cc.on_recovery_exit(&ev);
        assert_eq!(s.cc.cwnd(), Bytes::new(26_064));
        assert_within_a_segment(s.cc.ssthresh(), PIPE_10_MBPS_40_MS, "ssthresh");
    }

    #[test]
    fn slow_start_doubles_and_avoidance_adds_one_segment_per_round() {
        let cc = Registry::with_builtins().build_default("westwood", &FlowContext::new(MSS)).unwrap();
        let mut h = Harness::new(cc, Duration::from_millis(40));
        // cwnd_k = IW·2^k with IW = 10 (reference T4), exact.
        assert_eq!(h.rounds(5), vec![20.0, 40.0, 80.0, 160.0, 320.0]);
        // Entry halves (320 -> 160); the recovery round does not grow the window.
        h.congestion(CongestionKind::Loss);
        assert_eq!(h.cwnd_segments(), 160.0);
        h.round();
        assert_eq!(h.cwnd_segments(), 160.0);
        h.exit_recovery();
        // With no queue the pipe estimate is what the path carried (at most 320 segments
        // per RTT); cwnd = ssthresh, so avoidance follows.
        let x = h.cwnd_segments();
        assert!(x > 2.0 && x <= 320.0, "{x}");
        assert_eq!(h.ssthresh_segments(), x);
        // +1 MSS per RTT (reference T5): 10 rounds give +10 segments, within 1 MSS
        // (the harness sends whole segments, so a fractional window earns slightly less).
        h.rounds(10);
        assert!((h.cwnd_segments() - (x + 10.0)).abs() <= 1.0, "{} vs {}", h.cwnd_segments(), x + 10.0);
    }

    /// One round trip: the window's segments are ACKed in groups of `per_ack` spread over
    /// the RTT. `split` delivers each group as that many one-segment ACKs at the same
    /// instant, so both controllers see identical bandwidth samples and only the window
    /// accounting differs.
    fn round(cc: &mut Westwood, now: Time, window: u64, per_ack: u64, split: bool, in_recovery: bool) {
        let rtt = Duration::from_millis(40);
        let groups = window.div_ceil(per_ack);
        for g in 0..groups {
            let segs = per_ack.min(window - g * per_ack);
            let at = now + rtt.mul_f64((g + 1) as f64 / groups as f64);
            let parts: Vec<Bytes> =
                if split { vec![MSS; segs as usize] } else { vec![Bytes::segments(segs, MSS)] };
            for acked in parts {
                let mut ack = Ack::new(at, acked, MSS);
                ack.rtt = Some(rtt);
                ack.in_recovery = in_recovery;
                cc.on_ack(&ack);
            }
        }
    }

    #[test]
    fn one_ack_of_n_segments_grows_the_window_as_n_acks_of_one_segment() {
        // Byte counting (RFC 3465, Linux packet counting): N segments in one ACK or in N ACKs
        // give the same window, within 1 MSS, in slow start, through a loss and in avoidance.
        for per_ack in [2, 3, 7, 1000] {
            let ctx = FlowContext::new(MSS);
            let mut stretch = Westwood::new(&WestwoodConfig::default(), &ctx);
            let mut single = stretch.clone();
            let mut now = Time::ZERO;
            for r in 0..25 {
                if r == 3 {
                    let ev = Congestion::new(now, CongestionKind::Loss, stretch.cwnd(), MSS);
                    stretch.on_congestion(&ev);
                    single.on_congestion(&ev);
                }
                let window = stretch.cwnd().as_u64() / MSS.as_u64();
                round(&mut stretch, now, window, per_ack, false, r == 3);
                round(&mut single, now, window, per_ack, true, r == 3);
                now += Duration::from_millis(40);
                if r == 3 {
                    let ev = RecoveryExit::new(now, Bytes::ZERO, MSS);
                    stretch.on_recovery_exit(&ev);
                    single.on_recovery_exit(&ev);
                }
                let diff = stretch.cwnd().as_f64() - single.cwnd().as_f64();
                assert!(diff.abs() <= MSS.as_f64(), "per_ack {per_ack}, round {r}: {diff} bytes");
                assert_eq!(stretch.bandwidth_estimate(), single.bandwidth_estimate());
            }
            // The script did reach avoidance: ssthresh was set and cwnd grew past it.
            assert!(stretch.ssthresh() < Bytes::MAX && stretch.cwnd() > stretch.ssthresh(), "{per_ack}");
        }
    }

    #[test]
    fn undo_restores_the_window_before_a_spurious_reduction() {
        let undo = |s: &mut AckStream| s.cc.on_undo(&Undo::new(s.now, MSS));
        for timing in [SsthreshTiming::RecoveryExit, SsthreshTiming::Loss] {
            // Spurious fast retransmit: undo restores cwnd and ssthresh, and (Linux timing)
            // the recovery exit that follows does not apply BWE·RTTmin.
            let mut s = converged(timing);
            let before = s.cc.cwnd();
            s.congestion();
            assert!(s.cc.cwnd() < before);
            undo(&mut s);
            s.exit_recovery();
            assert_eq!(s.cc.cwnd(), before, "{timing:?}");
            assert_eq!(s.cc.ssthresh(), Bytes::MAX, "{timing:?}");
            // Spurious timeout: cwnd back from 1 segment to the window before.
            s.timeout(Duration::from_millis(200));
            assert_eq!(s.cc.cwnd(), MSS);
            undo(&mut s);
            assert_eq!(s.cc.cwnd(), before, "{timing:?}");
        }
    }

    #[test]
    fn without_an_estimate_a_loss_halves_like_reno() {
        // No RTT sample yet, so no BWE: the reduction is Reno's, 10 -> 5 segments, rather
        // than the 2-segment floor Linux's zero-initialised estimate would give.
        for timing in [SsthreshTiming::RecoveryExit, SsthreshTiming::Loss] {
            let mut h = Harness::new(
                Box::new(Westwood::new(&config(timing), &FlowContext::new(MSS))),
                Duration::from_millis(40),
            );
            assert_eq!(h.loss(), 5.0, "{timing:?}");
        }
    }

    #[test]
    fn defaults_are_linux_and_are_written_as_users_write_them() {
        let defaults = serde_json::to_value(WestwoodConfig::default()).unwrap();
        assert_eq!(
            defaults,
            json!({"rtt_min_window": "50ms", "filter_gain": 0.875, "ssthresh_timing": "recovery_exit"})
        );
        let r = Registry::with_builtins();
        for name in ["westwood", "Westwood+", "westwoodplus", "westwood-plus"] {
            assert_eq!(r.configure(name, &Value::Null).unwrap().name(), "westwood", "{name}");
        }
        let f = r.configure("westwood", &json!({"ssthresh_timing": "loss", "rtt_min_window": "100ms"}));
        assert!(f.is_ok(), "{f:?}");
    }

    #[test]
    fn bad_parameters_are_rejected_naming_the_parameter() {
        let r = Registry::with_builtins();
        let cases = [
            (json!({"filter_gain": 1.0}), "filter_gain"),
            (json!({"filter_gain": -0.1}), "filter_gain"),
            (json!({"filter_gain": "high"}), "filter_gain"),
            (json!({"rtt_min_window": "0ms"}), "rtt_min_window"),
            (json!({"rtt_min_window": 50}), "rtt_min_window"),
            (json!({"ssthresh_timing": "exit"}), "ssthresh_timing"),
        ];
        for (params, name) in cases {
            match r.configure("westwood", &params) {
                Err(RegistryError::BadParam { param, .. }) => assert_eq!(param, name, "{params}"),
                other => panic!("{params}: {other:?}"),
            }
        }
        let e = r.configure("westwood", &json!({"filter_gain": 1.0})).unwrap_err().to_string();
        assert_eq!(e, "bad value for westwood parameter 'filter_gain': filter_gain must be in [0, 1), got 1");
        let e = r.configure("westwood", &json!({"gain": 0.9})).unwrap_err().to_string();
        assert!(e.starts_with("unknown parameter 'gain' for westwood"), "{e}");
    }
}
