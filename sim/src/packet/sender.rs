//! The TCP sender: handshake, byte sequence numbers, window-limited sending, fast
//! retransmit with NewReno (RFC 6582) or SACK (RFC 6675) recovery, the RTO (RFC 6298),
//! the persist timer, optional pacing, FIN close, and the congestion-controller hooks.
//!
//! The controller owns cwnd and ssthresh; the sender only asks for them after each hook
//! and checks them. Hooks are called where Linux calls them (reference §1.13):
//! * `on_congestion` once per recovery episode, when fast recovery starts and before the
//!   fast retransmit;
//! * `on_ack` for every ACK that newly acknowledges data (cumulatively or by SACK), after
//!   the scoreboard, the RTT estimator and the recovery state have been updated, so an ACK
//!   that ends recovery first calls `on_recovery_exit` and then `on_ack` outside recovery;
//! * `on_rto` when the retransmission timer expires, with the count of consecutive
//!   timeouts; the episode it starts (Linux's Loss state) ends with `on_recovery_exit`
//!   (`after_rto`) once the data outstanding at the timeout is acknowledged.
//!
//! Recovery, per flow:
//! * SACK (RFC 6675): pipe, IsLost and NextSeg from the scoreboard, sending while
//!   cwnd - pipe >= 1 MSS, with the controller's cwnd as set by `on_congestion` (the RFC's
//!   ssthresh = cwnd = FlightSize/2 is the controller's choice of window).
//! * NewReno (RFC 6582, RFC 5681 §3.2): the sender keeps the RFC's window inflation
//!   (3 MSS at entry, +1 MSS per further duplicate ACK, deflated by partial ACKs) on top of
//!   the controller's cwnd, and compares it with FlightSize. A full ACK ends recovery with
//!   the controller's window (option 2 of RFC 6582 step 3; the controller's
//!   `on_recovery_exit` may change it). Limited transmit (RFC 3042) allows one new segment
//!   for each of the first two duplicate ACKs. The RTO is restarted only by the first
//!   partial ACK ("Impatient" variant).
//! * Lost retransmissions (SACK mode, the default): RFC 6675 cannot detect that a
//!   retransmission was lost, so such a hole waits for the RTO, which resets the
//!   controller and restarts slow start. cclab follows Linux and applies RACK's rule
//!   (RFC 8985 §6.2) to retransmissions during fast recovery and after a timeout: a
//!   retransmission is lost once a segment sent after it has been delivered (the ACK's
//!   timestamp echo gives that segment's send time, RACK.xmit_ts, and its RTT, RACK.rtt)
//!   and RACK.rtt + reo_wnd has passed since it was sent, with reo_wnd = min_rtt / 4
//!   (RFC 8985 §6.2 step 4, reo_wnd_mult = 1). It is marked lost again and NextSeg rule 1
//!   resends it; the episode's congestion response is not repeated. A RACK timer covers the
//!   case where no further ACK arrives. When the repeat is SND.UNA's segment the RTO is
//!   restarted (RFC 6675 §6 allows re-arming the timer on retransmissions during
//!   recovery; Linux re-arms it whenever it retransmits the head), so the repair is not
//!   overtaken by a timer counted from the last cumulative advance. RACK's detection of
//!   lost original transmissions and TLP are not modelled (IsLost does the former);
//!   `Recovery::Sack6675` turns the detection off, and NewReno mode never uses it.
//! * Linux's PRR is not modelled; neither is undo (DSACK, F-RTO).
//! * After an RTO every unSACKed outstanding segment is presumed lost and retransmitted in
//!   order as the (slow-starting) window allows; no fast recovery starts until the data
//!   outstanding at the timeout is acknowledged (RFC 6582 step 4, RFC 6675 §5.1).

use super::event::{LazyTimer, NEVER};
use super::metrics::FlowMetrics;
use super::packet::{AckKind, AckSeg, HEADER, SegKind, Segment};
use super::rto::{MAX_RTO, RtoEstimator};
use super::scoreboard::{DUP_THRESH, DivMss, Scoreboard};
use crate::scenario::{Pacing, Recovery};
use cclab_algorithms::{
    Ack, Bytes, Congestion, CongestionControl, CongestionKind, Duration, RecoveryExit, Rto, Time,
};

