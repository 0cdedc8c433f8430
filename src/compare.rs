//! Engine comparison: the fluid engine against the packet engine on the same scenarios.
//!
//! Every case (a sweep point of an ordinary spec) runs on both engines with every seed of
//! the spec; the packet engine is the reference. Per case the means over seeds are
//! compared with the issue's tolerances ([`Tolerance::default`]):
//!
//! * aggregate goodput within 5 % of the packet engine's,
//! * each flow's goodput within 15 %: flow i against flow i, each a mean over seeds, except
//!   that identical flows are compared by rank (see [`Measured::mean`]),
//! * Jain's index within 0.05 (the mean over seeds of each run's index),
//! * mean queueing delay within 25 % or within 2 ms, whichever is looser.
//!
//! A case that misses a tolerance stays in the table with its errors and a reason: the
//! exceeded metrics with their errors, then the causes its numbers point to (timeouts in
//! one engine and not the other, windows of a few packets, phase effects, the known
//! sensitivities of Westwood+ and Vegas), or "no cause identified". No case is dropped: a
//! run that fails on either engine makes a failing row with the engine's error.

use crate::spec::Experiment;
use cclab_sim::{Engine, LossModel, Registry, Report, Scenario};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// How close the fluid engine must come to the packet engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Aggregate goodput: |fluid − packet| / packet, a fraction.
    pub goodput: f64,
    /// Each flow's goodput: |fluid − packet| / packet, a fraction.
    pub flow_goodput: f64,
    /// Jain's index: |fluid − packet|, absolute.
    pub jain: f64,
    /// Mean queueing delay: |fluid − packet| / packet, a fraction ...
    pub queue_delay: f64,
    /// ... or |fluid − packet| in milliseconds, whichever allows more.
    pub queue_delay_ms: f64,
}

impl Default for Tolerance {
    /// The issue's tolerances: 5 %, 15 %, 0.05, and 25 % or 2 ms.
    fn default() -> Self {
        Tolerance { goodput: 0.05, flow_goodput: 0.15, jain: 0.05, queue_delay: 0.25, queue_delay_ms: 2.0 }
    }
}

/// One scenario to run on both engines.
#[derive(Debug, Clone)]
pub struct Case {
    /// The sweep point's index in its spec.
    pub point: usize,
    /// A short description: algorithms and flow counts, rate, RTT, buffer, loss.
    pub label: String,
    /// The swept (path, value) pairs of the point.
    pub labels: Vec<(String, String)>,
    /// The scenario (its engine and seed are set per run).
    pub scenario: Scenario,
    pub seeds: Vec<u64>,
}

impl Case {
    /// Every sweep point of `exp` with the spec's seeds. Time series are turned off: the
    /// comparison reads only summary metrics.
    pub fn from_experiment(exp: &Experiment) -> Vec<Case> {
        exp.points
            .iter()
            .map(|p| {
                let mut scenario = p.scenario.clone();
                scenario.trace_interval = cclab_sim::Duration::ZERO;
                Case {
                    point: p.index,
                    label: describe(&scenario),
                    labels: p.labels.clone(),
                    scenario,
                    seeds: exp.seeds.clone(),
                }
            })
            .collect()
    }
}

/// "4 cubic, 10Mbps, 40ms, 0.25bdp, loss 0.001": what a reader needs to place a case.
pub fn describe(s: &Scenario) -> String {
    let mut groups: Vec<(String, usize)> = Vec::new();
    for f in &s.flows {
        match groups.last_mut() {
            Some((a, n)) if *a == f.algorithm => *n += 1,
            _ => groups.push((f.algorithm.clone(), 1)),
        }
    }
    let flows: Vec<String> = groups.iter().map(|(a, n)| format!("{n} {a}")).collect();
    let mut rtts: Vec<String> = s.flows.iter().map(|f| f.rtt.to_string()).collect();
    rtts.dedup();
    let mut out = format!("{}, {}, {}, {}", flows.join(" + "), s.link.rate, rtts.join("/"), s.link.buffer);
    match s.link.loss {
        LossModel::None => {}
        LossModel::Bernoulli { p } => {
            let _ = write!(out, ", loss {p}");
        }
        LossModel::Periodic { p } => {
            let _ = write!(out, ", periodic loss {p}");
        }
        LossModel::GilbertElliott { .. } => out.push_str(", bursty loss"),
    }
    if !s.cross_traffic.is_empty() {
        let _ = write!(out, ", {} udp", s.cross_traffic.len());
    }
    if let cclab_sim::QueueDiscipline::Red(_) = s.link.queue {
        out.push_str(", red");
    }
    out
}

