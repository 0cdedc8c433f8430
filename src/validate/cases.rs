//! The battery: each case names its spec file in experiments/validation/, the engines it
//! is meant for, and how to turn the runs into rows: the published model's value computed
//! from the scenario as run (loss rate, RTT, link rate and buffer are read from the spec,
//! never repeated here), cclab's value per seed, and the tolerance.

use super::data::{CaseData, RunRow, trace_decreases, trace_mean};
use super::table::{Fmt, Target};
use crate::results::stats::{Estimate, estimate};
use cclab_algorithms::analytic;
use cclab_sim::{Duration, LossModel, QueueDiscipline, Scenario};

/// One row of a case before the runner adds the case's name and the engine.
#[derive(Debug, Clone)]
pub struct Check {
    pub check: String,
    pub target: Target,
    pub fmt: Fmt,
    pub measured: Estimate,
    pub note: String,
    /// Set when this check is shown for information only, whatever the engine.
    pub not_meant: Option<String>,
    /// Set when the fluid engine is not meant for this check (the packet engine's row
    /// still counts).
    pub not_for_fluid: Option<String>,
}

/// A case of the battery.
pub struct Case {
    /// The spec file's stem in experiments/validation/ and the results folder's name.
    pub id: &'static str,
    /// Numbered as in the issue and docs/validation.md.
    pub title: &'static str,
    /// Part of `cclab validate --quick` (the cheap cases; the quick battery is a subset of
    /// the full one with the same specs, so both share results folders).
    pub quick: bool,
    /// `Some(reason)` when the fluid engine is not meant for this case.
    pub not_for_fluid: Option<&'static str>,
    pub evaluate: fn(&CaseData) -> Vec<Check>,
}

/// Every case, in the order of the table.
pub const CASES: &[Case] = &[
    Case {
        id: "mathis-periodic",
        title: "1a Mathis, periodic loss",
        quick: true,
        not_for_fluid: None,
        evaluate: mathis_periodic,
    },
    Case {
        id: "mathis-random",
        title: "1b Mathis, random loss + SACK",
        quick: true,
        not_for_fluid: None,
        evaluate: mathis_random,
    },
    Case {
        id: "pftk",
        title: "2 PFTK, random loss + timeouts",
        quick: true,
        not_for_fluid: Some(
            "PFTK models Reno's timeouts after multiple losses in a window; the fluid engine repairs \
             every loss like SACK (no NewReno one-hole-per-RTT repair)",
        ),
        evaluate: pftk,
    },
    Case {
        id: "cubic-reno-region",
        title: "3a CUBIC average window, Reno-friendly region",
        quick: true,
        not_for_fluid: None,
        evaluate: cubic_average_window,
    },
    Case {
        id: "cubic-region",
        title: "3b CUBIC average window, CUBIC region",
        quick: false,
        not_for_fluid: None,
        evaluate: cubic_average_window,
    },
    Case {
        id: "reno-utilisation",
        title: "4 Reno utilisation vs buffer",
        quick: true,
        not_for_fluid: None,
        evaluate: reno_utilisation,
    },
    Case {
        id: "vegas-queue",
        title: "5 Vegas queue",
        quick: true,
        not_for_fluid: None,
        evaluate: vegas_queue,
    },
    Case {
        id: "westwood-bwe",
        title: "6 Westwood+ bandwidth estimate",
        quick: true,
        not_for_fluid: None,
        evaluate: westwood_bwe,
    },
    Case {
        id: "fairness",
        title: "7a Intra-protocol fairness",
        quick: true,
        not_for_fluid: None,
        evaluate: fairness,
    },
    Case {
        id: "fairness-vegas",
        title: "7b Intra-protocol fairness, Vegas",
        quick: true,
        not_for_fluid: None,
        evaluate: fairness_vegas,
    },
    Case {
        id: "rtt-unfairness",
        title: "8 RTT unfairness",
        quick: true,
        not_for_fluid: None,
        evaluate: rtt_unfairness,
    },
    Case {
        id: "slow-start-fct",
        title: "9 Short flows, slow-start FCT",
        quick: true,
        not_for_fluid: Some(
            "the fluid engine advances in steps of up to 1 ms, far coarser than the one packet time \
             (12 us) this check allows",
        ),
        evaluate: slow_start_fct,
    },
    Case { id: "mahimahi", title: "10 Mahimahi trace", quick: true, not_for_fluid: None, evaluate: mahimahi },
    Case {
        id: "mgt-red",
        title: "11 MGT fluid model under RED",
        quick: true,
        not_for_fluid: None,
        evaluate: mgt_red,
    },
];

