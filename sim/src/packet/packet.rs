//! What travels: data-direction segments, ACKs, and the FIFO delay lines that carry them.
//!
//! Sequence numbers are byte offsets relative to the first data byte (the ISN is not
//! modelled). Every data segment starts at a multiple of the MSS and carries a full MSS,
//! except the last segment of a sized flow.

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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum AckKind {
    SynAck,
    #[default]
    Ack,
    /// Acknowledges the FIN: the connection is closed.
    FinAck,
}

/// At most 3 SACK blocks fit next to the timestamp option (RFC 2018, 40 bytes of options).
pub(crate) const MAX_SACK_BLOCKS: usize = 3;

/// An ACK from a receiver to its sender. Kept to 48 bytes (window and SACK blocks as
/// 32-bit offsets from the cumulative ACK), since a flow's ACK path holds up to a window
/// of them and cache misses there dominate the engine's cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AckSeg {
    /// Cumulative ACK: the next byte expected (RCV.NXT).
    pub cum: u64,
    /// Echo of the triggering segment's send time, ns (like TSecr), or `u64::MAX` if none.
    pub tsecr: u64,
    /// Advertised window, bytes: the right edge is `cum + wnd`.
    pub wnd: u32,
    /// SACK blocks [start, end) as offsets from `cum`; the first holds the most recent
    /// arrival.
    sacks: [(u32, u32); MAX_SACK_BLOCKS],
    pub kind: AckKind,
    pub nsacks: u8,
    /// Echo of the triggering segment's retransmission flag.
    pub echo_retx: bool,
}

/// Receive windows are limited to what a 32-bit offset holds (4 GiB).
pub(crate) const MAX_WINDOW: u64 = u32::MAX as u64;

impl AckSeg {
    /// An ACK of `cum` with right window edge `wnd_right` and no SACK blocks.
    pub fn new(kind: AckKind, cum: u64, wnd_right: u64, tsecr: u64, echo_retx: bool) -> AckSeg {
        AckSeg {
            cum,
            tsecr,
            wnd: (wnd_right - cum).min(MAX_WINDOW) as u32,
            sacks: [(0, 0); MAX_SACK_BLOCKS],
            kind,
            nsacks: 0,
            echo_retx,
        }
    }

    /// Right edge of the advertised window: RCV.NXT + RCV.WND.
    #[inline]
    pub fn wnd_right(&self) -> u64 {
        self.cum + u64::from(self.wnd)
    }

    /// Appends a SACK block [start, end) (bytes, above `cum`, within the window).
    pub fn push_block(&mut self, start: u64, end: u64) {
        let k = usize::from(self.nsacks);
        self.sacks[k] = ((start - self.cum) as u32, (end - self.cum) as u32);
        self.nsacks += 1;
    }

    /// SACK block `k` as offsets from `cum`, bytes.
    #[inline]
    pub fn block_offsets(&self, k: usize) -> (u64, u64) {
        let (s, e) = self.sacks[k];
        (u64::from(s), u64::from(e))
    }

    #[cfg(test)]
    pub fn blocks(&self) -> Vec<(u64, u64)> {
        (0..usize::from(self.nsacks))
            .map(|k| {
                let (s, e) = self.block_offsets(k);
                (self.cum + s, self.cum + e)
            })
            .collect()
    }

    /// Wire bytes: 52 plus the SACK option (2 + 8 per block, padded to 4).
    #[cfg(test)]
    pub fn wire(&self) -> u64 {
        Self::wire_with(usize::from(self.nsacks))
    }

    /// Wire bytes of an ACK with `nsacks` SACK blocks.
    #[inline]
    pub fn wire_with(nsacks: usize) -> u64 {
        if nsacks == 0 { HEADER } else { HEADER + (2 + 8 * nsacks as u64).div_ceil(4) * 4 }
    }
}

/// Where a receiver puts the ACKs it sends: the flow's reverse path in the engine, a plain
/// list in unit tests. The receiver asks for the slot of an ACK sent at `at` (ns) and
/// writes the ACK into it, so that it is stored once, in place.
pub(crate) trait AckSink {
    fn slot(&mut self, at: u64) -> &mut AckSeg;
}

impl AckSink for Vec<AckSeg> {
    fn slot(&mut self, _at: u64) -> &mut AckSeg {
        self.push(AckSeg::default());
        self.last_mut().expect("just pushed")
    }
}

