//! A flow's delay line: what comes back to the sender in each future step.
//!
//! Slot `s` holds what reaches the sender during step `s`, i.e. in the interval
//! (s·dt, (s+1)·dt]: acknowledged bytes, bytes whose loss those ACKs reveal, the queueing
//! delay the acknowledged bytes saw, and the receiver's advertised window. A ring buffer
//! indexed by the absolute step, grown when an entry lands further ahead than it holds
//! (a capacity trace with a long gap can make queueing delays large).

/// What one step's ACKs carry back. Bytes are payload bytes (fractional: this is a fluid).
use super::FastOrd;
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Slot {
    /// Newly sent data acknowledged.
    pub acked_new: f64,
    /// Retransmitted data acknowledged (each repairs a hole).
    pub acked_retx: f64,
    /// New data that was dropped; these ACKs are the ones that reveal it.
    pub lost_new: f64,
    /// Retransmissions that were dropped again.
    pub lost_retx: f64,
    /// Σ acknowledged bytes x the queueing delay they saw, byte-seconds.
    pub delay_weighted: f64,
    /// The largest send counter (bytes sent so far, new and retransmitted) of the data in
    /// this slot: lets the sender tell data sent before a recovery began from data sent
    /// after.
    pub mark: f64,
    /// The largest send counter among the data in this slot that was lost: the slot's
    /// ACKs may also cover later data (a retransmission sent just after a recovery began),
    /// so losses are dated by this, not by `mark`.
    pub lost_mark: f64,
    /// The receiver's advertised window carried by these ACKs, bytes; negative until the
    /// receiver has written it (see [`Slot::rwnd`]). A plain f64 rather than an
    /// `Option<f64>` keeps a slot at 64 bytes, one cache line.
    pub rwnd_or_negative: f64,
}

impl Slot {
    pub const EMPTY: Slot = Slot {
        acked_new: 0.0,
        acked_retx: 0.0,
        lost_new: 0.0,
        lost_retx: 0.0,
        delay_weighted: 0.0,
        mark: 0.0,
        lost_mark: 0.0,
        rwnd_or_negative: -1.0,
    };

    /// The advertised window these ACKs carry, if the receiver has written one.
    pub fn rwnd(&self) -> Option<f64> {
        (self.rwnd_or_negative >= 0.0).then_some(self.rwnd_or_negative)
    }

    pub fn acked(&self) -> f64 {
        self.acked_new + self.acked_retx
    }

    pub fn lost(&self) -> f64 {
        self.lost_new + self.lost_retx
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.acked() <= 0.0 && self.lost() <= 0.0
    }
}

/// The bytes one step sent, by fate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Batch {
    pub acked_new: f64,
    pub acked_retx: f64,
    pub lost_new: f64,
    pub lost_retx: f64,
}

/// Where a step's data comes back: arrival positions [x0, x1] in steps (time / dt), with
/// the queueing delay rising linearly from `d0` to `d1` seconds across them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Span {
    pub x0: f64,
    pub x1: f64,
    pub d0: f64,
    pub d1: f64,
}

/// The ring of future slots.
#[derive(Debug, Clone)]
pub(crate) struct DelayLine {
    slots: Vec<Slot>,
    /// The step whose slot is at the front (the next one [`take`](Self::take) returns).
    front: u64,
}

impl DelayLine {
    /// A line that holds at least `horizon` steps ahead without growing.
    pub fn new(horizon: usize) -> DelayLine {
        let len = (horizon + 2).next_power_of_two();
        DelayLine { slots: vec![Slot::EMPTY; len], front: 0 }
    }

    fn index(&self, step: u64) -> usize {
        (step as usize) & (self.slots.len() - 1)
    }

    /// Makes room for slot `step`.
    fn reach(&mut self, step: u64) {
        let ahead = (step - self.front) as usize;
        if ahead < self.slots.len() {
            return;
        }
        let len = (ahead + 1).next_power_of_two();
        let mut slots = vec![Slot::EMPTY; len];
        for s in self.front..self.front + self.slots.len() as u64 {
            slots[(s as usize) & (len - 1)] = self.slots[self.index(s)];
        }
        self.slots = slots;
    }

    /// Removes and returns slot `step`, which must be the front (tests read slots so).
    #[cfg(test)]
    pub fn take(&mut self, step: u64) -> Slot {
        debug_assert_eq!(step, self.front);
        let i = self.index(step);
        self.front = step + 1;
        std::mem::replace(&mut self.slots[i], Slot::EMPTY)
    }

    /// Slot `step`, the front, to be read in place and then cleared by
    /// [`pop`](Self::pop) (no copy of the slot).
    pub fn front(&self, step: u64) -> &Slot {
        debug_assert_eq!(step, self.front);
        &self.slots[self.index(step)]
    }

    /// Clears slot `step`, the front, and moves the front past it.
    pub fn pop(&mut self, step: u64) {
        debug_assert_eq!(step, self.front);
        let i = self.index(step);
        self.front = step + 1;
        self.slots[i] = Slot::EMPTY;
    }

    /// Slot `step` (at or after the front), for the receiver to read and stamp.
    pub fn get_mut(&mut self, step: u64) -> &mut Slot {
        self.reach(step);
        let i = self.index(step);
        &mut self.slots[i]
    }

