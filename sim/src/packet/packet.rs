//! What travels: data-direction segments, ACKs, and the FIFO delay lines that carry them.
//!
//! Sequence numbers are byte offsets relative to the first data byte (the ISN is not
//! modelled). Every data segment starts at a multiple of the MSS and carries a full MSS,
//! except the last segment of a sized flow.

use std::collections::VecDeque;

/// Wire overhead of every TCP segment: IP 20 + TCP 20 + timestamps 12 (scenario §HEADER_BYTES).
pub(crate) const HEADER: u64 = 52;

/// Data-direction segment kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegKind {
    Syn,
    Data,
    /// A zero-window probe. cclab follows Linux (`tcp_xmit_probe_skb`): a segment without
    /// payload that only elicits an ACK carrying the current window, rather than RFC 9293's
    /// one byte beyond the window, which would break the fixed segmentation.
    Probe,
    Fin,
}

/// A packet in the data direction (sender to receiver through the bottleneck).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub kind: SegKind,
    /// Payload bytes (zero for control segments).
    pub len: u32,
    /// Flow index (or UDP source index).
    pub flow: u32,
    /// First payload byte.
    pub seq: u64,
    /// When the sender emitted it, ns; echoed by the receiver like a TCP timestamp.
    pub sent: u64,
    /// A retransmission: its echo gives no RTT sample (Karn's rule).
    pub retx: bool,
    /// Wire bytes (payload + headers, or the datagram size).
    pub wire: u32,
}

impl Segment {
    pub fn end(&self) -> u64 {
        self.seq + u64::from(self.len)
    }
}

/// ACK-direction segment kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AckKind {
    SynAck,
    Ack,
    /// Acknowledges the FIN: the connection is closed.
    FinAck,
}

/// At most 3 SACK blocks fit next to the timestamp option (RFC 2018, 40 bytes of options).
pub(crate) const MAX_SACK_BLOCKS: usize = 3;

/// An ACK from a receiver to its sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AckSeg {
    pub kind: AckKind,
    pub nsacks: u8,
    /// Echo of the triggering segment's retransmission flag.
    pub echo_retx: bool,
    /// Cumulative ACK: the next byte expected (RCV.NXT).
    pub cum: u64,
    /// Right edge of the advertised window: RCV.NXT + RCV.WND.
    pub wnd_right: u64,
    /// Echo of the triggering segment's send time, ns (like TSecr), or `u64::MAX` if none.
    pub tsecr: u64,
    /// SACK blocks [start, end) in bytes; the first holds the most recent arrival.
    pub sacks: [(u64, u64); MAX_SACK_BLOCKS],
}

impl AckSeg {
    pub fn blocks(&self) -> &[(u64, u64)] {
        &self.sacks[..usize::from(self.nsacks)]
    }

    /// Wire bytes: 52 plus the SACK option (2 + 8 per block, padded to 4).
    pub fn wire(&self) -> u64 {
        if self.nsacks == 0 { HEADER } else { HEADER + (2 + 8 * u64::from(self.nsacks)).div_ceil(4) * 4 }
    }
}

/// A FIFO whose items leave at non-decreasing times: a link with fixed delay, or a
/// sender's access queue with order-preserving jitter. Only its head is in the event queue.
#[derive(Debug)]
pub(crate) struct Line<T> {
    q: VecDeque<(u64, T)>,
}

impl<T: Copy> Line<T> {
    pub fn new() -> Line<T> {
        Line { q: VecDeque::with_capacity(64) }
    }

    /// Appends an item leaving at `at`; returns true if the line was empty (the caller
    /// must then schedule the head).
    #[inline]
    pub fn push(&mut self, at: u64, item: T) -> bool {
        debug_assert!(self.q.back().is_none_or(|b| b.0 <= at), "a line never reorders");
        self.q.push_back((at, item));
        self.q.len() == 1
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(u64, T)> {
        self.q.pop_front()
    }

    /// Time of the head.
    #[inline]
    pub fn head_time(&self) -> Option<u64> {
        self.q.front().map(|h| h.0)
    }

    /// Time of the last item.
    #[inline]
    pub fn last_time(&self) -> Option<u64> {
        self.q.back().map(|h| h.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ack_with_three_sack_blocks_is_80_bytes() {
        let mut a = AckSeg {
            kind: AckKind::Ack,
            nsacks: 0,
            echo_retx: false,
            cum: 0,
            wnd_right: 0,
            tsecr: 0,
            sacks: [(0, 0); 3],
        };
        assert_eq!(a.wire(), 52);
        a.nsacks = 1; // 2 + 8 = 10, padded to 12
        assert_eq!(a.wire(), 64);
        a.nsacks = 3; // 2 + 24 = 26, padded to 28
        assert_eq!(a.wire(), 80);
    }

    #[test]
    fn a_line_reports_when_it_was_empty() {
        let mut l = Line::new();
        assert!(l.push(5, 1u8));
        assert!(!l.push(7, 2u8));
        assert_eq!(l.head_time(), Some(5));
        assert_eq!(l.pop(), Some((5, 1)));
        assert_eq!(l.pop(), Some((7, 2)));
        assert_eq!(l.pop(), None);
    }
}
