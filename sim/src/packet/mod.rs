//! The packet-level discrete-event engine.
//!
//! Topology: a dumbbell. Each flow's sender feeds the shared bottleneck directly; after it,
//! a segment travels the flow's forward propagation delay (half its base RTT) to the
//! receiver, and ACKs return over an uncongested reverse path with the other half. UDP
//! cross traffic enters the bottleneck the same way.
//!
//! Engine: time in u64 nanoseconds; an event queue ordered by (time, insertion sequence)
//! holding only FIFO heads and one lazy timer per sender, receiver and UDP source. Packets
//! never enter the queue. The bottleneck is FIFO, so a segment's departure, and with the
//! fixed forward delay its arrival at the receiver, are known when it is admitted; the
//! receiver (which only ever sees its own flow's segments, in arrival order) processes it
//! right then, at its arrival time, firing any receiver timer due before it first. Its ACK
//! is written straight into the flow's ACK FIFO, whose head is the only per-packet event;
//! since ACK clocking keeps each flow's segments together, ACKs arrive in trains, and the
//! next ACK of a train is handled without a heap operation whenever it is due strictly
//! before every other event (the order the heap would give). Receivers thus run ahead of
//! the global clock, so the payload they have received (goodput counts each byte at its
//! first arrival) is recorded at the instants the report needs (warm-up end, sample
//! times), and the application's reads are advanced lazily to each event's time.
//! Metrics are aggregated online and sampled at the trace interval.
//!
//! Phase effects: with jitter on (the default), each flow's start is delayed by a uniform
//! draw in [0, `start_offset`] (10 ms by default), and each ACK reaches its sender after a
//! uniform extra delay in [0, `send_jitter`] (default: one bottleneck packet time, the
//! transmission time of 1500 bytes at the link's mean rate), never before the flow's
//! previous ACK. The segments an ACK releases therefore leave the sender that much later:
//! this is the per-packet sending delay of the scenario's `Jitter`, applied where the
//! sender decides to send, so it costs no event of its own. Segments sent by a timer (RTO,
//! persist, pacing) are not delayed. Both draws come from the run's seed; set both to zero
//! for a phase-locked run.

mod bottleneck;
pub mod diagnostics;
mod event;
mod histogram;
mod loss;
mod metrics;
#[allow(clippy::module_inception)]
mod packet;
mod receiver;
mod red;
mod rng;
mod rto;
mod scoreboard;
mod sender;
mod series;
mod trace_server;
mod udp;

pub use diagnostics::{
    Diagnostics, FlowDiagnostics, Instrument, LinkDiagnostics, LogEntry, LogKind, ScriptedDrop, Target,
};

use crate::error::SimError;
use crate::report::{FlowReport, LinkReport, Report, jain_index};
use crate::scenario::{CrossTraffic, QueueDiscipline, Scenario};
use bottleneck::{Bottleneck, Server, tx_time};
use cclab_algorithms::{Bytes, FlowContext, Registry};
use event::{Ev, EventQueue, TimerFire};
use loss::Loss;
use packet::{AckSeg, AckSink, Line, SegKind, Segment};
use receiver::{Receiver, ReceiverConfig};
use red::Red;
use rng::{Stream, stream};
use sender::{Sender, SenderConfig};
use series::{FlowSample, Recorder};
use trace_server::TraceServer;
use udp::{Udp, UdpAction};

/// Runs `scenario` on the packet engine.
///
/// The scenario should have passed [`Scenario::validate`] (the crate-level `run` does
/// that). Errors: an unknown algorithm or bad parameters, or a controller that produced an
/// unusable window.
pub fn run(scenario: &Scenario, registry: &Registry) -> Result<Report, SimError> {
    run_instrumented(scenario, registry, &Instrument::default()).map(|(r, _)| r)
}

/// Like [`run`], and also returns the engine's internal counters.
pub fn run_with_diagnostics(
    scenario: &Scenario,
    registry: &Registry,
) -> Result<(Report, Diagnostics), SimError> {
    run_instrumented(scenario, registry, &Instrument::default())
}

