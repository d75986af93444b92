//! Benchmarks: compile speed against mpy-cross, the VM against CPython, native code against
//! bytecode, and device code on the emulated boards against mpy-cross's and gcc's
//! (`board_kernels`, feature `board`). Each is a binary in `src/bin/`; what they share lives
//! here.
pub mod measure;

use std::path::{Path, PathBuf};

/// The rounds asked for on the command line (the first argument), else `default`.
pub fn rounds_arg(default: u32) -> Result<u32, String> {
    match std::env::args().nth(1) {
        Some(text) => text
            .parse()
            .map_err(|_| format!("rounds must be a number, not {text:?}")),
        None => Ok(default),
    }
}

/// A program of this workspace built with the same profile as the running benchmark (it
/// sits beside it), or the path in environment variable `env_var`.
pub fn sibling_binary(name: &str, env_var: &str) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(env_var) {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let beside = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if beside.is_file() {
        Ok(beside)
    } else {
        Err(format!(
            "{} not found: build it first with `cargo build --release -p ports`",
            beside.display()
        ))
    }
}

/// The `.py` files in `dir`, sorted.
pub fn python_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    files.sort();
    Ok(files)
}
