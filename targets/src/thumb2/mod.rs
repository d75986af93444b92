//! Thumb-2 (ARMv7-M: Cortex-M3/M4/M7) and Thumb (ARMv6-M: Cortex-M0/M0+), the cores of
//! most MicroPython boards.
//!
//! The pipeline, one module a step (the shape `rv32/` and `xtensa/` follow), after
//! [`crate::copies`] has removed the MIR's copies:
//! - [`isel`]: MIR to VCode, Thumb-shaped instructions over MIR's vregs, with immediates
//!   folded, comparisons fused into branches and addressing modes chosen;
//! - [`cse`]: arithmetic a block repeats becomes a copy of its first result;
//! - [`coalesce`]: copies between vregs that never hold different live values merged away;
//! - [`regalloc`]: linear scan over the VCode's vregs, with a checker;
//! - [`lower`]: VCode and allocation to instructions over real registers (frame, spills,
//!   the shortest sequence per operation);
//! - [`layout`]: branch forms, literal pool, bytes;
//! - [`encode`]: each instruction's encoding (tested against `llvm-mc`);
//! - [`disasm`]: bytes back to text through capstone (listings, and the tests' decoder).
//!
//! What a compiled body is: an AAPCS function of up to four 32-bit arguments in `r0`-`r3`
//! (past four: the first three there and in `r3` the address of the others, in order),
//! returning its result in `r0`, over viper values: arithmetic, shifts, comparisons,
//! branches, loops, `ptr8`/`ptr16`/`ptr32` loads and stores, and helper calls through the
//! fun table in `r7`. An arena address is a machine address on a device (the arena is all
//! of memory), so loads and stores use addresses as they are. [`abi`] puts MicroPython's
//! native entry in front of it, [`tables`] reaches the module's qstrs and constants through
//! the function's context, and [`ThumbTarget`] is what the compiler drives for a native
//! `.mpy`.
//!
//! Globals work as in mpy-cross's code: the entry makes the function's module globals
//! current and restores the caller's on return and, through an `nlr` frame of its own, when
//! an exception passes (`abi::Entry`).
//!
//! Not yet: exception handlers and raising (`try` needs `nlr` frames inside the body),
//! helpers whose arguments differ from krait's (iteration, closures, making functions),
//! `@micropython.native` code (its prelude and `mp_setup_code_state` entry), and so most
//! `-X emit=native|viper` modules. These are refused with a message naming what the function
//! uses. On ARMv6-M a function that calls helpers has one callee-saved register to allocate
//! (`r4`; `r5`, `r6` are scratch and `r7` the fun table), so values live across calls
//! mostly spill.
//!
//! How it compares: on `for i in range(n): s += p[i]` over a `ptr8`, mpy-cross 1.29's code
//! runs 29 (ARMv6-M) and 30 (ARMv7-M) instructions per iteration, counted under qemu
//! (`targets/tests/thumb2_native_abi.rs`); this backend's runs 5 (`ldrb; adds; adds; cmp;
//! blt`) on both, entry stub included in a 98-byte function (mpy-cross: 188 and 156 bytes).
//! Over the viper kernels of `benches/kernels/` on the emulated boards
//! (`benches/src/bin/board_kernels.rs`) it executes 0.18x-0.29x mpy-cross's instructions in
//! about half the code, and 1.1x-1.5x what `arm-none-eabi-gcc -O2` executes.

pub mod abi;
pub mod coalesce;
pub mod cse;
pub mod disasm;
pub mod encode;
pub mod isel;
pub mod layout;
pub mod lower;
pub mod regalloc;
pub mod tables;

use crate::device::DeviceCode;
use emit::mir::Func;
use emit::ScopeAbi;
pub use encode::Arch;
use vm::rawcode::{MachineCode, NativeArch};

/// Compiles `func` for `arch` as a bare AAPCS function (no MicroPython entry); an error says
/// what it uses that this backend cannot yet do.
pub fn compile(func: &Func, arch: Arch) -> Result<DeviceCode, String> {
    if func
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .any(|i| matches!(i, emit::mir::Inst::Call { .. }))
    {
        return Err(
            "helper calls need the native ABI's fun table (not yet on thumb2 \
                    outside ThumbTarget)"
                .into(),
        );
    }
    Ok(DeviceCode {
        code: layout::assemble(&body(func, arch)?, arch)?,
        arg_types: func.params.iter().map(|p| func.ty(*p) as u8).collect(),
        return_type: func.ret as u8,
    })
}

/// The instructions of `func` as an AAPCS function, branches still to labels.
fn body(func: &Func, arch: Arch) -> Result<Vec<lower::MInst>, String> {
    let mut vcode = isel::select(func, arch)?;
    cse::eliminate(&mut vcode);
    coalesce::coalesce(&mut vcode);
    // Blocks that only held copies now only jump.
    vcode.thread_jumps();
    vcode.prune_unreachable();
    let alloc = regalloc::allocate(&vcode, arch);
    regalloc::check(&vcode, &alloc).map_err(|e| format!("register allocation: {e}"))?;
    lower::lower(&vcode, &alloc, arch)
}

/// The compiler's target for a native `.mpy` on a Cortex-M: viper functions under
/// MicroPython's native ABI ([`abi`]).
pub struct ThumbTarget {
    pub arch: Arch,
    /// The `.mpy` architecture, which names the target in messages.
    pub mpy_arch: NativeArch,
}

impl ThumbTarget {
    /// The target for a `.mpy` architecture, if it is a Cortex-M one.
    pub fn for_mpy_arch(mpy_arch: NativeArch) -> Option<ThumbTarget> {
        let arch = match mpy_arch {
            NativeArch::Armv6m => Arch::V6M,
            NativeArch::Armv7m
            | NativeArch::Armv7em
            | NativeArch::Armv7emsp
            | NativeArch::Armv7emdp => Arch::V7M,
            _ => return None,
        };
        Some(ThumbTarget { arch, mpy_arch })
    }

    fn arch_name(&self) -> String {
        format!("{:?}", self.mpy_arch).to_lowercase()
    }
}

impl emit::Target for ThumbTarget {
    fn fun_table_in_constants(&self) -> bool {
        true
    }

    fn compile(&self, func: &Func, scope: &ScopeAbi) -> Result<MachineCode, String> {
        let arch = self.arch_name();
        if !scope.viper {
            return Err(format!(
                "@micropython.native code is not supported for {arch} yet (viper is)"
            ));
        }
        let func = &abi::without_unneeded_roots(func);
        if let Some(what) = abi::unsupported(func) {
            return Err(format!("viper code for {arch}: {what} not supported yet"));
        }
        let fun_table = scope
            .fun_table_const
            .ok_or("the fun table is missing from the module's constants")?;
        let context = tables::uses_tables(func);
        let func = &if context {
            tables::through_context(func)
        } else {
            func.clone()
        };
        let body = body(func, self.arch)?;
        let entry = abi::Entry {
            context,
            globals: abi::uses_globals(func),
        };
        let code = abi::viper_function(func, entry, body, fun_table, self.arch)?;
        Ok(MachineCode::Device {
            fun_data: layout::assemble(&code, self.arch)?,
            prelude_offset: 0,
        })
    }
}
