//! `Scenario`: what to simulate, as plain data that both engines take.
//!
//! A scenario is fully resolved: no sweeps, one seed, every unit parsed. The experiment
//! layer (`cclab run`) expands a YAML spec into scenarios; tests and benches build them
//! directly with [`Scenario::dumbbell`] and struct updates.

use crate::trace::CapacityTrace;
use cclab_algorithms::{BufferSize, Bytes, Duration, Rate, Time};
use serde::{Deserialize, Serialize};

/// Which simulator runs a scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Discrete-event, packet by packet, with a full TCP sender and receiver.
    #[default]
    Packet,
    /// Time-stepped fluid model; cost independent of the link rate.
    Fluid,
}

/// One simulation: a dumbbell of flows sharing one bottleneck.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub engine: Engine,
    /// Simulated time from the start to the end of the run.
    pub duration: Duration,
    /// Metrics ignore everything before this time (slow start, start-up transients).
    #[serde(default)]
    pub warmup: Duration,
    /// The run's seed; every random stream derives from it and a stream id.
    #[serde(default)]
    pub seed: u64,
    /// Time-series sampling interval; zero disables time series.
    #[serde(default = "default_trace_interval")]
    pub trace_interval: Duration,
    pub link: Link,
    pub flows: Vec<Flow>,
    #[serde(default)]
    pub cross_traffic: Vec<CrossTraffic>,
    /// Timing randomisation that lets seeds sample phase effects.
    #[serde(default)]
    pub jitter: Jitter,
    /// Fluid engine step; `None` = min(1 ms, smallest base RTT / 20).
    #[serde(default)]
    pub fluid_step: Option<Duration>,
}

fn default_trace_interval() -> Duration {
    Duration::from_millis(10)
}

/// The shared bottleneck.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Capacity in wire bits per second (headers included). Ignored when `trace` is set.
    pub rate: Rate,
    /// Queue capacity; `Bdp(k)` is k x rate x the largest base RTT among the flows. Zero
    /// means only the packet in service.
    pub buffer: BufferSize,
    #[serde(default)]
    pub queue: QueueDiscipline,
    #[serde(default)]
    pub loss: LossModel,
    /// A Mahimahi capacity trace that replaces `rate`.
    #[serde(default)]
    pub trace: Option<CapacityTrace>,
}

/// How the bottleneck queue decides to drop.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum QueueDiscipline {
    /// Drop arrivals that do not fit.
    #[default]
    DropTail,
    /// Random Early Detection (Floyd & Jacobson 1993) in front of the same buffer.
    Red(RedParams),
}

/// RED parameters. Thresholds are in bytes of average queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedParams {
    /// Average queue below which nothing is dropped early.
    pub min_threshold: BufferSize,
    /// Average queue at which the drop probability reaches `max_probability`.
    pub max_threshold: BufferSize,
    /// Drop probability at `max_threshold`.
    #[serde(default = "default_red_max_p")]
    pub max_probability: f64,
    /// EWMA weight of the average queue (per arrival).
    #[serde(default = "default_red_weight")]
    pub weight: f64,
    /// "Gentle" RED: between max_th and 2 max_th the probability rises linearly to 1.
    #[serde(default = "default_true")]
    pub gentle: bool,
}

fn default_red_max_p() -> f64 {
    0.1
}
fn default_red_weight() -> f64 {
    0.002
}
fn default_true() -> bool {
    true
}

/// Losses independent of the queue, applied to data packets arriving at the bottleneck.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case", deny_unknown_fields)]
pub enum LossModel {
    #[default]
    None,
    /// Each packet is lost independently with probability `p`.
    Bernoulli { p: f64 },
    /// Exactly one packet in every round(1/p) of each flow is lost (the Mathis model).
    Periodic { p: f64 },
    /// Two-state Markov bursts: a good and a bad state with their own loss probabilities.
    GilbertElliott {
        /// Per-packet probability of moving from good to bad.
        p_good_to_bad: f64,
        /// Per-packet probability of moving from bad to good.
        p_bad_to_good: f64,
        #[serde(default)]
        loss_good: f64,
        #[serde(default = "default_one")]
        loss_bad: f64,
    },
}

fn default_one() -> f64 {
    1.0
}

/// Loss recovery algorithm of a TCP sender.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Recovery {
    /// RFC 6675 SACK-based recovery, with RACK (RFC 8985) detection of lost
    /// retransmissions as in Linux: a retransmission is deemed lost once a segment sent
    /// after it has been delivered and one RTT plus a reordering window has passed, and it
    /// is sent again without waiting for the RTO.
    #[default]
    Sack,
    /// RFC 6675 SACK-based recovery alone: a lost retransmission is repaired only by the RTO.
    Sack6675,
    /// RFC 6582 NewReno with partial ACKs (no SACK).
    NewReno,
}

