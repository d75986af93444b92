//! The differential fuzzer (issue 6): generated programs ([`crate::program`]) run through
//! every [`Path`], and any path printing something else than the reference (the first path
//! that ran, `cpython` when enabled) is a divergence. A divergence is minimised (proptest
//! shrinking of the syntax tree, then deleting source lines while the same path still
//! disagrees) and saved to `fuzz/divergences/new/<hash>.py` with the outputs in a header.

use crate::paths::{Case, Outcome, Path};
use crate::program;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRng, TestRunner};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use vm::bytecode::decode::{decode_instruction, decode_prelude, mnemonic};
use vm::rawcode::{CodeKind, RawCode};

/// Paths that disagree with the reference on one case.
#[derive(Debug, Clone)]
pub struct Divergence {
    pub case: Case,
    pub reference: (&'static str, String),
    /// The disagreeing paths and what they printed.
    pub others: Vec<(&'static str, String)>,
}

/// Lines of each path's output a saved divergence's header keeps.
const HEADER_LINES: usize = 40;

impl Divergence {
    /// The case file: a header naming the paths and their outputs, then the program.
    pub fn to_file(&self) -> String {
        let mut text = String::from("# Differential fuzzer divergence: paths disagree.\n");
        for (name, out) in std::iter::once(&self.reference).chain(&self.others) {
            text.push_str(&format!("# {name} printed:\n"));
            // A program the reducer made endless can print without bound before its path
            // gives up on it; the header keeps the start.
            for line in out.lines().take(HEADER_LINES) {
                text.push_str(&format!("#   {line}\n"));
            }
            let more = out.lines().count().saturating_sub(HEADER_LINES);
            if more > 0 {
                text.push_str(&format!("#   ... {more} more lines\n"));
            }
        }
        text.push_str(&self.case.to_file());
        text
    }
}

/// Per-path counts for the report.
#[derive(Debug, Clone, Default)]
pub struct PathStats {
    pub runs: u64,
    pub skipped: u64,
    pub time: Duration,
    /// Why runs were skipped, by message, with counts.
    pub skip_reasons: BTreeMap<String, u64>,
}

pub struct Harness {
    pub paths: Vec<Box<dyn Path>>,
    pub stats: Vec<PathStats>,
    /// Bytecode opcodes in krait's compilation of the cases, by mnemonic.
    pub opcodes: BTreeMap<&'static str, u64>,
}

impl Harness {
    pub fn new(names: &[&str]) -> Result<Harness, String> {
        let paths = names
            .iter()
            .map(|name| crate::paths::open(name))
            .collect::<Result<Vec<_>, _>>()?;
        let stats = vec![PathStats::default(); paths.len()];
        Ok(Harness {
            paths,
            stats,
            opcodes: BTreeMap::new(),
        })
    }

    /// Runs `case` through every applicable path; `Some` when one disagrees with the reference.
    pub fn check(&mut self, case: &Case) -> Option<Divergence> {
        let mut reference: Option<(&'static str, String)> = None;
        let mut others = Vec::new();
        for (path, stats) in self.paths.iter_mut().zip(&mut self.stats) {
            if !path.applies(case) {
                continue;
            }
            let started = Instant::now();
            let outcome = path.run(case);
            stats.time += started.elapsed();
            stats.runs += 1;
            match outcome {
                Outcome::Skipped(why) => {
                    stats.skipped += 1;
                    *stats.skip_reasons.entry(why).or_default() += 1;
                }
                Outcome::Output(out) => match &reference {
                    None => reference = Some((path.name(), out)),
                    Some((_, expected)) if *expected != out => others.push((path.name(), out)),
                    Some(_) => {}
                },
            }
        }
        let reference = reference?;
        (!others.is_empty()).then(|| Divergence {
            case: case.clone(),
            reference,
            others,
        })
    }

    /// Whether `case` diverges as `keep` wants, on a program the reference compiles (line
    /// deletion breaks syntax, and syntax error types differ between implementations).
    fn still_diverges(&mut self, case: &Case, keep: &mut impl FnMut(&Divergence) -> bool) -> bool {
        self.check(case).is_some_and(|d| {
            !d.reference.1.starts_with("EXC SyntaxError")
                && !d.reference.1.starts_with("EXC IndentationError")
                && keep(&d)
        })
    }

    /// Counts the bytecode opcodes of krait's compilation of `source`.
    pub fn count_opcodes(&mut self, source: &str) {
        let opts = vm::compile::CompileOptions::default();
        if let Ok(module) = vm::compile::compile_source(source, "prog.py", &opts) {
            count_in(&module.root, &mut self.opcodes);
        }
    }
}

fn count_in(rc: &RawCode, counts: &mut BTreeMap<&'static str, u64>) {
    if rc.kind == CodeKind::Bytecode {
        if let Ok(prelude) = decode_prelude(&rc.fun_data) {
            let code = &rc.fun_data[prelude.code_start.min(rc.fun_data.len())..];
            let mut offset = 0;
            while let Ok(ins) = decode_instruction(code, offset) {
                *counts
                    .entry(mnemonic(ins.opcode).unwrap_or("?"))
                    .or_default() += 1;
                offset += ins.size;
            }
        }
    }
    rc.children.iter().for_each(|child| count_in(child, counts));
}

/// Generated cases: plain programs, and every `viper_every`-th a viper program.
pub struct Generator {
    runner: TestRunner,
    count: u64,
    viper_every: u64,
}

/// One generated case with the tree it came from, for shrinking.
pub enum Tree {
    Plain(Box<dyn ValueTree<Value = program::Program>>),
    Viper(Box<dyn ValueTree<Value = program::ViperProgram>>),
}

impl Tree {
    pub fn case(&self) -> Case {
        match self {
            Tree::Plain(tree) => Case::plain(tree.current().render()),
            Tree::Viper(tree) => {
                let program = tree.current();
                Case {
                    source: program.render_oracle(),
                    viper: Some(program.render_viper()),
                }
            }
        }
    }

    fn simplify(&mut self) -> bool {
        match self {
            Tree::Plain(tree) => tree.simplify(),
            Tree::Viper(tree) => tree.simplify(),
        }
    }

    fn complicate(&mut self) -> bool {
        match self {
            Tree::Plain(tree) => tree.complicate(),
            Tree::Viper(tree) => tree.complicate(),
        }
    }
}

/// Largest number of module-level statements in a plain program.
const MAX_STMTS: usize = 8;

impl Generator {
    /// `viper_every`: 0 for no viper programs, 1 for only viper programs.
    pub fn new(seed: u64, viper_every: u64) -> Generator {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let rng = TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &bytes);
        Generator {
            runner: TestRunner::new_with_rng(Config::default(), rng),
            count: 0,
            viper_every,
        }
    }

    pub fn next_tree(&mut self) -> Tree {
        self.count += 1;
        let viper = self.viper_every != 0 && self.count.is_multiple_of(self.viper_every);
        let tree = if viper {
            program::viper_program()
                .new_tree(&mut self.runner)
                .map(|t| Tree::Viper(Box::new(t)))
        } else {
            program::program(MAX_STMTS)
                .new_tree(&mut self.runner)
                .map(|t| Tree::Plain(Box::new(t)))
        };
        tree.expect("program strategies never reject")
    }
}

/// Shrinks `tree` (whose case diverges) and then deletes lines of plain programs, keeping
/// only steps whose divergence `keep` accepts (e.g. "path X still disagrees"); stops after
/// `budget`.
pub fn minimise(
    harness: &mut Harness,
    mut tree: Tree,
    mut keep: impl FnMut(&Divergence) -> bool,
    budget: Duration,
) -> Divergence {
    let started = Instant::now();
    let mut best = tree.case();
    // proptest's shrinking loop: simplify while it still fails, complicate when it passes.
    if tree.simplify() {
        while started.elapsed() < budget {
            let case = tree.case();
            if harness.still_diverges(&case, &mut keep) {
                best = case;
                if !tree.simplify() {
                    break;
                }
            } else if !tree.complicate() {
                break;
            }
        }
    }
    if best.viper.is_none() {
        best = Case::plain(reduce_lines(&best.source, |source| {
            started.elapsed() < budget
                && harness.still_diverges(&Case::plain(source.into()), &mut keep)
        }));
    }
    harness
        .check(&best)
        .expect("the minimised case was checked to diverge")
}

/// Deletes lines with the block under them (the lines indented deeper), last first, while
/// `diverges` holds for the shorter source.
pub fn reduce_lines(source: &str, mut diverges: impl FnMut(&str) -> bool) -> String {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut lines: Vec<&str> = source.lines().collect();
    let mut i = lines.len();
    while i > 0 {
        i -= 1;
        let end = (i + 1..lines.len())
            .find(|&j| indent(lines[j]) <= indent(lines[i]))
            .unwrap_or(lines.len());
        let mut candidate = lines.clone();
        candidate.drain(i..end);
        let text: String = candidate.iter().map(|l| format!("{l}\n")).collect();
        if diverges(&text) {
            lines = candidate;
            i = i.min(lines.len());
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// Saves a divergence under `dir` as `<hash>.py`; returns the path.
pub fn save(dir: &std::path::Path, divergence: &Divergence) -> std::io::Result<std::path::PathBuf> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    divergence.case.hash(&mut hasher);
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{:016x}.py", hasher.finish()));
    std::fs::write(&path, divergence.to_file())?;
    Ok(path)
}

pub struct RunConfig<'a> {
    pub paths: &'a [&'a str],
    pub duration: Duration,
    pub seed: u64,
    /// Every `viper_every`-th case is a viper program (0: none).
    pub viper_every: u64,
    /// Where minimised divergences go (`None`: not saved).
    pub save_dir: Option<std::path::PathBuf>,
    /// Time to spend minimising one divergence.
    pub minimise_budget: Duration,
}

pub struct Report {
    pub cases: u64,
    pub elapsed: Duration,
    pub harness: Harness,
    /// Minimised divergences, at most a few per set of disagreeing paths.
    pub divergences: Vec<Divergence>,
    /// All diverging cases, by the disagreeing paths' names.
    pub diverging: BTreeMap<String, u64>,
}

/// Minimised divergences kept per set of disagreeing paths; the rest are only counted.
const MINIMISED_PER_KIND: u64 = 3;

pub fn run(config: &RunConfig) -> Result<Report, String> {
    let mut harness = Harness::new(config.paths)?;
    let mut generator = Generator::new(config.seed, config.viper_every);
    let started = Instant::now();
    let mut report_divergences = Vec::new();
    let mut diverging: BTreeMap<String, u64> = BTreeMap::new();
    let mut cases = 0;
    let mut last_progress = Instant::now();
    while started.elapsed() < config.duration {
        if last_progress.elapsed() > Duration::from_secs(30) {
            // A progress line, so a run stalled on one program still tells how far it got.
            last_progress = Instant::now();
            let runs: Vec<String> = harness
                .paths
                .iter()
                .zip(&harness.stats)
                .map(|(p, s)| format!("{} {}/{}s", p.name(), s.runs, s.time.as_secs()))
                .collect();
            eprintln!(
                "[{:.0}s] {cases} cases, divergences {diverging:?}; runs/own time: {}",
                started.elapsed().as_secs_f64(),
                runs.join(", ")
            );
        }
        let tree = generator.next_tree();
        let case = tree.case();
        cases += 1;
        harness.count_opcodes(&case.source);
        let Some(divergence) = harness.check(&case) else {
            continue;
        };
        let kind: Vec<&str> = divergence.others.iter().map(|(n, _)| *n).collect();
        let seen = diverging.entry(kind.join(",")).or_default();
        *seen += 1;
        if *seen > MINIMISED_PER_KIND {
            continue;
        }
        let path = kind[0];
        let same_path = |d: &Divergence| d.others.iter().any(|(name, _)| *name == path);
        let minimised = minimise(&mut harness, tree, same_path, config.minimise_budget);
        if let Some(dir) = &config.save_dir {
            save(dir, &minimised).map_err(|e| format!("cannot save a divergence: {e}"))?;
        }
        report_divergences.push(minimised);
    }
    Ok(Report {
        cases,
        elapsed: started.elapsed(),
        harness,
        divergences: report_divergences,
        diverging,
    })
}

impl Report {
    /// The human-readable summary the `diff` command prints.
    pub fn summary(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        let mut text = format!(
            "{} cases in {secs:.1}s = {:.1} cases/s\n",
            self.cases,
            self.cases as f64 / secs
        );
        for (path, stats) in self.harness.paths.iter().zip(&self.harness.stats) {
            let own = stats.time.as_secs_f64();
            text.push_str(&format!(
                "  {:16} {:>7} runs, {:>6} skipped, {:>8.1} programs/s in its own time ({own:.1}s)\n",
                path.name(),
                stats.runs,
                stats.skipped,
                stats.runs as f64 / own.max(1e-9)
            ));
            for (why, count) in stats.skip_reasons.iter().take(8) {
                text.push_str(&format!("      skipped {count}x: {why}\n"));
            }
        }
        let known = (0..=255u8).filter(|&op| mnemonic(op).is_some()).count();
        text.push_str(&format!(
            "bytecode opcodes covered: {} of {known}\n  ",
            self.harness.opcodes.len()
        ));
        let names: Vec<String> = self
            .harness
            .opcodes
            .iter()
            .map(|(name, count)| format!("{name}:{count}"))
            .collect();
        text.push_str(&names.join(" "));
        text.push('\n');
        let missing: Vec<&str> = (0..=255u8)
            .filter_map(mnemonic)
            .filter(|name| !self.harness.opcodes.contains_key(name))
            .collect();
        text.push_str(&format!("  never emitted: {}\n", missing.join(" ")));
        text.push_str(&format!(
            "diverging cases by disagreeing paths: {:?}\n",
            self.diverging
        ));
        for divergence in &self.divergences {
            text.push_str("---- minimised divergence\n");
            text.push_str(&divergence.to_file());
        }
        text
    }
}
