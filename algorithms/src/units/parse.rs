//! Parsing of the unit strings users write in experiment files.

use std::fmt;

/// Why a unit string could not be parsed. The message quotes the input and lists what
/// would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitError {
    message: String,
}

impl UnitError {
    pub(crate) fn new(message: String) -> Self {
        UnitError { message }
    }

    pub(crate) fn missing_unit(input: &str, what: &str) -> Self {
        UnitError::new(format!("'{input}': a bare number is ambiguous; write {what} with its unit"))
    }
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnitError {}

/// Splits "1.5 Mbps" into (1.5, "Mbps"). The number must be finite and not negative;
/// spaces between number and unit are allowed.
pub(crate) fn split_number(input: &str, kind: &str, units: &str) -> Result<(f64, String), UnitError> {
    let s = input.trim();
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+')))
        .map_or(s.len(), |(i, _)| i);
    // Exponent forms such as "1e6bps" are not accepted: they are rare in specs and would
    // make a unit that starts with 'e' ambiguous.
    let (num, unit) = s.split_at(end);
    let unit = unit.trim();
    if num.is_empty() {
        return Err(UnitError::new(format!(
            "'{input}': expected a number followed by a {kind} unit ({units})"
        )));
    }
    let value: f64 =
        num.parse().map_err(|_| UnitError::new(format!("'{input}': '{num}' is not a number")))?;
    if !value.is_finite() {
        return Err(UnitError::new(format!("'{input}': the number must be finite")));
    }
    if value < 0.0 {
        return Err(UnitError::new(format!("'{input}': a {kind} cannot be negative")));
    }
    if unit.is_empty() {
        return Err(UnitError::new(format!("'{input}': missing {kind} unit; expected {units}")));
    }
    Ok((value, unit.to_string()))
}

/// Converts `value * scale` to an integer, refusing results that do not fit in u64.
pub(crate) fn scaled(input: &str, value: f64, scale: f64) -> Result<u64, UnitError> {
    let x = (value * scale).round();
    if x > u64::MAX as f64 {
        return Err(UnitError::new(format!("'{input}': value is too large")));
    }
    Ok(x as u64)
}

/// Writes `value` in the largest unit that represents it exactly, e.g. 40_000_000 ns as
/// "40ms". `units` runs from largest to smallest; the last must have scale 1.
pub(crate) fn fmt_exact(f: &mut fmt::Formatter<'_>, value: u64, units: &[(u64, &str)]) -> fmt::Result {
    for &(scale, name) in units {
        if value % scale == 0 && (value != 0 || scale == 1) {
            return write!(f, "{}{}", value / scale, name);
        }
    }
    unreachable!("the last unit has scale 1")
}
