//! The shared bottleneck: random loss, the queue discipline (drop-tail or RED in front of
//! the same buffer), and the server (a fixed rate or a Mahimahi trace).
//!
//! The queue is FIFO, so a packet's departure time is known when it is admitted: a
//! fixed-rate server starts it when the previous packet has left. Packets are therefore
//! never events here; the caller puts an admitted packet straight into its flow's delay
//! line with its arrival time at the receiver. The buffer counts the bytes of packets
//! waiting behind the one in service (a buffer of zero holds only the packet in service),
//! tracked with a FIFO of (time it reaches the head, bytes).

use super::histogram::Histogram;
use super::loss::Loss;
use super::red::Red;
use super::trace_server::TraceServer;
use crate::trace::OPPORTUNITY_BYTES;
use std::collections::VecDeque;

#[derive(Debug, Clone)]
pub(crate) enum Server {
    /// Wire bits per second, and the transmission time of a 1500-byte packet (ns), cached.
    Rate {
        bps: u64,
        tx1500: u64,
    },
    Trace(TraceServer),
}

/// Why a packet was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropCause {
    RandomLoss,
    Red,
    Overflow,
}

/// Bottleneck counters. Those marked "window" cover [warm-up, end].
#[derive(Debug, Clone)]
pub(crate) struct LinkStats {
    /// Arrivals during the window (packets).
    pub arrivals: u64,
    /// Drops during the window (packets).
    pub drops: u64,
    /// Drops over the whole run, by cause.
    pub drops_random: u64,
    pub drops_red: u64,
    pub drops_overflow: u64,
    /// Time the fixed-rate server was busy during the window, ns.
    pub busy_ns: u64,
    /// Queueing delay of packets dequeued during the window.
    pub qdelay: Histogram,
    /// Integral of the waiting bytes over the window, byte x ns.
    pub queue_integral: u128,
}

#[derive(Debug)]
pub(crate) struct Bottleneck {
    buffer: u64,
    pub server: Server,
    red: Option<Red>,
    loss: Loss,
    /// Departure time of the last admitted packet.
    last_dep: u64,
    /// Packets waiting behind the head: (time each reaches the head, wire bytes).
    waiting: VecDeque<(u64, u64)>,
    waiting_bytes: u64,
    w0: u64,
    w1: u64,
    pub stats: LinkStats,
}

/// Overlap of [a, b) with [w0, w1), ns.
#[inline]
fn overlap(a: u64, b: u64, w0: u64, w1: u64) -> u64 {
    b.min(w1).saturating_sub(a.max(w0))
}

impl Bottleneck {
    /// `window` is [warm-up, end] in ns.
    pub fn new(buffer: u64, server: Server, red: Option<Red>, loss: Loss, window: (u64, u64)) -> Bottleneck {
        Bottleneck {
            buffer,
            server,
            red,
            loss,
            last_dep: 0,
            waiting: VecDeque::with_capacity(1024),
            waiting_bytes: 0,
            w0: window.0,
            w1: window.1,
            stats: LinkStats {
                arrivals: 0,
                drops: 0,
                drops_random: 0,
                drops_red: 0,
                drops_overflow: 0,
                busy_ns: 0,
                qdelay: Histogram::new(),
                queue_integral: 0,
            },
        }
    }

    /// Bytes waiting (not in service) at `now`; `now` never decreases between calls.
    #[inline]
    pub fn queue_bytes(&mut self, now: u64) -> u64 {
        while let Some(&(ready, bytes)) = self.waiting.front() {
            if ready > now {
                break;
            }
            self.waiting_bytes -= bytes;
            self.waiting.pop_front();
        }
        self.waiting_bytes
    }

    /// A packet of `wire` bytes from loss source `source` arrives at `now`. Returns its
    /// departure time, or why it was dropped.
    #[inline]
    pub fn arrive(&mut self, now: u64, wire: u64, source: usize) -> Result<u64, DropCause> {
        let in_window = now >= self.w0 && now < self.w1;
        self.stats.arrivals += u64::from(in_window);
        let verdict = self.decide(now, wire, source);
        if let Err(cause) = verdict {
            self.stats.drops += u64::from(in_window);
            match cause {
                DropCause::RandomLoss => self.stats.drops_random += 1,
                DropCause::Red => self.stats.drops_red += 1,
                DropCause::Overflow => self.stats.drops_overflow += 1,
            }
            return Err(cause);
        }
        let ready = now.max(self.last_dep);
        let (dep, dequeued) = match &mut self.server {
            Server::Rate { bps, tx1500 } => {
                let tx = if wire == 1500 { *tx1500 } else { tx_time(*bps, wire) };
                let dep = ready + tx;
                self.stats.busy_ns += overlap(ready, dep, self.w0, self.w1);
                (dep, ready)
            }
            Server::Trace(t) => {
                let (_start, dep) = t.serve(now, ready, wire);
                // mm-link's delay is departure minus arrival: delivery at an opportunity
                // is instantaneous.
                (dep, dep)
            }
        };
        self.last_dep = dep;
        if dequeued >= self.w0 && dequeued < self.w1 {
            self.stats.qdelay.record(dequeued - now);
        }
        if ready > now {
            self.waiting.push_back((ready, wire));
            self.waiting_bytes += wire;
            self.stats.queue_integral += u128::from(wire) * u128::from(overlap(now, ready, self.w0, self.w1));
        }
        Ok(dep)
    }