// ---- helpers over the scenario as run -------------------------------------------------

fn scenario(d: &CaseData, point: usize) -> &Scenario {
    &d.exp.points[point].scenario
}

fn loss_p(s: &Scenario) -> f64 {
    match s.link.loss {
        LossModel::Bernoulli { p } => p,
        // The engines lose one packet in every round(1/p): the model's p is that rate.
        LossModel::Periodic { p } => 1.0 / (1.0 / p).round().max(1.0),
        _ => f64::NAN,
    }
}

/// A controller parameter from the spec, or its default.
fn param(s: &Scenario, flow: usize, name: &str, default: f64) -> f64 {
    s.flows[flow].params.get(name).and_then(serde_json::Value::as_f64).unwrap_or(default)
}

/// Transmission time at the bottleneck of `bytes` wire bytes.
fn tx_time(s: &Scenario, bytes: u64) -> Duration {
    Duration::from_secs_f64(bytes as f64 * 8.0 / s.capacity().as_bps_f64())
}

/// Full wire packets per second the bottleneck serves.
fn capacity_pps(s: &Scenario) -> f64 {
    s.capacity().as_bps_f64() / (8.0 * s.flows[0].packet_size().as_f64())
}

fn sci(p: f64) -> String {
    let e = p.log10().floor();
    let m = p / 10f64.powf(e);
    if (m - 1.0).abs() < 1e-9 { format!("1e{e}") } else { format!("{m:.0}e{e}") }
}

fn flow0(r: &RunRow, column: &str) -> f64 {
    r.flows.first().map_or(f64::NAN, |f| f.get(column))
}

fn points(d: &CaseData) -> std::ops::Range<usize> {
    0..d.exp.points.len()
}

// ---- 1. Mathis et al. 1997 -------------------------------------------------------------

fn mathis(d: &CaseData, tol: f64, note: &str) -> Vec<Check> {
    points(d)
        .map(|i| {
            let s = scenario(d, i);
            let p = loss_p(s);
            // Mathis et al. 1997: W = sqrt(3/(2p)) with an ACK per segment (C = 1.22);
            // cclab's default receiver ACKs every segment.
            let model = analytic::reno_avg_window_exact(p);
            let (measured, failed) = d.over_seeds(i, |r| flow0(r, "mean_cwnd_pkts"));
            Check {
                check: format!("p = {}, mean cwnd", sci(p)),
                target: Target::Relative { model, below: tol, above: tol },
                fmt: Fmt::new(1, "pkts"),
                measured,
                note: join(&[failed.as_str(), note]),
                not_meant: None,
                not_for_fluid: None,
            }
        })
        .collect()
}

fn join(parts: &[&str]) -> String {
    parts.iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("; ")
}

fn mathis_periodic(d: &CaseData) -> Vec<Check> {
    let mut rows = Vec::new();
    for (i, mathis_row) in points(d).zip(mathis(d, 0.07, "")) {
        let p = loss_p(scenario(d, i));
        rows.push(mathis_row);
        // The same runs against Reno round by round with the fast-recovery round the
        // sawtooth model leaves out: what a real TCP can be held to at small windows.
        let (measured, failed) = d.over_seeds(i, |r| flow0(r, "mean_cwnd_pkts"));
        rows.push(Check {
            check: format!("p = {}, mean cwnd vs per-round Reno with its recovery round", sci(p)),
            target: Target::Relative {
                model: analytic::reno_per_round_avg_window(p, true),
                below: 0.07,
                above: 0.07,
            },
            fmt: Fmt::new(1, "pkts"),
            measured,
            note: failed,
            not_meant: None,
            not_for_fluid: None,
        });
    }
    rows
}

