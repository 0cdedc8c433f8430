//! BIC-TCP: binary increase congestion control (Xu, Harfoush, Rhee, INFOCOM 2004; XHR04),
//! with the constants and structure of Linux `tcp_bic.c` (reference §2.4).
//!
//! After a loss at window W_max the window is cut to beta·W_max and then searches for W_max
//! again: far below it the step is capped at S_max = `max_increment` segments per RTT
//! (additive increase), closer in each RTT moves 1/B of the remaining distance (binary
//! search), and within B segments of W_max the step shrinks to B/`smooth_part` segments per
//! RTT. Past W_max, "max probing" mirrors the search: slow first, then (cwnd − W_max)/(B−1)
//! per RTT, then S_max again. Fast convergence lowers W_max when a loss comes before the
//! window regained the previous W_max, so a flow holding more than its share gives way.
//! At or below `low_window` segments BIC is Reno (+1 segment per RTT, halve on loss).
//!
//! Like Linux, the rule is expressed per ACK: `cnt` is the number of segments that must be
//! acknowledged for cwnd to grow by one segment, and the shared additive increase
//! (`tcp_cong_avoid_ai`) applies it, so a per-RTT step of s segments is cnt = cwnd/s.
//! The steps are nominal: cnt follows cwnd as it grows within an RTT, so from cwnd 80 the
//! "+16 per RTT" is +14.7 (sqrt(80² + 2·16·80) − 80), and +15.6 from 300.
//!
//! Where cclab differs from Linux, and why:
//! * **Bytes, not packets.** cwnd and W_max are bytes and the `cnt` rule is evaluated on
//!   them exactly (cnt·MSS bytes per +1 MSS), where Linux truncates to whole packets. In
//!   particular Linux's `dist = (last_max − cwnd)/B` is an integer, so its smooth region
//!   below W_max is last_max − cwnd < 2B packets; here it is W_max − cwnd ≤ B segments,
//!   the region `smooth_part` is defined by ("RTTs from W_max − B to W_max").
//! * **Byte counting replaces the ACK-ratio estimator.** Linux divides cnt by a moving
//!   average of packets per ACK (`delayed_ack`, `bictcp_acked`) and (since its stretch-ACK
//!   fix, checked in the v5.18 `tcp_snd_cwnd()` version) also passes the packets ACKed to
//!   `tcp_cong_avoid_ai`, so with delayed ACKs it compensates twice. cclab counts the
//!   acknowledged bytes once (RFC 3465, [`Window::cong_avoid_ai`]): one ACK of N segments
//!   grows the window as N ACKs of one segment do, and no ratio estimate is needed. With a
//!   receiver that ACKs every segment, the two agree once Linux's estimate has settled at 1.
//! * **No recomputation throttle.** Linux recomputes cnt at most every HZ/32 unless cwnd
//!   changed; cnt depends only on cwnd and W_max, so recomputing on every ACK gives the same
//!   cnt without a clock. Linux's `epoch_start` is only written, never read, by
//!   `tcp_bic.c`, so it is not kept.
//! * **Undo also restores W_max.** Linux's `tcp_reno_undo_cwnd` restores only cwnd and
//!   keeps the W_max the spurious loss set; cclab restores the whole snapshot, since the
//!   loss that moved W_max did not happen.

use crate::registry::{AlgorithmConfig, FlowContext};
use crate::reno::reno_ssthresh;
use crate::units::Bytes;
use crate::window::Window;
use crate::{Ack, Congestion, CongestionControl, Rto, Undo};
use serde::{Deserialize, Serialize};

/// Linux `bictcp_update`: before the first loss (W_max = 0) cnt is at most 20, i.e. the
/// window grows by at least 5% per RTT. A constant in Linux, not a module parameter.
const CNT_MAX_NO_LOSS: u64 = 20;

