//! CI smoke run: every target gets its seeds and a few seconds of generated and mutated inputs
//! (debug build, under the debug budget), and any panic, hang or allocation overrun fails.

use fuzz::alloc_count::CountingAllocator;
use fuzz::budget::Budget;
use fuzz::driver::{self, RunConfig};
use fuzz::targets::Target;
use std::path::Path;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Seconds per target: six targets (tests run two at a time) keep the smoke near 20 seconds.
const SECONDS_PER_TARGET: u64 = 5;

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn smoke(target: Target) {
    let config = RunConfig {
        target,
        duration: Duration::from_secs(SECONDS_PER_TARGET),
        seed: 0x5eed,
        corpus_dir: corpus(),
        artifacts_dir: None,
        budget: Budget::DEBUG,
        watch: None,
    };
    let report = driver::run(&config);
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| {
            format!(
                "{}\n  input: {:?}",
                f.problem,
                String::from_utf8_lossy(&f.input)
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{}: {}",
        target.name(),
        failures.join("\n")
    );
    assert!(
        report.execs > 20,
        "{}: only {} execs",
        target.name(),
        report.execs
    );
    assert!(
        report.accepted > 0,
        "{}: no input got past the first check",
        target.name()
    );
    assert!(fuzz::alloc_count::is_installed());
}

#[test]
fn smoke_lexer() {
    smoke(Target::Lexer);
}

#[test]
fn smoke_parser() {
    smoke(Target::Parser);
}

#[test]
fn smoke_compile() {
    smoke(Target::Compile);
}

#[test]
fn smoke_mpy_reader() {
    smoke(Target::Mpy);
}

#[test]
fn smoke_vm_run() {
    smoke(Target::VmRun);
}

#[test]
fn smoke_native_compile() {
    smoke(Target::NativeCompile);
}

#[test]
fn every_seed_is_accepted_by_its_target() {
    for target in [
        Target::Lexer,
        Target::Parser,
        Target::Compile,
        Target::NativeCompile,
    ] {
        let seeds = driver::load_seeds(&corpus(), target.name());
        assert!(!seeds.is_empty(), "no seeds for {}", target.name());
        for seed in seeds {
            let outcome = driver::execute(target, &seed, &Budget::DEBUG);
            assert!(
                matches!(outcome.result, Ok(fuzz::targets::Verdict::Accepted)),
                "{} rejects or fails on seed {:?}",
                target.name(),
                String::from_utf8_lossy(&seed)
            );
        }
    }
}

/// Inputs that once failed (minimised), kept so the bug stays fixed: `regressions/<target>/`.
#[test]
fn regressions_still_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut count = 0;
    for target in Target::ALL {
        for input in driver::load_seeds(&dir, target.name()) {
            count += 1;
            let outcome = driver::execute(target, &input, &Budget::DEBUG);
            if let Err(problem) = outcome.result {
                panic!(
                    "{}: {problem} on {:?}",
                    target.name(),
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }
    assert!(count > 0, "no regression inputs found in {}", dir.display());
}
