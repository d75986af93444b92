//! MicroPython 1.29's native ABI on Thumb (`py/emitnative.c` over `py/asmthumb.c`), for
//! viper functions in a native `.mpy`.
//!
//! The runtime calls a viper function as `f(fun_obj, n_args, n_kw, args)` in `r0`-`r3`
//! (`mp_call_fun_t`), and takes back an object in `r0`. What the firmware gives such code:
//! - `fun_obj` is an `mp_obj_fun_bc_t`, whose word 1 is its module context; word 3 of the
//!   context is the module's constant table, and the entry that `.mpy` marks as
//!   `MP_PERSISTENT_OBJ_FUN_TABLE` was replaced at load time by the address of `mp_fun_table`.
//!   That address goes in `r7` (`REG_FUN_TABLE`), which the body keeps, as every AAPCS
//!   function keeps `r4`-`r11`.
//! - Helpers are called through the table: `ldr r3, [r7, #4 * MP_F_...]; blx r3`. A helper
//!   that raises does not return (it `nlr`-jumps to the nearest handler), so MIR's exception
//!   edges to the function's exit are no edges here; handlers (`try`) need `nlr` frames of
//!   the function's own, not written yet.
//! - The argument count is checked as mpy-cross checks it: keywords or a count other than
//!   the function's go to `mp_arg_check_num_sig` (which raises MicroPython's `TypeError`).
//! - Each argument whose annotation is not `object` goes through `convert_obj_to_native(obj,
//!   type)`; a result that is not an object through `convert_native_to_obj(value, type)`.
//!
//! The layout: an entry stub does the above and calls the body with `bl`, the body being the
//! AAPCS function [`super::body`] makes (arguments in `r0`-`r3`, result in `r0`); so the
//! body's code, its allocation and its tests are the same whether or not it is wrapped.
//! The entry costs a `bl` and the body's own `push`/`pop` per call, nothing per iteration.

use super::encode::{AluOp, Arch, CmpOp, Cond, Inst, MemOp, Operand, Reg, RegList};
use super::lower::MInst;
use emit::mir::{Func, Helper, Inst as MirInst, Term, Ty};

/// `MP_F_*` indices of the fun table entries the entry stub calls (`py/nativeglue.h`).
const F_CONVERT_OBJ_TO_NATIVE: u32 = 3;
const F_CONVERT_NATIVE_TO_OBJ: u32 = 4;
const F_NATIVE_SWAP_GLOBALS: u32 = 5;
const F_NLR_PUSH: u32 = 32;
const F_NLR_POP: u32 = 33;
const F_NATIVE_RAISE: u32 = 34;
const F_ARG_CHECK_NUM_SIG: u32 = 44;

/// Words of `nlr_buf_t` (`prev`, `ret_val`, the saved registers: 16 with an FPU's `s16`-`s31`,
/// and one more when the firmware has a Python stack), as mpy-cross reserves them
/// (`SIZEOF_NLR_BUF`), the largest Thumb case, so one layout suits every core.
const NLR_BUF_WORDS: u32 = 2 + 16 + 1;
/// Word of `nlr_buf_t` holding the exception.
const NLR_BUF_RET_VAL: i32 = 1;

/// Word offsets in MicroPython's structures (`OFFSETOF_*` in `py/emitnative.c`).
const FUN_BC_CONTEXT: i32 = 1;
const MODULE_CONTEXT_GLOBALS: i32 = 1;
const MODULE_CONTEXT_OBJ_TABLE: i32 = 3;

/// `REG_FUN_TABLE`.
const FUN_TABLE: Reg = Reg(7);
/// Holds the caller's argument array while the arguments are converted.
const ARGS: Reg = Reg(4);
/// Holds the function's module context.
const CONTEXT: Reg = Reg(5);
/// Holds the caller's globals while the module's are current.
const OLD_GLOBALS: Reg = Reg(6);

/// The most arguments (the context included) a body takes: past three, they are words at
/// `r3`, which a 16-bit `ldr` reaches up to the 32nd.
const MAX_ARGS: usize = 32;

/// Labels of the stub; the body's follow, shifted past them.
const LABEL_BAD_ARGS: usize = 0;
const LABEL_ARGS_OK: usize = 1;
const LABEL_BODY: usize = 2;
const LABEL_START: usize = 3;
const LABEL_DONE: usize = 4;
const STUB_LABELS: usize = 5;

