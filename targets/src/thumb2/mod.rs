//! Thumb-2 (ARMv7-M: Cortex-M3/M4/M7) and Thumb (ARMv6-M: Cortex-M0/M0+), the cores of
//! most MicroPython boards.
//!
//! The pipeline, one module a step (the shape `rv32/` and `xtensa/` follow), after
//! [`crate::copies`] has removed the MIR's copies:
//! - [`isel`]: MIR to VCode, Thumb-shaped instructions over MIR's vregs, with immediates
//!   folded, comparisons fused into branches and addressing modes chosen;
//! - [`regalloc`]: linear scan over the VCode's vregs, with a checker;
//! - [`lower`]: VCode and allocation to instructions over real registers (frame, spills,
//!   the shortest sequence per operation);
//! - [`layout`]: branch forms, literal pool, bytes;
//! - [`encode`]: each instruction's encoding (tested against `llvm-mc`);
//! - [`disasm`]: bytes back to text through capstone (listings, and the tests' decoder).
//!
//! What a compiled function is today: an AAPCS function of up to four 32-bit arguments in
//! `r0`-`r3`, returning its result in `r0`, over viper scalars (`int`, `uint`, `bool`,
//! pointers): arithmetic, shifts, comparisons, branches, loops and `ptr8`/`ptr16`/`ptr32`
//! loads and stores. An arena address is a machine address on a device (the arena is all of
//! memory), so loads and stores use addresses as they are.
//!
//! Where the MicroPython native ABI goes (not yet written):
//! - Helper calls (`mir::Inst::Call`): MicroPython passes the fun table (`mp_fun_table`) in a
//!   callee-saved register (`r7` in `py/asmthumb.h`); a call is `ldr rX, [r7, #4 * index]` +
//!   `blx rX` with arguments in `r0`-`r2`. The allocator then gives values live across a
//!   call only `r4`-`r11` (and on ARMv6-M moves the scratch pair off `r7`); the exception edge
//!   is a compare of the result with `MP_OBJ_NULL` and a branch, as on the host.
//! - Entry: the prelude and the `mp_obj_fun_bc_t`-style arguments (`fun_obj, n_args, n_kw,
//!   args`) that MicroPython's native functions take, converted to viper types through
//!   `convert_obj_to_native`, before the body above; the result boxed through
//!   `convert_native_to_obj`.
//! - Frame slots, constants and qstrs: through the function object's context (`REG_PARENT`),
//!   and a native `.mpy` section (`MP_CODE_NATIVE_VIPER` raw code with its prelude offset,
//!   qstr link table and relocation entries) written by `krait-cross` beside bytecode.

pub mod disasm;
pub mod encode;
pub mod isel;
pub mod layout;
pub mod lower;
pub mod regalloc;

use crate::device::DeviceCode;
use emit::mir::Func;
pub use encode::Arch;

/// Compiles `func` for `arch`; an error says what it uses that this backend cannot yet do.
pub fn compile(func: &Func, arch: Arch) -> Result<DeviceCode, String> {
    let vcode = isel::select(func, arch)?;
    let alloc = regalloc::allocate(&vcode, arch);
    regalloc::check(&vcode, &alloc).map_err(|e| format!("register allocation: {e}"))?;
    let code = lower::lower(&vcode, &alloc, arch)?;
    Ok(DeviceCode {
        code: layout::assemble(&code, arch)?,
        arg_types: func.params.iter().map(|p| func.ty(*p) as u8).collect(),
        return_type: func.ret as u8,
    })
}
