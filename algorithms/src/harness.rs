//! A scripted driver for controllers, for the built-ins' tests and for plug-in authors.
//!
//! It models an ACK-clocked sender on a path with a fixed RTT and no queue: each *round*
//! sends one congestion window (whole segments) and receives its ACKs evenly spread over
//! the next RTT, each with an RTT sample equal to the path RTT (unless set otherwise).
//! Losses and timeouts are injected by the script. A test then reads like a scenario:
//!
//! ```
//! use cclab_algorithms::harness::{Harness, MSS};
//! use cclab_algorithms::{Duration, FlowContext, Registry};
//!
//! let reno = Registry::with_builtins().build_default("reno", &FlowContext::new(MSS)).unwrap();
//! let mut h = Harness::new(reno, Duration::from_millis(40));
//! assert_eq!(h.cwnd_segments(), 10.0);
//! h.round();                       // slow start: 10 -> 20
//! assert_eq!(h.cwnd_segments(), 20.0);
//! h.loss();                        // halve
//! assert_eq!(h.cwnd_segments(), 10.0);
//! ```

use crate::controller::CongestionControl;
use crate::events::{Ack, Congestion, CongestionKind, RecoveryExit, Rto};
use crate::units::{Bytes, Duration, Time};

/// The default MSS of the harness: 1448 bytes, a 1500-byte packet with timestamps.
pub const MSS: Bytes = Bytes::new(1448);

/// Drives one controller through scripted rounds. See the module documentation.
pub struct Harness {
    cc: Box<dyn CongestionControl>,
    /// Simulated time since the start; advances by one RTT per round.
    pub now: Time,
    /// The path's round-trip time, a duration: the length of a round and the RTT sample.
    pub rtt: Duration,
    /// Segment size, payload bytes ([`MSS`] unless changed). Set it before the first
    /// round: the controller was built with its own MSS.
    pub mss: Bytes,
    /// Segments covered by each ACK, a count (1 = ACK every segment, 2 = delayed ACKs).
    pub segments_per_ack: u64,
    /// RTT sample to report instead of `rtt` (to emulate queueing), a duration; `None`
    /// uses `rtt`.
    pub rtt_sample: Option<Duration>,
    snd_una: u64,
    snd_nxt: u64,
    delivered: Bytes,
    min_rtt: Duration,
    srtt: Duration,
    in_recovery: bool,
    consecutive_rtos: u32,
}

impl Harness {
    /// A harness for `cc` on a path of round-trip time `rtt`, MSS 1448.
    pub fn new(cc: Box<dyn CongestionControl>, rtt: Duration) -> Harness {
        Harness {
            cc,
            now: Time::ZERO,
            rtt,
            mss: MSS,
            segments_per_ack: 1,
            rtt_sample: None,
            snd_una: 0,
            snd_nxt: 0,
            delivered: Bytes::ZERO,
            min_rtt: Duration::ZERO,
            srtt: Duration::ZERO,
            in_recovery: false,
            consecutive_rtos: 0,
        }
    }

    /// The controller under test.
    pub fn cc(&self) -> &dyn CongestionControl {
        self.cc.as_ref()
    }

    /// The controller, mutably (to call a hook directly).
    pub fn cc_mut(&mut self) -> &mut dyn CongestionControl {
        self.cc.as_mut()
    }

    /// cwnd in (fractional) segments.
    pub fn cwnd_segments(&self) -> f64 {
        self.cc.cwnd().in_segments(self.mss)
    }

    /// ssthresh in segments (`f64::INFINITY` before the first reduction).
    pub fn ssthresh_segments(&self) -> f64 {
        let s = self.cc.ssthresh();
        if s == Bytes::MAX { f64::INFINITY } else { s.in_segments(self.mss) }
    }

    /// Reads one of the controller's named internal variables.
    pub fn internal(&self, name: &str) -> Option<f64> {
        let mut found = None;
        self.cc.internals(&mut |n, v| {
            if n == name {
                found = Some(v);
            }
        });
        found
    }

    /// Whole segments the current window allows (at least one).
    fn window_segments(&self) -> u64 {
        (self.cc.cwnd().as_u64() / self.mss.as_u64()).max(1)
    }

    /// One round trip: send a window and ACK all of it. Returns cwnd (segments) after.
    pub fn round(&mut self) -> f64 {
        let n = self.window_segments();
        self.send_and_ack(n);
        self.cwnd_segments()
    }