/// A window above this is a controller bug (1 TB).
const MAX_SANE_CWND: u64 = 1_000_000_000_000;

#[derive(Debug, Clone)]
pub(crate) struct SenderConfig {
    pub mss: u64,
    /// Bytes to send; `None` = until the end of the run.
    pub size: Option<u64>,
    pub recovery: Recovery,
    pub min_rto: u64,
    /// When the SYN leaves, ns.
    pub start: u64,
    /// Record a per-event log (tests).
    pub log: bool,
    /// TCP pacing from cwnd and SRTT, when the controller has no pacing rate of its own.
    pub pacing: Option<Pacing>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the start time.
    Idle,
    SynSent,
    Open,
    FinSent,
    Closed,
}

/// What the sender did, for tests that follow a flow event by event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// A data segment with this first byte was retransmitted.
    Retransmit { seq: u64 },
    /// The retransmission timer fired; the RTO that had been armed, ns.
    Timeout { rto_ns: u64 },
    /// Fast recovery began (on_congestion).
    RecoveryStart,
    /// Fast recovery ended (full ACK).
    RecoveryEnd,
    /// The episode begun by a timeout ended.
    LossEnd,
    /// A zero-window probe was sent.
    Probe,
    /// The SYN was retransmitted.
    SynRetry,
    /// The handshake completed.
    Established,
    /// Every data byte has been acknowledged.
    AllAcked,
}

/// One entry of a flow's event log: (time ns, what).
pub type LogEntry = (u64, LogKind);

/// Sender counters for the report and the invariant tests.
#[derive(Debug, Clone, Default)]
pub(crate) struct SenderStats {
    /// Payload bytes of every data segment sent, retransmissions included.
    pub payload_sent: u64,
    /// Wire bytes of everything sent (data, SYN, FIN, probes).
    pub wire_sent: u64,
    /// Data segments sent (first transmissions and retransmissions).
    pub segments_sent: u64,
    pub retransmits: u64,
    pub timeouts: u64,
    pub probes: u64,
    pub recoveries: u64,
    /// Largest excess, over all window-checked sends, of the bytes in flight after the send
    /// over cwnd, or of SND.NXT over the advertised window's right edge, bytes (may be
    /// negative).
    pub max_excess: i64,
    /// When the first SYN left, ns.
    pub syn_at: Option<u64>,
    /// When the last data byte was cumulatively acknowledged, ns.
    pub all_acked_at: Option<u64>,
}

pub(crate) struct Sender {
    cfg: SenderConfig,
    cc: Box<dyn CongestionControl>,
    /// The controller's cwnd and ssthresh, bytes, as of its last hook.
    pub cwnd: u64,
    ssthresh: u64,
    /// The pacing rate in force, bits per second: the controller's, or else TCP pacing's.
    pacing: Option<u64>,
    /// The controller's own pacing rate, bits per second, read after each of its hooks.
    cc_pacing: Option<u64>,
    state: State,
    /// SND.UNA, SND.NXT: bytes relative to the first data byte.
    snd_una: u64,
    snd_nxt: u64,
    /// One past the last data byte (`u64::MAX` for unsized flows).
    end: u64,
    /// Right edge of the receiver's advertised window.
    wnd_right: u64,
    sb: Scoreboard,
    /// Byte counts to segment counts.
    div: DivMss,
    pub rto: RtoEstimator,
    fast_recovery: bool,
    /// RFC 6675 RecoveryPoint / RFC 6582 recover: the episode ends when SND.UNA reaches it.
    recovery_point: u64,
    /// After an RTO (Linux's Loss state), until SND.UNA reaches `loss_point`.
    loss_state: bool,
    loss_point: u64,
    /// No new fast recovery until SND.UNA reaches this (RFC 6582 step 2, RFC 6675 §5.1).
    recover: u64,
    dupacks: u32,
    /// RFC 5681/6582 window inflation of NewReno recovery, bytes.
    inflation: i64,
    partial_acks: u32,
    rescue_done: bool,
    consecutive_rtos: u32,
    /// RACK (RFC 8985): send time of the most recently sent segment known to be delivered,
    /// and the RTT it measured, ns.
    rack_xmit_ts: u64,
    rack_rtt: u64,
    // Timers, ns.
    pub timer: LazyTimer,
    start_at: u64,
    rto_at: u64,
    /// RACK reordering timer: a retransmission becomes lost then unless delivered.
    rack_at: u64,
    persist_at: u64,
    persist_backoff: u32,
    pace_at: u64,
    pace_next: u64,
    syn_sent_at: u64,
    syn_retx: bool,
    // Linux tcp_cwnd_validate.
    cwnd_limited: bool,
    max_in_flight: u64,
    cwnd_usage_seq: u64,
    pub stats: SenderStats,
    pub metrics: FlowMetrics,
    pub log: Vec<LogEntry>,
}

