//! Oracle: the MicroPython 1.27 WebAssembly runtime (and, through `load_and_run`, CPython for
//! the compatible programs). The corpus programs about classes, attributes, builtin-type
//! subclasses, exceptions, generators and `exec`/`eval` must print under the `krait` VM exactly
//! what their source prints in MicroPython, also with the GC collecting at every allocation
//! (which finds objects the VM forgot to root).

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// The corpus programs this test runs on the VM.
const PROGRAMS: &[&str] = &[
    "class_protocols.py",
    "class_attribute_changes.py",
    "builtin_subclasses.py",
    "exception_details.py",
    "eval_exec.py",
    "micropython_classes.py",
    "class_errors.py",
    "classes.py",
    "class_features.py",
    "inheritance.py",
    "exceptions.py",
    "generators.py",
    "unwinding.py",
    "async_await.py",
    "async_advanced.py",
    "with_statement.py",
    "decorators.py",
    "string_concat.py",
];

/// What each program prints in the MicroPython runtime (with the text of an uncaught
/// exception appended, which none of these programs should have).
fn micropython_outputs(reports: &Path) -> Vec<String> {
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_mpy.mjs");
    let sources: Vec<_> = PROGRAMS
        .iter()
        .map(|name| corpus_dir().join(name))
        .collect();
    let status = Command::new("node")
        .arg(runner)
        .arg(micropython_wasm())
        .arg(reports)
        .args(&sources)
        .status()
        .expect("node (needed for the MicroPython wasm runtime) is not installed");
    assert!(status.success(), "run_mpy.mjs failed");
    PROGRAMS
        .iter()
        .map(|name| {
            let out = std::fs::read_to_string(reports.join(format!("{name}.out")))
                .unwrap_or_else(|e| panic!("no runtime report for {name}: {e}"));
            let err = std::fs::read_to_string(reports.join(format!("{name}.err")));
            assert!(err.is_err(), "{name} raised in MicroPython: {err:?}");
            out
        })
        .collect()
}

#[test]
fn object_model_programs_run_like_micropython() {
    let reports = scratch_dir("vm_objects");
    let expected = micropython_outputs(&reports);
    let krait = Path::new(env!("CARGO_BIN_EXE_krait"));
    let mut mismatches = Vec::new();
    for (name, expected) in PROGRAMS.iter().zip(&expected) {
        for options in [&[][..], &["-X", "gcstress"][..]] {
            let args: Vec<&str> = options.iter().copied().chain([*name]).collect();
            let run = run_in(&corpus_dir(), krait, &args);
            let stdout = String::from_utf8_lossy(&run.stdout);
            let stderr = String::from_utf8_lossy(&run.stderr);
            if !run.status.success() || stdout != *expected {
                mismatches.push(format!(
                    "krait {args:?} printed\n{stdout}{stderr}\ninstead of\n{expected}"
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} programs differ:\n{}",
        mismatches.len(),
        PROGRAMS.len(),
        mismatches.join("\n")
    );
}
