//! What every device backend's test against the bytecode VM shares: a viper function's MIR
//! as the emitter makes it, and what the bytecode VM computes for the same function, called
//! with the arguments the device test passes.
// Each test file that declares this module uses a part of it.
#![allow(dead_code)]

use emit::mir::Func;
use std::cell::RefCell;
use vm::compile::{compile_source_with, CompileOptions};
use vm::interp::{Vm, VmConfig};
use vm::rawcode::{HostCode, MachineCode};

/// A target that keeps the MIR it is given and compiles nothing.
pub struct Capture(RefCell<Vec<Func>>);

impl emit::Target for Capture {
    fn compile(&self, func: &Func, _abi: &emit::ScopeAbi) -> Result<MachineCode, String> {
        self.0.borrow_mut().push(func.clone());
        Ok(MachineCode::Host(HostCode {
            entry: 0,
            arg_types: vec![],
            return_type: 0,
            frame_slots: 0,
            viper: false,
            generator: false,
        }))
    }
}

/// The MIR of the first viper function in `source`.
pub fn mir(source: &str) -> Func {
    let backend = emit::NativeCompiler(Capture(RefCell::new(Vec::new())));
    compile_source_with(source, "t.py", &CompileOptions::default(), Some(&backend))
        .unwrap_or_else(|e| panic!("compile error: {}", e.message));
    let funcs = backend.0 .0.into_inner();
    funcs.into_iter().next().expect("a viper function")
}

#[derive(Debug, Clone, Copy)]
pub enum Arg {
    Int(i32),
    Uint(u32),
    /// The buffer, seen as elements of this many bytes.
    Buf(u32),
}
/// What the bytecode side needs for viper's types: `uint` casts, and `ptr16`/`ptr32`
/// arguments as little-endian elements of a bytearray, as the device sees the same bytes.
const PRELUDE: &str = "
def uint(x):
    return x & 0xffffffff

class Elements:
    def __init__(self, b, size):
        self.b = b
        self.size = size
    def __getitem__(self, i):
        v = 0
        for k in range(self.size):
            v |= self.b[i * self.size + k] << (8 * k)
        return v
    def __setitem__(self, i, v):
        for k in range(self.size):
            self.b[i * self.size + k] = (v >> (8 * k)) & 0xff
";

/// What the bytecode VM makes of `f(args)`: the result as a 32-bit word, and the buffer.
pub fn run_on_vm(source: &str, args: &[Arg], buffer: &[u8]) -> (u32, Vec<u8>) {
    let body: String = source
        .lines()
        .filter(|l| l.trim() != "@micropython.viper")
        .map(|l| format!("{l}\n"))
        .collect();
    let args: Vec<String> = args
        .iter()
        .map(|a| match a {
            Arg::Int(v) => v.to_string(),
            Arg::Uint(v) => v.to_string(),
            Arg::Buf(1) => "buf".into(),
            Arg::Buf(n) => format!("Elements(buf, {n})"),
        })
        .collect();
    let program = format!(
        "{PRELUDE}{body}\nbuf = bytearray({buffer:?})\nr = f({})\nprint(int(r) & 0xffffffff)\nprint(' '.join([str(x) for x in buf]))\n",
        args.join(", ")
    );
    let module = compile_source_with(&program, "t.py", &CompileOptions::default(), None)
        .unwrap_or_else(|e| panic!("compile error: {}", e.message));
    let mut vm = Vm::new(VmConfig::default()).expect("vm");
    let result = vm.run_module(&module);
    let out = String::from_utf8_lossy(&vm.out).into_owned();
    assert!(result.is_ok(), "bytecode run failed: {out}\n{program}");
    let mut lines = out.lines();
    let word = lines.next().expect("result").parse().expect("a number");
    let buf = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(|b| b.parse().expect("a byte"))
        .collect();
    (word, buf)
}
