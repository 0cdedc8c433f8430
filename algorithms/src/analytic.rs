//! Closed-form models of loss-based congestion control: average windows as a function of
//! the loss rate, their inverses, and the CUBIC epoch curves.
//!
//! These are the formulas the RFCs and papers publish, written once so that algorithm tests
//! and the validation suite compare simulations against the same expressions. Windows are
//! in segments (as in the RFCs), loss rates are probabilities per packet, times are
//! [`Duration`]s. Every function is pure.
//!
//! Sources: RFC 3649 §5 (HighSpeed TCP and the `1.2/sqrt(p)` Reno response function),
//! Floyd, Handley and Padhye 2000 via RFC 9438 §4.3 (generic AIMD), RFC 9438 §4.2, §5 and
//! App. B (CUBIC), RFC 8312 §4.2 eq. 4 (the closed-form Reno-friendly estimate).

use crate::units::{Bytes, Duration, Rate};

/// Reno's average window in segments under deterministic loss rate `p`, as RFC 3649 §5
/// and the tables of RFC 9438 §5 write it: `1.2 / sqrt(p)`.
///
/// The constant 1.2 rounds `sqrt(3/2) = 1.2247`; see [`reno_avg_window_exact`].
pub fn reno_avg_window(p: f64) -> f64 {
    1.2 / p.sqrt()
}

/// Reno's average window in segments from the periodic-loss sawtooth (Mathis et al. 1997,
/// one ACK per segment): `sqrt(3 / (2p))`, i.e. [`aimd_avg_window`] with a = 1, b = 1/2.
pub fn reno_avg_window_exact(p: f64) -> f64 {
    (3.0 / (2.0 * p)).sqrt()
}

/// The average window in segments of AIMD(a, b) under deterministic loss rate `p`
/// [FHP00, RFC 9438 §4.3]: `sqrt(a (1 + b) / (2 (1 − b) p))`, where the window grows by
/// `a` segments per RTT and is multiplied by `b` on a loss.
pub fn aimd_avg_window(a: f64, b: f64, p: f64) -> f64 {
    (a * (1.0 + b) / (2.0 * (1.0 - b) * p)).sqrt()
}

/// The additive increase (segments per RTT) that makes AIMD(a, `beta`) as fast as Reno on
/// average [RFC 9438 §4.3]: `a = 3 (1 − beta) / (1 + beta)`; 0.5294 for beta = 0.7.
pub fn reno_friendly_alpha(beta: f64) -> f64 {
    3.0 * (1.0 - beta) / (1.0 + beta)
}

/// HighSpeed TCP's response function in segments [RFC 3649 §5]: `0.12 / p^0.835`. RFC 3649
/// applies it only above Low_Window = 38 segments; see [`hstcp_or_reno_avg_window`].
pub fn hstcp_avg_window(p: f64) -> f64 {
    0.12 / p.powf(0.835)
}

/// HighSpeed TCP's average window with its Reno region: `max(1.2/sqrt(p), 0.12/p^0.835)`.
/// Below Low_Window HSTCP is Standard TCP [RFC 3649 §5]; the two curves cross at
/// p = 0.1^(1/0.335) = 1.04e-3 (37 segments, next to Low_Window = 38), so the larger of
/// the two is the HSTCP column of RFC 9438's Tables 1 and 2.
pub fn hstcp_or_reno_avg_window(p: f64) -> f64 {
    reno_avg_window(p).max(hstcp_avg_window(p))
}

/// The coefficient of CUBIC's average window [RFC 9438 §5 eq. 5]:
/// `(C (3 + beta) / (4 (1 − beta)))^(1/4)`; 1.0538 for C = 0.4, beta = 0.7 (eq. 7's 1.054).
pub fn cubic_avg_window_coefficient(c: f64, beta: f64) -> f64 {
    (c * (3.0 + beta) / (4.0 * (1.0 - beta))).powf(0.25)
}

/// CUBIC's average window in segments under deterministic loss rate `p`, ignoring the
/// Reno-friendly region [RFC 9438 §5 eq. 5, derived in App. B]:
/// `(C (3 + beta) / (4 (1 − beta)))^(1/4) · (RTT / p)^(3/4)`, with RTT in seconds and `c`
/// in segments/s³. The derivation assumes K ≫ RTT (the sum over rounds becomes an integral).
pub fn cubic_avg_window(c: f64, beta: f64, rtt: Duration, p: f64) -> f64 {
    cubic_avg_window_coefficient(c, beta) * (rtt.as_secs_f64() / p).powf(0.75)
}

