//! The stable-Rust fuzzing loop: inputs come from the committed seed corpus, the proptest
//! generators and mutations of inputs the target accepted (a crude stand-in for coverage
//! feedback: accepted inputs reach deeper code). Each call runs under a [`Budget`]; a panic or
//! an overrun is minimised and saved.

use crate::budget::{Budget, Overrun};
use crate::gen;
use crate::mutate;
use crate::rng::Rng;
use crate::targets::{Target, Verdict};
use proptest::strategy::{BoxedStrategy, Strategy};
use proptest::test_runner::TestRunner;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};
use vm::compile::{compile_source, CompileOptions};
use vm::rawcode::CompiledModule;

/// Longest source input tried (bounded so the time budget is meaningful).
pub const MAX_SOURCE_LEN: usize = 4096;
/// Longest `.mpy` input tried.
pub const MAX_MPY_LEN: usize = 16384;
/// Pool of inputs mutated further, per target.
const MAX_POOL: usize = 4096;
/// Distinct failures after which a run stops (the first ones are what matter).
const MAX_FAILURES: usize = 5;
/// Time spent minimising one failure.
const MINIMISE_TIME: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub target: Target,
    pub duration: Duration,
    pub seed: u64,
    /// `fuzz/corpus`: seeds in `<corpus>/<target>/`.
    pub corpus_dir: PathBuf,
    /// Where failing inputs are saved; `None` keeps them in memory only.
    pub artifacts_dir: Option<PathBuf>,
    pub budget: Budget,
    /// Told about each input before it runs (`Some`) and when it is done (`None`), e.g. by a
    /// hang watchdog that must save the input.
    pub watch: Option<Watch>,
}

pub type Watch = fn(Target, Option<&[u8]>);

