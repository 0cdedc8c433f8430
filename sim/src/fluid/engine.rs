//! The step loop: flows, UDP sources, random loss, RED and the queue, one step at a time.

use super::FastOrd;
use super::delay_line::{Batch, DelayLine, Span};
use super::loss::RandomLoss;
use super::metrics::Histogram;
use super::queue::{Bottleneck, Red, Service};
use super::receiver::Receiver;
use super::rng::{Stream, StreamKind, derive_seed};
use super::sender::{Sender, SenderConfig, Sent, check_window};
use super::series::{FlowSample, Recorder};
use super::udp::Udp;
use crate::error::SimError;
use crate::report::{FlowReport, LinkReport, Report, jain_index};
use crate::scenario::{CrossTraffic, QueueDiscipline, Scenario};
use cclab_algorithms::{Bytes, Duration, FlowContext, Registry, Time};

/// The default step: min(1 ms, smallest base RTT / 20) (the rule; 20 steps per RTT
/// keep the loop delay's quantisation small while the cost stays per step, not per packet).
pub fn default_step(scenario: &Scenario) -> Duration {
    let min_rtt = scenario.flows.iter().map(|f| f.rtt).min().unwrap_or(Duration::from_millis(20));
    Duration::from_millis(1).min(Duration::from_nanos(min_rtt.as_nanos() / 20)).max(Duration::from_nanos(1))
}

/// A flow and everything the engine keeps for it.
struct FlowState {
    sender: Sender,
    receiver: Receiver,
    line: DelayLine,
    loss: RandomLoss,
    syn_rng: Stream,
    size: Option<f64>,
    /// Wire bytes per payload byte: (MSS + headers) / MSS.
    wire_per_payload: f64,
    /// Wire bytes of a full packet, and its inverse (divisions per flow and step showed
    /// in profiles).
    packet: f64,
    inv_packet: f64,
    /// 1 / MSS, per byte.
    inv_mss: f64,
    /// Base RTT plus one packet's serialisation at the bottleneck, seconds: the RTT of an
    /// empty queue.
    fixed_rtt: f64,
    /// The receiver reads slot k + `half` in step k: data reaches it half a base RTT
    /// before its ACK reaches the sender.
    half: u64,
    /// An unsized flow whose application reads at once: its buffer never holds data, so
    /// its window is the whole buffer, and what it reads in step k is exactly what its
    /// sender takes from the delay line in step k + `half`. The receiver's step is then
    /// done when the sender takes the slot, sparing a second pass over the line per
    /// flow and step; the slots still ahead at the end are read in `finish`.
    instant_reader: bool,
    // Handshake.
    first_syn: Time,
    syn_at: Time,
    syn_rto: f64,
    syn_retransmitted: bool,
    data_at: Option<(Time, f64)>,
    // This step.
    /// Payload bytes the step's ACKs acknowledged: what the ACK clock released.
    clocked: f64,
    sent: Sent,
    wire: f64,
    random_lost: f64,
    // Metrics.
    sent_wire: f64,
    /// Payload that reached the receiver in [warm-up, end]: the goodput (each byte once,
    /// at its first arrival: the fluid has no duplicates, and a retransmission arrives
    /// only for a byte whose original was lost).
    received_in_window: f64,
    cwnd_integral: f64,
    rtt: Histogram,
    fct: Option<f64>,
}