/// One engine's results for a case: means over the seeds.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// Seeds averaged.
    pub runs: usize,
    /// Aggregate goodput, Mbit/s.
    pub goodput_mbps: f64,
    /// Each flow's goodput, Mbit/s, in scenario order; within a class of identical flows
    /// (see [`Measured::mean`]) the largest first.
    pub flow_goodput_mbps: Vec<f64>,
    /// Mean of the runs' Jain indices.
    pub jain_index: f64,
    /// Mean queueing delay, ms.
    pub queue_delay_ms: f64,
    /// Bottleneck utilisation, a fraction.
    pub utilization: f64,
    /// Dropped / arrived packets at the bottleneck.
    pub loss_rate: f64,
    /// Retransmission timeouts per run, all flows.
    pub timeouts: f64,
}

impl Measured {
    /// The means over `reports` (at least one, all runs of `scenario`). Flows that are
    /// exchangeable (equal in every setting, so that only the seed's start offsets tell
    /// them apart) are compared by rank, not by index: in each run their goodputs are
    /// sorted, largest first, and the k-th largest is averaged over the seeds. Which of
    /// two identical flows wins is decided by phase, run by run; the index of the winner
    /// carries no information, while the spread of the shares does.
    pub fn mean(scenario: &Scenario, reports: &[Report]) -> Measured {
        let n = reports.len().max(1) as f64;
        let avg = |f: &dyn Fn(&Report) -> f64| reports.iter().map(f).sum::<f64>() / n;
        let classes = exchangeable(scenario);
        let mut flow_goodput_mbps = vec![0.0; scenario.flows.len()];
        for r in reports {
            for class in &classes {
                let mut g: Vec<f64> =
                    class.iter().map(|&i| r.flows.get(i).map_or(0.0, |f| f.goodput_mbps)).collect();
                g.sort_by(|a, b| b.total_cmp(a));
                for (&i, x) in class.iter().zip(g) {
                    flow_goodput_mbps[i] += x / n;
                }
            }
        }
        Measured {
            runs: reports.len(),
            goodput_mbps: avg(&|r| r.flows.iter().map(|f| f.goodput_mbps).sum()),
            flow_goodput_mbps,
            jain_index: avg(&|r| r.jain_index),
            queue_delay_ms: avg(&|r| r.link.queue_delay_mean_ms),
            utilization: avg(&|r| r.link.utilization),
            loss_rate: avg(&|r| r.link.loss_rate),
            timeouts: avg(&|r| r.flows.iter().map(|f| f.timeouts).sum::<u64>() as f64),
        }
    }
}

/// The flows of `s` grouped into classes of identical flows (every field equal), each
/// class in index order, classes in order of their first flow.
pub fn exchangeable(s: &Scenario) -> Vec<Vec<usize>> {
    let mut classes: Vec<Vec<usize>> = Vec::new();
    for (i, f) in s.flows.iter().enumerate() {
        match classes.iter_mut().find(|c| s.flows[c[0]] == *f) {
            Some(c) => c.push(i),
            None => classes.push(vec![i]),
        }
    }
    classes
}

/// How a flow is named in a reason: by index, or by rank among identical flows.
fn flow_name(s: &Scenario, i: usize) -> String {
    let classes = exchangeable(s);
    match classes.iter().find(|c| c.contains(&i)) {
        Some(c) if c.len() > 1 => {
            let rank = c.iter().position(|&j| j == i).unwrap_or(0) + 1;
            format!("rank {rank} of {} identical flows", c.len())
        }
        _ => format!("flow {i}"),
    }
}

