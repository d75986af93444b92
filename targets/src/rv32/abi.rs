//! MicroPython's native entry for a viper function on RV32IMC, in front of the body.
//!
//! The firmware calls a viper function's code as `mp_call_fun_t`: `a0` the function
//! object, `a1` the positional argument count, `a2` the keyword count, `a3` the arguments.
//! The entry (what mpy-cross's code also does, in fewer instructions):
//! - finds the fun table: the object's context (word 1), its constant table (word 3 of the
//!   context), the table's entry at the index the `.mpy` marks; it stays in `s11`, where
//!   the body's helper calls find it;
//! - unless exactly the declared number of positional arguments and no keywords came, calls
//!   `mp_arg_check_num_sig(n_args, n_kw, sig)`, which raises MicroPython's `TypeError`;
//! - converts each argument with `convert_obj_to_native(obj, type)` (objects pass as they
//!   are), keeping the values in its frame, then calls the body with them in `a0`-`a7`,
//!   followed by the context when the body reads the module's tables;
//! - converts the body's result with `convert_native_to_obj(value, type)` and returns it.
//!
//! - with globals, makes the module's globals current and restores the caller's afterwards,
//!   under an `nlr` frame so that an exception passing through restores them too
//!   ([`Entry::globals`]).
//!
//! Otherwise a helper that raises unwinds through the firmware's `nlr` to the caller's
//! handler; the entry holds nothing that needs undoing then.

use super::encode::{Cond, ImmOp, Inst, LoadOp, Reg, StoreOp};
use super::lower::MInst;
use super::regalloc::FUN_TABLE;
use emit::mir::{Func, Helper, Ty};

/// Fun-table indices (`MP_F_*`, py/nativeglue.h) the entry calls.
const ARG_CHECK_NUM_SIG: u32 = 44;
const F_NATIVE_SWAP_GLOBALS: u32 = 5;
const F_NLR_PUSH: u32 = 32;
const F_NLR_POP: u32 = 33;

/// Words of `nlr_buf_t` on RV32: `prev`, `ret_val`, the 14 saved registers
/// (`MICROPY_NLR_NUM_REGS_RV32I`: ra, sp, s0-s11), and one more for the `pystack` pointer
/// of ports that have one, so one layout suits every firmware.
const NLR_BUF_WORDS: i32 = 2 + 14 + 1;
/// Word of `nlr_buf_t` holding the exception.
const NLR_BUF_RET_VAL: i32 = 1;

const T0: Reg = Reg(5);
const S1: Reg = Reg(9);

fn lw(rd: Reg, rs1: Reg, offset: i32) -> MInst {
    MInst::I(Inst::Load {
        op: LoadOp::Lw,
        rd,
        rs1,
        offset,
    })
}

fn sw(rs2: Reg, rs1: Reg, offset: i32) -> MInst {
    MInst::I(Inst::Store {
        op: StoreOp::Sw,
        rs2,
        rs1,
        offset,
    })
}

fn addi(rd: Reg, rs1: Reg, imm: i32) -> MInst {
    MInst::I(Inst::OpImm {
        op: ImmOp::Addi,
        rd,
        rs1,
        imm,
    })
}

/// `rd = value` for the entry's small constants.
fn li(rd: Reg, value: u32) -> Vec<MInst> {
    let hi = value.wrapping_add(0x800) >> 12;
    let lo = value.wrapping_sub(hi << 12) as i32;
    if hi == 0 {
        return vec![addi(rd, Reg::ZERO, lo)];
    }
    let mut out = vec![MInst::I(Inst::Lui { rd, imm20: hi })];
    if lo != 0 {
        out.push(addi(rd, rd, lo));
    }
    out
}

/// Calls fun-table entry `index` (the table in `s11`).
fn call_helper(index: u32) -> [MInst; 2] {
    [
        lw(T0, FUN_TABLE, 4 * index as i32),
        MInst::I(Inst::Jalr {
            rd: Reg::RA,
            rs1: T0,
            offset: 0,
        }),
    ]
}

/// What the entry sets up around the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The body takes the module context as a last, hidden argument.
    pub context: bool,
    /// The body reads or writes globals: the entry makes the function's module globals
    /// current (`mp_native_swap_globals`) and, when that changed them, restores the
    /// caller's on the way out, also when an exception passes, under an `nlr` frame.
    pub globals: bool,
}

