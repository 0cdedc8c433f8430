//! CUBIC (RFC 9438) with Linux `tcp_cubic.c`'s defaults and structure (reference sheet
//! §2.5).
//!
//! In congestion avoidance the window follows a cubic curve of the time since the last
//! reduction, `W_cubic(t) = C (t − K)³ + W_max` (RFC 9438 §4.2 eq. 1), flat around the
//! window where the last loss happened (W_max) and steep far from it, so growth does not
//! depend on the RTT. A Reno estimate W_est keeps CUBIC at least as fast as Reno where
//! Reno does well (short RTTs, small windows: the Reno-friendly region, §4.3). A loss
//! multiplies the window by beta = 0.7 (§4.6) and, with fast convergence, lowers W_max
//! further when the flow is losing ground (§4.7).
//!
//! The per-ACK rule is Linux's `bictcp_update`: it computes how many segments must be
//! acknowledged for one segment of growth (`cnt`) and hands that to the shared additive
//! increase ([`Window::cong_avoid_ai`] with w = cnt·MSS bytes). Windows are bytes at the
//! trait boundary; the cubic arithmetic is done in f64 segments, time stays [`Time`].
//!
//! Where cclab follows Linux rather than RFC 9438 (each at the code it governs):
//! * ssthresh = beta·cwnd, not beta·FlightSize (parameter `ssthresh_from_flight_size`).
//! * The look-ahead target is W_cubic(t + min RTT), not t + SRTT.
//! * A target at or below cwnd still grows cwnd by 1/100 segment per RTT (RFC: no growth).
//! * Before the first loss (W_max unknown) growth is at least 5% per RTT.
//! * W_est grows by alpha_cubic per window forever (RFC 9438 §4.3 sets alpha to 1 once
//!   W_est reaches cwnd_prior: parameter `alpha_switch`), and cwnd is steered towards it
//!   through `cnt` rather than set to it.
//! * Slow start is Linux's HyStart (ACK train + delay increase), not HyStart++.
//! * `cnt` is recomputed on every ACK: Linux throttles it to once per jiffy, an
//!   implementation shortcut that changes nothing at simulation time scales.
//! * C, beta and alpha_cubic are exact: 0.4, 0.7 and 3(1 − beta)/(1 + beta) = 0.5294.
//!   Linux's integer forms are 410/1024 = 0.4004, 717/1024 = 0.7002 and 8/15 = 0.5333
//!   (`c` and `beta` can be set to the kernel's values).
//! * Undo restores every CUBIC variable saved before the reduction (RFC 9438 §4.9), also
//!   after an RTO; Linux restores only cwnd and ssthresh, its CUBIC state being reset.
//! * Application-limited time is taken out of t for every ACK the sender flags as not
//!   cwnd-limited (RFC 9438 §5.8); Linux shifts the epoch only over idle periods.

mod hystart;

pub use hystart::{HYSTART_DELAY_MAX, HYSTART_DELAY_MIN, HYSTART_MIN_SAMPLES, delay_threshold};

use crate::analytic::reno_friendly_alpha;
use crate::registry::{AlgorithmConfig, FlowContext};
use crate::units::{Bytes, Duration, Time};
use crate::window::Window;
use crate::{Ack, Congestion, CongestionControl, Rto, Undo};
use hystart::{HyStart, HyStartParams};
use serde::{Deserialize, Serialize};

