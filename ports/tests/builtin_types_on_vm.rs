//! Oracle: the MicroPython WebAssembly runtime. The corpus programs that exercise the builtin
//! types (bytearray/memoryview, sets, text methods, list/dict methods, complex, int bytes)
//! run on the `krait` VM, normally and with the GC collecting at every allocation, and must
//! print exactly what the same source prints in MicroPython.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// The corpus programs written for the builtin types.
const PROGRAMS: &[&str] = &[
    "bytearray_memoryview.py",
    "complex_int_bytes.py",
    "list_dict_methods.py",
    "sets_frozensets.py",
    "str_bytes_methods.py",
    "number_fast_paths.py",
];

fn krait() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_krait"))
}

#[test]
fn builtin_type_programs_print_what_micropython_prints() {
    let out = scratch_dir("builtin_types_on_vm");
    let corpus = corpus_dir();
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_mpy.mjs");
    let status = Command::new("node")
        .arg(runner)
        .arg(micropython_wasm())
        .arg(&out)
        .args(PROGRAMS.iter().map(|name| corpus.join(name)))
        .status()
        .expect("node (needed for the MicroPython wasm runtime) is not installed");
    assert!(status.success(), "run_mpy.mjs failed");

    let mut failures = Vec::new();
    for name in PROGRAMS {
        let expected = std::fs::read(out.join(format!("{name}.out"))).expect("runtime report");
        assert!(
            !out.join(format!("{name}.err")).exists(),
            "{name} itself fails in MicroPython"
        );
        for extra in [&[][..], &["-X", "gcstress"][..]] {
            let mut args = extra.to_vec();
            args.push(name);
            let result = run_in(&corpus, &krait(), &args);
            if result.stdout != expected || !result.status.success() {
                failures.push(format!(
                    "{name} {extra:?}: {}\n{}",
                    first_difference(&expected, &result.stdout),
                    String::from_utf8_lossy(&result.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
