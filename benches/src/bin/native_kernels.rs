//! Native code speed: the same kernels as bytecode, `@micropython.native` and
//! `@micropython.viper`, in one run, with the time of each and its speed-up over bytecode.
//!
//! Each variant is its own program (the kernel with one decorator, then a timed call). The
//! program is compiled first, untimed; the time is the whole run of its top level on a fresh
//! VM, so it includes making the functions and the buffer, which is small next to the kernels.
//! Every variant must print the same result, or the benchmark fails.
//!
//! usage: cargo run --release -p benches --bin native_kernels [-- <rounds>]

use std::process::ExitCode;
use std::time::{Duration, Instant};
use vm::compile::native::NativeBackend;
use vm::compile::{compile_source_with, CompileOptions};
use vm::interp::{Vm, VmConfig};

/// A kernel: its definition (`DECORATOR` is replaced per variant) and the call to time.
struct Kernel {
    name: &'static str,
    source: &'static str,
}

const KERNELS: &[Kernel] = &[
    Kernel {
        name: "integer loop",
        source: "
DECORATOR
def kernel(n: int) -> int:
    s = 0
    for i in range(n):
        s = (s + i * i + (i >> 3)) & 0xffffff
    return s

print(kernel(1000000))
",
    },
    Kernel {
        name: "ptr8 checksum",
        source: "
DECORATOR
def kernel(buf: ptr8, n: int, rounds: int) -> int:
    s = 0
    for r in range(rounds):
        for i in range(n):
            s = (s + buf[i]) & 0xffff
    return s

print(kernel(b'krait!' * 700, 4200, 200))
",
    },
];

const VARIANTS: &[(&str, &str)] = &[
    ("bytecode", ""),
    ("@native", "@micropython.native"),
    ("@viper", "@micropython.viper"),
];

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
    println!(
        "{:<14} {:>12} {:>12} {:>12} {:>9} {:>9}",
        "kernel", "bytecode", "@native", "@viper", "native x", "viper x"
    );
    for kernel in KERNELS {
        let mut times = Vec::new();
        let mut outputs = Vec::new();
        for (_, decorator) in VARIANTS {
            let source = kernel.source.replace("DECORATOR", decorator);
            let (time, output) = best_of(rounds, &source, &backend)?;
            times.push(time);
            outputs.push(output);
        }
        if outputs.iter().any(|o| *o != outputs[0]) {
            return Err(format!("{}: variants disagree: {outputs:?}", kernel.name));
        }
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
        let ratio = |d: Duration| format!("{:.1}", times[0].as_secs_f64() / d.as_secs_f64());
        println!(
            "{:<14} {:>12} {:>12} {:>12} {:>9} {:>9}",
            kernel.name,
            ms(times[0]),
            ms(times[1]),
            ms(times[2]),
            ratio(times[1]),
            ratio(times[2])
        );
    }
    Ok(())
}

/// The fastest of `rounds` runs of `source`, and what it printed.
fn best_of(
    rounds: u32,
    source: &str,
    backend: &dyn NativeBackend,
) -> Result<(Duration, String), String> {
    let module = compile_source_with(
        source,
        "kernel.py",
        &CompileOptions::default(),
        Some(backend),
    )
    .map_err(|e| e.to_string())?;
    let mut best = Duration::MAX;
    let mut output = String::new();
    for _ in 0..rounds.max(1) {
        let mut vm = Vm::new(VmConfig::default()).map_err(|e| e.to_string())?;
        let start = Instant::now();
        let result = vm.run_module(&module);
        best = best.min(start.elapsed());
        if result.is_err() {
            let exc = vm.pending_exception();
            return Err(vm.format_exception(exc));
        }
        output = String::from_utf8_lossy(&vm.out).into_owned();
    }
    Ok((best, output))
}
