//! The native and viper emitters (target-independent): the machine-level form of a function,
//! viper typing, frame and exception layout, relocations and native `.mpy` sections.
//! Work begins with the host native issue; until then this crate is empty by design.
