//! Mahimahi capacity traces (mm-link format).
//!
//! One integer per line: a delivery opportunity of 1500 bytes at that many milliseconds
//! from the start. Timestamps never decrease; at the end the schedule repeats with the
//! time base advanced by the last timestamp, so the period is the last timestamp.

use cclab_algorithms::{Bytes, Duration, Rate, Time};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Bytes one delivery opportunity can carry.
pub const OPPORTUNITY_BYTES: Bytes = Bytes::new(1500);

/// A parsed trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityTrace {
    /// Where it came from (a file name), for messages and results.
    pub name: String,
    /// Opportunity times in milliseconds within one period, non-decreasing.
    pub timestamps_ms: Vec<u64>,
}

impl CapacityTrace {
    /// Parses trace text. Errors name the 1-based line.
    pub fn parse(name: &str, text: &str) -> Result<CapacityTrace, String> {
        let mut timestamps_ms = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                // Mahimahi rejects empty lines too; a trailing newline is not a line.
                return Err(format!("{name}:{}: empty line; a trace holds one integer per line", i + 1));
            }
            let ms: u64 = line
                .parse()
                .map_err(|_| format!("{name}:{}: '{line}' is not a whole number of milliseconds", i + 1))?;
            if let Some(&prev) = timestamps_ms.last() {
                if ms < prev {
                    return Err(format!(
                        "{name}:{}: timestamp {ms} is smaller than the one before ({prev})",
                        i + 1
                    ));
                }
            }
            timestamps_ms.push(ms);
        }
        match timestamps_ms.last() {
            None => Err(format!("{name}: the trace is empty")),
            Some(0) => Err(format!("{name}: the last timestamp must be greater than 0 (it is the period)")),
            Some(_) => Ok(CapacityTrace { name: name.to_string(), timestamps_ms }),
        }
    }

    /// Reads and parses a trace file.
    pub fn load(path: &Path) -> Result<CapacityTrace, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        CapacityTrace::parse(&path.display().to_string(), &text)
    }

    /// The period after which the schedule repeats.
    pub fn period(&self) -> Duration {
        Duration::from_millis(*self.timestamps_ms.last().unwrap_or(&1))
    }

    /// Average capacity: lines x 1500 B x 8 / period.
    pub fn mean_rate(&self) -> Rate {
        Rate::from_bytes_per(OPPORTUNITY_BYTES.saturating_mul(self.timestamps_ms.len() as u64), self.period())
    }

    /// The time of opportunity number `n` (counting from 0 across periods).
    pub fn opportunity(&self, n: u64) -> Time {
        let len = self.timestamps_ms.len() as u64;
        let period = n / len;
        let ms =
            period * self.timestamps_ms.last().copied().unwrap_or(1) + self.timestamps_ms[(n % len) as usize];
        Time::ZERO + Duration::from_millis(ms)
    }

    /// Number of opportunities at or before `t` (how many opportunities [0, t] offers).
    pub fn opportunities_until(&self, t: Time) -> u64 {
        let period_ms = self.timestamps_ms.last().copied().unwrap_or(1);
        let t_ms = t.as_nanos() / 1_000_000;
        let full = t_ms / period_ms;
        let rest = t_ms % period_ms;
        let in_period = self.timestamps_ms.partition_point(|&ts| ts <= rest) as u64;
        full * self.timestamps_ms.len() as u64 + in_period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_ms_is_12_mbps() {
        // Lines 1..=1000: 1000 x 1500 B x 8 / 1 s = 12 Mbit/s exactly (reference §5).
        let text: String = (1..=1000).map(|i| format!("{i}\n")).collect();
        let t = CapacityTrace::parse("flat", &text).unwrap();
        assert_eq!(t.mean_rate(), Rate::from_mbps(12));
        assert_eq!(t.period(), Duration::from_secs(1));
    }

    #[test]
    fn the_schedule_wraps_by_the_last_timestamp() {
        let t = CapacityTrace::parse("x", "0\n1\n3\n").unwrap();
        // Period 3 ms; opportunity 3 is line 0 of the second period at 3 ms, as mm-link does.
        let times: Vec<u64> = (0..6).map(|n| t.opportunity(n).as_nanos() / 1_000_000).collect();
        assert_eq!(times, vec![0, 1, 3, 3, 4, 6]);
        assert_eq!(t.opportunities_until(Time::ZERO + Duration::from_millis(3)), 4);
    }

    #[test]
    fn malformed_traces_name_the_line() {
        assert_eq!(
            CapacityTrace::parse("a.trace", "1\n\n2\n").unwrap_err(),
            "a.trace:2: empty line; a trace holds one integer per line"
        );
        assert_eq!(
            CapacityTrace::parse("a.trace", "5\n4\n").unwrap_err(),
            "a.trace:2: timestamp 4 is smaller than the one before (5)"
        );
        assert!(CapacityTrace::parse("a.trace", "1\nx\n").unwrap_err().contains("a.trace:2: 'x'"));
        assert!(CapacityTrace::parse("a.trace", "0\n0\n").is_err());
        assert!(CapacityTrace::parse("a.trace", "").is_err());
    }
}