/// `func` without the stores that root objects in frame slots, when nothing could need
/// them: the slots exist so that the GC finds objects across helper calls, and reading them
/// back is the only other use; a function with neither never collects while it runs.
pub fn without_unneeded_roots(func: &Func) -> Func {
    let insts = || func.blocks.iter().flat_map(|b| &b.insts);
    let needs_slots = insts().any(|i| {
        matches!(
            i,
            MirInst::Call { .. } | MirInst::LoadSlot { .. } | MirInst::SlotAddr { .. }
        )
    });
    let mut func = func.clone();
    if !needs_slots {
        for block in &mut func.blocks {
            block
                .insts
                .retain(|i| !matches!(i, MirInst::StoreSlot { .. }));
        }
        func.frame_slots = 0;
    }
    func
}

/// Why `func` cannot run under the native ABI yet, in the words a user of `krait-cross`
/// needs: the first construct of it this backend does not compile for a device.
pub fn unsupported(func: &Func) -> Option<String> {
    if func.params.len() > MAX_ARGS {
        return Some(format!("viper functions of more than {MAX_ARGS} arguments"));
    }
    for block in &func.blocks {
        for inst in &block.insts {
            let what = match inst {
                MirInst::Call { helper, .. } if !same_on_device(*helper) => {
                    format!("{} (runtime helper {helper:?})", helper_purpose(*helper))
                }
                MirInst::CatchException { .. } => "exception handlers".into(),
                MirInst::Const { dst, value } if func.ty(*dst) == Ty::Obj && !portable(*value) => {
                    "object constants other than None, True, False and small ints".into()
                }
                _ => continue,
            };
            return Some(what);
        }
    }
    if raises(func) {
        return Some("raising exceptions".into());
    }
    None
}

/// Whether krait's helper takes the same arguments as MicroPython's fun-table entry of the
/// same index, so device code may call the firmware's with krait's MIR as it is, or after
/// [`super::tables`] turned its qstr index into the qstr (attributes, globals). The others
/// take different arguments (an iterator buffer, a raw code).
fn same_on_device(helper: Helper) -> bool {
    use Helper::*;
    matches!(
        helper,
        ConvertObjToNative
            | ConvertNativeToObj
            | ObjSubscr
            | ObjIsTrue
            | UnaryOp
            | BinaryOp
            | BuildTuple
            | BuildList
            | BuildMap
            | StoreMap
            | NativeCallFunctionNKw
            | UnpackSequence
            | SmallIntFloorDivide
            | SmallIntModulo
            | NativeRaise
    ) || matches!(helper, LoadAttr | StoreAttr | LoadGlobal | StoreGlobal)
}

fn helper_purpose(helper: Helper) -> &'static str {
    use Helper::*;
    match helper {
        LoadGlobal | StoreGlobal => "global variables",
        LoadAttr | StoreAttr => "attributes",
        MakeFunction => "nested functions",
        NativeGetiter | NativeIternext => "for loops over objects",
        _ => "this operation on objects",
    }
}

/// Whether a block that raises is reached by normal control flow (exception edges of
/// helpers lead to the function's raise block too, but a raising helper never returns).
fn raises(func: &Func) -> bool {
    let mut seen = vec![false; func.blocks.len()];
    let mut stack = vec![0usize];
    while let Some(b) = stack.pop() {
        if std::mem::replace(&mut seen[b], true) {
            continue;
        }
        match &func.blocks[b].term {
            Some(Term::Raise) => return true,
            Some(term) => stack.extend(term.successors().iter().map(|s| s.0 as usize)),
            None => {}
        }
    }
    false
}

/// Whether an object word means the same on the device as in krait: small ints and the
/// immediate objects (`None`, `False`, `True`) are encoded alike (REPR_A with immediate
/// objects), as are `MP_OBJ_NULL`, `MP_OBJ_STOP_ITERATION` and `MP_OBJ_SENTINEL`; qstr
/// numbers and object addresses differ.
fn portable(word: u32) -> bool {
    let small_int = word & 1 == 1;
    let immediate = word & 0b111 == 0b110;
    small_int || immediate || word <= 8
}

/// What the entry stub must set up around the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The last of the body's arguments is not a Python one: the stub passes the module
    /// context there ([`super::tables`]).
    pub context: bool,
    /// The body reads or writes globals: the stub makes the function's module globals
    /// current (`mp_native_swap_globals`) and, when that changed them, restores the caller's
    /// on the way out, also when an exception passes, under an `nlr` frame of its own.
    pub globals: bool,
}