/// BIC parameters. Defaults are Linux `tcp_bic.c`'s module parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BicConfig {
    /// Multiplicative decrease: ssthresh = beta·cwnd above `low_window`, a factor in (0, 1).
    /// Stored as a factor rather than Linux's integer 819 with scale 1024; the default
    /// 819/1024 = 0.7998046875 is exact in binary, so the products are Linux's.
    pub beta: f64,
    /// S_max: the largest increase per RTT, segments (Linux `max_increment`).
    pub max_increment: u32,
    /// At or below this cwnd, segments, BIC behaves as Reno (Linux `low_window`).
    pub low_window: u32,
    /// RTTs to grow from W_max − B to W_max, i.e. the smooth step is B/smooth_part segments
    /// per RTT (Linux `smooth_part`).
    pub smooth_part: u32,
    /// B: each RTT of binary search covers 1/B of the distance to W_max, dimensionless
    /// (Linux `BICTCP_B`, a compile-time constant there).
    pub b: u32,
    /// Lower W_max to cwnd·(1 + beta)/2 on a loss below the previous W_max (Linux
    /// `fast_convergence`).
    pub fast_convergence: bool,
}

impl Default for BicConfig {
    /// Linux `tcp_bic.c`: beta = 819 (/1024), max_increment = 16, low_window = 14,
    /// smooth_part = 20, BICTCP_B = 4, fast_convergence = 1.
    fn default() -> Self {
        BicConfig {
            beta: 819.0 / 1024.0,
            max_increment: 16,
            low_window: 14,
            smooth_part: 20,
            b: 4,
            fast_convergence: true,
        }
    }
}

impl AlgorithmConfig for BicConfig {
    const NAME: &'static str = "bic";
    const ALIASES: &'static [&'static str] = &["bic-tcp"];
    const DESCRIPTION: &'static str =
        "binary search toward the last maximum, at most +16 segments/RTT (Xu et al. 2004, Linux tcp_bic)";
    // "b" comes last among the names a message could contain: the registry attributes a
    // validation message to the first listed parameter whose name it contains.
    const PARAMS: &'static [(&'static str, &'static str)] = &[
        ("beta", "window factor after a loss above low_window, in (0, 1) (819/1024)"),
        ("max_increment", "S_max, the largest increase per RTT, segments (16)"),
        ("low_window", "at or below this cwnd BIC behaves as Reno, segments (14)"),
        ("smooth_part", "RTTs to grow from W_max - B to W_max (20)"),
        ("b", "binary search divisor B: each RTT covers 1/B of the distance to W_max (4)"),
        ("fast_convergence", "lower W_max to cwnd*(1+beta)/2 on a loss below it, true/false (true)"),
    ];

    fn validate(&self) -> Result<(), String> {
        if !(self.beta > 0.0 && self.beta < 1.0) {
            return Err(format!("beta must be in (0, 1), got {}", self.beta));
        }
        if self.max_increment == 0 {
            return Err("max_increment must be at least 1 segment, got 0".to_string());
        }
        if self.smooth_part == 0 {
            return Err("smooth_part must be at least 1 RTT, got 0".to_string());
        }
        // B = 1 would jump to W_max in one RTT and leave no max-probing region (B − 1 = 0).
        if self.b < 2 {
            return Err(format!("b must be at least 2, got {}", self.b));
        }
        Ok(())
    }

    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        Box::new(Bic::new(self.clone(), ctx))
    }
}

/// The state a reduction replaces, for undo.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Snapshot {
    window: Window,
    w_max: Bytes,
}

/// The BIC controller of one flow.
#[derive(Debug, Clone)]
pub struct Bic {
    config: BicConfig,
    window: Window,
    /// W_max, bytes: the window at the last loss, lowered by fast convergence (Linux
    /// `last_max_cwnd`). Zero before the first loss and after an RTO.
    w_max: Bytes,
    /// The sender's MSS as last reported, bytes; only to express internals in segments.
    mss: Bytes,
    prior: Option<Snapshot>,
}

impl Bic {
    /// A BIC flow with parameters `config`, starting in slow start with the context's
    /// initial window.
    pub fn new(config: BicConfig, ctx: &FlowContext) -> Bic {
        Bic { config, window: Window::new(ctx.initial_cwnd), w_max: Bytes::ZERO, mss: ctx.mss, prior: None }
    }

    /// W_max in bytes (zero before the first loss).
    pub fn w_max(&self) -> Bytes {
        self.w_max
    }

