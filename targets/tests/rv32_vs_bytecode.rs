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
use viper_oracle::{mir, random_case, run_on_vm, Arg, Lcg};

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

/// Random programs: expressions over every operator, immediates of every encoding class,
/// a counted loop, a branch on a random comparison, `ptr32` stores and loads with computed
/// indices.
#[test]
fn random_programs_agree_with_bytecode() {
    // The immediates' encoding classes.
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
    let mut rng = Lcg(0x5eed_0001);
    for _ in 0..40 {
        let case = random_case(&mut rng, &CONSTS);
        let (viper, args, buffer) = (&case.viper, &case.args, &case.buffer);
        let func = mir(viper);
        let code = rv32::compile(&func)
            .unwrap_or_else(|e| panic!("{e}\n{viper}"))
            .code;
        let got = run_on_qemu(&code, args, buffer);
        let listing = disasm::listing(&code, 0).expect("decodes");
        assert_eq!(got, case.expected, "on {args:?}:\n{viper}\n{listing}");
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
