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
//! Not yet: helper calls and everything built on them (objects, globals, exceptions), and
//! MicroPython's native entry (so no native `.mpy` for rv32 yet); these are refused with a
//! message naming what the function uses.

pub mod disasm;
pub mod encode;
pub mod isel;
pub mod layout;
pub mod lower;
pub mod regalloc;

use crate::device::DeviceCode;
use emit::mir::Func;

/// Compiles `func` as a bare ilp32 function (no MicroPython entry); an error says what it
/// uses that this backend cannot yet do.
pub fn compile(func: &Func) -> Result<DeviceCode, String> {
    let mut func = crate::copies::remove_copies(func);
    func.prune_unreachable();
    let vcode = isel::select(&func)?;
    let alloc = regalloc::allocate(&vcode);
    let code = lower::lower(&vcode, &alloc)?;
    Ok(DeviceCode {
        code: layout::assemble(&code)?,
        arg_types: func.params.iter().map(|p| func.ty(*p) as u8).collect(),
        return_type: func.ret as u8,
    })
}
