//! The fluid TCP sender of one flow: the window rule, loss detection and recovery, the RTO
//! timer and the RTT estimator, driving the flow's controller with aggregated events.
//!
//! Byte counters are f64 payload bytes (a fluid carries fractions of segments):
//! * `sent_new` is SND.NXT: new bytes sent; `acked` is SND.UNA in the sense the controllers
//!   use it (bytes acknowledged so far; the fluid does not order bytes, so cumulative and
//!   SACKed bytes are one count), always ≤ `sent_new`.
//! * `pipe` is RFC 6675's pipe: sent and neither acknowledged nor marked lost.
//! * `sent_total` counts every byte sent, new or retransmitted; a delay-line slot carries
//!   the largest value of it among its data (its "mark"), which orders data by send time.
//!
//! Loss detection (RFC 6675 IsLost with DupThresh = 3): a loss revealed by a slot waits as
//! `pending` until 3 segments' worth of ACKs have arrived with or after it; then it is
//! marked lost, leaves the pipe and joins the retransmission queue. A flow that loses so
//! much that fewer than 3 segments come back (a whole window) gets no detection and waits
//! for its RTO, as a packet sender would.
//!
//! Recovery episodes: the first detection outside an episode calls `on_congestion` and
//! opens an episode with the current `sent_total` as its mark. Losses of data sent before
//! the mark belong to it; losses of data sent after it are kept for the next episode. The
//! episode ends, with `on_recovery_exit`, when the ACKs have come back past the mark and
//! its holes are repaired (their retransmissions acknowledged): one RTT after the event
//! when the retransmissions go out at once, later when the window holds them back. So a
//! flow has at most one congestion event per RTT, as a SACK sender has one per window.
//!
//! RTO (RFC 6298 with the flow's floor where Linux puts it, as the packet engine does):
//! RTO = SRTT + max(G, 4·RTTVAR, min_rto), G = one step, doubled per consecutive expiry up
//! to 120 s (Linux TCP_RTO_MAX). Linux keeps RTTVAR ≥ rto_min; flooring only the sum would
//! give a path whose RTT exceeds 200 ms an RTO of about one SRTT, and the fluid's per-step
//! samples, smoother than per-packet ones, keep RTTVAR small: every rise of the queue would
//! fire a spurious timeout. The timer runs while data is outstanding. It restarts on an
//! ACK that advances SND.UNA: any ACK while no loss is outstanding, only the ACK of a
//! retransmission while one is (the ACKs that reveal a loss, and those of data sent after
//! it, are SACKs above the hole), and never on an ACK of less than a byte. On expiry every
//! loss not yet detected is marked lost, the controller's `on_rto` runs and a Loss episode
//! starts (Linux's Loss state: ACKs are not "in recovery", slow start runs), ended like a
//! recovery episode with `on_recovery_exit(after_rto)`. Data still on its way is not
//! marked lost (no spurious retransmissions); it keeps the pipe full until it is ACKed.

use super::FastOrd;
use super::delay_line::Slot;
use crate::scenario::Pacing;
use cclab_algorithms::{
    Ack, Bytes, Congestion, CongestionControl, CongestionKind, Duration, RecoveryExit, Rto, Time,
};

/// RFC 6675 DupThresh, in segments.
pub(crate) const DUP_THRESH: f64 = 3.0;
/// Linux TCP_RTO_MAX.
const RTO_MAX: f64 = 120.0;
/// Byte amounts below this are rounding noise of the fluid.
const EPS: f64 = 1e-6;
/// The least a step's aggregated ACK must cover to count as an ACK for the RTO timer: a
/// TCP ACK acknowledges whole bytes.
const ACK_MIN: f64 = 1.0;
/// A window above this (1 TB) is a controller bug, not a window.
const MAX_WINDOW: u64 = 1_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Episode {
    /// `sent_total` when it began.
    mark: f64,
    after_rto: bool,
}

/// Per-flow constants the sender needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SenderConfig {
    pub mss: Bytes,
    /// Bytes to send; `None` = unlimited.
    pub size: Option<f64>,
    /// RTO floor, seconds.
    pub min_rto: f64,
    /// Clock granularity G of RFC 6298: one step, seconds.
    pub granularity: f64,
    /// Initial advertised window (the receive buffer), bytes.
    pub rwnd: f64,
    /// TCP pacing from cwnd and SRTT, when the controller has no pacing rate of its own.
    pub pacing: Option<Pacing>,
}

