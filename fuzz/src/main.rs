//! `cargo run -p fuzz --release -- --seconds N [--target lexer|parser|compile|mpy|vm_run|native_compile|all] [--seed N]`
//! runs each target for N seconds and prints execs/sec and failures (saved to fuzz/artifacts/).
//! `--repro FILE --target T` runs one saved input with the normal panic output, for a backtrace.
//! `diff [--minutes M] [--paths all|a,b]` runs the differential fuzzer instead (see `fuzz::diff`).
//!
//! A watchdog thread ends the process when one call hangs, after saving the input; the counting
//! allocator refuses runaway allocations, saving the input first.

use fuzz::alloc_count::{self, CountingAllocator};
use fuzz::budget::Budget;
use fuzz::driver::{self, RunConfig};
use fuzz::targets::Target;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// A call running this long is a hang.
const HANG_TIMEOUT: Duration = Duration::from_secs(10);

struct Args {
    seconds: u64,
    targets: Vec<Target>,
    seed: u64,
    repro: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seconds: 10,
        targets: Target::ALL.to_vec(),
        seed: 1,
        repro: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => {
                args.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--repro" => args.repro = Some(PathBuf::from(value()?)),
            "--target" => {
                let name = value()?;
                args.targets = match name.as_str() {
                    "all" => Target::ALL.to_vec(),
                    _ => vec![Target::from_name(&name).ok_or(format!("unknown target {name}"))?],
                };
            }
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    Ok(args)
}

/// `fuzz diff [--minutes M | --seconds S] [--paths all|cpython,krait,...] [--seed N]
/// [--viper-every N]`: the differential fuzzer (see `fuzz::diff`).
fn diff(mut it: impl Iterator<Item = String>) -> Result<ExitCode, String> {
    let mut seconds = 60;
    let mut paths = fuzz::paths::ALL.to_vec();
    let mut names = String::new();
    let mut seed = 1;
    let mut viper_every = 4;
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|e| format!("{arg}: {e}"));
        match arg.as_str() {
            "--minutes" => seconds = 60 * number(value()?)?,
            "--seconds" => seconds = number(value()?)?,
            "--seed" => seed = number(value()?)?,
            "--viper-every" => viper_every = number(value()?)?,
            "--paths" => names = value()?,
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    if !names.is_empty() && names != "all" {
        paths = names.split(',').collect();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = fuzz::diff::RunConfig {
        paths: &paths,
        duration: Duration::from_secs(seconds),
        seed,
        viper_every,
        save_dir: Some(root.join("divergences/new")),
        minimise_budget: Duration::from_secs(30),
    };
    let report = fuzz::diff::run(&config)?;
    print!("{}", report.summary());
    Ok(if report.divergences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("diff") {
        return diff(std::env::args().skip(2)).unwrap_or_else(|message| {
            eprintln!("{message}");
            ExitCode::from(2)
        });
    }
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}\nusage: fuzz [--seconds N] [--target lexer|parser|compile|mpy|vm_run|native_compile|all] [--seed N] [--repro FILE]");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &args.repro {
        return repro(path, &args.targets);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let artifacts = root.join("artifacts");
    start_watchdog(artifacts.clone());
    alloc_count::set_fatal_hook(save_current_on_runaway_allocation);

    let mut failed = false;
    for target in args.targets {
        let config = RunConfig {
            target,
            duration: Duration::from_secs(args.seconds),
            seed: args.seed,
            corpus_dir: root.join("corpus"),
            artifacts_dir: Some(artifacts.clone()),
            budget: Budget::RELEASE,
            watch: Some(watch_input),
        };
        let report = driver::run(&config);
        println!(
            "{:8} {:>9} execs in {:>6.1}s = {:>8.0} execs/s, {:>5.1}% accepted, slowest {:?}, peak alloc {} KiB, {} failure(s)",
            target.name(),
            report.execs,
            report.elapsed.as_secs_f64(),
            report.execs_per_sec(),
            100.0 * report.accepted as f64 / report.execs.max(1) as f64,
            report.slowest,
            report.max_peak_bytes / 1024,
            report.failures.len()
        );
        if let Some(path) =
            driver::save_artifact(&artifacts.join("slowest"), target, &report.slowest_input)
        {
            println!(
                "  slowest input ({} bytes) saved to {}",
                report.slowest_input.len(),
                path.display()
            );
        }
        for failure in &report.failures {
            failed = true;
            println!("  {}", failure.problem);
            println!(
                "  minimised input ({} bytes): {:?}",
                failure.input.len(),
                String::from_utf8_lossy(&failure.input)
            );
            if let Some(path) = &failure.saved_to {
                println!("  saved to {}", path.display());
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn repro(path: &Path, targets: &[Target]) -> ExitCode {
    let Ok(input) = std::fs::read(path) else {
        eprintln!("cannot read {}", path.display());
        return ExitCode::from(2);
    };
    for &target in targets {
        let started = Instant::now();
        let verdict = target.run(&input);
        println!("{}: {verdict:?} in {:?}", target.name(), started.elapsed());
    }
    ExitCode::SUCCESS
}

/// The input being run, its target, and when it started (ms since `EPOCH`, 0 when idle), for
/// the watchdog and the allocation hook.
static CURRENT: Mutex<(Vec<u8>, &str)> = Mutex::new((Vec::new(), ""));
static STARTED_MS: AtomicU64 = AtomicU64::new(0);
static ARTIFACTS: Mutex<Option<PathBuf>> = Mutex::new(None);

fn epoch() -> Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn watch_input(target: Target, input: Option<&[u8]>) {
    match input {
        Some(input) => {
            if let Ok(mut current) = CURRENT.lock() {
                current.0.clear();
                current.0.extend_from_slice(input);
                current.1 = target.name();
            }
            STARTED_MS.store(epoch().elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        }
        None => STARTED_MS.store(0, Ordering::SeqCst),
    }
}

fn save_current(why: &str) {
    let dir = ARTIFACTS.lock().ok().and_then(|a| a.clone());
    if let (Some(dir), Ok(current)) = (dir, CURRENT.try_lock()) {
        let target = Target::from_name(current.1).unwrap_or(Target::Lexer);
        let saved = driver::save_artifact(&dir, target, &current.0);
        eprintln!("{why}: {} input saved to {saved:?}", current.1);
    }
}

fn save_current_on_runaway_allocation() {
    save_current("allocation over the hard cap");
}

fn start_watchdog(artifacts: PathBuf) {
    if let Ok(mut dir) = ARTIFACTS.lock() {
        *dir = Some(artifacts);
    }
    epoch();
    std::thread::spawn(|| loop {
        std::thread::sleep(Duration::from_millis(200));
        let started = STARTED_MS.load(Ordering::SeqCst);
        let now = epoch().elapsed().as_millis() as u64 + 1;
        if started != 0 && now.saturating_sub(started) > HANG_TIMEOUT.as_millis() as u64 {
            save_current("hang");
            std::process::exit(3);
        }
    });
}
