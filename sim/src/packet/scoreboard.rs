//! The sender's SACK scoreboard (RFC 6675 §2-§4), per segment.
//!
//! Every data segment starts at a multiple of the MSS, so the scoreboard indexes segments
//! rather than octets: segment `i` covers bytes [i MSS, (i+1) MSS), except the last segment
//! of a sized flow, which may be shorter. A ring of one flag byte per outstanding segment
//! records SACKed, lost and "retransmission in flight"; SACKed ranges are also kept as a
//! short sorted list of intervals, so that a SACK block repeated by every duplicate ACK
//! costs nothing, and the IsLost boundary is found from the top few intervals. Pipe
//! (RFC 6675 SetPipe) is maintained incrementally; every operation is amortised O(1) per
//! segment, so recovery cost does not grow with the window.
//!
//! IsLost(S) (RFC 6675 §4): DupThresh = 3 discontiguous SACKed blocks above S, or more than
//! (DupThresh - 1) MSS SACKed bytes above S. With MSS-sized segments both hold exactly when
//! at least three SACKed segments lie above S, which is the test used here.
//!
//! Lost retransmissions (RACK, RFC 8985 §6.2): IsLost cannot see that a retransmission was
//! lost, since the segment is already marked lost. With RACK on, every retransmission is
//! queued with its send time, in sending order; [`Scoreboard::rack_detect`] declares the
//! oldest ones lost once a segment sent after them has been delivered and their deadline
//! (send time + RACK.rtt + reordering window) has passed, and marks them lost again so that
//! NextSeg rule 1 picks them up. Send times only grow along the queue, so detection stops at
//! the first retransmission that is not yet due: O(1) amortised per retransmission.

use std::collections::VecDeque;

/// RFC 6675 §2 / RFC 5681: DupThresh = 3 (Linux `TCP_FASTRETRANS_THRESH`).
pub(crate) const DUP_THRESH: u64 = 3;

/// Division by the MSS without a divide instruction, for the per-ACK conversion of byte
/// offsets to segment counts. Lemire, Kaser and Kurz, "Faster remainder by direct
/// computation" (2019), Theorem 1 with N = 32, F = 64: with c = ceil(2^64 / d),
/// floor(n / d) = floor(c n / 2^64) for every n < 2^32 and 1 < d < 2^32.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DivMss {
    d: u64,
    /// ceil(2^64 / d), or 0 when d = 1 (which needs no division).
    c: u64,
}

impl DivMss {
    pub fn new(d: u64) -> DivMss {
        assert!(d >= 1 && d <= u64::from(u32::MAX), "MSS {d} out of range");
        // ceil(2^64 / d) = floor((2^64 - 1) / d) + 1 unless d divides 2^64 (a power of
        // two), where both sides are 2^64 / d as well.
        let c = if d == 1 { 0 } else { u64::MAX / d + 1 };
        DivMss { d, c }
    }

    /// floor(n / d).
    #[inline]
    pub fn floor(&self, n: u64) -> u64 {
        if self.c == 0 {
            n
        } else if n <= u64::from(u32::MAX) {
            ((u128::from(self.c) * u128::from(n)) >> 64) as u64
        } else {
            n / self.d
        }
    }

    /// ceil(n / d).
    #[inline]
    pub fn ceil(&self, n: u64) -> u64 {
        match n.checked_add(self.d - 1) {
            Some(m) => self.floor(m),
            None => n.div_ceil(self.d),
        }
    }
}

const SACKED: u8 = 1;
const LOST: u8 = 2;
/// A retransmission of this segment is in flight (counted once more in pipe).
const RETX: u8 = 4;
/// RACK found a retransmission of this segment lost; the next one is a repeat.
const RELOST: u8 = 8;

