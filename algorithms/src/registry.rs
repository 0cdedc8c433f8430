//! The registry: algorithm names to factories, with typed, documented parameters.
//!
//! Each algorithm has a config struct (its parameters) that implements [`AlgorithmConfig`];
//! the config is the factory, building one controller per flow. Its `Default` is the
//! standard value (Linux's default unless documented otherwise). Parameters arrive as a
//! `serde_json::Value` object, so any serde format (YAML specs, JSON, the CLI) can feed
//! them; unknown names and bad values are errors that list what exists.

use crate::controller::CongestionControl;
use crate::suggest::did_you_mean;
use crate::units::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

/// What a factory knows about the flow it builds a controller for.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct FlowContext {
    /// Sender maximum segment size, bytes (payload bytes per full segment).
    pub mss: Bytes,
    /// Initial congestion window in bytes (10 segments by default, RFC 6928 / Linux).
    pub initial_cwnd: Bytes,
    /// A seed for the controller's own random stream (an opaque number), derived by the
    /// simulator from the run's seed and the flow. Controllers never seed themselves.
    pub seed: u64,
}

impl FlowContext {
    /// Context for a flow with the given MSS, IW10 and seed 0.
    pub fn new(mss: Bytes) -> FlowContext {
        FlowContext { mss, initial_cwnd: Bytes::segments(10, mss), seed: 0 }
    }
    /// The same context with an initial window of `iw` bytes.
    pub fn with_initial_cwnd(mut self, iw: Bytes) -> FlowContext {
        self.initial_cwnd = iw;
        self
    }
    /// The same context with the controller's random seed set to `seed`.
    pub fn with_seed(mut self, seed: u64) -> FlowContext {
        self.seed = seed;
        self
    }
}

/// An algorithm's parameter struct, which is also its factory.
///
/// Implement it on a `#[derive(Default, Serialize, Deserialize)]` struct with
/// `#[serde(default, deny_unknown_fields)]`, and register it with
/// [`Registry::register`]. Every field must appear in [`PARAMS`](Self::PARAMS).
pub trait AlgorithmConfig: Default + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The canonical name, lower case ("cubic").
    const NAME: &'static str;
    /// Other accepted names, lower case ("newreno").
    const ALIASES: &'static [&'static str] = &[];
    /// One line for `cclab algorithms`.
    const DESCRIPTION: &'static str;
    /// (parameter, documentation with its unit) for every field, in display order.
    const PARAMS: &'static [(&'static str, &'static str)];

    /// Checks values that deserialise but make no sense (beta outside (0, 1)). The message
    /// names the parameter.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    /// Builds the controller for one flow.
    fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl>;
}

/// A validated configuration of one algorithm, ready to build controllers for any number
/// of flows. Cheap to clone and shareable between threads.
#[derive(Clone)]
pub struct Factory {
    name: &'static str,
    build: Arc<BuildFn>,
}

type BuildFn = dyn Fn(&FlowContext) -> Box<dyn CongestionControl> + Send + Sync;

impl Factory {
    /// The canonical algorithm name.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// A fresh controller for one flow.
    pub fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
        (self.build)(ctx)
    }
}

impl fmt::Debug for Factory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Factory").field("name", &self.name).finish()
    }
}

/// One parameter as `cclab algorithms` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamInfo {
    /// The key under `params:` in a spec (the config struct's field name).
    pub name: &'static str,
    /// The default, as it would be written in a spec (the serialised `Default`).
    pub default: Value,
    /// What it means and its unit, from [`AlgorithmConfig::PARAMS`].
    pub doc: &'static str,
}

/// One registered algorithm, as [`Registry::algorithms`] lists it.
pub struct AlgorithmInfo {
    /// The canonical name, lower case ([`AlgorithmConfig::NAME`]).
    pub name: &'static str,
    /// Other accepted names, lower case ([`AlgorithmConfig::ALIASES`]).
    pub aliases: &'static [&'static str],
    /// One line for `cclab algorithms` ([`AlgorithmConfig::DESCRIPTION`]).
    pub description: &'static str,
    /// Every parameter with its default, in [`AlgorithmConfig::PARAMS`] order.
    pub params: Vec<ParamInfo>,
    configure: fn(&Value) -> Result<Factory, RegistryError>,
}

