//! The TCP receiver: receive buffer, the application reading from it, the advertised
//! window, out-of-order data with SACK, and the ACK policy.
//!
//! * Window: RCV.WND = RCV.BUFF - RCV.USER (RFC 9293 §3.8.6.2.2), where RCV.USER is data
//!   received in order but not yet read. Out-of-order data lies inside the window, so the
//!   buffer can never hold more than RCV.BUFF, and the right edge never moves left.
//!   Receiver SWS avoidance (RFC 9293 MUST-39): the right edge advances only by at least
//!   min(RCV.BUFF / 2, MSS).
//! * Application: reads immediately, or at a constant rate whenever the buffer holds
//!   in-order data (a fluid reader, advanced lazily to each event's time).
//! * Window updates: when the reader has opened the window to at least twice what the
//!   sender was last told, and that was at most half the buffer, an ACK announces it at
//!   once (Linux `tcp_cleanup_rbuf`). Can be turned off, leaving persist probes to reopen
//!   a closed window.
//! * ACKs: every segment by default. With delayed ACKs, every second in-order segment or a
//!   40 ms timer (Linux `TCP_DELACK_MIN`); out-of-order segments, duplicates, segments
//!   that fill a gap, and FINs are ACKed at once (RFC 5681 §4.2). Linux's quick-ACK mode at
//!   the start of a connection is not modelled.
//! * SACK (RFC 2018): up to 3 blocks, the most recently changed first.

use super::event::{LazyTimer, NEVER};
use super::packet::{AckKind, AckSeg, AckSink, MAX_SACK_BLOCKS, SegKind, Segment};

/// Delayed-ACK timeout, ns (Linux `TCP_DELACK_MIN` = HZ/25 = 40 ms).
pub(crate) const DELACK: u64 = 40_000_000;
const NS_BITS: u128 = 8_000_000_000; // bits x ns per byte-second

#[derive(Debug, Clone)]
pub(crate) struct ReceiverConfig {
    /// Receive buffer, bytes.
    pub buffer: u64,
    /// Application read rate, bit/s; `None` reads at once.
    pub read_rate: Option<u64>,
    pub delayed_ack: bool,
    /// SACK was negotiated (the sender uses SACK recovery).
    pub sack: bool,
    pub window_updates: bool,
    pub mss: u64,
    /// Bytes of a sized flow.
    pub size: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Block {
    start: u64,
    end: u64,
    /// When it last grew (a counter), for the order of SACK blocks.
    stamp: u64,
}

/// Receiver counters, for the report and the invariant tests.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReceiverStats {
    /// Payload bytes of every data segment that arrived, duplicates included.
    pub arrived: u64,
    /// Payload bytes that arrived but were already held or delivered.
    pub duplicate: u64,
    /// Payload bytes discarded because they lay beyond the advertised window.
    pub beyond_window: u64,
    /// Payload bytes handed to the receive buffer in order (each byte once).
    pub delivered: u64,
    /// Largest number of bytes the buffer ever held (in order unread + out of order).
    pub high_water: u64,
    /// ACKs sent.
    pub acks: u64,
    /// Wire bytes of the ACKs sent (the reverse path is not a bottleneck).
    pub ack_bytes: u64,
    /// Window updates sent because the application read.
    pub window_updates: u64,
    /// Probes answered.
    pub probes: u64,
}

#[derive(Debug)]
pub(crate) struct Receiver {
    cfg: ReceiverConfig,
    rcv_nxt: u64,
    /// Right edge of the advertised window (RCV.NXT + RCV.WND as last sent).
    right: u64,
    /// In-order bytes not yet read (RCV.USER).
    unread: u64,
    /// Bytes the application has read.
    pub read_total: u64,
    /// Fractional read progress, bit x ns (< 8e9).
    credit: u128,
    last_read: u64,
    /// Instants (ns, sorted) at which [`Receiver::received`] is recorded: the end of the
    /// warm-up and every sample time. The engine runs a receiver ahead of the global clock
    /// (a segment is processed when its arrival time is known, at admission), so it asks
    /// for these recorded values rather than the current total. A segment arriving exactly
    /// at a mark counts before it.
    marks: Vec<u64>,
    mark_received: Vec<u64>,
    ooo: Vec<Block>,
    ooo_bytes: u64,
    stamp: u64,
    /// (stamp, start) of every block as it was made, oldest first; entries whose block has
    /// since merged or moved in order are dropped when a SACK scan meets them. Finding the
    /// most recent blocks by scanning `ooo` costs a pass per ACK, which made a loss episode
    /// with thousands of holes quadratic.
    recent: Vec<(u64, u64)>,
    /// Full segments received but not ACKed (delayed ACKs).
    pending: u32,
    held_tsecr: u64,
    held_retx: bool,
    delack_at: u64,
    update_at: u64,
    fin: bool,
    pub timer: LazyTimer,
    /// When the application read the last byte of a sized flow, ns.
    pub done_at: Option<u64>,
    pub stats: ReceiverStats,
}

