//! The fluid engine: a time-stepped model whose cost does not grow with the link rate,
//! running the same controller objects as the packet engine and returning the same
//! [`Report`].
//!
//! # The model
//!
//! Time advances in steps of `dt` (by default min(1 ms, smallest base RTT / 20);
//! [`Scenario::fluid_step`] overrides it; it may not exceed the smallest base RTT). Step k
//! covers (k·dt, (k+1)·dt] and does, in order:
//!
//! 1. **Receivers.** Data reaching each receiver joins its buffer; the application reads at
//!    its rate (or at once); the advertised window (the free space, reference §1.11) is
//!    stamped on the ACKs that return to the sender half a base RTT later.
//! 2. **ACKs.** What returns to each sender in the step arrives as one aggregated ACK: the
//!    acknowledged bytes (possibly many segments; the controllers count bytes), one RTT
//!    sample (base RTT + one packet's serialisation + the byte-weighted queueing delay the
//!    data saw), bytes in flight, delivered bytes, SND.UNA / SND.NXT as byte counters and
//!    whether the sender is in recovery (`sender.rs` has the loss, recovery and RTO rules).
//! 3. **Sending.** Each sender sends retransmissions, then new data, up to
//!    min(cwnd, rwnd) − in flight (and its pacing rate, if the controller has one).
//!    Because the sender is ACK-clocked, it sends min(cwnd, rwnd)/RTT(t) on average with
//!    RTT(t) = base + q/C — the rate of the Misra–Gong–Towsley model (reference §3.9) — but
//!    it also keeps the packet sender's bursts: slow start doubles the window every round
//!    trip (reference §3.11), where the pure rate form would grow by only e^Ω ≈ 1.76.
//! 4. **The bottleneck.** Random loss hits arrivals first (per flow, see `loss.rs`); RED
//!    drops early from its average queue; the queue then integrates
//!    dq/dt = Σ arrival rates − C, clipped to [0, buffer] (see `queue.rs`). Drop-tail
//!    overflow falls first on what each source sent beyond what its ACKs of the step
//!    clocked out (window growth, slow start's second segment, the burst that ends a
//!    recovery), then on the rest in proportion: in a full FIFO, ACK-clocked packets
//!    arrive spaced like the departures that freed their places, and the surplus arrives
//!    back to back with them and finds the queue full. That is why drop-tail synchronises
//!    Reno flows in a packet queue (each growing flow loses a packet per overflow), and
//!    the fluid does the same. Capacity is the link rate, or 1500 B per Mahimahi
//!    opportunity in the step. The queue's drops (overflow and RED, whose early drops hit
//!    offers in proportion) are then handed out as whole packets: the expected packets,
//!    with a remainder carried between steps, go to sources drawn in proportion to their
//!    expected drops (one draw per step, systematic sampling); a source that sent less
//!    than its drawn packets in the step owes the rest, taken from what it sends next,
//!    so that a drop is one whole packet of one source. A fluid that took a sliver
//!    from every flow would make every flow halve at once even under RED; whole packets
//!    give each flow loss indications at (its packet rate) x (drop probability), the
//!    Poisson loss process of the MGT model, and let the seed decide which flows lose, as
//!    sub-millisecond timing does in a packet queue.
//! 5. **The delay line.** Each flow's accepted bytes leave the FIFO spread over the step's
//!    service interval (the first after the queueing delay d(start), the last after
//!    dt + d(end)), and their ACKs are put in the flow's `delay_line.rs` one fixed RTT
//!    later, together with the lost bytes, which those same ACKs reveal.
//!
//! Flows open with a SYN (lost like data; resent after 1 s, 2 s, ...); data flows one
//! round trip later. A sized flow completes when its application has read the last byte
//! (FCT from the first SYN). UDP sources add their constant or on-off rate.
//!
//! # Units and choices
//!
//! * The queue is in wire bytes; a flow's payload is scaled by (MSS + 52)/MSS on the
//!   wire (a full segment with [`crate::scenario::HEADER_BYTES`]), so a saturated link has
//!   a goodput of capacity × MSS/(MSS + 52).
//! * A zero buffer holds one packet (the packet engine's "packet in service").
//! * Queueing delay percentiles are weighted per byte that enters the queue (the delay it
//!   will see), which is per departing packet when packets have one size; RTT percentiles
//!   are per acknowledged byte.
//! * Utilisation, goodput, drops, queue delay and mean window cover [warm-up, end];
//!   `delivered_bytes`, `retransmits` and `timeouts` cover the whole run.
//! * Goodput counts payload when it reaches the receiver, as the packet engine counts
//!   first arrivals (the fluid has no duplicates: a retransmission arrives only for a byte
//!   whose original was lost), not when the application reads it; `delivered_bytes` is
//!   what the application read.
//! * An unsized flow whose application reads at once is read when its sender takes the
//!   ACKs (its buffer never holds data, so nothing else depends on the receiver): the
//!   summary goodput is the same, but its time series of goodput lags the receiver by
//!   half a base RTT.
//! * Not modelled: delayed ACKs (the controllers count bytes, so their growth does not
//!   depend on the ACK pattern), NewReno's one-hole-per-RTT repair (every flow recovers
//!   like SACK), PRR (retransmissions wait for pipe < cwnd, as in RFC 6675),
//!   per-packet send jitter (the start offsets still differ per seed), sequence order at
//!   the receiver (received bytes are readable at once).
//! * RED drops a fraction 2·p_b/(1 + p_b) of arrivals, FJ93's rate with its count-based
//!   spacing (see `Red::drop_fraction` in `queue.rs`).
//!
//! `Report::work` is the number of steps, which depends on the duration and the step
//! only: the engine's cost per simulated second does not grow with the link rate.

