//! The Thumb backend against its oracle, the bytecode VM: a viper function is compiled to
//! ARMv7-M and to ARMv6-M code, which runs under `qemu-arm` (user mode, a Thumb-2 CPU that
//! also runs ARMv6-M code; the encoder test checks the ARMv6-M code uses only its subset),
//! and the same function, decorator removed, runs as bytecode; the result (as a 32-bit word)
//! and the buffer it was given must agree.
//!
//! The harness: a minimal ARM ELF executable, one segment holding a start stub, the function,
//! its arguments and a buffer. The stub (encoded by `thumb2::encode`, plus the two `svc`
//! halfwords the backend never needs) loads the arguments, calls the function, and writes
//! the result word and the buffer to stdout.
//!
//! `qemu-arm` must be on the PATH (`.ci/oracles` installs it); without it the test fails.

mod qemu;
mod viper_oracle;

use qemu::{elf, load_addr, thumb, BASE};
use targets::thumb2::encode::{Addr, Inst, MemOp, Operand, Reg};
use targets::thumb2::{self, disasm, Arch};
use viper_oracle::{mir, random_case, run_on_vm, Arg, Lcg};

const CODE_AT: u32 = 0x100;

/// Runs `code` (an AAPCS function) on `args` under qemu: the result word and the buffer.
fn run_on_qemu(code: &[u8], args: &[Arg], buffer: &[u8]) -> (u32, Vec<u8>) {
    // Layout: header, stub at CODE_AT, the function, then the data: result word, buffer.
    let stub_len = 64;
    let func_at = CODE_AT + stub_len;
    let data_at = (func_at + code.len() as u32).next_multiple_of(16);
    let (result, buf) = (BASE + data_at, BASE + data_at + 4);
    let mut stub = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let value = match *arg {
            Arg::Int(v) => v as u32,
            Arg::Uint(v) => v,
            Arg::Buf(_) => buf,
        };
        stub.extend(load_addr(Reg(i as u8), value));
    }
    let mut stub = thumb(&stub);
    let call_at = CODE_AT + stub.len() as u32;
    stub.extend(thumb(&[Inst::Bl {
        offset: func_at as i32 - (call_at as i32 + 4),
    }]));
    let mut tail = load_addr(Reg(4), result).to_vec();
    tail.extend([
        Inst::Mem {
            op: MemOp::Str,
            rt: Reg::R0,
            addr: Addr::Imm {
                rn: Reg(4),
                offset: 0,
            },
        },
        Inst::Mov {
            not: false,
            s: true,
            rd: Reg::R0,
            src: Operand::Imm(1),
        },
        Inst::Mov {
            not: false,
            s: false,
            rd: Reg::R1,
            src: Operand::Reg(Reg(4)),
        },
        Inst::Mov {
            not: false,
            s: true,
            rd: Reg::R2,
            src: Operand::Imm(4 + buffer.len() as u32),
        },
        Inst::Mov {
            not: false,
            s: true,
            rd: Reg(7),
            src: Operand::Imm(4), // write
        },
    ]);
    stub.extend(thumb(&tail));
    stub.extend(0xDF00u16.to_le_bytes()); // svc 0
    stub.extend(thumb(&[
        Inst::Mov {
            not: false,
            s: true,
            rd: Reg::R0,
            src: Operand::Imm(0),
        },
        Inst::Mov {
            not: false,
            s: true,
            rd: Reg(7),
            src: Operand::Imm(1), // exit
        },
    ]));
    stub.extend(0xDF00u16.to_le_bytes());
    assert!(stub.len() as u32 <= stub_len, "stub fits its room");
    let mut image = vec![0u8; (data_at + 4) as usize + buffer.len()];
    image[CODE_AT as usize..][..stub.len()].copy_from_slice(&stub);
    image[func_at as usize..][..code.len()].copy_from_slice(code);
    image[(data_at + 4) as usize..].copy_from_slice(buffer);
    let out = qemu::run(&elf(&image, CODE_AT), &[]);
    assert!(
        out.status.success() && out.stdout.len() == 4 + buffer.len(),
        "qemu-arm failed: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let word = u32::from_le_bytes(out.stdout[..4].try_into().expect("4 bytes"));
    (word, out.stdout[4..].to_vec())
}