    #[inline]
    fn decide(&mut self, now: u64, wire: u64, source: usize) -> Result<(), DropCause> {
        if self.loss.lose(source) {
            return Err(DropCause::RandomLoss);
        }
        let queue = self.queue_bytes(now);
        let busy = self.last_dep > now;
        if let Some(red) = &mut self.red {
            let idle = if busy || queue > 0 { 0 } else { now - self.last_dep.min(now) };
            if red.drop_early(queue, idle) {
                return Err(DropCause::Red);
            }
        }
        // An idle server takes the packet into service at once; otherwise it must fit.
        if busy && queue + wire > self.buffer {
            return Err(DropCause::Overflow);
        }
        Ok(())
    }

    /// Link utilisation over the window: busy time over window length (fixed rate), or
    /// bytes out over 1500 x the opportunities in the window (trace, reference §4).
    pub fn utilization(&self) -> f64 {
        let span = self.w1 - self.w0;
        match &self.server {
            Server::Rate { .. } => self.stats.busy_ns as f64 / span.max(1) as f64,
            Server::Trace(t) => {
                let opps = t.opportunities_until(self.w1) - t.opportunities_until(self.w0);
                let cap = opps * OPPORTUNITY_BYTES.as_u64();
                if cap == 0 { 0.0 } else { t.served_in_window as f64 / cap as f64 }
            }
        }
    }

    /// Time-averaged waiting bytes over the window.
    pub fn mean_queue(&self) -> f64 {
        self.stats.queue_integral as f64 / (self.w1 - self.w0).max(1) as f64
    }
}

/// Time to serialise `wire` bytes at `bps`, rounded up to the nanosecond.
#[inline]
pub(crate) fn tx_time(bps: u64, wire: u64) -> u64 {
    ((u128::from(wire) * 8_000_000_000).div_ceil(u128::from(bps))) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::LossModel;

    fn link(buffer: u64) -> Bottleneck {
        // 12 Mbit/s: a 1500-byte packet takes 1 ms.
        let server = Server::Rate { bps: 12_000_000, tx1500: 1_000_000 };
        Bottleneck::new(buffer, server, None, Loss::new(&LossModel::None, 1, 1), (0, 1_000_000_000))
    }

    #[test]
    fn departures_are_back_to_back_behind_the_head() {
        let mut l = link(3000);
        assert_eq!(l.arrive(0, 1500, 0), Ok(1_000_000));
        assert_eq!(l.arrive(0, 1500, 0), Ok(2_000_000));
        assert_eq!(l.arrive(0, 1500, 0), Ok(3_000_000));
        assert_eq!(l.queue_bytes(0), 3000);
        // The buffer (3000 B) is full: the fourth is dropped.
        assert_eq!(l.arrive(0, 1500, 0), Err(DropCause::Overflow));
        // At 1 ms the second enters service: room for one more.
        assert_eq!(l.queue_bytes(1_000_000), 1500);
        assert_eq!(l.arrive(1_000_000, 1500, 0), Ok(4_000_000));
    }

    #[test]
    fn a_zero_buffer_holds_only_the_packet_in_service() {
        let mut l = link(0);
        assert_eq!(l.arrive(0, 1500, 0), Ok(1_000_000));
        assert_eq!(l.arrive(500_000, 52, 0), Err(DropCause::Overflow));
        assert_eq!(l.arrive(1_000_000, 1500, 0), Ok(2_000_000));
    }

    #[test]
    fn queue_statistics_integrate_over_the_window() {
        let mut l = link(10_000);
        // Two packets at t = 0: the second waits 1 ms, so the queue holds 1500 B for 1 ms.
        l.arrive(0, 1500, 0).unwrap();
        l.arrive(0, 1500, 0).unwrap();
        assert_eq!(l.stats.queue_integral, 1500 * 1_000_000);
        assert_eq!(l.stats.busy_ns, 2_000_000);
        assert_eq!(l.stats.qdelay.count(), 2);
        assert!((l.mean_queue() - 1.5).abs() < 1e-9); // 1500 B x 1 ms / 1 s
        assert!((l.utilization() - 0.002).abs() < 1e-12);
    }

    #[test]
    fn transmission_time_rounds_up() {
        // 1500 B at 7 Mbit/s = 1,714,285.7 ns.
        assert_eq!(tx_time(7_000_000, 1500), 1_714_286);
        assert_eq!(tx_time(1_000_000_000, 1500), 12_000);
    }
}