/// CUBIC's average window with the Reno-friendly region, as RFC 9438 §5.1 tabulates it:
/// the larger of [`reno_avg_window`] and [`cubic_avg_window`]. With the tables' 1.2 the
/// Reno branch wins for p > C (3 + beta) RTT³ / (1.2⁴ · 4 (1 − beta)), i.e. p > 0.595 RTT³
/// for C = 0.4, beta = 0.7 (reference sheet §3.4).
pub fn cubic_or_reno_avg_window(c: f64, beta: f64, rtt: Duration, p: f64) -> f64 {
    reno_avg_window(p).max(cubic_avg_window(c, beta, rtt, p))
}

/// The loss rate at which Reno's average window is `w` segments: the inverse of
/// [`reno_avg_window`], `p = (1.2 / w)²`.
pub fn reno_loss_rate(w: f64) -> f64 {
    (1.2 / w).powi(2)
}

/// The loss rate at which HSTCP's response function gives `w` segments: the inverse of
/// [`hstcp_avg_window`], `p = (0.12 / w)^(1/0.835)`.
pub fn hstcp_loss_rate(w: f64) -> f64 {
    (0.12 / w).powf(1.0 / 0.835)
}

/// The loss rate at which HSTCP with its Reno region averages `w` segments: the inverse of
/// [`hstcp_or_reno_avg_window`]. Both branches fall with p, so the window of the larger
/// branch reaches `w` at the larger of the two loss rates.
pub fn hstcp_or_reno_loss_rate(w: f64) -> f64 {
    reno_loss_rate(w).max(hstcp_loss_rate(w))
}

/// The loss rate at which CUBIC's formula gives `w` segments: the inverse of
/// [`cubic_avg_window`], `p = RTT · (coefficient / w)^(4/3)`.
pub fn cubic_loss_rate(c: f64, beta: f64, rtt: Duration, w: f64) -> f64 {
    rtt.as_secs_f64() * (cubic_avg_window_coefficient(c, beta) / w).powf(4.0 / 3.0)
}

/// The loss rate at which CUBIC with its Reno-friendly region averages `w` segments: the
/// inverse of [`cubic_or_reno_avg_window`], the larger of the two branches' loss rates
/// (the CUBIC column of RFC 9438 Table 3).
pub fn cubic_or_reno_loss_rate(c: f64, beta: f64, rtt: Duration, w: f64) -> f64 {
    reno_loss_rate(w).max(cubic_loss_rate(c, beta, rtt, w))
}

/// The window in (fractional) packets that sends at `rate` over one `rtt` with packets of
/// `packet` bytes: `rate · RTT / (8 · packet)`. 10 Mbit/s, 100 ms and 1500 B give 83.3.
pub fn window_for_throughput(rate: Rate, packet: Bytes, rtt: Duration) -> f64 {
    rate.as_bps_f64() * rtt.as_secs_f64() / (8.0 * packet.as_f64())
}

/// CUBIC's K, the time from the start of an epoch until the window is back at W_max
/// [RFC 9438 §4.2 eq. 2]: `K = cbrt((W_max − cwnd_epoch) / C)`, windows in segments and
/// `c` in segments/s³; zero when cwnd_epoch ≥ W_max. After a loss from W_max without fast
/// convergence cwnd_epoch = beta·W_max, which gives RFC 8312's `cbrt(W_max (1 − beta) / C)`.
pub fn cubic_k(c: f64, w_max: f64, cwnd_epoch: f64) -> Duration {
    Duration::from_secs_f64(((w_max - cwnd_epoch).max(0.0) / c).cbrt())
}

/// CUBIC's window curve in segments [RFC 9438 §4.2 eq. 1]: `W_cubic(t) = C (t − K)³ + W_max`,
/// `t` measured from the start of the epoch.
pub fn cubic_window(c: f64, w_max: f64, k: Duration, t: Duration) -> f64 {
    let dt = t.as_secs_f64() - k.as_secs_f64();
    c * dt * dt * dt + w_max
}

