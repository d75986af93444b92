//! Instructions executed per loop iteration, krait's RV32IMC code against mpy-cross 1.29's
//! (`-march=rv32imc`), both run under `qemu-riscv32 -singlestep -d exec` (one log line per
//! instruction), both giving the bytecode VM's result.
//!
//! krait's body is called directly (ilp32: `p` in `a0`, `n` in `a1`). mpy-cross's function
//! runs as the firmware calls it (`fun, n_args, n_kw, args`) in a small imitation of the
//! firmware: a function object whose context's constant table holds the fun table at index
//! 0 (the other entries marked), and a fun table whose first entries are `None`, `False`,
//! `True`, whose `convert_obj_to_native` unboxes small ints (passing a buffer's address
//! through, standing in for a `ptr8` argument), `convert_native_to_obj` boxes,
//! `mp_arg_check_num_sig` exits with status 42, and `%` and `//` work as in Python.

mod qemu_rv32;
mod viper_oracle;

use qemu_rv32::{elf, run_counted, stub, BASE};
use std::process::Command;
use targets::rv32::encode::{encode, full, AluOp, Cond, ImmOp, Inst, LoadOp, Reg, StoreOp};
use targets::rv32::{self, disasm};
use vm::compile::{compile_source_with, CompileOptions};
use vm::rawcode::{CodeKind, CompiledModule, ConstObj, NativeArch, RawCode};