    /// Linux `bictcp_update`: bytes to acknowledge per +1 MSS, i.e. cnt·MSS, at the current
    /// cwnd and W_max. The rule's per-RTT steps are written beside each case.
    fn cnt_bytes(&self, mss: Bytes) -> u64 {
        let p = &self.config;
        let c = u128::from(self.window.cwnd.as_u64());
        let w_max = u128::from(self.w_max.as_u64());
        let mss = u128::from(mss.as_u64().max(1));
        let b = u128::from(p.b);
        let s_max = u128::from(p.max_increment);
        let smooth = u128::from(p.smooth_part);

        // "Start off normal": cnt = cwnd, Reno's +1 segment per RTT; no 5% floor here.
        if c <= u128::from(p.low_window) * mss {
            return self.window.cwnd.as_u64().max(1);
        }
        let w = if c < w_max {
            // Binary search: dist = (W_max − cwnd)/B, compared in bytes as B·dist.
            let gap = w_max - c;
            if gap > b * s_max * mss {
                // dist > S_max: cnt = cwnd/S_max, +S_max per RTT.
                c / s_max
            } else if gap <= b * mss {
                // dist ≤ 1 segment: cnt = cwnd·smooth_part/B, +B/smooth_part per RTT.
                c * smooth / b
            } else {
                // cnt = cwnd/dist, +dist per RTT: 1/B of the way to W_max.
                c * mss * b / gap
            }
        } else {
            // Max probing above W_max.
            let above = c - w_max;
            if above < b * mss {
                // Within B segments: the smooth step again, +B/smooth_part per RTT.
                c * smooth / b
            } else if above < s_max * (b - 1) * mss {
                // cnt = cwnd·(B−1)/(cwnd − W_max): +(cwnd − W_max)/(B−1) per RTT, growing.
                c * (b - 1) * mss / above
            } else {
                // +S_max per RTT.
                c / s_max
            }
        };
        // No loss yet (or after an RTO): at least +5% per RTT.
        let w = if w_max == 0 { w.min(u128::from(CNT_MAX_NO_LOSS) * mss) } else { w };
        // Linux: "cnt cannot be zero", so at most +1 segment per segment ACKed.
        u64::try_from(w.max(mss)).unwrap_or(u64::MAX)
    }

    /// Linux `bictcp_recalc_ssthresh`, ssthresh part: Reno's halving at or below
    /// `low_window`, beta·cwnd above it (the two-segment floor is applied by the window).
    fn ssthresh_after_loss(&self, mss: Bytes) -> Bytes {
        let cwnd = self.window.cwnd;
        if cwnd <= Bytes::segments(u64::from(self.config.low_window), mss) {
            reno_ssthresh(cwnd, mss)
        } else {
            scale(cwnd, self.config.beta)
        }
    }

    /// Linux `bictcp_recalc_ssthresh`, W_max part, with fast convergence:
    /// W_max = cwnd·(1 + beta)/2 (Linux (1024 + 819)/2048) if cwnd < W_max, else cwnd.
    fn update_w_max(&mut self) {
        let cwnd = self.window.cwnd;
        self.w_max = if cwnd < self.w_max && self.config.fast_convergence {
            scale(cwnd, (1.0 + self.config.beta) / 2.0)
        } else {
            cwnd
        };
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot { window: self.window, w_max: self.w_max }
    }
}

/// `bytes·factor`, rounded down as Linux's integer division does.
fn scale(bytes: Bytes, factor: f64) -> Bytes {
    Bytes::from_f64((bytes.as_f64() * factor).floor())
}