impl fmt::Debug for AlgorithmInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlgorithmInfo").field("name", &self.name).finish()
    }
}

/// Why an algorithm could not be configured or registered.
///
/// The `Display` form is the message users see; the fields let a front end (the spec
/// checker) point at the offending key. Built-in and plug-in algorithms get the same
/// messages, since both go through [`Registry::configure`].
#[derive(Debug, Clone, PartialEq)]
pub enum RegistryError {
    /// No algorithm has this name or alias.
    UnknownAlgorithm {
        /// The name as given.
        name: String,
        /// The canonical names of every registered algorithm, in registration order.
        known: Vec<String>,
        /// The canonical name of the closest match, if one is a plausible typo.
        suggestion: Option<String>,
    },
    /// The algorithm has no parameter of this name.
    UnknownParam {
        /// The algorithm's canonical name.
        algorithm: String,
        /// The parameter as given.
        param: String,
        /// The algorithm's parameters, in [`AlgorithmConfig::PARAMS`] order.
        known: Vec<String>,
        /// The closest parameter name, if one is a plausible typo.
        suggestion: Option<String>,
    },
    /// A parameter has the wrong type or a value that [`AlgorithmConfig::validate`]
    /// refused.
    BadParam {
        /// The algorithm's canonical name.
        algorithm: String,
        /// The parameter the message is about; empty if it names none.
        param: String,
        /// What is wrong, from serde or from `validate`.
        message: String,
    },
    /// `params` was given but is not a map.
    ParamsNotAMap {
        /// The algorithm's canonical name.
        algorithm: String,
    },
    /// A name or alias is registered twice.
    Duplicate {
        /// The name or alias that is already taken.
        name: String,
    },
    /// A plug-in's `PARAMS` list and its config struct's fields differ.
    ParamDocsMismatch {
        /// The algorithm's canonical name.
        algorithm: String,
        /// Fields of the config struct missing from `PARAMS`.
        undocumented: Vec<String>,
        /// Names in `PARAMS` that are not fields of the config struct.
        not_fields: Vec<String>,
    },
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint =
            |s: &Option<String>| s.as_ref().map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
        match self {
            RegistryError::UnknownAlgorithm { name, known, suggestion } => write!(
                f,
                "unknown algorithm '{name}'{}; known algorithms: {}",
                hint(suggestion),
                known.join(", ")
            ),
            RegistryError::UnknownParam { algorithm, param, known, suggestion } => {
                write!(f, "unknown parameter '{param}' for {algorithm}{}; ", hint(suggestion))?;
                if known.is_empty() {
                    write!(f, "{algorithm} takes no parameters")
                } else {
                    write!(f, "its parameters are: {}", known.join(", "))
                }
            }
            RegistryError::BadParam { algorithm, param, message } => {
                write!(f, "bad value for {algorithm} parameter '{param}': {message}")
            }
            RegistryError::ParamsNotAMap { algorithm } => {
                write!(f, "parameters for {algorithm} must be a map such as {{beta: 0.7}}")
            }
            RegistryError::Duplicate { name } => write!(f, "algorithm name '{name}' is registered twice"),
            RegistryError::ParamDocsMismatch { algorithm, undocumented, not_fields } => write!(
                f,
                "{algorithm}: PARAMS must list every config field; undocumented fields: [{}], listed but not fields: [{}]",
                undocumented.join(", "),
                not_fields.join(", ")
            ),
        }
    }
}

impl std::error::Error for RegistryError {}

/// Maps algorithm names (case-insensitive, with aliases) to their configurations.
#[derive(Debug, Default)]
pub struct Registry {
    algorithms: Vec<AlgorithmInfo>,
}