/// Like [`run_with_diagnostics`], with test instrumentation: scripted drops and event logs.
pub fn run_instrumented(
    scenario: &Scenario,
    registry: &Registry,
    instrument: &Instrument,
) -> Result<(Report, Diagnostics), SimError> {
    let mut engine = Engine::new(scenario, registry, instrument)?;
    engine.run()?;
    Ok(engine.finish(scenario))
}

/// One TCP flow's runtime state.
struct FlowRt {
    snd: Sender,
    rcv: Receiver,
    /// Segments that reach the receiver after the end of the run (never processed).
    late: Vec<Segment>,
    back: AckPath,
    fwd_delay: u64,
    /// Payload dropped at the bottleneck.
    dropped: u64,
    algorithm: String,
    group: usize,
    base_rtt: u64,
    mss: u64,
    rcv_buffer: u64,
}

/// A flow's reverse path, receiver to sender: ACKs leave after the reverse delay plus the
/// send jitter, never before the flow's previous ACK.
struct AckPath {
    line: Line<AckSeg>,
    rev_delay: u64,
    jitter_max: u64,
    jitter: Stream,
    /// When the last ACK reaches the sender, ns.
    last: u64,
    /// An ACK entered the empty line and reaches the sender at this time: the engine must
    /// schedule the line's head.
    woke: Option<u64>,
}

impl AckSink for AckPath {
    #[inline(always)]
    fn slot(&mut self, at: u64) -> &mut AckSeg {
        let mut t = at + self.rev_delay;
        if self.jitter_max > 0 {
            t += self.jitter.below_inclusive(self.jitter_max);
        }
        // An empty line's last ACK has already arrived, before `at`: the maximum with it
        // matters only while the line is busy.
        let t = t.max(self.last);
        self.last = t;
        let (slot, was_empty) = self.line.push_slot(t);
        if was_empty {
            self.woke = Some(t);
        }
        slot
    }
}

struct Engine<'a> {
    q: EventQueue,
    end: u64,
    warmup: u64,
    flows: Vec<FlowRt>,
    udp: Vec<Udp>,
    udp_dropped: u64,
    link: Bottleneck,
    recorder: Recorder,
    interval: u64,
    instrument: &'a Instrument,
    /// Remaining scripted drops, parallel to `instrument.drops`.
    scripted_left: Vec<u32>,
    drops_scripted: u64,
    /// TCP data segments admitted to the bottleneck.
    work: u64,
    events: u64,
    segs: Vec<Segment>,
}

fn ns(d: cclab_algorithms::Duration) -> u64 {
    d.as_nanos()
}