impl CongestionControl for Bic {
    fn name(&self) -> &'static str {
        BicConfig::NAME
    }

    /// Linux `bictcp_cong_avoid`: no growth unless cwnd-limited (nor in recovery, where
    /// Linux calls no `cong_avoid`); slow start, then the BIC increase with whatever the
    /// slow start left of this ACK.
    fn on_ack(&mut self, ack: &Ack) {
        self.mss = ack.mss;
        if ack.in_recovery || !ack.cwnd_limited {
            return;
        }
        let mut acked = ack.acked;
        if self.window.in_slow_start() {
            acked = self.window.slow_start(acked);
        }
        if !acked.is_zero() {
            let w = self.cnt_bytes(ack.mss);
            self.window.cong_avoid_ai(w, acked, ack.mss);
        }
    }

    fn on_congestion(&mut self, ev: &Congestion) {
        self.mss = ev.mss;
        let before = self.snapshot();
        let ssthresh = self.ssthresh_after_loss(ev.mss);
        self.update_w_max();
        self.window.reduce_to(ssthresh, ev.mss);
        self.prior = Some(before);
    }

    /// Linux `tcp_enter_loss`: ssthresh from the BIC rule on the first consecutive timeout
    /// only, then `set_state(Loss)` resets the BIC state (`bictcp_reset`: W_max = 0), and
    /// cwnd is one segment. The state before is kept for undo, as `tcp_enter_loss` does.
    fn on_rto(&mut self, ev: &Rto) {
        self.mss = ev.mss;
        if ev.consecutive <= 1 {
            self.prior = Some(self.snapshot());
            self.window.ssthresh = self.ssthresh_after_loss(ev.mss).max(Bytes::segments(2, ev.mss));
        }
        self.w_max = Bytes::ZERO;
        self.window.enter_loss(ev.mss);
    }

    /// Linux `tcp_reno_undo_cwnd` (cwnd = max(cwnd, prior cwnd), ssthresh likewise), and
    /// W_max back to its value before the spurious reduction.
    fn on_undo(&mut self, ev: &Undo) {
        self.mss = ev.mss;
        if let Some(prior) = self.prior.take() {
            self.window.undo(&prior.window);
            self.w_max = prior.w_max;
        }
    }

    fn cwnd(&self) -> Bytes {
        self.window.cwnd
    }

    fn ssthresh(&self) -> Bytes {
        self.window.ssthresh
    }

    /// "w_max": W_max, segments (0 before the first loss and after an RTO). "cnt": segments
    /// to acknowledge per +1 segment in congestion avoidance at the current cwnd and W_max.
    fn internals(&self, out: &mut dyn FnMut(&'static str, f64)) {
        let mss = self.mss.as_f64().max(1.0);
        out("w_max", self.w_max.as_f64() / mss);
        out("cnt", self.cnt_bytes(self.mss) as f64 / mss);
    }
}

#[cfg(test)]
mod tests {
    use super::{Bic, BicConfig};
    use crate::harness::{Harness, MSS};
    use crate::units::Time;
    use crate::{Ack, Bytes, Duration, FlowContext, Registry, RegistryError, Undo};
    use serde_json::{Value, json};

    const RTT: Duration = Duration::from_millis(40);

    /// A BIC flow built through the registry, with `params` and an initial window of `iw`
    /// segments.
    fn bic(params: Value, iw: u64) -> Harness {
        let ctx = FlowContext::new(MSS).with_initial_cwnd(Bytes::segments(iw, MSS));
        let cc = Registry::with_builtins().configure("bic", &params).unwrap().build(&ctx);
        Harness::new(cc, RTT)
    }

    /// A default BIC flow with cwnd, ssthresh and W_max (segments; `None` is an infinite
    /// ssthresh) set directly, to start from a chosen point of the curve.
    fn bic_state(cwnd: u64, ssthresh: Option<u64>, w_max: u64) -> Harness {
        let mut b = Bic::new(BicConfig::default(), &FlowContext::new(MSS));
        b.window.cwnd = Bytes::segments(cwnd, MSS);
        b.window.ssthresh = ssthresh.map_or(Bytes::MAX, |s| Bytes::segments(s, MSS));
        b.w_max = Bytes::segments(w_max, MSS);
        Harness::new(Box::new(b), RTT)
    }

    /// In congestion avoidance (ssthresh = cwnd) at `cwnd` with W_max = `w_max`, segments.
    fn bic_at(cwnd: u64, w_max: u64) -> Harness {
        bic_state(cwnd, Some(cwnd), w_max)
    }

    fn w_max(h: &Harness) -> f64 {
        h.internal("w_max").unwrap()
    }

    /// The per-RTT increase of reference §2.4 (Linux defaults: S_max 16, low_window 14,
    /// B 4, smooth_part 20), segments, at cwnd `c` with W_max `l`, both in segments.
    fn step_per_rtt(c: f64, l: f64) -> f64 {
        if c <= 14.0 {
            return 1.0; // Reno
        }
        let step = if c < l {
            let dist = (l - c) / 4.0;
            if dist > 16.0 {
                16.0
            } else if dist <= 1.0 {
                4.0 / 20.0
            } else {
                dist
            }
        } else if c < l + 4.0 {
            4.0 / 20.0
        } else if c < l + 16.0 * 3.0 {
            (c - l) / 3.0
        } else {
            16.0
        };
        // No loss yet: cnt <= 20, so at least cwnd/20 per RTT.
        let step = if l == 0.0 { step.max(c / 20.0) } else { step };
        // cnt >= 1: at most one segment per segment ACKed, cwnd per RTT.
        step.min(c)
    }