impl Recovery {
    /// The receiver sends SACK blocks and the sender keeps a SACK scoreboard.
    pub fn uses_sack(self) -> bool {
        self != Recovery::NewReno
    }
}

/// One TCP flow from its sender across the bottleneck to its receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Registry name of the congestion controller.
    pub algorithm: String,
    /// The controller's parameters (an object, or null for the defaults).
    #[serde(default)]
    pub params: serde_json::Value,
    /// Base round-trip propagation delay (excluding serialisation and queueing).
    pub rtt: Duration,
    /// When the sender opens the connection (sends its SYN).
    #[serde(default)]
    pub start: Time,
    /// Bytes to transfer; `None` sends until the end of the run.
    #[serde(default)]
    pub size: Option<Bytes>,
    #[serde(default)]
    pub recovery: Recovery,
    /// Delayed ACKs (every second full segment or a 40 ms timer); off = ACK every segment.
    #[serde(default)]
    pub delayed_ack: bool,
    #[serde(default)]
    pub receiver: Receiver,
    /// Payload bytes per full segment.
    #[serde(default = "default_mss")]
    pub mss: Bytes,
    /// Initial window in segments (RFC 6928 / Linux: 10).
    #[serde(default = "default_iw")]
    pub initial_window: u32,
    /// Lower bound of the retransmission timeout (Linux: 200 ms; RFC 6298: 1 s).
    #[serde(default = "default_min_rto")]
    pub min_rto: Duration,
    /// Sender pacing; `None` sends each window as the ACK clock releases it (Linux without
    /// the fq qdisc). A controller's own pacing rate takes precedence.
    #[serde(default)]
    pub pacing: Option<Pacing>,
    /// Which group of the spec this flow came from (for per-group results).
    #[serde(default)]
    pub group: usize,
}

/// Pacing as Linux's fq qdisc applies it to a TCP flow (`tcp_update_pacing_rate`): the
/// window, max(cwnd, bytes in flight), spread over SRTT / ratio, with `ss_ratio` while
/// cwnd < ssthresh / 2 and `ca_ratio` after. Linux's ratios are above 1 so that a paced
/// sender can still catch up with its ACK clock; 1 spreads a window evenly over one RTT, the
/// smooth sending rate that fluid models assume.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pacing {
    /// Linux `tcp_pacing_ss_ratio`: 200%.
    #[serde(default = "default_ss_ratio")]
    pub ss_ratio: f64,
    /// Linux `tcp_pacing_ca_ratio`: 120%.
    #[serde(default = "default_ca_ratio")]
    pub ca_ratio: f64,
}

impl Default for Pacing {
    fn default() -> Pacing {
        Pacing { ss_ratio: default_ss_ratio(), ca_ratio: default_ca_ratio() }
    }
}

impl Pacing {
    /// The ratio that applies to a window of `cwnd` bytes with threshold `ssthresh`.
    pub fn ratio(&self, cwnd: f64, ssthresh: f64) -> f64 {
        if cwnd < ssthresh / 2.0 { self.ss_ratio } else { self.ca_ratio }
    }

    /// Wire bytes per second for `window` payload bytes per `srtt` seconds.
    pub fn rate(&self, cwnd: f64, ssthresh: f64, window: f64, srtt: f64, wire_per_payload: f64) -> f64 {
        self.ratio(cwnd, ssthresh) * window * wire_per_payload / srtt
    }
}

fn default_ss_ratio() -> f64 {
    2.0
}
fn default_ca_ratio() -> f64 {
    1.2
}

fn default_mss() -> Bytes {
    Bytes::new(1448)
}
fn default_iw() -> u32 {
    10
}
fn default_min_rto() -> Duration {
    Duration::from_millis(200)
}

/// The receiving side of a flow: its buffer and the application reading from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receiver {
    /// Receive buffer; the advertised window is its free space.
    #[serde(default = "default_rcv_buffer")]
    pub buffer: Bytes,
    /// Rate at which the application reads; `None` reads immediately.
    #[serde(default)]
    pub read_rate: Option<Rate>,
    /// Announce a window opened by the application's reads at once with an ACK (Linux
    /// `tcp_cleanup_rbuf`); off = only arriving segments are ACKed, so a closed window is
    /// reopened by the sender's persist probes.
    #[serde(default = "default_true")]
    pub window_updates: bool,
}

fn default_rcv_buffer() -> Bytes {
    // Large enough never to limit a flow unless the user asks (Linux autotunes to ~6 MB).
    Bytes::new(64 << 20)
}

impl Default for Receiver {
    fn default() -> Self {
        Receiver { buffer: default_rcv_buffer(), read_rate: None, window_updates: true }
    }
}

