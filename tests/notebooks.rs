//! The notebooks are kept in git without outputs (CI executes them against fresh results;
//! stored outputs would go stale and bloat diffs), and they read the folder named by
//! CCLAB_RESULTS.

#[test]
fn notebooks_are_stored_without_outputs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("notebooks");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ipynb") {
            continue;
        }
        seen += 1;
        let nb: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(nb["nbformat"], 4, "{}", path.display());
        let cells = nb["cells"].as_array().unwrap();
        let mut source = String::new();
        for c in cells.iter().filter(|c| c["cell_type"] == "code") {
            assert_eq!(c["outputs"], serde_json::json!([]), "{}: a code cell has outputs", path.display());
            assert!(c["execution_count"].is_null(), "{}: a code cell has an execution count", path.display());
            for line in c["source"].as_array().map_or_else(|| vec![c["source"].clone()], Clone::clone) {
                source.push_str(line.as_str().unwrap_or(""));
            }
        }
        assert!(source.contains("CCLAB_RESULTS"), "{}: reads CCLAB_RESULTS", path.display());
    }
    assert!(seen >= 1, "no notebook in {}", dir.display());
}