    /// The fluid version of one harness round: the round's floor(c0) ACKs each add
    /// 1/cnt = step(c)/c segments at the current c. This is why a nominal "+16 per RTT"
    /// from c0 = 80 is +14.7: c1 = sqrt(c0^2 + 2*16*c0) = 94.66.
    fn fluid_round(c0: f64, l: f64) -> f64 {
        let mut c = c0;
        for _ in 0..c0.floor() as u64 {
            c += step_per_rtt(c, l) / c;
        }
        c
    }

    #[test]
    fn defaults_are_linux_tcp_bic() {
        let d = BicConfig::default();
        assert_eq!(d.beta, 0.7998046875); // 819/1024, exact in binary
        assert_eq!((d.max_increment, d.low_window, d.smooth_part, d.b), (16, 14, 20, 4));
        assert!(d.fast_convergence);
        let r = Registry::with_builtins();
        assert_eq!(r.configure("BIC-TCP", &Value::Null).unwrap().name(), "bic");
        let info = r.find("bic").unwrap();
        let names: Vec<&str> = info.params.iter().map(|p| p.name).collect();
        assert_eq!(names, ["beta", "max_increment", "low_window", "smooth_part", "b", "fast_convergence"]);
    }

    #[test]
    fn parameter_validation_names_the_parameter() {
        let r = Registry::with_builtins();
        let cases = [
            (json!({"beta": 1.0}), "beta", "beta must be in (0, 1), got 1"),
            (json!({"beta": 0.0}), "beta", "beta must be in (0, 1), got 0"),
            (json!({"max_increment": 0}), "max_increment", "max_increment must be at least 1 segment, got 0"),
            (json!({"smooth_part": 0}), "smooth_part", "smooth_part must be at least 1 RTT, got 0"),
            (json!({"b": 1}), "b", "b must be at least 2, got 1"),
        ];
        for (params, name, message) in cases {
            let e = r.configure("bic", &params).unwrap_err();
            assert_eq!(
                e,
                RegistryError::BadParam {
                    algorithm: "bic".into(),
                    param: name.into(),
                    message: message.into()
                }
            );
        }
        // Type errors are caught by serde and attributed to their parameter as well.
        for (params, name) in [
            (json!({"low_window": -1}), "low_window"),
            (json!({"fast_convergence": "yes"}), "fast_convergence"),
            (json!({"b": 2.5}), "b"),
        ] {
            let e = r.configure("bic", &params).unwrap_err();
            assert!(matches!(&e, RegistryError::BadParam { param, .. } if param == name), "{e}");
        }
        let e = r.configure("bic", &json!({"smoth_part": 20})).unwrap_err().to_string();
        assert!(e.contains("did you mean 'smooth_part'"), "{e}");
        assert!(r.configure("bic", &json!({"beta": 0.5, "b": 2, "low_window": 0})).is_ok());
    }

    #[test]
    fn loss_above_low_window_keeps_819_of_1024() {
        // cwnd 100 segments = 144,800 B -> floor(144,800 * 819/1024) = 115,811 B = 79.98
        // segments; exact to the byte. W_max = cwnd (first loss).
        let mut h = bic(Value::Null, 100);
        h.loss();
        assert_eq!(h.cc().cwnd(), Bytes::new(115_811));
        assert_eq!(h.cc().ssthresh(), Bytes::new(115_811));
        assert_eq!(w_max(&h), 100.0);
        // Just above low_window: 15 segments = 21,720 B -> floor(21,720 * 0.7998046875) =
        // floor(17,371.76) = 17,371 B (11.997 segments), not 7.5.
        let mut h = bic(Value::Null, 15);
        h.loss();
        assert_eq!(h.cc().cwnd(), Bytes::new(17_371));
    }

    #[test]
    fn loss_at_or_below_low_window_halves() {
        // cwnd 14 = low_window -> max(14/2, 2) = 7 segments, exact.
        let mut h = bic(Value::Null, 14);
        assert_eq!(h.loss(), 7.0);
        assert_eq!(h.ssthresh_segments(), 7.0);
        // Below 4 segments the two-segment floor applies: 3 -> max(1.5, 2) = 2.
        let mut h = bic(Value::Null, 3);
        assert_eq!(h.loss(), 2.0);
        // A configured beta acts above low_window only: 100 * 0.5 = 50, 10 -> 5.
        let mut h = bic(json!({"beta": 0.5}), 100);
        assert_eq!(h.loss(), 50.0);
        let mut h = bic(json!({"beta": 0.9}), 10);
        assert_eq!(h.loss(), 5.0);
    }