impl Receiver {
    pub fn new(cfg: ReceiverConfig, marks: Vec<u64>) -> Receiver {
        debug_assert!(marks.windows(2).all(|w| w[0] < w[1]));
        Receiver {
            mark_received: Vec::with_capacity(marks.len()),
            marks,
            right: cfg.buffer,
            cfg,
            rcv_nxt: 0,
            unread: 0,
            read_total: 0,
            credit: 0,
            last_read: 0,
            ooo: Vec::new(),
            ooo_bytes: 0,
            stamp: 0,
            recent: Vec::new(),
            pending: 0,
            held_tsecr: 0,
            held_retx: false,
            delack_at: NEVER,
            update_at: NEVER,
            fin: false,
            timer: LazyTimer::default(),
            done_at: None,
            stats: ReceiverStats::default(),
        }
    }

    /// Bytes held in the buffer now (unread in-order data and out-of-order data).
    pub fn held(&self) -> u64 {
        self.unread + self.ooo_bytes
    }

    /// RCV.NXT.
    pub fn rcv_nxt(&self) -> u64 {
        self.rcv_nxt
    }

    /// Out-of-order bytes held.
    pub fn ooo_bytes(&self) -> u64 {
        self.ooo_bytes
    }

    /// Payload bytes that have reached the receiver at least once, each byte counted when
    /// its first copy arrived, in order or not: delivered in order plus held out of order.
    /// Goodput counts these (see `FlowReport::goodput_mbps`): the first arrival is when
    /// the bottleneck carried the byte usefully, so a window's count cannot exceed what the
    /// link carried in it, unlike in-order delivery, which releases a whole reassembled
    /// window when a hole fills.
    #[inline]
    pub fn received(&self) -> u64 {
        self.stats.delivered + self.ooo_bytes
    }

    /// Records [`Receiver::received`] at the marks before `now`.
    #[inline]
    fn pass_marks(&mut self, now: u64) {
        while let Some(&m) = self.marks.get(self.mark_received.len()) {
            if m >= now {
                break;
            }
            self.mark_received.push(self.received());
        }
    }

    /// [`Receiver::received`] at mark `t` (one of the instants given to `new`), once the
    /// engine's clock has reached `t` (so every arrival up to `t` has been processed).
    pub fn received_at(&mut self, t: u64) -> u64 {
        // Marks are asked for in time order: the first one not yet recorded, or a search.
        let n = self.mark_received.len();
        let k = if self.marks.get(n) == Some(&t) { n } else { self.marks.partition_point(|&m| m < t) };
        debug_assert_eq!(self.marks.get(k), Some(&t), "received_at needs a mark");
        if k >= self.mark_received.len() {
            self.pass_marks(t);
            self.mark_received.push(self.received());
        }
        self.mark_received[k]
    }

    /// Runs the application's reads up to `now`.
    pub fn advance_reader(&mut self, now: u64) {
        self.read_to(now);
    }

    fn read_to(&mut self, now: u64) {
        if now <= self.last_read {
            return;
        }
        if let Some(rate) = self.cfg.read_rate {
            if self.unread == 0 {
                // An idle reader cannot read ahead: no credit accumulates.
                self.credit = 0;
            } else {
                let avail = self.credit + u128::from(rate) * u128::from(now - self.last_read);
                let bytes = avail / NS_BITS;
                if bytes >= u128::from(self.unread) {
                    self.read_total += self.unread;
                    self.unread = 0;
                    self.credit = 0;
                } else {
                    self.read_total += bytes as u64;
                    self.unread -= bytes as u64;
                    self.credit = avail % NS_BITS;
                }
            }
        }
        self.last_read = now;
    }

