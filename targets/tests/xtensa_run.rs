//! Programs encoded by `xtensa::encode`, run under `qemu-xtensa`: the call0 instructions on
//! `-cpu lx106` (the ESP8266's core) and the windowed ones on `-cpu dc233c`, each checked by
//! its exit code and output. What QEMU computes is the oracle: a wrong field in an encoding
//! shows as a wrong result, an illegal instruction or a fault.

mod xtensa_qemu;

use targets::xtensa::encode::{AluOp, ImmCond, Inst, MemOp, Reg, ZeroCond};
use xtensa_qemu::*;

const A0: Reg = Reg(0);
const A2: Reg = Reg(2);
const A3: Reg = Reg(3);
const A4: Reg = Reg(4);
const A5: Reg = Reg(5);
const A6: Reg = Reg(6);
const A7: Reg = Reg(7);
const A8: Reg = Reg(8);
const A10: Reg = Reg(10);

fn alu(op: AluOp, r: Reg, s: Reg, t: Reg) -> Item {
    Inst(Inst::Alu { op, r, s, t })
}

/// Sums an array through `l32i.n` in a counted loop, reads and writes halves and bytes,
/// multiplies, shifts through `SAR`, calls a function with `call0`, prints "ok" and exits
/// with the result.
fn call0_program() -> Vec<Item> {
    let mut p = vec![
        To("code", |target| Inst::J { target }),
        Align,
        Label("array"),
        Word(1),
        Word(2),
        Word(3),
        Word(4),
        Word(5),
        Word(0x0000_fffe), // l16si: -2
        Label("array_addr"),
        Addr("array"),
        Label("msg_addr"),
        Addr("msg"),
        Label("code"),
        To("array_addr", |target| Inst::L32r { t: A3, target }),
        Inst(Inst::MoviN { s: A2, imm: 0 }),
        Inst(Inst::MoviN { s: A4, imm: 5 }),
        Label("loop"),
        Inst(Inst::L32iN {
            t: A5,
            s: A3,
            offset: 0,
        }),
        Inst(Inst::AddN {
            r: A2,
            s: A2,
            t: A5,
        }),
        Inst(Inst::AddiN {
            r: A3,
            s: A3,
            imm: 4,
        }),
        Inst(Inst::AddiN {
            r: A4,
            s: A4,
            imm: -1,
        }),
        To("loop", |target| Inst::BranchZ {
            cond: ZeroCond::Bnez,
            s: A4,
            target,
        }),
        // a2 = 15; a3 points at the half-word.
        Inst(Inst::Mem {
            op: MemOp::L16si,
            t: A5,
            s: A3,
            offset: 0,
        }),
        alu(AluOp::Add, A2, A2, A5), // 13
        Inst(Inst::Mem {
            op: MemOp::S8i,
            t: A2,
            s: A3,
            offset: 2,
        }),
        Inst(Inst::Mem {
            op: MemOp::L8ui,
            t: A5,
            s: A3,
            offset: 2,
        }),
        alu(AluOp::Add, A2, A2, A5), // 26
        Inst(Inst::Movi { t: A5, imm: 3 }),
        alu(AluOp::Mull, A2, A2, A5), // 78
        Inst(Inst::MoviN { s: A5, imm: 1 }),
        Inst(Inst::Ssr { s: A5 }),
        Inst(Inst::Srl { r: A2, t: A2 }), // 39
        Inst(Inst::Neg { r: A5, t: A2 }),
        Inst(Inst::Srai {
            r: A5,
            t: A5,
            sa: 1,
        }), // -20 (rounds down)
        alu(AluOp::Sub, A2, A2, A5), // 59
        To("skip", |target| Inst::BranchImm {
            cond: ImmCond::Blti,
            s: A2,
            imm: 64,
            target,
        }),
        Inst(Inst::Movi { t: A2, imm: 0 }), // not reached
        Label("skip"),
        To("double", |target| Inst::Call0 { target }), // 118
        Inst(Inst::Extui {
            r: A7,
            t: A2,
            shift: 1,
            bits: 6,
        }), // 59
        Inst(Inst::Movi {
            t: A2,
            imm: SYS_WRITE,
        }),
        Inst(Inst::MoviN { s: A6, imm: 1 }),
        To("msg_addr", |target| Inst::L32r { t: A3, target }),
        Inst(Inst::MoviN { s: A4, imm: 3 }),
        Inst(Inst::Syscall),
    ];
    p.extend(exit_with(A7));
    p.extend([
        Align,
        Label("double"),
        Inst(Inst::Slli {
            r: A2,
            s: A2,
            sa: 1,
        }),
        Inst(Inst::RetN),
        Label("msg"),
        Word(u32::from_le_bytes(*b"ok\n\0")),
    ]);
    p
}

