//! krait's front end and runtime.
//!
//! The flow is MicroPython's: source text goes through the [`lexer`] to [`token`]s, the
//! [`parser`] builds an [`ast`], the [`compile`]r walks one scope at a time and drives an
//! emitter (the bytecode emitter here, native emitters in the `emit` crate), producing a
//! [`rawcode::CompiledModule`] that [`mpy`] writes and reads as `.mpy` v6.3.

pub mod ast;
pub mod builtins;
pub mod bytecode;
pub mod compile;
pub mod error;
pub mod format;
pub mod interp;
pub mod lexer;
pub mod modules;
pub mod mpy;
pub mod objects;
pub mod parser;
pub mod rawcode;
pub mod runtime;
pub mod token;
