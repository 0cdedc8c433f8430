//! What a run did internally, for invariant tests and debugging: conservation counters,
//! receive-buffer high-water marks, the window invariant, and optional per-flow event logs.
//! Also the instrumentation a test can ask for (scripted drops, event logs).

pub use super::sender::{LogEntry, LogKind};

/// Which packet a scripted drop targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The flow's SYN.
    Syn,
    /// The data segment whose first payload byte is `seq` (relative to the first data byte).
    Data { seq: u64 },
}

/// Drop the first `times` transmissions of one packet at the bottleneck's entrance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptedDrop {
    pub flow: usize,
    pub target: Target,
    pub times: u32,
}

/// Test instrumentation for [`super::run_instrumented`].
#[derive(Debug, Clone, Default)]
pub struct Instrument {
    /// Deterministic losses, counted as bottleneck drops.
    pub drops: Vec<ScriptedDrop>,
    /// Record each flow's event log.
    pub log: bool,
}

/// Per-flow internals at the end of a run. Byte counts are payload bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowDiagnostics {
    pub mss: u64,
    /// Payload of every data segment the sender emitted, retransmissions included.
    pub sent: u64,
    /// Payload that reached the receiver, duplicates included.
    pub arrived: u64,
    /// Payload dropped at the bottleneck.
    pub dropped: u64,
    /// Payload still on the way to the receiver when the run ended.
    pub in_network: u64,
    /// Payload handed to the receive buffer in order (every byte once).
    pub delivered: u64,
    /// Of `arrived`: bytes already held or delivered.
    pub duplicate: u64,
    /// Of `arrived`: bytes beyond the advertised window, discarded.
    pub beyond_window: u64,
    /// Out-of-order bytes held at the end.
    pub out_of_order: u64,
    /// RCV.NXT at the end.
    pub rcv_nxt: u64,
    /// Bytes the application read.
    pub read: u64,
    /// Receive buffer size and the most it ever held, bytes.
    pub rcv_buffer: u64,
    pub rcv_high_water: u64,
    /// Largest excess after a window-checked send of bytes in flight (RFC 6675 pipe, or
    /// FlightSize in NewReno recovery) over cwnd (plus NewReno's inflation), or of
    /// SND.NXT - SND.UNA over the advertised window, bytes (`i64::MIN` if nothing was sent).
    /// Sending stays within min(cwnd, rwnd) + 1 MSS when this is at most one MSS.
    pub max_excess: i64,
    pub segments_sent: u64,
    pub retransmits: u64,
    pub timeouts: u64,
    pub recoveries: u64,
    pub probes: u64,
    pub window_updates: u64,
    pub acks: u64,
    /// Wire bytes of those ACKs (52 plus SACK blocks each).
    pub ack_bytes: u64,
    /// When the first SYN left, ns.
    pub syn_at: Option<u64>,
    /// When the last data byte was cumulatively acknowledged, ns.
    pub all_acked_at: Option<u64>,
    /// When the application read the last byte of a sized flow, ns.
    pub done_at: Option<u64>,
    /// SND.UNA and SND.NXT at the end.
    pub snd_una: u64,
    pub snd_nxt: u64,
    /// The event log, if requested.
    pub log: Vec<LogEntry>,
}

/// Link internals at the end of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkDiagnostics {
    /// Buffer, bytes.
    pub buffer: u64,
    pub drops_random: u64,
    pub drops_red: u64,
    pub drops_overflow: u64,
    pub drops_scripted: u64,
    /// UDP datagrams sent and dropped.
    pub udp_sent: u64,
    pub udp_dropped: u64,
}

/// Everything [`super::run_with_diagnostics`] returns besides the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics {
    pub flows: Vec<FlowDiagnostics>,
    pub link: LinkDiagnostics,
    /// Events handled by the main loop.
    pub events: u64,
}
