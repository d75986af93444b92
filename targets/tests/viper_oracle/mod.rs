//! What every device backend's test against the bytecode VM shares: a viper function's MIR
//! as the emitter makes it, and what the bytecode VM computes for the same function, called
//! with the arguments the device test passes; and the random viper programs every backend
//! is tested on.
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

/// A small deterministic generator, so a failing program reproduces.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A random integer expression over `vars` and `consts` (each backend's immediate classes),
/// twice: as viper writes it, and as Python must
/// to wrap every operation at 32 bits the way viper does (`w`). Every operation reads a
/// variable: the compiler folds operations on constants at compile time, with Python's
/// unbounded ints, in both runs alike, so they would test nothing and wrap differently.
pub fn expression(rng: &mut Lcg, vars: &[&str], depth: u32, consts: &[&str]) -> (String, String) {
    let (v, p, _) = expr(rng, vars, depth, consts);
    (v, p)
}

fn expr(rng: &mut Lcg, vars: &[&str], depth: u32, consts: &[&str]) -> (String, String, bool) {
    let var = |rng: &mut Lcg| {
        let v = rng.pick(vars).to_string();
        (v.clone(), v, true)
    };
    if depth == 0 || rng.below(3) == 0 {
        if rng.below(3) == 0 {
            let c = rng.pick(consts).to_string();
            return (c.clone(), c, false);
        }
        return var(rng);
    }
    let op = rng.pick(&["+", "-", "*", "&", "|", "^", "<<", ">>"]);
    let (rv, rp, rvar) = if op == "<<" || op == ">>" {
        if rng.below(2) == 0 {
            let k = rng.below(32).to_string();
            (k.clone(), k, false)
        } else {
            let (v, p, has) = expr(rng, vars, depth - 1, consts);
            (format!("({v} & 31)"), format!("({p} & 31)"), has)
        }
    } else {
        expr(rng, vars, depth - 1, consts)
    };
    let (lv, lp, _) = match expr(rng, vars, depth - 1, consts) {
        (_, _, false) if !rvar => var(rng),
        left => left,
    };
    (
        format!("({lv} {op} {rv})"),
        format!("w({lp} {op} {rp})"),
        true,
    )
}

/// One random program of the backends' random tests: expressions over every operator and
/// `consts`, a counted loop, a branch on a random comparison, `ptr32` stores and loads with
/// computed indices, and many live values.
pub struct RandomCase {
    pub viper: String,
    pub args: [Arg; 4],
    pub buffer: Vec<u8>,
    /// What the bytecode VM computes for it.
    pub expected: (u32, Vec<u8>),
}

pub fn random_case(rng: &mut Lcg, consts: &[&str]) -> RandomCase {
    let mut e = |vars: &[&str]| expression(rng, vars, 3, consts);
    let (x0, x0p) = e(&["a", "b"]);
    let (y0, y0p) = e(&["a", "b", "x"]);
    let (x1, x1p) = e(&["x", "y", "i", "a"]);
    let (c1, c1p) = e(&["x", "y", "i"]);
    let (c2, c2p) = e(&["x", "b", "i"]);
    let (y1, y1p) = e(&["x", "y", "i", "b"]);
    let cmp = rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
    let program = |x0: &str, y0: &str, x1: &str, c1: &str, c2: &str, y1: &str, y2: &str| {
        format!(
            "
@micropython.viper
def f(a: int, b: int, n: int, p: ptr32) -> int:
    x = {x0}
    y = {y0}
    for i in range(n):
        x = {x1}
        p[i & 15] = x
        if {c1} {cmp} {c2}:
            y = {y1}
        y = {y2}
    p[3] = y
    return x ^ y
"
        )
    };
    let y2 = "y ^ p[(x ^ i) & 15]";
    let viper = program(&x0, &y0, &x1, &c1, &c2, &y1, y2);
    let python = format!(
        "def w(x):\n    x &= 0xffffffff\n    return x - 0x100000000 if x & 0x80000000 else x\n{}",
        program(&x0p, &y0p, &x1p, &c1p, &c2p, &y1p, &format!("w({y2})"))
    );
    let args = [
        Arg::Int(rng.below(2000) as i32 - 1000),
        Arg::Int(rng.below(1 << 31) as i32),
        Arg::Int(rng.below(20) as i32),
        Arg::Buf(4),
    ];
    let buffer: Vec<u8> = (0..64).map(|_| rng.below(256) as u8).collect();
    let expected = run_on_vm(&python, &args, &buffer);
    RandomCase {
        viper,
        args,
        buffer,
        expected,
    }
}