impl Sender {
    pub fn new(cfg: SenderConfig, cc: Box<dyn CongestionControl>, window: (u64, u64)) -> Sender {
        let cwnd = cc.cwnd().as_u64();
        let ssthresh = cc.ssthresh().as_u64();
        let end = cfg.size.unwrap_or(u64::MAX);
        Sender {
            sb: Scoreboard::new(cfg.mss, cfg.size, cfg.recovery == Recovery::Sack),
            div: DivMss::new(cfg.mss),
            rto: RtoEstimator::new(cfg.min_rto),
            start_at: cfg.start,
            metrics: FlowMetrics::new(window, cwnd),
            cfg,
            cc,
            cwnd,
            ssthresh,
            pacing: None,
            cc_pacing: None,
            state: State::Idle,
            snd_una: 0,
            snd_nxt: 0,
            end,
            wnd_right: 0,
            fast_recovery: false,
            recovery_point: 0,
            loss_state: false,
            loss_point: 0,
            recover: 0,
            dupacks: 0,
            inflation: 0,
            partial_acks: 0,
            rescue_done: false,
            consecutive_rtos: 0,
            rack_xmit_ts: 0,
            rack_rtt: 0,
            timer: LazyTimer::default(),
            rto_at: NEVER,
            rack_at: NEVER,
            persist_at: NEVER,
            persist_backoff: 0,
            pace_at: NEVER,
            pace_next: 0,
            syn_sent_at: 0,
            syn_retx: false,
            cwnd_limited: false,
            max_in_flight: 0,
            cwnd_usage_seq: 0,
            stats: SenderStats { max_excess: i64::MIN, ..SenderStats::default() },
            log: Vec::new(),
        }
    }

    #[inline]
    fn note(&mut self, now: u64, kind: LogKind) {
        if self.cfg.log {
            self.log.push((now, kind));
        }
    }

    fn sack(&self) -> bool {
        self.cfg.recovery.uses_sack()
    }

    /// Lost-retransmission detection is on (SACK mode with RACK).
    fn rack(&self) -> bool {
        self.cfg.recovery == Recovery::Sack
    }

    pub fn snd_una(&self) -> u64 {
        self.snd_una
    }

    pub fn snd_nxt(&self) -> u64 {
        self.snd_nxt
    }

    pub fn srtt(&self) -> u64 {
        self.rto.srtt
    }

    pub fn controller(&self) -> &dyn CongestionControl {
        self.cc.as_ref()
    }

    /// The earliest of the sender's deadlines.
    pub fn deadline(&self) -> u64 {
        self.start_at.min(self.rto_at).min(self.rack_at).min(self.persist_at).min(self.pace_at)
    }

    /// Bytes in flight: RFC 6675 pipe, or FlightSize during NewReno fast recovery.
    #[inline]
    fn in_flight(&self) -> u64 {
        if self.fast_recovery && !self.sack() { self.snd_nxt - self.snd_una } else { self.sb.pipe() }
    }

    /// The window the send loop compares with bytes in flight.
    #[inline]
    fn send_window(&self) -> u64 {
        if self.sack() {
            return self.cwnd;
        }
        if self.fast_recovery {
            return (self.cwnd as i64 + self.inflation).max(0) as u64;
        }
        if !self.loss_state && self.dupacks > 0 && u64::from(self.dupacks) < DUP_THRESH {
            // Limited transmit (RFC 3042): FlightSize may reach cwnd + 2 MSS.
            return self.cwnd + u64::from(self.dupacks) * self.cfg.mss;
        }
        self.cwnd
    }

