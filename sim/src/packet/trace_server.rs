//! The bottleneck server of a Mahimahi capacity trace (reference §5, mm-link).
//!
//! Each trace line is a delivery opportunity of 1500 bytes at that millisecond; the
//! schedule repeats with the period of the last timestamp. Accounting is per byte: an
//! opportunity serves the head packet(s) up to 1500 bytes, a packet only partly served
//! keeps its remaining bytes for the next opportunity, and an opportunity that finds no
//! backlog is wasted. Because the queue is FIFO, a packet's departure time is computed
//! when it is admitted, from where the previous packet left the schedule.

use crate::trace::{CapacityTrace, OPPORTUNITY_BYTES};

const NS_PER_MS: u64 = 1_000_000;

#[derive(Debug, Clone)]
pub(crate) struct TraceServer {
    ts: Vec<u64>,
    period_ms: u64,
    /// Index of the next opportunity no packet has used.
    next: u64,
    /// Bytes left in opportunity `next - 1` after the last packet.
    left: u64,
    /// The measurement window (w0, w1], ns, and the bytes served by its opportunities.
    window: (u64, u64),
    pub served_in_window: u64,
}

impl TraceServer {
    pub fn new(trace: &CapacityTrace, window: (u64, u64)) -> TraceServer {
        TraceServer {
            ts: trace.timestamps_ms.clone(),
            period_ms: trace.period().as_nanos() / NS_PER_MS,
            next: 0,
            left: 0,
            window,
            served_in_window: 0,
        }
    }

    /// Counts `bytes` served by the opportunity at `t` if it lies in the window.
    #[inline]
    fn account(&mut self, t: u64, bytes: u64) {
        if t > self.window.0 && t <= self.window.1 {
            self.served_in_window += bytes;
        }
    }

    /// Time of opportunity `n` (counting across periods), ns.
    pub fn time(&self, n: u64) -> u64 {
        let len = self.ts.len() as u64;
        ((n / len) * self.period_ms + self.ts[(n % len) as usize]) * NS_PER_MS
    }

    /// Index of the first opportunity at or after `t` ns.
    pub fn first_at_or_after(&self, t: u64) -> u64 {
        let len = self.ts.len() as u64;
        let t_ms = t.div_ceil(NS_PER_MS);
        let q = t_ms / self.period_ms;
        let rest = t_ms % self.period_ms;
        if rest == 0 && q > 0 {
            // The last line(s) of the previous period fall exactly at q * period.
            return (q - 1) * len + self.ts.partition_point(|&x| x < self.period_ms) as u64;
        }
        q * len + self.ts.partition_point(|&x| x < rest) as u64
    }

    /// Number of opportunities in [0, t].
    pub fn opportunities_until(&self, t: u64) -> u64 {
        // The first opportunity strictly after t is the first at or after t + 1 ns.
        self.first_at_or_after(t + 1)
    }

    /// Serves a packet of `size` bytes that is ready (at the head of the queue, or queued
    /// behind the previous packet) at `ready` and arrived at `arrival`. Returns the time it
    /// starts being served and its departure time, ns.
    pub fn serve(&mut self, arrival: u64, ready: u64, size: u64) -> (u64, u64) {
        let mut rem = size;
        let mut start = None;
        if self.left > 0 && self.next > 0 {
            let t = self.time(self.next - 1);
            // The leftover of an opportunity serves only packets queued by its time.
            if arrival <= t {
                let used = self.left.min(rem);
                rem -= used;
                self.left -= used;
                self.account(t, used);
                start = Some(t);
                if rem == 0 {
                    return (t, t);
                }
            }
        }
        self.left = 0;
        let first = self.next.max(self.first_at_or_after(ready));
        let full = OPPORTUNITY_BYTES.as_u64();
        let k = rem.div_ceil(full);
        let last = first + k - 1;
        for n in first..last {
            let t = self.time(n);
            self.account(t, full);
        }
        let t = self.time(last);
        self.account(t, rem - (k - 1) * full);
        self.left = k * full - rem;
        self.next = last + 1;
        (start.unwrap_or_else(|| self.time(first)), self.time(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = NS_PER_MS;

    fn server(text: &str) -> TraceServer {
        TraceServer::new(&CapacityTrace::parse("t", text).unwrap(), (0, u64::MAX))
    }

    #[test]
    fn first_opportunity_search_matches_a_brute_force_scan() {
        let s = server("0\n1\n1\n3\n7\n7\n");
        let times: Vec<u64> = (0..40).map(|n| s.time(n)).collect();
        for t in 0..(30 * MS) {
            if t % (MS / 4) != 0 && t % MS != 1 {
                continue;
            }
            let want = times.iter().position(|&x| x >= t).unwrap() as u64;
            assert_eq!(s.first_at_or_after(t), want, "t = {t}");
            let count = times.iter().filter(|&&x| x <= t).count() as u64;
            assert_eq!(s.opportunities_until(t), count, "t = {t}");
        }
    }

    #[test]
    fn full_packets_use_one_opportunity_each_and_small_ones_share() {
        let mut s = server("1\n2\n3\n4\n");
        // Three 1500-byte packets at t = 0 leave at 1, 2, 3 ms.
        assert_eq!(s.serve(0, 0, 1500), (MS, MS));
        assert_eq!(s.serve(0, MS, 1500), (2 * MS, 2 * MS));
        assert_eq!(s.serve(0, 2 * MS, 1500), (3 * MS, 3 * MS));
        // Two 700-byte packets share the 4 ms opportunity; a third spills into 5 ms
        // (period 4 ms, so the next opportunity is line 1 of period 2: 4 + 1 = 5 ms).
        assert_eq!(s.serve(0, 3 * MS, 700), (4 * MS, 4 * MS));
        assert_eq!(s.serve(0, 4 * MS, 700), (4 * MS, 4 * MS));
        assert_eq!(s.serve(0, 4 * MS, 700), (4 * MS, 5 * MS));
        // Bytes are counted at the opportunity that carried them.
        assert_eq!(s.served_in_window, 3 * 1500 + 3 * 700);
    }

    #[test]
    fn opportunities_without_backlog_are_wasted() {
        let mut s = server("1\n2\n3\n4\n");
        assert_eq!(s.serve(0, 0, 100), (MS, MS));
        // 1400 bytes were left at 1 ms, but the next packet arrives at 2.5 ms.
        assert_eq!(s.serve(2 * MS + MS / 2, 2 * MS + MS / 2, 1500), (3 * MS, 3 * MS));
    }
}
