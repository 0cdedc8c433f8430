//! Finds where a key path's value is written in a YAML text, for error messages.
//!
//! yaml_serde attaches the position of the current node to errors raised while
//! deserialising it, so walking the document with a visitor that fails on reaching the
//! target node yields that node's line and column, through the one YAML library.

use super::path::Segment;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

const FOUND: &str = "cclab-locate: found";
const MISSING: &str = "cclab-locate: missing";

/// (line, column), 1-based, of the value at `path` in `text`; `None` if absent. For a path
/// that ends in a missing key, the position of the innermost existing parent.
pub fn locate(text: &str, path: &[Segment]) -> Option<(usize, usize)> {
    walk(text, path, false)
}

/// Like [`locate`], but `None` unless the whole path exists.
pub fn locate_exact(text: &str, path: &[Segment]) -> Option<(usize, usize)> {
    walk(text, path, true)
}

fn walk(text: &str, path: &[Segment], exact: bool) -> Option<(usize, usize)> {
    let de = yaml_serde::Deserializer::from_str(text);
    match (Walk { path, exact }).deserialize(de) {
        Err(e) if e.to_string().contains(FOUND) => e.location().map(|l| (l.line(), l.column())),
        _ => None,
    }
}

struct Walk<'a> {
    path: &'a [Segment],
    exact: bool,
}

impl Walk<'_> {
    /// The path ends here without reaching its node.
    fn missing<E: de::Error>(&self) -> E {
        E::custom(if self.exact { MISSING } else { FOUND })
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.path.is_empty() { d.deserialize_any(Here) } else { d.deserialize_any(self) }
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(k) = m.next_key::<yaml_serde::Value>()? {
            let matches = match (&self.path[0], &k) {
                (Segment::Key(want), yaml_serde::Value::String(got)) => want == got,
                _ => false,
            };
            if matches {
                return m.next_value_seed(Walk { path: &self.path[1..], exact: self.exact });
            }
            m.next_value::<IgnoredAny>()?;
        }
        // The key is missing: point at this map, the closest thing to where it belongs.
        Err(self.missing())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let Segment::Index(idx) = self.path[0] else {
            return Err(self.missing());
        };
        let mut i = 0;
        loop {
            if i == idx {
                let exact = self.exact;
                let missing = self.missing();
                return match s.next_element_seed(Walk { path: &self.path[1..], exact })? {
                    Some(()) => Ok(()),
                    None => Err(missing),
                };
            }
            if s.next_element::<IgnoredAny>()?.is_none() {
                return Err(self.missing());
            }
            i += 1;
        }
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.missing())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.missing())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.missing())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.missing())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.missing())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.missing())
    }
}

/// Fails on whatever node it is given, so the error carries that node's position.
struct Here;

impl<'de> Visitor<'de> for Here {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::path::parse_path;

    const TEXT: &str = "name: x\nlink:\n  rate: 10Mbps\nflows:\n  - algorithm: reno\n  - algorithm: cubic\n    params: {beta: 0.7}\n";

    #[test]
    fn finds_values_by_path() {
        let at = |p: &str| locate(TEXT, &parse_path(p).unwrap());
        assert_eq!(at("link.rate"), Some((3, 9)));
        assert_eq!(at("flows[1].algorithm"), Some((6, 16)));
        assert_eq!(at("flows[1].params.beta"), Some((7, 20)));
        // A missing key points at its parent map, unless the path must exist.
        assert_eq!(at("link.buffer"), Some((3, 3)));
        assert_eq!(locate_exact(TEXT, &parse_path("link.buffer").unwrap()), None);
        assert_eq!(locate_exact(TEXT, &parse_path("link.rate").unwrap()), Some((3, 9)));
    }
}
