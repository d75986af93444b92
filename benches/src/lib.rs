//! Benchmarks: compile speed against mpy-cross, the VM against CPython, and (later) the
//! native kernels. Each is a binary in `src/bin/`; shared pieces live here.
pub mod measure;