/// Whether `func` names globals.
pub fn uses_globals(func: &Func) -> bool {
    func.blocks.iter().flat_map(|b| &b.insts).any(|i| {
        matches!(
            i,
            MirInst::Call {
                helper: Helper::LoadGlobal | Helper::StoreGlobal,
                ..
            }
        )
    })
}

/// The whole function: the entry stub, then `body` (an AAPCS function of `func`'s arguments,
/// with labels from 0), for a module whose constant `fun_table_const` is the fun table.
///
/// The stub's frame: the eight words `push {r0-r5, r7, lr}` stores, the first four of which
/// then hold the converted arguments (with more than four, even words below them hold the
/// rest), `r4` the caller's argument array, `r5` the context,
/// `r7` the fun table. With globals, `r6` joins the push (it keeps the caller's globals) and
/// an `nlr_buf_t` lies below it all, at `sp`.
pub fn viper_function(
    func: &Func,
    entry: Entry,
    body: Vec<MInst>,
    fun_table_const: u32,
    arch: Arch,
) -> Result<Vec<MInst>, String> {
    let mut s = Stub {
        arch,
        out: Vec::new(),
        slots_at: 0,
    };
    let params = &func.params[..func.params.len() - usize::from(entry.context)];
    let n_args = params.len();
    // The body's arguments: the function's, then the context if it takes it. Past four, the
    // body gets the first three in `r0`-`r2` and in `r3` the address of the rest, which
    // lie in order in this frame's argument slots: below the four pushed `r0`-`r3` words,
    // `extra` more (an even number, keeping `sp` 8-byte aligned) make room for them.
    let n_body = func.params.len();
    let extra = n_body.saturating_sub(4).next_multiple_of(2) as u32;
    // Eight pushed words keep `sp` 8-byte aligned at the helper calls; with globals, nine
    // and the 19-word `nlr_buf_t` make 28.
    let saved = if entry.globals {
        0b1111_0000
    } else {
        0b1011_0000
    };
    s.inst(Inst::Push(RegList(0b1111 | saved | 1 << Reg::LR.0)))?;
    if extra > 0 {
        s.adjust_sp(AluOp::Sub, extra)?;
    }
    if entry.globals {
        s.adjust_sp(AluOp::Sub, NLR_BUF_WORDS)?;
    }
    // Slot `i` (argument `i`) is the word `slots_at + i` from `sp`; the last one is always
    // the pushed `r3`'s.
    let nlr_words = if entry.globals { NLR_BUF_WORDS } else { 0 };
    s.slots_at = (nlr_words + extra) as i32 + 4 - n_body.max(4) as i32;
    s.mov(ARGS, Reg::R3)?;
    s.load(CONTEXT, Reg::R0, FUN_BC_CONTEXT)?;
    s.load(FUN_TABLE, CONTEXT, MODULE_CONTEXT_OBJ_TABLE)?;
    s.load(FUN_TABLE, FUN_TABLE, fun_table_const as i32)?;
    s.check_arg_count(n_args)?;
    for (i, &param) in params.iter().enumerate() {
        let ty = func.ty(param);
        if ty == Ty::Obj {
            continue;
        }
        s.load(Reg::R0, ARGS, i as i32)?;
        s.call(F_CONVERT_OBJ_TO_NATIVE, Some(ty as u32))?;
        s.store_slot(Reg::R0, i as i32)?;
    }
    if entry.globals {
        s.enter_globals()?;
    }
    if n_body > 4 {
        // The arguments past the third, all in their slots: objects were not converted.
        for (i, &param) in params.iter().enumerate().skip(3) {
            if func.ty(param) == Ty::Obj {
                s.load(Reg::R0, ARGS, i as i32)?;
                s.store_slot(Reg::R0, i as i32)?;
            }
        }
        if entry.context {
            s.store_slot(CONTEXT, n_args as i32)?;
        }
    }
    let in_regs = if n_body > 4 { 3 } else { 4 };
    for (i, &param) in params.iter().enumerate().take(in_regs) {
        if func.ty(param) == Ty::Obj {
            s.load(Reg(i as u8), ARGS, i as i32)?;
        } else {
            s.load_slot(Reg(i as u8), i as i32)?;
        }
    }
    if n_body > 4 {
        s.inst(Inst::Alu {
            op: AluOp::Add,
            s: false,
            rd: Reg::R3,
            rn: Reg::SP,
            rhs: Operand::Imm(4 * (s.slots_at as u32 + 3)),
        })?;
    } else if entry.context {
        s.mov(Reg(n_args as u8), CONTEXT)?;
    }
    s.out.push(MInst::Call { label: LABEL_BODY });
    if entry.globals {
        s.leave_globals()?;
    }
    if func.ret != Ty::Obj {
        s.call(F_CONVERT_NATIVE_TO_OBJ, Some(func.ret as u32))?;
    }
    if entry.globals {
        s.adjust_sp(AluOp::Add, NLR_BUF_WORDS)?;
    }
    s.adjust_sp(AluOp::Add, 4 + extra)?;
    s.inst(Inst::Pop(RegList(saved | 1 << Reg::PC.0)))?;
    s.out.push(MInst::Label(LABEL_BODY));
    s.out
        .extend(body.into_iter().map(|m| shift_labels(m, STUB_LABELS)));
    Ok(s.out)
}

