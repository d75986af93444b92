//! Oracle: the MicroPython WebAssembly runtime. Every corpus program named `mod_*.py` (the
//! builtin modules: `math`, `struct`, `time`, `random`, ...) runs under `krait`, normally and
//! with the GC collecting at every allocation, and must print exactly what it prints in
//! MicroPython. (`load_and_run` already checks those programs against CPython where they are
//! CPython-compatible.)
mod common;

use common::{
    corpus_dir, corpus_programs, first_difference, micropython_wasm, run_in, scratch_dir,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn krait() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_krait"))
}

#[test]
fn module_programs_print_what_micropython_prints() {
    let programs: Vec<String> = corpus_programs()
        .into_iter()
        .filter(|name| name.starts_with("mod_"))
        .collect();
    assert!(!programs.is_empty(), "no mod_*.py programs in the corpus");
    let corpus = corpus_dir();
    let reports = scratch_dir("stdlib_modules");
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_mpy.mjs");
    let status = Command::new("node")
        .arg(runner)
        .arg(micropython_wasm())
        .arg(&reports)
        .args(programs.iter().map(|name| corpus.join(name)))
        .status()
        .expect("node (needed for the MicroPython wasm runtime) is not installed");
    assert!(status.success(), "run_mpy.mjs failed");

    let mut failures = Vec::new();
    let mut failing = 0;
    for name in &programs {
        let before = failures.len();
        let expected = std::fs::read(reports.join(format!("{name}.out")))
            .unwrap_or_else(|e| panic!("no MicroPython report for {name}: {e}"));
        assert!(
            !reports.join(format!("{name}.err")).exists(),
            "{name} itself fails in MicroPython"
        );
        for options in [&[name.as_str()][..], &["-X", "gcstress", name.as_str()]] {
            let out = run_in(&corpus, &krait(), options);
            if !out.status.success() || out.stdout != expected {
                failures.push(format!(
                    "krait {options:?}: {}\n{}",
                    first_difference(&out.stdout, &expected),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        failing += usize::from(failures.len() > before);
    }
    println!(
        "builtin modules: {}/{} mod_*.py programs print what MicroPython prints",
        programs.len() - failing,
        programs.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}
