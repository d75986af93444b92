//! Native code speed, side by side in one run: each kernel of `benches/kernels/` as krait
//! bytecode, `@micropython.native` and `@micropython.viper`, against CPython running the same
//! program and the same kernel written in C (`cc -O2`) as the limit; then the JIT latency, the
//! time to compile a 100-line function to machine code.
//!
//! A kernel file is a program in three parts split by the lines `# timed` and `# check`: the
//! setup (definitions, data), the timed statements, and the statements that print the result.
//! A line `DECORATOR` before a definition becomes the variant's decorator; a line
//! `# variants: bytecode native` limits the variants. Only the timed part is timed, in every
//! variant and in C (`<kernel>.c` times its own kernel and prints `TIME <seconds>` last).
//! Every variant must print the same result as CPython and C, or the benchmark fails.
//!
//! usage: cargo run --release -p benches --bin native_kernels [-- <rounds>]
//! (`PYTHON` and `CC` override the CPython and the C compiler.)

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};
use vm::compile::native::NativeBackend;
use vm::compile::{compile_source_with, CompileOptions};
use vm::interp::{Vm, VmConfig};
use vm::rawcode::CompiledModule;

/// The krait variants: a name, the decorator that makes it, and its name in `# variants:`.
const VARIANTS: [(&str, &str, &str); 3] = [
    ("bytecode", "", "bytecode"),
    ("@native", "@micropython.native", "native"),
    ("@viper", "@micropython.viper", "viper"),
];

/// Runs a kernel file under CPython as krait runs it: the setup, the timed part (best of
/// `rounds`, each round on fresh globals), the check; prints the output, then `TIME <s>`.
/// Viper's type names are bound to `int` so that annotations evaluate.
const CPYTHON_DRIVER: &str = r#"
import contextlib, io, sys, time
path, rounds = sys.argv[1], int(sys.argv[2])
text = "".join(l for l in open(path) if l.strip() != "DECORATOR")
setup, rest = text.split("\n# timed\n")
timed, check = rest.split("\n# check\n")
parts = [compile(s, path, "exec") for s in (setup, timed, check)]
best = None
for _ in range(rounds):
    names = {"__name__": "__main__", "ptr8": int, "ptr16": int, "ptr32": int, "uint": int}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(parts[0], names)
        start = time.perf_counter()
        exec(parts[1], names)
        elapsed = time.perf_counter() - start
        exec(parts[2], names)
    best = elapsed if best is None else min(best, elapsed)
sys.stdout.write(out.getvalue())
print("TIME", best)
"#;

/// One kernel: its name, its three parts (with the `DECORATOR` lines), which krait variants
/// apply, and its C twin.
struct Kernel {
    name: String,
    path: PathBuf,
    parts: [String; 3],
    variants: Vec<bool>,
}

fn main() -> ExitCode {
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("native_kernels: {message}");
            ExitCode::FAILURE
        }
    }
}

fn bench() -> Result<(), String> {
    let rounds = benches::rounds_arg(3)?;
    let backend = targets::host_backend()?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("kernels");
    let build_dir = std::env::temp_dir().join(format!("krait-kernels-{}", std::process::id()));
    std::fs::create_dir_all(&build_dir).map_err(|e| e.to_string())?;
    println!("best of {rounds}; ratios: bytecode time / variant time, and @viper time / C time");
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8}",
        "kernel",
        "C -O2",
        "CPython",
        "bytecode",
        "@native",
        "@viper",
        "native x",
        "viper x",
        "viper/C"
    );
    let result = benches::python_files(&dir)?
        .iter()
        .try_for_each(|path| row(&load_kernel(path)?, rounds, &backend, &build_dir));
    let _ = std::fs::remove_dir_all(&build_dir);
    result?;
    jit_latency(rounds, &backend)
}

/// Measures every variant of `kernel` and prints its row.
fn row(
    kernel: &Kernel,
    rounds: u32,
    backend: &dyn NativeBackend,
    build_dir: &Path,
) -> Result<(), String> {
    let (c_time, c_output) = run_c(kernel, rounds, build_dir)?;
    let (py_time, py_output) = run_cpython(kernel, rounds)?;
    if c_output != py_output {
        return Err(format!(
            "{}: C prints {c_output:?}, CPython {py_output:?}",
            kernel.name
        ));
    }
    let mut times = Vec::new();
    for (&(label, decorator, _), &applies) in VARIANTS.iter().zip(&kernel.variants) {
        if !applies {
            times.push(None);
            continue;
        }
        let (time, output) = run_krait(kernel, decorator, rounds, backend)?;
        if output != py_output {
            return Err(format!(
                "{} {label}: prints {output:?}, CPython {py_output:?}",
                kernel.name
            ));
        }
        times.push(Some(time));
    }
    let ms = |t: Option<Duration>| t.map_or("-".into(), |t| format!("{:.2}ms", secs(t) * 1e3));
    let ratio = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
        (Some(a), Some(b)) => format!("{:.1}", secs(a) / secs(b)),
        _ => "-".into(),
    };
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8}",
        kernel.name,
        ms(Some(c_time)),
        ms(Some(py_time)),
        ms(times[0]),
        ms(times[1]),
        ms(times[2]),
        ratio(times[0], times[1]),
        ratio(times[0], times[2]),
        ratio(times[2], Some(c_time)),
    );
    Ok(())
}