/// Documented, open deviations from the tolerances: (case id, check, reason).
/// Both engines; a listed check that passes is an ordinary pass.
const KNOWN: &[(&str, &str, &str)] = &[(
    "mathis-periodic",
    "p = 1e-2, mean cwnd",
    "Mathis's sawtooth grows for W/2 rounds per loss; a real TCP (RFC 6675 and Linux alike) \
     also spends one round in recovery at W/2 without growth, which at W ≈ 12 costs about 10% \
     (the per-round row below: 11.0 pkts); the ±7% asked for at p = 1e-2 awaits a decision",
)];

/// The reason a check is a known deviation, if it is one.
pub fn known_deviation(case: &str, check: &str) -> Option<&'static str> {
    KNOWN.iter().find(|(c, k, _)| *c == case && *k == check).map(|(_, _, why)| *why)
}

fn mathis_random(d: &CaseData) -> Vec<Check> {
    mathis(d, 0.20, "")
}

// ---- 2. PFTK 1998 ------------------------------------------------------------------------

/// PFTK's inputs as its paper measures them on a trace, for one run: the loss-event rate p
/// (loss indications per packet sent), the round-trip time and the timeout T0.
struct PftkInputs {
    p: f64,
    rtt: Duration,
    t0: Duration,
}

/// p = window reductions (one per fast recovery or timeout sequence, counted in the cwnd
/// trace) per packet sent in the window; RTT = the flow's mean RTT sample; T0 = the RTO the
/// sender uses on this path, SRTT + max(4 RTTVAR, min_rto) (Linux, reference §1.7): the RTT
/// varies by at most a packet time here, so RTTVAR decays far below min_rto / 4 and T0 =
/// SRTT + min_rto.
fn pftk_inputs(s: &Scenario, r: &RunRow) -> PftkInputs {
    let f = &s.flows[0];
    let window = (s.duration - s.warmup).as_secs_f64();
    let sent = send_rate(s, r) * window;
    let events = trace_decreases(r.trace.as_deref(), "flow0_cwnd_pkts", s.warmup.as_secs_f64());
    let rtt = Duration::from_secs_f64(flow0(r, "mean_rtt_ms") / 1e3);
    PftkInputs { p: events / sent, rtt, t0: rtt + f.min_rto }
}

/// The PFTK send rate in packets/s for the mean measured inputs of point `i`; b = 1 (an ACK
/// per segment), W_max = the receive buffer.
fn pftk_model(d: &CaseData, i: usize) -> (f64, PftkInputs) {
    let s = scenario(d, i);
    let f = &s.flows[0];
    let p = d.over_seeds(i, |r| pftk_inputs(s, r).p).0.mean;
    let rtt = Duration::from_secs_f64(d.over_seeds(i, |r| pftk_inputs(s, r).rtt.as_secs_f64()).0.mean);
    let t0 = Duration::from_secs_f64(d.over_seeds(i, |r| pftk_inputs(s, r).t0.as_secs_f64()).0.mean);
    let b = if f.delayed_ack { 2.0 } else { 1.0 };
    let w_max = f.receiver.buffer.as_f64() / f.mss.as_f64();
    (analytic::pftk_send_rate(p, rtt, t0, b, w_max), PftkInputs { p, rtt, t0 })
}