/// CUBIC's parameters. `Default` is Linux's `tcp_cubic.c` (module parameters and
/// constants, reference sheet §2.5.2), which is also RFC 9438's recommendation where both
/// speak.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CubicConfig {
    /// C, the scaling of the cubic curve, segments/s³ (RFC 9438 §5.1 SHOULD 0.4; Linux
    /// bic_scale 41 gives 0.4004).
    pub c: f64,
    /// beta_cubic, the multiplicative decrease factor (RFC 9438 §4.6 SHOULD 0.7; Linux
    /// 717/1024).
    pub beta: f64,
    /// Fast convergence: a loss below the previous W_max sets W_max = cwnd·(1 + beta)/2
    /// (RFC 9438 §4.7; Linux `fast_convergence = 1`).
    pub fast_convergence: bool,
    /// The Reno-friendly region: grow at least as fast as the Reno estimate W_est (RFC
    /// 9438 §4.3; Linux `tcp_friendliness = 1`).
    pub tcp_friendliness: bool,
    /// Set alpha_cubic to 1 once W_est reaches cwnd_prior (RFC 9438 §4.3 SHOULD). Linux
    /// keeps alpha_cubic for ever, hence false.
    pub alpha_switch: bool,
    /// ssthresh = beta·FlightSize at a congestion event (RFC 9438 §4.6) instead of
    /// beta·cwnd (Linux `cubictcp_recalc_ssthresh`, the default).
    pub ssthresh_from_flight_size: bool,
    /// Hybrid slow start (Linux `hystart = 1`).
    pub hystart: bool,
    /// HyStart's ACK-train detector (Linux `hystart_detect` bit 1).
    pub hystart_ack_train: bool,
    /// HyStart's delay-increase detector (Linux `hystart_detect` bit 2).
    pub hystart_delay: bool,
    /// HyStart runs only once cwnd is at least this many segments (Linux
    /// `hystart_low_window = 16`).
    pub hystart_low_window: u64,
    /// ACKs at most this far apart form a train (Linux `hystart_ack_delta_us = 2000`).
    pub hystart_ack_delta: Duration,
}

impl Default for CubicConfig {
    fn default() -> Self {
        CubicConfig {
            c: 0.4,
            beta: 0.7,
            fast_convergence: true,
            tcp_friendliness: true,
            alpha_switch: false,
            ssthresh_from_flight_size: false,
            hystart: true,
            hystart_ack_train: true,
            hystart_delay: true,
            hystart_low_window: 16,
            hystart_ack_delta: Duration::from_millis(2),
        }
    }
}

impl AlgorithmConfig for CubicConfig {
    const NAME: &'static str = "cubic";
    const DESCRIPTION: &'static str =
        "cubic window growth in time since the last loss, beta 0.7, HyStart (RFC 9438, Linux tcp_cubic)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[
        ("c", "C, scaling of the cubic curve, segments/s^3 (RFC 9438: 0.4)"),
        ("beta", "multiplicative decrease factor beta_cubic, in (0, 1) (RFC 9438: 0.7)"),
        ("fast_convergence", "lower W_max to cwnd*(1+beta)/2 on a loss below the previous W_max"),
        ("tcp_friendliness", "Reno-friendly region: grow at least as fast as the Reno estimate W_est"),
        ("alpha_switch", "RFC 9438 4.3: W_est grows 1 segment/RTT once it reaches cwnd_prior (Linux: never)"),
        ("ssthresh_from_flight_size", "ssthresh = beta*FlightSize (RFC 9438) instead of beta*cwnd (Linux)"),
        ("hystart", "hybrid slow start: leave slow start before the first loss"),
        (
            "hystart_ack_train",
            "HyStart ACK-train detector (ACKs closer than hystart_ack_delta for half an RTT)",
        ),
        (
            "hystart_delay",
            "HyStart delay detector (round min RTT above delay_min + clamp(delay_min/8, 4ms, 16ms))",
        ),
        ("hystart_low_window", "HyStart runs only from this cwnd on, segments"),
        ("hystart_ack_delta", "largest ACK spacing that continues an ACK train, time"),
    ];

    fn validate(&self) -> Result<(), String> {
        // Messages name the parameter; the registry finds it by name in the message.
        if !(self.c > 0.0 && self.c.is_finite()) {
            return Err(format!("c must be a positive number of segments/s^3, got {}", self.c));
        }
        if !(self.beta > 0.0 && self.beta < 1.0) {
            return Err(format!("beta must be in (0, 1), got {}", self.beta));
        }
        Ok(())
    }

    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(Cubic::new(self.clone(), ctx))
    }
}

/// Time is measured from the start of an epoch; RTT samples this soon after it are
/// ignored (Linux `cubictcp_acked`: queues just drained by the reduction would make
/// delay_min too low).
const DELAY_SAMPLE_HOLDOFF: Duration = Duration::from_secs(1);

