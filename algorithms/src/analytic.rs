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

/// Reno's average window in segments under periodic loss, round by round rather than as a
/// continuous sawtooth: each round sends ⌊W⌋ segments, one in every round(1/p) is lost, a
/// round without a loss ends with W + 1, a round with one ends with W/2; with
/// `recovery_round`, the halved window then holds for one round without growth, as in
/// RFC 6675 and Linux fast recovery. The mean is over rounds, after 100 loss cycles of
/// warm-up, over the next 1000.
///
/// Mathis et al. leave out that round; it lowers the mean by about W/4 per cycle of
/// W/2 + 1 rounds (−10% at p = 1e-2, −4% at 1e-3, −1% at 1e-4).
pub fn reno_per_round_avg_window(p: f64, recovery_round: bool) -> f64 {
    let period = (1.0 / p).round().max(1.0) as u64;
    let (mut w, mut sent, mut losses) = (10.0_f64, 0_u64, 0_u32);
    let (mut sum, mut rounds) = (0.0, 0_u64);
    let mut recovering = false;
    while losses < 1100 {
        let counted = losses >= 100;
        if counted {
            sum += w;
            rounds += 1;
        }
        let n = w.floor().max(1.0) as u64;
        let lost = (sent + n) / period > sent / period;
        sent += n;
        if recovering {
            recovering = false;
        } else if lost {
            losses += 1;
            w = (w / 2.0).max(1.0);
            recovering = recovery_round;
        } else {
            w += 1.0;
        }
    }
    sum / rounds as f64
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

/// The PFTK send rate in packets per second [Padhye, Firoiu, Towsley, Kurose 1998, the
/// approximate model quoted as eq. (33) / RFC 5348 §3.1]:
/// `B(p) = min(W_max/RTT, 1 / (RTT·sqrt(2bp/3) + T0·min(1, 3·sqrt(3bp/8))·p·(1 + 32p²)))`,
/// with `b` packets per ACK, `t0` the first retransmission timeout and `w_max` the
/// receive-window limit in segments (infinite for none). `p` is the probability that a
/// packet is the first loss of a loss event; for independent losses it is the packet loss
/// rate. The model counts every packet sent, retransmissions included.
pub fn pftk_send_rate(p: f64, rtt: Duration, t0: Duration, b: f64, w_max: f64) -> f64 {
    let r = rtt.as_secs_f64();
    let t0 = t0.as_secs_f64();
    let congestion = r * (2.0 * b * p / 3.0).sqrt();
    let timeouts = t0 * (3.0 * (3.0 * b * p / 8.0).sqrt()).min(1.0) * p * (1.0 + 32.0 * p * p);
    (w_max / r).min(1.0 / (congestion + timeouts))
}

/// Utilisation of a single Reno flow over a drop-tail buffer of `b` bandwidth-delay
/// products, from the idealised per-RTT sawtooth (reference §3.10): the window cycles
/// between (1+b)X/2 and (1+b)X, the link idles while it is below X, so
/// `U(b) = 3(1+b)² / (4(1+b+b²))` for b ≤ 1 and 1 above.
pub fn reno_utilisation(b: f64) -> f64 {
    if b >= 1.0 { 1.0 } else { 3.0 * (1.0 + b).powi(2) / (4.0 * (1.0 + b + b * b)) }
}

/// Slow-start rounds needed to send `n` segments from an initial window of `iw`, the
/// window doubling every round (an ACK per segment, reference §3.11):
/// `k* = ceil(log2(n/iw + 1))`, i.e. the smallest k with iw·(2^k − 1) ≥ n. Counted in
/// integers so that n = iw·(2^k − 1) gives exactly k.
pub fn slow_start_rounds(n: u64, iw: u64) -> u32 {
    let iw = iw.max(1);
    let mut k = 0;
    let mut sent = 0u64;
    while sent < n {
        sent = sent.saturating_add(iw.saturating_mul(1u64 << k.min(62)));
        k += 1;
    }
    k
}

/// Completion time of a loss-free transfer of `n` full segments that stays window-limited,
/// from the first SYN to the arrival of the last byte (reference §3.11, with the
/// serialisation made exact): the handshake takes one RTT plus the SYN's serialisation
/// `syn`; each slow-start round starts one RTT plus one packet time `pkt` after the one
/// before it (its first packet is released by the ACK of the previous round's first
/// packet, which waited for its own serialisation); the last round's m segments leave the
/// bottleneck back to back (the ACK clock releases two per departure, faster than the link
/// drains them), and the last one reaches the receiver half an RTT later:
/// `FCT = RTT + syn + (k* − 1)(RTT + pkt) + m·pkt + RTT/2`, m = n − iw(2^(k*−1) − 1).
/// Valid while the largest round, iw·2^(k*−1) packets, takes less than an RTT to send.
pub fn slow_start_fct(n: u64, iw: u64, rtt: Duration, pkt: Duration, syn: Duration) -> Duration {
    let k = slow_start_rounds(n, iw);
    if k == 0 {
        return Duration::ZERO;
    }
    let before_last = iw.max(1) * ((1u64 << (k - 1)) - 1);
    let m = n - before_last;
    let r = rtt.as_secs_f64();
    let t = pkt.as_secs_f64();
    Duration::from_secs_f64(r + syn.as_secs_f64() + f64::from(k - 1) * (r + t) + m as f64 * t + r / 2.0)
}

/// The RTT-unfairness exponent a of two flows [reference §3.8]: their throughputs x1, x2
/// with base RTTs rtt1 < rtt2 follow x1/x2 = (rtt2/rtt1)^a, so `a = ln(x1/x2) / ln(rtt2/rtt1)`.
/// a = 1 is the asynchronous-loss law, a = 2 the synchronised one.
pub fn rtt_unfairness_exponent(x1: f64, x2: f64, rtt1: Duration, rtt2: Duration) -> f64 {
    (x1 / x2).ln() / (rtt2.as_secs_f64() / rtt1.as_secs_f64()).ln()
}

/// RED's base drop probability p_b for an average queue `avg` [Floyd & Jacobson 1993 §4]:
/// 0 below `min_th`, rising linearly to `max_p` at `max_th`; above it 1, or with "gentle"
/// RED rising linearly from max_p to 1 at 2·max_th. Queue sizes in any one unit.
pub fn red_base_probability(avg: f64, min_th: f64, max_th: f64, max_p: f64, gentle: bool) -> f64 {
    if avg < min_th {
        0.0
    } else if avg < max_th {
        max_p * (avg - min_th) / (max_th - min_th)
    } else if gentle && avg < 2.0 * max_th {
        max_p + (1.0 - max_p) * (avg - max_th) / max_th
    } else {
        1.0
    }
}

/// The fraction of arrivals RED drops at base probability `p_b` with FJ93's uniform
/// spacing (p_a = p_b / (1 − count·p_b)): the gap between drops is uniform on
/// 1..=1/p_b, of mean (1/p_b + 1)/2, so the drop rate is `2 p_b / (1 + p_b)`.
pub fn red_drop_fraction(p_b: f64) -> f64 {
    if p_b <= 0.0 { 0.0 } else { (2.0 * p_b / (1.0 + p_b)).min(1.0) }
}

/// The equilibrium of the Misra–Gong–Towsley fluid model [MGT00, in the form of Hollot et
/// al. 2001; reference §3.9] for `n` Reno flows with propagation RTT `tp` over a link of
/// `capacity_pps` packets per second whose queue drops a fraction `p_of_q(q)` of arrivals
/// when its (average) queue is q packets:
/// `W0 = R0·C/N`, `p0 = 2/W0²`, `R0 = q0/C + Tp`, and `p_of_q(q0) = p0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MgtEquilibrium {
    /// Queue, packets.
    pub q0: f64,
    /// Per-flow window, packets.
    pub w0: f64,
    /// Round-trip time, seconds.
    pub r0: f64,
    /// Drop probability.
    pub p0: f64,
}

