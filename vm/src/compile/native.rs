//! The compiler's door to native code: the traits a native backend implements so that
//! `@micropython.native` and `@micropython.viper` scopes compile through it.
//!
//! `vm` cannot depend on the emitters (`emit/`) or the architectures (`targets/`), so the
//! program that has them (the `krait` binary) hands the compiler a [`NativeBackend`]. For each
//! native scope the compiler asks it for a [`NativeEmitter`], drives it with the same operation
//! stream as the bytecode emitter, and takes back the machine code. Without a backend such a
//! scope is refused, as mpy-cross without an architecture refuses it.

use super::emit::{ConstOrigin, Emitter};
use super::scope::{EmitOption, ScopeId};
use crate::error::CompileError;
use crate::rawcode::{ConstObj, MachineCode};

/// The module-wide qstr and constant tables, as a native emitter may extend them: native code
/// names a qstr or a constant by its index there, and reaches it at run time through its
/// function's module context, as bytecode does.
pub trait ModuleTablesMut {
    fn use_qstr(&mut self, qstr: &str) -> usize;
    /// `origin` as for [`super::emit::Emitter::load_const_obj`] (`None` for constants no AST
    /// node made).
    fn use_const_obj(&mut self, obj: ConstObj, origin: Option<ConstOrigin>) -> usize;
}

impl ModuleTablesMut for super::tables::ModuleTables {
    fn use_qstr(&mut self, qstr: &str) -> usize {
        super::tables::ModuleTables::use_qstr(self, qstr)
    }

    fn use_const_obj(&mut self, obj: ConstObj, origin: Option<ConstOrigin>) -> usize {
        super::tables::ModuleTables::use_const_obj(self, obj, origin)
    }
}

/// Something that turns native and viper scopes into machine code.
pub trait NativeBackend {
    /// A fresh emitter for one scope compiled with `option` (`NativePython` or `Viper`).
    fn new_emitter<'t>(
        &'t self,
        option: EmitOption,
        tables: &'t mut dyn ModuleTablesMut,
    ) -> Box<dyn NativeEmitter + 't>;
}

/// An emitter of machine code for one scope.
pub trait NativeEmitter: Emitter {
    /// The scope's code and its child scopes in the order their functions are made; or the
    /// first error met (a `ViperTypeError`, or an operation the backend cannot compile yet).
    fn finish(&mut self) -> Result<(MachineCode, Vec<ScopeId>), CompileError>;
}
