//! Oracles: the MicroPython 1.27 WebAssembly runtime (which loads `.mpy` v6.3) and CPython.
//! Every `.mpy` krait-cross writes for the corpus must import in the real MicroPython runtime
//! and print exactly what the source program prints in that runtime, and, for programs in the
//! CPython-compatible subset, exactly what `python3` prints.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// Corpus programs known not to run correctly from krait-cross's `.mpy`, with the reason.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// What a module printed in the wasm runtime, and the traceback if importing it raised.
fn runtime_result(reports: &Path, file: &str) -> (String, Option<String>) {
    let stdout = std::fs::read_to_string(reports.join(format!("{file}.out")))
        .unwrap_or_else(|e| panic!("no runtime report for {file}: {e}"));
    let error = std::fs::read_to_string(reports.join(format!("{file}.err"))).ok();
    (stdout, error)
}

/// Runs the given files in the wasm runtime, one fresh interpreter each.
fn run_in_micropython(reports: &Path, files: &[std::path::PathBuf]) {
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_mpy.mjs");
    let status = Command::new("node")
        .arg(runner)
        .arg(micropython_wasm())
        .arg(reports)
        .args(files)
        .status()
        .expect("node (needed for the MicroPython wasm runtime) is not installed");
    assert!(status.success(), "run_mpy.mjs failed");
}

#[test]
fn corpus_mpy_files_run_like_their_source() {
    let out = scratch_dir("load_and_run");
    let corpus = corpus_dir();
    let programs = corpus_programs();
    let mut compile_failures = Vec::new();
    let mut mpy_files = Vec::new();
    for name in &programs {
        let target = out.join(name.replace(".py", ".mpy"));
        let result = run_in(
            &corpus,
            &krait_cross(),
            &["-o", target.to_str().unwrap(), name],
        );
        if result.status.success() {
            mpy_files.push(target);
        } else {
            compile_failures.push(name.clone());
        }
    }
    let sources: Vec<_> = programs.iter().map(|name| corpus.join(name)).collect();
    run_in_micropython(&out, &sources);
    if !mpy_files.is_empty() {
        run_in_micropython(&out, &mpy_files);
    }

    let mut passed = 0;
    let mut unexpected = Vec::new();
    for name in &programs {
        let stem = name.trim_end_matches(".py");
        let (expected, source_error) = runtime_result(&out, name);
        assert_eq!(source_error, None, "{name} itself fails in MicroPython");
        if is_cpython_compatible(name) {
            let cpython = Command::new("python3")
                .arg(name)
                .current_dir(&corpus)
                .output();
            let cpython = cpython.expect("python3 is not installed");
            assert_eq!(
                String::from_utf8_lossy(&cpython.stdout),
                expected,
                "{name}: CPython and MicroPython disagree on the source program"
            );
        }
        let problem = if compile_failures.contains(name) {
            Some("krait-cross could not compile it".to_string())
        } else {
            match runtime_result(&out, &format!("{stem}.mpy")) {
                (_, Some(error)) => Some(format!("importing the .mpy raised:\n{error}")),
                (got, None) if got != expected => {
                    Some(format!("printed\n{got}\ninstead of\n{expected}"))
                }
                _ => None,
            }
        };
        let known = KNOWN_FAILURES.iter().any(|(known, _)| known == name);
        match problem {
            None if known => {
                unexpected.push(format!("{name} runs now: remove it from KNOWN_FAILURES"))
            }
            None => passed += 1,
            Some(problem) if !known => unexpected.push(format!("{name}: {problem}")),
            Some(_) => {}
        }
    }
    println!(
        "load-and-run: {passed}/{} corpus .mpy files print what their source prints ({:.1}%)",
        programs.len(),
        100.0 * passed as f64 / programs.len() as f64
    );
    assert!(
        unexpected.is_empty(),
        "unexpected failures:\n{}",
        unexpected.join("\n---\n")
    );
}
