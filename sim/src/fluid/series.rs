//! The time series: one sample per trace interval, of the queue and of every flow
//! (window, sending rate, goodput, smoothed RTT and the controller's internals).

use crate::report::{FlowSeries, TimeSeries};
use cclab_algorithms::{CongestionControl, Duration, Time};

/// One flow's state at a sample.
pub(crate) struct FlowSample<'a> {
    pub cwnd_segments: f64,
    /// Wire bytes the sender has emitted over the run.
    pub sent_wire: f64,
    /// Payload that has reached the receiver over the run (goodput counts arrivals).
    pub received: f64,
    /// Smoothed RTT, seconds (0 before the first sample).
    pub srtt: f64,
    pub cc: &'a dyn CongestionControl,
}

/// Collects samples at a fixed interval.
pub(crate) struct Recorder {
    interval: Duration,
    next: Time,
    last_at: Time,
    /// Per flow: wire bytes sent and payload received at the last sample.
    last: Vec<(f64, f64)>,
    out: TimeSeries,
}

impl Recorder {
    /// A recorder for `flows` flows; a zero interval records nothing.
    pub fn new(interval: Duration, flows: usize) -> Recorder {
        Recorder {
            interval,
            next: Time::ZERO + interval,
            last_at: Time::ZERO,
            last: vec![(0.0, 0.0); flows],
            out: TimeSeries { flows: vec![FlowSeries::default(); flows], ..TimeSeries::default() },
        }
    }

    /// A sample is due at the end of a step that reaches the next sample time.
    pub fn due(&self, now: Time) -> bool {
        !self.interval.is_zero() && now >= self.next
    }

    pub fn record<'a>(&mut self, now: Time, queue_bytes: f64, flows: impl Iterator<Item = FlowSample<'a>>) {
        let span = now.since(self.last_at).as_secs_f64().max(1e-12);
        let n = self.out.time_s.len();
        self.out.time_s.push(now.as_secs_f64());
        self.out.queue_bytes.push(queue_bytes);
        for ((s, series), last) in flows.zip(&mut self.out.flows).zip(&mut self.last) {
            series.cwnd_segments.push(s.cwnd_segments);
            series.rate_mbps.push((s.sent_wire - last.0) * 8.0 / span / 1e6);
            series.goodput_mbps.push((s.received - last.1) * 8.0 / span / 1e6);
            series.rtt_ms.push(s.srtt * 1e3);
            *last = (s.sent_wire, s.received);
            let internals = &mut series.internals;
            let mut position = 0;
            s.cc.internals(&mut |name, value| {
                // Controllers report a fixed list; a name that appears late is padded.
                let i = if internals.get(position).is_some_and(|(n, _)| n == name) {
                    position
                } else if let Some(i) = internals.iter().position(|(n, _)| n == name) {
                    i
                } else {
                    internals.push((name.to_string(), vec![f64::NAN; n]));
                    internals.len() - 1
                };
                internals[i].1.push(value);
                position = i + 1;
            });
            for (_, values) in internals.iter_mut() {
                values.resize(n + 1, f64::NAN);
            }
        }
        self.last_at = now;
        while self.next <= now {
            self.next += self.interval;
        }
    }

    pub fn finish(self) -> TimeSeries {
        self.out
    }
}
