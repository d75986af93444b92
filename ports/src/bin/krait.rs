//! `krait`: a drop-in for MicroPython's unix port (see `ports::run`).
use std::process::ExitCode;

/// Host stack for the VM thread: Python recursion does not use it, but nested calls from
/// Rust helpers (special methods, `__init__`, imports) do, up to the VM's re-entry bound.
const VM_THREAD_STACK: usize = 256 << 20;

fn main() -> ExitCode {
    let mut args = std::env::args();
    let program_name = args.next().unwrap_or_else(|| "krait".to_string());
    let args: Vec<String> = args.collect();
    let worker = std::thread::Builder::new()
        .stack_size(VM_THREAD_STACK)
        .spawn(move || ports::run::main(&program_name, &args));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(1),
    }
}
