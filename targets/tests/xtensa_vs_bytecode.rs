//! The Xtensa lowering against its oracle, the bytecode VM: a viper function is compiled
//! for the call0 ABI (run under `qemu-xtensa -cpu lx106`) and the windowed one (`-cpu
//! dc233c`), and the same function, decorator removed, runs as bytecode; the result (as a
//! 32-bit word) and the buffer it was given must agree.
//!
//! The harness: a static Xtensa ELF (`xtensa_qemu`) holding a start stub (laid out by
//! `xtensa::layout`), the function, and the result word and buffer. The stub loads the
//! arguments, calls the function (`callx0`, or `callx8` with the arguments in `a10`..: a
//! leaf called from the entry point spills no window), and writes the result word and the
//! buffer to stdout.

mod viper_oracle;
mod xtensa_qemu;

use targets::xtensa::encode::{Inst, MemOp, Reg};
use targets::xtensa::layout::{assemble, Item};
use targets::xtensa::{self, disasm, Abi};
use viper_oracle::{mir, random_case, run_on_vm, Arg, Lcg};
use xtensa_qemu::{count_instructions, elf, run, CODE_BASE, SYS_EXIT, SYS_WRITE};

/// Room for the stub before the function.
const STUB_ROOM: u32 = 0x100;

/// The executable that calls `code` (a function compiled for `abi`) on `args` and writes
/// the result word and the buffer, and the core it runs on.
fn executable(
    code: &xtensa::layout::Assembled,
    abi: Abi,
    args: &[Arg],
    buffer: &[u8],
) -> (Vec<u8>, &'static str) {
    let func_at = CODE_BASE + STUB_ROOM;
    let data_at = (func_at + code.bytes.len() as u32).next_multiple_of(16);
    let (result, buf) = (data_at, data_at + 4);
    // call8 passes the callee's a2.. in the caller's a10..
    let (first_arg, call, result_reg) = match abi {
        Abi::Call0 => (2, Inst::Callx0 { s: Reg(8) }, Reg(2)),
        Abi::Windowed => (10, Inst::Callx8 { s: Reg(8) }, Reg(10)),
    };
    let mut stub: Vec<Item> = args
        .iter()
        .enumerate()
        .map(|(i, arg)| Item::Const {
            t: Reg(first_arg + i as u8),
            value: match *arg {
                Arg::Int(v) => v,
                Arg::Uint(v) => v as i32,
                Arg::Buf(_) => buf as i32,
            },
        })
        .collect();
    let write = [
        Item::Const {
            t: Reg(8),
            value: (func_at + code.entry) as i32,
        },
        Item::Inst(call),
        Item::Const {
            t: Reg(3),
            value: result as i32,
        },
        Item::Inst(Inst::Mem {
            op: MemOp::S32i,
            t: result_reg,
            s: Reg(3),
            offset: 0,
        }),
        Item::Const {
            t: Reg(2),
            value: SYS_WRITE,
        },
        Item::Const {
            t: Reg(6),
            value: 1,
        },
        Item::Const {
            t: Reg(4),
            value: 4 + buffer.len() as i32,
        },
        Item::Inst(Inst::Syscall),
        Item::Const {
            t: Reg(6),
            value: 0,
        },
        Item::Const {
            t: Reg(2),
            value: SYS_EXIT,
        },
        Item::Inst(Inst::Syscall),
    ];
    stub.extend(write);
    let stub = assemble(&stub, CODE_BASE).expect("the stub lays out");
    assert!(stub.bytes.len() as u32 <= STUB_ROOM, "stub fits its room");
    let mut image = vec![0u8; (buf - CODE_BASE) as usize + buffer.len()];
    image[..stub.bytes.len()].copy_from_slice(&stub.bytes);
    image[STUB_ROOM as usize..][..code.bytes.len()].copy_from_slice(&code.bytes);
    image[(buf - CODE_BASE) as usize..].copy_from_slice(buffer);
    let cpu = match abi {
        Abi::Call0 => "lx106",
        Abi::Windowed => "dc233c",
    };
    (elf(&image, stub.entry), cpu)
}