    /// Time at which the reader will have read `bytes` more, reading without pause.
    fn read_time(&self, now: u64, bytes: u64) -> u64 {
        let rate = u128::from(self.cfg.read_rate.expect("a rate-limited reader"));
        let need = (u128::from(bytes) * NS_BITS).saturating_sub(self.credit);
        now + need.div_ceil(rate) as u64
    }

    fn deliver(&mut self, now: u64, n: u64) {
        self.stats.delivered += n;
        if self.cfg.read_rate.is_none() {
            self.read_total += n;
        } else {
            self.unread += n;
        }
        if self.cfg.size == Some(self.rcv_nxt) && self.done_at.is_none() {
            self.done_at = Some(if self.unread == 0 { now } else { self.read_time(now, self.unread) });
        }
    }

    /// The window right edge as RFC 9293's receiver SWS avoidance lets it move now.
    fn update_right(&mut self) {
        let cand = self.rcv_nxt + self.cfg.buffer - self.unread;
        let step = (self.cfg.buffer / 2).min(self.cfg.mss);
        if cand > self.right && cand - self.right >= step {
            self.right = cand;
        }
    }

    /// Sends an ACK at `now`, written straight into its place on the reverse path.
    #[inline(always)]
    fn ack(&mut self, now: u64, kind: AckKind, tsecr: u64, echo_retx: bool, out: &mut impl AckSink) {
        self.update_right();
        let a = out.slot(now);
        *a = AckSeg::new(kind, self.rcv_nxt, self.right, tsecr, echo_retx);
        // The slot's memory may not be cached yet: nothing is read back from it.
        let nsacks = if self.cfg.sack && !self.ooo.is_empty() { self.sack_blocks(a) } else { 0 };
        self.pending = 0;
        self.delack_at = NEVER;
        self.stats.acks += 1;
        self.stats.ack_bytes += AckSeg::wire_with(nsacks);
    }

    /// The most recently changed blocks, newest first (RFC 2018 §4). Returns their number.
    fn sack_blocks(&mut self, a: &mut AckSeg) -> usize {
        // Walk `recent` from the newest entry until MAX_SACK_BLOCKS live blocks are found,
        // compacting away the stale entries passed on the way, so each is read once.
        let live = |ooo: &[Block], (stamp, start): (u64, u64)| {
            ooo.binary_search_by_key(&start, |b| b.start).is_ok_and(|i| ooo[i].stamp == stamp)
        };
        let mut from = self.recent.len();
        let mut found = 0;
        while from > 0 && found < MAX_SACK_BLOCKS {
            from -= 1;
            if live(&self.ooo, self.recent[from]) {
                found += 1;
            }
        }
        let mut w = from;
        for r in from..self.recent.len() {
            if live(&self.ooo, self.recent[r]) {
                self.recent[w] = self.recent[r];
                w += 1;
            }
        }
        self.recent.truncate(w);
        for &(_, start) in self.recent[from..].iter().rev() {
            let i = self.ooo.partition_point(|b| b.start < start);
            a.push_block(self.ooo[i].start, self.ooo[i].end);
        }
        found
    }

    /// A segment arrives at `now`; ACKs to send are appended to `out`.
    pub fn on_segment(&mut self, now: u64, seg: &Segment, out: &mut impl AckSink) {
        self.pass_marks(now);
        self.advance_reader(now);
        match seg.kind {
            SegKind::Syn => {
                self.ack(now, AckKind::SynAck, seg.sent, seg.retx, out);
            }
            SegKind::Probe => {
                self.stats.probes += 1;
                self.ack(now, AckKind::Ack, seg.sent, true, out);
            }
            SegKind::Fin => {
                let kind = if seg.seq == self.rcv_nxt {
                    self.fin = true;
                    AckKind::FinAck
                } else {
                    AckKind::Ack
                };
                self.ack(now, kind, seg.sent, seg.retx, out);
            }
            SegKind::Data => self.on_data(now, seg, out),
        }
        self.plan_update(now);
    }

