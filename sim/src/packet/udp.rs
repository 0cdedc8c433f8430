//! Unresponsive UDP cross traffic: constant bit rate, or on-off with exponentially
//! distributed on and off periods (CBR while on). Datagrams share the bottleneck and are
//! absorbed after it; losses change nothing.

use super::bottleneck::tx_time;
use super::event::NEVER;
use super::rng::{Stream, stream};
use crate::scenario::UdpSource;

#[derive(Debug)]
pub(crate) struct Udp {
    /// Rate while on, bit/s.
    rate: u64,
    /// Wire bytes per datagram.
    pub size: u64,
    start: u64,
    stop: u64,
    /// Mean on and off periods, seconds.
    on_off: Option<(f64, f64)>,
    /// End of the current on period, ns.
    on_until: u64,
    rng: Stream,
    /// Datagrams and wire bytes sent.
    pub sent: u64,
    pub sent_bytes: u64,
}

/// What a UDP source does when its event fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UdpAction {
    /// Send a datagram now; wake again at the given time.
    Send(u64),
    /// Stay silent; wake again at the given time.
    Wait(u64),
    /// Finished.
    Done,
}

impl Udp {
    pub fn new(src: &UdpSource, index: usize, seed: u64, end: u64) -> Udp {
        Udp {
            rate: src.rate.as_bps(),
            size: src.packet_size.as_u64(),
            start: src.start.as_nanos(),
            stop: src.stop.map_or(end, |t| t.as_nanos()).min(end),
            on_off: src.on.zip(src.off).map(|(on, off)| (on.as_secs_f64(), off.as_secs_f64())),
            on_until: NEVER,
            rng: Stream::new(seed, stream::UDP + index as u64),
            sent: 0,
            sent_bytes: 0,
        }
    }

    /// When the source first wakes.
    pub fn first_event(&mut self) -> u64 {
        if let Some((on, _)) = self.on_off {
            self.on_until = self.start + secs(self.rng.exponential(on));
        }
        self.start
    }

    /// The source's event fired at `now`.
    pub fn fire(&mut self, now: u64) -> UdpAction {
        if now >= self.stop {
            return UdpAction::Done;
        }
        if let Some((on, off)) = self.on_off {
            if now >= self.on_until {
                let resume = now + secs(self.rng.exponential(off));
                self.on_until = resume + secs(self.rng.exponential(on));
                return UdpAction::Wait(resume);
            }
        }
        self.sent += 1;
        self.sent_bytes += self.size;
        UdpAction::Send(now + tx_time(self.rate, self.size))
    }
}

fn secs(s: f64) -> u64 {
    (s * 1e9).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use cclab_algorithms::{Bytes, Duration, Rate, Time};

    fn run(src: &UdpSource, end: u64) -> u64 {
        let mut u = Udp::new(src, 0, 1, end);
        let mut t = u.first_event();
        while let UdpAction::Send(next) | UdpAction::Wait(next) = u.fire(t) {
            t = next;
        }
        u.sent_bytes
    }

    #[test]
    fn a_cbr_source_sends_at_its_rate() {
        // 1.2 Mbit/s of 1500-byte datagrams = 100 per second: 1000 in 10 s.
        let src = UdpSource {
            rate: Rate::from_bps(1_200_000),
            start: Time::ZERO,
            stop: None,
            packet_size: Bytes::new(1500),
            on: None,
            off: None,
        };
        assert_eq!(run(&src, 10_000_000_000), 1000 * 1500);
    }

    #[test]
    fn an_on_off_source_sends_for_the_on_fraction_of_the_time() {
        // On 1 s, off 3 s on average: a quarter of 12 Mbit/s x 4000 s = 1.5 GB. Over ~1000
        // cycles the on fraction has a relative std of about 3.5%; allow 12%.
        let src = UdpSource {
            rate: Rate::from_mbps(12),
            start: Time::ZERO,
            stop: None,
            packet_size: Bytes::new(1500),
            on: Some(Duration::from_secs(1)),
            off: Some(Duration::from_secs(3)),
        };
        let bytes = run(&src, 4_000_000_000_000) as f64;
        assert!((bytes / 1.5e9 - 1.0).abs() < 0.12, "{bytes}");
    }
}
