//! The time-series recorder: one sample per trace interval, never one row per packet.

use crate::report::{FlowSeries, TimeSeries};
use cclab_algorithms::CongestionControl;

/// What one flow looks like at a sampling instant.
pub(crate) struct FlowSample<'a> {
    pub cwnd_segments: f64,
    /// Wire bytes the sender has emitted so far.
    pub wire_sent: u64,
    /// Payload bytes whose first copy has reached the receiver so far.
    pub received: u64,
    /// Smoothed RTT, ns.
    pub srtt: u64,
    pub cc: &'a dyn CongestionControl,
}

#[derive(Debug)]
pub(crate) struct Recorder {
    interval: u64,
    series: TimeSeries,
    /// Per flow: wire bytes sent and payload bytes received at the previous sample.
    last: Vec<(u64, u64)>,
}

impl Recorder {
    pub fn new(interval: u64, flows: usize, duration: u64) -> Recorder {
        let n = duration.checked_div(interval).unwrap_or(0) as usize;
        let flow = FlowSeries {
            cwnd_segments: Vec::with_capacity(n),
            rate_mbps: Vec::with_capacity(n),
            goodput_mbps: Vec::with_capacity(n),
            rtt_ms: Vec::with_capacity(n),
            internals: Vec::new(),
        };
        Recorder {
            interval,
            series: TimeSeries {
                time_s: Vec::with_capacity(n),
                queue_bytes: Vec::with_capacity(n),
                flows: vec![flow; flows],
            },
            last: vec![(0, 0); flows],
        }
    }

    /// Records the link and flow `i` at `now`; call `begin` first, then each flow.
    pub fn begin(&mut self, now: u64, queue_bytes: u64) {
        self.series.time_s.push(now as f64 / 1e9);
        self.series.queue_bytes.push(queue_bytes as f64);
    }

    pub fn flow(&mut self, i: usize, s: &FlowSample<'_>) {
        let k = self.series.time_s.len() - 1;
        let to_mbps = |bytes: u64| bytes as f64 * 8.0 / (self.interval as f64 / 1e9) / 1e6;
        let (wire0, received0) = self.last[i];
        let fs = &mut self.series.flows[i];
        fs.cwnd_segments.push(s.cwnd_segments);
        fs.rate_mbps.push(to_mbps(s.wire_sent - wire0));
        fs.goodput_mbps.push(to_mbps(s.received - received0));
        fs.rtt_ms.push(s.srtt as f64 / 1e6);
        self.last[i] = (s.wire_sent, s.received);
        let internals = &mut fs.internals;
        s.cc.internals(&mut |name, v| {
            let idx = match internals.iter().position(|(n, _)| n == name) {
                Some(idx) => idx,
                None => {
                    // A variable first reported now has no value at earlier samples.
                    internals.push((name.to_string(), vec![f64::NAN; k]));
                    internals.len() - 1
                }
            };
            let col = &mut internals[idx].1;
            if col.len() == k {
                col.push(v);
            }
        });
        for (_, col) in internals.iter_mut() {
            if col.len() == k {
                col.push(f64::NAN);
            }
        }
    }

    pub fn finish(self) -> TimeSeries {
        self.series
    }
}
