//! Sweep expansion: `sweep:` maps key paths to lists of values; the points are their
//! cartesian product. Lists under `zip:` vary together (one dimension).
//!
//! Expansion works on the YAML value tree, so any key of the spec can be swept, algorithm
//! parameters included (`flows[0].params.beta: [0.5, 0.7, 0.9]`), and each point is then
//! read and checked like a spec written out by hand.

use super::path::{Segment, parse_path};
use yaml_serde::Value;

/// One axis of the sweep: one path, or several zipped paths of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    /// The paths as written, their parsed form, and their values.
    pub paths: Vec<(String, Vec<Segment>, Vec<Value>)>,
    /// Written under `sweep.zip` (so its entries are `sweep.zip.PATH`, not `sweep.PATH`).
    pub zipped: bool,
}

impl Dimension {
    fn len(&self) -> usize {
        self.paths[0].2.len()
    }
}

/// A sweep error: the key (`sweep.link.buffer`) and what is wrong.
pub type SweepError = (String, String);

/// Reads the `sweep:` value.
pub fn parse_sweep(sweep: &Value) -> Result<Vec<Dimension>, SweepError> {
    let map = match sweep {
        Value::Null => return Ok(Vec::new()),
        Value::Mapping(m) => m,
        _ => return Err(("sweep".into(), "must be a map from key paths to lists of values".into())),
    };
    let mut dims = Vec::new();
    for (k, v) in map {
        let key = k
            .as_str()
            .ok_or_else(|| ("sweep".to_string(), "keys must be key paths such as link.buffer".to_string()))?;
        if key == "zip" {
            let Value::Mapping(z) = v else {
                return Err((
                    "sweep.zip".into(),
                    "must be a map from key paths to lists of equal length".into(),
                ));
            };
            let mut paths = Vec::new();
            for (zk, zv) in z {
                let zkey = zk.as_str().unwrap_or_default();
                paths.push(one_path(&format!("sweep.zip.{zkey}"), zkey, zv)?);
            }
            if paths.is_empty() {
                return Err(("sweep.zip".into(), "is empty".into()));
            }
            let n = paths[0].2.len();
            if let Some((p, _, vals)) = paths.iter().find(|p| p.2.len() != n) {
                return Err((
                    format!("sweep.zip.{p}"),
                    format!(
                        "has {} values but sweep.zip.{} has {n}; zipped lists vary together and must be equally long",
                        vals.len(),
                        paths[0].0
                    ),
                ));
            }
            dims.push(Dimension { paths, zipped: true });
        } else {
            dims.push(Dimension { paths: vec![one_path(&format!("sweep.{key}"), key, v)?], zipped: false });
        }
    }
    Ok(dims)
}

fn one_path(at: &str, key: &str, v: &Value) -> Result<(String, Vec<Segment>, Vec<Value>), SweepError> {
    let segs = parse_path(key).map_err(|m| (at.to_string(), m))?;
    if matches!(segs.first(), Some(Segment::Key(k)) if k == "sweep" || k == "name" || k == "plots") {
        return Err((at.to_string(), format!("'{key}' cannot be swept")));
    }
    let Value::Sequence(values) = v else {
        return Err((at.to_string(), "must be a list of values, e.g. [0.5, 1, 2]".into()));
    };
    if values.is_empty() {
        return Err((at.to_string(), "the list of values is empty".into()));
    }
    Ok((key.to_string(), segs, values.clone()))
}

/// Number of points: the product of the dimensions' lengths (1 without a sweep).
pub fn count(dims: &[Dimension]) -> usize {
    dims.iter().map(Dimension::len).product()
}

/// One swept value of a point: the path as written, its parsed form, the value, and the
/// value's index in its list (to point errors at it).
pub type Assignment<'a> = (&'a str, &'a [Segment], &'a Value, usize);