/// cclab's send rate in packets/s: goodput / (1 − p), since with independent losses a
/// fraction p of everything sent (retransmissions included) is lost.
fn send_rate(s: &Scenario, r: &RunRow) -> f64 {
    let f = &s.flows[0];
    flow0(r, "goodput_mbps") * 1e6 / (8.0 * f.mss.as_f64()) / (1.0 - loss_p(s))
}

fn pftk(d: &CaseData) -> Vec<Check> {
    let mut rows: Vec<Check> = points(d)
        .map(|i| {
            let s = scenario(d, i);
            let (measured, failed) = d.over_seeds(i, |r| send_rate(s, r));
            let (model, inputs) = pftk_model(d, i);
            let target = Target::Relative { model, below: 0.30, above: 0.30 };
            let mut note = join(&[
                failed.as_str(),
                &format!(
                    "measured inputs: loss-event rate {:.4}, RTT {:.1} ms, T0 {:.0} ms",
                    inputs.p,
                    inputs.rtt.as_secs_f64() * 1e3,
                    inputs.t0.as_secs_f64() * 1e3
                ),
            ]);
            if !target.passes(measured.mean) {
                let timeouts = d.over_seeds(i, |r| flow0(r, "timeouts")).0.mean;
                let retransmits = d.over_seeds(i, |r| flow0(r, "retransmits")).0.mean;
                note = join(&[
                    note.as_str(),
                    &format!("{timeouts:.0} timeouts and {retransmits:.0} retransmissions per run"),
                ]);
            }
            Check {
                check: format!("p = {}, send rate", loss_p(s)),
                target,
                fmt: Fmt::new(1, "pkts/s"),
                measured,
                note,
                not_meant: None,
                not_for_fluid: None,
            }
        })
        .collect();
    // The trend: B(p_last)/B(p_first), paired seed by seed.
    if let (Some(first), Some(last)) = (points(d).next(), points(d).last()) {
        if first != last {
            let (s0, s1) = (scenario(d, first), scenario(d, last));
            let a = d.by_seed(first, |r| send_rate(s0, r));
            let b = d.by_seed(last, |r| send_rate(s1, r));
            let ratios: Vec<f64> = a.iter().filter_map(|(seed, x)| b.get(seed).map(|y| y / x)).collect();
            rows.push(Check {
                check: format!("trend: B({}) / B({})", loss_p(s1), loss_p(s0)),
                target: Target::Relative {
                    model: pftk_model(d, last).0 / pftk_model(d, first).0,
                    below: 0.30,
                    above: 0.30,
                },
                fmt: Fmt::new(3, ""),
                measured: estimate(&ratios),
                note: String::new(),
                not_meant: None,
                not_for_fluid: None,
            });
        }
    }
    rows
}

// ---- 3. CUBIC average window (RFC 9438 §5) -------------------------------------------------

fn cubic_average_window(d: &CaseData) -> Vec<Check> {
    points(d)
        .map(|i| {
            let s = scenario(d, i);
            let p = loss_p(s);
            let (c, beta) = (param(s, 0, "c", 0.4), param(s, 0, "beta", 0.7));
            let rtt = s.flows[0].rtt;
            let cubic = analytic::cubic_avg_window(c, beta, rtt, p);
            // In the Reno-friendly region CUBIC is AIMD(3(1-b)/(1+b), b), whose average
            // window is Reno's sqrt(3/(2p)) (RFC 9438 §4.3).
            let reno = analytic::reno_avg_window_exact(p);
            let region = if cubic >= reno { "CUBIC" } else { "Reno-friendly" };
            let (measured, failed) = d.over_seeds(i, |r| flow0(r, "mean_cwnd_pkts"));
            Check {
                check: format!("RTT {rtt}, p = {} ({region})", sci(p)),
                target: Target::Relative { model: cubic.max(reno), below: 0.05, above: 0.15 },
                fmt: Fmt::new(1, "pkts"),
                measured,
                note: failed,
                not_meant: None,
                not_for_fluid: None,
            }
        })
        .collect()
}

// ---- 4. Reno utilisation vs buffer ------------------------------------------------------

