//! Architectures: each turns the machine form of `emit::mir` into machine code, behind the
//! one trait [`emit::Target`] (it lives in `emit`, which calls it).
//!
//! - [`host`]: the machine krait runs on, through Cranelift, into executable memory of this
//!   process; what `krait` uses to run `@micropython.native` and `@micropython.viper` code.
//! - [`thumb2`]: ARMv7-M and ARMv6-M microcontrollers, into [`device::DeviceCode`].
//! - [`rv32`]: RV32IMC microcontrollers, the same way.
//! - Later, beside them: `xtensa/`, each a folder of the same shape as `thumb2/`
//!   (instruction selection, register allocation, lowering, layout, encoder, disassembler),
//!   producing the relocatable code of native `.mpy` files.

pub mod copies;
pub mod device;
pub mod host;
pub mod rv32;
pub mod thumb2;
pub mod xtensa;

/// The native backend `krait` hands the compiler: the host target behind the emitters.
pub fn host_backend() -> Result<emit::NativeCompiler<host::HostTarget>, String> {
    host::HostTarget::new().map(emit::NativeCompiler)
}

/// The native backend `krait-cross` hands the compiler for a `.mpy` of architecture `arch`,
/// if krait has a device target for it.
pub fn device_backend(arch: vm::rawcode::NativeArch) -> Option<emit::NativeCompiler<DeviceTarget>> {
    let target = match arch {
        vm::rawcode::NativeArch::Rv32imc => DeviceTarget::Rv32(rv32::Rv32Target),
        _ => DeviceTarget::Thumb(thumb2::ThumbTarget::for_mpy_arch(arch)?),
    };
    Some(emit::NativeCompiler(target))
}

/// The device architectures, behind the one target `krait-cross` drives.
pub enum DeviceTarget {
    Thumb(thumb2::ThumbTarget),
    Rv32(rv32::Rv32Target),
}

impl emit::Target for DeviceTarget {
    fn fun_table_in_constants(&self) -> bool {
        match self {
            DeviceTarget::Thumb(t) => t.fun_table_in_constants(),
            DeviceTarget::Rv32(t) => t.fun_table_in_constants(),
        }
    }

    fn compile(
        &self,
        func: &emit::mir::Func,
        abi: &emit::ScopeAbi,
    ) -> Result<vm::rawcode::MachineCode, String> {
        match self {
            DeviceTarget::Thumb(t) => t.compile(func, abi),
            DeviceTarget::Rv32(t) => t.compile(func, abi),
        }
    }
}
