//! Viper functions under MicroPython's native ABI, as krait writes them into a native `.mpy`
//! and as `mpy-cross` 1.29 does, run under `qemu-arm` in one small imitation of the firmware's
//! side of the ABI. The oracles: the bytecode VM gives the expected results, and mpy-cross's
//! code must give them in the same harness (which checks the harness speaks the ABI as the
//! firmware does, not as krait assumes).
//!
//! The imitation: a function object whose context's constant table holds the fun table at
//! the index the `.mpy` marks, and a fun table whose `convert_obj_to_native` unboxes small
//! ints (and passes buffer addresses through, standing in for `ptr` arguments),
//! `convert_native_to_obj` boxes small ints, and `mp_arg_check_num_sig` exits with status 42.
//! The start stub calls the function as `mp_call_fun_t` (`fun, n_args, n_kw, args`) and writes
//! the returned object and the buffer to stdout.
//!
//! Instruction counts: `qemu-arm -singlestep -d exec` logs one line per instruction executed,
//! so the difference between two runs is what the extra loop iterations cost.

mod qemu;

use qemu::{elf, load_addr, thumb, BASE};
use std::process::Command;
use targets::thumb2::encode::{Addr, AluOp, Cond, Inst, MemOp, Operand, Reg};
use targets::thumb2::{disasm, Arch};
use vm::compile::{compile_source_with, CompileOptions};
use vm::interp::{Vm, VmConfig};
use vm::rawcode::{CodeKind, CompiledModule, ConstObj, NativeArch, RawCode};

const STUB_AT: u32 = 0x100;
const RUNTIME_AT: u32 = 0x180;
const DATA_AT: u32 = 0x200;
const FUN_TABLE_WORDS: u32 = 48;
const CODE_AT: u32 = 0x600;
/// The imitation qstr table maps module qstr index `i` to qstr number `QSTR_BASE + i`.
const QSTR_BASE: u32 = 1000;
const QSTR_TABLE_LEN: u32 = 64;
/// The imitation constant table holds `CONST_MARK + 4 * i` at index `i`.
const CONST_MARK: u32 = 0x4000_0000;
const OBJ_TABLE_LEN: u32 = 16;
const EXIT_BAD_ARGS: i32 = 42;

#[derive(Clone, Copy, PartialEq)]
enum Compiler {
    Krait,
    MpyCross,
}

