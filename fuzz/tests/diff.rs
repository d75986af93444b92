//! The differential fuzzer in CI: a short smoke run over every path (about 20 seconds in all),
//! and every saved divergence of a fixed bug (`fuzz/divergences/*.py`) re-run through every
//! path, which must now agree. Divergences not yet fixed stay in `divergences/new/`
//! (not committed) and are reported instead.

use fuzz::diff::{self, Harness, RunConfig};
use fuzz::paths::{Case, ALL};
use std::path::Path;
use std::time::Duration;

fn divergences_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("divergences")
}

/// Plain programs through every path but viper: all must print the same.
#[test]
fn smoke_plain_programs_agree_on_every_path() {
    let paths: Vec<&str> = ALL.iter().copied().filter(|&p| p != "viper").collect();
    let report = diff::run(&RunConfig {
        paths: &paths,
        duration: Duration::from_secs(8),
        seed: 1,
        viper_every: 0,
        save_dir: None,
        minimise_budget: Duration::from_secs(5),
    })
    .expect("every path starts");
    assert!(report.cases >= 20, "only {} cases ran", report.cases);
    assert!(
        report.divergences.is_empty(),
        "paths disagree:\n{}",
        report.summary()
    );
    // Each path printed something for each case (the reference saw output), and the
    // generator reaches a fair share of the bytecode.
    assert!(report.harness.opcodes.len() >= 40, "{}", report.summary());
}

/// Viper programs run on the host backend (not skipped) and agree with their oracle, the
/// same function as plain Python with 32-bit wrap-around, run by CPython.
#[test]
fn smoke_viper_programs_agree_with_their_oracle() {
    let report = diff::run(&RunConfig {
        paths: &["cpython", "viper"],
        duration: Duration::from_secs(5),
        seed: 0x5eed,
        viper_every: 1,
        save_dir: None,
        minimise_budget: Duration::from_secs(1),
    })
    .expect("every path starts");
    let viper = &report.harness.stats[1];
    assert!(viper.runs >= 10, "{}", report.summary());
    assert_eq!(viper.skipped, 0, "{}", report.summary());
    assert!(
        report.divergences.is_empty(),
        "viper disagrees with its oracle:\n{}",
        report.summary()
    );
}

/// Line reduction keeps a divergence while deleting everything that does not matter.
#[test]
fn reduce_lines_deletes_blocks_that_do_not_matter() {
    let source = "a = 1\nif a:\n    b = 2\n    c = 3\nbug = 4\nd = 5\n";
    let reduced = diff::reduce_lines(source, |s| s.contains("bug"));
    assert_eq!(reduced, "bug = 4\n");
}

#[test]
fn saved_divergences_of_fixed_bugs_now_agree() {
    let Ok(entries) = std::fs::read_dir(divergences_dir()) else {
        return;
    };
    let mut harness = Harness::new(&ALL).expect("every path starts");
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "py") {
            let text = std::fs::read_to_string(&path).expect("readable");
            if let Some(divergence) = harness.check(&Case::from_file(&text)) {
                panic!(
                    "{} diverges again:\n{}",
                    path.display(),
                    divergence.to_file()
                );
            }
        }
    }
}

/// A saved divergence keeps the start of a long output (as comments above the program).
#[test]
fn divergence_headers_keep_the_start_of_long_outputs() {
    let long: String = (0..100).map(|i| format!("{i}\n")).collect();
    let divergence = diff::Divergence {
        case: Case::plain("print(1)\n".into()),
        reference: ("cpython", long),
        others: vec![("krait", "1\n".into())],
    };
    let file = divergence.to_file();
    assert!(file.contains("#   39\n#   ... 60 more lines\n"), "{file}");
    assert!(!file.contains("#   40\n"));
    assert!(
        file.ends_with("# krait printed:\n#   1\nprint(1)\n"),
        "{file}"
    );
}
