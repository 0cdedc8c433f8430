//! `cclab plot` as a user runs it: bad input is one message on stderr and exit code 2.

use std::process::Command;

#[test]
fn plotting_a_missing_folder_exits_2_with_one_message() {
    let dir = std::env::temp_dir().join(format!("cclab-cli-missing-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_cclab")).arg("plot").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err, format!("error: {} does not exist or is not a folder\n", dir.display()));
}

#[test]
fn plotting_a_folder_without_results_exits_2() {
    let dir = std::env::temp_dir().join(format!("cclab-cli-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "not results").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cclab")).arg("plot").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is not a cclab results folder"), "{err}");
}