/// A FIFO whose items leave at non-decreasing times: a link with fixed delay, or a
/// sender's access queue with order-preserving jitter. Only its head is in the event queue.
///
/// A ring of `(time, item)` slots, written in place ([`Line::push_slot`]): an ACK built on
/// the stack and then copied in costs a store-forwarding stall, since its fields are stored
/// one by one and read back in wider pieces.
#[derive(Debug)]
pub(crate) struct Line<T> {
    buf: Vec<(u64, T)>,
    /// Index of the head, and number of items.
    head: usize,
    len: usize,
}

impl<T: Copy + Default> Line<T> {
    pub fn new() -> Line<T> {
        Line { buf: vec![(0, T::default()); 64], head: 0, len: 0 }
    }

    /// Appends a slot for an item leaving at `at` and returns it, with whether the line was
    /// empty (the caller must then schedule the head). The caller writes the item in place.
    #[inline]
    pub fn push_slot(&mut self, at: u64) -> (&mut T, bool) {
        if self.len == self.buf.len() {
            self.grow();
        }
        let mask = self.buf.len() - 1;
        debug_assert!(
            self.len == 0 || self.buf[(self.head + self.len - 1) & mask].0 <= at,
            "a line never reorders"
        );
        let slot = &mut self.buf[(self.head + self.len) & mask];
        self.len += 1;
        slot.0 = at;
        (&mut slot.1, self.len == 1)
    }

    /// Appends an item leaving at `at`; returns true if the line was empty.
    #[cfg(test)]
    pub fn push(&mut self, at: u64, item: T) -> bool {
        let (slot, was_empty) = self.push_slot(at);
        *slot = item;
        was_empty
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let cap = self.buf.len();
        let mut buf = vec![(0, T::default()); 2 * cap];
        for (k, slot) in buf.iter_mut().take(self.len).enumerate() {
            *slot = self.buf[(self.head + k) & (cap - 1)];
        }
        self.buf = buf;
        self.head = 0;
    }

    #[cfg(test)]
    pub fn pop(&mut self) -> Option<(u64, T)> {
        let h = *self.front_slot()?;
        self.drop_front();
        Some(h)
    }

    #[inline]
    fn front_slot(&self) -> Option<&(u64, T)> {
        (self.len > 0).then(|| &self.buf[self.head])
    }

    /// The head, in place.
    #[inline]
    pub fn front(&self) -> Option<&T> {
        self.front_slot().map(|h| &h.1)
    }

    /// Removes the head.
    #[inline]
    pub fn drop_front(&mut self) {
        if self.len > 0 {
            self.head = (self.head + 1) & (self.buf.len() - 1);
            self.len -= 1;
        }
    }

    /// Time of the head.
    #[inline]
    pub fn head_time(&self) -> Option<u64> {
        self.front_slot().map(|h| h.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ack_with_three_sack_blocks_is_80_bytes() {
        let mut a = AckSeg::new(AckKind::Ack, 1000, 5000, 0, false);
        assert_eq!(a.wire(), 52);
        a.push_block(2000, 3000); // 2 + 8 = 10, padded to 12
        assert_eq!(a.wire(), 64);
        a.push_block(3500, 4000);
        a.push_block(4500, 4600); // 2 + 24 = 26, padded to 28
        assert_eq!(a.wire(), 80);
        assert_eq!(a.blocks(), vec![(2000, 3000), (3500, 4000), (4500, 4600)]);
        assert_eq!(a.wnd_right(), 5000);
        assert_eq!(std::mem::size_of::<AckSeg>(), 48);
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

    #[test]
    fn a_line_stays_first_in_first_out_across_wrap_around_and_growth() {
        // Push 3 and pop 2 per round: the ring (64 slots) wraps and then grows, and
        // items always leave in the order they came.
        let mut l = Line::new();
        let (mut pushed, mut popped) = (0u64, 0u64);
        for _ in 0..200 {
            for _ in 0..3 {
                let was_empty = l.push(pushed, pushed);
                assert_eq!(was_empty, pushed == popped, "empty exactly when all were popped");
                pushed += 1;
            }
            for _ in 0..2 {
                assert_eq!(l.front(), Some(&popped));
                assert_eq!(l.pop(), Some((popped, popped)));
                popped += 1;
            }
        }
        assert_eq!(pushed - popped, 200);
        while let Some((t, v)) = l.pop() {
            assert_eq!((t, v), (popped, popped));
            popped += 1;
        }
        assert_eq!(popped, pushed);
    }
}