/// The engine's whole state between steps.
pub(crate) struct Engine<'s> {
    scenario: &'s Scenario,
    /// Step length.
    dt: Duration,
    dt_s: f64,
    pub steps: u64,
    /// Steps done.
    pub k: u64,
    warmup: Time,
    /// The first step that starts at or after the warm-up.
    warmup_step: u64,
    pub queue: Bottleneck,
    flows: Vec<FlowState>,
    udp: Vec<Udp>,
    /// Wire bytes each UDP source sent this step.
    udp_sent: Vec<f64>,
    /// The fraction of arrivals lost in the last step (queue and random), for SYNs.
    last_loss: f64,
    /// Queue drops (overflow and RED) not yet given to a source, packets, in [0, 1).
    drop_debt: f64,
    drop_rng: Stream,
    /// Per source (flows, then UDP sources): wire bytes offered to the queue this step,
    /// and the packets of it that are dropped.
    offered_by: Vec<f64>,
    drops_by: Vec<f64>,
    /// Per source: the wire bytes of this step's offer beyond what its ACKs of the step
    /// clocked out (window growth, bursts), which a full drop-tail queue drops first.
    excess_by: Vec<f64>,
    /// Per source: packets the queue dropped that the source had not sent enough to lose
    /// yet, taken from its next offers; and their sum.
    owed_by: Vec<f64>,
    owed: f64,
    /// The long-run random loss probability, which UDP sources (no feedback) lose as an
    /// expected fraction rather than from a stream, and which SYNs draw against.
    random_p: f64,
    // Link metrics over [warm-up, end].
    window_s: f64,
    capacity: f64,
    served: f64,
    drops: f64,
    arrivals: f64,
    queue_integral: f64,
    queue_delay: Histogram,
    recorder: Recorder,
}

