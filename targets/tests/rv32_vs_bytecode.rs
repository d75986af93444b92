//! The RV32IMC backend against its oracle, the bytecode VM: a viper function is compiled by
//! `rv32::compile` and runs under `qemu-riscv32` (user mode), and the same function,
//! decorator removed, runs as bytecode; the result (as a 32-bit word) and the buffer it was
//! given must agree.
//!
//! The harness (`qemu_rv32`): a minimal RISC-V ELF executable, one segment holding a start
//! stub, the function, its arguments and a buffer; the stub loads the arguments, calls the
//! function, and writes the result word and the buffer to stdout.
//!
//! `qemu-riscv32` must be on the PATH; without it the test fails.

mod qemu_rv32;
mod viper_oracle;

use qemu_rv32::{elf, stub, BASE};
use targets::rv32::{self, disasm};
use viper_oracle::{mir, run_on_vm, Arg};

const CODE_AT: u32 = 0x100;

/// The executable that runs `code` (an ilp32 function) on `args`, and where its data sit.
fn executable(code: &[u8], args: &[Arg], buffer: &[u8]) -> Vec<u8> {
    // Layout: header, stub at CODE_AT, the function, then the data: result word, buffer.
    let stub_len = 128;
    let func_at = CODE_AT + stub_len;
    let data_at = (func_at + code.len() as u32).next_multiple_of(16);
    let buf = BASE + data_at + 4;
    let values: Vec<u32> = args
        .iter()
        .map(|a| match *a {
            Arg::Int(v) => v as u32,
            Arg::Uint(v) => v,
            Arg::Buf(_) => buf,
        })
        .collect();
    let s = stub(
        BASE + CODE_AT,
        &values,
        BASE + func_at,
        data_at,
        buffer.len() as u32,
    );
    assert!(s.len() as u32 <= stub_len, "stub fits its room");
    let mut image = vec![0u8; (data_at + 4) as usize + buffer.len()];
    image[CODE_AT as usize..][..s.len()].copy_from_slice(&s);
    image[func_at as usize..][..code.len()].copy_from_slice(code);
    image[(data_at + 4) as usize..].copy_from_slice(buffer);
    elf(&image, CODE_AT)
}