impl Registry {
    /// An empty registry.
    pub fn empty() -> Registry {
        Registry { algorithms: Vec::new() }
    }

    /// A registry with every built-in algorithm.
    pub fn with_builtins() -> Registry {
        let mut r = Registry::empty();
        crate::register_builtins(&mut r);
        r
    }

    /// Adds an algorithm. Panics if a name or alias is taken: that is a programming error
    /// in the plug-in, found by its first test; use [`try_register`](Self::try_register) to
    /// handle it.
    pub fn register<A: AlgorithmConfig>(&mut self) -> &mut Registry {
        if let Err(e) = self.try_register::<A>() {
            panic!("{e}");
        }
        self
    }

    /// Adds an algorithm unless one of its names is already registered.
    pub fn try_register<A: AlgorithmConfig>(&mut self) -> Result<(), RegistryError> {
        for name in std::iter::once(A::NAME).chain(A::ALIASES.iter().copied()) {
            if self.find(name).is_some() {
                return Err(RegistryError::Duplicate { name: name.to_string() });
            }
        }
        let defaults = match serde_json::to_value(A::default()) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let documented: Vec<&str> = A::PARAMS.iter().map(|p| p.0).collect();
        let undocumented: Vec<String> =
            defaults.keys().filter(|k| !documented.contains(&k.as_str())).cloned().collect();
        let not_fields: Vec<String> =
            documented.iter().filter(|d| !defaults.contains_key(**d)).map(|d| d.to_string()).collect();
        if !undocumented.is_empty() || !not_fields.is_empty() {
            return Err(RegistryError::ParamDocsMismatch {
                algorithm: A::NAME.to_string(),
                undocumented,
                not_fields,
            });
        }
        let params = A::PARAMS
            .iter()
            .map(|&(name, doc)| ParamInfo {
                name,
                default: defaults.get(name).cloned().unwrap_or(Value::Null),
                doc,
            })
            .collect();
        self.algorithms.push(AlgorithmInfo {
            name: A::NAME,
            aliases: A::ALIASES,
            description: A::DESCRIPTION,
            params,
            configure: configure::<A>,
        });
        Ok(())
    }

    /// Every registered algorithm, in registration order.
    pub fn algorithms(&self) -> &[AlgorithmInfo] {
        &self.algorithms
    }

    /// Looks a name or alias up, ignoring case.
    pub fn find(&self, name: &str) -> Option<&AlgorithmInfo> {
        let n = name.trim().to_lowercase();
        self.algorithms.iter().find(|a| a.name == n || a.aliases.contains(&n.as_str()))
    }

    /// Validates `params` (an object, or null for the defaults) for algorithm `name` and
    /// returns a factory for its controllers. Parameters not given keep their defaults.
    ///
    /// Errors name the algorithm and the parameter, and list what exists, the same way for
    /// built-in and plug-in algorithms:
    ///
    /// ```
    /// use cclab_algorithms::Registry;
    /// use serde_json::json;
    ///
    /// let registry = Registry::with_builtins();
    /// let cubic = registry.configure("CUBIC", &json!({"beta": 0.8})).unwrap();
    /// assert_eq!(cubic.name(), "cubic");
    ///
    /// let e = registry.configure("vegas", &json!({"alhpa": 3})).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "unknown parameter 'alhpa' for vegas (did you mean 'alpha'?); \
    ///      its parameters are: alpha, beta, gamma, diff_denominator"
    /// );
    /// let e = registry.configure("cubic", &json!({"beta": 1.5})).unwrap_err();
    /// assert_eq!(e.to_string(), "bad value for cubic parameter 'beta': beta must be in (0, 1), got 1.5");
    /// ```
    pub fn configure(&self, name: &str, params: &Value) -> Result<Factory, RegistryError> {
        let info = self.find(name).ok_or_else(|| {
            let names: Vec<&str> = self
                .algorithms
                .iter()
                .flat_map(|a| std::iter::once(a.name).chain(a.aliases.iter().copied()))
                .collect();
            RegistryError::UnknownAlgorithm {
                name: name.to_string(),
                known: self.algorithms.iter().map(|a| a.name.to_string()).collect(),
                suggestion: did_you_mean(name, names).map(|s| self.find(s).map_or(s, |a| a.name).to_string()),
            }
        })?;
        (info.configure)(params)
    }