/// What one step's send did, payload bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Sent {
    pub new: f64,
    pub retx: f64,
}

/// One flow's sender.
pub(crate) struct Sender {
    pub cc: Box<dyn CongestionControl>,
    cfg: SenderConfig,
    mss_f: f64,
    /// Data may flow (the handshake is done).
    pub established: bool,

    pub sent_new: f64,
    pub sent_total: f64,
    /// Bytes retransmitted over the run.
    pub retransmitted: f64,
    pub acked: f64,
    /// Whole bytes already reported to the controller as acked.
    acked_reported: u64,
    pub pipe: f64,

    /// Losses revealed but not yet detected: of data sent before the open episode's mark,
    /// after it, and of retransmissions.
    pending_old: f64,
    pending_new: f64,
    pending_retx: f64,
    /// ACKed bytes seen with or since the oldest pending loss.
    acked_since_loss: f64,
    /// Bytes marked lost and not yet retransmitted.
    pub retx_queue: f64,
    /// The part of `retx_queue` that repeats retransmissions found lost by DupThresh
    /// (RACK's job in the packet engine): sending it re-arms the RTO timer.
    repeats: f64,
    /// Marked-lost bytes whose retransmission is not yet ACKed: of the open episode, and
    /// of data sent after its mark (they open the next one).
    holes_old: f64,
    holes_new: f64,
    /// RFC 6675 §5 (3): the first retransmission of an episode, one segment, goes out at
    /// once, whatever the window. The fluid may reveal that segment's loss over two steps
    /// (a step's data comes back spread over the slots it straddles), so this is a budget
    /// of one MSS spent as the lost bytes are marked, not just what is marked at the
    /// event: otherwise the last sliver of the lost segment would wait for the pipe to
    /// drain below the halved window, and the recovery would last half an RTT longer than
    /// a packet sender's.
    fast_retransmit: f64,
    episode: Option<Episode>,
    /// The largest mark among the slots that came back.
    returned_mark: f64,

    /// RFC 6298 state, seconds.
    pub srtt: Option<f64>,
    rttvar: f64,
    pub min_rtt: f64,
    rto: f64,
    backoff: u32,
    consecutive_rto: u32,
    /// When the RTO timer expires: armed with the backed-off RTO when it is (re)started,
    /// and not shortened when a later sample collapses the backoff (RFC 6298 (5.1),
    /// (5.3), (5.6) arm a timer; the packet engine keeps its deadline too).
    rto_at: Time,
    pub timeouts: u64,

    pub rwnd: f64,
    /// The last send was limited by cwnd (Linux `tcp_is_cwnd_limited`).
    cwnd_limited: bool,
    /// The controller's cwnd and ssthresh (bytes) and pacing rate (wire bytes per second),
    /// read after each of its events: they change only in its hooks, and a virtual call
    /// per flow and step for each showed in profiles.
    cwnd: f64,
    ssthresh: f64,
    pacing: Option<f64>,
}

/// The controller's window in bytes, or why it is unusable.
pub(crate) fn check_window(cc: &dyn CongestionControl) -> Result<u64, String> {
    let cwnd = cc.cwnd().as_u64();
    if cwnd == 0 {
        Err("cwnd is zero".into())
    } else if cwnd > MAX_WINDOW {
        Err(format!("cwnd is {cwnd} bytes, above 1 TB"))
    } else {
        Ok(cwnd)
    }
}

impl Sender {
    pub fn new(cc: Box<dyn CongestionControl>, cfg: SenderConfig) -> Sender {
        let (cwnd, ssthresh) = (cc.cwnd().as_f64(), cc.ssthresh().as_f64());
        let pacing = cc.pacing_rate().map(|r| r.bytes_per_sec());
        Sender {
            cc,
            cwnd,
            ssthresh,
            pacing,
            mss_f: cfg.mss.as_f64(),
            cfg,
            established: false,
            sent_new: 0.0,
            sent_total: 0.0,
            retransmitted: 0.0,
            acked: 0.0,
            acked_reported: 0,
            pipe: 0.0,
            pending_old: 0.0,
            pending_new: 0.0,
            pending_retx: 0.0,
            acked_since_loss: 0.0,
            retx_queue: 0.0,
            repeats: 0.0,
            holes_old: 0.0,
            holes_new: 0.0,
            fast_retransmit: 0.0,
            episode: None,
            returned_mark: 0.0,
            srtt: None,
            rttvar: 0.0,
            min_rtt: f64::INFINITY,
            // RFC 6298 (2.1): 1 s before any sample.
            rto: 1.0,
            backoff: 0,
            consecutive_rto: 0,
            rto_at: Time::ZERO,
            timeouts: 0,
            rwnd: cfg.rwnd,
            cwnd_limited: true,
        }
    }