/// Unresponsive traffic sharing the bottleneck.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum CrossTraffic {
    Udp(UdpSource),
}

/// A UDP source: constant bit rate, or on-off when `on` and `off` are set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UdpSource {
    /// Sending rate while on, in wire bits per second.
    pub rate: Rate,
    #[serde(default)]
    pub start: Time,
    /// When it stops; `None` = the end of the run.
    #[serde(default)]
    pub stop: Option<Time>,
    /// Wire bytes per packet.
    #[serde(default = "default_udp_packet")]
    pub packet_size: Bytes,
    /// On-off: mean on period (exponentially distributed).
    #[serde(default)]
    pub on: Option<Duration>,
    /// On-off: mean off period (exponentially distributed).
    #[serde(default)]
    pub off: Option<Duration>,
}

fn default_udp_packet() -> Bytes {
    Bytes::new(1500)
}

/// Timing randomisation. With drop-tail queues and fully deterministic timing, which flow
/// loses packets depends on sub-millisecond phase; these draws, from the run's seed, make
/// replications sample that phase so confidence intervals mean something. Zero both for a
/// phase-locked run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jitter {
    /// Each flow's start is delayed by a uniform draw in [0, start_offset].
    #[serde(default = "default_start_offset")]
    pub start_offset: Duration,
    /// Each data packet leaves its sender after a uniform extra delay in [0, send_jitter]
    /// (never reordering a flow's packets). `None` = one bottleneck packet time. The packet
    /// engine draws it where the sender reacts to an ACK: the segments that ACK releases
    /// leave that much later.
    #[serde(default)]
    pub send_jitter: Option<Duration>,
}

fn default_start_offset() -> Duration {
    Duration::from_millis(10)
}

impl Default for Jitter {
    fn default() -> Self {
        Jitter { start_offset: default_start_offset(), send_jitter: None }
    }
}

impl Jitter {
    /// No randomisation: a phase-locked, fully deterministic run.
    pub fn none() -> Jitter {
        Jitter { start_offset: Duration::ZERO, send_jitter: Some(Duration::ZERO) }
    }
}

/// Wire overhead of a data segment: IP (20) + TCP (20) + timestamps (12).
pub const HEADER_BYTES: Bytes = Bytes::new(52);

impl Flow {
    /// A bulk flow with default TCP settings.
    pub fn bulk(algorithm: &str, rtt: Duration) -> Flow {
        Flow {
            algorithm: algorithm.to_string(),
            params: serde_json::Value::Null,
            rtt,
            start: Time::ZERO,
            size: None,
            recovery: Recovery::default(),
            delayed_ack: false,
            receiver: Receiver::default(),
            mss: default_mss(),
            initial_window: default_iw(),
            min_rto: default_min_rto(),
            pacing: None,
            group: 0,
        }
    }

    /// Wire size of a full data packet.
    pub fn packet_size(&self) -> Bytes {
        self.mss + HEADER_BYTES
    }
}

impl Scenario {
    /// `n` bulk flows of `algorithm`, all with base RTT `rtt`, over a drop-tail link.
    pub fn dumbbell(
        algorithm: &str,
        n: usize,
        rate: Rate,
        rtt: Duration,
        buffer: BufferSize,
        duration: Duration,
    ) -> Scenario {
        Scenario {
            engine: Engine::Packet,
            duration,
            warmup: Duration::ZERO,
            seed: 1,
            trace_interval: default_trace_interval(),
            link: Link { rate, buffer, queue: QueueDiscipline::DropTail, loss: LossModel::None, trace: None },
            flows: (0..n).map(|_| Flow::bulk(algorithm, rtt)).collect(),
            cross_traffic: Vec::new(),
            jitter: Jitter::default(),
            fluid_step: None,
        }
    }

    /// The bandwidth-delay product that `Bdp` buffers refer to: rate x the largest base RTT.
    pub fn bdp(&self) -> Bytes {
        let rtt = self.flows.iter().map(|f| f.rtt).max().unwrap_or(Duration::ZERO);
        self.capacity().bytes_in(rtt)
    }

    /// The bottleneck's mean capacity: the link rate, or a trace's average rate.
    pub fn capacity(&self) -> Rate {
        match &self.link.trace {
            Some(t) => t.mean_rate(),
            None => self.link.rate,
        }
    }

    /// The buffer in bytes.
    pub fn buffer_bytes(&self) -> Bytes {
        let packet = self.flows.first().map_or(Bytes::new(1500), Flow::packet_size);
        self.link.buffer.resolve(packet, self.bdp())
    }

