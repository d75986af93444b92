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
//! Where the MicroPython native ABI goes (not yet written), from what `mpy-cross -march=armv7m`
//! emits for a viper function:
//! - Entry: MicroPython calls native code as `f(fun_obj, n_args, n_kw, args)` in `r0`-`r3`.
//!   Its prologue loads the function's context from `fun_obj`, the fun table
//!   (`mp_fun_table`) from the context into `r7` (`REG_FUN_TABLE` in `py/asmthumb.h`), checks
//!   the argument count through `mp_arg_check_num_sig`, and converts each argument with
//!   `convert_obj_to_native(obj, type)` (fun-table entry 3). That belongs in a separate entry
//!   stub in front of the body compiled here, which then keeps its AAPCS shape; the result
//!   goes back through `convert_native_to_obj` (entry 4).
//! - Helper calls (`mir::Inst::Call`): `ldr rX, [r7, #4 * index]` + `blx rX`, arguments in
//!   `r0`-`r2` (MicroPython's helpers take no context word), result in `r0`. The allocator
//!   then gives values live across a call only `r4`-`r11`, `r7` leaves the allocatable and
//!   scratch sets (ARMv6-M's scratch pair moves to `r6` and a high register reached with
//!   `mov`), and the exception edges become MicroPython's `nlr` frames: a raising helper
//!   does not return.
//! - Frame slots, constants and qstrs: through the context's tables, as the host reads them
//!   through `CTX_*`; the native `.mpy` section (`MP_CODE_NATIVE_VIPER` raw code with its
//!   prelude offset, and its qstr links) is written by `krait-cross` beside the bytecode.
//!
//! How it compares today: on `for i in range(n): s += p[i]` over a `ptr8`, MicroPython 1.29's
//! ARMv7-M code runs 32 instructions per iteration (13 of them stack loads and stores); this
//! backend's runs 5 (`ldrb r4, [r0, r3]; adds; adds; cmp; blt`) on both architectures.

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