/// Solves [`MgtEquilibrium`] by bisection on q in [0, `q_max`] packets: the window the
/// link imposes, (q/C + Tp)·C/N, grows with q, and the window the drop rate allows,
/// sqrt(2/p(q)), falls with q, so they cross once. `None` when they do not cross in
/// [0, q_max] (the queue would overflow, or the link is not the bottleneck).
pub fn mgt_equilibrium(
    n: f64,
    capacity_pps: f64,
    tp: Duration,
    q_max: f64,
    p_of_q: impl Fn(f64) -> f64,
) -> Option<MgtEquilibrium> {
    let tp = tp.as_secs_f64();
    let window = |q: f64| (q / capacity_pps + tp) * capacity_pps / n;
    // f > 0 when the drop rate at q cuts the window below what fills the link.
    let f = |q: f64| {
        let p = p_of_q(q);
        if p <= 0.0 { f64::NEG_INFINITY } else { window(q) - (2.0 / p).sqrt() }
    };
    if f(q_max) < 0.0 {
        return None;
    }
    let (mut lo, mut hi) = (0.0, q_max);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < 0.0 { lo = mid } else { hi = mid }
    }
    let q0 = 0.5 * (lo + hi);
    let w0 = window(q0);
    Some(MgtEquilibrium { q0, w0, r0: q0 / capacity_pps + tp, p0: 2.0 / (w0 * w0) })
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

    #[test]
    fn pftk_matches_hand_computed_values() {
        // RTT 0.1 s, T0 0.2 s, b = 1, p = 0.01: RTT·sqrt(2p/3) = 0.1·0.08165 = 0.008165;
        // T0·3·sqrt(3p/8)·p·(1+32p²) = 0.2·0.18371·0.01·1.0032 = 0.0003686;
        // B = 1/0.0085335 = 117.18 packets/s (to 0.01).
        let b =
            pftk_send_rate(0.01, Duration::from_millis(100), Duration::from_millis(200), 1.0, f64::INFINITY);
        assert!((b - 117.18).abs() < 0.01, "{b}");
        // p = 0.05: 0.018257 + 0.2·0.41079·0.05·1.08 = 0.018257 + 0.0044365 → B = 44.066.
        let b =
            pftk_send_rate(0.05, Duration::from_millis(100), Duration::from_millis(200), 1.0, f64::INFINITY);
        assert!((b - 44.066).abs() < 0.01, "{b}");
        // Without timeouts (T0 = 0) it is Mathis: sqrt(3/(2p))/RTT = 122.47/0.1 s at 1e-4.
        let b = pftk_send_rate(1e-4, Duration::from_millis(100), Duration::ZERO, 1.0, f64::INFINITY);
        assert!(rel(b, reno_avg_window_exact(1e-4) / 0.1) < 1e-12);
        // The receive window caps it: 20 segments per 0.1 s.
        let b = pftk_send_rate(1e-4, Duration::from_millis(100), Duration::ZERO, 1.0, 20.0);
        assert!(rel(b, 200.0) < 1e-12);
    }

    #[test]
    fn reno_utilisation_follows_the_sawtooth_table() {
        // Reference §3.10: U(0) = 0.75, U(0.25) = 0.893, U(0.5) = 0.964, U(1) = 1 (to 1e-3).
        for (b, u) in [(0.0, 0.75), (0.1, 0.818), (0.25, 0.893), (0.5, 0.964), (0.75, 0.993), (1.0, 1.0)] {
            assert!((reno_utilisation(b) - u).abs() < 1e-3, "{b}");
        }
        assert_eq!(reno_utilisation(3.0), 1.0);
    }

    #[test]
    fn slow_start_rounds_count_doublings_of_the_initial_window() {
        // IW 10: 10 segments in 1 round, 11 need 2, 100 need ceil(log2 11) = 4 (reference
        // §3.11), 1000 need ceil(log2 101) = 7; 70 = 10·(2³ − 1) exactly 3.
        for (n, k) in [(1, 1), (10, 1), (11, 2), (30, 2), (31, 3), (70, 3), (100, 4), (1000, 7)] {
            assert_eq!(slow_start_rounds(n, 10), k, "{n}");
        }
        assert_eq!(slow_start_rounds(0, 10), 0);
    }

    #[test]
    fn slow_start_fct_adds_rounds_and_the_last_rounds_serialisation() {
        // 100 segments, IW 10, RTT 100 ms, 12 us per packet, SYN 0.416 us: k* = 4, the last
        // round holds 100 − 70 = 30 segments; FCT = 0.1 + 0.000000416 + 3·(0.1 + 12e-6)
        // + 30·12e-6 + 0.05 = 0.450396416 s, to the nanosecond.
        let fct = slow_start_fct(
            100,
            10,
            Duration::from_millis(100),
            Duration::from_micros(12),
            Duration::from_nanos(416),
        );
        assert_eq!(fct.as_nanos(), 450_396_416);
        // One segment: handshake, the segment's own serialisation and half an RTT.
        let fct =
            slow_start_fct(1, 10, Duration::from_millis(100), Duration::from_micros(12), Duration::ZERO);
        assert_eq!(fct.as_nanos(), 150_012_000);
    }

    #[test]
    fn the_rtt_unfairness_exponent_inverts_the_power_law() {
        // x1/x2 = 2^1.5 = 2.8284 for an RTT ratio of 2 gives a = 1.5 (to 1e-12).
        let a = rtt_unfairness_exponent(
            2.0f64.powf(1.5),
            1.0,
            Duration::from_millis(20),
            Duration::from_millis(40),
        );
        assert!((a - 1.5).abs() < 1e-12, "{a}");
        // Equal throughputs: a = 0.
        assert_eq!(
            rtt_unfairness_exponent(3.0, 3.0, Duration::from_millis(20), Duration::from_millis(80)),
            0.0
        );
    }

    #[test]
    fn red_profile_and_its_drop_fraction() {
        // min 20, max 120, max_p 0.1: at 70 halfway, p_b = 0.05; gentle at 180: 0.1 + 0.9·0.5 =
        // 0.55; not gentle above max_th: 1. Drop fraction at p_b = 0.05: 0.1/1.05 = 0.095238.
        assert_eq!(red_base_probability(10.0, 20.0, 120.0, 0.1, true), 0.0);
        assert!((red_base_probability(70.0, 20.0, 120.0, 0.1, true) - 0.05).abs() < 1e-12);
        assert!((red_base_probability(180.0, 20.0, 120.0, 0.1, true) - 0.55).abs() < 1e-12);
        assert_eq!(red_base_probability(180.0, 20.0, 120.0, 0.1, false), 1.0);
        assert!((red_drop_fraction(0.05) - 0.095_238_095).abs() < 1e-9);
        assert_eq!(red_drop_fraction(0.0), 0.0);
    }

    #[test]
    fn mgt_equilibrium_balances_window_and_drop_rate() {
        // A constant drop rate p = 0.02 gives W0 = sqrt(2/0.02) = 10; with N = 10 flows over
        // C = 1000 packets/s and Tp = 0.05 s, 10 = (q/1000 + 0.05)·100, so q0 = 50 packets,
        // R0 = 0.1 s (to 1e-6).
        let e = mgt_equilibrium(10.0, 1000.0, Duration::from_millis(50), 1000.0, |_| 0.02).unwrap();
        assert!((e.w0 - 10.0).abs() < 1e-6 && (e.q0 - 50.0).abs() < 1e-6, "{e:?}");
        assert!((e.r0 - 0.1).abs() < 1e-9 && (e.p0 - 0.02).abs() < 1e-9, "{e:?}");
        // Under RED the solution satisfies p(q0) = 2/W0² (to 1e-9).
        let red = |q: f64| red_drop_fraction(red_base_probability(q, 20.0, 120.0, 0.1, true));
        let e = mgt_equilibrium(10.0, 833.33, Duration::from_millis(100), 300.0, red).unwrap();
        assert!((red(e.q0) - e.p0).abs() < 1e-9, "{e:?}");
        assert!(e.q0 > 20.0 && e.q0 < 120.0, "{e:?}");
        // A drop rate too small to hold the window inside the buffer: no equilibrium.
        assert!(mgt_equilibrium(1.0, 1000.0, Duration::from_millis(50), 10.0, |_| 1e-9).is_none());
    }

    #[test]
    fn the_per_round_reno_model_approaches_mathis_and_the_recovery_round_lowers_it() {
        // Without the recovery round the staircase stays within 2.5% below sqrt(3/(2p)),
        // closer as p falls (12.01, 38.24, 121.84 vs 12.25, 38.73, 122.47).
        let mut last = f64::INFINITY;
        for p in [1e-2, 1e-3, 1e-4] {
            let m = reno_avg_window_exact(p);
            let err = (m - reno_per_round_avg_window(p, false)) / m;
            assert!((0.0..0.025).contains(&err) && err < last, "p = {p}: {err}");
            last = err;
        }
        // With it, the continuous sawtooth plus one round at W/2 per cycle:
        // 3W²/8 + W/2 = 1/p packets over W/2 + 1 rounds (11.31, 37.75, 121.6), within 3%.
        for p in [1e-2, 1e-3, 1e-4] {
            let w = (-0.5 + (0.25_f64 + 1.5 / p).sqrt()) / 0.75;
            let model = (1.0 / p) / (w / 2.0 + 1.0);
            let got = reno_per_round_avg_window(p, true);
            assert!((got - model).abs() / model < 0.03, "p = {p}: {got} vs {model}");
        }
    }
}
