//! The runtime's foundation: where objects live and how they are named.
//!
//! - [`arena`]: the 32-bit address space (a reserved 4 GiB region) holding every object.
//! - [`obj`]: the 32-bit object word, MicroPython's REPR_A.
//! - [`gc`]: the block allocator and mark-sweep collector over the arena (`py/gc.c`'s design).
//! - [`layout`]: MicroPython 1.29's 32-bit struct offsets and typed accessors.
//! - [`map`]: `mp_map_t` (dicts, globals) in the arena, probing as `py/map.c` does.
//! - [`qstr`]: the interned-string pool, static table first, with MicroPython's hashes.
//!
//! Objects that MicroPython's native code touches directly use MicroPython 1.29's 32-bit struct
//! layouts, so device code compiled by `mpy-cross` (or by krait) can read krait's heap as is.

pub mod arena;
pub mod gc;
pub mod layout;
pub mod map;
pub mod obj;
pub mod qstr;