    /// Reads the controller's window after a hook and checks it.
    fn refresh(&mut self, now: u64, hook: &str) -> Result<(), String> {
        let c = self.cc.cwnd().as_u64();
        if c == 0 || c > MAX_SANE_CWND {
            return Err(format!("cwnd = {c} bytes after {hook}"));
        }
        if c != self.cwnd {
            self.metrics.cwnd_changed(now, c);
            self.cwnd = c;
        }
        self.ssthresh = self.cc.ssthresh().as_u64();
        self.cc_pacing = self.cc.pacing_rate().map(|r| r.as_bps()).filter(|&r| r > 0);
        Ok(())
    }

    /// The pacing rate for the next sends: the controller's, or Linux-style TCP pacing from
    /// the current window and SRTT (none before the first RTT sample).
    fn pacing_rate(&self) -> Option<u64> {
        if self.cc_pacing.is_some() {
            return self.cc_pacing;
        }
        let p = self.cfg.pacing?;
        if self.rto.srtt == 0 {
            return None;
        }
        let mss = self.cfg.mss as f64;
        let window = self.cwnd.max(self.in_flight()) as f64;
        let wire_per_payload = (mss + HEADER as f64) / mss;
        let srtt = self.rto.srtt as f64 * 1e-9;
        let bytes_per_sec = p.rate(self.cwnd as f64, self.ssthresh as f64, window, srtt, wire_per_payload);
        Some(((bytes_per_sec * 8.0) as u64).max(1))
    }

    /// Linux `tcp_is_cwnd_limited`: in slow start, growth is earned while cwnd < 2 x the
    /// most in flight recently; in avoidance, only if the flow filled its window.
    fn is_cwnd_limited(&self) -> bool {
        if self.cwnd < self.ssthresh { self.cwnd < 2 * self.max_in_flight } else { self.cwnd_limited }
    }

    fn controller_ack(
        &mut self,
        now: u64,
        acked: u64,
        cum_advance: u64,
        rtt: Option<u64>,
        prior: u64,
    ) -> Result<(), String> {
        let mut ack = Ack::new(Time::from_nanos(now), Bytes::new(acked), Bytes::new(self.cfg.mss));
        ack.rtt = rtt.map(Duration::from_nanos);
        ack.min_rtt = Duration::from_nanos(self.rto.min_rtt);
        ack.srtt = Duration::from_nanos(self.rto.srtt);
        ack.bytes_in_flight = Bytes::new(self.in_flight());
        ack.prior_in_flight = Bytes::new(prior);
        ack.delivered = Bytes::new(self.snd_una + self.sb.sacked_bytes);
        ack.snd_una = self.snd_una;
        ack.snd_nxt = self.snd_nxt;
        ack.in_recovery = self.fast_recovery;
        // Linux tcp_may_raise_cwnd (no reordering seen): only in-order delivery grows.
        ack.cwnd_limited = self.is_cwnd_limited() && cum_advance > 0;
        self.cc.on_ack(&ack);
        self.refresh(now, "on_ack")
    }

    /// The sender timer fired at `now` (the caller checked the lazy timer).
    pub fn on_timer(&mut self, now: u64, out: &mut Vec<Segment>) -> Result<(), String> {
        if self.start_at <= now {
            self.start_at = NEVER;
            self.state = State::SynSent;
            self.stats.syn_at = Some(now);
            self.send_syn(now, out);
        }
        if self.rto_at <= now {
            self.rto_at = NEVER;
            self.on_rto(now, out)?;
        }
        if self.rack_at <= now {
            self.rack_at = NEVER;
            self.rack_detect(now);
            self.try_send(now, out);
        }
        if self.persist_at <= now {
            self.persist_at = NEVER;
            self.on_persist(now, out);
        }
        if self.pace_at <= now {
            self.pace_at = NEVER;
            self.try_send(now, out);
        }
        Ok(())
    }