#[test]
fn call0_program_runs_on_lx106() {
    let out = run(&elf(&assemble(&call0_program()), 0), "lx106");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n", "{out:?}");
    assert_eq!(out.status.code(), Some(59), "{out:?}");
}

/// Calls through the register window. The entry point, a frame without a caller, only
/// `call4`s `main` (so its window spills without the extra save area a caller would
/// provide); `main` `call8`s a function that clobbers its `a4` (main's `a12`: main's `a4`
/// must survive) and `callx8`s a recursive sum 20 calls deep, more than the 64 physical
/// registers hold, so QEMU takes window overflow and underflow exceptions on the way down
/// and up.
fn windowed_program() -> Vec<Item> {
    let mut p = vec![
        To("main", |target| Inst::Call4 { target }),
        Inst(Inst::Syscall), // not reached: main exits
        Align,
        Label("rec_addr"),
        Addr("rec"),
        Label("main"),
        Inst(Inst::Entry {
            s: Reg::SP,
            frame: 32,
        }),
        Inst(Inst::Movi { t: A4, imm: 100 }),
        Inst(Inst::Movi { t: A10, imm: 7 }),
        To("quad", |target| Inst::Call8 { target }),
        alu(AluOp::Add, A4, A4, A10), // 100 + 28
        Inst(Inst::Movi { t: A10, imm: 20 }),
        To("rec_addr", |target| Inst::L32r { t: A8, target }),
        Inst(Inst::Callx8 { s: A8 }),
        alu(AluOp::Add, A4, A4, A10), // 128 + 210
        Inst(Inst::Addi {
            t: A4,
            s: A4,
            imm: -100,
        }),
        Inst(Inst::Addi {
            t: A4,
            s: A4,
            imm: -100,
        }),
        Inst(Inst::Addi {
            t: A4,
            s: A4,
            imm: -100,
        }), // 38
    ];
    p.extend(exit_with(A4));
    p.extend([
        Align,
        Label("quad"),
        Inst(Inst::Entry {
            s: Reg::SP,
            frame: 32,
        }),
        Inst(Inst::Movi { t: A4, imm: 55 }),
        // Its caller's window is live (nothing spilled it), so movsp does not trap.
        Inst(Inst::Movsp { t: A3, s: Reg::SP }),
        Inst(Inst::Slli {
            r: A2,
            s: A2,
            sa: 2,
        }),
        Inst(Inst::RetwN),
        Align,
        Label("rec"),
        Inst(Inst::Entry {
            s: Reg::SP,
            frame: 32,
        }),
        To("done", |target| Inst::BranchZ {
            cond: ZeroCond::Beqz,
            s: A2,
            target,
        }),
        Inst(Inst::Addi {
            t: A10,
            s: A2,
            imm: -1,
        }),
        To("rec", |target| Inst::Call8 { target }),
        alu(AluOp::Add, A2, A2, A10),
        Label("done"),
        Inst(Inst::Retw),
    ]);
    p
}

#[test]
fn windowed_calls_rotate_the_window_on_dc233c() {
    let code = assemble(&windowed_program());
    let out = run(&elf(&code, 0), "dc233c");
    assert_eq!(out.status.code(), Some(38), "{out:?}");
    // The same bytes on the call0 core: `entry` is not an instruction there.
    let out = run(&elf(&code, 0), "lx106");
    assert_ne!(out.status.code(), Some(38), "{out:?}");
}

#[test]
fn a0_is_the_return_address_under_call0() {
    // callx0 through a register, and ret: the callee returns to the instruction after.
    let mut p = vec![
        To("code", |target| Inst::J { target }),
        Align,
        Label("f_addr"),
        Addr("f"),
        Label("code"),
        Inst(Inst::MoviN { s: A2, imm: 40 }),
        To("f_addr", |target| Inst::L32r { t: A8, target }),
        Inst(Inst::Callx0 { s: A8 }),
        Inst(Inst::AddiN {
            r: A2,
            s: A2,
            imm: 2,
        }),
    ];
    p.extend(exit_with(A2));
    p.extend([
        Label("f"),
        Inst(Inst::Jx { s: A0 }), // returns at once: a0 holds the return address
    ]);
    let out = run(&elf(&assemble(&p), 0), "lx106");
    assert_eq!(out.status.code(), Some(42), "{out:?}");
}
