//! The experiment file's schema. Key names here are a public contract (docs/spec.md):
//! notebooks and users' scripts depend on them.

use super::plots::PlotsSpec;
use cclab_sim::{BufferSize, Bytes, CrossTraffic, Duration, Engine, Jitter, Rate, Recovery, RedParams, Time};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// One experiment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Names the results folder (results/NAME/).
    pub name: String,
    #[serde(default)]
    pub engine: Engine,
    pub duration: Duration,
    #[serde(default)]
    pub warmup: Duration,
    #[serde(default)]
    pub seeds: Seeds,
    pub link: LinkSpec,
    pub flows: Vec<FlowGroup>,
    #[serde(default)]
    pub cross_traffic: Vec<CrossTraffic>,
    /// Time-series sampling interval (default 10ms; 0s disables traces).
    #[serde(default)]
    pub trace_interval: Option<Duration>,
    /// Phase randomisation per seed (default: 10ms start offsets, one packet time of
    /// per-packet jitter).
    #[serde(default)]
    pub jitter: Option<Jitter>,
    /// Fluid engine step (default min(1ms, smallest RTT / 20)).
    #[serde(default)]
    pub fluid_step: Option<Duration>,
    /// Parameter sweep; expanded before this struct is read, kept for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<serde_json::Value>,
    /// Which figures to draw and along which axes (default: by the experiment's shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plots: Option<PlotsSpec>,
}

/// `seeds: 3` (seeds 1, 2, 3) or `seeds: [1, 7, 42]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Seeds {
    Count(u64),
    List(Vec<u64>),
}

impl Default for Seeds {
    fn default() -> Self {
        Seeds::Count(1)
    }
}

impl Seeds {
    pub fn list(&self) -> Vec<u64> {
        match self {
            Seeds::Count(n) => (1..=*n).collect(),
            Seeds::List(v) => v.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for Seeds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Seeds, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Seeds;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of seeds (3) or a list of seeds ([1, 7, 42])")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Seeds, E> {
                if n == 0 { Err(E::custom("seeds must be at least 1")) } else { Ok(Seeds::Count(n)) }
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Seeds, E> {
                if n <= 0 { Err(E::custom("seeds must be at least 1")) } else { Ok(Seeds::Count(n as u64)) }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Seeds, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = s.next_element::<u64>()? {
                    v.push(x);
                }
                if v.is_empty() {
                    return Err(de::Error::custom("the list of seeds is empty"));
                }
                Ok(Seeds::List(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// The bottleneck.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// Capacity (wire bits). Required unless `trace` is given.
    #[serde(default)]
    pub rate: Option<Rate>,
    /// 100pkt, 150KB, or a multiple of the BDP (rate x the largest base RTT): 1bdp.
    pub buffer: BufferSize,
    #[serde(default)]
    pub queue: QueueSpec,
    #[serde(default)]
    pub loss: LossSpec,
    /// A Mahimahi trace file, relative to the spec file; replaces `rate`.
    #[serde(default)]
    pub trace: Option<PathBuf>,
}

/// `queue: droptail`, or `queue: {type: red, min_threshold: 20pkt, max_threshold: 60pkt}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub enum QueueSpec {
    #[default]
    DropTail,
    Red(RedParams),
}

impl<'de> Deserialize<'de> for QueueSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<QueueSpec, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = QueueSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("droptail, or a map {type: red, min_threshold, max_threshold, ...}")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<QueueSpec, E> {
                match s.to_lowercase().as_str() {
                    "droptail" | "drop-tail" | "fifo" => Ok(QueueSpec::DropTail),
                    "red" => Err(E::custom(
                        "red needs its thresholds: {type: red, min_threshold: 20pkt, max_threshold: 60pkt}",
                    )),
                    _ => Err(E::custom(format!("unknown queue '{s}'; expected droptail or red"))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<QueueSpec, A::Error> {
                let q = cclab_sim::QueueDiscipline::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(match q {
                    cclab_sim::QueueDiscipline::DropTail => QueueSpec::DropTail,
                    cclab_sim::QueueDiscipline::Red(r) => QueueSpec::Red(r),
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// `loss: 0.001` (Bernoulli), or a map: `{model: periodic, p: 0.001}`,
/// `{model: gilbert-elliott, p_good_to_bad: .., p_bad_to_good: .., loss_good: .., loss_bad: ..}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LossSpec(pub cclab_sim::LossModel);

impl<'de> Deserialize<'de> for LossSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LossSpec, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LossSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a loss probability (0.001) or a map {model: gilbert-elliott, ...}")
            }
            fn visit_f64<E: de::Error>(self, p: f64) -> Result<LossSpec, E> {
                if !(0.0..=1.0).contains(&p) {
                    return Err(E::custom(format!("a loss probability must be in [0, 1], got {p}")));
                }
                Ok(LossSpec(if p == 0.0 {
                    cclab_sim::LossModel::None
                } else {
                    cclab_sim::LossModel::Bernoulli { p }
                }))
            }
            fn visit_u64<E: de::Error>(self, p: u64) -> Result<LossSpec, E> {
                self.visit_f64(p as f64)
            }
            fn visit_i64<E: de::Error>(self, p: i64) -> Result<LossSpec, E> {
                self.visit_f64(p as f64)
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<LossSpec, A::Error> {
                let l = cclab_sim::LossModel::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(LossSpec(l))
            }
        }
        d.deserialize_any(V)
    }
}

/// A group of identical flows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowGroup {
    pub algorithm: String,
    /// Checked against the algorithm's parameters (`cclab algorithms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<serde_json::Value>,
    #[serde(default = "one")]
    pub count: u64,
    /// Base round-trip propagation delay.
    pub rtt: Duration,
    #[serde(default)]
    pub start: Time,
    /// Gap between the starts of the group's flows.
    #[serde(default)]
    pub stagger: Duration,
    /// Bytes to send; absent = until the end.
    #[serde(default)]
    pub size: Option<Bytes>,
    #[serde(default)]
    pub recovery: Recovery,
    #[serde(default)]
    pub delayed_ack: bool,
    #[serde(default)]
    pub receiver: ReceiverSpec,
    #[serde(default)]
    pub mss: Option<Bytes>,
    #[serde(default)]
    pub initial_window: Option<u32>,
    #[serde(default)]
    pub min_rto: Option<Duration>,
    /// TCP pacing (Linux fq): `{}` for Linux's ratios, or `{ss_ratio: 2, ca_ratio: 1}`.
    #[serde(default)]
    pub pacing: Option<cclab_sim::Pacing>,
}

fn one() -> u64 {
    1
}

/// `receiver: {buffer: 4MB, read_rate: unlimited}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiverSpec {
    #[serde(default)]
    pub buffer: Option<Bytes>,
    #[serde(default)]
    pub read_rate: ReadRate,
}

/// `unlimited` or a rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub enum ReadRate {
    #[default]
    Unlimited,
    Rate(Rate),
}

impl<'de> Deserialize<'de> for ReadRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ReadRate, D::Error> {
        let s = String::deserialize(d)?;
        if s.eq_ignore_ascii_case("unlimited") {
            Ok(ReadRate::Unlimited)
        } else {
            s.parse().map(ReadRate::Rate).map_err(|e| de::Error::custom(format!("{e} (or 'unlimited')")))
        }
    }
}