    fn send_syn(&mut self, now: u64, out: &mut Vec<Segment>) {
        self.syn_sent_at = now;
        out.push(Segment {
            kind: SegKind::Syn,
            len: 0,
            seq: 0,
            sent: now,
            retx: self.syn_retx,
            wire: HEADER as u32,
        });
        self.stats.wire_sent += HEADER;
        self.rto_at = now + self.rto.rto();
    }

    fn on_rto(&mut self, now: u64, out: &mut Vec<Segment>) -> Result<(), String> {
        let armed = self.rto.rto();
        match self.state {
            State::SynSent => {
                // RFC 6298 (2.1), (5.5): the SYN is retried after 1 s, then 2 s, 4 s ...
                self.stats.timeouts += 1;
                self.metrics.timeouts += u64::from(self.metrics.in_window(now));
                self.note(now, LogKind::SynRetry);
                self.rto.back_off();
                self.syn_retx = true;
                self.send_syn(now, out);
            }
            State::FinSent => {
                self.rto.back_off();
                self.send_fin(now, out);
            }
            State::Open if self.snd_una < self.snd_nxt => {
                self.stats.timeouts += 1;
                self.metrics.timeouts += u64::from(self.metrics.in_window(now));
                self.note(now, LogKind::Timeout { rto_ns: armed });
                self.consecutive_rtos += 1;
                let mut ev =
                    Rto::new(Time::from_nanos(now), Bytes::new(self.in_flight()), Bytes::new(self.cfg.mss));
                ev.consecutive = self.consecutive_rtos;
                self.cc.on_rto(&ev);
                self.refresh(now, "on_rto")?;
                self.fast_recovery = false;
                self.inflation = 0;
                self.dupacks = 0;
                self.loss_state = true;
                self.loss_point = self.snd_nxt;
                self.recover = self.snd_nxt;
                self.sb.mark_all_lost();
                self.rack_at = NEVER;
                // (5.5) back off, (5.4) retransmit the earliest unacknowledged segment,
                // (5.6) restart the timer.
                self.rto.back_off();
                self.pace_next = now;
                let i = self.sb.una;
                self.transmit(now, i, true, out);
                self.rto_at = now + self.rto.rto();
                self.try_send(now, out);
            }
            _ => {}
        }
        Ok(())
    }

    fn on_persist(&mut self, now: u64, out: &mut Vec<Segment>) {
        if self.state != State::Open || self.snd_una != self.snd_nxt {
            return;
        }
        // Zero-window probe (RFC 9293 §3.8.6.1): first after one RTO, then backing off.
        self.stats.probes += 1;
        self.note(now, LogKind::Probe);
        out.push(Segment {
            kind: SegKind::Probe,
            len: 0,
            seq: self.snd_una,
            sent: now,
            retx: true,
            wire: HEADER as u32,
        });
        self.stats.wire_sent += HEADER;
        self.persist_backoff += 1;
        self.persist_at = now + self.persist_interval();
    }

    fn persist_interval(&self) -> u64 {
        self.rto.rto().checked_shl(self.persist_backoff).unwrap_or(MAX_RTO).min(MAX_RTO)
    }

    fn send_fin(&mut self, now: u64, out: &mut Vec<Segment>) {
        self.state = State::FinSent;
        out.push(Segment {
            kind: SegKind::Fin,
            len: 0,
            seq: self.end,
            sent: now,
            retx: false,
            wire: HEADER as u32,
        });
        self.stats.wire_sent += HEADER;
        self.rto_at = now + self.rto.rto();
    }

    /// An ACK arrives at `now`.
    pub fn on_ack(&mut self, now: u64, ack: &AckSeg, out: &mut Vec<Segment>) -> Result<(), String> {
        match (self.state, ack.kind) {
            (State::SynSent, AckKind::SynAck) => {
                self.state = State::Open;
                self.note(now, LogKind::Established);
                if self.syn_retx {
                    self.rto.fall_back();
                } else {
                    // The SYN was sent once: the handshake gives the first RTT sample.
                    self.rto.sample(now - self.syn_sent_at);
                }
                self.rto_at = NEVER;
                self.wnd_right = ack.wnd_right();
                self.try_send(now, out);
                Ok(())
            }
            (State::FinSent, AckKind::FinAck) => {
                self.state = State::Closed;
                self.rto_at = NEVER;
                self.persist_at = NEVER;
                self.pace_at = NEVER;
                Ok(())
            }
            (State::Open, AckKind::Ack) => self.on_data_ack(now, ack, out),
            _ => Ok(()),
        }
    }

