//! krait-cross: compiles a Python file to a `.mpy`, as a drop-in for mpy-cross 1.29.

pub mod arch;
pub mod args;
mod elf;
mod frontend;
mod listing;
pub mod run;

pub use run::{run, version, Streams};
