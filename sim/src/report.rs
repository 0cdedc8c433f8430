//! `Report`: what a run measured. Both engines return it, so everything downstream (the
//! results store, statistics, plots) is engine-agnostic.
//!
//! Summary metrics cover [warm-up, end]; time series cover the whole run.

use serde::{Deserialize, Serialize};

/// The outcome of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// "packet" or "fluid".
    pub engine: String,
    pub flows: Vec<FlowReport>,
    pub link: LinkReport,
    /// Jain's index over the flows' goodputs: (Σx)² / (n Σx²), in [1/n, 1].
    pub jain_index: f64,
    pub series: TimeSeries,
    /// Work done, for benchmarks: data packets that crossed the bottleneck (packet engine)
    /// or steps taken (fluid engine).
    pub work: u64,
}

/// Per-flow metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowReport {
    pub algorithm: String,
    /// The spec group the flow came from.
    pub group: usize,
    /// Base round-trip propagation delay, ms.
    pub base_rtt_ms: f64,
    /// Goodput during [warm-up, end], Mbit/s: payload bytes whose first copy reached the
    /// receiver in the window, each byte counted once, when it first arrives, in order or
    /// out of order (retransmitted duplicates and headers never count). It cannot exceed
    /// what the bottleneck carried for the flow, so at most capacity x MSS/(MSS + 52) plus
    /// one packet at the window's edge. Counting in-order delivery instead would credit a
    /// whole reassembled window to the instant a hole fills, even when the data crossed
    /// the link before the warm-up ended. Over a long window it equals the payload the
    /// application read, within the data out of order at the window's edges (at most one
    /// window) and the data waiting for a slow reader (at most the receive buffer).
    pub goodput_mbps: f64,
    /// Payload bytes delivered to the application over the whole run.
    pub delivered_bytes: u64,
    /// Segments retransmitted (fast retransmit, SACK recovery and RTO).
    pub retransmits: u64,
    /// Retransmission timeouts.
    pub timeouts: u64,
    /// RTT samples during [warm-up, end], ms.
    pub rtt_mean_ms: f64,
    pub rtt_p50_ms: f64,
    pub rtt_p95_ms: f64,
    pub rtt_p99_ms: f64,
    /// Time-averaged cwnd during [warm-up, end], in segments.
    pub mean_cwnd_segments: f64,
    /// Flow completion time of a sized flow (SYN to the last byte read by the
    /// application), seconds; `None` for unsized flows or if it did not finish.
    pub fct_s: Option<f64>,
}

/// Bottleneck metrics over [warm-up, end].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkReport {
    /// Wire bytes sent by the bottleneck / bytes it could have sent.
    pub utilization: f64,
    /// Packets dropped at the bottleneck (queue overflow, AQM and random loss).
    pub drops: u64,
    /// Dropped / arrived packets.
    pub loss_rate: f64,
    /// Queueing delay of departing packets (dequeue minus enqueue time), ms.
    pub queue_delay_mean_ms: f64,
    pub queue_delay_p50_ms: f64,
    pub queue_delay_p95_ms: f64,
    pub queue_delay_p99_ms: f64,
    /// Time-averaged queue length, bytes.
    pub mean_queue_bytes: f64,
}

/// Time series sampled at the scenario's trace interval.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeSeries {
    /// Sample times, seconds since the start.
    pub time_s: Vec<f64>,
    /// Bottleneck queue at each sample, bytes.
    pub queue_bytes: Vec<f64>,
    pub flows: Vec<FlowSeries>,
}

/// One flow's time series, aligned with `TimeSeries::time_s`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowSeries {
    /// Congestion window, segments.
    pub cwnd_segments: Vec<f64>,
    /// Sending rate over the last interval (wire bytes the sender emitted), Mbit/s.
    pub rate_mbps: Vec<f64>,
    /// Goodput over the last interval, Mbit/s, counted as in `FlowReport::goodput_mbps`
    /// (so the intervals inside [warm-up, end] average to it when the warm-up and the end
    /// are multiples of the interval).
    pub goodput_mbps: Vec<f64>,
    /// Latest smoothed RTT, ms.
    pub rtt_ms: Vec<f64>,
    /// The controller's internal variables, by name, aligned with `time_s`.
    pub internals: Vec<(String, Vec<f64>)>,
}

/// Jain's fairness index (Jain, Chiu, Hawe 1984): (Σx)² / (n Σx²). 1 for an empty or
/// all-zero input, where nobody is treated worse than anybody else.
pub fn jain_index(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let sum: f64 = xs.iter().sum();
    let sq: f64 = xs.iter().map(|x| x * x).sum();
    if xs.is_empty() || sq == 0.0 { 1.0 } else { sum * sum / (n * sq) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jain_index_matches_its_definition() {
        // Equal shares: 1. k of n equal and the rest zero: k/n. Scale-invariant.
        assert_eq!(jain_index(&[3.0, 3.0, 3.0]), 1.0);
        assert!((jain_index(&[5.0, 5.0, 0.0, 0.0]) - 0.5).abs() < 1e-12);
        assert!((jain_index(&[1.0, 2.0]) - 0.9).abs() < 1e-12); // 9 / (2 * 5)
        assert!((jain_index(&[10.0, 20.0]) - 0.9).abs() < 1e-12);
        assert_eq!(jain_index(&[]), 1.0);
    }
}