    fn on_data_ack(&mut self, now: u64, ack: &AckSeg, out: &mut Vec<Segment>) -> Result<(), String> {
        let prior_una = self.snd_una;
        let prior_flight = self.in_flight();
        debug_assert!(ack.cum <= self.snd_nxt, "a receiver acknowledges only what was sent");
        let cum = ack.cum.min(self.snd_nxt);
        let mss = self.cfg.mss;
        let mut acked = 0;
        let mut cum_advance = 0;
        // Segment boundaries are multiples of the MSS (the end of a sized flow aside), and
        // SND.UNA is one, or the end: the cumulative point is SND.UNA's segment plus the
        // advance in segments, rounded up for a short last segment.
        if cum > self.snd_una {
            cum_advance = cum - self.snd_una;
            let cum_seg = self.sb.una + self.div.ceil(cum_advance);
            acked += self.sb.ack_cum(cum_seg);
            self.snd_una = cum;
            self.consecutive_rtos = 0;
        }
        let mut sacked = 0;
        if self.sack() && ack.nsacks > 0 {
            // Data above RCV.NXT exists, so RCV.NXT (= cum) is a multiple of the MSS, the
            // first byte of segment `sb.una`; blocks are 32-bit offsets from it.
            debug_assert_eq!(cum % mss, 0);
            let base = self.sb.una;
            for k in 0..usize::from(ack.nsacks) {
                let (l, r) = ack.block_offsets(k);
                sacked += self.sb.sack(base + self.div.floor(l), base + self.div.ceil(r));
            }
            acked += sacked;
        }
        let wnd_changed = ack.wnd_right() != self.wnd_right;
        self.wnd_right = ack.wnd_right();
        let outstanding = prior_una < self.snd_nxt;
        let dupack = cum_advance == 0
            && outstanding
            && if self.sack() { sacked > 0 } else { !wnd_changed && ack.nsacks == 0 };
        if cum_advance > 0 {
            self.dupacks = 0;
        } else if dupack {
            self.dupacks += 1;
        }
        if self.sack() && !self.loss_state {
            self.sb.mark_lost();
        }
        if self.rack() {
            // RFC 8985 §6.2 steps 1-2: the ACK's timestamp echo is the send time of the
            // segment whose arrival triggered it, delivered now.
            if acked > 0 && ack.tsecr != u64::MAX && ack.tsecr >= self.rack_xmit_ts {
                self.rack_xmit_ts = ack.tsecr;
                self.rack_rtt = now.saturating_sub(ack.tsecr);
            }
            if self.fast_recovery || self.loss_state {
                self.rack_detect(now);
            }
        }
        // Karn's rule: only an ACK that acknowledges new data and echoes an original
        // transmission gives a sample.
        let rtt =
            (acked > 0 && !ack.echo_retx && ack.tsecr != u64::MAX).then(|| now.saturating_sub(ack.tsecr));
        if let Some(r) = rtt {
            self.rto.sample(r);
            self.metrics.rtt_sample(now, r);
        }

        // Recovery state machine.
        let mut restart_rto = cum_advance > 0;
        if self.fast_recovery {
            if self.snd_una >= self.recovery_point {
                self.fast_recovery = false;
                self.inflation = 0;
                self.note(now, LogKind::RecoveryEnd);
                let ev =
                    RecoveryExit::new(Time::from_nanos(now), Bytes::new(self.in_flight()), Bytes::new(mss));
                self.cc.on_recovery_exit(&ev);
                self.refresh(now, "on_recovery_exit")?;
            } else if cum_advance > 0 && !self.sack() {
                // RFC 6582 step 3, partial ACK: retransmit the first unacknowledged
                // segment, deflate by the newly acknowledged bytes, add back one MSS.
                self.partial_acks += 1;
                restart_rto = self.partial_acks == 1;
                self.inflation -= cum_advance as i64;
                if cum_advance >= mss {
                    self.inflation += mss as i64;
                }
                let i = self.sb.una;
                self.transmit(now, i, true, out);
            } else if dupack && !self.sack() {
                self.inflation += mss as i64;
            }
        } else if self.loss_state && self.snd_una >= self.loss_point {
            self.loss_state = false;
            self.note(now, LogKind::LossEnd);
            let mut ev =
                RecoveryExit::new(Time::from_nanos(now), Bytes::new(self.in_flight()), Bytes::new(mss));
            ev.after_rto = true;
            self.cc.on_recovery_exit(&ev);
            self.refresh(now, "on_recovery_exit")?;
        }
        if !self.fast_recovery
            && !self.loss_state
            && self.snd_una >= self.recover
            && self.snd_una < self.snd_nxt
        {
            let trigger = if self.sack() {
                u64::from(self.dupacks) >= DUP_THRESH || self.sb.first_is_lost()
            } else {
                u64::from(self.dupacks) == DUP_THRESH
            };
            if trigger {
                self.enter_recovery(now, out)?;
            }
        }
        if acked > 0 {
            self.controller_ack(now, acked, cum_advance, rtt, prior_flight)?;
        }
        // RFC 6298 (5.2), (5.3).
        if self.snd_una == self.snd_nxt {
            self.rto_at = NEVER;
        } else if restart_rto {
            self.rto_at = now + self.rto.rto();
        }
        if self.snd_una == self.end && self.stats.all_acked_at.is_none() {
            self.stats.all_acked_at = Some(now);
            self.note(now, LogKind::AllAcked);
        }
        self.try_send(now, out);
        Ok(())
    }

