//! One clear error for bad input: the file, line, column and key, and a suggestion.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub file: String,
    /// 1-based position of the offending value, when known.
    pub location: Option<(usize, usize)>,
    /// The key path (`flows[0].algorithm`); empty for file-level errors.
    pub key: String,
    pub message: String,
    pub suggestion: Option<String>,
}

impl SpecError {
    pub fn new(
        file: &str,
        location: Option<(usize, usize)>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> SpecError {
        SpecError {
            file: file.to_string(),
            location,
            key: key.into(),
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn with_suggestion(mut self, s: Option<String>) -> SpecError {
        self.suggestion = s;
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.location {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": ")?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, "\n  hint: {s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}