    #[inline(always)]
    fn on_data(&mut self, now: u64, seg: &Segment, out: &mut impl AckSink) {
        let (s, e) = (seg.seq, seg.end());
        let len = u64::from(seg.len);
        self.stats.arrived += len;
        let mut immediate = true;
        if e <= self.rcv_nxt {
            self.stats.duplicate += len;
        } else if e > self.right {
            // Beyond the advertised window: discarded (RFC 9293 §3.10.7.4).
            self.stats.beyond_window += len;
        } else if s <= self.rcv_nxt {
            self.stats.duplicate += self.rcv_nxt - s;
            let gap_fill = !self.ooo.is_empty();
            let n = e - self.rcv_nxt;
            self.rcv_nxt = e;
            self.deliver(now, n);
            // Out-of-order data now contiguous with RCV.NXT moves in order.
            let merged = self.ooo.iter().take_while(|b| b.start <= self.rcv_nxt).count();
            for i in 0..merged {
                let b = self.ooo[i];
                self.ooo_bytes -= b.end - b.start;
                if b.end > self.rcv_nxt {
                    let n = b.end - self.rcv_nxt;
                    self.rcv_nxt = b.end;
                    self.deliver(now, n);
                }
            }
            self.ooo.drain(..merged);
            if self.ooo.is_empty() {
                self.recent.clear();
            }
            immediate = !self.cfg.delayed_ack || gap_fill || !self.ooo.is_empty();
        } else {
            self.insert_ooo(s, e);
        }
        self.stats.high_water = self.stats.high_water.max(self.held());
        if immediate {
            self.ack(now, AckKind::Ack, seg.sent, seg.retx, out);
            return;
        }
        if self.pending == 0 {
            self.held_tsecr = seg.sent;
            self.held_retx = seg.retx;
            self.delack_at = now + DELACK;
        }
        self.pending += 1;
        if self.pending >= 2 {
            // RFC 7323 §4.3: a delayed ACK echoes the earliest segment it acknowledges.
            self.ack(now, AckKind::Ack, self.held_tsecr, self.held_retx, out);
        }
    }

    fn insert_ooo(&mut self, s: u64, e: u64) {
        self.stamp += 1;
        let stamp = self.stamp;
        // Blocks are sorted and disjoint; new data usually extends the last one.
        let i = self.ooo.partition_point(|b| b.end < s);
        let mut j = i;
        let mut covered = 0;
        let (mut lo, mut hi) = (s, e);
        while j < self.ooo.len() && self.ooo[j].start <= e {
            let b = self.ooo[j];
            covered += b.end.min(e).saturating_sub(b.start.max(s));
            lo = lo.min(b.start);
            hi = hi.max(b.end);
            j += 1;
        }
        let new = (e - s) - covered;
        self.stats.duplicate += covered;
        self.ooo_bytes += new;
        self.ooo.splice(i..j, std::iter::once(Block { start: lo, end: hi, stamp }));
        self.recent.push((stamp, lo));
    }

    /// Schedules the window update the reader will make due (see the module docs).
    fn plan_update(&mut self, now: u64) {
        self.update_at = NEVER;
        if !self.cfg.window_updates || self.cfg.read_rate.is_none() || self.fin {
            return;
        }
        let buf = self.cfg.buffer;
        let rem = self.right - self.rcv_nxt;
        if rem > buf / 2 {
            return;
        }
        let step = (buf / 2).min(self.cfg.mss);
        let want = (2 * rem).max(rem + step).max(1);
        // The window is buf - unread; it reaches `want` once unread <= buf - want.
        let target = buf.saturating_sub(want);
        if self.unread > target {
            self.update_at = self.read_time(now, self.unread - target);
        }
    }

    /// The receiver's next timer deadline (delayed ACK or window update).
    pub fn deadline(&self) -> u64 {
        self.delack_at.min(self.update_at)
    }