mod delay_line;
mod engine;
mod loss;
mod metrics;
mod queue;
mod receiver;
mod rng;
mod sender;
mod series;
mod udp;

#[cfg(test)]
mod tests;

use crate::error::SimError;
use crate::report::Report;
use crate::scenario::Scenario;
use cclab_algorithms::Registry;

pub use engine::default_step;

/// `max` and `min` for the fluid's hot paths. `f64::max` and `f64::min` must return the
/// other operand when one is NaN, which costs a compare-and-blend sequence each; in
/// profiles they took a tenth of the step. The fluid's quantities are never NaN (byte
/// counts, delays and positions computed from finite inputs), so a plain comparison is
/// enough.
pub(crate) trait FastOrd {
    /// The larger of `self` and `other`.
    fn hi(self, other: f64) -> f64;
    /// The smaller of `self` and `other`.
    fn lo(self, other: f64) -> f64;
}

impl FastOrd for f64 {
    // Written as x86's MAXSD and MINSD compute them (`a > b ? a : b`, `a < b ? a : b`), so
    // that each is one branch-free instruction.
    #[inline(always)]
    fn hi(self, other: f64) -> f64 {
        if self > other { self } else { other }
    }

    #[inline(always)]
    fn lo(self, other: f64) -> f64 {
        if self < other { self } else { other }
    }
}

/// Runs `scenario` with the fluid model, building each flow's controller from `registry`.
///
/// # Errors
///
/// [`SimError::Invalid`] for a scenario that fails validation or a step that is zero or
/// longer than the smallest base RTT; [`SimError::Algorithm`] when the registry rejects a
/// flow's algorithm or parameters; [`SimError::BadController`] when a controller's window
/// becomes zero or larger than 1 TB.
pub fn run(scenario: &Scenario, registry: &Registry) -> Result<Report, SimError> {
    let mut engine = engine::Engine::new(scenario, registry)?;
    while engine.k < engine.steps {
        engine.step()?;
    }
    Ok(engine.finish())
}
