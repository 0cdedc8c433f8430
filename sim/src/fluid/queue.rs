//! The bottleneck as a fluid queue: dq/dt = Σ arrival rates − capacity, clipped to
//! [0, buffer] (reference §3.9, the q equation of Misra, Gong, Towsley 2000), integrated
//! over one step at a time, with drop-tail overflow and RED early drops.

use super::FastOrd;
use crate::scenario::RedParams;
use crate::trace::{CapacityTrace, OPPORTUNITY_BYTES};
use cclab_algorithms::Time;

/// How fast the bottleneck serves.
#[derive(Debug, Clone)]
pub(crate) enum Service {
    /// A constant rate, wire bytes per second.
    Fixed(f64),
    /// A Mahimahi schedule of 1500-byte opportunities (reference §5).
    Trace(CapacityTrace),
}

impl Service {
    /// Wire bytes the link can send in (from, to]: rate x time, or 1500 B per trace
    /// opportunity in the interval (an opportunity that finds no backlog is lost, §5).
    pub fn capacity(&self, from: Time, to: Time) -> f64 {
        match self {
            Service::Fixed(rate) => rate * (to - from).as_secs_f64(),
            Service::Trace(t) => {
                (t.opportunities_until(to) - t.opportunities_until(from)) as f64 * OPPORTUNITY_BYTES.as_f64()
            }
        }
    }

    /// Seconds until a FIFO backlog of `bytes` present at `at` has been served: bytes / C,
    /// or the time of the opportunity that carries its last byte.
    pub fn drain_time(&self, at: Time, bytes: f64) -> f64 {
        if bytes <= 0.0 {
            return 0.0;
        }
        match self {
            Service::Fixed(rate) => bytes / rate,
            Service::Trace(t) => {
                let next = t.opportunities_until(at);
                let needed = (bytes / OPPORTUNITY_BYTES.as_f64()).ceil().max(1.0) as u64;
                t.opportunity(next + needed - 1).since(at).as_secs_f64()
            }
        }
    }
}

/// RED state (Floyd & Jacobson 1993), thresholds resolved to bytes.
#[derive(Debug, Clone)]
pub(crate) struct Red {
    min_th: f64,
    max_th: f64,
    max_p: f64,
    w: f64,
    gentle: bool,
    /// The EWMA of the queue, wire bytes.
    pub avg: f64,
}

impl Red {
    pub fn new(p: &RedParams, min_th: f64, max_th: f64) -> Red {
        Red { min_th, max_th, max_p: p.max_probability, w: p.weight, gentle: p.gentle, avg: 0.0 }
    }

    /// FJ93 updates avg ← (1−w)·avg + w·q at every arrival; n arrivals that all see q give
    /// avg ← (1−w)^n·avg + (1 − (1−w)^n)·q. An idle queue decays avg as if m packets had
    /// arrived to an empty queue, m = idle time / packet transmission time (FJ93 §4).
    pub fn update(&mut self, q: f64, arrivals_packets: f64, idle_packets: f64) {
        let keep = (1.0 - self.w).powf(arrivals_packets);
        self.avg = keep * self.avg + (1.0 - keep) * q;
        if idle_packets > 0.0 {
            self.avg *= (1.0 - self.w).powf(idle_packets);
        }
    }

    /// p_b: 0 below min_th, rising linearly to max_p at max_th; "gentle" RED (Floyd 2000)
    /// rises on to 1 at 2·max_th; plain RED drops everything at and above max_th.
    pub fn p_b(&self) -> f64 {
        let avg = self.avg;
        if avg < self.min_th {
            0.0
        } else if avg < self.max_th {
            self.max_p * (avg - self.min_th) / (self.max_th - self.min_th).max(1e-9)
        } else if self.gentle && avg < 2.0 * self.max_th {
            self.max_p + (1.0 - self.max_p) * (avg - self.max_th) / self.max_th.max(1e-9)
        } else {
            1.0
        }
    }

    /// The fraction of arrivals dropped early. FJ93 spreads drops with
    /// p_a = p_b / (1 − count·p_b), which makes the number of arrivals between drops
    /// uniform on {1, …, 1/p_b}: mean (1 + 1/p_b)/2, so a fraction 2·p_b/(1 + p_b) of
    /// arrivals is dropped, not p_b. ~ (FJ93 §7 as recalled; the comparison suite checks
    /// it against the packet engine's RED.)
    pub fn drop_fraction(&self) -> f64 {
        let p = self.p_b();
        if p >= 1.0 { 1.0 } else { 2.0 * p / (1.0 + p) }
    }
}

/// What one step did at the queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Served {
    /// Fraction of the (post-RED) arrivals that fit into the buffer.
    pub accepted: f64,
    /// Wire bytes the link sent.
    pub served: f64,
    /// Wire bytes dropped by overflow.
    pub overflow: f64,
}

/// The queue itself.
#[derive(Debug, Clone)]
pub(crate) struct Bottleneck {
    /// Backlog, wire bytes, in [0, buffer].
    pub q: f64,
    /// Buffer, wire bytes.
    pub buffer: f64,
    pub service: Service,
    pub red: Option<Red>,
}