/// The native function: the entry, then `body` (a bare ilp32 function whose labels are
/// below `first_free_label`), which takes `func`'s arguments and, with a context, the
/// module context after them.
pub fn viper_function(
    func: &Func,
    entry: Entry,
    body: Vec<MInst>,
    fun_table_index: u32,
    first_free_label: usize,
) -> Result<Vec<MInst>, String> {
    let n = func.params.len();
    let keeps_context = entry.context || entry.globals;
    let body_args = n + usize::from(entry.context);
    if body_args > 8 {
        return Err(
            "rv32: viper functions of more than eight arguments (seven when they use \
                    constants, attributes or globals) not supported yet"
                .into(),
        );
    }
    let table_offset = 4 * fun_table_index as i32;
    if table_offset >= 2048 {
        return Err("rv32: the fun table sits too far in the constant table".into());
    }
    let label = |k| first_free_label + k;
    let (body_label, bad_args, args_ok, start, done) =
        (label(0), label(1), label(2), label(3), label(4));
    // Frame, from sp up: the nlr_buf_t (with globals), the converted arguments and the
    // context, then s1, s11, ra at the top; 16-byte aligned.
    let nlr_words = if entry.globals { NLR_BUF_WORDS } else { 0 };
    let args_at = 4 * nlr_words;
    let arg = |i: usize| args_at + 4 * i as i32;
    let words = nlr_words + n as i32 + i32::from(keeps_context) + 3;
    let frame = (4 * words + 15) & !15;
    let mut out = vec![
        addi(Reg::SP, Reg::SP, -frame),
        sw(Reg::RA, Reg::SP, frame - 4),
        sw(FUN_TABLE, Reg::SP, frame - 8),
        sw(S1, Reg::SP, frame - 12),
        lw(T0, Reg::A0, 4),
    ];
    if keeps_context {
        out.push(sw(T0, Reg::SP, arg(n)));
    }
    out.extend([
        lw(T0, T0, 12),
        lw(FUN_TABLE, T0, table_offset),
        addi(S1, Reg(13), 0),
        MInst::Branch {
            cond: Cond::Ne,
            rs1: Reg(12),
            rs2: Reg::ZERO,
            label: bad_args,
        },
    ]);
    out.extend(li(T0, n as u32));
    out.push(MInst::Branch {
        cond: Cond::Eq,
        rs1: Reg(11),
        rs2: T0,
        label: args_ok,
    });
    // mp_arg_check_num_sig(n_args, n_kw, MP_OBJ_FUN_MAKE_SIG(n, n, false)) raises.
    out.push(MInst::Label(bad_args));
    out.push(addi(Reg::A0, Reg(11), 0));
    out.push(addi(Reg(11), Reg(12), 0));
    out.extend(li(Reg(12), (n as u32) << 17 | (n as u32) << 1));
    out.extend(call_helper(ARG_CHECK_NUM_SIG));
    out.push(MInst::Label(args_ok));
    for (i, p) in func.params.iter().enumerate() {
        out.push(lw(Reg::A0, S1, 4 * i as i32));
        let ty = func.ty(*p);
        if ty != Ty::Obj {
            out.extend(li(Reg(11), ty as u32));
            out.extend(call_helper(Helper::ConvertObjToNative.index()));
        }
        out.push(sw(Reg::A0, Reg::SP, arg(i)));
    }
    if entry.globals {
        // s1 = mp_native_swap_globals(context->module.globals): the caller's globals, or
        // NULL when they already were the module's; unless NULL, an nlr frame whose
        // exception path restores them and raises the exception again.
        out.extend([lw(T0, Reg::SP, arg(n)), lw(Reg::A0, T0, 4)]);
        out.extend(call_helper(F_NATIVE_SWAP_GLOBALS));
        out.extend([addi(S1, Reg::A0, 0), branch_zero(Reg::A0, start)]);
        out.push(addi(Reg::A0, Reg::SP, 0));
        out.extend(call_helper(F_NLR_PUSH));
        out.push(branch_zero(Reg::A0, start));
        // nlr_jump came back here with sp, s1 and s11 as they were at the push.
        out.push(addi(Reg::A0, S1, 0));
        out.extend(call_helper(F_NATIVE_SWAP_GLOBALS));
        out.push(lw(Reg::A0, Reg::SP, 4 * NLR_BUF_RET_VAL));
        out.extend(call_helper(Helper::NativeRaise.index()));
        out.push(MInst::Label(start));
    }
    for i in 0..body_args {
        out.push(lw(Reg(10 + i as u8), Reg::SP, arg(i)));
    }
    out.push(MInst::Call { label: body_label });
    if entry.globals {
        out.extend([sw(Reg::A0, Reg::SP, arg(0)), branch_zero(S1, done)]);
        out.push(addi(Reg::A0, S1, 0));
        out.extend(call_helper(F_NATIVE_SWAP_GLOBALS));
        out.extend(call_helper(F_NLR_POP));
        out.extend([MInst::Label(done), lw(Reg::A0, Reg::SP, arg(0))]);
    }
    if func.ret != Ty::Obj {
        out.extend(li(Reg(11), func.ret as u32));
        out.extend(call_helper(Helper::ConvertNativeToObj.index()));
    }
    out.extend([
        lw(Reg::RA, Reg::SP, frame - 4),
        lw(FUN_TABLE, Reg::SP, frame - 8),
        lw(S1, Reg::SP, frame - 12),
        addi(Reg::SP, Reg::SP, frame),
        MInst::I(Inst::Jalr {
            rd: Reg::ZERO,
            rs1: Reg::RA,
            offset: 0,
        }),
        MInst::Label(body_label),
    ]);
    out.extend(body);
    Ok(out)
}

fn branch_zero(r: Reg, label: usize) -> MInst {
    MInst::Branch {
        cond: Cond::Eq,
        rs1: r,
        rs2: Reg::ZERO,
        label,
    }
}