    /// Adds `batch` spread uniformly over `span`, as a FIFO queue serves a step's arrivals
    /// one after the other. Position x falls in slot ceil(x) - 1; nothing lands before
    /// `first` (the earliest slot not yet taken that the caller allows).
    pub fn spread(&mut self, span: Span, batch: Batch, mark: f64, first: u64) {
        let Span { x0, x1, d0, d1 } = span;
        let acked = batch.acked_new + batch.acked_retx;
        let width = x1 - x0;
        // ceil(x) - 1 for x ≥ 0 with a cast (f64::ceil is a library call on baseline
        // x86-64, and this runs for every flow in every step).
        // Through i64, which x86-64 converts in one instruction (positions are steps,
        // far below 2^53).
        let first_i = first as i64;
        let slot_of = |x: f64| {
            let whole = x as i64;
            let ceil = if (whole as f64) < x { whole + 1 } else { whole };
            let s = ceil - 1;
            (if s > first_i { s } else { first_i }) as u64
        };
        let s0 = slot_of(x0);
        let s1 = slot_of(x1);
        if s0 == s1 || width <= 1e-9 {
            let slot = self.get_mut(s0);
            add(slot, &batch, 1.0, acked * 0.5 * (d0 + d1), mark);
            return;
        }
        self.reach(s1);
        let inv_width = 1.0 / width;
        if s1 == s0 + 1 {
            // The common case, without the loop: [x0, edge] in s0 (which also collects
            // anything before it if it was clamped to `first`), the rest in s1 (empty if
            // s1 was clamped beyond x1).
            let edge = s0 as f64 + 1.0;
            let share0 = ((x1.lo(edge) - x0) * inv_width).hi(0.0).lo(1.0);
            let share1 = if x1 > edge { 1.0 - share0 } else { 0.0 };
            let slope = d1 - d0;
            let delay0 = d0 + slope * 0.5 * share0;
            let delay1 = d0 + slope * (share0 + 0.5 * share1);
            let i0 = self.index(s0);
            add(&mut self.slots[i0], &batch, share0, acked * share0 * delay0, mark);
            if share1 > 0.0 {
                let i1 = self.index(s1);
                add(&mut self.slots[i1], &batch, share1, acked * share1 * delay1, mark);
            }
            return;
        }
        for s in s0..=s1 {
            let lo = x0.hi(s as f64);
            let hi = x1.lo(s as f64 + 1.0);
            // Slots clamped to `first` collect everything before them.
            let (lo, hi) = if s == s0 { (x0, hi.hi(x0)) } else { (lo, hi) };
            if hi <= lo {
                continue;
            }
            let share = (hi - lo) * inv_width;
            let mid = (0.5 * (lo + hi) - x0) * inv_width;
            let delay = d0 + (d1 - d0) * mid;
            let i = self.index(s);
            add(&mut self.slots[i], &batch, share, acked * share * delay, mark);
        }
    }
}

fn add(slot: &mut Slot, b: &Batch, share: f64, delay_weighted: f64, mark: f64) {
    slot.acked_new += b.acked_new * share;
    slot.delay_weighted += delay_weighted;
    slot.mark = slot.mark.hi(mark);
    // Retransmissions and losses are rare: most batches have neither.
    if b.acked_retx > 0.0 {
        slot.acked_retx += b.acked_retx * share;
    }
    if b.lost_new + b.lost_retx > 0.0 {
        slot.lost_new += b.lost_new * share;
        slot.lost_retx += b.lost_retx * share;
        slot.lost_mark = slot.lost_mark.hi(mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(acked: f64) -> Batch {
        Batch { acked_new: acked, ..Batch::default() }
    }

    #[test]
    fn a_spread_divides_bytes_by_overlap_and_keeps_the_mean_delay() {
        let mut line = DelayLine::new(8);
        // [2.5, 4.5]: a quarter in slot 2 ((2, 3]), half in slot 3, a quarter in slot 4.
        line.spread(Span { x0: 2.5, x1: 4.5, d0: 0.010, d1: 0.030 }, batch(100.0), 7.0, 1);
        let slots: Vec<Slot> = (0..6).map(|s| line.take(s)).collect();
        assert_eq!(slots[2].acked_new, 25.0);
        assert_eq!(slots[3].acked_new, 50.0);
        assert_eq!(slots[4].acked_new, 25.0);
        assert!(slots[1].is_empty() && slots[5].is_empty());
        // The delay rises linearly, so the byte-weighted mean is (10 + 30) / 2 = 20 ms.
        let total: f64 = slots.iter().map(|s| s.delay_weighted).sum();
        assert!((total / 100.0 - 0.020).abs() < 1e-12, "{total}");
        // Slot 2 holds the first quarter: mean delay 10 + 20 x 1/8 = 12.5 ms.
        assert!((slots[2].delay_weighted / 25.0 - 0.0125).abs() < 1e-12);
        assert_eq!(slots[3].mark, 7.0);
    }

    #[test]
    fn nothing_lands_before_the_first_allowed_slot() {
        let mut line = DelayLine::new(4);
        line.spread(Span { x0: 0.2, x1: 2.5, d0: 0.0, d1: 0.0 }, batch(23.0), 1.0, 2);
        assert!(line.take(0).is_empty());
        assert!(line.take(1).is_empty());
        // [0.2, 2.5] lies wholly at or before slot 2's end (3), so all of it lands there.
        assert!((line.take(2).acked_new - 23.0).abs() < 1e-12);
    }

    #[test]
    fn the_line_grows_for_far_entries_and_keeps_what_it_held() {
        let mut line = DelayLine::new(2);
        line.spread(Span { x0: 1.5, x1: 1.5, d0: 0.0, d1: 0.0 }, batch(1.0), 1.0, 1);
        line.spread(Span { x0: 100.5, x1: 100.5, d0: 0.0, d1: 0.0 }, batch(2.0), 2.0, 1);
        assert_eq!(line.take(0), Slot::EMPTY);
        assert_eq!(line.take(1).acked_new, 1.0);
        for s in 2..100 {
            assert!(line.take(s).is_empty(), "{s}");
        }
        assert_eq!(line.take(100).acked_new, 2.0);
    }
}
