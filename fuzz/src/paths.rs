//! The execution paths the differential fuzzer compares. Each is a [`Path`]: a name and a way
//! to run a [`Case`] to the text it printed, so a new architecture adds a path, not a fuzzer.
//!
//! Every path reports the same shape of output: what the program printed, then
//! `EXC <TypeName>` if an exception escaped (messages differ between implementations, so only
//! the type is compared). The external runtimes stay alive across cases (one `python3`, one
//! `node` with one MicroPython instance), fed length-prefixed programs on stdin.

use std::io::{BufRead, BufReader, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use vm::compile::native::NativeBackend;
use vm::compile::{compile_source_with, CompileOptions, EmitKind};
use vm::interp::{Vm, VmConfig};
use vm::mpy;
use vm::rawcode::CompiledModule;

/// One program to compare: plain Python every path runs, and for viper programs the
/// `@micropython.viper` rendering of the same function (`source` is then its oracle).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Case {
    pub source: String,
    pub viper: Option<String>,
}

impl Case {
    pub fn plain(source: String) -> Case {
        Case {
            source,
            viper: None,
        }
    }

    /// The case as one file: the source, then for viper cases a marker line and the viper text.
    pub fn to_file(&self) -> String {
        match &self.viper {
            None => self.source.clone(),
            Some(viper) => format!("{}{VIPER_MARKER}{viper}", self.source),
        }
    }

    pub fn from_file(text: &str) -> Case {
        match text.split_once(VIPER_MARKER) {
            None => Case::plain(text.to_string()),
            Some((source, viper)) => Case {
                source: source.to_string(),
                viper: Some(viper.to_string()),
            },
        }
    }
}

const VIPER_MARKER: &str = "#### viper rendering of the function above\n";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// What the program printed (and `EXC <type>` if one escaped).
    Output(String),
    /// The path cannot run this program yet (e.g. a native construct not implemented).
    Skipped(String),
}

pub trait Path {
    fn name(&self) -> &'static str;
    /// Whether the path has anything to run for `case` (the viper path only for viper cases).
    fn applies(&self, case: &Case) -> bool {
        let _ = case;
        true
    }
    fn run(&mut self, case: &Case) -> Outcome;
}

/// Every path name, in comparison order (the first that runs is the reference).
pub const ALL: [&str; 7] = [
    "cpython",
    "krait",
    "krait-mpy",
    "micropython",
    "micropython-mpy",
    "native",
    "viper",
];

/// Builds the named path; `Err` says why it cannot start (e.g. no node).
pub fn open(name: &str) -> Result<Box<dyn Path>, String> {
    Ok(match name {
        "cpython" => Box::new(CPython(Pipe::spawn(
            Command::new("python3").args(["-c", CPYTHON_RUNNER]),
        )?)),
        "krait" => Box::new(Krait),
        "krait-mpy" => Box::new(KraitMpy),
        "micropython" => Box::new(MicroPython {
            pipe: Pipe::spawn(&mut node_runner())?,
            mpy: false,
        }),
        "micropython-mpy" => Box::new(MicroPython {
            pipe: Pipe::spawn(&mut node_runner())?,
            mpy: true,
        }),
        "native" => Box::new(Native(targets::host_backend()?)),
        "viper" => Box::new(Viper(targets::host_backend()?)),
        _ => return Err(format!("unknown path {name}")),
    })
}

/// The VM configuration for krait's paths: a step limit, though the VM's step-limit
/// `RuntimeError` is catchable, so a program's `try` blocks can keep a run past the limit
/// going for a long time (reported in fuzz/README.md).
fn vm_config() -> VmConfig {
    VmConfig {
        max_steps: 2_000_000,
        ..VmConfig::default()
    }
}

fn compile(
    source: &str,
    emit: EmitKind,
    backend: Option<&dyn NativeBackend>,
) -> Result<CompiledModule, (String, String)> {
    let opts = CompileOptions {
        emit,
        ..CompileOptions::default()
    };
    compile_source_with(source, "prog.py", &opts, backend)
        .map_err(|e| (e.kind.name().to_string(), e.message.to_string()))
}

