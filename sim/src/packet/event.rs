//! The event queue: a binary min-heap ordered by (time, insertion sequence).
//!
//! Ties in time resolve in insertion order, so a run is reproducible. Packets never enter
//! the heap: each FIFO (a flow's access queue, its forward delay line, its ACK path) keeps
//! only its head here, and each flow keeps one lazy timer entry (see [`LazyTimer`]). The
//! heap therefore holds a few entries per flow however large the windows grow.
//!
//! The main loop peeks at the top, handles it, and then either replaces the top with the
//! same source's next event (one sift-down) or removes it; see [`EventQueue::reschedule_top`].
//! A source whose next event is due strictly before every other entry
//! ([`EventQueue::next_other_time`]) is handled again at once, with no heap operation: a
//! flow's train of ACKs goes through the heap once.

/// What an entry wakes up. Small and `Copy`; the index names a flow or a UDP source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ev {
    /// The head of flow `i`'s ACK path reaches its sender.
    AckArrive(u32),
    /// Flow `i`'s sender timer (start, SYN retry, RTO, persist, pacing).
    SenderTimer(u32),
    /// Flow `i`'s receiver timer (delayed ACK, window update).
    ReceiverTimer(u32),
    /// UDP source `i` sends its next packet or changes state.
    Udp(u32),
    /// Take a time-series sample.
    Sample,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    time: u64,
    seq: u64,
    ev: Ev,
}

impl Entry {
    #[inline]
    fn before(&self, other: &Entry) -> bool {
        (self.time, self.seq) < (other.time, other.seq)
    }
}

/// Min-heap of events on (time in ns, insertion sequence).
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: Vec<Entry>,
    seq: u64,
}

impl EventQueue {
    pub fn new() -> EventQueue {
        EventQueue { heap: Vec::with_capacity(64), seq: 0 }
    }

    /// Schedules `ev` at `time` (ns).
    pub fn push(&mut self, time: u64, ev: Ev) {
        let e = Entry { time, seq: self.seq, ev };
        self.seq += 1;
        self.heap.push(e);
        self.sift_up(self.heap.len() - 1);
    }

    /// The earliest event, without removing it.
    #[inline]
    pub fn peek(&self) -> Option<(u64, Ev)> {
        self.heap.first().map(|e| (e.time, e.ev))
    }

    /// Removes the earliest event.
    pub fn pop(&mut self) {
        let last = self.heap.pop();
        if let Some(last) = last {
            if !self.heap.is_empty() {
                self.heap[0] = last;
                self.sift_down(0);
            }
        }
    }

    /// Replaces the earliest event (the one just handled) by `ev` at `time`, which must not
    /// be earlier than the current top. Costs one sift-down instead of a pop and a push.
    pub fn reschedule_top(&mut self, time: u64, ev: Ev) {
        debug_assert!(!self.heap.is_empty());
        debug_assert!(time >= self.heap[0].time);
        self.heap[0] = Entry { time, seq: self.seq, ev };
        self.seq += 1;
        self.sift_down(0);
    }

    /// The earliest time among the entries other than the top (`u64::MAX` if none): the
    /// top's source may handle its next item at `t` without going through the heap if
    /// `t` is strictly earlier, since re-queued with a fresh sequence it would be popped
    /// next exactly then.
    #[inline]
    pub fn next_other_time(&self) -> u64 {
        let a = self.heap.get(1).map_or(u64::MAX, |e| e.time);
        let b = self.heap.get(2).map_or(u64::MAX, |e| e.time);
        a.min(b)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    fn sift_up(&mut self, mut i: usize) {
        let e = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 2;
            if e.before(&self.heap[parent]) {
                self.heap[i] = self.heap[parent];
                i = parent;
            } else {
                break;
            }
        }
        self.heap[i] = e;
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        let e = self.heap[i];
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let c = if r < n && self.heap[r].before(&self.heap[l]) { r } else { l };
            if self.heap[c].before(&e) {
                self.heap[i] = self.heap[c];
                i = c;
            } else {
                break;
            }
        }
        self.heap[i] = e;
    }
}

/// "Never" for deadlines.
pub(crate) const NEVER: u64 = u64::MAX;

/// One timer with a movable deadline and at most one live heap entry.
///
/// Re-arming to a later deadline (the RTO restarted by every ACK) touches only the
/// deadline; the existing entry fires early, sees the deadline has moved, and is re-queued
/// once. Re-arming earlier pushes a new entry; the older one is recognised as stale
/// because its time is not the one recorded in `queued`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LazyTimer {
    /// When the timer should fire (ns), or [`NEVER`].
    pub deadline: u64,
    /// Time of the live heap entry, or [`NEVER`] if none.
    queued: u64,
}