#[derive(Debug, Clone)]
pub(crate) struct Scoreboard {
    mss: u64,
    /// Index and length of a short final segment (sized flows), if any.
    short_last: Option<(u64, u64)>,
    flags: Vec<u8>,
    mask: u64,
    /// First outstanding segment (SND.UNA / MSS).
    pub una: u64,
    /// Next segment never sent (SND.NXT / MSS, rounded up at the end of a sized flow).
    pub nxt: u64,
    /// RFC 6675 pipe, bytes.
    pub pipe: u64,
    /// Bytes SACKed above SND.UNA.
    pub sacked_bytes: u64,
    /// Bytes marked lost and not SACKed since.
    pub lost_bytes: u64,
    /// Segments in [una, nxt) with any flag set.
    flagged: u64,
    /// SACKed segment intervals [start, end), sorted, disjoint, within [una, nxt).
    sacked: Vec<(u64, u64)>,
    /// Every unSACKed segment in [una, lost_upto) is marked lost.
    lost_upto: u64,
    /// NextSeg rule 1 cursor: no lost, un-retransmitted segment lies in [una, rule1).
    rule1: u64,
    /// NextSeg rule 3 cursor.
    rule3: u64,
    /// RACK on: retransmissions are queued for lost-retransmission detection.
    rack: bool,
    /// Retransmissions possibly in flight, in the order sent: (segment, send time ns).
    /// Entries whose segment was SACKed, cumulatively ACKed or reset by a timeout are stale
    /// and skipped.
    rtx: VecDeque<(u64, u64)>,
    /// One past the highest segment RACK marked lost again (rule 1 scans up to it too).
    relost_upto: u64,
}

impl Scoreboard {
    /// `rack`: detect lost retransmissions (see the module docs).
    pub fn new(mss: u64, size: Option<u64>, rack: bool) -> Scoreboard {
        let short_last = size.and_then(|s| {
            let rem = s % mss;
            (rem != 0).then_some((s / mss, rem))
        });
        let cap = 1024;
        Scoreboard {
            mss,
            short_last,
            flags: vec![0; cap],
            mask: cap as u64 - 1,
            una: 0,
            nxt: 0,
            pipe: 0,
            sacked_bytes: 0,
            lost_bytes: 0,
            flagged: 0,
            sacked: Vec::new(),
            lost_upto: 0,
            rule1: 0,
            rule3: 0,
            rack,
            rtx: VecDeque::new(),
            relost_upto: 0,
        }
    }

    /// Payload bytes of segment `i`.
    #[inline]
    pub fn len(&self, i: u64) -> u64 {
        match self.short_last {
            Some((last, len)) if last == i => len,
            _ => self.mss,
        }
    }

    #[inline]
    fn flag(&self, i: u64) -> u8 {
        self.flags[(i & self.mask) as usize]
    }

    /// Pipe contribution of a segment with flags `f` (RFC 6675 SetPipe): one if the
    /// original may be in flight (not SACKed, not lost), one more for a retransmission.
    #[inline]
    fn contrib(&self, i: u64, f: u8) -> u64 {
        if f & SACKED != 0 {
            return 0;
        }
        let n = u64::from(f & LOST == 0) + u64::from(f & RETX != 0);
        n * self.len(i)
    }

    #[inline]
    fn set_flags(&mut self, i: u64, f: u8) {
        let slot = (i & self.mask) as usize;
        let old = self.flags[slot];
        if old == 0 && f != 0 {
            self.flagged += 1;
        } else if old != 0 && f == 0 {
            self.flagged -= 1;
        }
        self.pipe = self.pipe - self.contrib(i, old) + self.contrib(i, f);
        let lost = |f: u8| f & (LOST | SACKED) == LOST;
        if lost(old) != lost(f) {
            if lost(f) {
                self.lost_bytes += self.len(i);
            } else {
                self.lost_bytes -= self.len(i);
            }
        }
        self.flags[slot] = f;
    }

    #[cfg(test)]
    pub fn is_sacked(&self, i: u64) -> bool {
        i >= self.una && i < self.nxt && self.flag(i) & SACKED != 0
    }

    /// Segment `i` (== nxt) is sent for the first time.
    #[inline]
    pub fn send_new(&mut self, i: u64) {
        debug_assert_eq!(i, self.nxt);
        if self.nxt - self.una > self.mask {
            self.grow();
        }
        self.flags[(i & self.mask) as usize] = 0;
        self.nxt = i + 1;
        self.pipe += self.len(i);
    }

