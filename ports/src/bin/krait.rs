//! `krait`: runs a Python program on krait's VM, command-line compatible with MicroPython's
//! unix port for the forms it supports so far: `krait file.py`, `krait file.mpy`,
//! `krait -c 'code'`, and `-X heapsize=<n>[k|m]` / `-X gcstress`.
use std::io::Write;
use std::process::ExitCode;
use vm::compile::native::NativeBackend;
use vm::compile::{compile_source_with, CompileOptions};
use vm::interp::{Vm, VmConfig};
use vm::rawcode::CompiledModule;

/// Host stack for the VM thread: Python recursion does not use it, but nested calls from
/// Rust helpers (special methods, `__init__`) do, up to the VM's re-entry bound.
const VM_THREAD_STACK: usize = 256 << 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let worker = std::thread::Builder::new()
        .stack_size(VM_THREAD_STACK)
        .spawn(move || run(&args));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(1),
    }
}

fn usage() -> u8 {
    eprintln!(
        "usage: krait [-X heapsize=<n>[k|m]] [-X gcstress] [-c <command> | <file.py|file.mpy>]"
    );
    1
}

fn run(args: &[String]) -> u8 {
    // Runs `@native`/`@viper` code; its machine code lives as long as this value.
    let native = targets::host_backend().ok();
    let native = native.as_ref().map(|b| b as &dyn NativeBackend);
    let mut config = VmConfig::default();
    let mut i = 0;
    let mut program: Option<Result<CompiledModule, String>> = None;
    while i < args.len() {
        match args[i].as_str() {
            "-X" if i + 1 < args.len() => {
                let option = &args[i + 1];
                if let Some(size) = option.strip_prefix("heapsize=") {
                    match vm::runtime::gc::parse_heapsize(size) {
                        Some(bytes) => config.heap_size = bytes,
                        None => return usage(),
                    }
                } else if option == "gcstress" {
                    config.gc_stress = true;
                }
                i += 2;
            }
            "-c" if i + 1 < args.len() => {
                program = Some(compile(&args[i + 1], "<stdin>", native));
                break;
            }
            path if !path.starts_with('-') => {
                program = Some(load_file(path, native));
                break;
            }
            _ => return usage(),
        }
    }
    let Some(program) = program else {
        return usage();
    };
    let module = match program {
        Ok(module) => module,
        Err(message) => {
            eprintln!("{message}");
            return 1;
        }
    };
    let mut vm = match Vm::new(config) {
        Ok(vm) => vm,
        Err(err) => {
            eprintln!("krait: cannot start the VM: {err}");
            return 1;
        }
    };
    let result = vm.run_module(&module);
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(&vm.out);
    vm.out.clear();
    let code = match result {
        Ok(_) => 0,
        Err(_) => {
            let exc = vm.pending_exception();
            let _ = stdout.write_all(&vm.out);
            let _ = stdout.flush();
            match vm.system_exit_status(exc) {
                Some(status) => status,
                None => {
                    // The unix port reports uncaught exceptions on stderr.
                    let text = vm.format_exception(exc);
                    let _ = std::io::stderr().write_all(text.as_bytes());
                    1
                }
            }
        }
    };
    let _ = stdout.flush();
    code
}

fn compile(
    source: &str,
    file: &str,
    native: Option<&dyn NativeBackend>,
) -> Result<CompiledModule, String> {
    compile_source_with(source, file, &CompileOptions::default(), native)
        .map_err(|err| err.to_string())
}

fn load_file(path: &str, native: Option<&dyn NativeBackend>) -> Result<CompiledModule, String> {
    let bytes =
        std::fs::read(path).map_err(|err| format!("krait: can't open file '{path}': {err}"))?;
    if path.ends_with(".mpy") {
        return vm::mpy::read(&bytes).map_err(|err| format!("ValueError: {err}"));
    }
    let source = String::from_utf8(bytes).map_err(|_| format!("krait: '{path}' is not UTF-8"))?;
    compile(&source, path, native)
}