    fn enter_recovery(&mut self, now: u64, out: &mut Vec<Segment>) -> Result<(), String> {
        let mss = self.cfg.mss;
        self.fast_recovery = true;
        self.stats.recoveries += 1;
        self.note(now, LogKind::RecoveryStart);
        self.recovery_point = self.snd_nxt;
        self.recover = self.snd_nxt;
        self.partial_acks = 0;
        self.rescue_done = false;
        let lost = if self.sack() {
            self.sb.mark_first_lost();
            self.sb.mark_lost();
            self.sb.lost_bytes
        } else {
            mss
        };
        let mut ev = Congestion::new(
            Time::from_nanos(now),
            CongestionKind::Loss,
            Bytes::new(self.snd_nxt - self.snd_una),
            Bytes::new(mss),
        );
        ev.lost = Bytes::new(lost);
        ev.srtt = Duration::from_nanos(self.rto.srtt);
        ev.min_rtt = Duration::from_nanos(self.rto.min_rtt);
        self.cc.on_congestion(&ev);
        self.refresh(now, "on_congestion")?;
        self.sb.restart_cursors();
        if !self.sack() {
            self.inflation = (DUP_THRESH * mss) as i64;
        }
        // RFC 5681 §3.2 step 3, RFC 6675 §5 step (C): retransmit the first segment now.
        let i = self.sb.una;
        self.transmit(now, i, true, out);
        Ok(())
    }

    /// RACK detection of lost retransmissions (see the module docs); arms the RACK timer
    /// for the next retransmission that may become lost.
    fn rack_detect(&mut self, now: u64) {
        let reo_wnd = self.rto.min_rtt / 4;
        let wait = self.rack_rtt + reo_wnd;
        let (_, due) = self.sb.rack_detect(now, self.rack_xmit_ts, wait);
        self.rack_at = due;
    }

    /// Sends segment `i` (a retransmission or the next new segment).
    #[inline]
    fn transmit(&mut self, now: u64, i: u64, retx: bool, out: &mut Vec<Segment>) {
        let mss = self.cfg.mss;
        let len = self.sb.len(i);
        let seq = i * mss;
        if retx {
            if (self.sack() || self.loss_state) && self.sb.retransmit(i, now) && i == self.sb.una {
                // A repeat of a retransmission RACK found lost, at the head: see the
                // module docs.
                self.rto_at = now + self.rto.rto();
            }
            self.stats.retransmits += 1;
            self.metrics.retransmits += u64::from(self.metrics.in_window(now));
            self.note(now, LogKind::Retransmit { seq });
        } else {
            self.sb.send_new(i);
            self.snd_nxt = seq + len;
        }
        self.stats.payload_sent += len;
        self.stats.wire_sent += len + HEADER;
        self.stats.segments_sent += 1;
        out.push(Segment {
            kind: SegKind::Data,
            len: len as u32,
            seq,
            sent: now,
            retx,
            wire: (len + HEADER) as u32,
        });
        // RFC 6298 (5.1): start the timer if it is not running.
        if self.rto_at == NEVER {
            self.rto_at = now + self.rto.rto();
        }
        if let Some(rate) = self.pacing {
            let gap = super::bottleneck::tx_time(rate, len + HEADER);
            self.pace_next = self.pace_next.max(now) + gap;
        }
    }