    fn grow(&mut self) {
        let cap = self.flags.len() * 2;
        let mut flags = vec![0; cap];
        let mask = cap as u64 - 1;
        for i in self.una..self.nxt {
            flags[(i & mask) as usize] = self.flag(i);
        }
        self.flags = flags;
        self.mask = mask;
    }

    /// The cumulative ACK reached segment `new_una`. Returns the bytes newly acknowledged
    /// that had not been SACKed before.
    #[inline]
    pub fn ack_cum(&mut self, new_una: u64) -> u64 {
        let new_una = new_una.min(self.nxt);
        if new_una <= self.una {
            return 0;
        }
        if self.flagged == 0 && self.sacked.is_empty() && self.rtx.is_empty() {
            // No segment carries a flag: every one was in flight once.
            let mut newly = (new_una - self.una) * self.mss;
            if let Some((last, len)) = self.short_last {
                if last >= self.una && last < new_una {
                    newly = newly - self.mss + len;
                }
            }
            self.pipe -= newly;
            self.una = new_una;
            self.lost_upto = self.lost_upto.max(new_una);
            self.rule1 = self.rule1.max(new_una);
            self.rule3 = self.rule3.max(new_una);
            return newly;
        }
        self.ack_cum_flagged(new_una)
    }

    fn ack_cum_flagged(&mut self, new_una: u64) -> u64 {
        let mut newly = 0;
        if self.flagged == 0 {
            newly = (new_una - self.una) * self.mss;
            if let Some((last, len)) = self.short_last {
                if last >= self.una && last < new_una {
                    newly = newly - self.mss + len;
                }
            }
            self.pipe -= newly;
        } else {
            for i in self.una..new_una {
                let f = self.flag(i);
                if f & SACKED != 0 {
                    self.sacked_bytes -= self.len(i);
                } else {
                    newly += self.len(i);
                }
                // The segment leaves the scoreboard: clear its flags, then remove the
                // in-flight contribution a flagless segment has.
                self.set_flags(i, 0);
                self.pipe -= self.len(i);
            }
        }
        self.una = new_una;
        self.lost_upto = self.lost_upto.max(new_una);
        self.rule1 = self.rule1.max(new_una);
        self.rule3 = self.rule3.max(new_una);
        while self.rtx.front().is_some_and(|r| r.0 < new_una) {
            self.rtx.pop_front();
        }
        let drop = self.sacked.iter().take_while(|iv| iv.1 <= new_una).count();
        self.sacked.drain(..drop);
        if let Some(first) = self.sacked.first_mut() {
            first.0 = first.0.max(new_una);
        }
        newly
    }

    /// Records a SACK block of segments [start, end). Returns the bytes newly SACKed.
    pub fn sack(&mut self, start: u64, end: u64) -> u64 {
        let start = start.max(self.una);
        let end = end.min(self.nxt);
        if start >= end {
            return 0;
        }
        // Find the intervals that overlap or touch [start, end), merge them, and mark the
        // segments of the gaps between them.
        let first = self.sacked.partition_point(|iv| iv.1 < start);
        let mut last = first;
        let mut cursor = start;
        let mut newly = 0;
        let mut merged = (start, end);
        while last < self.sacked.len() && self.sacked[last].0 <= end {
            let (s, e) = self.sacked[last];
            for i in cursor..s.max(cursor).min(end) {
                newly += self.mark_sacked(i);
            }
            cursor = cursor.max(e);
            merged = (merged.0.min(s), merged.1.max(e));
            last += 1;
        }
        for i in cursor..end {
            newly += self.mark_sacked(i);
        }
        self.sacked.splice(first..last, std::iter::once(merged));
        newly
    }

    fn mark_sacked(&mut self, i: u64) -> u64 {
        let f = self.flag(i);
        if f & SACKED != 0 {
            return 0;
        }
        let len = self.len(i);
        self.sacked_bytes += len;
        // A SACKed segment is delivered: neither lost nor in flight any more.
        self.set_flags(i, SACKED);
        len
    }