    /// Checks the values the type system cannot: positive rates and durations, the
    /// warm-up inside the run, probabilities in [0, 1], at least one flow.
    pub fn validate(&self) -> Result<(), String> {
        let prob = |name: &str, p: f64| {
            if (0.0..=1.0).contains(&p) { Ok(()) } else { Err(format!("{name} must be in [0, 1], got {p}")) }
        };
        if self.flows.is_empty() {
            return Err("a scenario needs at least one flow".into());
        }
        if self.duration.is_zero() {
            return Err("duration must be positive".into());
        }
        if self.warmup >= self.duration {
            return Err(format!(
                "warmup ({}) must be shorter than duration ({})",
                self.warmup, self.duration
            ));
        }
        if self.link.trace.is_none() && self.link.rate == Rate::ZERO {
            return Err("link.rate must be positive".into());
        }
        if let BufferSize::Bdp(k) = self.link.buffer {
            if !(k >= 0.0 && k.is_finite()) {
                return Err(format!("link.buffer must not be negative, got {k}bdp"));
            }
        }
        match self.link.loss {
            LossModel::None => {}
            LossModel::Bernoulli { p } => prob("link.loss.p", p)?,
            LossModel::Periodic { p } => {
                if !(p > 0.0 && p <= 1.0) {
                    return Err(format!("link.loss.p of periodic loss must be in (0, 1], got {p}"));
                }
            }
            LossModel::GilbertElliott { p_good_to_bad, p_bad_to_good, loss_good, loss_bad } => {
                prob("link.loss.p_good_to_bad", p_good_to_bad)?;
                prob("link.loss.p_bad_to_good", p_bad_to_good)?;
                prob("link.loss.loss_good", loss_good)?;
                prob("link.loss.loss_bad", loss_bad)?;
            }
        }
        if let QueueDiscipline::Red(red) = &self.link.queue {
            prob("link.queue.max_probability", red.max_probability)?;
            if !(red.weight > 0.0 && red.weight <= 1.0) {
                return Err(format!("link.queue.weight must be in (0, 1], got {}", red.weight));
            }
        }
        for (i, f) in self.flows.iter().enumerate() {
            if f.rtt.is_zero() {
                return Err(format!("flows[{i}].rtt must be positive"));
            }
            if f.mss.is_zero() {
                return Err(format!("flows[{i}].mss must be positive"));
            }
            if f.initial_window == 0 {
                return Err(format!("flows[{i}].initial_window must be at least 1"));
            }
            if f.receiver.buffer < f.mss {
                return Err(format!("flows[{i}].receiver.buffer must hold at least one segment ({})", f.mss));
            }
            if f.receiver.read_rate == Some(Rate::ZERO) {
                return Err(format!("flows[{i}].receiver.read_rate must be positive"));
            }
            if f.size == Some(Bytes::ZERO) {
                return Err(format!("flows[{i}].size must be positive"));
            }
            if let Some(p) = f.pacing {
                for (name, r) in [("ss_ratio", p.ss_ratio), ("ca_ratio", p.ca_ratio)] {
                    if !(r > 0.0 && r.is_finite()) {
                        return Err(format!("flows[{i}].pacing.{name} must be positive, got {r}"));
                    }
                }
            }
        }
        for (i, CrossTraffic::Udp(u)) in self.cross_traffic.iter().enumerate() {
            if u.rate == Rate::ZERO || u.packet_size.is_zero() {
                return Err(format!("cross_traffic[{i}] needs a positive rate and packet_size"));
            }
            if u.on.is_some() != u.off.is_some() {
                return Err(format!("cross_traffic[{i}]: an on-off source needs both 'on' and 'off'"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        Scenario::dumbbell(
            "reno",
            2,
            Rate::from_mbps(10),
            Duration::from_millis(40),
            BufferSize::Bdp(1.0),
            Duration::from_secs(10),
        )
    }

    #[test]
    fn bdp_uses_the_largest_base_rtt() {
        let mut s = base();
        s.flows[1].rtt = Duration::from_millis(80);
        // 10 Mbit/s x 80 ms = 100,000 bytes.
        assert_eq!(s.bdp(), Bytes::new(100_000));
        assert_eq!(s.buffer_bytes(), Bytes::new(100_000));
    }

    #[test]
    fn validation_names_the_bad_value() {
        let mut s = base();
        s.warmup = Duration::from_secs(10);
        assert_eq!(s.validate().unwrap_err(), "warmup (10s) must be shorter than duration (10s)");
        let mut s = base();
        s.link.loss = LossModel::Bernoulli { p: 1.5 };
        assert_eq!(s.validate().unwrap_err(), "link.loss.p must be in [0, 1], got 1.5");
        let mut s = base();
        s.flows.clear();
        assert!(s.validate().is_err());
        assert!(base().validate().is_ok());
    }

    #[test]
    fn scenarios_round_trip_through_serde() {
        let s = base();
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"rtt\":\"40ms\""), "{json}");
        let back: Scenario = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