/// Linux's growth when the target is not above cwnd: one segment per 100 windows.
const MIN_GROWTH_CNT_FACTOR: f64 = 100.0;
/// Linux's floor before the first loss: at least one segment per 20 acknowledged (5%/RTT).
const NO_LOSS_MAX_CNT: f64 = 20.0;
/// At most one segment per two acknowledged: 1.5x per RTT, like slow start with delayed
/// ACKs (Linux `cnt >= 2`; RFC 9438 §4.2 target <= 1.5 cwnd).
const MIN_CNT: f64 = 2.0;

/// The CUBIC variables RFC 9438 §4.9 saves for undo, windows in segments.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CubicState {
    /// W_max: cwnd before the last reduction, possibly lowered by fast convergence; 0
    /// while unknown (before the first loss, after an RTO), as Linux's last_max_cwnd.
    w_max: f64,
    /// cwnd_prior: cwnd when ssthresh was last set (RFC 9438 §4.1).
    cwnd_prior: f64,
    /// K: time from the epoch start to the plateau at `origin`.
    k: Duration,
    /// The plateau of the current curve: W_max, or cwnd_epoch when cwnd_epoch >= W_max
    /// (Linux bic_origin_point).
    origin: f64,
    /// t_epoch: the start of the current avoidance stage; None after a reduction until
    /// the next avoidance ACK.
    epoch_start: Option<Time>,
    /// W_est: the Reno-friendly estimate (Linux tcp_cwnd, fractional here).
    w_est: f64,
    /// W_cubic(t + min RTT) at the last update, segments (Linux bic_target).
    target: f64,
    /// Segments to acknowledge per segment of growth (Linux ca->cnt).
    cnt: f64,
}

impl CubicState {
    /// Everything unknown: Linux `bictcp_reset`, RFC 9438 §4.8's state after a timeout.
    fn reset() -> CubicState {
        CubicState {
            w_max: 0.0,
            cwnd_prior: 0.0,
            k: Duration::ZERO,
            origin: 0.0,
            epoch_start: None,
            w_est: 0.0,
            target: 0.0,
            cnt: 0.0,
        }
    }
}

/// What a reduction replaced, for undo.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Snapshot {
    window: Window,
    state: CubicState,
}

/// The CUBIC controller of one flow.
#[derive(Debug, Clone)]
pub struct Cubic {
    cfg: CubicConfig,
    /// alpha_cubic = 3(1 − beta)/(1 + beta), W_est's growth per RTT.
    alpha: f64,
    mss: Bytes,
    window: Window,
    state: CubicState,
    hystart: HyStart,
    /// The smallest RTT sample (Linux delay_min: no expiry, forgotten at an RTO).
    delay_min: Option<Duration>,
    /// When the previous ACK arrived, to take application-limited time out of t.
    last_ack_at: Option<Time>,
    prior: Option<Snapshot>,
}

impl Cubic {
    /// A CUBIC flow with parameters `cfg`, starting in slow start with the context's
    /// initial window (no W_max yet).
    pub fn new(cfg: CubicConfig, ctx: &FlowContext) -> Cubic {
        let hystart = HyStart::new(HyStartParams {
            ack_train: cfg.hystart_ack_train,
            delay: cfg.hystart_delay,
            ack_delta: cfg.hystart_ack_delta,
        });
        Cubic {
            alpha: reno_friendly_alpha(cfg.beta),
            cfg,
            mss: ctx.mss,
            window: Window::new(ctx.initial_cwnd),
            state: CubicState::reset(),
            hystart,
            delay_min: None,
            last_ack_at: None,
            prior: None,
        }
    }

    fn cwnd_segments(&self) -> f64 {
        self.window.cwnd.in_segments(self.mss)
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot { window: self.window, state: self.state }
    }

    /// ssthresh after a congestion event: beta times cwnd (Linux) or FlightSize (RFC 9438
    /// §4.6); `Window::reduce_to` and `on_rto` add the floor of two segments.
    fn reduced_ssthresh(&self, flight: Bytes) -> Bytes {
        let basis = if self.cfg.ssthresh_from_flight_size { flight } else { self.window.cwnd };
        Bytes::from_f64(basis.as_f64() * self.cfg.beta)
    }

