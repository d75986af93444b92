//! Fuzzing for krait's front end and `.mpy` reader (issue 2), and the seed of the
//! differential fuzzer (issue 6).
//!
//! - [`targets`]: one plain function per component, `fn(&[u8]) -> Verdict`, that panics on any
//!   broken invariant; shared by the stable driver, the CI smoke test and the cargo-fuzz
//!   targets in `fuzz/cargo-fuzz/`.
//! - [`gen`]: proptest strategies for Python-ish token soup and grammatical-ish programs.
//! - [`mutate`]: byte-level and `.mpy`-structure-aware mutations.
//! - [`budget`] and [`alloc_count`]: per-call time and allocation measurement.
//! - [`driver`]: the run loop behind `cargo run -p fuzz --release -- --seconds N`.
//! - [`program`], [`paths`], [`diff`]: the differential fuzzer: valid generated programs, the
//!   execution paths compared (CPython, krait bytecode and `.mpy`, MicroPython, native,
//!   viper), and the harness that compares, minimises and saves divergences.

pub mod alloc_count;
pub mod budget;
pub mod diff;
pub mod driver;
pub mod gen;
pub mod mutate;
pub mod paths;
pub mod program;
pub mod rng;
pub mod targets;