/// Runs `module` in a fresh VM; a Rust panic is reported as output, so it shows as divergence.
fn run_module(module: &CompiledModule) -> String {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let Ok(mut machine) = Vm::new(vm_config()) else {
            return "VM failed to start\n".to_string();
        };
        let result = machine.run_module(module);
        let mut out = String::from_utf8_lossy(&machine.out).into_owned();
        if result.is_err() {
            let exc = machine.pending_exception();
            let text = machine.format_exception(exc);
            let last = text.lines().last().unwrap_or_default();
            out.push_str(&format!("EXC {}\n", last.split(':').next().unwrap_or(last)));
        }
        out
    }));
    result.unwrap_or_else(|_| "PANIC in krait\n".to_string())
}

/// A compile error reads like CPython's uncaught `SyntaxError`.
fn compile_error(kind: &str) -> Outcome {
    Outcome::Output(format!("EXC {kind}\n"))
}

/// Compile-time `NotImplementedError` from a native emitter means "not supported yet".
fn native_outcome(compiled: Result<CompiledModule, (String, String)>) -> Outcome {
    match compiled {
        Ok(module) => Outcome::Output(run_module(&module)),
        Err((kind, message)) if kind == "NotImplementedError" => Outcome::Skipped(message),
        Err((kind, _)) => compile_error(&kind),
    }
}

struct Krait;

impl Path for Krait {
    fn name(&self) -> &'static str {
        "krait"
    }
    fn run(&mut self, case: &Case) -> Outcome {
        match compile(&case.source, EmitKind::Bytecode, None) {
            Ok(module) => Outcome::Output(run_module(&module)),
            Err((kind, _)) => compile_error(&kind),
        }
    }
}

/// Compile, write `.mpy`, read it back, run what was read.
struct KraitMpy;

impl Path for KraitMpy {
    fn name(&self) -> &'static str {
        "krait-mpy"
    }
    fn run(&mut self, case: &Case) -> Outcome {
        match compile(&case.source, EmitKind::Bytecode, None) {
            Ok(module) => match mpy::read(&mpy::write(&module)) {
                Ok(read) => Outcome::Output(run_module(&read)),
                Err(e) => Outcome::Output(format!("mpy read failed: {e:?}\n")),
            },
            Err((kind, _)) => compile_error(&kind),
        }
    }
}

/// The whole program compiled with `-X emit=native` for the host.
struct Native(emit::NativeCompiler<targets::host::HostTarget>);

impl Path for Native {
    fn name(&self) -> &'static str {
        "native"
    }
    fn run(&mut self, case: &Case) -> Outcome {
        native_outcome(compile(&case.source, EmitKind::Native, Some(&self.0)))
    }
}

/// The viper rendering of a viper case, on the host backend.
struct Viper(emit::NativeCompiler<targets::host::HostTarget>);

impl Path for Viper {
    fn name(&self) -> &'static str {
        "viper"
    }
    fn applies(&self, case: &Case) -> bool {
        case.viper.is_some()
    }
    fn run(&mut self, case: &Case) -> Outcome {
        let source = case.viper.as_deref().unwrap_or_default();
        native_outcome(compile(source, EmitKind::Bytecode, Some(&self.0)))
    }
}

/// A long-lived child process speaking `<kind> <length>\n<bytes>` in and `<length>\n<bytes>`
/// out.
struct Pipe {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Pipe {
    fn spawn(command: &mut Command) -> Result<Pipe, String> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {command:?}: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(Pipe {
            child,
            stdin,
            stdout,
        })
    }

