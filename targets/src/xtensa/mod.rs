//! Xtensa: the ESP8266's `lx106` (the call0 ABI, MicroPython's `-march=xtensa`) and the
//! ESP32 family's windowed cores (`-march=xtensawin`).
//!
//! The pipeline, one module a step:
//! - [`regalloc`]: which MIR instructions are live, which vregs interfere, and each vreg's
//!   home (a register or a frame word).
//! - [`lower`]: `emit`'s MIR (after [`crate::copies`]) to instructions over those homes:
//!   constants folded into immediates, comparisons fused into branches, loop tests
//!   repeated at the back edge (what `thumb2/` splits into isel and lower).
//! - [`layout`]: branch forms grown to reach their labels (an inverted branch over a `j`),
//!   constants by `movi.n`/`movi`/`l32r` from a pool before the code, bytes.
//! - [`encode`]: each instruction's encoding, tested against GNU `as` of
//!   `binutils-xtensa-lx106`, the windowed ones against the ISA reference and run under
//!   `qemu-xtensa -cpu dc233c`.
//! - [`disasm`]: bytes back to instructions and to `objdump`'s text (also on mpy-cross's
//!   code).
//!
//! Compiled bodies are checked under QEMU against the bytecode VM in both ABIs
//! ([`compile`]).
//!
//! How it compares so far: on `for i in range(n): s += p[i]` over a `ptr8` (thumb2's
//! yardstick) this lowering's code runs 5 instructions an iteration (`add.n; l8ui; add.n;
//! addi.n; blt`), counted under QEMU in both ABIs, in 23 bytes (call0) and 26 (windowed)
//! (`targets/tests/xtensa_vs_bytecode.rs`). mpy-cross 1.29's call0 code for the same loop
//! runs 28 an iteration by its listing (frame loads and stores around every operation,
//! a 0/1 compare result and a `bnez` on it), in a 199-byte function, ABI entry included.
//! Not yet: the native ABI (the `.mpy` entry, the fun table, helper calls),
//! `@micropython.native`, live-range splitting (a value that does not get a register is in
//! memory for its whole life).
//!
//! How the board will run Xtensa code: QEMU's user mode (`qemu-xtensa`), driven by the
//! runner, on a static Xtensa Linux executable krait writes (`targets/tests/xtensa_qemu/`),
//! `-cpu lx106` for call0 code and `-cpu dc233c` for windowed code. Measured on the
//! team's 2-core machine under load: a run costs about 20 ms of start-up (50 runs of a
//! `write` + `exit` program: 20.8 ms each on `lx106`, 20.4 ms on `dc233c`), and then guest
//! code runs translated, at over 10^9 guest instructions a second on a counted loop (10^9
//! iterations of `addi.n; bnez` in 0.32 s of user time), where an interpreter of our own
//! would manage one or two orders of magnitude fewer. So the runner starts one QEMU per
//! board run, not per call, and helper calls come back to it as `syscall`s over a pipe;
//! guest instructions are counted as the Thumb board's tests count them
//! (`-singlestep -d exec,nochain`: a 1000-iteration loop logs the expected 2005).
//! Window overflow and underflow, the part an own interpreter would most likely get wrong,
//! are QEMU's to get right, and QEMU is the oracle the issue names for the windowed
//! instructions anyway.

pub mod disasm;
pub mod encode;
pub mod layout;
pub mod lower;
pub mod regalloc;

use emit::mir::Func;
pub use lower::Abi;

/// Compiles `func` for `abi` as a bare function (no MicroPython entry): the literal pool,
/// then the code from [`layout::Assembled::entry`]; placed at any word-aligned address.
pub fn compile(func: &Func, abi: Abi) -> Result<layout::Assembled, String> {
    let func = crate::copies::remove_copies(func);
    layout::assemble(&lower::lower(&func, abi)?, 0)
}