const SUM8: &str = "
@micropython.viper
def f(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += p[i]
    return s
";

const STUB_AT: u32 = 0x100;
const RUNTIME_AT: u32 = 0x200;
const FUN_OBJ_AT: u32 = 0x300;
const CONTEXT_AT: u32 = 0x310;
const OBJ_TABLE_AT: u32 = 0x380;
const OBJ_TABLE_LEN: u32 = 16;
/// The imitation constant table holds `CONST_MARK + 4 * i` at index `i`.
const CONST_MARK: u32 = 0x4000_0000;
const ARGS_AT: u32 = 0x330;
const RESULT_AT: u32 = 0x340;
/// The imitation's current globals (a word the globals helpers read and swap).
const CURRENT_GLOBALS_AT: u32 = RESULT_AT + 4;
const QSTR_TABLE_AT: u32 = 0x3c0;
const QSTR_TABLE_LEN: u32 = 16;
const QSTR_BASE: u32 = 1000;
/// The function's module globals, and the caller's, as small ints (100 and 7) so that
/// `load_global` gives a number.
const MODULE_GLOBALS: u32 = 201;
const CALLER_GLOBALS: u32 = 15;
const FUN_TABLE_AT: u32 = 0x400;
const CODE_AT: u32 = 0x600;
const BUF_AT: u32 = 0xc00;
const BUF_LEN: u32 = 64;
const EXIT_BAD_ARGS: i32 = 42;
/// `MP_F_CONVERT_OBJ_TO_NATIVE`, `MP_F_CONVERT_NATIVE_TO_OBJ`, `MP_F_ARG_CHECK_NUM_SIG`.
const FUN_OBJ_TO_NATIVE: u32 = 3;
const FUN_NATIVE_TO_OBJ: u32 = 4;
const FUN_ARG_CHECK: u32 = 44;
/// `MP_F_SMALL_INT_FLOOR_DIVIDE`, `MP_F_SMALL_INT_MODULO`.
const FUN_FLOOR_DIVIDE: u32 = 46;
const FUN_MODULO: u32 = 47;
/// `MP_F_NATIVE_SWAP_GLOBALS`, `MP_F_LOAD_GLOBAL`, `MP_F_NLR_PUSH`, `MP_F_NLR_POP`.
const FUN_SWAP_GLOBALS: u32 = 5;
const FUN_LOAD_GLOBAL: u32 = 7;
const FUN_NLR_PUSH: u32 = 32;
const FUN_NLR_POP: u32 = 33;

/// Python's `%` and `//` meet here only on non-negative values, where Rust's agree.
const CHECKSUM: &str = "
@micropython.viper
def f(p: ptr8, n: int) -> int:
    a = 1
    b = 0
    for i in range(n):
        a = (a + p[i]) % 251
        b = (b + a) // 3 + (b % 7)
    return (b << 8) ^ a
";

fn krait_code(source: &str) -> Vec<u8> {
    let func = viper_oracle::mir(source);
    rv32::compile(&func).expect("rv32 compiles the kernel").code
}

/// The machine code of the first viper function in `module`, and the fun table's constant
/// index.
fn viper_code(module: &CompiledModule) -> (Vec<u8>, usize) {
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
    (rc.fun_data.clone(), index)
}

/// krait's native function for the kernel, as `krait-cross -march=rv32imc` writes it: the
/// machine code and the fun table's constant index.
fn krait_native_code(source: &str) -> (Vec<u8>, usize) {
    let backend = targets::device_backend(NativeArch::Rv32imc).expect("an rv32 target");
    let module = compile_source_with(source, "t.py", &CompileOptions::default(), Some(&backend))
        .unwrap_or_else(|e| panic!("compile error: {}", e.message));
    viper_code(&module)
}

/// mpy-cross's machine code for the kernel, and the fun table's constant index.
fn mpy_cross_code(source: &str) -> (Vec<u8>, usize) {
    let dir = std::env::temp_dir().join(format!("krait-rv32-mpy-{}", qemu_rv32::unique()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let py = dir.join("t.py");
    std::fs::write(&py, source).expect("write source");
    let out = Command::new("mpy-cross")
        .arg("-march=rv32imc")
        .arg(&py)
        .output()
        .expect("mpy-cross, this test's oracle, must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.join("t.mpy")).expect("mpy-cross wrote t.mpy");
    let _ = std::fs::remove_dir_all(&dir);
    let module: CompiledModule = vm::mpy::read(&bytes).expect("krait reads mpy-cross's .mpy");
    viper_code(&module)
}

fn words(insts: &[Inst]) -> Vec<u8> {
    insts
        .iter()
        .flat_map(|i| full(i).expect("runtime encodes").to_le_bytes())
        .collect()
}

fn addi(rd: Reg, rs1: Reg, imm: i32) -> Inst {
    Inst::OpImm {
        op: ImmOp::Addi,
        rd,
        rs1,
        imm,
    }
}

const RET: Inst = Inst::Jalr {
    rd: Reg::ZERO,
    rs1: Reg::RA,
    offset: 0,
};

/// The imitation runtime's helpers, each 0x20 bytes apart from `RUNTIME_AT`, with their
/// fun-table indices.
fn runtime() -> Vec<(Vec<u32>, Vec<u8>)> {
    let (a0, a1, t0, t1) = (Reg::A0, Reg(11), Reg(5), Reg(6));
    let op = |op, rd, rs1, rs2| Inst::Op { op, rd, rs1, rs2 };
    let skip_unless_signs_differ = |x: Reg, offset: i32| {
        [
            Inst::Branch {
                cond: Cond::Eq,
                rs1: x,
                rs2: Reg::ZERO,
                offset: offset + 8,
            },
            op(AluOp::Xor, t1, x, a1),
            Inst::Branch {
                cond: Cond::Ge,
                rs1: t1,
                rs2: Reg::ZERO,
                offset,
            },
        ]
    };
    // Python's `%`: the remainder takes the divisor's sign.
    let mut modulo = vec![op(AluOp::Rem, t0, a0, a1)];
    modulo.extend(skip_unless_signs_differ(t0, 8));
    modulo.extend([op(AluOp::Add, t0, t0, a1), addi(a0, t0, 0), RET]);
    // Python's `//`: the quotient rounds down.
    let mut floor_divide = vec![op(AluOp::Div, t0, a0, a1), op(AluOp::Rem, t1, a0, a1)];
    floor_divide.extend(skip_unless_signs_differ(t1, 8));
    floor_divide.extend([addi(t0, t0, -1), addi(a0, t0, 0), RET]);
    let to_native = words(&[
        Inst::OpImm {
            op: ImmOp::Andi,
            rd: t0,
            rs1: a0,
            imm: 1,
        },
        Inst::Branch {
            cond: Cond::Eq,
            rs1: t0,
            rs2: Reg::ZERO,
            offset: 8,
        },
        Inst::OpImm {
            op: ImmOp::Srai,
            rd: a0,
            rs1: a0,
            imm: 1,
        },
        RET,
    ]);
    let to_obj = words(&[
        Inst::OpImm {
            op: ImmOp::Slli,
            rd: a0,
            rs1: a0,
            imm: 1,
        },
        Inst::OpImm {
            op: ImmOp::Ori,
            rd: a0,
            rs1: a0,
            imm: 1,
        },
        RET,
    ]);
    let mut bad_args = words(&[
        addi(a0, Reg::ZERO, EXIT_BAD_ARGS),
        addi(Reg(17), Reg::ZERO, 93),
    ]);
    bad_args.extend(0x73u32.to_le_bytes()); // ecall: exit
    vec![
        (vec![FUN_OBJ_TO_NATIVE], to_native),
        (vec![FUN_NATIVE_TO_OBJ], to_obj),
        (vec![FUN_ARG_CHECK], bad_args),
        (vec![FUN_MODULO], words(&modulo)),
        (vec![FUN_FLOOR_DIVIDE], words(&floor_divide)),
        (vec![FUN_SWAP_GLOBALS], swap_globals()),
        (vec![FUN_LOAD_GLOBAL], load_global()),
        // No exception is raised here: nlr_push returns 0, nlr_pop nothing.
        (
            vec![FUN_NLR_PUSH, FUN_NLR_POP],
            words(&[addi(a0, Reg::ZERO, 0), RET]),
        ),
    ]
}

/// The compact registers the globals helpers work in.
const A2: Reg = Reg(12);
const A3: Reg = Reg(13);
const A4: Reg = Reg(14);

/// `a2` = the address of the current-globals word.
fn current_globals_address() -> Vec<u8> {
    let at = BASE + CURRENT_GLOBALS_AT;
    let hi = (at + 0x800) >> 12;
    let lo = at.wrapping_sub(hi << 12) as i32;
    words(&[Inst::Lui { rd: A2, imm20: hi }, addi(A2, A2, lo)])
}

fn compressed(insts: &[Inst]) -> Vec<u8> {
    insts
        .iter()
        .flat_map(|i| encode(i).expect("runtime encodes").bytes())
        .collect()
}

/// `mp_native_swap_globals(new)`: makes `new` current; returns the old globals, or NULL
/// when they were `new` already.
fn swap_globals() -> Vec<u8> {
    let op = |op, rd, rs1, rs2| Inst::Op { op, rd, rs1, rs2 };
    let mut code = current_globals_address();
    code.extend(compressed(&[
        Inst::Load {
            op: LoadOp::Lw,
            rd: A3,
            rs1: A2,
            offset: 0,
        },
        Inst::Store {
            op: StoreOp::Sw,
            rs2: Reg::A0,
            rs1: A2,
            offset: 0,
        },
        op(AluOp::Xor, A4, A3, Reg::A0),
        // a4 = all ones when they differ, else 0.
        op(AluOp::Sltu, A4, Reg::ZERO, A4),
        op(AluOp::Sub, A4, Reg::ZERO, A4),
        op(AluOp::And, Reg::A0, A3, A4),
        RET,
    ]));
    code
}

/// `mp_load_global(qstr)`: here, the current globals word itself, whatever the name.
fn load_global() -> Vec<u8> {
    let mut code = current_globals_address();
    code.extend(compressed(&[
        Inst::Load {
            op: LoadOp::Lw,
            rd: Reg::A0,
            rs1: A2,
            offset: 0,
        },
        RET,
    ]));
    code
}

fn buffer() -> Vec<u8> {
    (0..BUF_LEN).map(|i| (i * 37 % 251) as u8).collect()
}

/// Runs `code` on `n`, as krait's bare body or as mpy-cross's native function: the result
/// and the instructions executed.
fn run(code: &[u8], n: u32, mpy_cross_fun_table: Option<usize>) -> (i32, usize) {
    let (out, count) = run_counted(&executable(
        code,
        n,
        mpy_cross_fun_table,
        (2, 0),
        CALLER_GLOBALS,
    ));
    assert!(
        out.status.success() && out.stdout.len() == 8,
        "qemu-riscv32 failed: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let word = u32::from_le_bytes(out.stdout[..4].try_into().expect("4 bytes")) as i32;
    let result = if mpy_cross_fun_table.is_some() {
        word >> 1
    } else {
        word
    };
    (result, count)
}

/// The executable that calls `code` on `n`: directly (no fun table), or as the firmware
/// calls a native function with `counts` positional and keyword arguments.
fn executable(
    code: &[u8],
    n: u32,
    mpy_cross_fun_table: Option<usize>,
    counts: (u32, u32),
    globals: u32,
) -> Vec<u8> {
    let mut image = vec![0u8; (BUF_AT + BUF_LEN) as usize];
    let put = |image: &mut Vec<u8>, at: u32, bytes: &[u8]| {
        image[at as usize..][..bytes.len()].copy_from_slice(bytes)
    };
    let put_word = |image: &mut Vec<u8>, at: u32, w: u32| put(image, at, &w.to_le_bytes());
    assert!(code.len() as u32 <= BUF_AT - CODE_AT);
    put(&mut image, CODE_AT, code);
    put(&mut image, BUF_AT, &buffer());
    let args = match mpy_cross_fun_table {
        None => vec![BASE + BUF_AT, n],
        Some(index) => {
            for (k, (entries, routine)) in runtime().iter().enumerate() {
                let at = RUNTIME_AT + 0x20 * k as u32;
                assert!(routine.len() <= 0x20 && at + 0x20 <= FUN_OBJ_AT);
                put(&mut image, at, routine);
                for entry in entries {
                    put_word(&mut image, FUN_TABLE_AT + 4 * entry, BASE + at);
                }
            }
            put_word(&mut image, CONTEXT_AT + 4, MODULE_GLOBALS);
            put_word(&mut image, CONTEXT_AT + 8, BASE + QSTR_TABLE_AT);
            for i in 0..QSTR_TABLE_LEN {
                let q = (QSTR_BASE + i) as u16;
                put(&mut image, QSTR_TABLE_AT + 2 * i, &q.to_le_bytes());
            }
            put_word(&mut image, CURRENT_GLOBALS_AT, globals);
            // Entries 0-2: None, False and True, immediate objects in the firmware.
            for (entry, object) in [6, 14, 30].into_iter().enumerate() {
                put_word(&mut image, FUN_TABLE_AT + 4 * entry as u32, object);
            }
            put_word(&mut image, FUN_OBJ_AT + 4, BASE + CONTEXT_AT);
            put_word(&mut image, CONTEXT_AT + 12, BASE + OBJ_TABLE_AT);
            for i in 0..OBJ_TABLE_LEN {
                put_word(&mut image, OBJ_TABLE_AT + 4 * i, CONST_MARK + 4 * i);
            }
            put_word(
                &mut image,
                OBJ_TABLE_AT + 4 * index as u32,
                BASE + FUN_TABLE_AT,
            );
            put_word(&mut image, ARGS_AT, BASE + BUF_AT);
            put_word(&mut image, ARGS_AT + 4, n << 1 | 1);
            vec![BASE + FUN_OBJ_AT, counts.0, counts.1, BASE + ARGS_AT]
        }
    };
    // The result word and the current globals after it.
    let s = stub(BASE + STUB_AT, &args, BASE + CODE_AT, RESULT_AT, 4);
    assert!(s.len() as u32 <= RUNTIME_AT - STUB_AT);
    put(&mut image, STUB_AT, &s);
    elf(&image, STUB_AT)
}

#[test]
fn ptr8_sum_loop_runs_in_a_fifth_of_mpy_cross_instructions() {
    let expected = |n: u32| {
        buffer()[..n as usize]
            .iter()
            .map(|b| i32::from(*b))
            .sum::<i32>()
    };
    let ours = krait_code(SUM8);
    let (theirs, index) = mpy_cross_code(SUM8);
    let per_iteration = |code: &[u8], table: Option<usize>| {
        let (r10, c10) = run(code, 10, table);
        let (r30, c30) = run(code, 30, table);
        assert_eq!((r10, r30), (expected(10), expected(30)), "sums");
        (c30 - c10) / 20
    };
    let (native, native_index) = krait_native_code(SUM8);
    let krait = per_iteration(&ours, None);
    let krait_native = per_iteration(&native, Some(native_index));
    let mpy_cross = per_iteration(&theirs, Some(index));
    assert_eq!(
        krait, krait_native,
        "the native entry adds nothing per iteration"
    );
    let calls = |code: &[u8], table| run(code, 0, table).1;
    eprintln!(
        "per iteration: krait {krait}, mpy-cross {mpy_cross}; whole call with n = 0: krait \
         {}, mpy-cross {}; code bytes: krait {} ({} body), mpy-cross {}\n{}",
        calls(&native, Some(native_index)),
        calls(&theirs, Some(index)),
        native.len(),
        ours.len(),
        theirs.len(),
        disasm::listing(&native, 0).expect("decodes")
    );
    assert!(native.len() < theirs.len(), "smaller than mpy-cross's");
    assert!(
        krait * 10 <= mpy_cross * 6,
        "krait {krait} vs mpy-cross {mpy_cross} instructions per iteration"
    );
}

/// Helper calls from the body (`%` and `//` through the fun table in `s11`), values kept
/// across them in callee-saved registers: krait's and mpy-cross's code agree with the
/// expected result, and krait's runs fewer instructions.
#[test]
fn helper_calls_from_the_body_through_the_fun_table() {
    let expected = |n: usize| {
        let (mut a, mut b) = (1i32, 0i32);
        for &x in &buffer()[..n] {
            a = (a + i32::from(x)) % 251;
            b = (b + a) / 3 + b % 7;
        }
        (b << 8) ^ a
    };
    let (ours, our_index) = krait_native_code(CHECKSUM);
    let (theirs, their_index) = mpy_cross_code(CHECKSUM);
    let mut counts = Vec::new();
    for (code, index) in [(&ours, our_index), (&theirs, their_index)] {
        let mut per_n = Vec::new();
        for n in [0, 10, 30, 64] {
            let (result, count) = run(code, n as u32, Some(index));
            assert_eq!(
                result,
                expected(n),
                "n = {n}\n{}",
                disasm::listing(code, 0).unwrap()
            );
            per_n.push(count);
        }
        counts.push((per_n[2] - per_n[1]) / 20);
    }
    eprintln!(
        "checksum per iteration: krait {}, mpy-cross {}; bytes: krait {}, mpy-cross {}\n{}",
        counts[0],
        counts[1],
        ours.len(),
        theirs.len(),
        disasm::listing(&ours, 0).unwrap()
    );
    assert!(counts[0] < counts[1]);
}

/// A call with the wrong number of arguments, or with keywords, reaches
/// `mp_arg_check_num_sig` (which exits with `EXIT_BAD_ARGS` here), in krait's code as in
/// mpy-cross's; the right call does not.
#[test]
fn wrong_argument_counts_reach_the_arg_check() {
    let (ours, our_index) = krait_native_code(SUM8);
    let (theirs, their_index) = mpy_cross_code(SUM8);
    for (code, index) in [(&ours, our_index), (&theirs, their_index)] {
        for (counts, status) in [
            ((1, 0), EXIT_BAD_ARGS),
            ((2, 1), EXIT_BAD_ARGS),
            ((2, 0), 0),
        ] {
            let out = qemu_rv32::run(
                &executable(code, 3, Some(index), counts, CALLER_GLOBALS),
                &[],
            );
            assert_eq!(out.status.code(), Some(status), "{counts:?}");
        }
    }
}

/// A constant object comes from the module's constant table, which the body reaches
/// through the context the entry passes it: the word returned is the table's entry, in
/// krait's code as in mpy-cross's.
#[test]
fn constant_objects_come_from_the_context() {
    let source = "
@micropython.viper
def f(p: ptr8, n: int):
    if n > 5:
        return 'big'
    return None
";
    let big = |module: &CompiledModule| {
        let i = module
            .objs
            .iter()
            .position(|o| matches!(o, ConstObj::Str(s) if &**s == "big"))
            .expect("'big' among the constants");
        CONST_MARK + 4 * i as u32
    };
    let backend = targets::device_backend(NativeArch::Rv32imc).expect("an rv32 target");
    let module = compile_source_with(source, "t.py", &CompileOptions::default(), Some(&backend))
        .unwrap_or_else(|e| panic!("compile error: {}", e.message));
    let (ours, our_index) = viper_code(&module);
    let (theirs, their_index) = mpy_cross_code(source);
    for (code, index) in [(&ours, our_index), (&theirs, their_index)] {
        let word = |n| {
            let out = qemu_rv32::run(
                &executable(code, n, Some(index), (2, 0), CALLER_GLOBALS),
                &[],
            );
            assert!(out.status.success() && out.stdout.len() == 8, "{out:?}");
            u32::from_le_bytes(out.stdout[..4].try_into().expect("4 bytes"))
        };
        assert_eq!(
            word(9),
            big(&module),
            "{}",
            disasm::listing(code, 0).unwrap()
        );
        assert_eq!(word(1), 6, "None, an immediate object");
    }
}

/// Globals: the entry makes the module's globals current for the body (`load_global` sees
/// them) and the caller's current again afterwards; when they already were the module's,
/// nothing changes. krait's code and mpy-cross's alike.
#[test]
fn globals_are_the_module_s_while_the_body_runs() {
    let source = "
@micropython.viper
def f(p: ptr8, n: int) -> int:
    return int(g) + n
";
    let (ours, our_index) = krait_native_code(source);
    let (theirs, their_index) = mpy_cross_code(source);
    for (code, index) in [(&ours, our_index), (&theirs, their_index)] {
        for caller in [CALLER_GLOBALS, MODULE_GLOBALS] {
            let exe = executable(code, 3, Some(index), (2, 0), caller);
            let out = qemu_rv32::run(&exe, &[]);
            assert!(out.status.success() && out.stdout.len() == 8, "{out:?}");
            let word = |k: usize| u32::from_le_bytes(out.stdout[k..k + 4].try_into().unwrap());
            let listing = disasm::listing(code, 0).unwrap();
            assert_eq!(word(0) as i32 >> 1, 100 + 3, "{listing}");
            assert_eq!(word(4), caller, "the caller's globals again\n{listing}");
        }
    }
}
