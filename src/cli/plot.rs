//! `cclab plot DIR`: draws the figures of a results folder again, as its stored spec's
//! `plots:` section asks, without running anything.

use crate::plots::{plot_results, plots_spec_of};
use std::io::Write;
use std::path::Path;

/// Draws the figures of `dir`, listing the files on `out`; on bad input one message on
/// `err`. Returns the exit code: 0, or 2 for bad input (docs/spec.md).
pub fn run(dir: &Path, out: &mut impl Write, err: &mut impl Write) -> u8 {
    let drawn = plots_spec_of(dir).and_then(|spec| plot_results(dir, spec.as_ref()));
    match drawn {
        Ok(files) => {
            for f in files {
                let _ = writeln!(out, "{}", f.display());
            }
            0
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::fixture;

    fn call(dir: &Path) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(dir, &mut out, &mut err);
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn plots_a_results_folder_as_its_stored_spec_asks() {
        let dir = std::env::temp_dir().join(format!("cclab-cli-plot-{}", std::process::id()));
        let spec =
            format!("{}plots:\n  kinds: [goodput_bars, timeseries]\n  formats: [png]\n", fixture::POINT);
        fixture::write(&dir, &spec);
        let (code, out, err) = call(&dir);
        assert_eq!((code, err.as_str()), (0, ""));
        let listed: Vec<&str> = out.lines().collect();
        let want = [dir.join("plots/goodput_bars-p0.png"), dir.join("plots/timeseries-p0-s1.png")];
        assert_eq!(listed, want.iter().map(|p| p.to_str().unwrap()).collect::<Vec<_>>());
        assert!(want.iter().all(|p| p.is_file()));
    }

    #[test]
    fn a_folder_that_is_not_results_is_one_message_and_exit_2() {
        let dir = std::env::temp_dir().join(format!("cclab-cli-noplot-{}", std::process::id()));
        let (code, out, err) = call(&dir);
        assert_eq!((code, out.as_str()), (2, ""));
        assert_eq!(err, format!("error: {} does not exist or is not a folder\n", dir.display()));
        std::fs::create_dir_all(&dir).unwrap();
        let (code, _, err) = call(&dir);
        assert_eq!(code, 2);
        assert_eq!(err.lines().count(), 1);
        assert!(err.contains("is not a cclab results folder"), "{err}");
    }
}