    /// The IsLost boundary: every unSACKed segment below it has at least DupThresh SACKed
    /// segments above it.
    fn loss_boundary(&self) -> u64 {
        let mut need = DUP_THRESH;
        for &(s, e) in self.sacked.iter().rev() {
            if e - s >= need {
                return e - need;
            }
            need -= e - s;
        }
        self.una
    }

    /// IsLost(HighACK + 1): the RFC 6675 §5 trigger for entering recovery.
    #[inline]
    pub fn first_is_lost(&self) -> bool {
        !self.sacked.is_empty() && self.una < self.nxt && self.loss_boundary() > self.una
    }

    /// Marks SND.UNA's segment lost (recovery entered on the duplicate-ACK count). Returns
    /// the bytes newly marked.
    pub fn mark_first_lost(&mut self) -> u64 {
        let i = self.una;
        if i >= self.nxt {
            return 0;
        }
        let f = self.flag(i);
        if f & (SACKED | LOST) != 0 {
            return 0;
        }
        self.set_flags(i, f | LOST);
        self.len(i)
    }

    /// Marks every segment that IsLost as lost. Returns the bytes newly marked.
    #[inline]
    pub fn mark_lost(&mut self) -> u64 {
        // Nothing is SACKed on almost every ACK: then nothing IsLost.
        if self.sacked.is_empty() { 0 } else { self.mark_lost_sacked() }
    }

    fn mark_lost_sacked(&mut self) -> u64 {
        let boundary = self.loss_boundary();
        let mut newly = 0;
        let mut i = self.lost_upto.max(self.una);
        while i < boundary {
            let f = self.flag(i);
            if f & (SACKED | LOST) == 0 {
                newly += self.len(i);
                self.set_flags(i, f | LOST);
            }
            i += 1;
        }
        self.lost_upto = self.lost_upto.max(boundary);
        newly
    }

    /// A retransmission timeout: every unSACKed outstanding segment is presumed lost and
    /// no retransmission is in flight any more (RFC 6675 §5.1 keeps the SACK information,
    /// as its errata allows). Returns the bytes marked.
    pub fn mark_all_lost(&mut self) -> u64 {
        let mut marked = 0;
        for i in self.una..self.nxt {
            let f = self.flag(i);
            if f & SACKED == 0 {
                marked += self.len(i);
                self.set_flags(i, LOST);
            }
        }
        self.lost_upto = self.nxt;
        self.rtx.clear();
        self.restart_cursors();
        marked
    }

    /// A new recovery episode: NextSeg starts again from SND.UNA.
    pub fn restart_cursors(&mut self) {
        self.rule1 = self.una;
        self.rule3 = self.una;
    }

    /// NextSeg rule 1: the first lost, unSACKed segment not yet retransmitted.
    pub fn next_lost(&mut self) -> Option<u64> {
        let mut i = self.rule1.max(self.una);
        let upto = self.lost_upto.max(self.relost_upto);
        while i < upto {
            let f = self.flag(i);
            if f & (SACKED | RETX) == 0 && f & LOST != 0 {
                self.rule1 = i;
                return Some(i);
            }
            i += 1;
        }
        self.rule1 = i;
        None
    }

    /// NextSeg rule 3: an unSACKed segment not yet retransmitted that lies below the
    /// highest SACKed segment.
    pub fn next_below_highest_sack(&mut self) -> Option<u64> {
        let top = self.sacked.last().map_or(self.una, |iv| iv.0);
        let mut i = self.rule3.max(self.una);
        while i < top {
            if self.flag(i) & (SACKED | RETX) == 0 {
                self.rule3 = i;
                return Some(i);
            }
            i += 1;
        }
        self.rule3 = i;
        None
    }

    /// NextSeg rule 4 (rescue): the highest unSACKed segment without a retransmission in
    /// flight.
    pub fn highest_unsacked(&self) -> Option<u64> {
        (self.una..self.nxt).rev().find(|&i| self.flag(i) & (SACKED | RETX) == 0)
    }