/// Compiles the viper function `f` of `source` for both architectures, runs each on qemu and
/// the bytecode on the VM, and compares; returns the ARMv6-M and ARMv7-M listings.
fn check(source: &str, args: &[Arg], buffer: &[u8]) -> [String; 2] {
    let func = mir(source);
    let expected = run_on_vm(source, args, buffer);
    [Arch::V6M, Arch::V7M].map(|arch| {
        let code = thumb2::compile(&func, arch)
            .unwrap_or_else(|e| panic!("{arch:?}: {e}\n{func}"))
            .code;
        let listing = disasm::listing(&code, arch, 0).expect("capstone decodes the code");
        let got = run_on_qemu(&code, args, buffer);
        assert_eq!(
            got, expected,
            "{arch:?} differs from bytecode on\n{source}\n{listing}"
        );
        listing
    })
}

#[test]
fn sum_of_ptr8_bytes() {
    let buffer: Vec<u8> = (0..=255u8).rev().chain(0..40).collect();
    let [v6, v7] = check(
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
    eprintln!("ARMv7-M:\n{v7}\nARMv6-M:\n{v6}");
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

/// Indexes `x ± c` put the constant into the access's offset and share `base + x` (scaled
/// on ARMv6-M) between accesses; the sums stay right when `x` changes in between.
#[test]
fn constant_index_offsets_fold_into_accesses() {
    let [v6, v7] = check(
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
    assert!(v6.contains("#4]"), "ARMv6-M folds p[j + 1]:\n{v6}");
    assert!(
        v7.contains("lsl #2]"),
        "ARMv7-M scales p[j + 1]'s index:\n{v7}"
    );
}

/// Branches on masked bits become `tst` (or on ARMv6-M a shift, or the mask in a register);
/// multiplies by powers of two are shifts, on ARMv7-M folded into the add that uses them.
#[test]
fn bit_tests_and_power_of_two_multiplies() {
    for (a, b) in [(0, 0), (1, 2), (-1, 0x100), (0x12345, 7), (-0x40000000, 3)] {
        let [_, v7] = check(
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
        // `r + 4 * b` and the like: the shift rides on the add.
        assert!(v7.contains(", lsl #2"), "{v7}");
    }
}

#[test]
fn large_constants_and_many_live_values() {
    for x in [0, 1, -7, 123456, 0x7fff] {
        let [v6, v7] = check(
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
            eprintln!("ARMv7-M:\n{v7}\nARMv6-M:\n{v6}");
        }
    }
}

#[test]
fn branches_across_long_code() {
    // A loop whose body is over 2 KiB of code: past every 16-bit branch's reach.
    let body: String = (0..300)
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
        let [v6, v7] = check(&source, &[Arg::Int(n)], &[]);
        assert!(v6.contains(" bl "), "ARMv6-M reaches far with bl");
        assert!(
            v7.contains(".w "),
            "ARMv7-M reaches far with 32-bit branches"
        );
    }
}

/// Random programs: expressions over every operator, immediates of every encoding class,
/// a counted loop, a branch on a random comparison, `ptr32` stores and loads with computed
/// indices, and enough live values to spill on ARMv6-M.
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
        for arch in [Arch::V6M, Arch::V7M] {
            let code = thumb2::compile(&func, arch)
                .unwrap_or_else(|e| panic!("{arch:?}: {e}\n{viper}"))
                .code;
            let got = run_on_qemu(&code, args, buffer);
            let listing = disasm::listing(&code, arch, 0).expect("decodes");
            assert_eq!(
                got, case.expected,
                "{arch:?} on {args:?}:\n{viper}\n{listing}"
            );
        }
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
        for arch in [Arch::V6M, Arch::V7M] {
            let err = thumb2::compile(&func, arch).expect_err("not yet compiled");
            assert!(
                err.contains("not yet on thumb2"),
                "{arch:?}: unclear error {err:?} for\n{source}"
            );
        }
    }
}