/// The fluid engine's errors against the packet engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Errors {
    /// (fluid − packet) / packet of the aggregate goodput.
    pub goodput: f64,
    /// (fluid − packet) / packet of the flow with the largest such error in magnitude.
    pub flow_goodput: f64,
    /// Which flow that is (index in the scenario).
    pub worst_flow: usize,
    /// fluid − packet of Jain's index.
    pub jain: f64,
    /// fluid − packet of the mean queueing delay, ms.
    pub queue_delay_ms: f64,
    /// (fluid − packet) / packet of the mean queueing delay (0 when both are 0).
    pub queue_delay: f64,
}

/// A relative error that stays finite: a reference of zero makes any difference total.
fn relative(fluid: f64, packet: f64) -> f64 {
    if packet.abs() > 1e-12 {
        (fluid - packet) / packet
    } else if fluid.abs() > 1e-12 {
        fluid.signum()
    } else {
        0.0
    }
}

impl Errors {
    pub fn of(packet: &Measured, fluid: &Measured) -> Errors {
        let (worst_flow, flow_goodput) = packet
            .flow_goodput_mbps
            .iter()
            .zip(&fluid.flow_goodput_mbps)
            .map(|(p, f)| relative(*f, *p))
            .enumerate()
            .fold((0, 0.0f64), |best, (i, e)| if e.abs() > best.1.abs() { (i, e) } else { best });
        Errors {
            goodput: relative(fluid.goodput_mbps, packet.goodput_mbps),
            flow_goodput,
            worst_flow,
            jain: fluid.jain_index - packet.jain_index,
            queue_delay_ms: fluid.queue_delay_ms - packet.queue_delay_ms,
            queue_delay: relative(fluid.queue_delay_ms, packet.queue_delay_ms),
        }
    }

    /// The metrics outside `tol`, in the order of the table.
    pub fn exceeded(&self, tol: &Tolerance) -> Vec<Metric> {
        let mut out = Vec::new();
        if self.goodput.abs() > tol.goodput {
            out.push(Metric::Goodput);
        }
        if self.flow_goodput.abs() > tol.flow_goodput {
            out.push(Metric::FlowGoodput);
        }
        if self.jain.abs() > tol.jain {
            out.push(Metric::Jain);
        }
        if self.queue_delay.abs() > tol.queue_delay && self.queue_delay_ms.abs() > tol.queue_delay_ms {
            out.push(Metric::QueueDelay);
        }
        out
    }
}

/// A compared metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Goodput,
    FlowGoodput,
    Jain,
    QueueDelay,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Goodput => "aggregate goodput",
            Metric::FlowGoodput => "per-flow goodput",
            Metric::Jain => "Jain's index",
            Metric::QueueDelay => "queueing delay",
        }
    }
}

/// One case's outcome.
#[derive(Debug, Clone)]
pub struct Row {
    pub point: usize,
    pub label: String,
    pub labels: Vec<(String, String)>,
    /// The packet engine's means, or the first error of one of its runs.
    pub packet: Result<Measured, String>,
    /// The fluid engine's means, or the first error of one of its runs.
    pub fluid: Result<Measured, String>,
    /// `None` when an engine failed.
    pub errors: Option<Errors>,
    /// The metrics outside their tolerance.
    pub exceeded: Vec<Metric>,
    /// Why the case fails: the exceeded metrics with their errors, and the cause where the
    /// measurements show one; `None` for a passing case.
    pub reason: Option<String>,
}

impl Row {
    pub fn passed(&self) -> bool {
        self.reason.is_none()
    }
}

/// What the comparison found: one row per case, in case order.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub tolerance: Tolerance,
    /// The swept paths of the spec (the `labels` of each row), for CSV columns.
    pub swept: Vec<String>,
    pub rows: Vec<Row>,
}