/// The module `compiler` makes of `source` for `arch`.
fn compile(compiler: Compiler, source: &str, arch: NativeArch) -> CompiledModule {
    match compiler {
        Compiler::Krait => {
            let backend = targets::device_backend(arch).expect("a Thumb target");
            compile_source_with(source, "t.py", &CompileOptions::default(), Some(&backend))
                .unwrap_or_else(|e| panic!("compile error: {}", e.message))
        }
        Compiler::MpyCross => {
            // Tests run in parallel threads, some on the same source: each call gets its own directory.
            let dir = std::env::temp_dir().join(format!("krait-abi-{arch:?}-{}", qemu::unique()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let py = dir.join("t.py");
            std::fs::write(&py, source).expect("write source");
            let name = format!("{arch:?}").to_lowercase();
            let out = Command::new("mpy-cross")
                .arg(format!("-march={name}"))
                .arg(&py)
                .output()
                .expect("mpy-cross, this test's oracle, must be installed (see .ci/oracles)");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let bytes = std::fs::read(dir.join("t.mpy")).expect("mpy-cross wrote t.mpy");
            let _ = std::fs::remove_dir_all(&dir);
            vm::mpy::read(&bytes).expect("krait reads mpy-cross's .mpy")
        }
    }
}

/// The machine code of the first viper function, and the fun table's constant index.
fn viper_code(module: &CompiledModule) -> (Vec<u8>, u32) {
    fn find(rc: &RawCode) -> Option<&RawCode> {
        if rc.kind == CodeKind::NativeViper {
            return Some(rc);
        }
        rc.children.iter().find_map(find)
    }
    let rc = find(&module.root).expect("a viper function");
    let index = module
        .objs
        .iter()
        .position(|o| *o == ConstObj::FunTable)
        .expect("the fun table in the constants");
    (rc.fun_data.clone(), index as u32)
}

fn small_int(v: i32) -> u32 {
    ((v as u32) << 1) | 1
}

#[derive(Debug, Clone, Copy)]
enum Arg {
    Int(i32),
    Buf,
}

struct Run {
    status: Option<i32>,
    /// The returned object decoded as a small int, and as the word it is.
    result: Option<i32>,
    word: Option<u32>,
    buffer: Vec<u8>,
    /// Instructions executed, when counted.
    instructions: Option<usize>,
}

/// Calls `code` with `args` (and `n_kw` keyword arguments) in the imitation runtime.
fn run(code: &[u8], fun_table_const: u32, args: &[Arg], n_kw: u32, buf: &[u8], count: bool) -> Run {
    let fun_obj = DATA_AT;
    let context = fun_obj + 8;
    let obj_table = context + 16;
    let fun_table = obj_table + 4 * OBJ_TABLE_LEN;
    assert!(fun_table_const < OBJ_TABLE_LEN);
    let qstr_table = fun_table + 4 * FUN_TABLE_WORDS;
    let result = qstr_table + 2 * QSTR_TABLE_LEN;
    let args_at = result + 4;
    assert!(args_at + 16 <= CODE_AT);
    let buf_at = (CODE_AT + code.len() as u32).next_multiple_of(4);
    let mut image = vec![0u8; (buf_at as usize) + buf.len()];
    let mut put = |at: u32, word: u32| {
        image[at as usize..][..4].copy_from_slice(&word.to_le_bytes());
    };
    put(fun_obj + 4, BASE + context);
    put(context + 8, BASE + qstr_table);
    put(context + 12, BASE + obj_table);
    for i in 0..OBJ_TABLE_LEN {
        put(obj_table + 4 * i, CONST_MARK + 4 * i);
    }
    put(obj_table + 4 * fun_table_const, BASE + fun_table);
    for (i, arg) in args.iter().enumerate() {
        let word = match *arg {
            Arg::Int(v) => small_int(v),
            Arg::Buf => BASE + buf_at,
        };
        put(args_at + 4 * i as u32, word);
    }

    for i in 0..QSTR_TABLE_LEN {
        let at = (qstr_table + 2 * i) as usize;
        image[at..at + 2].copy_from_slice(&((QSTR_BASE + i) as u16).to_le_bytes());
    }

    // The runtime's functions, one after another; each entry's address is odd (Thumb).
    let obj_to_native = [
        // A small int is unboxed; anything else is a buffer address, passed through.
        Inst::Alu {
            op: AluOp::Lsl,
            s: true,
            rd: Reg::R2,
            rn: Reg::R0,
            rhs: Operand::Imm(31),
        },
        Inst::B {
            cond: Some(Cond::Eq),
            offset: 0,
        },
        Inst::Alu {
            op: AluOp::Asr,
            s: true,
            rd: Reg::R0,
            rn: Reg::R0,
            rhs: Operand::Imm(1),
        },
        Inst::Bx {
            link: false,
            rm: Reg::LR,
        },
    ];
    let native_to_obj = [
        Inst::Alu {
            op: AluOp::Lsl,
            s: true,
            rd: Reg::R0,
            rn: Reg::R0,
            rhs: Operand::Imm(1),
        },
        Inst::Alu {
            op: AluOp::Add,
            s: true,
            rd: Reg::R0,
            rn: Reg::R0,
            rhs: Operand::Imm(1),
        },
        Inst::Bx {
            link: false,
            rm: Reg::LR,
        },
    ];
    // Python's `%` on small ints: the truncated remainder, moved to the divisor's sign.
    let modulo = [
        Inst::Alu {
            op: AluOp::Sdiv,
            s: false,
            rd: Reg::R2,
            rn: Reg::R0,
            rhs: Operand::Reg(Reg::R1),
        },
        Inst::Alu {
            op: AluOp::Mul,
            s: false,
            rd: Reg::R2,
            rn: Reg::R2,
            rhs: Operand::Reg(Reg::R1),
        },
        Inst::Alu {
            op: AluOp::Sub,
            s: true,
            rd: Reg::R0,
            rn: Reg::R0,
            rhs: Operand::Reg(Reg::R2),
        },
        Inst::B {
            cond: Some(Cond::Eq),
            offset: 4,
        },
        Inst::Alu {
            op: AluOp::Eor,
            s: true,
            rd: Reg::R3,
            rn: Reg::R0,
            rhs: Operand::Reg(Reg::R1),
        },
        Inst::B {
            cond: Some(Cond::Pl),
            offset: 0,
        },
        Inst::Alu {
            op: AluOp::Add,
            s: true,
            rd: Reg::R0,
            rn: Reg::R0,
            rhs: Operand::Reg(Reg::R1),
        },
        Inst::Bx {
            link: false,
            rm: Reg::LR,
        },
    ];
    // `load_attr(base, qstr)`: the qstr number as a small int, to show which name it got.
    let load_attr = [
        Inst::Alu {
            op: AluOp::Lsl,
            s: true,
            rd: Reg::R0,
            rn: Reg::R1,
            rhs: Operand::Imm(1),
        },
        Inst::Alu {
            op: AluOp::Add,
            s: true,
            rd: Reg::R0,
            rn: Reg::R0,
            rhs: Operand::Imm(1),
        },
        Inst::Bx {
            link: false,
            rm: Reg::LR,
        },
    ];
    let mut runtime = thumb(&obj_to_native);
    let native_to_obj_at = RUNTIME_AT + runtime.len() as u32;
    runtime.extend(thumb(&native_to_obj));
    let bad_args_at = RUNTIME_AT + runtime.len() as u32;
    runtime.extend(exit(EXIT_BAD_ARGS as u32));
    let modulo_at = RUNTIME_AT + runtime.len() as u32;
    runtime.extend(thumb(&modulo));
    let load_attr_at = RUNTIME_AT + runtime.len() as u32;
    runtime.extend(thumb(&load_attr));
    assert!(RUNTIME_AT as usize + runtime.len() <= DATA_AT as usize);
    image[RUNTIME_AT as usize..][..runtime.len()].copy_from_slice(&runtime);
    let mut put = |at: u32, word: u32| {
        image[at as usize..][..4].copy_from_slice(&word.to_le_bytes());
    };
    // The fun table starts with the objects None, False and True.
    for (i, obj) in [0b110, 0b1110, 0b11110].into_iter().enumerate() {
        put(fun_table + 4 * i as u32, obj);
    }
    put(fun_table + 4 * 3, BASE + RUNTIME_AT + 1);
    put(fun_table + 4 * 4, BASE + native_to_obj_at + 1);
    put(fun_table + 4 * 44, BASE + bad_args_at + 1);
    put(fun_table + 4 * 47, BASE + modulo_at + 1);
    put(fun_table + 4 * 9, BASE + load_attr_at + 1);

    let mut stub = load_addr(Reg::R0, BASE + fun_obj).to_vec();
    stub.extend(load_addr(Reg::R3, BASE + args_at));
    stub.extend([movs(Reg::R1, args.len() as u32), movs(Reg::R2, n_kw)]);
    let mut stub = thumb(&stub);
    let call_at = STUB_AT + stub.len() as u32;
    stub.extend(thumb(&[Inst::Bl {
        offset: CODE_AT as i32 - (call_at as i32 + 4),
    }]));
    let mut tail = load_addr(Reg(4), BASE + result).to_vec();
    tail.push(Inst::Mem {
        op: MemOp::Str,
        rt: Reg::R0,
        addr: Addr::Imm {
            rn: Reg(4),
            offset: 0,
        },
    });
    // write(1, result, 4), then write(1, buffer, len): two calls, the buffer being apart.
    stub.extend(thumb(&tail));
    stub.extend(write(Reg(4), 4));
    stub.extend(thumb(&load_addr(Reg(4), BASE + buf_at)));
    stub.extend(write(Reg(4), buf.len() as u32));
    stub.extend(exit(0));
    assert!(STUB_AT as usize + stub.len() <= RUNTIME_AT as usize);
    image[STUB_AT as usize..][..stub.len()].copy_from_slice(&stub);
    image[CODE_AT as usize..][..code.len()].copy_from_slice(code);
    image[buf_at as usize..].copy_from_slice(buf);

    let log = std::env::temp_dir().join(format!("krait-abi-{}.log", qemu::unique()));
    let log_name = log.to_string_lossy().into_owned();
    let qemu_args: Vec<&str> = if count {
        vec!["-singlestep", "-d", "exec,nochain", "-D", &log_name]
    } else {
        vec![]
    };
    let out = qemu::run(&elf(&image, STUB_AT), &qemu_args);
    let instructions = count.then(|| {
        let text = std::fs::read_to_string(&log).expect("qemu's log");
        let _ = std::fs::remove_file(&log);
        text.lines().filter(|l| l.starts_with("Trace")).count()
    });
    let word = (out.stdout.len() >= 4)
        .then(|| u32::from_le_bytes(out.stdout[..4].try_into().expect("4 bytes")));
    Run {
        status: out.status.code(),
        result: word.map(|w| w as i32 >> 1),
        word,
        buffer: out.stdout.get(4..).unwrap_or_default().to_vec(),
        instructions,
    }
}

fn movs(rd: Reg, value: u32) -> Inst {
    Inst::Mov {
        not: false,
        s: true,
        rd,
        src: Operand::Imm(value),
    }
}

/// `svc 0` with `r7` = `number`; the halfword is not one the encoder needs otherwise.
fn syscall(number: u32) -> Vec<u8> {
    let mut code = thumb(&[movs(Reg(7), number)]);
    code.extend(0xDF00u16.to_le_bytes());
    code
}

fn write(from: Reg, len: u32) -> Vec<u8> {
    let mut code = thumb(&[
        movs(Reg::R0, 1),
        Inst::Mov {
            not: false,
            s: false,
            rd: Reg::R1,
            src: Operand::Reg(from),
        },
    ]);
    code.extend(thumb(&load_addr(Reg::R2, len)));
    code.extend(syscall(4));
    code
}

fn exit(status: u32) -> Vec<u8> {
    let mut code = thumb(&[movs(Reg::R0, status)]);
    code.extend(syscall(1));
    code
}

/// What the bytecode VM makes of `f(args)`: the result and the buffer.
fn expected(source: &str, args: &[Arg], buf: &[u8]) -> (i32, Vec<u8>) {
    let body: String = source
        .lines()
        .filter(|l| l.trim() != "@micropython.viper")
        .map(|l| format!("{l}\n"))
        .collect();
    let args: Vec<String> = args
        .iter()
        .map(|a| match a {
            Arg::Int(v) => v.to_string(),
            Arg::Buf => "buf".into(),
        })
        .collect();
    let program = format!(
        "{body}\nbuf = bytearray({buf:?})\nprint(int(f({})))\nprint(' '.join([str(x) for x in buf]))\n",
        args.join(", ")
    );
    let module = compile_source_with(&program, "t.py", &CompileOptions::default(), None)
        .unwrap_or_else(|e| panic!("compile error: {}", e.message));
    let mut vm = Vm::new(VmConfig::default()).expect("vm");
    let ran = vm.run_module(&module);
    let out = String::from_utf8_lossy(&vm.out).into_owned();
    assert!(ran.is_ok(), "bytecode run failed: {out}\n{program}");
    let mut lines = out.lines();
    let result = lines.next().expect("result").parse().expect("a number");
    let buf = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(|b| b.parse().expect("a byte"))
        .collect();
    (result, buf)
}

const ARCHES: [(NativeArch, Arch); 2] = [
    (NativeArch::Armv6m, Arch::V6M),
    (NativeArch::Armv7m, Arch::V7M),
];

/// Runs `f` of `source` as krait and as mpy-cross compile it, for ARMv6-M and ARMv7-M, and
/// compares each with the bytecode VM.
fn check(source: &str, args: &[Arg], buf: &[u8]) {
    let (want, want_buf) = expected(source, args, buf);
    for (mpy_arch, arch) in ARCHES {
        for compiler in [Compiler::Krait, Compiler::MpyCross] {
            let (code, fun_table) = viper_code(&compile(compiler, source, mpy_arch));
            let got = run(&code, fun_table, args, 0, buf, false);
            let who = if compiler == Compiler::Krait {
                "krait"
            } else {
                "mpy-cross"
            };
            let listing = if compiler == Compiler::Krait {
                disasm::listing(&code, arch, 0).expect("capstone decodes krait's code")
            } else {
                String::new()
            };
            assert_eq!(
                (got.status, got.result, &got.buffer),
                (Some(0), Some(want), &want_buf),
                "{who} {mpy_arch:?} on\n{source}\n{listing}"
            );
        }
    }
}

const SUM8: &str = "
@micropython.viper
def f(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += p[i]
    return s
";

#[test]
fn ptr8_sum() {
    let buf: Vec<u8> = (0..200u8).map(|b| b.wrapping_mul(7)).collect();
    check(SUM8, &[Arg::Buf, Arg::Int(buf.len() as i32)], &buf);
    check(SUM8, &[Arg::Buf, Arg::Int(0)], &buf);
}

#[test]
fn stores_through_pointers() {
    let source = "
@micropython.viper
def f(p: ptr8, n: int, k: int) -> int:
    for i in range(n):
        p[i] = i * k + 1
    return n
";
    check(source, &[Arg::Buf, Arg::Int(10), Arg::Int(300)], &[0; 24]);
}

#[test]
fn object_arguments_pass_unconverted() {
    let source = "
@micropython.viper
def f(a, b: int):
    return a
";
    check(source, &[Arg::Int(-12345), Arg::Int(3)], &[]);
}

#[test]
fn four_arguments_and_bool_result() {
    let source = "
@micropython.viper
def f(a: int, b: int, c: uint, d: int) -> int:
    x = a * b - int(c)
    if x > d:
        return x
    return d - x
";
    check(
        source,
        &[Arg::Int(7), Arg::Int(-9), Arg::Int(5), Arg::Int(3)],
        &[],
    );
    check(
        source,
        &[Arg::Int(70), Arg::Int(9), Arg::Int(5), Arg::Int(3)],
        &[],
    );
}

/// A helper call from the loop (`%` is `mp_small_int_modulo` through the fun table), with
/// values live across it.
#[test]
fn helper_calls_keep_values_across_them() {
    let source = "
@micropython.viper
def f(p: ptr8, n: int, m: int) -> int:
    a = 1
    b = 0
    for i in range(n):
        a = (a + p[i]) % m
        b = (b + a) % m
    return (b << 8) | a
";
    let buf: Vec<u8> = (0..100u8).map(|b| b.wrapping_mul(37)).collect();
    check(source, &[Arg::Buf, Arg::Int(100), Arg::Int(251)], &buf);
    check(source, &[Arg::Buf, Arg::Int(50), Arg::Int(-7)], &buf);
}

/// The object word `f(args)` returns when `compiler` compiles `source` for `arch`, and the
/// module it compiled.
fn returned_word(
    compiler: Compiler,
    source: &str,
    arch: NativeArch,
    args: &[Arg],
) -> (u32, CompiledModule) {
    let module = compile(compiler, source, arch);
    let (code, fun_table) = viper_code(&module);
    let run = run(&code, fun_table, args, 0, &[0; 4], false);
    assert_eq!(run.status, Some(0));
    (run.word.expect("a result"), module)
}

/// The word a function must return, from the module's tables.
type Expected = fn(&CompiledModule) -> u32;

/// Names and constant objects come from the module's tables through the function's
/// context: the qstr table for attribute names, the constant table for objects (strings
/// included, as mpy-cross stores them); both compilers must read the same entries.
#[test]
fn qstrs_and_constants_through_the_module_context() {
    let cases: [(&str, Expected); 3] = [
        (
            "@micropython.viper\ndef f(n: int):\n    return 'some text'\n",
            |m| {
                let text = ConstObj::Str("some text".into());
                let i = m.objs.iter().position(|o| *o == text).unwrap() as u32;
                CONST_MARK + 4 * i
            },
        ),
        (
            "@micropython.viper\ndef f(n: int):\n    return 2.5\n",
            |m| {
                let i = m
                    .objs
                    .iter()
                    .position(|o| *o == ConstObj::Float(2.5))
                    .unwrap() as u32;
                CONST_MARK + 4 * i
            },
        ),
        (
            "@micropython.viper\ndef f(x, n: int):\n    return x.imag\n",
            |m| {
                let i = m.qstrs.iter().position(|q| &**q == "imag").unwrap() as u32;
                small_int((QSTR_BASE + i) as i32)
            },
        ),
    ];
    for (source, expected) in cases {
        let args: Vec<Arg> = if source.contains("(x,") {
            vec![Arg::Int(5), Arg::Int(1)]
        } else {
            vec![Arg::Int(1)]
        };
        for (arch, _) in ARCHES {
            for compiler in [Compiler::Krait, Compiler::MpyCross] {
                let (word, module) = returned_word(compiler, source, arch, &args);
                assert_eq!(word, expected(&module), "{arch:?} {source}");
            }
        }
    }
}

#[test]
fn wrong_argument_counts_reach_the_signature_check() {
    for (mpy_arch, _) in ARCHES {
        for compiler in [Compiler::Krait, Compiler::MpyCross] {
            let (code, fun_table) = viper_code(&compile(compiler, SUM8, mpy_arch));
            let one_arg = run(&code, fun_table, &[Arg::Buf], 0, &[1], false);
            assert_eq!(one_arg.status, Some(EXIT_BAD_ARGS), "{mpy_arch:?}");
            let keywords = run(&code, fun_table, &[Arg::Buf, Arg::Int(1)], 1, &[1], false);
            assert_eq!(keywords.status, Some(EXIT_BAD_ARGS), "{mpy_arch:?}");
        }
    }
}

/// Instructions a loop iteration of the ptr8 sum costs, krait against mpy-cross; krait's
/// must be at most 0.6x (the goal), and this prints the table.
#[test]
fn ptr8_sum_instruction_counts() {
    let buf = vec![3u8; 200];
    let mut table = String::from("ptr8 sum, instructions: call of n=100, per iteration\n");
    for (mpy_arch, _) in ARCHES {
        let mut per_iteration = Vec::new();
        for compiler in [Compiler::Krait, Compiler::MpyCross] {
            let (code, fun_table) = viper_code(&compile(compiler, SUM8, mpy_arch));
            let count = |n: i32| {
                let r = run(&code, fun_table, &[Arg::Buf, Arg::Int(n)], 0, &buf, true);
                assert_eq!(r.result, Some(3 * n));
                r.instructions.expect("counted")
            };
            let (c100, c200) = (count(100), count(200));
            let per = (c200 - c100) as f64 / 100.0;
            table += &format!(
                "  {mpy_arch:?} {:9}: {c100} total, {per} per iteration, {} code bytes\n",
                if compiler == Compiler::Krait {
                    "krait"
                } else {
                    "mpy-cross"
                },
                code.len()
            );
            per_iteration.push(per);
        }
        assert!(
            per_iteration[0] <= 0.6 * per_iteration[1],
            "{mpy_arch:?}: {per_iteration:?}"
        );
    }
    eprintln!("{table}");
}
