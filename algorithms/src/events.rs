//! The events a TCP sender reports to its congestion controller, one struct per hook.
//!
//! Every struct is `#[non_exhaustive]`: a simulator builds them with their `new` function
//! and sets fields, so adding a field later does not break plug-ins. Sequence numbers are
//! byte offsets relative to the flow's first data byte (the ISN is not exposed).
//!
//! Units: instants are [`Time`] (nanoseconds since the start of the run), spans are
//! [`Duration`] (nanoseconds), amounts of data are [`Bytes`] of TCP payload (headers are
//! never counted). A zero RTT field means "no sample yet".

use crate::units::{Bytes, Duration, Time};

/// An ACK that acknowledged new data, cumulatively or by SACK.
///
/// Delivered by the sender once per arriving ACK that newly acknowledges bytes, after its
/// scoreboard, RTT estimator and recovery state have been updated (the Linux order:
/// `pkts_acked`, then `cong_avoid`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Ack {
    /// When the ACK arrived at the sender; simulated time since the start of the run.
    pub now: Time,
    /// Bytes newly acknowledged by this ACK (cumulative advance plus newly SACKed bytes).
    /// A stretch or aggregated ACK may cover many segments (byte counting, RFC 3465).
    pub acked: Bytes,
    /// The RTT measured by this ACK, if valid under Karn's rule (never from a
    /// retransmitted segment); a duration, `None` when this ACK gives no valid sample.
    pub rtt: Option<Duration>,
    /// The smallest RTT sample seen so far on this connection, a duration (zero before the
    /// first sample).
    pub min_rtt: Duration,
    /// The smoothed RTT (RFC 6298 SRTT), a duration (zero before the first sample).
    pub srtt: Duration,
    /// Bytes in flight after this ACK was processed.
    pub bytes_in_flight: Bytes,
    /// Bytes in flight just before this ACK (what Linux calls prior_in_flight).
    pub prior_in_flight: Bytes,
    /// Total bytes delivered to the receiver so far (cumulatively or SACKed).
    pub delivered: Bytes,
    /// Sender maximum segment size: the payload bytes of a full segment.
    pub mss: Bytes,
    /// The cumulative ACK point after this ACK (SND.UNA), a byte offset relative to the
    /// first data byte.
    pub snd_una: u64,
    /// The next new byte the sender will send (SND.NXT), a byte offset relative to the
    /// first data byte.
    pub snd_nxt: u64,
    /// The sender is in fast recovery (started by [`Congestion`]); controllers hold their
    /// window, as Linux calls no `cong_avoid` in Recovery. After an RTO the sender is not
    /// "in recovery" in this sense: slow start runs (Linux's Loss state).
    pub in_recovery: bool,
    /// Growth is earned on this ACK: the sender filled its window recently (RFC 9438 §5.8,
    /// Linux `tcp_is_cwnd_limited`), and, in the packet engine, the ACK advanced SND.UNA
    /// (Linux `tcp_may_raise_cwnd`: an ACK that only SACKs data delivers it but does not
    /// open the window). Controllers should not grow when it is false; they still see the
    /// ACK's RTT sample and delivered bytes.
    pub cwnd_limited: bool,
}

impl Ack {
    /// An ACK of `acked` bytes at `now` for segments of `mss` bytes. Every other field has
    /// a neutral value to be set: no RTT sample (zero RTTs), nothing in flight or delivered,
    /// sequence numbers 0, not in recovery, cwnd-limited.
    pub fn new(now: Time, acked: Bytes, mss: Bytes) -> Ack {
        Ack {
            now,
            acked,
            rtt: None,
            min_rtt: Duration::ZERO,
            srtt: Duration::ZERO,
            bytes_in_flight: Bytes::ZERO,
            prior_in_flight: Bytes::ZERO,
            delivered: Bytes::ZERO,
            mss,
            snd_una: 0,
            snd_nxt: 0,
            in_recovery: false,
            cwnd_limited: true,
        }
    }
}

/// What signalled congestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CongestionKind {
    /// Loss inferred from duplicate ACKs or the SACK scoreboard (fast retransmit).
    Loss,
    /// An ECN congestion-experienced mark echoed by the receiver.
    Ecn,
}

/// The start of a recovery episode. Called once per episode, before the fast retransmit;
/// the controller sets ssthresh and its window for the recovery that follows.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Congestion {
    /// When the sender detected the congestion; simulated time since the start of the run.
    pub now: Time,
    /// Loss or ECN.
    pub kind: CongestionKind,
    /// FlightSize in bytes when the loss was detected (RFC 5681 eq. 4 uses it; Linux uses
    /// cwnd).
    pub bytes_in_flight: Bytes,
    /// Bytes the sender has marked lost so far in this episode.
    pub lost: Bytes,
    /// Sender maximum segment size, payload bytes.
    pub mss: Bytes,
    /// The smoothed RTT (RFC 6298 SRTT), a duration (zero before the first sample).
    pub srtt: Duration,
    /// The smallest RTT sample of the connection, a duration (zero before the first sample).
    pub min_rtt: Duration,
}

impl Congestion {
    /// A congestion event of `kind` at `now` with `bytes_in_flight` outstanding; nothing
    /// marked lost yet and zero RTTs, to be set.
    pub fn new(now: Time, kind: CongestionKind, bytes_in_flight: Bytes, mss: Bytes) -> Congestion {
        Congestion {
            now,
            kind,
            bytes_in_flight,
            lost: Bytes::ZERO,
            mss,
            srtt: Duration::ZERO,
            min_rtt: Duration::ZERO,
        }
    }
}

/// A retransmission timeout fired.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Rto {
    /// When the timer fired; simulated time since the start of the run.
    pub now: Time,
    /// Bytes that were outstanding when the timer fired (all now presumed lost).
    pub bytes_in_flight: Bytes,
    /// Sender maximum segment size, payload bytes.
    pub mss: Bytes,
    /// A count: 1 for the first timeout of this segment, 2 for the next one without
    /// progress, ... RFC 5681 §3.1 and Linux lower ssthresh only on the first.
    pub consecutive: u32,
}

impl Rto {
    /// The first timeout (`consecutive` = 1) at `now` with `bytes_in_flight` outstanding.
    pub fn new(now: Time, bytes_in_flight: Bytes, mss: Bytes) -> Rto {
        Rto { now, bytes_in_flight, mss, consecutive: 1 }
    }
}

/// Fast recovery (or RTO recovery) ended: a cumulative ACK passed the recovery point.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RecoveryExit {
    /// When the recovery point was passed; simulated time since the start of the run.
    pub now: Time,
    /// Bytes in flight after the ACK that ended recovery.
    pub bytes_in_flight: Bytes,
    /// Sender maximum segment size, payload bytes.
    pub mss: Bytes,
    /// True when the episode being closed began with an RTO rather than fast retransmit.
    pub after_rto: bool,
}

impl RecoveryExit {
    /// The end of a fast-recovery episode (`after_rto` false) at `now`.
    pub fn new(now: Time, bytes_in_flight: Bytes, mss: Bytes) -> RecoveryExit {
        RecoveryExit { now, bytes_in_flight, mss, after_rto: false }
    }
}

/// The last reduction was found to be spurious (DSACK, timestamps, F-RTO): restore the
/// state saved before it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Undo {
    /// When the reduction was found spurious; simulated time since the start of the run.
    pub now: Time,
    /// Sender maximum segment size, payload bytes.
    pub mss: Bytes,
}

impl Undo {
    /// An undo at `now`.
    pub fn new(now: Time, mss: Bytes) -> Undo {
        Undo { now, mss }
    }
}