fn shift_labels(m: MInst, by: usize) -> MInst {
    match m {
        MInst::Label(l) => MInst::Label(l + by),
        MInst::Jump { cond, label } => MInst::Jump {
            cond,
            label: label + by,
        },
        MInst::Call { label } => MInst::Call { label: label + by },
        other => other,
    }
}

struct Stub {
    arch: Arch,
    out: Vec<MInst>,
    /// Word offset from `sp` of the argument slots.
    slots_at: i32,
}

impl Stub {
    fn inst(&mut self, inst: Inst) -> Result<(), String> {
        super::encode::encode(&inst, self.arch).map_err(|e| format!("native entry: {e}"))?;
        self.out.push(MInst::I(inst));
        Ok(())
    }

    /// `rt = [rn, #4 * word]`; a word beyond the 16-bit form's reach on ARMv6-M goes
    /// through `r3` (free once the argument array moved to `r4`) as a register offset.
    fn load(&mut self, rt: Reg, rn: Reg, word: i32) -> Result<(), String> {
        let inst = Inst::Mem {
            op: MemOp::Ldr,
            rt,
            addr: super::encode::Addr::Imm {
                rn,
                offset: 4 * word,
            },
        };
        if super::encode::encode(&inst, self.arch).is_ok() {
            return self.inst(inst);
        }
        let offset = u32::try_from(4 * word)
            .ok()
            .filter(|&o| o <= 255)
            .ok_or("native entry: the fun table lies too deep in the constant table")?;
        self.inst(Inst::Mov {
            not: false,
            s: true,
            rd: Reg::R3,
            src: Operand::Imm(offset),
        })?;
        self.inst(Inst::Mem {
            op: MemOp::Ldr,
            rt,
            addr: super::encode::Addr::Reg {
                rn,
                rm: Reg::R3,
                shift: 0,
            },
        })
    }

    fn store_slot(&mut self, rt: Reg, word: i32) -> Result<(), String> {
        self.inst(Inst::Mem {
            op: MemOp::Str,
            rt,
            addr: super::encode::Addr::Imm {
                rn: Reg::SP,
                offset: 4 * (self.slots_at + word),
            },
        })
    }

    fn load_slot(&mut self, rt: Reg, word: i32) -> Result<(), String> {
        self.load(rt, Reg::SP, self.slots_at + word)
    }

    fn adjust_sp(&mut self, op: AluOp, words: u32) -> Result<(), String> {
        self.inst(Inst::Alu {
            op,
            s: false,
            rd: Reg::SP,
            rn: Reg::SP,
            rhs: Operand::Imm(4 * words),
        })
    }

    /// `r6 = mp_native_swap_globals(context->module.globals)`: the caller's globals, or
    /// NULL when they already were the module's; then, unless NULL, `nlr_push` a frame whose
    /// exception path restores them and raises the exception again.
    fn enter_globals(&mut self) -> Result<(), String> {
        self.load(Reg::R0, CONTEXT, MODULE_CONTEXT_GLOBALS)?;
        self.call(F_NATIVE_SWAP_GLOBALS, None)?;
        self.mov(OLD_GLOBALS, Reg::R0)?;
        self.jump_if_zero(Reg::R0, LABEL_START)?;
        self.mov(Reg::R0, Reg::SP)?;
        self.call(F_NLR_PUSH, None)?;
        self.jump_if_zero(Reg::R0, LABEL_START)?;
        // An exception came back to the frame: `nlr_jump` restored r4-r11 and sp.
        self.mov(Reg::R0, OLD_GLOBALS)?;
        self.call(F_NATIVE_SWAP_GLOBALS, None)?;
        self.load(Reg::R0, Reg::SP, NLR_BUF_RET_VAL)?;
        self.call(F_NATIVE_RAISE, None)?;
        self.out.push(MInst::Label(LABEL_START));
        Ok(())
    }