fn secs(time: Duration) -> f64 {
    time.as_secs_f64()
}

/// Reads a kernel file and splits it into its parts.
fn load_kernel(path: &Path) -> Result<Kernel, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (setup, rest) = text
        .split_once("\n# timed\n")
        .ok_or_else(|| format!("{name}: no `# timed` line"))?;
    let (timed, check) = rest
        .split_once("\n# check\n")
        .ok_or_else(|| format!("{name}: no `# check` line"))?;
    let listed = text
        .lines()
        .find_map(|line| line.strip_prefix("# variants:"))
        .map(|names| names.split_whitespace().collect::<Vec<_>>());
    let variants = VARIANTS
        .iter()
        .map(|(_, _, short)| listed.as_ref().is_none_or(|names| names.contains(short)))
        .collect();
    Ok(Kernel {
        name,
        path: path.to_path_buf(),
        parts: [setup.into(), timed.into(), check.into()],
        variants,
    })
}

/// The best time of `rounds` runs of the timed part on krait, each round on a fresh VM, and
/// what the whole program printed.
fn run_krait(
    kernel: &Kernel,
    decorator: &str,
    rounds: u32,
    backend: &dyn NativeBackend,
) -> Result<(Duration, String), String> {
    let compile = |part: &String| -> Result<CompiledModule, String> {
        let source = part
            .lines()
            .map(|line| if line == "DECORATOR" { decorator } else { line })
            .collect::<Vec<_>>()
            .join("\n");
        compile_source_with(
            &source,
            "kernel.py",
            &CompileOptions::default(),
            Some(backend),
        )
        .map_err(|e| format!("{}: {e}", kernel.name))
    };
    let parts = [
        compile(&kernel.parts[0])?,
        compile(&kernel.parts[1])?,
        compile(&kernel.parts[2])?,
    ];
    let mut best = Duration::MAX;
    let mut output = String::new();
    for _ in 0..rounds.max(1) {
        let mut vm = Vm::new(VmConfig::default()).map_err(|e| e.to_string())?;
        let (time, printed) = run_parts(&mut vm, &parts).map_err(|()| {
            let exc = vm.pending_exception();
            format!("{}: {}", kernel.name, vm.format_exception(exc))
        })?;
        best = best.min(time);
        output = printed;
    }
    Ok((best, output))
}

/// Runs the three parts in one `__main__`, timing the second.
fn run_parts(vm: &mut Vm, parts: &[CompiledModule; 3]) -> Result<(Duration, String), ()> {
    let name = vm::runtime::obj::Obj::qstr(vm::objects::qstrs::MAIN).ok_or(())?;
    let main = vm.new_module(name).map_err(|_| ())?;
    let main = vm.root(main).map_err(|_| ())?;
    vm.exec_module(&parts[0], vm.slot(main)).map_err(|_| ())?;
    let start = Instant::now();
    vm.exec_with_globals_of(&parts[1], vm.slot(main))
        .map_err(|_| ())?;
    let time = start.elapsed();
    vm.exec_with_globals_of(&parts[2], vm.slot(main))
        .map_err(|_| ())?;
    Ok((time, String::from_utf8_lossy(&vm.out).into_owned()))
}

/// Builds `<kernel>.c` with `cc -O2` and returns its best time and what it printed.
fn run_c(kernel: &Kernel, rounds: u32, build_dir: &Path) -> Result<(Duration, String), String> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let source = kernel.path.with_extension("c");
    let binary = build_dir.join(&kernel.name);
    let built = Command::new(&cc)
        .args(["-O2", "-o"])
        .arg(&binary)
        .arg(&source)
        .status()
        .map_err(|e| format!("cannot run {cc}: {e}"))?;
    if !built.success() {
        return Err(format!("{cc} -O2 {} failed", source.display()));
    }
    best_timed_run(&binary, &[], rounds)
}

