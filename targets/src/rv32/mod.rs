//! RV32IMC: the RISC-V cores of ESP32-C3/C6 and RP2350's Hazard3.
//!
//! The pipeline, one module a step (the shape of `thumb2/`), after [`crate::copies`] has
//! removed the MIR's copies:
//! - [`isel`]: MIR to VCode, RV32-shaped instructions over MIR's vregs, with immediates
//!   folded, comparisons fused into branches and constant offsets taken by loads/stores;
//! - [`regalloc`]: linear scan, compressed-set registers first;
//! - [`lower`]: VCode and allocation to instructions over real registers (frame, spills);
//! - [`layout`]: branch forms (far branches: inverted branch over `jal`), bytes;
//! - [`encode`]: each instruction's encoding, compressed whenever a 16-bit form fits
//!   (tested against `llvm-mc`);
//! - [`disasm`]: bytes back to text through capstone.
//!
//! What a compiled body is: a standard (ilp32) function of up to eight 32-bit arguments in
//! `a0`-`a7`, returning its result in `a0`, over viper values: arithmetic with 32-bit wrap,
//! shifts, comparisons, branches, loops, `ptr8`/`ptr16`/`ptr32` loads and stores.
//!
//! [`abi`] puts MicroPython's native entry in front of it, and [`Rv32Target`] is what the
//! compiler drives for a native `.mpy` (`-march=rv32imc`).
//!
//! Helper calls go through the fun table in `s11` (the entry loads it), with the helpers
//! whose arguments mean the same on the device as in krait's MIR (conversions, object
//! subscripts, attributes, globals, calls, tuples, lists, dicts, unpacking, unary and
//! binary operations, `//` and `%`, raising); a helper that raises
//! unwinds through the firmware's `nlr`, so exception edges are never taken here.
//!
//! How it compares (`targets/tests/rv32_instruction_counts.rs`, counted under
//! `qemu-riscv32`, mpy-cross 1.29's code run in the same imitation of the firmware): on
//! `for i in range(n): s += p[i]` over a `ptr8` this backend runs 5 instructions per
//! iteration (`add; lbu; c.add; c.addi; blt`) against mpy-cross's 25, in a 122-byte
//! function (mpy-cross: 204); a checksum loop calling `%` and `//` helpers runs 37 against
//! 69, in 204 bytes against 282.
//!
//! Constant objects, qstrs and attributes are reached through the module's tables in the
//! function's context, which the entry passes the body as a hidden last argument.
//!
//! Globals work as in mpy-cross's code: the entry makes the function's module globals
//! current and restores the caller's on return and, through an `nlr` frame of its own, when
//! an exception passes ([`abi::Entry`]).
//!
//! Not yet: exception handlers, `@micropython.native` code; these are refused with a
//! message naming what the function uses.

pub mod abi;
pub mod disasm;
pub mod encode;
pub mod isel;
pub mod layout;
pub mod lower;
pub mod regalloc;

use crate::device::DeviceCode;
use crate::thumb2::tables;
use emit::mir::Func;
use emit::ScopeAbi;
use vm::rawcode::MachineCode;

/// Compiles `func` as a bare ilp32 function (no MicroPython entry); an error says what it
/// uses that this backend cannot yet do.
pub fn compile(func: &Func) -> Result<DeviceCode, String> {
    let calls = func.blocks.iter().flat_map(|b| &b.insts);
    if calls
        .into_iter()
        .any(|i| matches!(i, emit::mir::Inst::Call { .. }))
    {
        return Err(
            "rv32: helper calls not supported yet outside the native ABI (they need its fun \
             table)"
                .into(),
        );
    }
    Ok(DeviceCode {
        code: layout::assemble(&body(func)?)?,
        arg_types: func.params.iter().map(|p| func.ty(*p) as u8).collect(),
        return_type: func.ret as u8,
    })
}

/// The instructions of `func` as an ilp32 function, branches still to labels (below the
/// number of MIR blocks).
fn body(func: &Func) -> Result<Vec<lower::MInst>, String> {
    let mut func = crate::copies::remove_copies(&isel::without_unread_roots(func));
    func.prune_unreachable();
    let vcode = isel::select(&func)?;
    let alloc = regalloc::allocate(&vcode);
    lower::lower(&vcode, &alloc)
}

/// The compiler's target for a native `.mpy` on RV32IMC: viper functions under
/// MicroPython's native ABI ([`abi`]).
pub struct Rv32Target;

impl emit::Target for Rv32Target {
    fn fun_table_in_constants(&self) -> bool {
        true
    }

    fn compile(&self, func: &Func, scope: &ScopeAbi) -> Result<MachineCode, String> {
        if !scope.viper {
            return Err(
                "@micropython.native code is not supported for rv32imc yet (viper is)".into(),
            );
        }
        let fun_table = scope
            .fun_table_const
            .ok_or("the fun table is missing from the module's constants")?;
        // The module's qstr and constant tables are reached through the function's context,
        // which the entry passes the body as a last, hidden argument (the rewrite is
        // architecture-independent MIR; it lives with thumb2, which wrote it first).
        let roots_dropped = isel::without_unread_roots(func);
        let context = tables::uses_tables(&roots_dropped);
        let with_tables = if context {
            tables::through_context(&roots_dropped)
        } else {
            roots_dropped
        };
        let entry = abi::Entry {
            context,
            globals: isel::uses_globals(&with_tables),
        };
        let code = abi::viper_function(
            func,
            entry,
            body(&with_tables)?,
            fun_table,
            with_tables.blocks.len(),
        )?;
        Ok(MachineCode::Device {
            fun_data: layout::assemble(&code)?,
            prelude_offset: 0,
        })
    }
}
