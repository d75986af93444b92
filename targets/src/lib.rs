//! Architectures: each turns the machine form of `emit::mir` into machine code, behind the
//! one trait [`emit::Target`] (it lives in `emit`, which calls it).
//!
//! - [`host`]: the machine krait runs on, through Cranelift, into executable memory of this
//!   process; what `krait` uses to run `@micropython.native` and `@micropython.viper` code.
//! - Later, beside it: `thumb2/`, `rv32/`, `xtensa/`, each with its own instruction
//!   selection, register allocation and encoder, producing the relocatable code of native
//!   `.mpy` files.

pub mod host;
pub mod thumb2;

/// The native backend `krait` hands the compiler: the host target behind the emitters.
pub fn host_backend() -> Result<emit::NativeCompiler<host::HostTarget>, String> {
    host::HostTarget::new().map(emit::NativeCompiler)
}