    /// Segment `i` is retransmitted at `now` (ns): its retransmission is in flight. Returns
    /// true if RACK had found an earlier retransmission of it lost.
    pub fn retransmit(&mut self, i: u64, now: u64) -> bool {
        let f = self.flag(i);
        self.set_flags(i, (f | RETX) & !RELOST);
        if self.rack {
            self.rtx.push_back((i, now));
        }
        f & RELOST != 0
    }

    /// RACK loss detection for retransmissions (RFC 8985 §6.2 step 5, applied to the
    /// retransmitted segments only: IsLost covers the originals). `rack_xmit_ts` is the send
    /// time of the most recently sent segment known to be delivered, `wait` the RACK.rtt
    /// plus the reordering window, ns. A retransmission sent at `ts < rack_xmit_ts` is lost
    /// once `now >= ts + wait`. Returns the bytes marked lost and the earliest deadline of a
    /// retransmission that will be lost unless delivered before it (the RACK reordering
    /// timer), or `u64::MAX` for none.
    pub fn rack_detect(&mut self, now: u64, rack_xmit_ts: u64, wait: u64) -> (u64, u64) {
        let mut marked = 0;
        while let Some(&(i, ts)) = self.rtx.front() {
            if i < self.una || self.flag(i) & (SACKED | RETX) != RETX {
                // Delivered, or no longer in flight after a timeout: stale.
                self.rtx.pop_front();
                continue;
            }
            if ts >= rack_xmit_ts {
                // Nothing sent after it has been delivered yet; nor after the later ones.
                return (marked, u64::MAX);
            }
            let due = ts.saturating_add(wait);
            if due > now {
                return (marked, due);
            }
            self.rtx.pop_front();
            let f = self.flag(i);
            self.set_flags(i, (f & !RETX) | LOST | RELOST);
            marked += self.len(i);
            self.rule1 = self.rule1.min(i);
            self.relost_upto = self.relost_upto.max(i + 1);
        }
        (marked, u64::MAX)
    }

    /// Bytes in flight by the RFC 6675 definition.
    pub fn pipe(&self) -> u64 {
        self.pipe
    }