fn reno_utilisation(d: &CaseData) -> Vec<Check> {
    points(d)
        .map(|i| {
            let s = scenario(d, i);
            let b = s.buffer_bytes().as_f64() / s.bdp().as_f64();
            let (measured, failed) = d.over_seeds(i, |r| r.metric("utilization"));
            let timeouts = d.over_seeds(i, |r| r.metric("timeouts")).0.mean;
            let mut note = failed;
            if timeouts > 0.0 {
                note = join(&[
                    note.as_str(),
                    &format!(
                        "{timeouts:.1} retransmission timeouts per run: a single SACK flow should \
                         recover every drop-tail loss without one"
                    ),
                ]);
            }
            Check {
                check: format!("b = {b:.2}"),
                target: Target::Absolute { model: analytic::reno_utilisation(b), below: 0.03, above: 0.03 },
                fmt: Fmt::percent(1),
                measured,
                note,
                not_meant: None,
                not_for_fluid: None,
            }
        })
        .collect()
}

// ---- 5. Vegas ----------------------------------------------------------------------------

fn vegas_queue(d: &CaseData) -> Vec<Check> {
    let mut rows = Vec::new();
    for i in points(d) {
        let s = scenario(d, i);
        let n = s.flows.len() as f64;
        let (alpha, beta) = (param(s, 0, "alpha", 2.0), param(s, 0, "beta", 4.0));
        // Packets waiting = queueing delay x packets served per second.
        let pps = capacity_pps(s);
        let (measured, failed) = d.over_seeds(i, |r| r.metric("mean_queue_delay_ms") / 1e3 * pps);
        rows.push(Check {
            check: format!("N = {n}, packets queued"),
            // BP95: each flow keeps alpha..beta packets queued. Linux compares floor(diff)
            // with alpha and beta, so each flow holds up to beta + 1; the slack below is the
            // +-1-packet limit cycle (reference §3.6, T12).
            target: Target::Interval { lo: n * alpha, hi: n * beta, below: 1.0, above: n },
            fmt: Fmt::new(1, "pkts"),
            measured,
            note: failed,
            not_meant: None,
            not_for_fluid: None,
        });
        let (loss, failed) = d.over_seeds(i, |r| r.metric("loss_rate"));
        rows.push(Check {
            check: format!("N = {n}, loss rate (buffer {} pkts)", s.buffer_bytes().as_u64() / 1500),
            target: Target::Interval { lo: 0.0, hi: 0.0, below: 0.0, above: 0.0 },
            fmt: Fmt::new(5, ""),
            measured: loss,
            note: failed,
            not_meant: None,
            not_for_fluid: None,
        });
    }
    rows
}

// ---- 6. Westwood+ ------------------------------------------------------------------------

fn westwood_bwe(d: &CaseData) -> Vec<Check> {
    points(d)
        .map(|i| {
            let s = scenario(d, i);
            let f = &s.flows[0];
            // BWE counts acknowledged payload: the bottleneck's payload rate C·MSS/(MSS+52).
            let payload = s.capacity().as_bps_f64() / 1e6 * f.mss.as_f64() / f.packet_size().as_f64();
            let warmup = s.warmup.as_secs_f64();
            let (measured, failed) =
                d.over_seeds(i, |r| trace_mean(r.trace.as_deref(), "flow0_bwe_mbps", warmup));
            Check {
                check: "mean BWE after warm-up".into(),
                target: Target::Relative { model: payload, below: 0.10, above: 0.10 },
                fmt: Fmt::new(2, "Mbit/s"),
                measured,
                note: failed,
                not_meant: None,
                not_for_fluid: None,
            }
        })
        .collect()
}

// ---- 7. Fairness ---------------------------------------------------------------------------

