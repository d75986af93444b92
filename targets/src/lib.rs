//! One module per architecture (Thumb2, RV32, Xtensa, host via Cranelift) behind one trait.
//! Work begins with the host native issue; until then this crate is empty by design.