impl<'a> Engine<'a> {
    fn new(s: &Scenario, registry: &Registry, instrument: &'a Instrument) -> Result<Engine<'a>, SimError> {
        let end = ns(s.duration);
        let warmup = ns(s.warmup).min(end);
        let window = (warmup, end);
        let capacity = s.capacity().as_bps().max(1);
        let packet_time = tx_time(capacity, 1500);
        let mut q = EventQueue::new();
        let interval = ns(s.trace_interval);
        // Instants at which receivers record the payload received so far (goodput).
        let mut marks: Vec<u64> = match end.checked_div(interval) {
            Some(n) => (1..=n).map(|k| k * interval).collect(),
            None => Vec::new(),
        };
        if warmup > 0 {
            marks.push(warmup);
        }
        marks.sort_unstable();
        marks.dedup();

        let mut flows = Vec::with_capacity(s.flows.len());
        for (i, f) in s.flows.iter().enumerate() {
            let mss = f.mss.as_u64();
            if f.receiver.buffer.as_u64() > packet::MAX_WINDOW {
                return Err(SimError::Invalid(format!(
                    "flows[{i}].receiver.buffer must be at most 4GiB in the packet engine (window offsets are 32-bit)"
                )));
            }
            let factory = registry
                .configure(&f.algorithm, &f.params)
                .map_err(|error| SimError::Algorithm { flow: i, error })?;
            let ctx = FlowContext::new(f.mss)
                .with_initial_cwnd(Bytes::segments(u64::from(f.initial_window), f.mss))
                .with_seed(rng::derive(s.seed, stream::CONTROLLER + i as u64));
            let cc = factory.build(&ctx);
            let cwnd = cc.cwnd().as_u64();
            if cwnd == 0 || cwnd > 1_000_000_000_000 {
                return Err(SimError::BadController {
                    flow: i,
                    algorithm: f.algorithm.clone(),
                    message: format!("initial cwnd = {cwnd} bytes"),
                });
            }
            let offset_max = ns(s.jitter.start_offset);
            let offset = Stream::new(s.seed, stream::START_OFFSET + i as u64).below_inclusive(offset_max);
            let start = ns(f.start.since(cclab_algorithms::Time::ZERO)) + offset;
            let size = f.size.map(|b| b.as_u64());
            let snd = Sender::new(
                SenderConfig {
                    mss,
                    size,
                    recovery: f.recovery,
                    min_rto: ns(f.min_rto),
                    start,
                    log: instrument.log,
                    pacing: f.pacing,
                },
                cc,
                window,
            );
            let rcv = Receiver::new(
                ReceiverConfig {
                    buffer: f.receiver.buffer.as_u64(),
                    read_rate: f.receiver.read_rate.map(|r| r.as_bps()),
                    delayed_ack: f.delayed_ack,
                    sack: f.recovery.uses_sack(),
                    window_updates: f.receiver.window_updates,
                    mss,
                    size,
                },
                marks.clone(),
            );
            let rtt = ns(f.rtt);
            let fwd_delay = rtt / 2;
            let mut flow = FlowRt {
                snd,
                rcv,
                late: Vec::new(),
                back: AckPath {
                    line: Line::new(),
                    rev_delay: rtt - fwd_delay,
                    jitter_max: s.jitter.send_jitter.map_or(packet_time, ns),
                    jitter: Stream::new(s.seed, stream::SEND_JITTER + i as u64),
                    last: 0,
                    woke: None,
                },
                fwd_delay,
                dropped: 0,
                algorithm: f.algorithm.clone(),
                group: f.group,
                base_rtt: rtt,
                mss,
                rcv_buffer: f.receiver.buffer.as_u64(),
            };
            let d = flow.snd.deadline();
            flow.snd.timer.set(d, &mut q, Ev::SenderTimer(i as u32));
            flows.push(flow);
        }

        let mut udp = Vec::new();
        for (i, CrossTraffic::Udp(src)) in s.cross_traffic.iter().enumerate() {
            let mut u = Udp::new(src, i, s.seed, end);
            let t = u.first_event();
            q.push(t, Ev::Udp(i as u32));
            udp.push(u);
        }

        let server = match &s.link.trace {
            Some(t) => Server::Trace(TraceServer::new(t, window)),
            None => Server::Rate { bps: s.link.rate.as_bps(), tx1500: tx_time(s.link.rate.as_bps(), 1500) },
        };
        let packet = s.flows.first().map_or(Bytes::new(1500), |f| f.packet_size());
        let red = match &s.link.queue {
            QueueDiscipline::DropTail => None,
            QueueDiscipline::Red(p) => Some(Red::new(
                p,
                p.min_threshold.resolve(packet, s.bdp()).as_u64(),
                p.max_threshold.resolve(packet, s.bdp()).as_u64(),
                packet_time,
                s.seed,
            )),
        };
        let loss = Loss::new(&s.link.loss, s.seed, s.flows.len() + s.cross_traffic.len());
        let link = Bottleneck::new(s.buffer_bytes().as_u64(), server, red, loss, window);

        if interval > 0 && interval <= end {
            q.push(interval, Ev::Sample);
        }
        Ok(Engine {
            q,
            end,
            warmup,
            recorder: Recorder::new(interval, flows.len(), end),
            flows,
            udp,
            udp_dropped: 0,
            link,
            interval,
            instrument,
            scripted_left: instrument.drops.iter().map(|d| d.times).collect(),
            drops_scripted: 0,
            work: 0,
            events: 0,
            segs: Vec::with_capacity(64),
        })
    }

    fn bad_controller(&self, flow: usize, message: String) -> SimError {
        SimError::BadController { flow, algorithm: self.flows[flow].algorithm.clone(), message }
    }

    fn run(&mut self) -> Result<(), SimError> {
        while let Some((now, ev)) = self.q.peek() {
            if now > self.end {
                break;
            }
            self.events += 1;
            match ev {
                Ev::AckArrive(i) => {
                    let i = i as usize;
                    let mut now = now;
                    // A flow's ACKs mostly arrive in trains (ACK clocking keeps each flow's
                    // segments together in the FIFO bottleneck): while the next one is due
                    // strictly before every other event, it is handled at once, in the
                    // order the heap would have given, without a heap operation.
                    loop {
                        let FlowRt { snd, back, .. } = &mut self.flows[i];
                        // The ACK is read in place, then dropped.
                        let ack = back.line.front().expect("a scheduled head");
                        let result = snd.on_ack(now, ack, &mut self.segs);
                        back.line.drop_front();
                        let next = back.line.head_time();
                        if let Err(m) = result {
                            return Err(self.bad_controller(i, m));
                        }
                        self.after_sender(now, i);
                        match next {
                            Some(t) if t < self.q.next_other_time() && t <= self.end => {
                                now = t;
                                self.events += 1;
                            }
                            _ => {
                                self.advance(next, ev);
                                break;
                            }
                        }
                    }
                }
                Ev::SenderTimer(i) => {
                    let i = i as usize;
                    match self.flows[i].snd.timer.fire(now, &mut self.q, ev) {
                        TimerFire::Due => {
                            self.q.pop();
                            if let Err(m) = self.flows[i].snd.on_timer(now, &mut self.segs) {
                                return Err(self.bad_controller(i, m));
                            }
                            self.after_sender(now, i);
                        }
                        TimerFire::Stale => self.q.pop(),
                        TimerFire::Requeued => {}
                    }
                }
                Ev::ReceiverTimer(i) => {
                    let i = i as usize;
                    match self.flows[i].rcv.timer.fire(now, &mut self.q, ev) {
                        TimerFire::Due => {
                            self.q.pop();
                            let f = &mut self.flows[i];
                            f.rcv.on_timer(now, &mut f.back);
                            self.schedule_acks(i);
                            self.arm_receiver(i);
                        }
                        TimerFire::Stale => self.q.pop(),
                        TimerFire::Requeued => {}
                    }
                }
                Ev::Udp(i) => {
                    let u = &mut self.udp[i as usize];
                    match u.fire(now) {
                        UdpAction::Send(next) => {
                            let size = u.size;
                            let source = self.flows.len() + i as usize;
                            if self.link.arrive(now, size, source).is_err() {
                                self.udp_dropped += 1;
                            }
                            self.q.reschedule_top(next, ev);
                        }
                        UdpAction::Wait(next) => self.q.reschedule_top(next, ev),
                        UdpAction::Done => self.q.pop(),
                    }
                }
                Ev::Sample => {
                    self.sample(now);
                    let next = now + self.interval;
                    if next <= self.end {
                        self.q.reschedule_top(next, ev);
                    } else {
                        self.q.pop();
                    }
                }
            }
        }
        Ok(())
    }

    /// The FIFO whose head was just handled: re-queue its next head, or drop the entry.
    #[inline]
    fn advance(&mut self, next: Option<u64>, ev: Ev) {
        match next {
            Some(t) => self.q.reschedule_top(t, ev),
            None => self.q.pop(),
        }
    }

    /// Sends what sender `i` emitted into the bottleneck and re-arms its timer.
    #[inline]
    fn after_sender(&mut self, now: u64, i: usize) {
        let mut segs = std::mem::take(&mut self.segs);
        for seg in &segs {
            self.admit(now, i, seg);
        }
        segs.clear();
        self.segs = segs;
        let f = &mut self.flows[i];
        let d = f.snd.deadline();
        f.snd.timer.set(d, &mut self.q, Ev::SenderTimer(i as u32));
    }

    /// Schedules flow `i`'s ACK path if receiver `i` just put an ACK into it while empty.
    #[inline]
    fn schedule_acks(&mut self, i: usize) {
        if let Some(t) = self.flows[i].back.woke.take() {
            self.q.push(t, Ev::AckArrive(i as u32));
        }
    }

    #[inline]
    fn arm_receiver(&mut self, i: usize) {
        let f = &mut self.flows[i];
        let d = f.rcv.deadline();
        f.rcv.timer.set(d, &mut self.q, Ev::ReceiverTimer(i as u32));
    }

    /// Flow `i`'s segment reaches the bottleneck at `now`; if admitted, its receiver
    /// handles it at its arrival time.
    #[inline]
    fn admit(&mut self, now: u64, i: usize, seg: &Segment) {
        if !self.instrument.drops.is_empty() && self.scripted_drop(i, seg) {
            self.drops_scripted += 1;
            self.flows[i].dropped += u64::from(seg.len);
            return;
        }
        match self.link.arrive(now, u64::from(seg.wire), i) {
            Ok(dep) => {
                self.work += u64::from(seg.kind == SegKind::Data);
                let f = &mut self.flows[i];
                let at = dep + f.fwd_delay;
                if at > self.end {
                    f.late.push(*seg);
                    return;
                }
                // Receiver timers due before this arrival fire first, at their own time.
                let mut fired = false;
                loop {
                    let d = self.flows[i].rcv.deadline();
                    if d > at {
                        break;
                    }
                    let f = &mut self.flows[i];
                    f.rcv.on_timer(d, &mut f.back);
                    self.schedule_acks(i);
                    fired = true;
                }
                let f = &mut self.flows[i];
                let before = f.rcv.deadline();
                f.rcv.on_segment(at, seg, &mut f.back);
                let changed = f.rcv.deadline() != before;
                self.schedule_acks(i);
                if fired || changed {
                    self.arm_receiver(i);
                }
            }
            Err(_) => self.flows[i].dropped += u64::from(seg.len),
        }
    }

    fn scripted_drop(&mut self, i: usize, seg: &Segment) -> bool {
        for (k, d) in self.instrument.drops.iter().enumerate() {
            let hit = d.flow == i
                && match d.target {
                    Target::Syn => seg.kind == SegKind::Syn,
                    Target::Data { seq } => seg.kind == SegKind::Data && seg.seq == seq,
                };
            if hit && self.scripted_left[k] > 0 {
                self.scripted_left[k] -= 1;
                return true;
            }
        }
        false
    }

    fn sample(&mut self, now: u64) {
        let queue = self.link.queue_bytes(now);
        self.recorder.begin(now, queue);
        for (i, f) in self.flows.iter_mut().enumerate() {
            let received = f.rcv.received_at(now);
            let s = FlowSample {
                cwnd_segments: f.snd.cwnd as f64 / f.mss as f64,
                wire_sent: f.snd.stats.wire_sent,
                received,
                srtt: f.snd.srtt(),
                cc: f.snd.controller(),
            };
            self.recorder.flow(i, &s);
        }
    }

    fn finish(mut self, s: &Scenario) -> (Report, Diagnostics) {
        let end = self.end;
        let span_s = (end - self.warmup) as f64 / 1e9;
        let mut flow_reports = Vec::with_capacity(self.flows.len());
        let mut flow_diags = Vec::with_capacity(self.flows.len());
        for f in &mut self.flows {
            // Goodput: payload whose first copy reached the receiver in (warm-up, end]
            // (see `FlowReport::goodput_mbps`). Every arrival up to `end` has been processed.
            let received_at_warmup = if self.warmup > 0 { f.rcv.received_at(self.warmup) } else { 0 };
            f.rcv.advance_reader(end);
            f.snd.finish(end);
            let goodput = (f.rcv.received() - received_at_warmup) as f64 * 8.0 / span_s / 1e6;
            let m = &f.snd.metrics;
            let fct = match (f.snd.stats.syn_at, f.rcv.done_at) {
                (Some(syn), Some(done)) if done <= end => Some((done - syn) as f64 / 1e9),
                _ => None,
            };
            flow_reports.push(FlowReport {
                algorithm: f.algorithm.clone(),
                group: f.group,
                base_rtt_ms: f.base_rtt as f64 / 1e6,
                goodput_mbps: goodput,
                delivered_bytes: f.rcv.read_total,
                retransmits: m.retransmits,
                timeouts: m.timeouts,
                rtt_mean_ms: m.rtt.mean() / 1e6,
                rtt_p50_ms: m.rtt.quantile(0.50) / 1e6,
                rtt_p95_ms: m.rtt.quantile(0.95) / 1e6,
                rtt_p99_ms: m.rtt.quantile(0.99) / 1e6,
                mean_cwnd_segments: m.mean_cwnd() / f.mss as f64,
                fct_s: fct,
            });
            let in_network: u64 = f.late.iter().map(|p| u64::from(p.len)).sum();
            let st = &f.snd.stats;
            let rs = &f.rcv.stats;
            flow_diags.push(FlowDiagnostics {
                mss: f.mss,
                sent: st.payload_sent,
                arrived: rs.arrived,
                dropped: f.dropped,
                in_network,
                delivered: rs.delivered,
                duplicate: rs.duplicate,
                beyond_window: rs.beyond_window,
                out_of_order: f.rcv.ooo_bytes(),
                rcv_nxt: f.rcv.rcv_nxt(),
                read: f.rcv.read_total,
                rcv_buffer: f.rcv_buffer,
                rcv_high_water: rs.high_water,
                max_excess: st.max_excess,
                segments_sent: st.segments_sent,
                retransmits: st.retransmits,
                timeouts: st.timeouts,
                recoveries: st.recoveries,
                probes: st.probes,
                window_updates: rs.window_updates,
                acks: rs.acks,
                ack_bytes: rs.ack_bytes,
                syn_at: st.syn_at,
                all_acked_at: st.all_acked_at,
                done_at: f.rcv.done_at,
                snd_una: f.snd.snd_una(),
                snd_nxt: f.snd.snd_nxt(),
                log: std::mem::take(&mut f.snd.log),
            });
        }
        let goodputs: Vec<f64> = flow_reports.iter().map(|f| f.goodput_mbps).collect();
        let ls = &self.link.stats;
        let link = LinkReport {
            utilization: self.link.utilization(),
            drops: ls.drops,
            loss_rate: if ls.arrivals == 0 { 0.0 } else { ls.drops as f64 / ls.arrivals as f64 },
            queue_delay_mean_ms: ls.qdelay.mean() / 1e6,
            queue_delay_p50_ms: ls.qdelay.quantile(0.50) / 1e6,
            queue_delay_p95_ms: ls.qdelay.quantile(0.95) / 1e6,
            queue_delay_p99_ms: ls.qdelay.quantile(0.99) / 1e6,
            mean_queue_bytes: self.link.mean_queue(),
        };
        let diags = Diagnostics {
            flows: flow_diags,
            link: LinkDiagnostics {
                buffer: s.buffer_bytes().as_u64(),
                drops_random: ls.drops_random,
                drops_red: ls.drops_red,
                drops_overflow: ls.drops_overflow,
                drops_scripted: self.drops_scripted,
                udp_sent: self.udp.iter().map(|u| u.sent).sum(),
                udp_dropped: self.udp_dropped,
            },
            events: self.events,
        };
        let report = Report {
            engine: "packet".to_string(),
            jain_index: jain_index(&goodputs),
            flows: flow_reports,
            link,
            series: self.recorder.finish(),
            work: self.work,
        };
        (report, diags)
    }
}