    fn call(&mut self, kind: &str, payload: &[u8]) -> Result<String, String> {
        let io = |e: std::io::Error| format!("runner died: {e}");
        writeln!(self.stdin, "{kind} {}", payload.len()).map_err(io)?;
        self.stdin.write_all(payload).map_err(io)?;
        self.stdin.flush().map_err(io)?;
        let mut header = String::new();
        self.stdout.read_line(&mut header).map_err(io)?;
        let len: usize = header
            .trim()
            .parse()
            .map_err(|_| format!("runner died (said {header:?})"))?;
        let mut body = vec![0; len];
        self.stdout.read_exact(&mut body).map_err(io)?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A runner that died shows as output, so the divergence (and its program) is reported.
fn outcome(result: Result<String, String>) -> Outcome {
    Outcome::Output(result.unwrap_or_else(|e| format!("{e}\n")))
}

/// CPython 3: each program `exec`s in a fresh dict with stdout captured. A memory cap and a
/// per-program alarm turn a runaway program into an exception (and so a divergence to look
/// at) instead of a stuck machine.
const CPYTHON_RUNNER: &str = r#"
import io, resource, signal, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
def timeout(*_):
    raise TimeoutError
signal.signal(signal.SIGALRM, timeout)
inp, out = sys.stdin.buffer, sys.stdout.buffer
while True:
    header = inp.readline()
    if not header:
        break
    src = inp.read(int(header.split()[1])).decode()
    sys.stdout = buf = io.StringIO()
    signal.alarm(10)
    try:
        exec(compile(src, 'prog.py', 'exec'), {'__name__': '__main__'})
    except BaseException as e:
        print('EXC', type(e).__name__)
    signal.alarm(0)
    sys.stdout = sys.__stdout__
    data = buf.getvalue().encode()
    out.write(b'%d\n' % len(data) + data)
    out.flush()
"#;

struct CPython(Pipe);

impl Path for CPython {
    fn name(&self) -> &'static str {
        "cpython"
    }
    fn run(&mut self, case: &Case) -> Outcome {
        outcome(self.0.call("py", case.source.as_bytes()))
    }
}

/// The MicroPython WebAssembly runtime's entry module (`MICROPYTHON_WASM` overrides).
pub fn micropython_wasm() -> std::path::PathBuf {
    std::env::var_os("MICROPYTHON_WASM")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
                "../.oracles/node/node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs",
            )
        })
}

fn node_runner() -> Command {
    let mut command = Command::new("node");
    // The module's path goes in the environment, not in argv: micropython.mjs starts its own
    // command line (a REPL on stdin) when `process.argv[1]` names it.
    command
        .args(["--input-type=module", "-e", NODE_RUNNER])
        .env("KRAIT_MICROPYTHON_MJS", micropython_wasm());
    command
}

/// One MicroPython instance; a `py` program is `exec`ed in a fresh dict, an `mpy` one is
/// imported as module `m` from the in-memory filesystem (dropped from `sys.modules` first).
const NODE_RUNNER: &str = r#"
import { pathToFileURL } from "node:url";
const { loadMicroPython } = await import(pathToFileURL(process.env.KRAIT_MICROPYTHON_MJS).href);
let chunks = [];
const collect = (bytes) => chunks.push(Buffer.from(bytes));
const mp = await loadMicroPython({ stdout: collect, stderr: collect, linebuffer: false, heapsize: 16 << 20 });
mp.runPython(`
import sys
def _run(kind):
    try:
        if kind == 'py':
            with open('/p.py') as f:
                src = f.read()
            exec(src, {'__name__': '__main__'})
        else:
            sys.modules.pop('m', None)
            __import__('m')
    except BaseException as e:
        print('EXC', type(e).__name__)
`);
let pending = Buffer.alloc(0);
for await (const data of process.stdin) {
    pending = Buffer.concat([pending, data]);
    for (;;) {
        const nl = pending.indexOf(10);
        if (nl < 0) break;
        const [kind, len] = pending.subarray(0, nl).toString().split(" ");
        const end = nl + 1 + Number(len);
        if (pending.length < end) break;
        const payload = pending.subarray(nl + 1, end);
        pending = pending.subarray(end);
        mp.FS.writeFile(kind === "py" ? "/p.py" : "/m.mpy", payload);
        chunks = [];
        try {
            mp.runPython(`_run('${kind}')`);
        } catch (e) {
            collect(Buffer.from(`RUNNER ${e}\n`));
        }
        const out = Buffer.concat(chunks);
        process.stdout.write(`${out.length}\n`);
        process.stdout.write(out);
    }
}
"#;

/// The real MicroPython runtime, running the source (`micropython`) or krait's `.mpy` of it
/// (`micropython-mpy`).
struct MicroPython {
    pipe: Pipe,
    mpy: bool,
}

impl Path for MicroPython {
    fn name(&self) -> &'static str {
        if self.mpy {
            "micropython-mpy"
        } else {
            "micropython"
        }
    }
    fn run(&mut self, case: &Case) -> Outcome {
        if !self.mpy {
            return outcome(self.pipe.call("py", case.source.as_bytes()));
        }
        match compile(&case.source, EmitKind::Bytecode, None) {
            Ok(module) => outcome(self.pipe.call("mpy", &mpy::write(&module))),
            Err((kind, _)) => compile_error(&kind),
        }
    }
}