/// Runs `code` (a function compiled for `abi`) on `args` under qemu: the result word and the
/// buffer.
fn run_on_qemu(
    code: &xtensa::layout::Assembled,
    abi: Abi,
    args: &[Arg],
    buffer: &[u8],
) -> (u32, Vec<u8>) {
    let (exe, cpu) = executable(code, abi, args, buffer);
    let out = run(&exe, cpu);
    assert!(
        out.status.success() && out.stdout.len() == 4 + buffer.len(),
        "qemu-xtensa failed: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let word = u32::from_le_bytes(out.stdout[..4].try_into().expect("4 bytes"));
    (word, out.stdout[4..].to_vec())
}

/// Compiles the viper function `f` of `source` for both ABIs, runs each on qemu and the
/// bytecode on the VM, and compares; returns the call0 and windowed listings.
fn check(source: &str, args: &[Arg], buffer: &[u8]) -> [String; 2] {
    let func = mir(source);
    let expected = run_on_vm(source, args, buffer);
    [Abi::Call0, Abi::Windowed].map(|abi| {
        let code = xtensa::compile(&func, abi).unwrap_or_else(|e| panic!("{abi:?}: {e}\n{func}"));
        let listing = disasm::listing(&code.bytes[code.entry as usize..], code.entry)
            .expect("the decoder reads all the code");
        let got = run_on_qemu(&code, abi, args, buffer);
        assert_eq!(
            got, expected,
            "{abi:?} differs from bytecode on\n{source}\n{listing}"
        );
        listing
    })
}

const SUM_PTR8: &str = "
@micropython.viper
def f(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += p[i]
    return s
";

/// The loop `thumb2`'s numbers are quoted on: its result, its listing, and its guest
/// instructions per iteration counted under QEMU.
#[test]
fn sum_of_ptr8_bytes() {
    let buffer: Vec<u8> = (0..=255u8).rev().chain(0..40).collect();
    let [call0, windowed] = check(
        SUM_PTR8,
        &[Arg::Buf(1), Arg::Int(buffer.len() as i32)],
        &buffer,
    );
    eprintln!("call0:\n{call0}\nwindowed:\n{windowed}");
    // Instructions per iteration: the difference of two runs, over the iterations added.
    let func = mir(SUM_PTR8);
    for abi in [Abi::Call0, Abi::Windowed] {
        let code = xtensa::compile(&func, abi).unwrap();
        let counts = [0, 100].map(|n| {
            let (exe, cpu) = executable(&code, abi, &[Arg::Buf(1), Arg::Int(n)], &buffer);
            count_instructions(&exe, cpu).0
        });
        let per_iteration = (counts[1] - counts[0]) as f64 / 100.0;
        eprintln!(
            "{abi:?}: {per_iteration} instructions per iteration, {} bytes",
            code.bytes.len()
        );
        assert_eq!(per_iteration, 5.0, "{abi:?}");
    }
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
    return a - b * 3 + (uint(a) >> 2)
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

#[test]
fn branches_across_long_code() {
    // A loop whose body is over 2 KiB of code: past every conditional branch's reach.
    let body: String = (0..60)
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
        let [call0, windowed] = check(&source, &[Arg::Int(n)], &[]);
        for listing in [call0, windowed] {
            assert!(listing.len() > 2048 * 4, "the body is long");
        }
    }
}

#[test]
fn what_needs_the_native_abi_is_a_clear_error() {
    let func = mir("
@micropython.viper
def f(x: int):
    return [x]
");
    let err = xtensa::compile(&func, Abi::Call0).unwrap_err();
    assert!(err.contains("native ABI"), "{err}");
}

/// Right operands that fold into one instruction (`addi` both ways at its ends, every
/// shift class, `extui` masks) next to ones that do not.
#[test]
fn constant_operands_fold_and_stay_right() {
    for x in [0, 1, -1, 0x7fff_ffff, -0x8000_0000, 0x1234_5678, -77] {
        let [call0, _] = check(
            "
@micropython.viper
def f(x: int) -> int:
    a = (x + 127) ^ (x - 128) ^ (x + 128) ^ (x - 129)
    b = (x << 31) ^ (x >> 31) ^ (uint(x) >> 15) ^ (uint(x) >> 16) ^ (uint(x) >> 31)
    c = (x & 1) + (x & 0xffff) + (x & 0x1ffff) + (x & 0x7f)
    d = (x << 0) + (x >> 0)
    return a + b * 3 + c * 5 + d
",
            &[Arg::Int(x)],
            &[],
        );
        for form in ["extui", "slli", "srai", "srli", "addi"] {
            assert!(call0.contains(form), "{form} folds:\n{call0}");
        }
    }
}

/// Random programs: every operator, constants of every folding class, a counted loop, a
/// branch on a random comparison, `ptr32` stores and loads at computed indices, and more
/// live values than registers, on both ABIs.
#[test]
fn random_programs_agree_with_bytecode() {
    // Constants of every folding class of the Xtensa immediates.
    const CONSTS: [&str; 14] = [
        "0",
        "1",
        "3",
        "8",
        "31",
        "127",
        "128",
        "255",
        "1000",
        "4095",
        "65535",
        "-1",
        "-129",
        "0x3fc00000",
    ];
    let mut rng = Lcg(0x7e45_0001);
    for _ in 0..30 {
        let case = random_case(&mut rng, &CONSTS);
        let (viper, args, buffer) = (&case.viper, &case.args, &case.buffer);
        let func = mir(viper);
        for abi in [Abi::Call0, Abi::Windowed] {
            let code =
                xtensa::compile(&func, abi).unwrap_or_else(|e| panic!("{abi:?}: {e}\n{viper}"));
            let listing =
                disasm::listing(&code.bytes[code.entry as usize..], code.entry).expect("decodes");
            let got = run_on_qemu(&code, abi, args, buffer);
            assert_eq!(
                got, case.expected,
                "{abi:?} on {args:?}:\n{viper}\n{listing}"
            );
        }
    }
}

/// Branches on comparisons with constants: against zero (`beqz`/`bnez`/`bltz`/`bgez`), with
/// a constant of the `b4const` tables (`beqi`, `blti`, `bgeui`, ...; `>` and `<=` as the next
/// constant up), and with ones no branch holds, at the edges of each.
#[test]
fn branches_on_constants() {
    let source = "
@micropython.viper
def f(x: int) -> int:
    r = 0
    if x == 0:
        r += 1
    if x != 0:
        r += 2
    if x < 0:
        r += 4
    if x >= 0:
        r += 8
    if x > 0:
        r += 16
    if x <= 7:
        r += 32
    if x == -1:
        r += 64
    if x != 256:
        r += 128
    if x < 12:
        r += 256
    if x >= 9:
        r += 512
    if x > 255:
        r += 1024
    if uint(x) < uint(32768):
        r += 2048
    if uint(x) >= uint(65536):
        r += 4096
    if uint(x) > uint(127):
        r += 8192
    if uint(x) <= uint(15):
        r += 16384
    if x == 300:
        r += 32768
    if uint(x) > uint(0xffffffff):
        r += 65536
    return r
";
    for x in [
        0,
        1,
        -1,
        7,
        8,
        9,
        11,
        12,
        15,
        16,
        127,
        128,
        255,
        256,
        257,
        300,
        32767,
        32768,
        65535,
        65536,
        -32768,
        0x7fff_ffff,
        -0x8000_0000,
    ] {
        let [call0, windowed] = check(source, &[Arg::Int(x)], &[]);
        for listing in [call0, windowed] {
            for form in [
                "beqz", "bnez", "bltz", "bgez", "bgei", "blti", "beqi", "bnei", "bltui", "bgeui",
            ] {
                // beqz/bnez to a label just ahead take their 16-bit form.
                let used = [format!("{form}\t"), format!("{form}.n\t")]
                    .iter()
                    .any(|text| listing.contains(text));
                assert!(used, "{form}:\n{listing}");
            }
        }
    }
}

/// 300 values live at once: more than the registers, and more than `l32i` reaches from the
/// stack pointer (frame words past 1020 bytes go through `addmi`).
#[test]
fn many_live_values_reach_far_frame_words() {
    let defs: String = (0..300)
        .map(|k| format!("    v{k} = x * {} + {k}\n", k % 13 + 1))
        .collect();
    // Read in statements of their own after all are defined (one 300-term expression
    // would nest too deep for the parser), so all are live at once.
    let reads: String = (0..300)
        .map(|k| format!("    s = (s ^ v{k}) * 3\n"))
        .collect();
    let source = format!(
        "\n@micropython.viper\ndef f(x: int) -> int:\n{defs}    s = 0\n{reads}    return s\n"
    );
    for x in [0, 3, -12345] {
        let [call0, windowed] = check(&source, &[Arg::Int(x)], &[]);
        for listing in [call0, windowed] {
            assert!(listing.contains("addmi"), "far frame words through addmi");
        }
    }
}