fn jain_rows(d: &CaseData, label: impl Fn(&Scenario) -> (String, Option<String>)) -> Vec<Check> {
    points(d)
        .map(|i| {
            let s = scenario(d, i);
            let (check, not_meant) = label(s);
            let (measured, failed) = d.over_seeds(i, |r| r.metric("jain_index"));
            Check {
                check,
                target: Target::Interval { lo: 0.95, hi: f64::INFINITY, below: 0.0, above: 0.0 },
                fmt: Fmt::new(3, ""),
                measured,
                note: failed,
                not_meant,
                not_for_fluid: None,
            }
        })
        .collect()
}

fn fairness(d: &CaseData) -> Vec<Check> {
    jain_rows(d, |s| (format!("{} x {}, Jain index", s.flows.len(), s.flows[0].algorithm), None))
}

fn fairness_vegas(d: &CaseData) -> Vec<Check> {
    jain_rows(d, |s| {
        let (a, b) = (param(s, 0, "alpha", 2.0), param(s, 0, "beta", 4.0));
        let not_meant = (a != b).then(|| {
            format!(
                "with alpha < beta every split that keeps each flow's backlog in [alpha, beta] is an \
                 equilibrium, so shares may differ up to beta/alpha = {:.0}x (Low, Peterson, Wang 2002 \
                 analyse Vegas with alpha = beta)",
                b / a
            )
        });
        (format!("{} x vegas (alpha {a}, beta {b}), Jain index", s.flows.len()), not_meant)
    })
}

// ---- 8. RTT unfairness --------------------------------------------------------------------

