//! The programs people run: `krait-cross` now, `krait` and the emulated boards later.

pub mod cross;