    /// Recomputes pipe from the flags (for tests).
    #[cfg(test)]
    fn recount(&self) -> u64 {
        (self.una..self.nxt).map(|i| self.contrib(i, self.flag(i))).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSS: u64 = 1000;

    #[test]
    fn division_by_the_mss_by_multiplication_is_exact() {
        // Every d of interest (1..=9000, so every MSS) against boundary and random n
        // below 2^32, and the wide-n fallback.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for d in (1..=9000u64).chain([65_535, 1 << 20, u64::from(u32::MAX)]) {
            let div = DivMss::new(d);
            let mut ns =
                vec![0, 1, d - 1, d, d + 1, 2 * d - 1, 2 * d, u64::from(u32::MAX), 1 << 32, u64::MAX - d];
            for _ in 0..200 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ns.push(x >> 32);
                ns.push((x >> 32) / d * d);
            }
            for n in ns {
                assert_eq!(div.floor(n), n / d, "{n} / {d}");
                assert_eq!(div.ceil(n), n.div_ceil(d), "ceil {n} / {d}");
            }
        }
    }

    fn board(sent: u64) -> Scoreboard {
        let mut b = Scoreboard::new(MSS, None, false);
        for i in 0..sent {
            b.send_new(i);
        }
        b
    }

    #[test]
    fn pipe_counts_unsacked_segments_and_retransmissions() {
        // 10 sent; 2..=5 SACKed: pipe 6. IsLost(0), IsLost(1) (>= 3 SACKed above): pipe 4.
        let mut b = board(10);
        assert_eq!(b.pipe(), 10 * MSS);
        assert_eq!(b.sack(2, 6), 4 * MSS);
        assert_eq!(b.pipe(), 6 * MSS);
        assert!(b.first_is_lost());
        assert_eq!(b.mark_lost(), 2 * MSS);
        assert_eq!(b.pipe(), 4 * MSS);
        // Retransmitting segment 0 puts it back in flight (SetPipe's "octet <= HighRxt").
        assert_eq!(b.next_lost(), Some(0));
        b.retransmit(0, 0);
        assert_eq!(b.pipe(), 5 * MSS);
        assert_eq!(b.next_lost(), Some(1));
        assert_eq!(b.pipe(), b.recount());
    }

    #[test]
    fn is_lost_needs_three_sacked_segments_above() {
        let mut b = board(10);
        b.sack(3, 5);
        assert!(!b.first_is_lost(), "two SACKed segments above are not enough");
        b.sack(7, 8);
        assert!(b.first_is_lost(), "three, even discontiguous, are");
        // Boundary: the third-highest SACKed segment is 3, so 0..3 are lost, 5 and 6 not.
        assert_eq!(b.mark_lost(), 3 * MSS);
        assert_eq!(b.pipe(), b.recount());
        assert_eq!(b.pipe(), 4 * MSS); // 5, 6, 8, 9
    }

    #[test]
    fn repeated_sack_blocks_are_counted_once() {
        let mut b = board(20);
        assert_eq!(b.sack(5, 8), 3 * MSS);
        assert_eq!(b.sack(5, 8), 0);
        assert_eq!(b.sack(4, 10), 3 * MSS); // 4, 8, 9
        assert_eq!(b.sack(12, 13), MSS);
        assert_eq!(b.sack(9, 13), 2 * MSS); // 10, 11
        assert_eq!(b.sacked, vec![(4, 13)]);
        assert_eq!(b.sacked_bytes, 9 * MSS);
        assert_eq!(b.pipe(), b.recount());
    }

    #[test]
    fn a_cumulative_ack_excludes_bytes_already_sacked() {
        let mut b = board(10);
        b.sack(3, 6);
        // ACK up to segment 6: 0, 1, 2 are new (3 MSS); 3..6 were SACKed.
        assert_eq!(b.ack_cum(6), 3 * MSS);
        assert_eq!(b.sacked_bytes, 0);
        assert!(b.sacked.is_empty());
        assert_eq!(b.pipe(), 4 * MSS);
        assert_eq!(b.pipe(), b.recount());
        assert_eq!(b.flagged, 0);
    }

    #[test]
    fn a_timeout_marks_everything_unsacked_lost() {
        let mut b = board(8);
        b.sack(5, 6);
        b.retransmit(0, 0);
        assert_eq!(b.mark_all_lost(), 7 * MSS);
        assert_eq!(b.pipe(), 0);
        let order: Vec<u64> = std::iter::from_fn(|| {
            let i = b.next_lost()?;
            b.retransmit(i, 0);
            Some(i)
        })
        .collect();
        assert_eq!(order, vec![0, 1, 2, 3, 4, 6, 7]);
        assert_eq!(b.pipe(), 7 * MSS);
    }

    #[test]
    fn rules_three_and_four_find_unsacked_segments() {
        let mut b = board(10);
        b.sack(4, 6);
        // Not lost (only 2 SACKed above), but below the highest SACK: rule 3 offers 0..3.
        assert_eq!(b.next_below_highest_sack(), Some(0));
        b.retransmit(0, 0);
        assert_eq!(b.next_below_highest_sack(), Some(1));
        assert_eq!(b.highest_unsacked(), Some(9));
        assert_eq!(b.pipe(), b.recount());
    }

    #[test]
    fn rack_finds_a_lost_retransmission_once_a_later_send_is_delivered_and_its_deadline_passed() {
        // Segments 0..10 sent; 1..=5 SACKed, so 0 IsLost and is retransmitted at t = 100.
        let mut b = Scoreboard::new(MSS, None, true);
        for i in 0..10 {
            b.send_new(i);
        }
        b.sack(1, 6);
        b.mark_lost();
        assert_eq!(b.next_lost(), Some(0));
        assert!(!b.retransmit(0, 100), "a first retransmission");
        assert_eq!(b.next_lost(), None);
        // Nothing sent after t = 100 delivered yet (RACK.xmit_ts = 50): not lost, no timer.
        assert_eq!(b.rack_detect(1000, 50, 60), (0, u64::MAX));
        // A segment sent at t = 120 was delivered; deadline 100 + 60 = 160 not reached at
        // 150: the reordering timer is asked for at 160.
        assert_eq!(b.rack_detect(150, 120, 60), (0, 160));
        // At 160 the retransmission is lost: pipe drops by it, and rule 1 offers it again.
        let pipe = b.pipe();
        assert_eq!(b.rack_detect(160, 120, 60), (MSS, u64::MAX));
        assert_eq!(b.pipe(), pipe - MSS);
        assert_eq!(b.pipe(), b.recount());
        assert_eq!(b.next_lost(), Some(0));
        assert!(b.retransmit(0, 200), "a repeat of a retransmission found lost");
        // Once SACKed (or cumulatively ACKed), its queue entry is stale and never lost.
        b.sack(0, 1);
        assert_eq!(b.rack_detect(10_000, 5000, 60), (0, u64::MAX));
        assert_eq!(b.pipe(), b.recount());
    }

    #[test]
    fn rack_marks_a_retransmission_above_the_is_lost_boundary_for_rule_one() {
        // A rule-3 retransmission (segment 7, not IsLost) lost: rule 1 must still find it.
        let mut b = Scoreboard::new(MSS, None, true);
        for i in 0..10 {
            b.send_new(i);
        }
        b.sack(8, 9);
        assert_eq!(b.next_below_highest_sack(), Some(0));
        for i in 0..8 {
            b.retransmit(i, 10 + i);
        }
        b.sack(0, 7);
        assert_eq!(b.rack_detect(100, 50, 20), (MSS, u64::MAX));
        assert_eq!(b.next_lost(), Some(7));
        assert_eq!(b.pipe(), b.recount());
    }

    #[test]
    fn a_short_last_segment_has_its_own_length() {
        let mut b = Scoreboard::new(MSS, Some(2500), false);
        b.send_new(0);
        b.send_new(1);
        b.send_new(2);
        assert_eq!(b.pipe(), 2500);
        assert_eq!(b.ack_cum(3), 2500);
        assert_eq!(b.pipe(), 0);
    }

    #[test]
    fn pipe_stays_consistent_under_random_operations() {
        // A small xorshift drives sends, SACKs, losses, retransmissions, cumulative ACKs,
        // timeouts and RACK detection; after each step the incremental pipe must equal a recount.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut b = Scoreboard::new(MSS, Some(3000 * MSS + 500), true);
        for step in 0..20_000 {
            match next(8) {
                0 | 1 => {
                    for _ in 0..next(4) {
                        if b.nxt < 3001 {
                            b.send_new(b.nxt);
                        }
                    }
                }
                2 if b.nxt > b.una => {
                    let s = b.una + next(b.nxt - b.una);
                    b.sack(s, s + 1 + next(3));
                }
                3 => {
                    b.mark_lost();
                    if let Some(i) = b.next_lost() {
                        b.retransmit(i, step);
                    }
                }
                4 if b.nxt > b.una => {
                    let u = b.una + next(b.nxt - b.una + 1);
                    b.ack_cum(u);
                }
                5 if next(50) == 0 => {
                    b.mark_all_lost();
                }
                6 => {
                    if let Some(i) = b.next_below_highest_sack() {
                        b.retransmit(i, step);
                    }
                }
                7 => {
                    b.rack_detect(step, step.saturating_sub(next(30)), next(20));
                }
                _ => {}
            }
            assert_eq!(b.pipe(), b.recount(), "step {step}");
            let flagged = (b.una..b.nxt).filter(|&i| b.flag(i) != 0).count() as u64;
            assert_eq!(b.flagged, flagged, "step {step}");
        }
    }

    #[test]
    fn the_ring_grows_with_the_window() {
        let mut b = board(5000);
        b.sack(4000, 4001);
        assert_eq!(b.ack_cum(3000), 3000 * MSS);
        assert_eq!(b.pipe(), b.recount());
        assert!(b.is_sacked(4000));
    }
}