/// The assignments of point `i`: the first dimension varies slowest, as nested loops in
/// the order of the file.
pub fn assignments(dims: &[Dimension], mut i: usize) -> Vec<Assignment<'_>> {
    let mut picks = vec![0; dims.len()];
    for (d, dim) in dims.iter().enumerate().rev() {
        picks[d] = i % dim.len();
        i /= dim.len();
    }
    let mut out = Vec::new();
    for (dim, &k) in dims.iter().zip(&picks) {
        for (name, segs, values) in &dim.paths {
            out.push((name.as_str(), segs.as_slice(), &values[k], k));
        }
    }
    out
}

/// Sets `path` in `root` to `v`. The parent must exist (a sweep cannot invent a flow
/// group); a missing final key in a map is added, so optional keys can be swept.
pub fn set_path(root: &mut Value, path: &[Segment], v: Value) -> Result<(), String> {
    let mut cur = root;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        if matches!((seg, &*cur), (Segment::Key(_), Value::Null)) {
            // `params:` written with nothing after it is an empty map.
            *cur = Value::Mapping(yaml_serde::Mapping::new());
        }
        cur = match (seg, cur) {
            (Segment::Key(k), Value::Mapping(m)) => {
                let key = Value::String(k.clone());
                if last {
                    m.insert(key, v);
                    return Ok(());
                }
                if !m.contains_key(&key) {
                    // Intermediate maps such as `params` or `receiver` may be absent.
                    m.insert(key.clone(), Value::Mapping(Default::default()));
                }
                m.get_mut(&key).expect("just ensured")
            }
            (Segment::Index(n), Value::Sequence(s)) => {
                let len = s.len();
                let slot = s
                    .get_mut(*n)
                    .ok_or_else(|| format!("index [{n}] is out of range: there are {len} entries"))?;
                if last {
                    *slot = v;
                    return Ok(());
                }
                slot
            }
            (Segment::Key(k), _) => return Err(format!("'{k}' is not inside a map")),
            (Segment::Index(n), _) => return Err(format!("[{n}] is not inside a list")),
        };
    }
    Err("empty path".into())
}

/// A short label for a value in tables and CSV cells: strings bare, numbers as written.
pub fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        yaml_serde::from_str(s).unwrap()
    }

    #[test]
    fn cartesian_product_in_file_order_with_zip() {
        let dims = parse_sweep(&yaml("a: [1, 2]\nzip: {b: [x, y, z], c: [7, 8, 9]}\n")).unwrap();
        assert_eq!(count(&dims), 6);
        let p: Vec<String> = (0..6)
            .map(|i| {
                assignments(&dims, i)
                    .iter()
                    .map(|(k, _, v, _)| format!("{k}={}", label(v)))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        assert_eq!(p[0], "a=1,b=x,c=7");
        assert_eq!(p[1], "a=1,b=y,c=8");
        assert_eq!(p[5], "a=2,b=z,c=9");
    }

    #[test]
    fn zipped_lists_must_be_equally_long() {
        let e = parse_sweep(&yaml("zip: {b: [1, 2], c: [1]}\n")).unwrap_err();
        assert_eq!(e.0, "sweep.zip.c");
        assert!(e.1.contains("has 1 values but sweep.zip.b has 2"), "{}", e.1);
        assert_eq!(parse_sweep(&yaml("a: 3\n")).unwrap_err().1, "must be a list of values, e.g. [0.5, 1, 2]");
        assert_eq!(parse_sweep(&yaml("a: []\n")).unwrap_err().1, "the list of values is empty");
    }

    #[test]
    fn set_path_reaches_into_lists_and_creates_optional_maps() {
        let mut v = yaml("flows:\n  - algorithm: reno\n");
        set_path(&mut v, &parse_path("flows[0].params.beta").unwrap(), yaml("0.5")).unwrap();
        set_path(&mut v, &parse_path("flows[0].algorithm").unwrap(), yaml("cubic")).unwrap();
        assert_eq!(
            yaml_serde::to_string(&v).unwrap(),
            "flows:\n- algorithm: cubic\n  params:\n    beta: 0.5\n"
        );
        let e = set_path(&mut v, &parse_path("flows[3].rtt").unwrap(), yaml("1ms")).unwrap_err();
        assert_eq!(e, "index [3] is out of range: there are 1 entries");
    }
}