impl Default for LazyTimer {
    fn default() -> Self {
        LazyTimer { deadline: NEVER, queued: NEVER }
    }
}

impl LazyTimer {
    /// Sets the deadline; pushes an entry only when none is queued at or before it.
    pub fn set(&mut self, deadline: u64, q: &mut EventQueue, ev: Ev) {
        self.deadline = deadline;
        if deadline != NEVER && deadline < self.queued {
            self.queued = deadline;
            q.push(deadline, ev);
        }
    }

    /// Handles an entry firing at `now`. Returns true if the timer is due; otherwise the
    /// entry was stale or early, and it has been re-queued if the deadline still stands.
    /// `reschedule` re-queues by replacing the top of the heap (the entry being handled).
    pub fn fire(&mut self, now: u64, q: &mut EventQueue, ev: Ev) -> TimerFire {
        if now != self.queued {
            return TimerFire::Stale;
        }
        if self.deadline <= now {
            self.queued = NEVER;
            return TimerFire::Due;
        }
        if self.deadline == NEVER {
            self.queued = NEVER;
            return TimerFire::Stale;
        }
        self.queued = self.deadline;
        q.reschedule_top(self.deadline, ev);
        TimerFire::Requeued
    }
}

/// Outcome of [`LazyTimer::fire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimerFire {
    /// The deadline has come: act, and set the next deadline if any.
    Due,
    /// Nothing to do; the top entry must be popped.
    Stale,
    /// The top entry was replaced by the re-queued timer; do not pop.
    Requeued,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(q: &mut EventQueue) -> Vec<(u64, Ev)> {
        let mut out = Vec::new();
        while let Some(e) = q.peek() {
            out.push(e);
            q.pop();
        }
        out
    }

    #[test]
    fn events_come_out_by_time_then_insertion_order() {
        let mut q = EventQueue::new();
        q.push(5, Ev::Udp(0));
        q.push(3, Ev::Udp(1));
        q.push(5, Ev::Udp(2));
        q.push(1, Ev::Udp(3));
        q.push(3, Ev::Udp(4));
        let order: Vec<_> = drain(&mut q).iter().map(|e| e.1).collect();
        assert_eq!(order, vec![Ev::Udp(3), Ev::Udp(1), Ev::Udp(4), Ev::Udp(0), Ev::Udp(2)]);
    }

    #[test]
    fn the_next_other_time_is_the_earliest_entry_below_the_top() {
        let mut q = EventQueue::new();
        assert_eq!(q.next_other_time(), u64::MAX);
        for (t, i) in [(10, 0), (40, 1), (30, 2), (20, 3), (50, 4)] {
            q.push(t, Ev::Udp(i));
        }
        assert_eq!(q.peek(), Some((10, Ev::Udp(0))));
        assert_eq!(q.next_other_time(), 20);
        // Re-queued with a fresh sequence, the top would come after an entry at the same
        // time: only a strictly earlier time may skip the heap.
        q.reschedule_top(20, Ev::Udp(0));
        assert_eq!(q.peek(), Some((20, Ev::Udp(3))));
    }

    #[test]
    fn reschedule_top_keeps_heap_order() {
        let mut q = EventQueue::new();
        for i in 0..20u32 {
            q.push(u64::from(i * 7 % 13), Ev::Udp(i));
        }
        let mut last = 0;
        let mut n = 0;
        while let Some((t, ev)) = q.peek() {
            assert!(t >= last);
            last = t;
            n += 1;
            if let Ev::Udp(i) = ev {
                if i < 5 && t < 100 {
                    q.reschedule_top(t + 50, ev);
                    continue;
                }
            }
            q.pop();
        }
        assert_eq!(n, 20 + 5 * 2);
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn a_lazy_timer_fires_once_at_its_latest_deadline() {
        let mut q = EventQueue::new();
        let mut t = LazyTimer::default();
        let ev = Ev::SenderTimer(0);
        t.set(100, &mut q, ev);
        t.set(300, &mut q, ev); // later: no new entry
        assert_eq!(q.len(), 1);
        t.set(50, &mut q, ev); // earlier: a new entry, the old one goes stale
        t.set(200, &mut q, ev);
        assert_eq!(q.len(), 2);
        let mut fired = Vec::new();
        while let Some((now, e)) = q.peek() {
            match t.fire(now, &mut q, e) {
                TimerFire::Due => {
                    fired.push(now);
                    q.pop();
                }
                TimerFire::Stale => q.pop(),
                TimerFire::Requeued => {}
            }
        }
        assert_eq!(fired, vec![200]);
    }
}
