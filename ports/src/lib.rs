//! The programs people run: `krait-cross`, `krait`, and the emulated boards later.

pub mod cross;
pub mod run;
