//! The receiver: its buffer, the application reading from it, and the advertised window
//! (reference §1.11: rwnd = RCV.BUFF − RCV.USER, the free space).
//!
//! The fluid keeps no sequence order, so received bytes are readable at once (out-of-order
//! data waiting for a retransmission is not held back); over a run the totals are the same,
//! and a sized flow still completes only when its retransmissions have arrived.

/// One flow's receiver. Bytes are payload bytes.
use super::FastOrd;
#[derive(Debug, Clone)]
pub(crate) struct Receiver {
    /// RCV.BUFF.
    buffer: f64,
    /// Application read rate, bytes per second; `None` reads at once.
    read_rate: Option<f64>,
    /// Received, not yet read (RCV.USER).
    pub held: f64,
    /// Payload received over the run.
    pub received: f64,
    /// Payload the application has read over the run.
    pub read: f64,
}

impl Receiver {
    pub fn new(buffer: f64, read_rate: Option<f64>) -> Receiver {
        Receiver { buffer, read_rate, held: 0.0, received: 0.0, read: 0.0 }
    }

    /// `arrived` bytes come in and the application reads for `dt` seconds. Returns the
    /// bytes read.
    pub fn step(&mut self, arrived: f64, dt: f64) -> f64 {
        self.held += arrived;
        self.received += arrived;
        let read = match self.read_rate {
            Some(rate) => self.held.lo(rate * dt),
            None => self.held,
        };
        self.held -= read;
        self.read += read;
        read
    }

    /// The advertised window: the free buffer space, never negative.
    pub fn rwnd(&self) -> f64 {
        (self.buffer - self.held).hi(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_the_free_space_left_by_a_slow_reader() {
        // 64 KB buffer, read at 250 kB/s (2 Mbit/s): 1 ms reads 250 bytes.
        let mut r = Receiver::new(64_000.0, Some(250_000.0));
        assert_eq!(r.step(10_000.0, 0.001), 250.0);
        assert_eq!(r.rwnd(), 64_000.0 - 9_750.0);
        let mut fast = Receiver::new(64_000.0, None);
        assert_eq!(fast.step(10_000.0, 0.001), 10_000.0);
        assert_eq!(fast.rwnd(), 64_000.0);
    }
}
