//! `cclab merge`: combines the folders of shards of one experiment into one.

use super::store::{Header, Store};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn manifest(dir: &Path) -> Result<serde_json::Value, String> {
    let path = dir.join("manifest.json");
    let text = fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (is it a cclab results folder?)", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Merges `dirs` (shards of the same spec) into `out`; returns the summary table.
pub fn merge(dirs: &[PathBuf], out: Option<&Path>) -> Result<(PathBuf, String), String> {
    let first = dirs.first().ok_or("give at least one results folder")?;
    let m0 = manifest(first)?;
    let hash = m0["spec_hash"].as_str().unwrap_or_default().to_string();
    for d in &dirs[1..] {
        let m = manifest(d)?;
        if m["spec_hash"].as_str() != Some(hash.as_str()) {
            return Err(format!(
                "{} and {} hold results of different specs (hash {} vs {}); only shards of one spec can be merged",
                first.display(),
                d.display(),
                hash,
                m["spec_hash"].as_str().unwrap_or("?")
            ));
        }
    }
    let name = m0["name"].as_str().unwrap_or("merged").to_string();
    let out = out.map_or_else(|| PathBuf::from("results").join(&name), Path::to_path_buf);
    let swept: Vec<String> = m0["swept"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let seeds: Vec<u64> =
        m0["seeds"].as_array().map(|a| a.iter().filter_map(|v| v.as_u64()).collect()).unwrap_or_default();
    let header = Header {
        name,
        spec_text: fs::read_to_string(first.join("spec.yaml"))
            .map_err(|e| format!("{}: {e}", first.display()))?,
        spec_hash: hash,
        swept: swept.clone(),
        points: m0["points"].as_u64().unwrap_or(0) as usize,
        seeds,
        engine: m0["engine"].as_str().unwrap_or("packet").to_string(),
        shard: None,
    };
    let store = Store::open(&out, header)?;
    let mut seen = BTreeSet::new();
    for d in dirs {
        if fs::canonicalize(d).ok() == fs::canonicalize(&out).ok() {
            continue;
        }
        store.import(d, &swept, &mut seen).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let table = store.finish(true).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok((out, table))
}