/// Runs the kernel file under CPython (the driver takes the best of `rounds` itself).
fn run_cpython(kernel: &Kernel, rounds: u32) -> Result<(Duration, String), String> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let path = kernel.path.to_string_lossy().into_owned();
    let args = ["-c", CPYTHON_DRIVER, &path, &rounds.to_string()];
    best_timed_run(Path::new(&python), &args, 1)
}

/// Runs `program` `rounds` times; each run prints its output, then `TIME <seconds>` last.
fn best_timed_run(
    program: &Path,
    args: &[&str],
    rounds: u32,
) -> Result<(Duration, String), String> {
    let mut best = Duration::MAX;
    let mut output = String::new();
    for _ in 0..rounds.max(1) {
        let run = Command::new(program)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
        if !run.status.success() {
            let stderr = String::from_utf8_lossy(&run.stderr);
            return Err(format!("{} failed: {stderr}", program.display()));
        }
        let (printed, time) = stdout
            .trim_end()
            .rsplit_once("TIME ")
            .ok_or_else(|| format!("{} printed no TIME line", program.display()))?;
        let seconds: f64 = time
            .trim()
            .parse()
            .map_err(|_| format!("{}: bad TIME {time:?}", program.display()))?;
        best = best.min(Duration::from_secs_f64(seconds));
        output = printed.to_string();
    }
    Ok((best, output))
}

/// Time to compile a generated 100-line function as bytecode, and the extra time to make
/// machine code of it with `@native` and `@viper`; all three must compute the same value.
fn jit_latency(rounds: u32, backend: &dyn NativeBackend) -> Result<(), String> {
    println!("\nJIT latency, a 100-line function (best of {rounds}):");
    let mut bytecode_time = Duration::ZERO;
    let mut outputs = Vec::new();
    for (label, decorator, _) in VARIANTS {
        let source = hundred_line_function(decorator);
        let mut best = Duration::MAX;
        let mut module = None;
        for _ in 0..rounds.max(1) {
            let start = Instant::now();
            let compiled = compile_source_with(
                &source,
                "latency.py",
                &CompileOptions::default(),
                Some(backend),
            )
            .map_err(|e| format!("latency {label}: {e}"))?;
            best = best.min(start.elapsed());
            module = Some(compiled);
        }
        let module = module.ok_or("no rounds")?;
        let mut vm = Vm::new(VmConfig::default()).map_err(|e| e.to_string())?;
        if vm.run_module(&module).is_err() {
            let exc = vm.pending_exception();
            return Err(format!("latency {label}: {}", vm.format_exception(exc)));
        }
        outputs.push(String::from_utf8_lossy(&vm.out).into_owned());
        if decorator.is_empty() {
            bytecode_time = best;
            println!("  {label:<9} {:>8.3} ms to compile", secs(best) * 1e3);
        } else {
            let extra = best.saturating_sub(bytecode_time);
            println!(
                "  {label:<9} {:>8.3} ms to compile ({:.3} ms more than bytecode)",
                secs(best) * 1e3,
                secs(extra) * 1e3
            );
        }
    }
    if outputs.iter().any(|o| *o != outputs[0]) {
        return Err(format!("latency variants disagree: {outputs:?}"));
    }
    Ok(())
}

/// A function of 100 lines (its `def`, 98 lines of integer arithmetic and branches, its
/// `return`), valid as Python, `@native` and `@viper`, and a call printing its value.
fn hundred_line_function(decorator: &str) -> String {
    let mut lines = vec![
        decorator.to_string(),
        "def f(a: int, b: int) -> int:".to_string(),
    ];
    lines.extend((0..7).map(|k| format!("    v{k} = a + {k} * b")));
    let body_end = lines.len() + 98 - 7;
    let mut i = 0;
    while lines.len() < body_end {
        let (x, y) = (i % 7, (i + 3) % 7);
        if i % 5 == 4 && body_end - lines.len() >= 4 {
            lines.push(format!("    if v{x} > v{y}:"));
            lines.push(format!("        v{x} = (v{x} - v{y}) & 0xFFFF"));
            lines.push("    else:".to_string());
            lines.push(format!("        v{y} = (v{y} + {i}) & 0xFFFF"));
        } else {
            lines.push(format!(
                "    v{x} = (v{x} * {} + v{y} + a) & 0xFFFF",
                3 + i % 5
            ));
        }
        i += 1;
    }
    lines.push("    return v0 + v1 + v2 + v3 + v4 + v5 + v6".to_string());
    lines.push("print(f(12345, 678))".to_string());
    lines.join("\n")
}