    /// `n` rounds; returns cwnd (segments) after each.
    pub fn rounds(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.round()).collect()
    }

    /// Runs rounds until simulated time reaches `t`; returns (time, cwnd) after each.
    pub fn run_until(&mut self, t: Time) -> Vec<(Time, f64)> {
        let mut out = Vec::new();
        while self.now < t {
            let w = self.round();
            out.push((self.now, w));
        }
        out
    }

    /// Sends `segments` and ACKs them over one RTT in ACKs of `segments_per_ack`.
    pub fn send_and_ack(&mut self, segments: u64) {
        let start = self.now;
        let bytes = segments * self.mss.as_u64();
        self.snd_nxt = self.snd_una + bytes;
        let per_ack = self.segments_per_ack.max(1);
        let acks = segments.div_ceil(per_ack);
        for i in 0..acks {
            let segs = per_ack.min(segments - i * per_ack);
            let at = start + self.rtt.mul_f64((i + 1) as f64 / acks as f64);
            self.ack_at(at, Bytes::segments(segs, self.mss));
        }
        self.now = start + self.rtt;
    }

    /// Delivers one ACK of `acked` bytes at time `at` with the harness's RTT sample.
    pub fn ack_at(&mut self, at: Time, acked: Bytes) {
        let sample = self.rtt_sample.unwrap_or(self.rtt);
        if self.min_rtt.is_zero() || sample < self.min_rtt {
            self.min_rtt = sample;
        }
        // RFC 6298 smoothing, so controllers that read SRTT see a sensible value.
        self.srtt = if self.srtt.is_zero() {
            sample
        } else {
            Duration::from_nanos((self.srtt.as_nanos() * 7 + sample.as_nanos()) / 8)
        };
        let prior = Bytes::new(self.snd_nxt - self.snd_una);
        self.snd_una += acked.as_u64();
        self.snd_nxt = self.snd_nxt.max(self.snd_una);
        self.delivered += acked;
        self.consecutive_rtos = 0;
        let mut ack = Ack::new(at, acked, self.mss);
        ack.rtt = Some(sample);
        ack.min_rtt = self.min_rtt;
        ack.srtt = self.srtt;
        ack.prior_in_flight = prior;
        ack.bytes_in_flight = Bytes::new(self.snd_nxt - self.snd_una);
        ack.delivered = self.delivered;
        ack.snd_una = self.snd_una;
        ack.snd_nxt = self.snd_nxt;
        ack.in_recovery = self.in_recovery;
        ack.cwnd_limited = true;
        self.now = self.now.max(at);
        self.cc.on_ack(&ack);
    }

    /// A loss detected by duplicate ACKs with a full window in flight: the congestion
    /// hook, one RTT of recovery in which the window's ACKs arrive (the controller holds),
    /// then recovery exit. Returns cwnd (segments) after the exit.
    pub fn loss(&mut self) -> f64 {
        self.congestion(CongestionKind::Loss);
        let n = self.window_segments();
        self.send_and_ack(n);
        self.exit_recovery();
        self.cwnd_segments()
    }

    /// Only the congestion hook, with the current window in flight; the harness stays in
    /// recovery until [`exit_recovery`](Self::exit_recovery).
    pub fn congestion(&mut self, kind: CongestionKind) {
        let mut ev = Congestion::new(self.now, kind, self.cc.cwnd(), self.mss);
        ev.srtt = self.srtt;
        ev.min_rtt = self.min_rtt;
        self.in_recovery = true;
        self.cc.on_congestion(&ev);
    }

    /// Ends recovery.
    pub fn exit_recovery(&mut self) {
        self.in_recovery = false;
        let ev = RecoveryExit::new(self.now, Bytes::ZERO, self.mss);
        self.cc.on_recovery_exit(&ev);
    }

    /// The retransmission timer fires with a window in flight; time advances by the RTO
    /// the caller chooses. Returns cwnd (segments) after.
    pub fn timeout(&mut self, rto: Duration) -> f64 {
        self.now += rto;
        self.consecutive_rtos += 1;
        let mut ev = Rto::new(self.now, self.cc.cwnd(), self.mss);
        ev.consecutive = self.consecutive_rtos;
        self.in_recovery = false;
        self.cc.on_rto(&ev);
        self.cwnd_segments()
    }
}
