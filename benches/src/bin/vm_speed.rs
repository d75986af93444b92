//! The VM against CPython: every program in `benches/programs/` run by `krait` and by
//! `python3`, side by side in one run, as time ratios and peak memory. Each program prints its
//! results, and the two outputs must agree, so a fast wrong answer cannot pass.
//!
//! usage: cargo build --release -p ports && cargo run --release -p benches --bin vm_speed [-- <rounds>]
//! (`KRAIT` and `PYTHON` override the two interpreters; krait runs with its default heap,
//! MicroPython's unix-port size.)

use benches::measure::{run, Measured};
use benches::{python_files, rounds_arg, sibling_binary};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    match bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("vm_speed: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every program; `Ok(false)` if some program's outputs disagree.
fn bench() -> Result<bool, String> {
    let rounds = rounds_arg(3)? as usize;
    let krait = sibling_binary("krait", "KRAIT")?;
    let python = PathBuf::from(std::env::var_os("PYTHON").unwrap_or("python3".into()));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
    let programs: Vec<String> = python_files(&dir)?
        .iter()
        .filter_map(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
        .collect();

    println!("{rounds} rounds, median time; peak = resident memory high-water mark");
    println!(
        "{:<24} {:>10} {:>10} {:>8} {:>11} {:>11}",
        "program", "python3", "krait", "speedup", "peak py", "peak krait"
    );
    let mut all_agree = true;
    let mut log_sum = 0.0;
    for name in &programs {
        let theirs = median_run(&python, name, &dir, rounds)?;
        let ours = median_run(&krait, name, &dir, rounds)?;
        let agree = ours.success && theirs.success && ours.stdout == theirs.stdout;
        all_agree &= agree;
        let speedup = theirs.elapsed.as_secs_f64() / ours.elapsed.as_secs_f64();
        log_sum += speedup.ln();
        println!(
            "{:<24} {:>9.3}s {:>9.3}s {:>7.2}x {:>9.1}MB {:>9.1}MB{}",
            name,
            theirs.elapsed.as_secs_f64(),
            ours.elapsed.as_secs_f64(),
            speedup,
            theirs.peak_kib as f64 / 1024.0,
            ours.peak_kib as f64 / 1024.0,
            if agree { "" } else { "  OUTPUTS DIFFER" }
        );
    }
    println!(
        "geometric mean speedup (python3 time / krait time, above 1: krait is faster): {:.2}x",
        (log_sum / programs.len().max(1) as f64).exp()
    );
    Ok(all_agree)
}

/// Runs `interpreter program` `rounds` times; the run with the median time.
fn median_run(
    interpreter: &Path,
    program: &str,
    dir: &Path,
    rounds: usize,
) -> Result<Measured, String> {
    let mut runs = (0..rounds.max(1))
        .map(|_| run(interpreter, &[program], dir))
        .collect::<Result<Vec<_>, _>>()?;
    runs.sort_by_key(|m| m.elapsed);
    Ok(runs.swap_remove(runs.len() / 2))
}