    /// Checks the controller's window after one of its hooks ran and caches what the
    /// sender reads from it.
    fn refresh(&mut self) -> Result<(), String> {
        self.cwnd = check_window(self.cc.as_ref())? as f64;
        self.ssthresh = self.cc.ssthresh().as_f64();
        self.pacing = self.cc.pacing_rate().map(|r| r.bytes_per_sec());
        Ok(())
    }

    /// The controller's congestion window, bytes.
    pub fn cwnd(&self) -> f64 {
        self.cwnd
    }

    /// The handshake completed. `rtt` is the SYN's round trip, a valid first sample unless
    /// the SYN was retransmitted (Karn), in which case RFC 6298 (5.7) starts data with a
    /// 3 s RTO.
    pub fn establish(&mut self, rtt: Option<f64>) {
        self.established = true;
        match rtt {
            Some(r) => self.sample_rtt(r),
            None => self.rto = 3.0,
        }
    }

    pub fn in_recovery(&self) -> bool {
        self.episode.is_some_and(|e| !e.after_rto)
    }

    /// RFC 6298 (2.2)–(2.3), one sample per step (an aggregated ACK), α = 1/8, β = 1/4.
    fn sample_rtt(&mut self, r: f64) {
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2.0;
            }
            Some(s) => {
                self.rttvar = 0.75 * self.rttvar + 0.25 * (s - r).abs();
                self.srtt = Some(0.875 * s + 0.125 * r);
            }
        }
        let srtt = self.srtt.unwrap_or(r);
        self.rto = (srtt + (4.0 * self.rttvar).hi(self.cfg.granularity).hi(self.cfg.min_rto)).lo(RTO_MAX);
        self.min_rtt = self.min_rtt.lo(r);
    }

    // Rounded with casts (which saturate, and map NaN and negatives to 0) rather than
    // f64::round, a library call on baseline x86-64 that showed in profiles. Through i64:
    // x86-64 converts to signed integers in one instruction, to unsigned ones in a
    // branchy sequence; durations (< 292 years) and byte counts (< 8 EB) fit.
    fn dur(s: f64) -> Duration {
        Duration::from_nanos(((s * 1e9 + 0.5) as i64).max(0) as u64)
    }

    fn bytes(b: f64) -> Bytes {
        Bytes::new(((b + 0.5) as i64).max(0) as u64)
    }

    /// Processes what came back in one step: `slot`, at `now`, with `base` the fixed part
    /// of the RTT (propagation and serialisation), seconds. Returns the RTT sample, if any,
    /// and the acked bytes it covers.
    pub fn on_slot(&mut self, slot: &Slot, now: Time, base: f64) -> Result<Option<(f64, f64)>, String> {
        if let Some(r) = slot.rwnd() {
            self.rwnd = r;
        }
        let acked = slot.acked();
        let lost = slot.lost();
        if !self.established || (acked <= 0.0 && lost <= 0.0) {
            return Ok(None);
        }
        let prior_pipe = self.pipe;
        // SND.UNA stops at the oldest loss not yet repaired: ACKs of later data only
        // SACK it.
        let una_blocked = self.unrepaired() > EPS;
        self.returned_mark = self.returned_mark.hi(slot.mark);
        self.pipe = (self.pipe - acked).hi(0.0);
        self.acked = (self.acked + acked).lo(self.sent_new);
        // Nothing lost, nothing pending, no episode, no retransmission acknowledged: the
        // loss and recovery bookkeeping below would change nothing (most steps).
        let quiet =
            slot.lost() <= 0.0 && slot.acked_retx <= 0.0 && self.episode.is_none() && self.pending() <= 0.0;
        if !quiet {
            self.track_losses(slot, now, acked, prior_pipe)?;
        }
        if acked <= 0.0 {
            return Ok(None);
        }

        // RFC 6298 (5.3): an ACK that acknowledges new data, i.e. advances SND.UNA,
        // restarts the timer. While a loss is outstanding (revealed and waiting for
        // DupThresh, or marked and not yet repaired) only the ACK of a retransmission
        // does: the fluid does not order bytes, but the lost bytes are older than the
        // data whose ACKs reveal them, so those ACKs are SACKs above the hole and leave
        // SND.UNA and the timer alone (the packet engine restarts it on cumulative
        // advances only). A flow whose repair stalls (its retransmission lost again in a
        // window too small to return DupThresh segments) then times out as TCP does,
        // rather than being kept alive by a trickle of ACKs of data sent after the hole.
        // And a TCP ACK covers whole bytes: a step's ACK of less than a byte (the tail of
        // a step's data spread over the slots it straddles, or rounding noise of
        // window - pipe sent and returned round after round) neither restarts the timer
        // nor collapses its backoff. At 5 % loss such noise, sent into a window whose
        // other bytes were lost, kept flows silent for hundreds of seconds without a
        // timeout.
        let advanced = if una_blocked { slot.acked_retx } else { acked };
        if advanced >= ACK_MIN {
            self.arm(now);
            self.consecutive_rto = 0;
        }
        if acked >= ACK_MIN {
            // A valid sample collapses the backoff (RFC 6298 §5, after (5.7)); a running
            // timer keeps its deadline.
            self.backoff = 0;
        }
        // With timestamps (the 52 header bytes include them) every ACK gives a valid
        // sample, retransmissions included (RFC 7323), so Karn's rule does not apply.
        let rtt = base + slot.delay_weighted / acked;
        self.sample_rtt(rtt);

        let total = Self::bytes(self.acked).as_u64();
        let newly = total.saturating_sub(self.acked_reported);
        if newly > 0 {
            self.acked_reported = total;
            let mut ack = Ack::new(now, Bytes::new(newly), self.cfg.mss);
            ack.rtt = Some(Self::dur(rtt));
            ack.min_rtt = Self::dur(self.min_rtt);
            ack.srtt = Self::dur(self.srtt.unwrap_or(rtt));
            ack.bytes_in_flight = Self::bytes(self.pipe);
            ack.prior_in_flight = Self::bytes(prior_pipe);
            ack.delivered = Bytes::new(total);
            ack.snd_una = total;
            ack.snd_nxt = Self::bytes(self.sent_new).as_u64().max(total);
            ack.in_recovery = self.in_recovery();
            ack.cwnd_limited = self.cwnd_limited;
            self.cc.on_ack(&ack);
            self.refresh()?;
        }
        Ok(Some((rtt, acked)))
    }

    /// The loss and recovery bookkeeping of one slot: retransmissions repair holes, the
    /// losses it reveals wait for DupThresh segments of ACKs, then an episode may end or
    /// begin.
    fn track_losses(&mut self, slot: &Slot, now: Time, acked: f64, prior_pipe: f64) -> Result<(), String> {
        self.repair(slot.acked_retx);
        // Losses this slot reveals wait for DupThresh segments of ACKs.
        let lost = slot.lost();
        if lost > 0.0 {
            let before_mark = self.episode.is_some_and(|e| slot.lost_mark <= e.mark);
            if before_mark {
                self.pending_old += slot.lost_new;
            } else {
                self.pending_new += slot.lost_new;
            }
            self.pending_retx += slot.lost_retx;
        }
        if self.pending() > 0.0 {
            self.acked_since_loss += acked;
        }

        self.try_exit(now, prior_pipe)?;
        if self.pending() > EPS && self.acked_since_loss >= DUP_THRESH * self.mss_f {
            self.detect(now, prior_pipe)?;
        }

        Ok(())
    }

    fn pending(&self) -> f64 {
        self.pending_old + self.pending_new + self.pending_retx
    }

    /// Lost bytes not yet repaired: revealed and waiting for detection, or marked lost
    /// and their retransmission not yet acknowledged (the retransmission queue is part of
    /// the holes).
    fn unrepaired(&self) -> f64 {
        self.pending() + self.holes_old + self.holes_new
    }

    /// The RTO with its exponential backoff (RFC 6298 (5.5)), capped at 120 s, seconds.
    fn timeout(&self) -> f64 {
        (self.rto * f64::from(1u32 << self.backoff.min(16))).lo(RTO_MAX)
    }

    /// (Re)starts the retransmission timer at `now`.
    fn arm(&mut self, now: Time) {
        self.rto_at = now + Self::dur(self.timeout());
    }

    /// Retransmissions ACKed fill the oldest holes first (the retransmission queue is
    /// served in the order losses were marked).
    fn repair(&mut self, bytes: f64) {
        let old = bytes.lo(self.holes_old);
        self.holes_old -= old;
        self.holes_new = (self.holes_new - (bytes - old)).hi(0.0);
    }

    /// Ends the episode once the ACKs are past its mark and its holes are repaired; holes
    /// left from data sent after the mark open the next one at once.
    fn try_exit(&mut self, now: Time, prior_pipe: f64) -> Result<(), String> {
        let Some(ep) = self.episode else { return Ok(()) };
        if self.returned_mark < ep.mark || self.holes_old > EPS || self.pending_old > EPS {
            return Ok(());
        }
        let mut ev = RecoveryExit::new(now, Self::bytes(self.pipe), self.cfg.mss);
        ev.after_rto = ep.after_rto;
        self.cc.on_recovery_exit(&ev);
        self.refresh()?;
        self.episode = None;
        self.fast_retransmit = 0.0;
        self.holes_old = 0.0;
        if self.holes_new > EPS {
            let lost = std::mem::take(&mut self.holes_new);
            self.holes_old = lost;
            self.congestion(now, prior_pipe, lost)?;
        }
        Ok(())
    }

    /// Marks the pending losses lost; outside an episode that is a congestion event.
    fn detect(&mut self, now: Time, prior_pipe: f64) -> Result<(), String> {
        let lost = self.pending();
        self.pipe = (self.pipe - lost).hi(0.0);
        self.retx_queue += lost;
        self.repeats += self.pending_retx;
        if self.episode.is_some() {
            self.holes_old += self.pending_old;
            self.holes_new += self.pending_new;
        } else {
            self.holes_old += self.pending_old + self.pending_new;
        }
        self.pending_old = 0.0;
        self.pending_new = 0.0;
        self.pending_retx = 0.0;
        self.acked_since_loss = 0.0;
        if self.episode.is_none() {
            self.congestion(now, prior_pipe, lost)?;
        }
        Ok(())
    }

    fn congestion(&mut self, now: Time, flight: f64, lost: f64) -> Result<(), String> {
        let mut ev = Congestion::new(now, CongestionKind::Loss, Self::bytes(flight), self.cfg.mss);
        ev.lost = Self::bytes(lost);
        ev.srtt = Self::dur(self.srtt.unwrap_or(0.0));
        ev.min_rtt = Self::dur(if self.min_rtt.is_finite() { self.min_rtt } else { 0.0 });
        self.cc.on_congestion(&ev);
        self.refresh()?;
        self.episode = Some(Episode { mark: self.sent_total, after_rto: false });
        self.fast_retransmit = self.mss_f;
        Ok(())
    }

    /// Fires the RTO if it is due at `now`.
    pub fn check_rto(&mut self, now: Time) -> Result<bool, String> {
        if !self.established || self.pipe <= EPS {
            return Ok(false);
        }
        if now < self.rto_at {
            return Ok(false);
        }
        self.consecutive_rto += 1;
        self.timeouts += 1;
        let mut ev = Rto::new(now, Self::bytes(self.pipe), self.cfg.mss);
        ev.consecutive = self.consecutive_rto;
        self.cc.on_rto(&ev);
        self.refresh()?;
        let lost = self.pending();
        self.pipe = (self.pipe - lost).hi(0.0);
        self.retx_queue += lost;
        self.holes_old += self.holes_new + self.pending_old + self.pending_new;
        self.holes_new = 0.0;
        self.pending_old = 0.0;
        self.pending_new = 0.0;
        self.pending_retx = 0.0;
        self.acked_since_loss = 0.0;
        self.fast_retransmit = 0.0;
        // The timeout re-arms the timer itself.
        self.repeats = 0.0;
        self.episode = Some(Episode { mark: self.sent_total, after_rto: true });
        if self.timeout() < RTO_MAX {
            self.backoff += 1;
        }
        // RFC 6298 (5.6): restart the timer with the doubled RTO.
        self.arm(now);
        Ok(true)
    }

    /// Sends for one step of `dt` seconds: retransmissions first, then new data, as much
    /// as min(cwnd, rwnd) − pipe allows (and the pacing rate, if the controller has one).
    pub fn send(&mut self, now: Time, dt: f64, wire_per_payload: f64) -> Sent {
        if !self.established {
            return Sent::default();
        }
        let cwnd = self.cwnd;
        let window = cwnd.lo(self.rwnd);
        let mut allowance = (window - self.pipe).hi(0.0);
        let window_allowance = allowance;
        let tcp_pacing = || {
            let (p, srtt) = (self.cfg.pacing?, self.srtt?);
            Some(p.rate(cwnd, self.ssthresh, cwnd.hi(self.pipe), srtt, wire_per_payload))
        };
        if let Some(rate) = self.pacing.or_else(tcp_pacing) {
            allowance = allowance.lo(rate * dt / wire_per_payload);
        }
        let available = self.cfg.size.map_or(f64::INFINITY, |s| (s - self.sent_new).hi(0.0));
        let forced = self.fast_retransmit.lo(self.retx_queue);
        self.fast_retransmit -= forced;
        let retx = (forced + (self.retx_queue - forced).lo(allowance)).lo(self.retx_queue);
        let new = (allowance - (retx - forced)).hi(0.0).lo(available);
        // Linux tcp_is_cwnd_limited: the window, not the receiver or the application,
        // held the sender back; in slow start also while cwnd < 2 x in flight.
        let demand = self.retx_queue + available;
        let after = self.pipe + retx + new;
        let ssthresh = self.ssthresh;
        self.cwnd_limited =
            (cwnd <= self.rwnd && demand > window_allowance + EPS) || (cwnd < ssthresh && cwnd < 2.0 * after);
        if retx + new > 0.0 && self.pipe <= EPS && self.holes_old + self.holes_new <= EPS {
            // RFC 6298 (5.1): sending with nothing outstanding starts the timer. Holes are
            // outstanding (SND.UNA < SND.NXT) even when all of them are marked lost and
            // none is in flight: their timer keeps running.
            self.arm(now);
        }
        self.pipe = after;
        self.sent_total += retx + new;
        self.sent_new += new;
        self.retx_queue -= retx;
        if self.repeats > 0.0 {
            // The packet engine (following Linux, which re-arms whenever it retransmits
            // the head; RFC 6675 §6 allows re-arming on retransmissions) re-arms the
            // timer when it repeats a lost retransmission of SND.UNA's segment, so that
            // the repair is not overtaken by a timer counted from the last cumulative
            // advance. Holes are repaired oldest first, so a repeat is taken to be of the
            // head.
            let repeated = retx.lo(self.repeats);
            self.repeats -= repeated;
            if repeated >= ACK_MIN {
                self.arm(now);
            }
        }
        self.retransmitted += retx;
        Sent { new, retx }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cclab_algorithms::reno::Reno;

    const MSS: f64 = 1448.0;

    /// A Reno sender with IW10 whose handshake measured 100 ms: SRTT 0.1 s, RTTVAR 0.05 s,
    /// RTO = 0.1 + max(4 x 0.05, 0.2) = 0.3 s; it has sent its 10 segments at t = 0.
    fn sender() -> Sender {
        let cc = Box::new(Reno::new(Bytes::new(10 * 1448)));
        let cfg = SenderConfig {
            mss: Bytes::new(1448),
            size: None,
            min_rto: 0.2,
            granularity: 0.001,
            rwnd: 1e9,
            pacing: None,
        };
        let mut s = Sender::new(cc, cfg);
        s.establish(Some(0.1));
        let sent = s.send(Time::ZERO, 0.001, 1500.0 / MSS);
        assert_eq!(sent.new, 10.0 * MSS);
        s
    }

    fn slot(acked_new: f64, acked_retx: f64, lost_new: f64) -> Slot {
        Slot { acked_new, acked_retx, lost_new, mark: 10.0 * MSS, lost_mark: 10.0 * MSS, ..Slot::EMPTY }
    }

    fn at(s: f64) -> Time {
        Time::from_secs_f64(s)
    }

    #[test]
    fn acks_above_an_unrepaired_hole_do_not_restart_the_retransmission_timer() {
        let mut s = sender();
        // t = 100 ms: one segment ACKed, the next lost. The ACK advances SND.UNA up to the
        // hole and restarts the timer; with the sample R = 100 ms, RTTVAR = 0.75 x 0.05 =
        // 0.0375 s and RTO = 0.1 + max(0.15, 0.2) = 0.3 s: due at 0.4 s.
        s.on_slot(&slot(MSS, 0.0, MSS), at(0.1), 0.1).unwrap();
        // t = 200 ms: another segment SACKed above the hole. Two segments of ACKs are
        // below DupThresh (3), so the loss is still undetected; SND.UNA is stuck at the
        // hole (RFC 6298 (5.3) restarts only on new cumulative data), so the timer is not
        // restarted to 0.5 s: it fires at 0.4 s.
        s.on_slot(&slot(MSS, 0.0, 0.0), at(0.2), 0.1).unwrap();
        assert!(!s.check_rto(at(0.399)).unwrap());
        assert!(s.check_rto(at(0.401)).unwrap());
        assert_eq!(s.timeouts, 1);
    }

    #[test]
    fn the_ack_of_a_retransmission_restarts_the_retransmission_timer() {
        let mut s = sender();
        // As above, due at 0.4 s after the ACK before the hole; at 150 ms two more
        // segments are SACKed: DupThresh reached, the hole is marked lost and its fast
        // retransmission goes out at once.
        s.on_slot(&slot(MSS, 0.0, MSS), at(0.1), 0.1).unwrap();
        s.on_slot(&slot(2.0 * MSS, 0.0, 0.0), at(0.15), 0.1).unwrap();
        assert!(s.in_recovery());
        let sent = s.send(at(0.15), 0.001, 1500.0 / MSS);
        assert_eq!(sent.retx, MSS);
        // Its ACK at 250 ms repairs the hole, SND.UNA advances: due at 0.25 + RTO (0.3 s
        // within 10 ms: the samples keep SRTT at 0.1 s and RTTVAR under 0.05 s).
        s.on_slot(&slot(0.0, MSS, 0.0), at(0.25), 0.1).unwrap();
        let rto = s.timeout();
        assert!((rto - 0.3).abs() < 0.01, "{rto}");
        assert!(!s.check_rto(at(0.25 + rto - 0.001)).unwrap());
        assert!(s.check_rto(at(0.25 + rto + 0.001)).unwrap());
    }

    #[test]
    fn repeating_a_lost_retransmission_rearms_the_retransmission_timer() {
        let mut s = sender();
        // The hole's fast retransmission goes out at 150 ms, as above (timer due at 0.4 s
        // from the ACK before the hole).
        s.on_slot(&slot(MSS, 0.0, MSS), at(0.1), 0.1).unwrap();
        s.on_slot(&slot(2.0 * MSS, 0.0, 0.0), at(0.15), 0.1).unwrap();
        assert_eq!(s.send(at(0.15), 0.001, 1500.0 / MSS).retx, MSS);
        // At 250 ms the ACKs of three later segments reveal that the retransmission was
        // lost too and reach DupThresh (RACK's job in the packet engine). Reno halved
        // cwnd to 5 MSS and 3 MSS are in flight, so the repeat goes out at once and, as
        // the packet engine does for a repeat of SND.UNA's segment, re-arms the timer:
        // due at 0.25 + 0.3 s rather than 0.4 s, when the repeat could not be back yet.
        let lost_again = Slot { lost_retx: MSS, ..slot(3.0 * MSS, 0.0, 0.0) };
        s.on_slot(&lost_again, at(0.25), 0.1).unwrap();
        assert_eq!(s.send(at(0.25), 0.001, 1500.0 / MSS).retx, MSS);
        assert!(!s.check_rto(at(0.45)).unwrap());
        let rto = s.timeout();
        assert!(s.check_rto(at(0.25 + rto + 0.001)).unwrap());
    }

    #[test]
    fn an_ack_of_less_than_a_byte_does_not_restart_the_retransmission_timer() {
        let mut s = sender();
        // No loss outstanding: a whole segment ACKed at 100 ms restarts the timer (due at
        // 0.4 s, as above); 1e-9 bytes at 200 ms, rounding noise of the fluid, do not.
        s.on_slot(&slot(MSS, 0.0, 0.0), at(0.1), 0.1).unwrap();
        s.on_slot(&slot(1e-9, 0.0, 0.0), at(0.2), 0.1).unwrap();
        assert!(s.check_rto(at(0.401)).unwrap());
    }
}