impl Comparison {
    pub fn passed(&self) -> usize {
        self.rows.iter().filter(|r| r.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.rows.len() - self.passed()
    }
}

/// One run to do.
struct Job {
    case: usize,
    seed: u64,
    engine: Engine,
    scenario: Scenario,
}

/// Runs every case on both engines over its seeds, `jobs` runs at a time, and compares
/// them with `tol`. The result does not depend on `jobs`.
pub fn compare(
    cases: &[Case],
    swept: &[String],
    registry: &Registry,
    jobs: usize,
    tol: Tolerance,
) -> Result<Comparison, String> {
    let mut work: Vec<Job> = Vec::new();
    for (c, case) in cases.iter().enumerate() {
        for &seed in &case.seeds {
            for engine in [Engine::Packet, Engine::Fluid] {
                let mut scenario = case.scenario.clone();
                scenario.seed = seed;
                scenario.engine = engine;
                work.push(Job { case: c, seed, engine, scenario });
            }
        }
    }
    // Longest first, so that a long packet run does not start last and idle the others.
    let cost: Vec<f64> = work.iter().map(|j| crate::runner::estimate_seconds(&j.scenario)).collect();
    let mut order: Vec<usize> = (0..work.len()).collect();
    order.sort_by(|&a, &b| cost[b].total_cmp(&cost[a]).then(a.cmp(&b)));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build().map_err(|e| e.to_string())?;
    let mut done: Vec<(usize, Result<Report, String>)> = pool.install(|| {
        order
            .par_iter()
            .map(|&i| {
                let job = &work[i];
                let result = catch_unwind(AssertUnwindSafe(|| cclab_sim::run(&job.scenario, registry)))
                    .map_err(|p| format!("panicked: {}", panic_message(p.as_ref())))
                    .and_then(|r| r.map_err(|e| e.to_string()));
                (i, result)
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);

    let mut per_case: Vec<[Vec<Report>; 2]> = cases.iter().map(|_| [Vec::new(), Vec::new()]).collect();
    let mut errors: Vec<[Option<String>; 2]> = cases.iter().map(|_| [None, None]).collect();
    for (i, result) in done {
        let job = &work[i];
        let e = usize::from(job.engine == Engine::Fluid);
        match result {
            Ok(r) => per_case[job.case][e].push(r),
            Err(m) => {
                errors[job.case][e].get_or_insert_with(|| format!("seed {}: {m}", job.seed));
            }
        }
    }
    let rows = cases
        .iter()
        .zip(per_case)
        .zip(errors)
        .map(|((case, [packet, fluid]), [packet_err, fluid_err])| {
            let measure = |reports: Vec<Report>, err: Option<String>| match err {
                Some(m) => Err(m),
                None if reports.is_empty() => Err("no seeds".to_string()),
                None => Ok(Measured::mean(&case.scenario, &reports)),
            };
            row(case, measure(packet, packet_err), measure(fluid, fluid_err), &tol)
        })
        .collect();
    Ok(Comparison { tolerance: tol, swept: swept.to_vec(), rows })
}

fn row(
    case: &Case,
    packet: Result<Measured, String>,
    fluid: Result<Measured, String>,
    tol: &Tolerance,
) -> Row {
    let (errors, exceeded, reason) = match (&packet, &fluid) {
        (Ok(p), Ok(f)) => {
            let e = Errors::of(p, f);
            let exceeded = e.exceeded(tol);
            let reason = (!exceeded.is_empty()).then(|| explain(&case.scenario, p, f, &e, &exceeded));
            (Some(e), exceeded, reason)
        }
        (Err(m), _) => (None, Vec::new(), Some(format!("the packet engine failed: {m}"))),
        (_, Err(m)) => (None, Vec::new(), Some(format!("the fluid engine failed: {m}"))),
    };
    Row {
        point: case.point,
        label: case.label.clone(),
        labels: case.labels.clone(),
        packet,
        fluid,
        errors,
        exceeded,
        reason,
    }
}

/// The reason of a failing case: each exceeded metric with its error, then the causes the
/// measurements point to.
fn explain(s: &Scenario, p: &Measured, f: &Measured, e: &Errors, exceeded: &[Metric]) -> String {
    let what: Vec<String> = exceeded
        .iter()
        .map(|m| match m {
            Metric::Goodput => format!("aggregate goodput {:+.1}%", 100.0 * e.goodput),
            Metric::FlowGoodput => {
                format!("{} goodput {:+.1}%", flow_name(s, e.worst_flow), 100.0 * e.flow_goodput)
            }
            Metric::Jain => format!("Jain {:+.3}", e.jain),
            Metric::QueueDelay => {
                format!("queue delay {:+.2} ms ({:+.0}%)", e.queue_delay_ms, 100.0 * e.queue_delay)
            }
        })
        .collect();
    let mut out = what.join(", ");
    out.push_str(": ");
    out.push_str(&causes(s, p, f, e, exceeded).join("; "));
    out
}

/// The causes a failing case's measurements point to. Each is stated with the numbers
/// that show it, so that a reader can check it against the table; a case none of them
/// fits says so rather than guessing.
fn causes(s: &Scenario, p: &Measured, f: &Measured, e: &Errors, exceeded: &[Metric]) -> Vec<String> {
    let mut out = Vec::new();
    let n = s.flows.len() as f64;
    let packet = s.flows[0].packet_size().as_f64();
    let bdp = s.bdp().as_f64() / packet;
    let buffer = s.buffer_bytes().as_f64() / packet;
    // The window a flow has at the top of its sawtooth, packets: its share of what the
    // pipe and the buffer hold.
    let window = (bdp + buffer) / n;
    let random_loss = !matches!(s.link.loss, LossModel::None);
    let algorithm = |name: &str| s.flows.iter().all(|fl| fl.algorithm.eq_ignore_ascii_case(name));
    // Timeouts reset a window to one segment and stall the flow for at least 200 ms: a
    // run with many of them in one engine and few in the other differs in every metric.
    if p.timeouts >= 1.0 && p.timeouts > 2.0 * f.timeouts + 1.0 {
        out.push(format!(
            "the packet engine's flows time out {:.1} times per run (fluid {:.1}), with windows of {window:.0} packets per flow",
            p.timeouts, f.timeouts
        ));
    } else if f.timeouts >= 1.0 && f.timeouts > 2.0 * p.timeouts + 1.0 {
        out.push(format!(
            "the fluid engine's flows time out {:.1} times per run (packet {:.1}), with windows of {window:.0} packets per flow",
            f.timeouts, p.timeouts
        ));
    }
    if window < 8.0 {
        out.push(format!(
            "windows of {window:.1} packets per flow: a loss or a recovery is a large part of a window, which a fluid averages"
        ));
    }
    if algorithm("westwood") && random_loss && e.goodput < 0.0 {
        out.push(
            "Westwood+ resets its window to BWE x RTTmin at every random loss, so the bias of BWE sets the throughput; \
             its samples (ACKed bytes over >= 50 ms windows closed by an ACK) overestimate bursty ACK trains, and the \
             packet engine's flows send each window as one line-rate burst while the fluid's ACKs are smoother"
                .to_string(),
        );
    }
    if algorithm("westwood") && buffer < 0.5 * bdp {
        out.push(format!(
            "Westwood+ sets cwnd = BWE x RTTmin at once when a recovery ends; the burst of up to half a window \
             this releases overflows a {buffer:.0}-packet buffer and starts the next recovery, a spiral both engines \
             go through, and how long it lasts (which sets the throughput) depends on how the burst meets the \
             queue: packet by packet, or as one fluid step"
        ));
    }
    if algorithm("vegas") {
        out.push(
            "Vegas holds any backlog between alpha and beta packets per flow, so where a case settles depends on its \
             history: the slow-start exit (a 1-packet threshold on a round's smallest RTT, per packet in one engine, per \
             step in the other) and which flow started first"
                .to_string(),
        );
    }
    let shares = exceeded.iter().any(|m| matches!(m, Metric::FlowGoodput | Metric::Jain));
    if shares && (2..=4).contains(&s.flows.len()) && buffer < 0.5 * bdp && p.jain_index < 0.95 {
        out.push(format!(
            "phase effects: with a {buffer:.0}-packet buffer, which flow loses depends on packet timing (packet Jain {:.3})",
            p.jain_index
        ));
    }
    if out.is_empty() {
        out.push("no cause identified".to_string());
    }
    out
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The columns of the CSV file, after the swept paths.
pub const CSV_COLUMNS: [&str; 20] = [
    "point",
    "case",
    "status",
    "packet_goodput_mbps",
    "fluid_goodput_mbps",
    "goodput_error",
    "packet_min_flow_goodput_mbps",
    "fluid_min_flow_goodput_mbps",
    "flow_goodput_error",
    "worst_flow",
    "packet_jain_index",
    "fluid_jain_index",
    "jain_error",
    "packet_queue_delay_ms",
    "fluid_queue_delay_ms",
    "queue_delay_error_ms",
    "queue_delay_error",
    "packet_timeouts",
    "fluid_timeouts",
    "reason",
];

fn min_flow(m: &Measured) -> f64 {
    m.flow_goodput_mbps.iter().copied().fold(f64::INFINITY, f64::min)
}

impl Comparison {
    /// The table as CSV: the swept paths, then [`CSV_COLUMNS`]; errors are signed
    /// (fluid − packet), relative ones as fractions; empty cells where an engine failed.
    pub fn csv(&self) -> Result<String, String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<&str> = self.swept.iter().map(String::as_str).collect();
        header.extend(CSV_COLUMNS);
        w.write_record(&header).map_err(|e| e.to_string())?;
        for r in &self.rows {
            let mut rec: Vec<String> = self
                .swept
                .iter()
                .map(|k| r.labels.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone()).unwrap_or_default())
                .collect();
            rec.push(r.point.to_string());
            rec.push(r.label.clone());
            rec.push(if r.passed() { "pass" } else { "fail" }.into());
            let num =
                |x: Option<f64>| x.filter(|v| v.is_finite()).map(|v| format!("{v}")).unwrap_or_default();
            let p = r.packet.as_ref().ok();
            let f = r.fluid.as_ref().ok();
            let e = r.errors.as_ref();
            rec.push(num(p.map(|m| m.goodput_mbps)));
            rec.push(num(f.map(|m| m.goodput_mbps)));
            rec.push(num(e.map(|e| e.goodput)));
            rec.push(num(p.map(min_flow)));
            rec.push(num(f.map(min_flow)));
            rec.push(num(e.map(|e| e.flow_goodput)));
            rec.push(e.map(|e| e.worst_flow.to_string()).unwrap_or_default());
            rec.push(num(p.map(|m| m.jain_index)));
            rec.push(num(f.map(|m| m.jain_index)));
            rec.push(num(e.map(|e| e.jain)));
            rec.push(num(p.map(|m| m.queue_delay_ms)));
            rec.push(num(f.map(|m| m.queue_delay_ms)));
            rec.push(num(e.map(|e| e.queue_delay_ms)));
            rec.push(num(e.map(|e| e.queue_delay)));
            rec.push(num(p.map(|m| m.timeouts)));
            rec.push(num(f.map(|m| m.timeouts)));
            rec.push(r.reason.clone().unwrap_or_default());
            w.write_record(&rec).map_err(|e| e.to_string())?;
        }
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| e.to_string())
    }

    /// Cells of the printed and Markdown tables, one row per case.
    fn cells(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec![
            "point",
            "case",
            "goodput P/F Mbit/s",
            "err",
            "worst flow err",
            "Jain P/F",
            "err",
            "queue delay P/F ms",
            "err",
            "result",
        ];
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let mut c = vec![r.point.to_string(), r.label.clone()];
                match (&r.packet, &r.fluid, &r.errors) {
                    (Ok(p), Ok(f), Some(e)) => {
                        let mark = |m: Metric| if r.exceeded.contains(&m) { " !" } else { "" };
                        c.push(format!("{:.2} / {:.2}", p.goodput_mbps, f.goodput_mbps));
                        c.push(format!("{:+.1}%{}", 100.0 * e.goodput, mark(Metric::Goodput)));
                        c.push(format!("{:+.1}%{}", 100.0 * e.flow_goodput, mark(Metric::FlowGoodput)));
                        c.push(format!("{:.3} / {:.3}", p.jain_index, f.jain_index));
                        c.push(format!("{:+.3}{}", e.jain, mark(Metric::Jain)));
                        c.push(format!("{:.2} / {:.2}", p.queue_delay_ms, f.queue_delay_ms));
                        c.push(format!("{:+.2}{}", e.queue_delay_ms, mark(Metric::QueueDelay)));
                    }
                    _ => c.extend(std::iter::repeat_n(String::from("-"), 7)),
                }
                c.push(match &r.reason {
                    None => "pass".into(),
                    Some(why) => format!("FAIL: {why}"),
                });
                c
            })
            .collect();
        (header, rows)
    }