#[derive(Debug, Clone)]
pub enum Problem {
    Panic(String),
    Overrun(Overrun),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Panic(message) => write!(f, "panic: {message}"),
            Problem::Overrun(overrun) => write!(f, "{overrun}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub problem: Problem,
    /// The minimised input.
    pub input: Vec<u8>,
    pub saved_to: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct RunReport {
    pub target: Target,
    pub execs: u64,
    pub accepted: u64,
    pub elapsed: Duration,
    pub slowest: Duration,
    /// The input behind `slowest`, to check by hand whether it is slow or just unlucky.
    pub slowest_input: Vec<u8>,
    pub max_peak_bytes: usize,
    pub failures: Vec<Failure>,
}

impl RunReport {
    pub fn execs_per_sec(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs one target for the configured time.
pub fn run(config: &RunConfig) -> RunReport {
    install_panic_capture();
    let mut rng = Rng::new(config.seed);
    let mut runner = gen::runner(config.seed);
    let mut pool = Pool::new(config);
    let started = Instant::now();
    let mut report = RunReport {
        target: config.target,
        execs: 0,
        accepted: 0,
        elapsed: Duration::ZERO,
        slowest: Duration::ZERO,
        slowest_input: Vec::new(),
        max_peak_bytes: 0,
        failures: Vec::new(),
    };
    while started.elapsed() < config.duration && report.failures.len() < MAX_FAILURES {
        let input = pool.next_input(&mut rng, &mut runner);
        let outcome = watched(config, &input, || {
            execute(config.target, &input, &config.budget)
        });
        report.execs += 1;
        if outcome.elapsed > report.slowest {
            report.slowest = outcome.elapsed;
            report.slowest_input.clone_from(&input);
        }
        report.max_peak_bytes = report.max_peak_bytes.max(outcome.peak_bytes);
        match outcome.result {
            Ok(Verdict::Accepted) => {
                report.accepted += 1;
                pool.add(input, &mut rng, true);
            }
            Ok(Verdict::Rejected) => pool.add(input, &mut rng, false),
            Err(problem) => {
                if report
                    .failures
                    .iter()
                    .any(|f| same_kind(&f.problem, &problem))
                {
                    continue;
                }
                let input = watched(config, &input, || {
                    minimise(config.target, input.clone(), &problem, &config.budget)
                });
                let saved_to = config
                    .artifacts_dir
                    .as_deref()
                    .and_then(|dir| save_artifact(dir, config.target, &input));
                report.failures.push(Failure {
                    problem,
                    input,
                    saved_to,
                });
            }
        }
    }
    report.elapsed = started.elapsed();
    report
}

fn watched<R>(config: &RunConfig, input: &[u8], f: impl FnOnce() -> R) -> R {
    if let Some(watch) = config.watch {
        watch(config.target, Some(input));
    }
    let result = f();
    if let Some(watch) = config.watch {
        watch(config.target, None);
    }
    result
}

/// The result of one call.
pub struct Outcome {
    pub result: Result<Verdict, Problem>,
    pub elapsed: Duration,
    pub peak_bytes: usize,
}

/// Runs `target` on `input`, catching panics and checking the budget.
pub fn execute(target: Target, input: &[u8], budget: &Budget) -> Outcome {
    execute_fn(&|data| target.run(data), input, budget)
}

/// [`execute`] for any target function.
pub fn execute_fn(run: &dyn Fn(&[u8]) -> Verdict, input: &[u8], budget: &Budget) -> Outcome {
    install_panic_capture();
    CAPTURING.with(|c| *c.borrow_mut() = Some(String::new()));
    let (result, measured) =
        Budget::measure(|| panic::catch_unwind(AssertUnwindSafe(|| run(input))));
    let message = CAPTURING
        .with(|c| c.borrow_mut().take())
        .unwrap_or_default();
    let result = match result {
        Err(_) => Err(Problem::Panic(message)),
        Ok(verdict) => match budget.check(input.len(), &measured) {
            Ok(()) => Ok(verdict),
            Err(overrun) => Err(Problem::Overrun(overrun)),
        },
    };
    Outcome {
        result,
        elapsed: measured.elapsed,
        peak_bytes: measured.peak_bytes,
    }
}

thread_local! {
    /// `Some` while [`execute`] runs on this thread: the panic hook stores the message here
    /// instead of printing it, so thousands of expected panics while minimising stay quiet.
    static CAPTURING: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_panic_capture() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let captured = CAPTURING.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        *slot = info.to_string();
                        true
                    }
                    None => false,
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
}

/// Failures are the same bug when they panic at the same place or overrun the same budget.
fn same_kind(a: &Problem, b: &Problem) -> bool {
    match (a, b) {
        (Problem::Panic(x), Problem::Panic(y)) => panic_location(x) == panic_location(y),
        (Problem::Overrun(x), Problem::Overrun(y)) => {
            std::mem::discriminant(x) == std::mem::discriminant(y)
        }
        _ => false,
    }
}

fn panic_location(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}

/// Shrinks a failing input by deleting chunks (halving their size) while it still fails the
/// same way: the classic delta-debugging loop, bounded in time.
pub fn minimise(target: Target, mut input: Vec<u8>, problem: &Problem, budget: &Budget) -> Vec<u8> {
    let started = Instant::now();
    let still_fails = |candidate: &[u8]| match execute(target, candidate, budget).result {
        Err(p) => same_kind(&p, problem),
        Ok(_) => false,
    };
    let mut chunk = input.len().div_ceil(2).max(1);
    while chunk >= 1 && started.elapsed() < MINIMISE_TIME {
        let mut i = 0;
        let mut removed_any = false;
        while i < input.len() && started.elapsed() < MINIMISE_TIME {
            let end = (i + chunk).min(input.len());
            let mut candidate = input.clone();
            candidate.drain(i..end);
            if still_fails(&candidate) {
                input = candidate;
                removed_any = true;
            } else {
                i += chunk;
            }
        }
        if chunk == 1 && !removed_any {
            break;
        }
        chunk = (chunk / 2).max(1);
    }
    input
}

/// Saves `input` as `<dir>/<target>-<hash>` and returns the path.
pub fn save_artifact(dir: &Path, target: Target, input: &[u8]) -> Option<PathBuf> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut hasher);
    let path = dir.join(format!("{}-{:016x}", target.name(), hasher.finish()));
    std::fs::create_dir_all(dir).ok()?;
    std::fs::write(&path, input).ok()?;
    Some(path)
}

/// Reads every file in `<corpus>/<name>/`, sorted by name.
pub fn load_seeds(corpus: &Path, name: &str) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(corpus.join(name)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// The inputs a target's run draws from.
struct Pool {
    target: Target,
    inputs: Vec<Vec<u8>>,
    /// For the `.mpy` target: modules that read back, for structure-aware mutation.
    modules: Vec<CompiledModule>,
    /// Built once: constructing the recursive strategies costs more than sampling them.
    programs: BoxedStrategy<String>,
    soup: BoxedStrategy<String>,
}

impl Pool {
    fn new(config: &RunConfig) -> Self {
        let sources: Vec<Vec<u8>> = ["lexer", "parser", "compile"]
            .iter()
            .flat_map(|name| load_seeds(&config.corpus_dir, name))
            .collect();
        let mut pool = Pool {
            target: config.target,
            inputs: Vec::new(),
            modules: Vec::new(),
            programs: gen::program().boxed(),
            soup: gen::token_soup().boxed(),
        };
        match config.target {
            target if target.takes_mpy() => {
                for source in &sources {
                    pool.add_compiled(source);
                }
                for bytes in load_seeds(&config.corpus_dir, "mpy") {
                    pool.add_mpy(bytes);
                }
            }
            _ => {
                pool.inputs = load_seeds(&config.corpus_dir, config.target.name());
                pool.inputs.extend(sources);
            }
        }
        pool
    }

    fn max_len(&self) -> usize {
        match self.target {
            target if target.takes_mpy() => MAX_MPY_LEN,
            _ => MAX_SOURCE_LEN,
        }
    }

    fn add_compiled(&mut self, source: &[u8]) {
        let Ok(text) = std::str::from_utf8(source) else {
            return;
        };
        if let Ok(module) = compile_source(text, "seed.py", &CompileOptions::default()) {
            self.inputs.push(vm::mpy::write(&module));
            self.modules.push(module);
        }
    }

    fn add_mpy(&mut self, bytes: Vec<u8>) {
        if let Ok(module) = vm::mpy::read(&bytes) {
            self.modules.push(module);
        }
        self.inputs.push(bytes);
    }

    /// Keeps accepted inputs more often than rejected ones; a full pool replaces at random.
    fn add(&mut self, input: Vec<u8>, rng: &mut Rng, accepted: bool) {
        let keep = if accepted {
            rng.one_in(4)
        } else {
            rng.one_in(64)
        };
        if !keep || input.is_empty() {
            return;
        }
        if self.target.takes_mpy() && accepted && self.modules.len() < MAX_POOL {
            if let Ok(module) = vm::mpy::read(&input) {
                self.modules.push(module);
            }
        }
        if self.inputs.len() < MAX_POOL {
            self.inputs.push(input);
        } else {
            let i = rng.below(self.inputs.len());
            self.inputs[i] = input;
        }
    }

    fn next_input(&mut self, rng: &mut Rng, runner: &mut TestRunner) -> Vec<u8> {
        let roll = rng.below(100);
        if self.target.takes_mpy() {
            return self.next_mpy(rng, runner, roll);
        }
        // Generating costs several mutations' worth of time: keep it a minority of inputs.
        let generated = match roll {
            0..=7 => gen::sample(&self.programs, runner),
            8..=12 => gen::sample(&self.soup, runner),
            _ => None,
        };
        if let Some(text) = generated {
            let mut bytes = text.into_bytes();
            bytes.truncate(self.max_len());
            return bytes;
        }
        self.mutate_pool_entry(rng, mutate::SOURCE_DICTIONARY)
    }

    fn next_mpy(&mut self, rng: &mut Rng, runner: &mut TestRunner, roll: usize) -> Vec<u8> {
        if roll < 5 {
            if let Some(program) = gen::sample(&self.programs, runner) {
                self.add_compiled(program.as_bytes());
            }
        }
        if roll < 60 && !self.modules.is_empty() {
            let module = &self.modules[rng.below(self.modules.len())];
            let mut bytes = mutate::mpy_module(rng, module);
            bytes.truncate(self.max_len());
            return bytes;
        }
        self.mutate_pool_entry(rng, &[])
    }

    fn mutate_pool_entry(&self, rng: &mut Rng, dict: &[&[u8]]) -> Vec<u8> {
        if self.inputs.is_empty() {
            return Vec::new();
        }
        let base = &self.inputs[rng.below(self.inputs.len())];
        let other = &self.inputs[rng.below(self.inputs.len())];
        mutate::bytes(rng, base, other, dict, self.max_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimise_keeps_a_failure_and_drops_the_rest() {
        // The compile target rejects this input without panicking, so use a budget of zero
        // bytes: every call that allocates overruns, and the minimiser must keep an overrun.
        let budget = Budget {
            time: Duration::from_secs(5),
            base_bytes: 0,
            bytes_per_input_byte: 0,
        };
        let input = b"x = 1\ny = 2\nz = [1, 2, 3]\n".to_vec();
        let problem = match execute(Target::Compile, &input, &budget).result {
            Err(p) => p,
            Ok(_) if !crate::alloc_count::is_installed() => return,
            Ok(v) => panic!("expected an overrun, got {v:?}"),
        };
        let small = minimise(Target::Compile, input.clone(), &problem, &budget);
        assert!(small.len() < input.len());
    }

    #[test]
    fn panics_are_caught_with_their_message() {
        let panicky = |data: &[u8]| {
            assert!(data.len() < 3, "input too long: {}", data.len());
            Verdict::Accepted
        };
        let outcome = execute_fn(&panicky, b"abcd", &Budget::DEBUG);
        match outcome.result {
            Err(Problem::Panic(message)) => assert!(message.contains("input too long: 4")),
            other => panic!(
                "expected a caught panic, got {:?}",
                other.map_err(|p| p.to_string())
            ),
        }
        assert!(CAPTURING.with(|c| c.borrow().is_none()));
        assert!(matches!(
            execute_fn(&panicky, b"ab", &Budget::DEBUG).result,
            Ok(Verdict::Accepted)
        ));
    }
}