    /// Linux `cubictcp_acked`: the RTT sample feeds delay_min and HyStart.
    fn on_rtt_sample(&mut self, ack: &Ack, rtt: Duration) {
        if self.state.epoch_start.is_some_and(|e| ack.now - e < DELAY_SAMPLE_HOLDOFF) {
            return;
        }
        let delay_min = self.delay_min.map_or(rtt, |d| d.min(rtt));
        self.delay_min = Some(delay_min);
        let low_window = Bytes::segments(self.cfg.hystart_low_window, self.mss);
        if self.cfg.hystart
            && !self.hystart.found
            && self.window.in_slow_start()
            && self.window.cwnd >= low_window
            && self.hystart.on_sample(ack, rtt, delay_min)
        {
            // Leave slow start without a loss. Linux keeps last_max_cwnd = 0, so the
            // first epoch starts at K = 0 from this cwnd with the 5%/RTT floor; RFC 9438
            // §4.10 also sets cwnd_prior = cwnd here.
            self.window.ssthresh = self.window.cwnd;
            self.state.cwnd_prior = self.cwnd_segments();
        }
    }

    /// Linux `bictcp_update`: sets `cnt` for an ACK of `acked` segments in avoidance.
    fn update(&mut self, now: Time, acked: f64) {
        let cwnd = self.cwnd_segments();
        let c = self.cfg.c;
        let s = &mut self.state;
        let epoch_start = match s.epoch_start {
            Some(start) => start,
            None => {
                // New epoch (RFC 9438 §4.2; Linux: epoch_start == 0). W_est starts from
                // cwnd_epoch (§4.3). Below W_max the curve climbs back to it after
                // K = cbrt((W_max − cwnd_epoch)/C) (§4.2 eq. 2); with W_max unknown or
                // already passed, K = 0 and the curve starts convex from cwnd_epoch (§4.8,
                // §4.10).
                s.epoch_start = Some(now);
                s.w_est = cwnd;
                if s.w_max <= cwnd {
                    s.k = Duration::ZERO;
                    s.origin = cwnd;
                } else {
                    s.k = Duration::from_secs_f64(((s.w_max - cwnd) / c).cbrt());
                    s.origin = s.w_max;
                }
                now
            }
        };
        // Linux looks one minimum RTT ahead (RFC 9438 §4.2 uses SRTT): the window this ACK
        // aims at is where the curve will be when the data sent now is acknowledged.
        let t = (now - epoch_start) + self.delay_min.unwrap_or(Duration::ZERO);
        let dt = t.as_secs_f64() - s.k.as_secs_f64();
        let target = s.origin + c * dt * dt * dt;
        s.target = target;
        // Growth spreads (target − cwnd) over the next window of ACKs (§4.4, §4.5).
        // At or above the target Linux still creeps at 1/100 segment per RTT.
        let mut cnt = if target > cwnd { cwnd / (target - cwnd) } else { MIN_GROWTH_CNT_FACTOR * cwnd };
        if s.w_max == 0.0 {
            // No loss yet: the curve knows nothing of the path; Linux grows >= 5%/RTT.
            cnt = cnt.min(NO_LOSS_MAX_CNT);
        }
        if self.cfg.tcp_friendliness {
            // RFC 9438 §4.3: W_est += alpha · segments_acked / cwnd, i.e. alpha per RTT.
            let alpha = if self.cfg.alpha_switch && s.cwnd_prior > 0.0 && s.w_est >= s.cwnd_prior {
                1.0
            } else {
                self.alpha
            };
            s.w_est += alpha * acked / cwnd;
            if s.w_est > cwnd {
                // Linux reaches W_est within one window rather than jumping to it.
                cnt = cnt.min(cwnd / (s.w_est - cwnd));
            }
        }
        s.cnt = cnt.max(MIN_CNT);
    }
}

