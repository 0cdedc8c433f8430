//! Key paths such as `flows[0].params.beta`: how sweeps name what they vary and how errors
//! name what is wrong.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Segment>);

/// Parses `a.b[2].c`. Keys are non-empty runs of letters, digits, `_` and `-`.
pub fn parse_path(s: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    for part in s.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(format!("'{s}' is not a key path such as link.buffer or flows[0].params.beta"));
        }
        out.push(Segment::Key(key.to_string()));
        while !rest.is_empty() {
            let close = rest.find(']').ok_or_else(|| format!("'{s}': missing ']'"))?;
            let idx = rest[1..close]
                .parse::<usize>()
                .map_err(|_| format!("'{s}': '{}' is not an index", &rest[1..close]))?;
            out.push(Segment::Index(idx));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("'{s}' is not a key path such as link.buffer or flows[0].params.beta"));
            }
        }
    }
    Ok(out)
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_and_print_back() {
        for p in ["link.buffer", "flows[0].params.beta", "a[1][2].b"] {
            assert_eq!(KeyPath(parse_path(p).unwrap()).to_string(), p);
        }
        assert!(parse_path("flows[x].rtt").is_err());
        assert!(parse_path("link..rate").is_err());
        assert!(parse_path("flows[0]rtt").is_err());
    }
}
