//! The congestion-controller plug-in trait.

use crate::events::{Ack, Congestion, RecoveryExit, Rto, Undo};
use crate::units::{Bytes, Rate};

/// A congestion controller: the window rules of one algorithm for one flow.
///
/// The split follows Linux's `tcp_congestion_ops`: the TCP sender owns loss detection,
/// retransmission, the RTO timer, SACK and flow control, and tells the controller what
/// happened; the controller owns only the congestion window, ssthresh and optionally a
/// pacing rate. The same object therefore runs in the packet and the fluid simulator.
///
/// When each hook is called:
/// * [`on_ack`](Self::on_ack): every ACK that newly acknowledges data, including during
///   recovery (`ack.in_recovery`), when the controller should hold its window.
/// * [`on_congestion`](Self::on_congestion): once per recovery episode, when the sender
///   enters fast recovery (third duplicate ACK or the SACK loss rule) or sees an ECN echo.
///   Sets ssthresh and the window to recover with.
/// * [`on_rto`](Self::on_rto): the retransmission timer fired. Sets ssthresh (on the first
///   consecutive timeout) and the loss window.
/// * [`on_recovery_exit`](Self::on_recovery_exit): a cumulative ACK passed the recovery
///   point. Linux sets cwnd = ssthresh here; Westwood+ sets both from its estimate.
/// * [`on_undo`](Self::on_undo): the last reduction was spurious.
///
/// Windows are in bytes. The trait is object safe: simulators hold `Box<dyn
/// CongestionControl>`. A controller that needs randomness gets a seed from its factory
/// ([`crate::FlowContext::seed`]) and never seeds itself.
///
/// # Example
///
/// A fixed-window controller, driven by hand:
///
/// ```
/// use cclab_algorithms::{Ack, Bytes, Congestion, CongestionControl, CongestionKind, Rto, Time};
///
/// struct Fixed { cwnd: Bytes }
///
/// impl CongestionControl for Fixed {
///     fn name(&self) -> &'static str { "fixed" }
///     fn on_ack(&mut self, _ack: &Ack) {}
///     fn on_congestion(&mut self, _ev: &Congestion) {}
///     fn on_rto(&mut self, _ev: &Rto) {}
///     fn cwnd(&self) -> Bytes { self.cwnd }
///     fn ssthresh(&self) -> Bytes { Bytes::MAX }
/// }
///
/// let mss = Bytes::new(1448);
/// let mut cc: Box<dyn CongestionControl> = Box::new(Fixed { cwnd: Bytes::segments(10, mss) });
/// cc.on_ack(&Ack::new(Time::ZERO, mss, mss));
/// cc.on_congestion(&Congestion::new(Time::ZERO, CongestionKind::Loss, mss, mss));
/// assert_eq!(cc.cwnd(), Bytes::new(14_480));
/// ```
pub trait CongestionControl: Send {
    /// The registry name of the algorithm ("cubic").
    fn name(&self) -> &'static str;

    /// New data was acknowledged.
    fn on_ack(&mut self, ack: &Ack);

    /// A recovery episode begins (loss by duplicate ACKs or SACK, or ECN).
    fn on_congestion(&mut self, ev: &Congestion);

    /// The retransmission timer expired.
    fn on_rto(&mut self, ev: &Rto);

    /// Recovery ended. Default: nothing (the window set at entry stays).
    fn on_recovery_exit(&mut self, _ev: &RecoveryExit) {}

    /// The last reduction was spurious. Default: keep the reduced window (safe, never
    /// more aggressive than without undo).
    fn on_undo(&mut self, _ev: &Undo) {}

    /// The congestion window in bytes; the sender keeps at most this much in flight
    /// (further limited by the receiver's advertised window).
    fn cwnd(&self) -> Bytes;

    /// The slow-start threshold in bytes (`Bytes::MAX` before the first reduction).
    fn ssthresh(&self) -> Bytes;

    /// A pacing rate, if the algorithm paces. Default: none (ACK-clocked).
    fn pacing_rate(&self) -> Option<Rate> {
        None
    }

    /// Reports named internal variables (W_max, K, base RTT, BWE, ...) for traces, in a
    /// fixed order and with the unit in the name where it is not segments
    /// ("base_rtt_ms"). Called at the trace interval, not per packet.
    fn internals(&self, _out: &mut dyn FnMut(&'static str, f64)) {}
}
