//! The congestion-controller plug-in trait.

use crate::events::{Ack, Congestion, RecoveryExit, Rto, Undo};
use crate::units::{Bytes, Rate};

/// A congestion controller: the window rules of one algorithm for one flow.
///
/// The split follows Linux's `tcp_congestion_ops`: the TCP sender owns loss detection
/// (duplicate ACKs, SACK), retransmission, the RTO timer (RFC 6298: Karn's rule, backoff,
/// minimum RTO), recovery (NewReno or SACK), flow control (the receiver's window) and
/// the spacing of packets at the pacing rate, and tells the controller what happened; the controller owns only
/// the congestion window, ssthresh and optionally a pacing rate. The same object
/// therefore runs in the packet and the fluid simulator. The sender keeps at most
/// min(cwnd, receiver window) bytes in flight and reads [`cwnd`](Self::cwnd) after every
/// hook; it never changes the window itself.
///
/// When each hook is called (in Linux's order for one ACK: RTT sample, then growth):
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
/// What a controller must keep: cwnd of at least one MSS (a smaller window stops the
/// flow), ssthresh of at least two MSS once set ([`crate::window::Window`] keeps both), and
/// determinism: no wall clock (time is `ev.now`), no randomness but a stream seeded from
/// [`crate::FlowContext::seed`], no iteration over hash maps that changes a result.
///
/// Windows are in bytes. The trait is object safe: simulators hold `Box<dyn
/// CongestionControl>`. docs/plugins.md in the repository is a step-by-step tutorial.
///
/// # Example
///
/// A complete plug-in: a fixed-window controller, its parameters (which are its factory),
/// its registration next to the built-ins, and a scripted test with the
/// [`harness`](crate::harness).
///
/// ```
/// use cclab_algorithms::harness::{Harness, MSS};
/// use cclab_algorithms::{
///     Ack, AlgorithmConfig, Bytes, Congestion, CongestionControl, Duration, FlowContext, Registry, Rto,
/// };
/// use serde::{Deserialize, Serialize};
///
/// /// A constant window that ignores congestion: a baseline.
/// struct Fixed {
///     cwnd: Bytes,
/// }
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
/// /// `fixed: {segments: 20}` in a spec.
/// #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// #[serde(default, deny_unknown_fields)]
/// struct FixedConfig {
///     /// The window, segments.
///     segments: u64,
/// }
///
/// impl Default for FixedConfig {
///     fn default() -> Self { FixedConfig { segments: 10 } }
/// }
///
/// impl AlgorithmConfig for FixedConfig {
///     const NAME: &'static str = "fixed";
///     const DESCRIPTION: &'static str = "a constant window, whatever happens";
///     const PARAMS: &'static [(&'static str, &'static str)] = &[("segments", "the window, segments")];
///
///     fn validate(&self) -> Result<(), String> {
///         if self.segments == 0 {
///             return Err("segments must be at least 1".into());
///         }
///         Ok(())
///     }
///
///     fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
///         Box::new(Fixed { cwnd: Bytes::segments(self.segments, ctx.mss) })
///     }
/// }
///
/// let mut registry = Registry::with_builtins();
/// registry.register::<FixedConfig>();
/// let factory = registry.configure("fixed", &serde_json::json!({"segments": 20})).unwrap();
/// let mut h = Harness::new(factory.build(&FlowContext::new(MSS)), Duration::from_millis(40));
/// assert_eq!(h.rounds(2), vec![20.0, 20.0]); // no slow start
/// assert_eq!(h.loss(), 20.0); // no reduction
///
/// let e = registry.configure("fixed", &serde_json::json!({"segment": 20})).unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "unknown parameter 'segment' for fixed (did you mean 'segments'?); its parameters are: segments"
/// );
/// ```
pub trait CongestionControl: Send {
    /// The registry name of the algorithm ("cubic"); usually `AlgorithmConfig::NAME`.
    fn name(&self) -> &'static str;

    /// New data was acknowledged. Grow the window here (slow start, then congestion
    /// avoidance), but not while `ack.in_recovery` (hold during fast recovery) nor while
    /// `!ack.cwnd_limited` (the window was not used). RTT samples (`ack.rtt`) arrive
    /// here whatever the state.
    fn on_ack(&mut self, ack: &Ack);

    /// A recovery episode begins (loss by duplicate ACKs or SACK, or ECN): set ssthresh
    /// and the window to recover with. Called once per episode, not per lost segment.
    fn on_congestion(&mut self, ev: &Congestion);

    /// The retransmission timer expired: lower ssthresh if `ev.consecutive == 1` and set
    /// the loss window (one segment in RFC 5681 and Linux). Slow start follows.
    fn on_rto(&mut self, ev: &Rto);

    /// Recovery ended (after fast recovery, or after an RTO's recovery when
    /// `ev.after_rto`). Default: nothing (the window set at entry stays).
    fn on_recovery_exit(&mut self, _ev: &RecoveryExit) {}

    /// The last reduction was spurious. Default: keep the reduced window (safe, never
    /// more aggressive than without undo).
    fn on_undo(&mut self, _ev: &Undo) {}

    /// The congestion window in bytes; the sender keeps at most this much in flight
    /// (further limited by the receiver's advertised window).
    fn cwnd(&self) -> Bytes;

    /// The slow-start threshold in bytes (`Bytes::MAX` before the first reduction).
    fn ssthresh(&self) -> Bytes;

    /// A pacing rate in bit/s, if the algorithm paces: the sender spaces its packets so as
    /// not to exceed it, within the window. Default: none (ACK-clocked).
    fn pacing_rate(&self) -> Option<Rate> {
        None
    }

    /// Reports named internal variables (W_max, K, base RTT, BWE, ...) for traces, in a
    /// fixed order and with the unit in the name where it is not segments
    /// ("base_rtt_ms"): call `out(name, value)` once per variable, the same names every
    /// time. Each becomes the column `flowI_<name>` of a run's trace file. Called at the
    /// trace interval, not per packet. Default: none.
    fn internals(&self, _out: &mut dyn FnMut(&'static str, f64)) {}
}