    /// After the body (result in `r0`): unless the globals were already the module's,
    /// restore the caller's and pop the `nlr` frame.
    fn leave_globals(&mut self) -> Result<(), String> {
        self.mov(ARGS, Reg::R0)?;
        self.jump_if_zero(OLD_GLOBALS, LABEL_DONE)?;
        self.mov(Reg::R0, OLD_GLOBALS)?;
        self.call(F_NATIVE_SWAP_GLOBALS, None)?;
        self.call(F_NLR_POP, None)?;
        self.out.push(MInst::Label(LABEL_DONE));
        self.mov(Reg::R0, ARGS)
    }

    fn jump_if_zero(&mut self, r: Reg, label: usize) -> Result<(), String> {
        self.inst(Inst::Compare {
            op: CmpOp::Cmp,
            rn: r,
            rhs: Operand::Imm(0),
        })?;
        self.out.push(MInst::Jump {
            cond: Some(Cond::Eq),
            label,
        });
        Ok(())
    }

    fn mov(&mut self, rd: Reg, rm: Reg) -> Result<(), String> {
        self.inst(Inst::Mov {
            not: false,
            s: false,
            rd,
            src: Operand::Reg(rm),
        })
    }

    fn movs_imm(&mut self, rd: Reg, value: u32) -> Result<(), String> {
        self.inst(Inst::Mov {
            not: false,
            s: true,
            rd,
            src: Operand::Imm(value),
        })
    }

    /// Calls fun-table entry `index`; `r1` first takes `type_arg` when given (the helpers'
    /// second argument, a viper type).
    fn call(&mut self, index: u32, type_arg: Option<u32>) -> Result<(), String> {
        if let Some(ty) = type_arg {
            self.movs_imm(Reg::R1, ty)?;
        }
        self.load(Reg::R3, FUN_TABLE, index as i32)?;
        self.inst(Inst::Bx {
            link: true,
            rm: Reg::R3,
        })
    }

    /// With `r1` = number of positional and `r2` = number of keyword arguments: on
    /// anything but exactly `n` positional ones, `mp_arg_check_num_sig(n_args, n_kw, sig)`
    /// raises.
    fn check_arg_count(&mut self, n: usize) -> Result<(), String> {
        let n = n as u32;
        self.inst(Inst::Compare {
            op: CmpOp::Cmp,
            rn: Reg::R2,
            rhs: Operand::Imm(0),
        })?;
        self.out.push(MInst::Jump {
            cond: Some(Cond::Ne),
            label: LABEL_BAD_ARGS,
        });
        self.inst(Inst::Compare {
            op: CmpOp::Cmp,
            rn: Reg::R1,
            rhs: Operand::Imm(n),
        })?;
        self.out.push(MInst::Jump {
            cond: Some(Cond::Eq),
            label: LABEL_ARGS_OK,
        });
        self.out.push(MInst::Label(LABEL_BAD_ARGS));
        self.mov(Reg::R0, Reg::R1)?;
        self.mov(Reg::R1, Reg::R2)?;
        // MP_OBJ_FUN_MAKE_SIG(n, n, false) = n << 17 | n << 1, built as ((n << 16) + n) << 1
        // in 16-bit instructions that both architectures have.
        self.movs_imm(Reg::R2, n)?;
        self.shift_left(Reg::R2, 16)?;
        self.inst(Inst::Alu {
            op: AluOp::Add,
            s: true,
            rd: Reg::R2,
            rn: Reg::R2,
            rhs: Operand::Imm(n),
        })?;
        self.shift_left(Reg::R2, 1)?;
        self.call(F_ARG_CHECK_NUM_SIG, None)?;
        self.out.push(MInst::Label(LABEL_ARGS_OK));
        Ok(())
    }

    fn shift_left(&mut self, rd: Reg, by: u32) -> Result<(), String> {
        self.inst(Inst::Alu {
            op: AluOp::Lsl,
            s: true,
            rd,
            rn: rd,
            rhs: Operand::Imm(by),
        })
    }
}