    /// Sends what the windows allow: retransmissions first during recovery (NextSeg), then
    /// new data.
    pub fn try_send(&mut self, now: u64, out: &mut Vec<Segment>) {
        if self.state != State::Open {
            return;
        }
        let mss = self.cfg.mss;
        let recovering = self.loss_state || (self.fast_recovery && self.sack());
        // Sending changes neither cwnd nor the recovery state: the window is fixed here.
        let wnd = self.send_window();
        self.pacing = self.pacing_rate();
        let mut rwnd_blocked = false;
        let mut sent_new = false;
        loop {
            if self.pacing.is_some() && self.pace_next > now {
                self.pace_at = self.pace_next;
                break;
            }
            let mut pick = None;
            if recovering {
                pick = self.sb.next_lost().map(|i| (i, true));
            }
            if pick.is_none() && self.snd_nxt < self.end {
                let len = mss.min(self.end - self.snd_nxt);
                if self.snd_nxt + len <= self.wnd_right {
                    pick = Some((self.sb.nxt, false));
                } else {
                    rwnd_blocked = true;
                }
            }
            if pick.is_none() && self.fast_recovery && self.sack() {
                // RFC 6675 NextSeg rules 3 and 4.
                pick = self.sb.next_below_highest_sack().map(|i| (i, true));
                if pick.is_none() && !self.rescue_done {
                    if let Some(i) = self.sb.highest_unsacked() {
                        self.rescue_done = true;
                        pick = Some((i, true));
                    }
                }
            }
            let Some((i, retx)) = pick else { break };
            let flight = self.in_flight();
            let len = self.sb.len(i);
            // cwnd - pipe >= 1 segment (RFC 6675 §5 (C)); with nothing in flight one
            // segment may always go, so a window below one MSS cannot stall the flow.
            if flight + len > wnd && flight > 0 {
                break;
            }
            self.transmit(now, i, retx, out);
            sent_new |= !retx;
            // The window invariant: bytes in flight (pipe, which counts a retransmission
            // in flight on top of its original) against cwnd, and outstanding sequence
            // space against the receiver's window.
            let over_cwnd = self.in_flight() as i64 - wnd as i64;
            let over_rwnd = self.snd_nxt as i64 - self.wnd_right as i64;
            self.stats.max_excess = self.stats.max_excess.max(over_cwnd).max(over_rwnd);
        }
        // Linux tcp_cwnd_validate.
        let flight = self.in_flight();
        let limited = flight + mss > wnd;
        if self.snd_una >= self.cwnd_usage_seq || limited || flight > self.max_in_flight {
            self.max_in_flight = flight;
            self.cwnd_usage_seq = self.snd_nxt;
            self.cwnd_limited = limited;
        }
        // Persist timer: data waits, nothing is outstanding, and the window is shut.
        // The backoff restarts whenever the window lets data out again.
        if sent_new || !rwnd_blocked {
            self.persist_backoff = 0;
        }
        if rwnd_blocked && self.snd_una == self.snd_nxt {
            if self.persist_at == NEVER {
                self.persist_at = now + self.persist_interval();
            }
        } else {
            self.persist_at = NEVER;
        }
        if self.snd_una == self.end && self.state == State::Open {
            self.send_fin(now, out);
        }
    }

    /// Flushes the cwnd integral at the end of the run.
    pub fn finish(&mut self, end: u64) {
        let c = self.cwnd;
        self.metrics.cwnd_changed(end, c);
    }
}
