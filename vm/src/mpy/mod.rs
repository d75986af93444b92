//! `.mpy` v6.3 files: writing them byte-for-byte as `mpy-cross` 1.29 does, reading them with
//! every field validated, and disassembling them for humans.
//!
//! Layout (`py/persistentcode.c`): a 4-byte header (`'M'`, version, feature byte with the
//! native arch and sub-version, small-int bits), the arch flags when the feature byte says so,
//! the qstr table, the constant-object table, then the tree of raw codes, each followed by its
//! children.

mod dump;
pub use crate::format::float;
pub mod qstr;
mod reader;
mod writer;

pub use dump::dump;
pub use reader::read;
pub use writer::write;

use crate::rawcode::NativeArch;
use std::fmt;

/// The `.mpy` format version this module reads and writes.
pub const MPY_VERSION: u8 = 6;
/// The native ABI revision within [`MPY_VERSION`]; only files with native code carry it.
pub const MPY_SUB_VERSION: u8 = 3;

/// Feature-byte bit saying an arch-flags varint follows the header.
const FEATURE_ARCH_FLAGS: u8 = 0x40;

/// Constant-object type tags (`MP_PERSISTENT_OBJ_*`).
mod obj_tag {
    pub const FUN_TABLE: u8 = 0;
    pub const NONE: u8 = 1;
    pub const FALSE: u8 = 2;
    pub const TRUE: u8 = 3;
    pub const ELLIPSIS: u8 = 4;
    pub const STR: u8 = 5;
    pub const BYTES: u8 = 6;
    pub const INT: u8 = 7;
    pub const FLOAT: u8 = 8;
    pub const COMPLEX: u8 = 9;
    pub const TUPLE: u8 = 10;
}

/// Scope flags that only mean something in a `.mpy`: which optional native sections follow.
pub mod scope_flag {
    /// Relocation records follow the raw code (after its children).
    pub const VIPERRELOC: u32 = 0x10;
    /// Viper read-only data follows.
    pub const VIPERRODATA: u32 = 0x20;
    /// A viper zero-initialised data size follows.
    pub const VIPERBSS: u32 = 0x40;
}

/// Why a `.mpy` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MpyError {
    /// MicroPython's `ValueError: incompatible .mpy file`: wrong magic or version, wrong
    /// native sub-version, or a header cut short.
    IncompatibleFile,
    /// MicroPython's `ValueError: incompatible .mpy arch`: native code for an architecture
    /// that does not exist (or, from [`check_loadable`], that the host cannot run).
    IncompatibleArch,
    /// MicroPython's `ValueError: native code in .mpy unsupported`, from [`check_loadable`]:
    /// native code for a VM built without any native emitter.
    NativeCodeUnsupported,
    /// The file ends before a field it announces.
    Truncated { offset: usize, needed: &'static str },
    /// A field holds a value no valid file has.
    Malformed { offset: usize, reason: String },
}

impl MpyError {
    /// The exception class MicroPython raises (or would raise) for this error.
    pub fn exception_name(&self) -> &'static str {
        "ValueError"
    }
}

impl fmt::Display for MpyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MpyError::IncompatibleFile => f.write_str("incompatible .mpy file"),
            MpyError::IncompatibleArch => f.write_str("incompatible .mpy arch"),
            MpyError::NativeCodeUnsupported => f.write_str("native code in .mpy unsupported"),
            MpyError::Truncated { offset, needed } => {
                write!(f, "truncated .mpy file: {needed} expected at byte {offset}")
            }
            MpyError::Malformed { offset, reason } => {
                write!(f, "corrupt .mpy file at byte {offset}: {reason}")
            }
        }
    }
}

impl std::error::Error for MpyError {}

/// What a loading VM supports, for [`check_loadable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadTarget {
    /// The native architecture the VM runs, or `None` for a bytecode-only VM.
    pub arch: NativeArch,
    /// The VM's small-int width (`MP_SMALL_INT_BITS`).
    pub small_int_bits: u8,
    /// Arch flags the VM's native code may rely on (RV32 extensions); 0 for none.
    pub allowed_arch_flags: u32,
}

/// Decides, as MicroPython's loader does after the header, whether `module` can run on
/// `target`: its small ints must fit, its native code must be for a compatible arch (Thumb
/// targets run code for any older Thumb arch) on a VM with native code at all, and any arch
/// flags must be allowed. Errors come in MicroPython's order.
pub fn check_loadable(
    module: &crate::rawcode::CompiledModule,
    target: &LoadTarget,
) -> Result<(), MpyError> {
    if module.small_int_bits > target.small_int_bits {
        return Err(MpyError::IncompatibleFile);
    }
    if module.arch != NativeArch::None && !arch_runs_on(module.arch, target.arch) {
        return Err(if target.arch == NativeArch::None {
            MpyError::NativeCodeUnsupported
        } else {
            MpyError::IncompatibleArch
        });
    }
    if module.arch_flags & !target.allowed_arch_flags != 0 {
        return Err(MpyError::IncompatibleFile);
    }
    Ok(())
}

/// `MPY_FEATURE_ARCH_TEST`: Thumb hosts accept every Thumb arch up to their own.
fn arch_runs_on(code: NativeArch, host: NativeArch) -> bool {
    let thumb = (NativeArch::Armv6m as u8)..=(NativeArch::Armv7emdp as u8);
    if thumb.contains(&(host as u8)) {
        (NativeArch::Armv6m as u8..=host as u8).contains(&(code as u8))
    } else {
        code == host
    }
}

/// The architecture with `MP_NATIVE_ARCH_*` number `n`, if krait knows it.
pub fn native_arch_from_number(n: u8) -> Option<NativeArch> {
    use NativeArch::*;
    const ALL: [NativeArch; 13] = [
        None, X86, X64, Armv6, Armv6m, Armv7m, Armv7em, Armv7emsp, Armv7emdp, Xtensa, Xtensawin,
        Rv32imc, Rv64imc,
    ];
    ALL.get(usize::from(n)).copied()
}

#[cfg(test)]
mod tests;