impl CongestionControl for Cubic {
    fn name(&self) -> &'static str {
        CubicConfig::NAME
    }

    fn on_ack(&mut self, ack: &Ack) {
        self.mss = ack.mss;
        if let Some(rtt) = ack.rtt {
            self.on_rtt_sample(ack, rtt);
        }
        // RFC 9438 §5.8: t excludes application-limited periods, so the curve does not
        // run ahead while the window is not used. Linux shifts epoch_start by idle time
        // (CA_EVENT_TX_START); cclab's sender flags each ACK, so every interval that ends
        // in a non-cwnd-limited ACK is taken out.
        if let (false, Some(start), Some(last)) = (ack.cwnd_limited, self.state.epoch_start, self.last_ack_at)
        {
            self.state.epoch_start = Some((start + (ack.now - last)).min(ack.now));
        }
        self.last_ack_at = Some(ack.now);

        // Linux calls no cong_avoid in Recovery, and grows only a window that is used.
        if ack.in_recovery || !ack.cwnd_limited {
            return;
        }
        let mut acked = ack.acked;
        if self.window.in_slow_start() {
            if self.cfg.hystart {
                // Rounds are tracked below hystart_low_window too (Linux
                // `cubictcp_cong_avoid`), so the first round above it starts cleanly.
                self.hystart.start_round_if_due(ack);
            }
            acked = self.window.slow_start(acked);
            if acked.is_zero() {
                return;
            }
        }
        self.update(ack.now, acked.in_segments(ack.mss));
        let w = (self.state.cnt * ack.mss.as_f64()).round() as u64;
        self.window.cong_avoid_ai(w, acked, ack.mss);
    }

    fn on_congestion(&mut self, ev: &Congestion) {
        self.mss = ev.mss;
        let before = self.snapshot();
        let cwnd = self.cwnd_segments();
        let s = &mut self.state;
        s.epoch_start = None;
        // RFC 9438 §4.7, Linux `cubictcp_recalc_ssthresh`: losing below the last W_max
        // means the flow's share shrank; releasing more lets a newcomer catch up.
        s.w_max = if self.cfg.fast_convergence && cwnd < s.w_max {
            cwnd * (1.0 + self.cfg.beta) / 2.0
        } else {
            cwnd
        };
        s.cwnd_prior = cwnd;
        let ssthresh = self.reduced_ssthresh(ev.bytes_in_flight);
        self.window.reduce_to(ssthresh, ev.mss);
        self.prior = Some(before);
    }

    fn on_rto(&mut self, ev: &Rto) {
        self.mss = ev.mss;
        if ev.consecutive <= 1 {
            // Linux `tcp_enter_loss`: ssthresh as for a loss, once per episode.
            self.prior = Some(self.snapshot());
            let ssthresh = self.reduced_ssthresh(ev.bytes_in_flight);
            self.window.ssthresh = ssthresh.max(Bytes::segments(2, ev.mss));
        }
        // RFC 9438 §4.8, Linux `bictcp_reset` on entering Loss: the next avoidance stage
        // starts a fresh curve (K = 0, origin = W_est = cwnd at its start), delay_min is
        // relearned and HyStart is re-armed.
        let cwnd_prior = self.prior.map_or(0.0, |p| p.window.cwnd.in_segments(ev.mss));
        self.state = CubicState { cwnd_prior, ..CubicState::reset() };
        self.delay_min = None;
        self.hystart.reset();
        self.window.enter_loss(ev.mss);
    }

    fn on_undo(&mut self, _ev: &Undo) {
        if let Some(prior) = self.prior.take() {
            // RFC 9438 §4.9: restore the CUBIC variables only while cwnd is still below
            // cwnd_prior; once it has grown past, the current ones are more recent.
            if self.window.cwnd < prior.window.cwnd {
                self.state = prior.state;
            }
            // Linux `tcp_undo_cwnd_reduction` with `tcp_reno_undo_cwnd`.
            self.window.undo(&prior.window);
        }
    }

    fn cwnd(&self) -> Bytes {
        self.window.cwnd
    }

    fn ssthresh(&self) -> Bytes {
        self.window.ssthresh
    }

    fn internals(&self, out: &mut dyn FnMut(&'static str, f64)) {
        let s = &self.state;
        out("w_max", s.w_max);
        out("k_s", s.k.as_secs_f64());
        out("origin", s.origin);
        out("w_est", s.w_est);
        out("target", s.target);
        out("cnt", s.cnt);
        out("cwnd_prior", s.cwnd_prior);
        out("delay_min_ms", self.delay_min.map_or(0.0, Duration::as_millis_f64));
        out("hystart_found", if self.hystart.found { 1.0 } else { 0.0 });
    }
}

#[cfg(test)]
mod tests;
