//! The example's binary is the whole cclab command line with `my-aimd` added.

use std::process::Command;

const TUTORIAL: &str = include_str!("../../../docs/plugins.md");

fn cclab(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cclab-example-aimd")).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn algorithms_lists_my_aimd_with_its_parameters_after_the_builtins() {
    let text = cclab(&["algorithms"]);
    let names: Vec<&str> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, ["reno", "vegas", "westwood", "bic", "cubic", "my-aimd"]);
    // The listing docs/plugins.md shows is the end of the real one.
    let shown = tutorial_block("cclab-output=algorithms");
    assert!(shown.starts_with("my-aimd\n") && shown.contains("\n    a  = 1.0 "), "{shown}");
    assert!(text.trim_end().ends_with(shown.trim_end()), "the tutorial shows\n{shown}\ncclab prints\n{text}");
}

/// The body of the tutorial's one code block whose info string contains `tag`.
fn tutorial_block(tag: &str) -> String {
    let mut found = Vec::new();
    let mut lines = TUTORIAL.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("```") && line.split_whitespace().any(|w| w == tag) {
            let mut body = String::new();
            for l in lines.by_ref().take_while(|l| !l.starts_with("```")) {
                body.push_str(l);
                body.push('\n');
            }
            found.push(body);
        }
    }
    assert_eq!(found.len(), 1, "docs/plugins.md needs exactly one block tagged {tag}");
    found.pop().unwrap()
}
