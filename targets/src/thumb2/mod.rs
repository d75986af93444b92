//! Thumb-2 (ARMv7-M) and Thumb (ARMv6-M): the microcontroller cores most MicroPython boards use.

pub mod disasm;
pub mod encode;