    /// An aligned text table, a `!` beside each error outside its tolerance, and a count.
    pub fn table(&self) -> String {
        let (header, rows) = self.cells();
        let last = header.len() - 1;
        let widths: Vec<usize> = (0..last)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([header[c].len()]).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        let line = |cells: Vec<&str>| {
            let mut s: Vec<String> = cells[..last]
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| if i == 1 { format!("{c:<w$}") } else { format!("{c:>w$}") })
                .collect();
            s.push(cells[last].to_string());
            s.join("  ")
        };
        let _ = writeln!(out, "{}", line(header.clone()));
        for r in &rows {
            let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
        }
        let _ = writeln!(out, "{}", self.summary_line());
        out
    }

    /// "96 of 120 cases (80.0%) within tolerance (...)".
    pub fn summary_line(&self) -> String {
        let t = &self.tolerance;
        format!(
            "{} of {} cases ({:.1}%) within tolerance (aggregate goodput {}%, each flow's goodput {}%, Jain {}, queue delay {}% or {} ms)",
            self.passed(),
            self.rows.len(),
            100.0 * self.passed() as f64 / self.rows.len().max(1) as f64,
            100.0 * t.goodput,
            100.0 * t.flow_goodput,
            t.jain,
            100.0 * t.queue_delay,
            t.queue_delay_ms
        )
    }

    /// The table in Markdown, errors outside their tolerance in bold.
    pub fn markdown(&self) -> String {
        let (header, rows) = self.cells();
        let mut out = String::new();
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", header.iter().map(|_| "---|").collect::<String>());
        for r in rows {
            let cells: Vec<String> = r
                .into_iter()
                .map(|c| {
                    let c = c.replace('|', "\\|");
                    match c.strip_suffix(" !") {
                        Some(bad) => format!("**{bad}**"),
                        None => c,
                    }
                })
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(out, "\n{}", self.summary_line());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cclab_sim::{BufferSize, Duration, FlowReport, LinkReport, Rate, TimeSeries, jain_index};

    fn scenario(n: usize) -> Scenario {
        Scenario::dumbbell(
            "reno",
            n,
            Rate::from_mbps(10),
            Duration::from_millis(40),
            BufferSize::Bdp(1.0),
            Duration::from_secs(10),
        )
    }

    /// A report with the given per-flow goodputs and queueing delay.
    fn report(goodputs: &[f64], queue_ms: f64) -> Report {
        let flow = |g: f64| FlowReport {
            algorithm: "reno".into(),
            group: 0,
            base_rtt_ms: 40.0,
            goodput_mbps: g,
            delivered_bytes: 0,
            retransmits: 0,
            timeouts: 1,
            rtt_mean_ms: 40.0,
            rtt_p50_ms: 40.0,
            rtt_p95_ms: 40.0,
            rtt_p99_ms: 40.0,
            mean_cwnd_segments: 10.0,
            fct_s: None,
        };
        Report {
            engine: "test".into(),
            flows: goodputs.iter().map(|&g| flow(g)).collect(),
            link: LinkReport {
                utilization: 1.0,
                drops: 0,
                loss_rate: 0.0,
                queue_delay_mean_ms: queue_ms,
                queue_delay_p50_ms: queue_ms,
                queue_delay_p95_ms: queue_ms,
                queue_delay_p99_ms: queue_ms,
                mean_queue_bytes: 0.0,
            },
            jain_index: jain_index(goodputs),
            series: TimeSeries::default(),
            work: 0,
        }
    }

    #[test]
    fn identical_flows_are_compared_by_rank_and_others_by_index() {
        // Two identical flows that swap places between seeds: by rank they average to
        // (6 + 8) / 2 = 7 for the larger and (4 + 2) / 2 = 3 for the smaller.
        let s = scenario(2);
        let m = Measured::mean(&s, &[report(&[6.0, 4.0], 1.0), report(&[2.0, 8.0], 3.0)]);
        assert_eq!(m.flow_goodput_mbps, vec![7.0, 3.0]);
        assert_eq!((m.goodput_mbps, m.queue_delay_ms, m.timeouts, m.runs), (10.0, 2.0, 2.0, 2));
        // A flow with another RTT is its own class: compared by index.
        let mut s = scenario(2);
        s.flows[1].rtt = Duration::from_millis(80);
        assert_eq!(exchangeable(&s), vec![vec![0], vec![1]]);
        let m = Measured::mean(&s, &[report(&[6.0, 4.0], 1.0), report(&[2.0, 8.0], 3.0)]);
        assert_eq!(m.flow_goodput_mbps, vec![4.0, 6.0]);
    }

    #[test]
    fn each_tolerance_is_applied_as_the_issue_states_it() {
        let tol = Tolerance::default();
        let s = scenario(2);
        let packet = Measured::mean(&s, &[report(&[5.0, 5.0], 10.0)]);
        // Aggregate +4 % (within 5 %), each flow within 15 %, Jain 0.9985 - 1, queue
        // +2.4 ms = +24 %: everything passes.
        let fluid = Measured::mean(&s, &[report(&[5.6, 4.8], 12.4)]);
        let e = Errors::of(&packet, &fluid);
        assert!((e.goodput - 0.04).abs() < 1e-12);
        assert_eq!(e.worst_flow, 0);
        assert!((e.flow_goodput - 0.12).abs() < 1e-12);
        assert!(e.exceeded(&tol).is_empty(), "{e:?}");
        // +6 % aggregate, +20 % on one flow, queue +3 ms = +30 %: three failures; Jain
        // (10.6^2 / (2 x (6^2 + 4.6^2)) = 0.983) stays within 0.05.
        let fluid = Measured::mean(&s, &[report(&[6.0, 4.6], 13.0)]);
        let e = Errors::of(&packet, &fluid);
        assert_eq!(e.exceeded(&tol), vec![Metric::Goodput, Metric::FlowGoodput, Metric::QueueDelay]);
        // A small queue passes on the absolute bound: 0.5 ms against 2 ms is +300 % but
        // only 1.5 ms more.
        let packet = Measured::mean(&s, &[report(&[5.0, 5.0], 0.5)]);
        let fluid = Measured::mean(&s, &[report(&[5.0, 5.0], 2.0)]);
        assert!(Errors::of(&packet, &fluid).exceeded(&tol).is_empty());
        // Jain: one flow starved in the fluid only: 1 against 0.5.
        let fluid = Measured::mean(&s, &[report(&[10.0, 0.0], 0.5)]);
        assert!(Errors::of(&packet, &fluid).exceeded(&tol).contains(&Metric::Jain));
    }

    #[test]
    fn a_case_label_names_flows_link_and_loss() {
        let mut s = scenario(4);
        s.link.loss = LossModel::Bernoulli { p: 0.001 };
        assert_eq!(describe(&s), "4 reno, 10Mbps, 40ms, 1bdp, loss 0.001");
        s.flows[3].algorithm = "cubic".into();
        s.flows[3].rtt = Duration::from_millis(80);
        assert_eq!(describe(&s), "3 reno + 1 cubic, 10Mbps, 40ms/80ms, 1bdp, loss 0.001");
    }
}
