//! RV32IMC: the RISC-V cores of ESP32-C3/C6 and RP2350's Hazard3.
//!
//! - [`encode`]: each instruction's encoding, compressed whenever a 16-bit form fits
//!   (tested against `llvm-mc`);
//! - [`disasm`]: bytes back to text through capstone.

pub mod disasm;
pub mod encode;