    /// The receiver timer fired at `now`.
    pub fn on_timer(&mut self, now: u64, out: &mut impl AckSink) {
        self.advance_reader(now);
        if self.delack_at <= now {
            self.ack(now, AckKind::Ack, self.held_tsecr, self.held_retx, out);
        }
        if self.update_at <= now {
            let before = self.right;
            self.update_right();
            if self.right > before {
                self.stats.window_updates += 1;
                // A pure window update acknowledges nothing new: no RTT sample.
                self.ack(now, AckKind::Ack, u64::MAX, true, out);
            }
        }
        self.plan_update(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSS: u64 = 1000;

    fn cfg() -> ReceiverConfig {
        ReceiverConfig {
            buffer: 10 * MSS,
            read_rate: None,
            delayed_ack: false,
            sack: true,
            window_updates: true,
            mss: MSS,
            size: None,
        }
    }

    fn data(seq: u64) -> Segment {
        Segment { kind: SegKind::Data, len: MSS as u32, seq, sent: seq, retx: false, wire: MSS as u32 + 52 }
    }

    #[test]
    fn out_of_order_data_is_sacked_and_delivered_when_the_gap_fills() {
        let mut r = Receiver::new(cfg(), Vec::new());
        let mut out = Vec::new();
        r.on_segment(0, &data(0), &mut out);
        r.on_segment(1, &data(2000), &mut out);
        r.on_segment(2, &data(3000), &mut out);
        r.on_segment(3, &data(5000), &mut out);
        let last = out.last().unwrap();
        assert_eq!(last.cum, 1000);
        // Newest block first, then the older one.
        assert_eq!(last.blocks(), vec![(5000, 6000), (2000, 4000)]);
        assert_eq!(r.ooo_bytes(), 3000);
        r.on_segment(4, &data(1000), &mut out);
        assert_eq!(out.last().unwrap().cum, 4000);
        assert_eq!(out.last().unwrap().blocks(), vec![(5000, 6000)]);
        assert_eq!(r.stats.delivered, 4000);
        // Immediate reader: the window's right edge is RCV.NXT + buffer.
        assert_eq!(out.last().unwrap().wnd_right(), 4000 + 10 * MSS);
    }

    #[test]
    fn sack_blocks_are_the_most_recently_changed_blocks_through_merges_and_advances() {
        // 400 segments arrive in a scrambled order (i * 37 mod 400, an LCG-like permutation):
        // holes open, blocks merge, RCV.NXT jumps over blocks. After every arrival the
        // ACK's blocks must be the (up to) three live blocks with the newest stamps, newest
        // first, as a full scan of the out-of-order list finds them.
        let mut c = cfg();
        c.buffer = 1000 * MSS;
        let mut r = Receiver::new(c, Vec::new());
        let mut out = Vec::new();
        for k in 0..400u64 {
            let seg = (k * 37 + 11) % 400;
            r.on_segment(k, &data(seg * MSS), &mut out);
            let mut by_stamp: Vec<Block> = r.ooo.clone();
            by_stamp.sort_by_key(|b| std::cmp::Reverse(b.stamp));
            let want: Vec<(u64, u64)> =
                by_stamp.iter().take(MAX_SACK_BLOCKS).map(|b| (b.start, b.end)).collect();
            assert_eq!(out.last().unwrap().blocks(), want, "after segment {seg} (arrival {k})");
        }
        assert_eq!(r.stats.delivered, 400 * MSS);
        assert!(r.recent.is_empty(), "no out-of-order data, nothing remembered");
    }

    #[test]
    fn the_window_shrinks_as_unread_data_accumulates_and_never_moves_left() {
        let mut c = cfg();
        c.read_rate = Some(8_000); // 1000 B/s: one segment per second
        let mut r = Receiver::new(c, Vec::new());
        let mut out = Vec::new();
        for i in 0..4 {
            r.on_segment(i, &data(i * MSS), &mut out);
            assert_eq!(out.last().unwrap().wnd_right(), 10 * MSS, "the right edge stays put");
        }
        assert_eq!(r.held(), 4 * MSS);
        // After 1 s the reader has consumed a segment: the edge moves by one MSS (SWS step).
        r.on_segment(1_000_000_004, &data(4 * MSS), &mut out);
        assert_eq!(r.read_total, 1000);
        assert_eq!(out.last().unwrap().wnd_right(), 11 * MSS);
    }

    #[test]
    fn data_beyond_the_window_is_discarded() {
        let mut c = cfg();
        c.read_rate = Some(8);
        let mut r = Receiver::new(c, Vec::new());
        let mut out = Vec::new();
        for i in 0..11 {
            r.on_segment(i, &data(i * MSS), &mut out);
        }
        assert_eq!(r.stats.beyond_window, MSS);
        assert_eq!(r.held(), 10 * MSS);
        assert_eq!(out.last().unwrap().wnd_right(), 10 * MSS);
    }

    #[test]
    fn delayed_acks_cover_two_segments_or_wait_40_ms() {
        let mut c = cfg();
        c.delayed_ack = true;
        let mut r = Receiver::new(c, Vec::new());
        let mut out = Vec::new();
        r.on_segment(0, &data(0), &mut out);
        assert!(out.is_empty());
        assert_eq!(r.deadline(), DELACK);
        r.on_segment(10, &data(1000), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].cum, 2000);
        assert_eq!(out[0].tsecr, 0, "echoes the earliest segment");
        r.on_segment(20, &data(2000), &mut out);
        assert_eq!(out.len(), 1);
        r.on_timer(20 + DELACK, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].cum, 3000);
        // Out of order: at once.
        r.on_segment(100 + DELACK, &data(5000), &mut out);
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn a_slow_reader_triggers_a_window_update() {
        let mut c = cfg();
        c.read_rate = Some(8_000_000); // 1 MB/s: 1 ms per segment
        let mut r = Receiver::new(c, Vec::new());
        let mut out = Vec::new();
        for i in 0..10 {
            r.on_segment(0, &data(i * MSS), &mut out);
        }
        assert_eq!(out.last().unwrap().wnd_right(), 10 * MSS, "window closed");
        // rem = 0, want = max(0, 0 + 1000) = 1000: one segment read, at 1 ms.
        assert_eq!(r.deadline(), 1_000_000);
        r.on_timer(1_000_000, &mut out);
        assert_eq!(out.last().unwrap().wnd_right(), 11 * MSS);
        assert_eq!(r.stats.window_updates, 1);
    }

    #[test]
    fn first_arrivals_are_recorded_at_marks_even_when_the_receiver_runs_ahead() {
        // Marks at 0.5, 1.5 and 2.5 s. Segment 0 arrives at 0, segment 2 (out of order) at
        // 1 s, segment 1 (filling the hole) at 2 s, a duplicate of segment 2 at 2.2 s. Each
        // byte counts when its first copy arrives: 1000, 2000 (the out-of-order segment
        // counts at once), 3000 (the duplicate adds nothing). In-order delivery would give
        // 1000, 1000, 3000. Processing the receiver ahead (to 2.2 s) before asking for the
        // earlier marks changes nothing.
        let mut r = Receiver::new(cfg(), vec![500_000_000, 1_500_000_000, 2_500_000_000]);
        let mut out = Vec::new();
        r.on_segment(0, &data(0), &mut out);
        r.on_segment(1_000_000_000, &data(2000), &mut out);
        r.on_segment(2_000_000_000, &data(1000), &mut out);
        r.on_segment(2_200_000_000, &data(2000), &mut out);
        assert_eq!(r.received_at(500_000_000), 1000);
        assert_eq!(r.received_at(1_500_000_000), 2000);
        assert_eq!(r.received_at(2_500_000_000), 3000);
        assert_eq!(r.stats.delivered, 3000);
        assert_eq!(r.stats.duplicate, 1000);
    }

    #[test]
    fn the_reader_reads_at_its_rate_between_events() {
        // Reader at 1000 B/s, never idle (data always waiting): 500 B by 0.5 s, 2000 B by
        // 2 s, whatever the events in between.
        let mut c = cfg();
        c.read_rate = Some(8_000);
        let mut r = Receiver::new(c, Vec::new());
        let mut out = Vec::new();
        r.on_segment(0, &data(0), &mut out);
        r.on_segment(500_000_000, &data(1000), &mut out);
        assert_eq!(r.read_total, 500);
        r.on_segment(2_000_000_000, &data(2000), &mut out);
        assert_eq!(r.read_total, 2000);
    }

    #[test]
    fn a_rate_limited_reader_finishes_a_sized_flow_on_time() {
        let mut c = cfg();
        c.read_rate = Some(8_000_000); // 1 ms per 1000 bytes
        c.size = Some(3 * MSS);
        let mut r = Receiver::new(c, Vec::new());
        let mut out = Vec::new();
        for i in 0..3 {
            r.on_segment(0, &data(i * MSS), &mut out);
        }
        assert_eq!(r.done_at, Some(3_000_000));
    }
}