/// The Reno-friendly estimate in segments, `t` after a loss from `w_max` [RFC 8312 §4.2
/// eq. 4]: `W_est(t) = W_max·beta + (3 (1 − beta) / (1 + beta)) · t / RTT`. RFC 9438 §4.3
/// grows W_est per ACK instead; with one ACK per RTT's worth of data it is the same line.
pub fn reno_friendly_window(w_max: f64, beta: f64, rtt: Duration, t: Duration) -> f64 {
    w_max * beta + reno_friendly_alpha(beta) * t.as_secs_f64() / rtt.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative difference, for tolerances written as fractions.
    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn reno_windows_follow_the_square_root_law() {
        // 1.2/sqrt(1e-4) = 120 and sqrt(3/(2e-4)) = 122.47, to 1e-12 relative.
        assert!(rel(reno_avg_window(1e-4), 120.0) < 1e-12);
        assert!(rel(reno_avg_window_exact(1e-4), 122.474_487_139_158_9) < 1e-12);
        // Quartering p doubles the window: exact square-root scaling, to 1e-12.
        assert!(rel(reno_avg_window(0.25e-4), 240.0) < 1e-12);
    }

    #[test]
    fn generic_aimd_is_reno_for_one_and_a_half() {
        // AIMD(1, 1/2) is Reno: sqrt(1 * 1.5 / (2 * 0.5 * p)) = sqrt(3/(2p)), to 1e-12.
        for p in [1e-2, 1e-4, 3e-7] {
            assert!(rel(aimd_avg_window(1.0, 0.5, p), reno_avg_window_exact(p)) < 1e-12);
        }
    }

    #[test]
    fn the_reno_friendly_alpha_gives_renos_average_window() {
        // alpha = 3(1-b)/(1+b) makes AIMD(alpha, b) average exactly Reno's window:
        // alpha(1+b)/(2(1-b)) = 3/2 for every b. alpha(0.7) = 0.9/1.7 = 0.529412.
        assert!((reno_friendly_alpha(0.7) - 0.529_411_764_705_882_3).abs() < 1e-15);
        for b in [0.5, 0.7, 0.8] {
            let a = reno_friendly_alpha(b);
            assert!(rel(aimd_avg_window(a, b, 1e-5), reno_avg_window_exact(1e-5)) < 1e-12, "{b}");
        }
    }

    #[test]
    fn hstcp_matches_rfc_3649_at_its_anchor_points() {
        // RFC 3649 §5: 0.12/p^0.835 is 38 at p = 1e-3 (Low_Window) and 83981 at p = 1e-7
        // (High_Window 83000 sits at High_P = 1e-7); lround, exact.
        assert_eq!(hstcp_avg_window(1e-3).round(), 38.0);
        assert_eq!(hstcp_avg_window(1e-7).round(), 83981.0);
        // Below Low_Window the Reno branch rules: at 1e-2, 1.2/0.1 = 12 > 5.6 (to 1e-12).
        assert!((hstcp_or_reno_avg_window(1e-2) - 12.0).abs() < 1e-12);
        // The branches cross at p = 0.1^(1/0.335) = 1.035e-3, W = 37.3: equal to 1e-12.
        let p = 0.1f64.powf(1.0 / 0.335);
        assert!(rel(hstcp_avg_window(p), reno_avg_window(p)) < 1e-12);
        assert!((reno_avg_window(p) - 37.3).abs() < 0.05);
    }

    #[test]
    fn cubic_coefficient_is_rfc_9438_equation_7() {
        // (0.4 * 3.7 / 1.2)^(1/4) = 1.05384, RFC 9438 eq. 7 prints 1.054: within 5e-4.
        let k = cubic_avg_window_coefficient(0.4, 0.7);
        assert!((k - 1.054).abs() < 5e-4, "{k}");
        // The formula at RTT = 0.1 s, p = 1e-6: 1.05384 * (1e5)^(3/4) = 5926.1 (Table 1).
        let w = cubic_avg_window(0.4, 0.7, Duration::from_millis(100), 1e-6);
        assert!((w - 5926.12).abs() < 0.01, "{w}");
    }

    #[test]
    fn cubic_and_reno_cross_at_0_595_rtt_cubed() {
        // coef (RTT/p)^(3/4) = 1.2 p^(-1/2) where p* = coef^4 RTT^3 / 1.2^4
        // = 0.4*3.7/(1.2 * 2.0736) RTT^3 = 0.5948 RTT^3 (1e-3 relative to 0.595); the two
        // branches agree there to 1e-12 and the max takes the other branch 10% either side.
        let rtt = Duration::from_millis(100);
        let p_star = 0.4 * 3.7 / (1.44_f64.powi(2) * 1.2) * 0.1f64.powi(3);
        assert!(rel(p_star / 0.1f64.powi(3), 0.595) < 1e-3, "{p_star}");
        let at = |p: f64| (reno_avg_window(p), cubic_avg_window(0.4, 0.7, rtt, p));
        let (reno, cubic) = at(p_star);
        assert!(rel(reno, cubic) < 1e-12, "{reno} {cubic}");
        let (reno, cubic) = at(p_star * 1.1);
        assert!(reno > cubic && cubic_or_reno_avg_window(0.4, 0.7, rtt, p_star * 1.1) == reno);
        let (reno, cubic) = at(p_star / 1.1);
        assert!(cubic > reno && cubic_or_reno_avg_window(0.4, 0.7, rtt, p_star / 1.1) == cubic);
    }

    #[test]
    fn loss_rates_invert_the_windows() {
        // p -> W -> p round trips to 1e-12 relative for each model.
        let rtt = Duration::from_millis(10);
        for p in [1e-2, 1e-4, 1e-6, 1e-8] {
            assert!(rel(reno_loss_rate(reno_avg_window(p)), p) < 1e-12);
            assert!(rel(hstcp_loss_rate(hstcp_avg_window(p)), p) < 1e-12);
            assert!(rel(cubic_loss_rate(0.4, 0.7, rtt, cubic_avg_window(0.4, 0.7, rtt, p)), p) < 1e-12);
            let w = cubic_or_reno_avg_window(0.4, 0.7, rtt, p);
            assert!(rel(cubic_or_reno_loss_rate(0.4, 0.7, rtt, w), p) < 1e-12);
            let w = hstcp_or_reno_avg_window(p);
            assert!(rel(hstcp_or_reno_loss_rate(w), p) < 1e-12);
        }
    }

    #[test]
    fn ten_megabits_over_a_tenth_of_a_second_is_83_packets() {
        // 10e6 b/s * 0.1 s / (8 * 1500 B) = 83.333..., to 1e-12.
        let w = window_for_throughput(Rate::from_mbps(10), Bytes::new(1500), Duration::from_millis(100));
        assert!(rel(w, 250.0 / 3.0) < 1e-12, "{w}");
    }

    #[test]
    fn the_cubic_curve_returns_to_w_max_after_k() {
        // K = cbrt((100 - 70)/0.4) = cbrt(75) = 4.2172 s (reference §3.5), to 1 us.
        let k = cubic_k(0.4, 100.0, 70.0);
        assert!((k.as_secs_f64() - 4.217_163).abs() < 1e-6, "{k}");
        // W(0) = C(-K)^3 + W_max = -(W_max - cwnd_epoch) + W_max = 70; W(K) = 100; and
        // W(2K) = 130 by symmetry, to 1e-6 segments (K rounds to the nanosecond).
        assert!((cubic_window(0.4, 100.0, k, Duration::ZERO) - 70.0).abs() < 1e-6);
        assert!((cubic_window(0.4, 100.0, k, k) - 100.0).abs() < 1e-6);
        assert!((cubic_window(0.4, 100.0, k, k.saturating_mul(2)) - 130.0).abs() < 1e-6);
        // No epoch below W_max: K = 0.
        assert_eq!(cubic_k(0.4, 50.0, 60.0), Duration::ZERO);
    }

    #[test]
    fn the_reno_friendly_window_grows_alpha_per_rtt() {
        // W_est(10 RTT) = 100*0.7 + 0.5294*10 = 75.294, to 1e-9.
        let rtt = Duration::from_millis(20);
        let w = reno_friendly_window(100.0, 0.7, rtt, rtt.saturating_mul(10));
        assert!((w - 75.294_117_647).abs() < 1e-9, "{w}");
    }
}