    #[test]
    fn growth_follows_the_bic_steps_from_80_toward_200() {
        // Reference §3.5: cwnd = 80 after a loss at W_max = 200. beta = 0.4 is configured
        // only to land there in one loss (200 * 0.4 = 80); growth does not use beta.
        let mut h = bic(json!({"beta": 0.4}), 200);
        assert_eq!(h.loss(), 80.0);
        assert_eq!(w_max(&h), 200.0);
        let mut trace = vec![h.cwnd_segments()];
        for _ in 0..90 {
            trace.push(h.round());
        }
        // Every RTT matches the fluid model of the §2.4 step table (fluid_round), within
        // one segment (cwnd moves in whole MSS; the credit carries the fraction).
        for pair in trace.windows(2) {
            let (c0, c1) = (pair[0], pair[1]);
            let want = fluid_round(c0, 200.0);
            assert!((c1 - want).abs() <= 1.0, "from {c0}: {c1}, fluid {want:.2}");
        }
        // Phase 1, dist = (200 - c)/4 > 16 (c < 136): +S_max = 16 per RTT, which per ACK
        // clock is c1 = sqrt(c0^2 + 32*c0): 80 -> 94.66, 94 -> 108.83, 109 -> 123.97, each
        // within one segment.
        assert_eq!(&trace[..4], [80.0, 94.0, 109.0, 124.0]);
        for pair in trace[..4].windows(2) {
            let want = (pair[0] * pair[0] + 32.0 * pair[0]).sqrt();
            assert!((pair[1] - want).abs() <= 1.0, "{pair:?}: {want}");
        }
        // Phase 2, binary search: +dist per RTT, shrinking as cwnd nears 200. From 139
        // (dist 15.25) to 196 (dist 1) the steps fall monotonically, each at most dist.
        let i = trace.iter().position(|&c| c >= 136.0).unwrap();
        let j = trace.iter().position(|&c| c >= 196.0).unwrap();
        for k in i..j {
            let (c0, c1) = (trace[k], trace[k + 1]);
            assert!(c1 - c0 <= (200.0 - c0) / 4.0 + 1.0, "from {c0}: +{}", c1 - c0);
            if k > i {
                assert!(c1 - c0 <= trace[k] - trace[k - 1], "steps must shrink: {:?}", &trace[i..=j]);
            }
        }
        // Phase 3, within B = 4 of W_max on either side: +B/smooth_part = 0.2 per RTT, so
        // the 8 segments from 196 to 204 take 2 * smooth_part = 40 RTTs, within one
        // segment's worth (5 RTTs).
        let smooth = trace.iter().filter(|&&c| (196.0..204.0).contains(&c)).count();
        assert!((35..=45).contains(&smooth), "{smooth} RTTs in [196, 204)");
        // Phase 4, max probing: +(c - 200)/3 per RTT, growing, until c >= 200 + 48; then
        // +16 per RTT again (c1 = sqrt(c0^2 + 32*c0), within one segment). The distance
        // above W_max grows by a factor 4/3 per RTT, roughly e^(1/3), so from 4 to 48 it
        // takes about 3*ln(12) = 7.45 RTTs; within one RTT.
        let p = trace.iter().position(|&c| c >= 204.0).unwrap();
        let q = trace.iter().position(|&c| c >= 248.0).unwrap();
        assert!(((q - p) as f64 - 3.0 * 12.0_f64.ln()).abs() <= 1.0, "max probing took {} RTTs", q - p);
        for k in p + 1..q {
            assert!(trace[k + 1] - trace[k] >= trace[k] - trace[k - 1], "{:?}", &trace[p..=q]);
        }
        for pair in trace[q + 1..].windows(2) {
            let want = (pair[0] * pair[0] + 32.0 * pair[0]).sqrt();
            assert!((pair[1] - want).abs() <= 1.0, "{pair:?}: {want}");
        }
        assert!(*trace.last().unwrap() > 600.0);
    }

