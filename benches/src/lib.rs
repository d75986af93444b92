//! Benchmarks: compile speed against mpy-cross, and (later) the VM and native kernels.
