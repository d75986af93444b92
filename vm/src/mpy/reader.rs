//! Reads and validates a `.mpy` file (`mp_raw_code_load`).

use super::MpyError;
use crate::rawcode::CompiledModule;

/// Parses `.mpy` bytes into a module.
pub fn read(bytes: &[u8]) -> Result<CompiledModule, MpyError> {
    let _ = bytes;
    Err(MpyError::IncompatibleFile)
}
