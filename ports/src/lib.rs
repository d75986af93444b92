//! The programs people run: `krait-cross`, `krait`, and the emulated boards (feature
//! `board`).

#[cfg(feature = "board")]
pub mod board;
pub mod cross;
pub mod repl;
pub mod run;
pub mod terminal;