fn rtt_unfairness(d: &CaseData) -> Vec<Check> {
    // The RTT of x ∝ 1/(RTT·sqrt(p)) is the round trip each flow sees, queueing included
    // (flows.csv mean_rtt_ms): with a 1-BDP drop-tail buffer the queue adds tens of ms to
    // both flows and makes their RTT ratio far smaller than the ratio of base RTTs.
    let exponent = |i: usize| {
        d.over_seeds(i, move |r| {
            let g = |k: usize, c: &str| r.flows.get(k).map_or(f64::NAN, |f| f.get(c));
            let rtt = |k: usize| Duration::from_secs_f64(g(k, "mean_rtt_ms") / 1e3);
            analytic::rtt_unfairness_exponent(g(0, "goodput_mbps"), g(1, "goodput_mbps"), rtt(0), rtt(1))
        })
    };
    let mut rows = Vec::new();
    let rate = |j: usize| scenario(d, j).capacity().as_bps_f64();
    let ratio_of = |j: usize| {
        let t = scenario(d, j);
        t.flows[1].rtt.as_secs_f64() / t.flows[0].rtt.as_secs_f64()
    };
    for i in points(d) {
        let s = scenario(d, i);
        let alg = s.flows[0].algorithm.to_lowercase();
        let ratio = ratio_of(i);
        let mbps = rate(i) / 1e6;
        let (measured, failed) = exponent(i);
        // Reno's own scenario is the one without a CUBIC point at the same link rate.
        let cubic_here = points(d)
            .any(|j| scenario(d, j).flows[0].algorithm.eq_ignore_ascii_case("cubic") && rate(j) == rate(i));
        let (target, not_meant) = if alg == "reno" {
            // Between the asynchronous (a = 1) and synchronised (a = 2) laws, loosely (L3).
            let t = Target::Interval { lo: 0.8, hi: 2.3, below: 0.0, above: 0.0 };
            let why = cubic_here.then(|| {
                "Reno under CUBIC's conditions, the bound of CUBIC's row; Reno's own interval is \
                 checked in its scenario"
                    .to_string()
            });
            (t, why)
        } else {
            // Outside the Reno-friendly region CUBIC's growth depends on time, not RTT: a is
            // about 1 (reference §3.13 L4, [0.6, 1.5]) and below Reno's under the same
            // conditions (RFC 9438 §3.3).
            let reno = points(d).find(|&j| {
                scenario(d, j).flows[0].algorithm.eq_ignore_ascii_case("reno")
                    && rate(j) == rate(i)
                    && (ratio_of(j) - ratio).abs() < 1e-9
            });
            let hi = reno.map_or(1.5, |j| exponent(j).0.mean.min(1.5));
            (Target::Interval { lo: 0.6, hi, below: 0.0, above: 0.0 }, None)
        };
        let check = if alg == "reno" {
            format!("reno, {mbps:.0} Mbit/s, base RTT ratio {ratio:.0}, exponent a")
        } else {
            format!("{alg}, {mbps:.0} Mbit/s, base RTT ratio {ratio:.0}, exponent a (≤ 1.5 and < reno's)")
        };
        let mut note = failed;
        if alg != "reno" && !target.passes(measured.mean) {
            let w = d.over_seeds(i, |r| flow0(r, "mean_cwnd_pkts")).0.mean;
            let rtt = d.over_seeds(i, |r| flow0(r, "mean_rtt_ms")).0.mean / 1e3;
            note = join(&[
                note.as_str(),
                &format!(
                    "the short-RTT flow averages {w:.0} pkts at {:.0} ms; Reno-friendly region when \
                     1.5/W^2 = {:.1e} > 0.55 RTT^3 = {:.1e} (RFC 9438 §3.3)",
                    rtt * 1e3,
                    1.5 / (w * w),
                    0.548 * rtt.powi(3)
                ),
            ]);
        }
        // Measured with the packet engine on this row's scenario (6 seeds per value of the
        // scenario's per-packet send jitter): at base RTTs of exactly 1:2 the exponent is set
        // by packet phase. CUBIC keeps whatever window ratio the few overflows that hit only
        // one of the two synchronised flows leave behind, and which flow escapes depends on
        // sub-millisecond timing. The ratio-4 row hardly moves (1.20, 1.08, 1.01 at 0.12, 0.5,
        // 1.2 ms) and is counted for both engines.
        let not_for_fluid = (alg != "reno" && (ratio - 2.0).abs() < 1e-9).then(|| {
            "a phase effect: with base RTTs of 1:2 the packet engine's exponent follows its \
             per-packet send jitter (6 seeds each): 8.25 with none, 1.34 with one packet time \
             (0.12 ms, the default), 0.75 (0.21 to 1.49) with 0.24 ms, 0.34 with 0.5 ms, 0.17 \
             with 1.2 ms; the fluid engine has no packet timing and draws which flow an overflow \
             hits anew in every step of up to 1 ms"
                .to_string()
        });
        rows.push(Check { check, target, fmt: Fmt::new(2, ""), measured, note, not_meant, not_for_fluid });
    }
    rows
}

// ---- 9. Short flows -----------------------------------------------------------------------

fn slow_start_fct(d: &CaseData) -> Vec<Check> {
    points(d)
        .map(|i| {
            let s = scenario(d, i);
            let f = &s.flows[0];
            let n = f.size.map_or(0, |b| b.as_u64().div_ceil(f.mss.as_u64()));
            let pkt = tx_time(s, f.packet_size().as_u64());
            let syn = tx_time(s, cclab_sim::scenario::HEADER_BYTES.as_u64());
            let model = analytic::slow_start_fct(n, u64::from(f.initial_window), f.rtt, pkt, syn);
            let (measured, failed) = d.over_seeds(i, |r| flow0(r, "fct_s") * 1e3);
            let pkt_ms = pkt.as_secs_f64() * 1e3;
            Check {
                check: format!(
                    "{n} segments, {} rounds",
                    analytic::slow_start_rounds(n, u64::from(f.initial_window))
                ),
                target: Target::Absolute { model: model.as_secs_f64() * 1e3, below: pkt_ms, above: pkt_ms },
                fmt: Fmt::new(4, "ms"),
                measured,
                note: failed,
                not_meant: None,
                not_for_fluid: None,
            }
        })
        .collect()
}

// ---- 10. Mahimahi trace --------------------------------------------------------------------

