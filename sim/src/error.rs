//! Why a run could not be done.

use cclab_algorithms::RegistryError;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum SimError {
    /// The scenario is invalid (the message names the field).
    Invalid(String),
    /// A flow's algorithm or parameters were rejected by the registry.
    Algorithm { flow: usize, error: RegistryError },
    /// A controller produced a window the sender cannot use (zero, or absurdly large).
    BadController { flow: usize, algorithm: String, message: String },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Invalid(m) => write!(f, "invalid scenario: {m}"),
            SimError::Algorithm { flow, error } => write!(f, "flows[{flow}]: {error}"),
            SimError::BadController { flow, algorithm, message } => {
                write!(f, "flows[{flow}] ({algorithm}): controller produced an invalid window: {message}")
            }
        }
    }
}

impl std::error::Error for SimError {}
