//! The native and viper emitters, independent of any architecture.
//!
//! The compiler drives a [`FuncEmitter`] with the same operation stream it gives the bytecode
//! emitter (`vm::compile::emit::Emitter`, MicroPython's `py/emit.h`). The emitter applies
//! viper's typing rules and messages (`py/emitnative.c`) and lowers the function to the machine
//! form of [`mir`]: typed virtual registers, basic blocks, runtime helpers named by fun-table
//! index, explicit exception edges, and GC roots in frame slots. A [`Target`] (in `targets/`)
//! selects instructions and allocates registers from that form; [`verify`] states and checks
//! what a target may assume.
//!
//! Runtime contract shared with the VM (`vm::interp::native`): helpers take the native context
//! and 32-bit words and return a word; an object-returning helper returns 0 (`MP_OBJ_NULL`)
//! when it raised, a scalar-returning one sets the context's exception flag. Frame slots are
//! words of krait's Python stack, scanned by the GC, so object words survive helper calls
//! without stack maps.
//!
//! The [`Target`] trait lives here rather than in `targets/` because the emitter calls it and
//! `targets/` depends on this crate.

pub mod emitter;
pub mod mir;
pub mod verify;
pub mod viper;

pub use emitter::FuncEmitter;

use vm::compile::native::{ModuleTablesMut, NativeBackend, NativeEmitter};
use vm::compile::scope::EmitOption;
use vm::rawcode::MachineCode;

/// What a target needs to know about a scope besides its MIR: how it is entered and how its
/// code reaches the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeAbi {
    /// `@micropython.viper` (arguments converted to their annotated types on entry, no
    /// prelude); otherwise `@micropython.native`.
    pub viper: bool,
    /// Where the module's constant table holds MicroPython's fun table, for targets whose
    /// code finds it there (see [`Target::fun_table_in_constants`]).
    pub fun_table_const: Option<u32>,
}

/// An architecture: turns a verified [`mir::Func`] into machine code.
pub trait Target {
    /// Whether the code reaches MicroPython's fun table through the module's constant table,
    /// as native `.mpy` code does: the emitter then adds the table's marker to the constants
    /// at the start of each scope, where mpy-cross adds it.
    fn fun_table_in_constants(&self) -> bool {
        false
    }

    /// Machine code for `func`, or why it cannot be made.
    fn compile(&self, func: &mir::Func, abi: &ScopeAbi) -> Result<MachineCode, String>;
}

/// The compiler's native backend for a target: emitters that lower to MIR, then `target`.
pub struct NativeCompiler<T: Target>(pub T);

impl<T: Target> NativeBackend for NativeCompiler<T> {
    fn new_emitter<'t>(
        &'t self,
        option: EmitOption,
        tables: &'t mut dyn ModuleTablesMut,
    ) -> Box<dyn NativeEmitter + 't> {
        Box::new(FuncEmitter::new(option, tables, &self.0))
    }
}