fn mahimahi(d: &CaseData) -> Vec<Check> {
    let mut rows = Vec::new();
    for i in points(d) {
        let s = scenario(d, i);
        let Some(trace) = &s.link.trace else { continue };
        let f = &s.flows[0];
        let at = |t: Duration| trace.opportunities_until(cclab_sim::Time::ZERO + t);
        let opportunities = (at(s.duration) - at(s.warmup)) as f64;
        let window_s = (s.duration - s.warmup).as_secs_f64();
        let (util, failed) = d.over_seeds(i, |r| r.metric("utilization"));
        rows.push(Check {
            check: format!("{opportunities:.0} opportunities, bytes out / (1500 B x opportunities)"),
            // One packet's worth over the window: a packet in service at either end.
            target: Target::Absolute { model: 1.0, below: 1.0 / opportunities, above: 1.0 / opportunities },
            fmt: Fmt::percent(3),
            measured: util,
            note: failed.clone(),
            not_meant: None,
            not_for_fluid: None,
        });
        // Every opportunity carries one full segment: MSS payload bytes each.
        let payload = opportunities * f.mss.as_f64() * 8.0 / window_s / 1e6;
        let one = f.mss.as_f64() * 8.0 / window_s / 1e6;
        let (goodput, _) = d.over_seeds(i, |r| flow0(r, "goodput_mbps"));
        rows.push(Check {
            check: "goodput = MSS x opportunities / time".into(),
            target: Target::Absolute { model: payload, below: one, above: one },
            fmt: Fmt::new(4, "Mbit/s"),
            measured: goodput,
            note: failed,
            not_meant: None,
            not_for_fluid: None,
        });
    }
    rows
}

// ---- 11. MGT under RED ---------------------------------------------------------------------

fn mgt_red(d: &CaseData) -> Vec<Check> {
    let mut rows = Vec::new();
    for i in points(d) {
        let s = scenario(d, i);
        let QueueDiscipline::Red(red) = &s.link.queue else { continue };
        let pkt = s.flows[0].packet_size();
        let to_pkts = |b: cclab_sim::BufferSize| b.resolve(pkt, s.bdp()).as_f64() / pkt.as_f64();
        let (min_th, max_th) = (to_pkts(red.min_threshold), to_pkts(red.max_threshold));
        let p_of_q = |q: f64| {
            analytic::red_drop_fraction(analytic::red_base_probability(
                q,
                min_th,
                max_th,
                red.max_probability,
                red.gentle,
            ))
        };
        let c = capacity_pps(s);
        let n = s.flows.len() as f64;
        let tp = s.flows[0].rtt + tx_time(s, pkt.as_u64());
        let buffer = s.buffer_bytes().as_f64() / pkt.as_f64();
        let eq = analytic::mgt_equilibrium(n, c, tp, buffer, p_of_q);
        let (q0, w0) = eq.map_or((f64::NAN, f64::NAN), |e| (e.q0, e.w0));
        let (queue, failed) = d.over_seeds(i, |r| r.metric("mean_queue_delay_ms") / 1e3 * c);
        rows.push(Check {
            check: format!("N = {n}, mean queue"),
            target: Target::Relative { model: q0, below: 0.20, above: 0.20 },
            fmt: Fmt::new(1, "pkts"),
            measured: queue,
            note: failed.clone(),
            not_meant: None,
            not_for_fluid: None,
        });
        let (w, _) = d.over_seeds(i, |r| {
            r.flows.iter().map(|f| f.get("mean_cwnd_pkts")).sum::<f64>() / r.flows.len().max(1) as f64
        });
        rows.push(Check {
            check: format!("N = {n}, mean cwnd per flow"),
            target: Target::Relative { model: w0, below: 0.20, above: 0.20 },
            fmt: Fmt::new(2, "pkts"),
            measured: w,
            note: failed,
            not_meant: None,
            not_for_fluid: None,
        });
    }
    rows
}