impl Bottleneck {
    /// One step of dq/dt = A/dt − C over `capacity` bytes of service: q' = q + A − cap,
    /// clipped below at 0 (the link idles; the unused capacity is lost) and above at the
    /// buffer (drop-tail: the excess is dropped, and since the fluid mixes the step's
    /// arrivals, every source loses the same fraction of what it sent).
    pub fn serve(&mut self, arrivals: f64, capacity: f64) -> Served {
        let mut next = self.q + arrivals - capacity;
        let mut overflow = 0.0;
        if next > self.buffer {
            overflow = (next - self.buffer).lo(arrivals);
            next = self.buffer;
        }
        let next = next.hi(0.0);
        let accepted_bytes = arrivals - overflow;
        let served = (self.q + accepted_bytes - next).hi(0.0);
        self.q = next;
        Served { accepted: if arrivals > 0.0 { accepted_bytes / arrivals } else { 1.0 }, served, overflow }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BufferSize;
    use crate::scenario::RedParams;
    use cclab_algorithms::Duration;

    fn queue(buffer: f64) -> Bottleneck {
        Bottleneck { q: 0.0, buffer, service: Service::Fixed(1_250_000.0), red: None }
    }

    #[test]
    fn the_queue_integrates_the_rate_difference_and_clips_at_the_buffer() {
        let mut b = queue(10_000.0);
        // 3000 B in, 1250 B out per ms: +1750 B.
        let s = b.serve(3000.0, 1250.0);
        assert_eq!((b.q, s.served, s.overflow, s.accepted), (1750.0, 1250.0, 0.0, 1.0));
        // 20,000 more: q would be 20,500; 10,500 overflow, so 47.5 % of arrivals is accepted.
        let s = b.serve(20_000.0, 1250.0);
        assert_eq!((b.q, s.overflow), (10_000.0, 10_500.0));
        assert!((s.accepted - 0.475).abs() < 1e-12);
        // Nothing arrives: the queue drains by the capacity and never goes negative.
        for _ in 0..10 {
            b.serve(0.0, 1250.0);
        }
        assert_eq!(b.q, 0.0);
        let s = b.serve(500.0, 1250.0);
        assert_eq!((b.q, s.served), (0.0, 500.0));
    }

    #[test]
    fn a_zero_buffer_passes_only_what_the_step_can_serve() {
        let mut b = queue(0.0);
        let s = b.serve(2000.0, 1250.0);
        assert_eq!((b.q, s.served, s.overflow), (0.0, 1250.0, 750.0));
    }

    #[test]
    fn a_fixed_link_drains_a_backlog_at_its_rate_and_a_trace_by_opportunities() {
        // 10 Mbit/s = 1.25 MB/s: 12,500 B take 10 ms.
        let fixed = Service::Fixed(1_250_000.0);
        assert!((fixed.drain_time(Time::ZERO, 12_500.0) - 0.010).abs() < 1e-12);
        let ms = |m| Time::ZERO + Duration::from_millis(m);
        assert!((fixed.capacity(ms(0), ms(2)) - 2500.0).abs() < 1e-9);
        // One opportunity per ms at 1, 2, 3, ... ms: 3000 B at t = 0.5 ms need two
        // opportunities, the second at 2 ms: 1.5 ms.
        let t = CapacityTrace::parse("t", &(1..=10).map(|i| format!("{i}\n")).collect::<String>()).unwrap();
        let trace = Service::Trace(t);
        let at = Time::ZERO + Duration::from_micros(500);
        assert!((trace.drain_time(at, 3000.0) - 0.0015).abs() < 1e-12);
        assert_eq!(trace.capacity(ms(0), ms(3)), 4500.0);
    }

    #[test]
    fn red_drops_nothing_below_min_th_and_rises_linearly() {
        let p = RedParams {
            min_threshold: BufferSize::Bytes(cclab_algorithms::Bytes::new(10_000)),
            max_threshold: BufferSize::Bytes(cclab_algorithms::Bytes::new(30_000)),
            max_probability: 0.1,
            weight: 0.002,
            gentle: true,
        };
        let mut red = Red::new(&p, 10_000.0, 30_000.0);
        red.avg = 9_999.0;
        assert_eq!(red.p_b(), 0.0);
        red.avg = 20_000.0; // halfway: p_b = 0.05, dropped fraction 0.1 / 1.05
        assert!((red.p_b() - 0.05).abs() < 1e-12);
        assert!((red.drop_fraction() - 0.1 / 1.05).abs() < 1e-12);
        red.avg = 45_000.0; // gentle: 0.1 + 0.9 x 15/30 = 0.55
        assert!((red.p_b() - 0.55).abs() < 1e-12);
        red.avg = 60_000.0;
        assert_eq!(red.drop_fraction(), 1.0);
        // The average moves toward q by 1 − (1−w)^n after n arrivals: n = 1000 gives
        // 1 − 0.998^1000 = 0.8649 of the way from 0 to 50,000 = 43,246.
        red.avg = 0.0;
        red.update(50_000.0, 1000.0, 0.0);
        assert!((red.avg - 50_000.0 * (1.0 - 0.998f64.powi(1000))).abs() < 1e-6);
        assert!((red.avg - 43_246.0).abs() < 1.0, "{}", red.avg);
    }
}