    #[test]
    fn at_or_below_low_window_growth_is_reno() {
        // W_max = 100 is far away, yet up to cwnd = low_window = 14 cnt = cwnd: +1 segment
        // per RTT, exact.
        let mut h = bic_at(8, 100);
        assert_eq!(h.rounds(7), [9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]);
        // Above it BIC takes over: dist = (100 - 15)/4 = 21.25 > 16, so cnt = 15/16, raised
        // to Linux's minimum of 1 ("cannot be zero"): the first ACK adds a segment, and from
        // 16 on +16 per RTT, c1 = sqrt(16^2 + 32*14) = 26.53 over the other 14 ACKs; within
        // one segment. Reno would be at 16.
        assert_eq!(h.internal("cnt"), Some(1.0));
        let c1 = h.round();
        assert!((c1 - 26.53).abs() <= 1.0, "{c1}");
    }

    #[test]
    fn before_any_loss_avoidance_grows_at_least_five_percent_per_rtt() {
        // W_max = 0 (no loss yet): cnt <= 20, so +cwnd/20 per RTT once that exceeds 16
        // (cwnd > 320). From 400: fluid_round gives 419.5; within one segment.
        let mut h = bic_at(400, 0);
        assert_eq!(h.internal("cnt"), Some(20.0));
        let c1 = h.round();
        assert!((c1 - fluid_round(400.0, 0.0)).abs() <= 1.0, "{c1}");
        // Between low_window and 48 with W_max = 0: cnt = 3*c/c = 3, +c/3 per RTT.
        let mut h = bic_at(30, 0);
        assert_eq!(h.internal("cnt"), Some(3.0));
        let c1 = h.round();
        assert!((c1 - fluid_round(30.0, 0.0)).abs() <= 1.0, "{c1} vs {}", fluid_round(30.0, 0.0));
    }

    #[test]
    fn fast_convergence_lowers_w_max_for_a_loss_below_it() {
        // First loss at 200: W_max = 200, cwnd = floor(289,600 * 819/1024) = 231,623 B.
        let mut h = bic(Value::Null, 200);
        h.loss();
        assert_eq!(h.cc().cwnd(), Bytes::new(231_623));
        // Second loss at 231,623 B < W_max: W_max = floor(231,623 * (1024 + 819)/2048)
        // = floor(208,437.1...) B, exact to the byte; that is 0.9 * 159.96 = 143.95 segments.
        h.loss();
        let want = (231_623.0_f64 * 1843.0 / 2048.0).floor();
        assert_eq!((w_max(&h) * MSS.as_f64()).round(), want);
        assert!((w_max(&h) - 143.95).abs() < 0.01);
        // Without fast convergence W_max is simply the cwnd at the loss.
        let mut h = bic(json!({"fast_convergence": false}), 200);
        h.loss();
        h.loss();
        assert_eq!((w_max(&h) * MSS.as_f64()).round(), 231_623.0);
    }

    #[test]
    fn a_loss_above_w_max_sets_w_max_to_cwnd() {
        // W_max 100, cwnd 150 (probing above it): W_max = 150 on loss, no fast convergence.
        let mut h = bic_at(150, 100);
        h.loss();
        assert_eq!(w_max(&h), 150.0);
    }

    #[test]
    fn timeout_goes_to_one_segment_and_forgets_w_max() {
        let mut h = bic(Value::Null, 200);
        h.loss(); // W_max 200
        h.rounds(3);
        let cwnd = h.cc().cwnd();
        assert!(w_max(&h) > 0.0);
        // ssthresh = floor(cwnd * 819/1024) as on a loss; cwnd = 1 MSS; W_max = 0.
        assert_eq!(h.timeout(Duration::from_millis(200)), 1.0);
        assert_eq!(h.cc().ssthresh(), Bytes::new((cwnd.as_f64() * 0.7998046875).floor() as u64));
        assert_eq!(w_max(&h), 0.0);
        // A second consecutive timeout does not lower ssthresh again.
        let ssthresh = h.cc().ssthresh();
        h.timeout(Duration::from_millis(400));
        assert_eq!(h.cc().ssthresh(), ssthresh);
        assert_eq!(h.cwnd_segments(), 1.0);
        // Slow start doubles back toward ssthresh (0.8 * 180.96 = 144.7 segments here)...
        assert_eq!(h.rounds(7), [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0]);
        while h.cc().cwnd() < h.cc().ssthresh() {
            h.round();
        }
        // ...and avoidance then runs with W_max = 0: +max(16, cwnd/20) per RTT, as the
        // fluid model of the §2.4 table says, within one segment.
        let c0 = h.cwnd_segments();
        let c1 = h.round();
        assert!((c1 - fluid_round(c0, 0.0)).abs() <= 1.0, "{c0} -> {c1}");
    }