    /// Builds one controller with default parameters (tests and examples).
    pub fn build_default(
        &self,
        name: &str,
        ctx: &FlowContext,
    ) -> Result<Box<dyn CongestionControl>, RegistryError> {
        Ok(self.configure(name, &Value::Null)?.build(ctx))
    }
}

/// The parameter a validation message is about: by the convention that messages start
/// with the parameter's name ("beta must be in (0, 1)"), else the first parameter named
/// as a whole word.
fn blamed_param<'a>(message: &str, known: &[&'a str]) -> Option<&'a str> {
    let words: Vec<&str> = message.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).collect();
    let first = words.iter().find(|w| !w.is_empty());
    known.iter().find(|p| first == Some(*p)).or_else(|| known.iter().find(|p| words.contains(p))).copied()
}

/// Deserialises `params` into `A`, naming the offending parameter on any error.
fn configure<A: AlgorithmConfig>(params: &Value) -> Result<Factory, RegistryError> {
    let algorithm = A::NAME.to_string();
    let given = match params {
        Value::Null => Map::new(),
        Value::Object(m) => m.clone(),
        _ => return Err(RegistryError::ParamsNotAMap { algorithm }),
    };
    let known: Vec<&str> = A::PARAMS.iter().map(|p| p.0).collect();
    // Keys are checked against the documented list first, so the error lists them in the
    // documented order rather than serde's.
    for key in given.keys() {
        if !known.contains(&key.as_str()) {
            return Err(RegistryError::UnknownParam {
                algorithm,
                param: key.clone(),
                known: known.iter().map(|s| s.to_string()).collect(),
                suggestion: did_you_mean(key, known.iter().copied()).map(str::to_string),
            });
        }
    }
    let mut merged = match serde_json::to_value(A::default()) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    // One key at a time, so a type error names its parameter.
    for (key, value) in given {
        merged.insert(key.clone(), value);
        if let Err(e) = serde_json::from_value::<A>(Value::Object(merged.clone())) {
            return Err(RegistryError::BadParam { algorithm, param: key, message: e.to_string() });
        }
    }
    let config: A = serde_json::from_value(Value::Object(merged)).map_err(|e| RegistryError::BadParam {
        algorithm: algorithm.clone(),
        param: String::new(),
        message: e.to_string(),
    })?;
    config.validate().map_err(|message| {
        let param = blamed_param(&message, &known).map_or_else(String::new, str::to_string);
        RegistryError::BadParam { algorithm, param, message }
    })?;
    let config = Arc::new(config);
    Ok(Factory { name: A::NAME, build: Arc::new(move |ctx| config.build(ctx)) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reno::Reno;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Aimd {
        a: f64,
        b: f64,
    }

    impl Default for Aimd {
        fn default() -> Self {
            Aimd { a: 1.0, b: 0.5 }
        }
    }

    impl AlgorithmConfig for Aimd {
        const NAME: &'static str = "aimd";
        const ALIASES: &'static [&'static str] = &["aimd-ab"];
        const DESCRIPTION: &'static str = "test AIMD";
        const PARAMS: &'static [(&'static str, &'static str)] =
            &[("a", "additive increase, segments per RTT"), ("b", "multiplicative decrease factor")];
        fn validate(&self) -> Result<(), String> {
            if self.b > 0.0 && self.b < 1.0 {
                Ok(())
            } else {
                Err(format!("b must be in (0, 1), got {}", self.b))
            }
        }
        fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
            Box::new(Reno::new(ctx.initial_cwnd))
        }
    }

    fn registry() -> Registry {
        let mut r = Registry::with_builtins();
        r.register::<Aimd>();
        r
    }

    #[test]
    fn names_are_case_insensitive_and_aliases_resolve() {
        let r = registry();
        assert_eq!(r.configure("NewReno", &Value::Null).unwrap().name(), "reno");
        assert_eq!(r.configure("AIMD-ab", &json!({"a": 2.0})).unwrap().name(), "aimd");
    }

    #[test]
    fn an_unknown_algorithm_lists_the_known_ones_and_suggests() {
        let e = registry().configure("amid", &Value::Null).unwrap_err().to_string();
        assert!(
            e.starts_with("unknown algorithm 'amid' (did you mean 'aimd'?); known algorithms: reno,"),
            "{e}"
        );
        assert!(e.ends_with("aimd"), "{e}");
    }

    #[test]
    fn an_unknown_parameter_lists_the_valid_ones() {
        let e = registry().configure("aimd", &json!({"bb": 0.7})).unwrap_err().to_string();
        assert_eq!(e, "unknown parameter 'bb' for aimd (did you mean 'b'?); its parameters are: a, b");
        let e = registry().configure("reno", &json!({"beta": 0.7})).unwrap_err().to_string();
        assert_eq!(e, "unknown parameter 'beta' for reno; reno takes no parameters");
    }

    #[test]
    fn a_bad_value_names_its_parameter() {
        let e = registry().configure("aimd", &json!({"a": 1.0, "b": "half"})).unwrap_err();
        assert!(matches!(&e, RegistryError::BadParam { param, .. } if param == "b"), "{e}");
        let e = registry().configure("aimd", &json!({"b": 1.5})).unwrap_err().to_string();
        assert_eq!(e, "bad value for aimd parameter 'b': b must be in (0, 1), got 1.5");
        let e = registry().configure("aimd", &json!([1, 2])).unwrap_err().to_string();
        assert!(e.contains("must be a map"), "{e}");
    }

    #[test]
    fn validation_messages_are_blamed_on_whole_parameter_names() {
        let known = ["beta", "b", "max_increment"];
        assert_eq!(blamed_param("b must be at least 2, got 1", &known), Some("b"));
        assert_eq!(blamed_param("beta must be in (0, 1)", &known), Some("beta"));
        assert_eq!(blamed_param("it must be below max_increment", &known), Some("max_increment"));
        assert_eq!(blamed_param("about nothing", &known), None);
    }

    #[test]
    fn defaults_are_listed_from_the_config_default() {
        let r = registry();
        let info = r.find("aimd").unwrap();
        assert_eq!(
            info.params[0],
            ParamInfo { name: "a", default: json!(1.0), doc: "additive increase, segments per RTT" }
        );
    }

    #[test]
    fn registering_a_taken_name_is_refused() {
        let mut r = registry();
        assert_eq!(r.try_register::<Aimd>(), Err(RegistryError::Duplicate { name: "aimd".into() }));
    }

    #[derive(Debug, Clone, Default, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Undocumented {
        gain: f64,
    }

    impl AlgorithmConfig for Undocumented {
        const NAME: &'static str = "undocumented";
        const DESCRIPTION: &'static str = "test";
        const PARAMS: &'static [(&'static str, &'static str)] = &[("gian", "typo")];
        fn build(&self, ctx: &FlowContext) -> Box<dyn CongestionControl> {
            Box::new(Reno::new(ctx.initial_cwnd))
        }
    }

    /// `cclab algorithms` and the unknown-parameter message must never disagree with the
    /// struct, so a PARAMS list that differs from the fields is refused at registration.
    #[test]
    fn parameter_docs_must_match_the_struct() {
        let e = Registry::empty().try_register::<Undocumented>().unwrap_err().to_string();
        assert_eq!(
            e,
            "undocumented: PARAMS must list every config field; undocumented fields: [gain], listed but not fields: [gian]"
        );
        for a in Registry::with_builtins().algorithms() {
            assert!(a.params.iter().all(|p| !p.doc.is_empty()), "{}", a.name);
        }
    }
}