/// Runs `code` on `args` under qemu: the result word and the buffer.
fn run_on_qemu(code: &[u8], args: &[Arg], buffer: &[u8]) -> (u32, Vec<u8>) {
    let out = qemu_rv32::run(&executable(code, args, buffer), &[]);
    assert!(
        out.status.success() && out.stdout.len() == 4 + buffer.len(),
        "qemu-riscv32 failed: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let word = u32::from_le_bytes(out.stdout[..4].try_into().expect("4 bytes"));
    (word, out.stdout[4..].to_vec())
}

/// Compiles the viper function `f` of `source`, runs it on qemu and the bytecode on the VM,
/// and compares; returns the listing.
fn check(source: &str, args: &[Arg], buffer: &[u8]) -> String {
    let func = mir(source);
    let expected = run_on_vm(source, args, buffer);
    let code = rv32::compile(&func)
        .unwrap_or_else(|e| panic!("{e}\n{func}"))
        .code;
    let listing = disasm::listing(&code, 0).expect("capstone decodes the code");
    let got = run_on_qemu(&code, args, buffer);
    assert_eq!(
        got, expected,
        "differs from bytecode on\n{source}\n{listing}"
    );
    listing
}

#[test]
fn sum_of_ptr8_bytes() {
    let buffer: Vec<u8> = (0..=255u8).rev().chain(0..40).collect();
    let listing = check(
        "
@micropython.viper
def f(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += p[i]
    return s
",
        &[Arg::Buf(1), Arg::Int(buffer.len() as i32)],
        &buffer,
    );
    eprintln!("{listing}");
}

#[test]
fn integer_loop_with_arithmetic_and_shifts() {
    for n in [0, 1, 7, 100] {
        check(
            "
@micropython.viper
def f(n: int) -> int:
    a = 1
    b = 0
    i = 0
    while i < n:
        a = ((a * 31 + b) ^ (a >> 3)) & 0xffffff
        b = (b + (a & 0xff) - 7) | (i << 2)
        if b > 100000:
            b = b - 99999
        i += 1
    return a - b * 3
",
            &[Arg::Int(n)],
            &[],
        );
    }
}

#[test]
fn ptr16_and_ptr32_loads_and_stores() {
    check(
        "
@micropython.viper
def f(p: ptr32, n: int) -> int:
    for i in range(n):
        p[i] = i * 100003 - 50000
    p[2] = 0x12345678
    p[n - 1] = p[1] + p[2]
    return p[n - 1] ^ p[0]
",
        &[Arg::Buf(4), Arg::Int(12)],
        &[0; 48],
    );
    check(
        "
@micropython.viper
def f(q: ptr16, n: int) -> int:
    s = 0
    for i in range(n):
        q[i] = i * 7000 + 3
        s += q[i] >> 1
    q[3] = 0xffff
    return s + q[3] + q[n - 2]
",
        &[Arg::Buf(2), Arg::Int(20)],
        &[0xaa; 40],
    );
}

#[test]
fn comparisons_signed_and_unsigned() {
    for (a, b) in [(0, 0), (5, -3), (-100, 7), (1000, 1000), (-1, 1)] {
        check(
            "
@micropython.viper
def f(a: int, b: int, c: uint) -> int:
    r = 0
    if a < b:
        r |= 1
    if a <= b:
        r |= 2
    if a > b:
        r |= 4
    if a >= -3:
        r |= 8
    if a == b:
        r |= 16
    if a != 5:
        r |= 32
    if c > uint(100):
        r |= 64
    if c < uint(4000000000):
        r |= 128
    t = a < b
    u = a == 1000
    return r + int(t) * 256 + int(u) * 512
",
            &[
                Arg::Int(a),
                Arg::Int(b),
                Arg::Uint(a.wrapping_mul(b) as u32),
            ],
            &[],
        );
    }
}

/// Indexes `x ± c`, with `x` changing in between.
#[test]
fn constant_index_offsets_fold_into_accesses() {
    let listing = check(
        "
@micropython.viper
def f(p: ptr32, n: int) -> int:
    s = 0
    for j in range(1, n - 2):
        x = p[j]
        y = p[j + 1]
        if x > y:
            p[j] = y
            p[j + 1] = x
        s += p[j - 1] * 3 + p[j + 2]
        j = j + 1
        s += p[j - 1] - p[j + 1]
    return s
",
        &[Arg::Buf(4), Arg::Int(10)],
        &[
            9, 0, 0, 0, 3, 0, 0, 0, 250, 1, 0, 0, 7, 0, 0, 0, 1, 2, 3, 4, 8, 0, 0, 0, 2, 0, 0, 0,
            5, 0, 0, 0, 6, 0, 0, 0, 1, 0, 0, 0,
        ],
    );
    eprintln!("{listing}");
}

/// Branches on masked bits, multiplies by powers of two.
#[test]
fn bit_tests_and_power_of_two_multiplies() {
    for (a, b) in [(0, 0), (1, 2), (-1, 0x100), (0x12345, 7), (-0x40000000, 3)] {
        check(
            "
@micropython.viper
def f(a: int, b: int) -> int:
    r = 0
    if a & 1:
        r |= 1
    if a & 0x100 == 0:
        r |= 2
    if (a & 0x12345) != 0:
        r |= 4
    if a & -0x40000000:
        r |= 8
    if b & 4 == 0:
        r |= 16
    while b & 3:
        b += 1
        r += 32
    return r + 4 * b + a * 8 + 2 * (a & 255)
",
            &[Arg::Int(a), Arg::Int(b)],
            &[],
        );
    }
}

#[test]
fn large_constants_and_many_live_values() {
    for x in [0, 1, -7, 123456, 0x7fff] {
        let listing = check(
            "
@micropython.viper
def f(x: int) -> int:
    a = x + 0x12345
    b = x * 3 + 1000
    c = x - 5
    d = (x << 2) & 0x7ff0f
    e = x ^ 0x55
    g = x | 0x100
    h = x & 0xf0f
    k = x >> 1
    m = 0
    for i in range(5):
        m = m + a + b + c + d + e + g + h + k + i
        a = a ^ 0xff00ff
        b = b - 3
    return m + (a ^ b ^ c ^ d ^ e ^ g ^ h ^ k)
",
            &[Arg::Int(x)],
            &[],
        );
        if x == 0 {
            eprintln!("{listing}");
        }
    }
}

#[test]
fn branches_across_long_code() {
    // A loop whose body is over 4 KiB of code: past every conditional branch's reach.
    let body: String = (0..600)
        .map(|k| {
            format!(
                "            a = (a * {} + i + b) & 0xff\n            b = b ^ (a >> {})\n",
                k % 7 + 2,
                k % 5
            )
        })
        .collect();
    let source = format!(
        "
@micropython.viper
def f(n: int) -> int:
    a = 1
    b = 2
    for i in range(n):
        if a > b:
{body}        else:
            b += 1
    return a + b * 256
"
    );
    for n in [0, 1, 5] {
        let listing = check(&source, &[Arg::Int(n)], &[]);
        assert!(
            listing.lines().any(|l| l.contains(" j ")) && listing.len() > 4096,
            "far branches jump"
        );
    }
}

/// A small deterministic generator, so a failing program reproduces.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A random integer expression over `vars`, twice: as viper writes it, and as Python must
/// to wrap every operation at 32 bits the way viper does (`w`). Every operation reads a
/// variable: the compiler folds operations on constants at compile time, with Python's
/// unbounded ints, in both runs alike, so they would test nothing and wrap differently.
fn expression(rng: &mut Lcg, vars: &[&str], depth: u32) -> (String, String) {
    let (v, p, _) = expr(rng, vars, depth);
    (v, p)
}

fn expr(rng: &mut Lcg, vars: &[&str], depth: u32) -> (String, String, bool) {
    const CONSTS: [&str; 16] = [
        "0",
        "1",
        "3",
        "7",
        "8",
        "31",
        "255",
        "256",
        "1000",
        "4095",
        "4096",
        "65535",
        "-1",
        "-256",
        "0x12345",
        "0x3fc00000",
    ];
    let var = |rng: &mut Lcg| {
        let v = rng.pick(vars).to_string();
        (v.clone(), v, true)
    };
    if depth == 0 || rng.below(3) == 0 {
        if rng.below(3) == 0 {
            let c = rng.pick(&CONSTS).to_string();
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
            let (v, p, has) = expr(rng, vars, depth - 1);
            (format!("({v} & 31)"), format!("({p} & 31)"), has)
        }
    } else {
        expr(rng, vars, depth - 1)
    };
    let (lv, lp, _) = match expr(rng, vars, depth - 1) {
        (_, _, false) if !rvar => var(rng),
        left => left,
    };
    (
        format!("({lv} {op} {rv})"),
        format!("w({lp} {op} {rp})"),
        true,
    )
}

/// Random programs: expressions over every operator, immediates of every encoding class,
/// a counted loop, a branch on a random comparison, `ptr32` stores and loads with computed
/// indices.
#[test]
fn random_programs_agree_with_bytecode() {
    let mut rng = Lcg(0x5eed_0001);
    for _ in 0..40 {
        let mut e = |vars: &[&str]| expression(&mut rng, vars, 3);
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
        let func = mir(&viper);
        let args = [
            Arg::Int(rng.below(2000) as i32 - 1000),
            Arg::Int(rng.below(1 << 31) as i32),
            Arg::Int(rng.below(20) as i32),
            Arg::Buf(4),
        ];
        let buffer: Vec<u8> = (0..64).map(|_| rng.below(256) as u8).collect();
        let expected = run_on_vm(&python, &args, &buffer);
        let code = rv32::compile(&func)
            .unwrap_or_else(|e| panic!("{e}\n{viper}"))
            .code;
        let got = run_on_qemu(&code, &args, &buffer);
        let listing = disasm::listing(&code, 0).expect("decodes");
        assert_eq!(got, expected, "on {args:?}:\n{viper}\n{listing}");
    }
}

#[test]
fn what_needs_the_native_abi_is_a_clear_error() {
    for source in [
        "
@micropython.viper
def f(x: int) -> int:
    print(x)
    return x
",
        "
@micropython.viper
def f(x: int, y: int) -> int:
    return x // y
",
    ] {
        let func = mir(source);
        let err = rv32::compile(&func).expect_err("not yet compiled");
        assert!(
            err.contains("helper calls") && err.contains("not supported yet"),
            "unclear error {err:?} for\n{source}"
        );
    }
}

/// More live values than allocatable registers: some live in stack slots, loaded into
/// scratch registers around each use.
#[test]
fn values_beyond_the_registers_spill_to_the_stack() {
    let vars: Vec<String> = (0..34).map(|k| format!("v{k}")).collect();
    let init: String = vars
        .iter()
        .enumerate()
        .map(|(k, v)| format!("    {v} = x * {} + {k}\n", k + 1))
        .collect();
    let update: String = vars
        .iter()
        .enumerate()
        .map(|(k, v)| format!("        {v} = ({v} ^ {}) + i\n", vars[(k + 1) % vars.len()]))
        .collect();
    let sum = vars.join(" + ");
    let source = format!(
        "
@micropython.viper
def f(x: int, n: int) -> int:
{init}    for i in range(n):
{update}    return {sum}
"
    );
    for (x, n) in [(0, 0), (3, 1), (-7, 5), (123456, 9)] {
        let listing = check(&source, &[Arg::Int(x), Arg::Int(n)], &[]);
        assert!(listing.contains("(sp)"), "spills: {listing}");
    }
}
