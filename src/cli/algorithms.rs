//! `cclab algorithms`: what can be put in a spec's `algorithm:` and `params:`.

use cclab_algorithms::Registry;
use std::fmt::Write;

/// Every algorithm with its aliases, description, and parameters with defaults.
pub fn describe(registry: &Registry) -> String {
    let mut out = String::new();
    for a in registry.algorithms() {
        let _ = write!(out, "{}", a.name);
        if !a.aliases.is_empty() {
            let _ = write!(out, " (also: {})", a.aliases.join(", "));
        }
        let _ = writeln!(out, "\n    {}", a.description);
        if a.params.is_empty() {
            let _ = writeln!(out, "    no parameters");
        }
        let width = a.params.iter().map(|p| p.name.len()).max().unwrap_or(0);
        for p in &a.params {
            let _ = writeln!(out, "    {:width$}  = {:<8}  {}", p.name, p.default.to_string(), p.doc);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_builtin_with_its_description() {
        let r = Registry::with_builtins();
        let text = describe(&r);
        for a in r.algorithms() {
            assert!(text.contains(a.name), "{}", a.name);
            assert!(text.contains(a.description));
            for p in &a.params {
                assert!(text.contains(p.name) && text.contains(p.doc), "{}", p.name);
            }
        }
        assert!(text.contains("reno (also: newreno, new-reno)"));
    }
}