impl<'s> Engine<'s> {
    pub fn new(scenario: &'s Scenario, registry: &Registry) -> Result<Engine<'s>, SimError> {
        scenario.validate().map_err(SimError::Invalid)?;
        let min_rtt = scenario.flows.iter().map(|f| f.rtt).min().unwrap_or_default();
        let target = match scenario.fluid_step {
            Some(s) if s.is_zero() => return Err(SimError::Invalid("fluid_step must be positive".into())),
            // ACKs must come back at least one step after the data left.
            Some(s) if s > min_rtt => {
                return Err(SimError::Invalid(format!(
                    "fluid_step ({s}) must not exceed the smallest base RTT ({min_rtt})"
                )));
            }
            Some(s) => s,
            None => default_step(scenario),
        };
        // A whole number of steps covers the run exactly (to the nanosecond per step).
        let duration = scenario.duration.as_nanos();
        let steps = duration.div_ceil(target.as_nanos());
        let dt = Duration::from_nanos(duration.div_ceil(steps));
        let dt_s = dt.as_secs_f64();

        let service = match &scenario.link.trace {
            Some(t) => Service::Trace(t.clone()),
            None => Service::Fixed(scenario.link.rate.bytes_per_sec()),
        };
        let capacity = scenario.capacity().bytes_per_sec();
        let first_packet = scenario.flows[0].packet_size();
        // "Zero means only the packet in service": the fluid holds at least one packet.
        let buffer = scenario.buffer_bytes().as_f64().max(first_packet.as_f64());
        let red = match &scenario.link.queue {
            QueueDiscipline::DropTail => None,
            QueueDiscipline::Red(p) => {
                let bdp = scenario.bdp();
                Some(Red::new(
                    p,
                    p.min_threshold.resolve(first_packet, bdp).as_f64(),
                    p.max_threshold.resolve(first_packet, bdp).as_f64(),
                ))
            }
        };
        let queue = Bottleneck { q: 0.0, buffer, service, red };
        let max_queue_delay = buffer / capacity.max(1.0);

        let mut flows = Vec::with_capacity(scenario.flows.len());
        for (i, f) in scenario.flows.iter().enumerate() {
            let factory = registry
                .configure(&f.algorithm, &f.params)
                .map_err(|error| SimError::Algorithm { flow: i, error })?;
            let ctx = FlowContext::new(f.mss)
                .with_initial_cwnd(Bytes::segments(u64::from(f.initial_window), f.mss))
                .with_seed(derive_seed(scenario.seed, StreamKind::Controller, i));
            let cc = factory.build(&ctx);
            check_window(cc.as_ref()).map(drop).map_err(|message| SimError::BadController {
                flow: i,
                algorithm: f.algorithm.clone(),
                message,
            })?;
            let packet = f.packet_size().as_f64();
            let base = f.rtt.as_secs_f64();
            let fixed_rtt = base + packet / capacity.max(1.0);
            let mut start_rng = Stream::new(scenario.seed, StreamKind::Start, i);
            let offset = scenario.jitter.start_offset.mul_f64(start_rng.uniform());
            let first_syn = f.start + offset;
            let size = f.size.map(Bytes::as_f64);
            let sender = Sender::new(
                cc,
                SenderConfig {
                    mss: f.mss,
                    size,
                    min_rto: f.min_rto.as_secs_f64(),
                    granularity: dt_s,
                    rwnd: f.receiver.buffer.as_f64(),
                    pacing: f.pacing,
                },
            );
            let horizon = ((fixed_rtt + max_queue_delay) / dt_s).ceil() as usize + 2;
            flows.push(FlowState {
                sender,
                receiver: Receiver::new(
                    f.receiver.buffer.as_f64(),
                    f.receiver.read_rate.map(|r| r.bytes_per_sec()),
                ),
                line: DelayLine::new(horizon),
                loss: RandomLoss::new(&scenario.link.loss, Stream::new(scenario.seed, StreamKind::Loss, i)),
                syn_rng: Stream::new(scenario.seed, StreamKind::Syn, i),
                size,
                wire_per_payload: packet / f.mss.as_f64(),
                packet,
                inv_packet: 1.0 / packet,
                inv_mss: 1.0 / f.mss.as_f64(),
                fixed_rtt,
                half: (base / dt_s / 2.0).floor() as u64,
                instant_reader: f.receiver.read_rate.is_none() && f.size.is_none(),
                first_syn,
                syn_at: first_syn,
                // RFC 6298 (2.1): the SYN's timer starts at 1 s and doubles.
                syn_rto: 1.0,
                syn_retransmitted: false,
                data_at: None,
                clocked: 0.0,
                sent: Sent::default(),
                wire: 0.0,
                random_lost: 0.0,
                sent_wire: 0.0,
                received_in_window: 0.0,
                cwnd_integral: 0.0,
                rtt: Histogram::new(fixed_rtt, dt_s / 64.0),
                fct: None,
            });
        }
        let end = Time::ZERO + scenario.duration;
        let udp = scenario
            .cross_traffic
            .iter()
            .enumerate()
            .map(|(i, CrossTraffic::Udp(u))| Udp::new(u, end, Stream::new(scenario.seed, StreamKind::Udp, i)))
            .collect();
        let random_p = RandomLoss::mean_probability(&scenario.link.loss);
        Ok(Engine {
            scenario,
            dt,
            dt_s,
            steps,
            k: 0,
            warmup: Time::ZERO + scenario.warmup,
            warmup_step: scenario.warmup.as_nanos().div_ceil(dt.as_nanos()),
            queue,
            flows,
            udp,
            udp_sent: vec![0.0; scenario.cross_traffic.len()],
            last_loss: 0.0,
            drop_debt: 0.0,
            drop_rng: Stream::new(scenario.seed, StreamKind::Drops, 0),
            offered_by: vec![0.0; scenario.flows.len() + scenario.cross_traffic.len()],
            drops_by: vec![0.0; scenario.flows.len() + scenario.cross_traffic.len()],
            excess_by: vec![0.0; scenario.flows.len() + scenario.cross_traffic.len()],
            owed_by: vec![0.0; scenario.flows.len() + scenario.cross_traffic.len()],
            owed: 0.0,
            random_p,
            window_s: 0.0,
            capacity: 0.0,
            served: 0.0,
            drops: 0.0,
            arrivals: 0.0,
            queue_integral: 0.0,
            queue_delay: Histogram::new(0.0, dt_s / 64.0),
            recorder: Recorder::new(scenario.trace_interval, scenario.flows.len()),
        })
    }

    /// Payload bytes flow `i` has sent (new data), its receiver has received, its
    /// sender has seen ACKed, and its application has read.
    #[cfg(test)]
    pub fn flow_counters(&self, i: usize) -> [f64; 4] {
        let f = &self.flows[i];
        [f.sender.sent_new, f.receiver.received, f.sender.acked, f.receiver.read]
    }

    /// One step: the interval (k·dt, (k+1)·dt].
    pub fn step(&mut self) -> Result<(), SimError> {
        let k = self.k;
        let t0 = Time::from_nanos(k * self.dt.as_nanos());
        let now = t0 + self.dt;
        let dt = self.dt_s;
        let in_window = t0 >= self.warmup;
        let q_start = self.queue.q;
        let capacity = self.queue.service.capacity(t0, now);

        for (i, f) in self.flows.iter_mut().enumerate() {
            let bad = |message: String| SimError::BadController {
                flow: i,
                algorithm: self.scenario.flows[i].algorithm.clone(),
                message,
            };
            if !f.sender.established {
                handshake(f, now, &self.queue, q_start, self.last_loss, self.random_p);
            }

            if !f.instant_reader {
                // The receiver: data that reaches it now comes back to the sender `half`
                // steps later, carrying the window it advertises now.
                let slot = f.line.get_mut(k + f.half);
                let arrived = slot.acked();
                f.receiver.step(arrived, dt);
                slot.rwnd_or_negative = f.receiver.rwnd();
                // Goodput counts arrivals, as the packet engine does, not the
                // application's reads: a slow reader's buffer fills at the link's pace
                // and is read later, and the bytes crossed the bottleneck when they
                // arrived (see `FlowReport::goodput_mbps`).
                if in_window {
                    f.received_in_window += arrived;
                }
                if let (Some(size), None) = (f.size, f.fct) {
                    if f.receiver.read >= size - 1e-6 {
                        f.fct = Some(now.since(f.first_syn).as_secs_f64());
                    }
                }
            }

            let slot = f.line.front(k);
            f.clocked = slot.acked();
            if f.instant_reader && f.clocked > 0.0 {
                // Read by the receiver in step k − half (see `instant_reader`).
                f.receiver.step(f.clocked, dt);
                if k >= f.half && k - f.half >= self.warmup_step {
                    f.received_in_window += f.clocked;
                }
            }
            let sample = f.sender.on_slot(slot, now, f.fixed_rtt).map_err(bad)?;
            f.line.pop(k);
            if let Some((rtt, bytes)) = sample {
                if in_window {
                    f.rtt.add(rtt, bytes);
                }
            }
            // Checked after every step's ACKs: those that only SACK data above a hole
            // leave the timer running.
            f.sender.check_rto(now).map_err(bad)?;
            f.sent = f.sender.send(now, dt, f.wire_per_payload);
            f.wire = (f.sent.new + f.sent.retx) * f.wire_per_payload;
            f.sent_wire += f.wire;
            f.random_lost = if f.loss.is_none() {
                0.0
            } else {
                (f.loss.lost(f.wire * f.inv_packet) * f.packet).lo(f.wire)
            };
            if in_window {
                f.cwnd_integral += f.sender.cwnd() * f.inv_mss * dt;
            }
        }
        let nflows = self.flows.len();
        for (j, f) in self.flows.iter().enumerate() {
            self.offered_by[j] = f.wire - f.random_lost;
            let excess = (f.wire - f.clocked * f.wire_per_payload).hi(0.0);
            self.excess_by[j] = excess.lo(self.offered_by[j]);
        }
        let mut udp_packets = 0.0;
        for (j, u) in self.udp.iter_mut().enumerate() {
            let w = u.send(t0, now);
            udp_packets += w / u.packet;
            self.udp_sent[j] = w;
            self.offered_by[nflows + j] = w * (1.0 - self.random_p);
            // A constant-rate source has no bursts of its own (its on-off switches are
            // rare next to a step).
            self.excess_by[nflows + j] = 0.0;
        }

        // Random loss first (on arrival), then RED's early drop, then drop-tail overflow.
        let offered: f64 = self.offered_by.iter().sum();
        let mut red_drop = 0.0;
        if let Some(red) = &mut self.queue.red {
            let packet = self.flows[0].packet;
            let idle = (capacity - q_start - offered).hi(0.0) / packet;
            red.update(q_start, offered / packet, if q_start <= 0.0 { idle } else { 0.0 });
            red_drop = red.drop_fraction();
        }
        let served = self.queue.serve(offered * (1.0 - red_drop), capacity);
        let keep = (1.0 - red_drop) * served.accepted;
        let q_end = self.queue.q;
        let d0 = self.queue.service.drain_time(t0, q_start);
        let d1 = self.queue.service.drain_time(now, q_end);
        self.attribute_drops(red_drop, (1.0 - red_drop) * (1.0 - served.accepted));

        let mut dropped_packets = 0.0;
        let mut arrived_packets = udp_packets;
        let inv_dt = 1.0 / dt;
        for (j, f) in self.flows.iter_mut().enumerate() {
            if f.wire <= 0.0 {
                continue;
            }
            let queue_dropped = (self.drops_by[j] * f.packet).lo(self.offered_by[j]);
            let accepted = self.offered_by[j] - queue_dropped;
            // Most steps lose nothing (and x / x is exactly 1): no division then.
            let share = if accepted >= f.wire { 1.0 } else { accepted / f.wire };
            let batch = Batch {
                acked_new: f.sent.new * share,
                acked_retx: f.sent.retx * share,
                lost_new: f.sent.new * (1.0 - share),
                lost_retx: f.sent.retx * (1.0 - share),
            };
            // A FIFO serves the step's arrivals in order: the first byte leaves after d0,
            // the last after dt + d1; the ACKs follow one fixed RTT later.
            let x0 = k as f64 + (f.fixed_rtt + d0) * inv_dt;
            let x1 = k as f64 + 1.0 + (f.fixed_rtt + d1) * inv_dt;
            f.line.spread(Span { x0, x1, d0, d1 }, batch, f.sender.sent_total, k + 1);
            dropped_packets += (f.wire - accepted) * f.inv_packet;
            arrived_packets += f.wire * f.inv_packet;
        }
        for (j, u) in self.udp.iter().enumerate() {
            let offered = self.offered_by[nflows + j];
            let queue_dropped = (self.drops_by[nflows + j] * u.packet).lo(offered);
            dropped_packets += (self.udp_sent[j] - offered + queue_dropped) / u.packet;
        }
        self.last_loss = 1.0 - keep;

        if in_window {
            self.window_s += dt;
            self.capacity += capacity;
            self.served += served.served;
            self.drops += dropped_packets;
            self.arrivals += arrived_packets;
            self.queue_integral += 0.5 * (q_start + q_end) * dt;
            self.queue_delay.add(0.5 * (d0 + d1), offered * keep);
        }
        if self.recorder.due(now) {
            let scenario = self.scenario;
            let samples = self.flows.iter().zip(&scenario.flows).map(|(f, spec)| FlowSample {
                cwnd_segments: f.sender.cc.cwnd().in_segments(spec.mss),
                sent_wire: f.sent_wire,
                received: f.receiver.received,
                srtt: f.sender.srtt.unwrap_or(0.0),
                cc: f.sender.cc.as_ref(),
            });
            self.recorder.record(now, q_end, samples);
        }
        self.k += 1;
        Ok(())
    }

    /// Turns the fluid's queue drops into whole packets of chosen sources, as a packet
    /// queue drops whole packets of whichever flow's packets arrive when it is full.
    /// Without this every flow would lose a sliver of a packet in the same step and all
    /// would halve together; with it a flow gets loss indications at the rate (its packet
    /// rate) x (drop probability), the Poisson loss process of the MGT model (reference
    /// §3.9), and seeds decide which flows lose.
    ///
    /// `red` is the fraction of every source's offer RED drops early: at random, so in
    /// proportion to the offer. `overflow` is the fraction of the total offer drop-tail
    /// drops, and it falls on the sources' excess first. A full FIFO frees one place per
    /// departure; an ACK-clocked flow sends one packet per packet that left, so its clocked
    /// packets arrive spaced like the departures and find the places freed, while what it
    /// sends beyond them (the extra segment of additive increase, slow start's second
    /// segment per ACK, a burst when recovery ends) arrives back to back with them and
    /// finds the queue full. So each flow that grows loses a packet in each overflow, as
    /// in a packet queue, where drop-tail is known to synchronise Reno flows; only an
    /// overflow larger than all the excess reaches the clocked packets, in proportion.
    ///
    /// The expected packets, plus the remainder carried from earlier steps, are rounded
    /// down to n; n is shared in proportion to the expectations, whole parts first, and
    /// the fractional parts by systematic sampling (one uniform draw: a source with
    /// fraction f gets one more with probability f), so a step costs O(sources) whatever
    /// the number of drops.
    ///
    /// A source that sent less than the packets it drew this step (a 2 Mbit/s flow sends
    /// 0.17 packets per 1 ms step) loses all it sent and owes the rest, taken from its
    /// next offers: the drop is one whole packet of that source, its next packet to
    /// arrive, as in a packet queue. Handing the rest back to the common pool instead
    /// would split one dropped packet into slivers lost by several flows, each sliver a
    /// loss event of its own: 5 Reno flows under RED at 10 Mbit/s (validation case 11)
    /// had 1.05 loss events per dropped packet where the packet engine has 0.78 (drops
    /// that fall into an open recovery make no event), so their windows and the queue
    /// settled 6 % and 8 % below the packet engine's (case 11, 4 seeds); now 0.83, and
    /// 3 % and 2 %.
    fn attribute_drops(&mut self, red: f64, overflow: f64) {
        if red <= 0.0 && overflow <= 0.0 && self.owed <= 0.0 {
            // Nothing dropped this step and nothing owed (most steps).
            self.drops_by.fill(0.0);
            return;
        }
        let packets = |j: usize| {
            if j < self.flows.len() {
                self.flows[j].inv_packet
            } else {
                1.0 / self.udp[j - self.flows.len()].packet
            }
        };
        // Overflow in wire bytes, and the excess that survived RED.
        let offered: f64 = self.offered_by.iter().sum();
        let overflow_bytes = overflow * offered;
        let excess: f64 = self.excess_by.iter().sum::<f64>() * (1.0 - red);
        let from_excess = overflow_bytes.lo(excess);
        let rest_share = if offered * (1.0 - red) - excess > 0.0 {
            (overflow_bytes - from_excess) / (offered * (1.0 - red) - excess)
        } else {
            0.0
        };
        let excess_share = if excess > 0.0 { from_excess / excess } else { 0.0 };
        let mut expected = 0.0;
        for j in 0..self.offered_by.len() {
            let kept_excess = self.excess_by[j] * (1.0 - red);
            let kept_rest = self.offered_by[j] * (1.0 - red) - kept_excess;
            let bytes = self.offered_by[j] * red + kept_excess * excess_share + kept_rest * rest_share;
            self.drops_by[j] = bytes * packets(j);
            expected += self.drops_by[j];
        }
        self.drop_debt += expected;
        let n = self.drop_debt.floor();
        self.drop_debt -= n;
        let scale = if expected > 0.0 { n / expected } else { 0.0 };
        let mut point = self.drop_rng.uniform();
        let mut cumulative = 0.0;
        let mut owed = 0.0;
        for j in 0..self.drops_by.len() {
            let e = self.drops_by[j] * scale;
            let whole = e.floor();
            cumulative += e - whole;
            let mut extra = 0.0;
            while point < cumulative - 1e-12 {
                extra += 1.0;
                point += 1.0;
            }
            let wanted = whole + extra + self.owed_by[j];
            // A source cannot lose more than it sent; what it cannot lose yet it owes.
            let most = self.offered_by[j] * packets(j);
            self.drops_by[j] = wanted.lo(most);
            self.owed_by[j] = (wanted - self.drops_by[j]).hi(0.0);
            owed += self.owed_by[j];
        }
        self.owed = owed;
    }

    /// The report of a finished run.
    pub fn finish(mut self) -> Report {
        // What instant readers received in the last `half` steps: their senders would have
        // taken it after the end.
        for f in self.flows.iter_mut().filter(|f| f.instant_reader) {
            for step in self.k..self.k + f.half {
                let acked = f.line.get_mut(step).acked();
                f.receiver.step(acked, self.dt_s);
                if step >= f.half && step - f.half >= self.warmup_step {
                    f.received_in_window += acked;
                }
            }
        }
        let window = self.window_s.max(1e-12);
        let flows: Vec<FlowReport> = self
            .flows
            .iter()
            .zip(&self.scenario.flows)
            .map(|(f, spec)| FlowReport {
                algorithm: spec.algorithm.clone(),
                group: spec.group,
                base_rtt_ms: spec.rtt.as_millis_f64(),
                goodput_mbps: f.received_in_window * 8.0 / window / 1e6,
                delivered_bytes: f.receiver.read.floor() as u64,
                retransmits: (f.sender.retransmitted / spec.mss.as_f64()).round() as u64,
                timeouts: f.sender.timeouts,
                rtt_mean_ms: f.rtt.mean() * 1e3,
                rtt_p50_ms: f.rtt.quantile(0.50) * 1e3,
                rtt_p95_ms: f.rtt.quantile(0.95) * 1e3,
                rtt_p99_ms: f.rtt.quantile(0.99) * 1e3,
                mean_cwnd_segments: f.cwnd_integral / window,
                fct_s: f.fct,
            })
            .collect();
        let goodputs: Vec<f64> = flows.iter().map(|f| f.goodput_mbps).collect();
        let link = LinkReport {
            utilization: if self.capacity > 0.0 { self.served / self.capacity } else { 0.0 },
            drops: self.drops.round() as u64,
            loss_rate: if self.arrivals > 0.0 { self.drops / self.arrivals } else { 0.0 },
            queue_delay_mean_ms: self.queue_delay.mean() * 1e3,
            queue_delay_p50_ms: self.queue_delay.quantile(0.50) * 1e3,
            queue_delay_p95_ms: self.queue_delay.quantile(0.95) * 1e3,
            queue_delay_p99_ms: self.queue_delay.quantile(0.99) * 1e3,
            mean_queue_bytes: self.queue_integral / window,
        };
        Report {
            engine: "fluid".into(),
            jain_index: jain_index(&goodputs),
            flows,
            link,
            series: self.recorder.finish(),
            work: self.k,
        }
    }
}

/// The three-way handshake: the SYN crosses the bottleneck when the flow opens (lost with
/// the probability the last step's arrivals were lost, random loss included; then it is
/// resent after 1 s, 2 s, ... as RFC 6298 (2.1) and (5.5) say), and data may flow one
/// round trip after the SYN that got through (reference §1.12: the client sends data with
/// the third segment).
fn handshake(f: &mut FlowState, now: Time, queue: &Bottleneck, q: f64, last_loss: f64, random_p: f64) {
    if f.sender.established {
        return;
    }
    if f.data_at.is_none() && f.syn_at <= now {
        let p = 1.0 - (1.0 - last_loss) * (1.0 - random_p);
        if f.syn_rng.uniform() < p {
            f.syn_at += Duration::from_secs_f64(f.syn_rto);
            f.syn_rto *= 2.0;
            f.syn_retransmitted = true;
        } else {
            let rtt = f.fixed_rtt + queue.service.drain_time(f.syn_at, q);
            f.data_at = Some((f.syn_at + Duration::from_secs_f64(rtt), rtt));
        }
    }
    if let Some((at, rtt)) = f.data_at {
        if at <= now {
            f.sender.establish(if f.syn_retransmitted { None } else { Some(rtt) });
        }
    }
}
