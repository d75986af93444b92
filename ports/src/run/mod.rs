//! `krait`: runs a program on krait's VM the way MicroPython's unix port runs it
//! (`ports/unix/main.c`): the same options, `sys.path` and `sys.argv`, output streamed as it
//! is written, uncaught exceptions printed on stderr, and the same exit codes (0, 1 for an
//! uncaught exception, `n` for `SystemExit(n)`, 2 for a script that cannot be opened), and a
//! REPL (`repl.rs`) when stdin is a terminal or with `-i`.
pub mod args;
mod repl;

use args::{Command, Options, Program};
use std::io::{IsTerminal, Read, Write};
use vm::compile::compile_source;
use vm::interp::{PyResult, Vm};
use vm::modules::sys::{MACHINE, VERSION_BANNER};
use vm::rawcode::CompiledModule;
use vm::runtime::obj::Obj;

/// The unix port's `sys.path` after `""` when `MICROPYPATH` is not set.
const DEFAULT_PATH: &str = ".frozen:~/.micropython/lib:/usr/lib/micropython";

/// Runs the command line `args` (after the program name `program_name`); the exit code.
pub fn main(program_name: &str, args: &[String]) -> u8 {
    match args::parse(args) {
        Command::PrintHelp => {
            print!("{}", args::help(program_name));
            0
        }
        Command::PrintVersion => {
            println!("{VERSION_BANNER}; {MACHINE}");
            0
        }
        Command::Invalid => {
            eprintln!("Invalid command line arguments. Use -h option for help.");
            1
        }
        Command::Run(options) => run(program_name, &options),
    }
}

fn run(program_name: &str, options: &Options) -> u8 {
    let mut vm = match Vm::new(options.vm_config()) {
        Ok(vm) => vm,
        Err(err) => {
            eprintln!("{program_name}: cannot start the VM: {err}");
            return 1;
        }
    };
    vm.stream_stdio();
    vm.set_compile_options(options.compile);
    if let Ok(exe) = std::env::current_exe() {
        vm.set_sys_executable(&exe.to_string_lossy());
    }
    let mut path = search_path();
    if let Program::File(file) = &options.program {
        // The script's directory replaces "" at the head of sys.path.
        match std::fs::canonicalize(file) {
            Ok(real) => {
                let dir = real.parent().map(|d| d.to_string_lossy().into_owned());
                path[0] = dir.unwrap_or_default();
            }
            Err(err) => return cannot_open(program_name, file, &err),
        }
    }
    if vm.set_sys_path(&path).is_err() || vm.set_sys_argv(&options.argv).is_err() {
        eprintln!("{program_name}: heap too small");
        return 1;
    }
    let interactive =
        options.program == Program::Stdin && (options.inspect || std::io::stdin().is_terminal());
    let status = if interactive {
        0
    } else {
        match run_program(&mut vm, options, program_name) {
            Ok(()) => 0,
            Err(Stop::Raised) => uncaught(&mut vm),
            Err(Stop::Status(status)) => return status,
        }
    };
    // As the unix port: a REPL when stdin is a terminal and no program was named, or after
    // the program with -i.
    let status = if interactive || options.inspect {
        repl::run(&mut vm, &options.compile).unwrap_or(status)
    } else {
        status
    };
    // As the unix port, the `sys.atexit` function runs last, whatever the program did.
    match vm.run_atexit() {
        Ok(()) => status,
        Err(_) => uncaught(&mut vm),
    }
}

/// Why a program stopped early.
enum Stop {
    /// An exception propagated out of it (it is the VM's pending exception).
    Raised,
    /// It could not start; the reason is printed, this is the exit status.
    Status(u8),
}

impl From<vm::interp::Raise> for Stop {
    fn from(_: vm::interp::Raise) -> Stop {
        Stop::Raised
    }
}

fn run_program(vm: &mut Vm, options: &Options, program_name: &str) -> Result<(), Stop> {
    match &options.program {
        Program::Command(source) => run_source(vm, options, source.as_bytes(), "<stdin>")?,
        Program::File(file) => match std::fs::read(file) {
            Ok(bytes) => run_source(vm, options, &bytes, file)?,
            Err(err) => return Err(Stop::Status(cannot_open(program_name, file, &err))),
        },
        Program::Module(name) => run_module(vm, name)?,
        Program::Stdin => {
            let mut source = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut source);
            run_source(vm, options, &source, "<stdin>")?
        }
    }
    Ok(())
}

/// The unix port's exit status for the exception in flight: `SystemExit`'s, else 1 after
/// printing it on stderr.
fn uncaught(vm: &mut Vm) -> u8 {
    let exc = vm.pending_exception();
    match vm.system_exit_status(exc) {
        Some(status) => status,
        None => {
            let text = vm.format_exception(exc);
            let _ = std::io::stderr().write_all(text.as_bytes());
            1
        }
    }
}

/// `sys.path`: `""`, then the entries of `MICROPYPATH` (or the default), `~/` expanded.
fn search_path() -> Vec<String> {
    let list = std::env::var("MICROPYPATH").unwrap_or_else(|_| DEFAULT_PATH.to_string());
    let home = std::env::var("HOME").ok();
    let mut path = vec![String::new()];
    // A leading empty entry is the "" already there.
    let list = list.strip_prefix(':').unwrap_or(&list);
    if list.is_empty() {
        return path;
    }
    for entry in list.split(':') {
        path.push(match (entry.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => format!("{home}/{rest}"),
            _ => entry.to_string(),
        });
    }
    path
}

/// The unix port's message for a script it cannot open, and its exit code (CPython's 2).
fn cannot_open(program_name: &str, file: &str, err: &std::io::Error) -> u8 {
    let errno = err.raw_os_error().unwrap_or(0);
    // The C library's text, without Rust's " (os error N)" suffix.
    let text = err.to_string();
    let reason = text
        .find(" (os error")
        .map_or(&text[..], |end| &text[..end]);
    eprintln!("{program_name}: can't open file '{file}': [Errno {errno}] {reason}");
    2
}

/// Compiles (or, for a `.mpy` file, reads) and runs a program as `__main__`.
fn run_source(vm: &mut Vm, options: &Options, bytes: &[u8], file: &str) -> PyResult<()> {
    let compiled = if file.ends_with(".mpy") {
        vm::mpy::read(bytes).map_err(|err| vm.value_error(&err.to_string()))?
    } else {
        let source = String::from_utf8_lossy(bytes);
        compile(vm, options, &source, file)?
    };
    if options.compile_only {
        return Ok(());
    }
    vm.run_main(&compiled, file)
}

fn compile(vm: &mut Vm, options: &Options, source: &str, file: &str) -> PyResult<CompiledModule> {
    match compile_source(source, file, &options.compile) {
        Ok(compiled) => Ok(compiled),
        Err(err) => {
            let file_q = vm.intern(file)?;
            Err(vm.raise_compile_error(&err, file_q))
        }
    }
}

/// `-m name`: imports `name` as `__main__`; a package runs its `__main__` submodule.
fn run_module(vm: &mut Vm, name: &str) -> PyResult<()> {
    // A `fromlist` of False tells `__import__` to run the module as `__main__`.
    let module = vm.import_module(name, Obj::NONE, Obj::FALSE, 0)?;
    if vm.is_package(module)? {
        vm.import_module(&format!("{name}.__main__"), Obj::NONE, Obj::FALSE, 0)?;
    }
    Ok(())
}
