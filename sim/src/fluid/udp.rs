//! UDP sources: unresponsive constant-bit-rate or on-off fluid.

use super::rng::Stream;
use crate::scenario::UdpSource;
use cclab_algorithms::Time;

/// One UDP source. Times are seconds since the start.
#[derive(Debug, Clone)]
pub(crate) struct Udp {
    /// Sending rate while on, wire bytes per second.
    rate: f64,
    start: f64,
    stop: f64,
    /// Wire bytes per packet, to count packets.
    pub packet: f64,
    /// Mean on and off periods, seconds, for an on-off source.
    on_off: Option<(f64, f64)>,
    on: bool,
    /// When the current on or off period ends.
    switch_at: f64,
    rng: Stream,
}

impl Udp {
    pub fn new(src: &UdpSource, end: Time, mut rng: Stream) -> Udp {
        let start = src.start.as_secs_f64();
        let on_off = match (src.on, src.off) {
            (Some(on), Some(off)) => Some((on.as_secs_f64(), off.as_secs_f64())),
            _ => None,
        };
        let switch_at = match on_off {
            Some((on, _)) => start + rng.exponential(on),
            None => f64::INFINITY,
        };
        Udp {
            rate: src.rate.bytes_per_sec(),
            start,
            stop: src.stop.unwrap_or(end).as_secs_f64(),
            packet: src.packet_size.as_f64(),
            on_off,
            on: true,
            switch_at,
            rng,
        }
    }

    /// Wire bytes sent in (from, to]: the rate times the time spent on in that interval.
    pub fn send(&mut self, from: Time, to: Time) -> f64 {
        let (mut a, b) = (from.as_secs_f64().max(self.start), to.as_secs_f64().min(self.stop));
        let mut on_time = 0.0;
        while a < b {
            let until = self.switch_at.min(b);
            if self.on {
                on_time += until - a;
            }
            a = until;
            if self.switch_at <= b {
                if let Some((on, off)) = self.on_off {
                    self.on = !self.on;
                    self.switch_at += self.rng.exponential(if self.on { on } else { off });
                }
            }
        }
        self.rate * on_time
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fluid::rng::StreamKind;
    use cclab_algorithms::{Bytes, Duration, Rate};

    fn src(on_off: Option<(u64, u64)>) -> UdpSource {
        UdpSource {
            rate: Rate::from_mbps(8),
            start: Time::ZERO + Duration::from_millis(100),
            stop: Some(Time::ZERO + Duration::from_millis(600)),
            packet_size: Bytes::new(1500),
            on: on_off.map(|(on, _)| Duration::from_millis(on)),
            off: on_off.map(|(_, off)| Duration::from_millis(off)),
        }
    }

    fn total(u: &mut Udp) -> f64 {
        let ms = |m| Time::ZERO + Duration::from_millis(m);
        (0..1000).map(|k| u.send(ms(k), ms(k + 1))).sum()
    }

    #[test]
    fn a_cbr_source_sends_its_rate_between_start_and_stop() {
        // 8 Mbit/s = 1 MB/s for 0.5 s: 500,000 bytes.
        let mut u =
            Udp::new(&src(None), Time::ZERO + Duration::from_secs(1), Stream::new(1, StreamKind::Udp, 0));
        assert!((total(&mut u) - 500_000.0).abs() < 1e-6);
    }

    #[test]
    fn an_on_off_source_is_on_for_its_share_of_the_time() {
        // Equal mean on and off periods of 5 ms: on half the time, so ~250 kB in 0.5 s;
        // 100 cycles give a relative error of ~10 %, allow 25 %.
        let mut u = Udp::new(
            &src(Some((5, 5))),
            Time::ZERO + Duration::from_secs(1),
            Stream::new(1, StreamKind::Udp, 0),
        );
        let sent = total(&mut u);
        assert!((sent / 250_000.0 - 1.0).abs() < 0.25, "{sent}");
    }
}