    #[test]
    fn no_growth_in_recovery_or_when_not_cwnd_limited() {
        let mut h = bic_at(100, 150);
        let before = h.cc().cwnd();
        let mut ack = Ack::new(Time::ZERO, Bytes::segments(100, MSS), MSS);
        ack.cwnd_limited = false;
        h.cc_mut().on_ack(&ack);
        assert_eq!(h.cc().cwnd(), before);
        ack.cwnd_limited = true;
        ack.in_recovery = true;
        h.cc_mut().on_ack(&ack);
        assert_eq!(h.cc().cwnd(), before);
        // The same ACK outside recovery grows: dist = 12.5, cnt = 100/12.5 = 8, +12 MSS.
        ack.in_recovery = false;
        h.cc_mut().on_ack(&ack);
        assert_eq!(h.cc().cwnd(), before + Bytes::segments(12, MSS));
    }

    #[test]
    fn undo_restores_cwnd_and_w_max() {
        let mut h = bic_at(150, 200);
        h.loss(); // fast convergence: W_max = floor(150 * 1843/2048) segments = 134.99
        assert!(w_max(&h) < 135.0);
        let now = h.now;
        h.cc_mut().on_undo(&Undo::new(now, MSS));
        assert_eq!(h.cwnd_segments(), 150.0);
        assert_eq!(h.ssthresh_segments(), 150.0);
        assert_eq!(w_max(&h), 200.0);
        // A spurious timeout is undone too (Linux tcp_enter_loss keeps prior_cwnd).
        h.timeout(Duration::from_millis(200));
        let now = h.now;
        h.cc_mut().on_undo(&Undo::new(now, MSS));
        assert_eq!(h.cwnd_segments(), 150.0);
        assert_eq!(w_max(&h), 200.0);
        // Undo without a reduction to undo changes nothing.
        h.cc_mut().on_undo(&Undo::new(now, MSS));
        assert_eq!(h.cwnd_segments(), 150.0);
    }

    #[test]
    fn one_ack_of_n_segments_equals_n_acks_of_one() {
        // Byte counting (RFC 3465): per event, from slow start, across ssthresh, and in each
        // BIC region, one ACK of n segments and n ACKs of one give the same cwnd within one
        // MSS.
        let states = [
            // (cwnd, ssthresh, W_max), segments
            (10, None, 0),         // slow start
            (95, Some(100), 200),  // slow start crossing ssthresh into +16/RTT
            (80, Some(80), 200),   // +16 per RTT
            (160, Some(160), 200), // binary search
            (198, Some(198), 200), // smooth
            (220, Some(220), 200), // max probing
        ];
        for (cwnd, ssthresh, w_max) in states {
            for n in [2, 3, 7, 16, 40] {
                let mut one = bic_state(cwnd, ssthresh, w_max);
                let mut many = bic_state(cwnd, ssthresh, w_max);
                one.ack_at(Time::ZERO, Bytes::segments(n, MSS));
                for _ in 0..n {
                    many.ack_at(Time::ZERO, MSS);
                }
                let (a, b) = (one.cwnd_segments(), many.cwnd_segments());
                assert!((a - b).abs() <= 1.0, "cwnd {cwnd}, n {n}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn delayed_and_stretch_acks_give_the_same_trajectory() {
        // Whole scenario, slow start and avoidance: IW 10, a loss at 200, 60 RTTs of BIC.
        // ACKs of 2, 3, 7 or 16 segments follow the per-segment trajectory within one MSS
        // in every RTT (Linux needs its delayed_ack estimate for this; byte counting not).
        let run = |per_ack: u64| {
            let mut h = bic(Value::Null, 10);
            h.segments_per_ack = per_ack;
            let mut t = h.rounds(4); // slow start 20, 40, 80, 160
            h.send_and_ack(40); // 200
            t.push(h.loss());
            t.extend(h.rounds(60));
            t
        };
        let base = run(1);
        assert_eq!(&base[..4], [20.0, 40.0, 80.0, 160.0]);
        for per_ack in [2, 3, 7, 16] {
            for (k, (a, b)) in base.iter().zip(run(per_ack)).enumerate() {
                assert!((a - b).abs() <= 1.0, "{per_ack} per ACK, RTT {k}: {a} vs {b}");
            }
        }
    }
}
