//! MicroPython 1.29's 32-bit struct layouts, for the objects native code reads directly.
//!
//! Each module mirrors one C struct (named in its comment) as byte offsets from the start of
//! the object, with every pointer and `size_t` 4 bytes. The numbers were checked against the
//! headers by compiling `offsetof` of each field for a 32-bit target (`gcc -m32`; every field
//! here is 2 or 4 bytes wide, so ARM, Xtensa and RISC-V 32 ABIs lay them out the same).
//! Bitfields are allocated from the least significant bit, as GCC does on little-endian
//! targets. Every object starts with `mp_obj_base_t`: the arena offset of its type.
//!
//! The accessors below take the arena and an object's offset; they trust the offset to name a
//! live object of the right type (they panic, not fault, if it is not even committed).

use super::arena::Arena;
use super::obj::Obj;

/// Bytes in a pointer, `size_t` or `mp_obj_t` on the target.
pub const WORD: u32 = 4;

/// `mp_obj_base_t` (py/obj.h).
pub mod base {
    pub const TYPE: u32 = 0;
    pub const SIZE: u32 = 4;
}

/// `mp_obj_type_t` (py/obj.h): `flags` and `name` (a qstr) as `uint16_t`, then one `uint8_t`
/// slot index per optional slot (0 = absent, else 1 + index into `slots`), then `slots[]`.
pub mod obj_type {
    pub const FLAGS: u32 = 4;
    pub const NAME: u32 = 6;
    pub const SLOT_INDEX_MAKE_NEW: u32 = 8;
    pub const SLOT_INDEX_PRINT: u32 = 9;
    pub const SLOT_INDEX_CALL: u32 = 10;
    pub const SLOT_INDEX_UNARY_OP: u32 = 11;
    pub const SLOT_INDEX_BINARY_OP: u32 = 12;
    pub const SLOT_INDEX_ATTR: u32 = 13;
    pub const SLOT_INDEX_SUBSCR: u32 = 14;
    pub const SLOT_INDEX_ITER: u32 = 15;
    pub const SLOT_INDEX_BUFFER: u32 = 16;
    pub const SLOT_INDEX_PROTOCOL: u32 = 17;
    pub const SLOT_INDEX_PARENT: u32 = 18;
    pub const SLOT_INDEX_LOCALS_DICT: u32 = 19;
    pub const SLOTS: u32 = 20;

    /// Bytes of a type object with `n_slots` filled slots.
    pub const fn size(n_slots: u32) -> u32 {
        SLOTS + n_slots * super::WORD
    }

    // `MP_TYPE_FLAG_*`.
    pub const FLAG_IS_SUBCLASSED: u16 = 0x0001;
    pub const FLAG_HAS_SPECIAL_ACCESSORS: u16 = 0x0002;
    pub const FLAG_EQ_NOT_REFLEXIVE: u16 = 0x0004;
    pub const FLAG_EQ_CHECKS_OTHER_TYPE: u16 = 0x0008;
    pub const FLAG_EQ_HAS_NEQ_TEST: u16 = 0x0010;
    pub const FLAG_BINDS_SELF: u16 = 0x0020;
    pub const FLAG_BUILTIN_FUN: u16 = 0x0040;
    pub const FLAG_ITER_IS_ITERNEXT: u16 = 0x0080;
    pub const FLAG_ITER_IS_CUSTOM: u16 = 0x0100;
    pub const FLAG_INSTANCE_TYPE: u16 = 0x0200;
    pub const FLAG_SUBSCR_ALLOWS_STACK_SLICE: u16 = 0x0400;
    /// krait's own (a bit MicroPython leaves unused): a class a builtin module defines
    /// (`modules/native.rs`), whose builtin functions bind `self` as a native type's do.
    pub const FLAG_MODULE_CLASS: u16 = 0x8000;
}

/// `mp_map_t` (py/obj.h): one word of bitfields (`all_keys_are_qstrs:1`, `is_fixed:1`,
/// `is_ordered:1`, `used:29`), `alloc`, and `table`, an array of `mp_map_elem_t`.
pub mod map {
    pub const FLAGS_AND_USED: u32 = 0;
    pub const ALLOC: u32 = 4;
    pub const TABLE: u32 = 8;
    pub const SIZE: u32 = 12;

    pub const ALL_KEYS_ARE_QSTRS: u32 = 1 << 0;
    pub const IS_FIXED: u32 = 1 << 1;
    pub const IS_ORDERED: u32 = 1 << 2;
    pub const USED_SHIFT: u32 = 3;

    /// `mp_map_elem_t`: a key and its value.
    pub const ELEM_KEY: u32 = 0;
    pub const ELEM_VALUE: u32 = 4;
    pub const ELEM_SIZE: u32 = 8;
}

/// `mp_obj_dict_t` (py/obj.h): a base and an inline `mp_map_t`.
pub mod dict {
    pub const MAP: u32 = 4;
    pub const SIZE: u32 = 4 + super::map::SIZE;
}

/// `mp_obj_module_t` (py/obj.h).
pub mod module {
    pub const GLOBALS: u32 = 4;
    pub const SIZE: u32 = 8;
}

/// `mp_module_context_t` (py/bc.h): an `mp_obj_module_t` then `mp_module_constants_t`, which
/// holds the qstr table (`qstr_short_t *`, since loading `.mpy` files turns on
/// `MICROPY_EMIT_BYTECODE_USES_QSTR_TABLE`) and the constant object table.
pub mod module_context {
    pub const GLOBALS: u32 = super::module::GLOBALS;
    pub const QSTR_TABLE: u32 = 8;
    pub const OBJ_TABLE: u32 = 12;
    pub const SIZE: u32 = 16;
}

/// `mp_obj_fun_bc_t` (py/objfun.h), shared by bytecode and native functions (without
/// `MICROPY_PY_SYS_SETTRACE`): then `extra_args[]`, the positional defaults followed by the
/// keyword-defaults dict if any.
pub mod fun_bc {
    pub const CONTEXT: u32 = 4;
    pub const CHILD_TABLE: u32 = 8;
    pub const BYTECODE: u32 = 12;
    pub const EXTRA_ARGS: u32 = 16;
}

/// `mp_code_state_t` and `mp_code_state_native_t` (py/bc.h; without
/// `MICROPY_STACKLESS` and settrace both are the same 20-byte header), then `state[n_state]`,
/// then the exception stack of `mp_exc_stack_t`.
pub mod code_state {
    pub const FUN_BC: u32 = 0;
    pub const IP: u32 = 4;
    pub const SP: u32 = 8;
    /// `uint16_t`.
    pub const N_STATE: u32 = 12;
    /// `uint16_t`.
    pub const EXC_SP_IDX: u32 = 14;
    pub const OLD_GLOBALS: u32 = 16;
    pub const STATE: u32 = 20;
}

/// `mp_exc_stack_t` (py/bc.h).
pub mod exc_stack {
    pub const HANDLER: u32 = 0;
    pub const VAL_SP: u32 = 4;
    pub const PREV_EXC: u32 = 8;
    pub const SIZE: u32 = 12;
}

/// `mp_obj_str_t` (py/objstr.h), for `str` and `bytes`: `data` points at `len` bytes plus a
/// terminating NUL.
pub mod string {
    pub const HASH: u32 = 4;
    pub const LEN: u32 = 8;
    pub const DATA: u32 = 12;
    pub const SIZE: u32 = 16;
}

/// `mp_obj_tuple_t` (py/objtuple.h): the items follow inline.
pub mod tuple {
    pub const LEN: u32 = 4;
    pub const ITEMS: u32 = 8;

    pub const fn size(len: u32) -> u32 {
        ITEMS + len * super::WORD
    }
}

/// `mp_obj_list_t` (py/objlist.h): `items` points at a separate allocation of `alloc` words.
pub mod list {
    pub const ALLOC: u32 = 4;
    pub const LEN: u32 = 8;
    pub const ITEMS: u32 = 12;
    pub const SIZE: u32 = 16;
}

/// `mp_obj_array_t` (py/objarray.h), for `bytearray`, `array.array` and `memoryview`: one
/// word of bitfields (`typecode:8`, `free:24`), `len` in elements, and `items`.
pub mod array {
    pub const TYPECODE_AND_FREE: u32 = 4;
    pub const LEN: u32 = 8;
    pub const ITEMS: u32 = 12;
    pub const SIZE: u32 = 16;

    pub const TYPECODE_MASK: u32 = 0xFF;
    pub const FREE_SHIFT: u32 = 8;
}

/// `mp_obj_cell_t` (py/obj.h), read in place by native code for closed-over variables.
pub mod cell {
    pub const OBJ: u32 = 4;
    pub const SIZE: u32 = 8;
}

/// `mp_obj_closure_t` (py/objclosure.c): then `closed[n_closed]`.
pub mod closure {
    pub const FUN: u32 = 4;
    pub const N_CLOSED: u32 = 8;
    pub const CLOSED: u32 = 12;
}

/// `mp_buffer_info_t` (py/obj.h), filled by the buffer protocol for native callers.
pub mod buffer_info {
    pub const BUF: u32 = 0;
    pub const LEN: u32 = 4;
    pub const TYPECODE: u32 = 8;
    pub const SIZE: u32 = 12;
}

/// The type pointer of the object at `obj`.
pub fn type_of(arena: &Arena, obj: u32) -> u32 {
    arena.load_u32(obj + base::TYPE)
}

/// A `str` or `bytes` object (`mp_obj_str_t`) at an arena offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrObj(pub u32);

impl StrObj {
    /// Writes the header of a string object whose bytes live at `data`.
    pub fn init(arena: &mut Arena, obj: u32, type_: u32, hash: u32, len: u32, data: u32) -> StrObj {
        arena.store_u32(obj + base::TYPE, type_);
        arena.store_u32(obj + string::HASH, hash);
        arena.store_u32(obj + string::LEN, len);
        arena.store_u32(obj + string::DATA, data);
        StrObj(obj)
    }

    pub fn hash(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + string::HASH)
    }

    pub fn len(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + string::LEN)
    }

    pub fn is_empty(self, arena: &Arena) -> bool {
        self.len(arena) == 0
    }

    /// Arena offset of the first byte.
    pub fn data(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + string::DATA)
    }

    /// The `len` bytes, without the trailing NUL.
    pub fn bytes(self, arena: &Arena) -> &[u8] {
        arena.bytes(self.data(arena), self.len(arena))
    }
}

/// A `tuple` object (`mp_obj_tuple_t`) at an arena offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TupleObj(pub u32);

impl TupleObj {
    /// Writes the header of a tuple of `len` items, all `NULL` until set (the GC zeroes them).
    pub fn init(arena: &mut Arena, obj: u32, type_: u32, len: u32) -> TupleObj {
        arena.store_u32(obj + base::TYPE, type_);
        arena.store_u32(obj + tuple::LEN, len);
        TupleObj(obj)
    }

    pub fn len(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + tuple::LEN)
    }

    pub fn is_empty(self, arena: &Arena) -> bool {
        self.len(arena) == 0
    }

    /// Item `index`, or `None` past the end.
    pub fn get(self, arena: &Arena, index: u32) -> Option<Obj> {
        (index < self.len(arena)).then(|| Obj::from_raw(arena.load_u32(self.item_offset(index))))
    }

    /// Sets item `index`; returns false (changing nothing) past the end.
    pub fn set(self, arena: &mut Arena, index: u32, value: Obj) -> bool {
        if index >= self.len(arena) {
            return false;
        }
        arena.store_u32(self.item_offset(index), value.raw());
        true
    }

    fn item_offset(self, index: u32) -> u32 {
        self.0 + tuple::ITEMS + index * WORD
    }
}

/// A `list` object (`mp_obj_list_t`) at an arena offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListObj(pub u32);

impl ListObj {
    /// Writes the header of a list using the `alloc`-word item array at `items`.
    pub fn init(
        arena: &mut Arena,
        obj: u32,
        type_: u32,
        alloc: u32,
        len: u32,
        items: u32,
    ) -> ListObj {
        arena.store_u32(obj + base::TYPE, type_);
        arena.store_u32(obj + list::ALLOC, alloc);
        arena.store_u32(obj + list::LEN, len);
        arena.store_u32(obj + list::ITEMS, items);
        ListObj(obj)
    }

    pub fn alloc(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + list::ALLOC)
    }

    pub fn len(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + list::LEN)
    }

    pub fn is_empty(self, arena: &Arena) -> bool {
        self.len(arena) == 0
    }

    pub fn items(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + list::ITEMS)
    }

    /// Item `index`, or `None` past `len`.
    pub fn get(self, arena: &Arena, index: u32) -> Option<Obj> {
        (index < self.len(arena))
            .then(|| Obj::from_raw(arena.load_u32(self.items(arena) + index * WORD)))
    }
}

/// A `bytearray`, `memoryview` or `array.array` (`mp_obj_array_t`) at an arena offset. For a
/// memoryview, `free` is the offset (in elements) of its first element in `items`, and the
/// typecode's top bit marks it writable (see `objects::array`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrayObj(pub u32);

impl ArrayObj {
    /// Writes the header of an array of `len` elements at `items`.
    pub fn init(
        arena: &mut Arena,
        obj: u32,
        type_: u32,
        typecode: u8,
        free: u32,
        len: u32,
        items: u32,
    ) -> ArrayObj {
        arena.store_u32(obj + base::TYPE, type_);
        let a = ArrayObj(obj);
        a.set_typecode_and_free(arena, typecode, free);
        a.set_len(arena, len);
        a.set_items(arena, items);
        a
    }

    /// The typecode byte as stored (flag bit included).
    pub fn typecode(self, arena: &Arena) -> u8 {
        (arena.load_u32(self.0 + array::TYPECODE_AND_FREE) & array::TYPECODE_MASK) as u8
    }

    pub fn free(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + array::TYPECODE_AND_FREE) >> array::FREE_SHIFT
    }

    pub fn set_typecode_and_free(self, arena: &mut Arena, typecode: u8, free: u32) {
        let word = u32::from(typecode) | (free << array::FREE_SHIFT);
        arena.store_u32(self.0 + array::TYPECODE_AND_FREE, word);
    }

    pub fn len(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + array::LEN)
    }

    pub fn is_empty(self, arena: &Arena) -> bool {
        self.len(arena) == 0
    }

    pub fn set_len(self, arena: &mut Arena, len: u32) {
        arena.store_u32(self.0 + array::LEN, len);
    }

    pub fn items(self, arena: &Arena) -> u32 {
        arena.load_u32(self.0 + array::ITEMS)
    }

    pub fn set_items(self, arena: &mut Arena, items: u32) {
        arena.store_u32(self.0 + array::ITEMS, items);
    }
}

/// Declares a typed view of one C struct: a newtype over the object's arena offset with a
/// getter (and setter) per 32-bit field, named after the field.
macro_rules! struct_view {
    ($(#[$doc:meta])* $name:ident { $($field:ident / $set:ident: $offset:expr),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name(pub u32);

        impl $name {
            $(
                pub fn $field(self, arena: &Arena) -> u32 {
                    arena.load_u32(self.0 + $offset)
                }

                pub fn $set(self, arena: &mut Arena, value: u32) {
                    arena.store_u32(self.0 + $offset, value);
                }
            )*
        }
    };
}

struct_view! {
    /// A bytecode or native function (`mp_obj_fun_bc_t`) at an arena offset.
    FunBcObj {
        context / set_context: fun_bc::CONTEXT,
        child_table / set_child_table: fun_bc::CHILD_TABLE,
        bytecode / set_bytecode: fun_bc::BYTECODE,
    }
}

impl FunBcObj {
    /// Offset of `extra_args[index]` (positional defaults, then the keyword-defaults dict).
    pub fn extra_arg_offset(self, index: u32) -> u32 {
        self.0 + fun_bc::EXTRA_ARGS + index * WORD
    }
}

struct_view! {
    /// A module's context (`mp_module_context_t`): its globals and constant tables.
    ModuleContextObj {
        globals / set_globals: module_context::GLOBALS,
        qstr_table / set_qstr_table: module_context::QSTR_TABLE,
        obj_table / set_obj_table: module_context::OBJ_TABLE,
    }
}

impl ModuleContextObj {
    /// Global qstr number of the module's local qstr `index` (a `qstr_short_t`, 16 bits).
    pub fn qstr(self, arena: &Arena, index: u32) -> u16 {
        arena.load_u16(self.qstr_table(arena) + index * 2)
    }

    /// The module's constant object `index`.
    pub fn obj(self, arena: &Arena, index: u32) -> Obj {
        Obj::from_raw(arena.load_u32(self.obj_table(arena) + index * WORD))
    }
}

struct_view! {
    /// A running function's frame (`mp_code_state_t`); `ip` and `sp` are arena offsets.
    CodeStateObj {
        fun_bc / set_fun_bc: code_state::FUN_BC,
        ip / set_ip: code_state::IP,
        sp / set_sp: code_state::SP,
        old_globals / set_old_globals: code_state::OLD_GLOBALS,
    }
}

impl CodeStateObj {
    pub fn n_state(self, arena: &Arena) -> u16 {
        arena.load_u16(self.0 + code_state::N_STATE)
    }

    pub fn set_n_state(self, arena: &mut Arena, value: u16) {
        arena.store_u16(self.0 + code_state::N_STATE, value);
    }

    pub fn exc_sp_idx(self, arena: &Arena) -> u16 {
        arena.load_u16(self.0 + code_state::EXC_SP_IDX)
    }

    pub fn set_exc_sp_idx(self, arena: &mut Arena, value: u16) {
        arena.store_u16(self.0 + code_state::EXC_SP_IDX, value);
    }

    /// Offset of `state[index]` (locals are stored reversed at the end, stack from the start).
    pub fn state_offset(self, index: u32) -> u32 {
        self.0 + code_state::STATE + index * WORD
    }

    /// Bytes of a code state with `n_state` slots and `n_exc_stack` handler entries.
    pub const fn size(n_state: u32, n_exc_stack: u32) -> u32 {
        code_state::STATE + n_state * WORD + n_exc_stack * exc_stack::SIZE
    }
}

#[cfg(test)]
mod tests {
    use super::super::arena::Backing;
    use super::super::gc::{Heap, HeapConfig};
    use super::*;

    fn heap() -> Heap {
        let arena = Arena::new(Backing::preferred()).unwrap();
        let config = HeapConfig {
            pool_start: 0x1_0000,
            pool_size: 4096,
        };
        Heap::new(arena, config).unwrap()
    }

    #[test]
    fn header_sizes_follow_from_their_last_field() {
        assert_eq!(obj_type::size(0), 20);
        assert_eq!(obj_type::size(3), 32);
        assert_eq!(map::SIZE, map::TABLE + WORD);
        assert_eq!(dict::SIZE, 16);
        assert_eq!(
            dict::MAP + map::TABLE,
            12,
            "a dict's table pointer is its 4th word"
        );
        assert_eq!(module_context::SIZE, module_context::OBJ_TABLE + WORD);
        assert_eq!(code_state::STATE, code_state::OLD_GLOBALS + WORD);
        assert_eq!(string::SIZE, string::DATA + WORD);
        assert_eq!(list::SIZE, list::ITEMS + WORD);
        assert_eq!(array::SIZE, array::ITEMS + WORD);
        assert_eq!(tuple::size(2), 16);
        assert_eq!(exc_stack::SIZE, 3 * WORD);
        assert_eq!(buffer_info::SIZE, 3 * WORD);
    }

    #[test]
    fn native_code_word_indices_match_emitnative() {
        // emitnative.c addresses these fields as word indices (offsetof / sizeof(uintptr_t)).
        assert_eq!(fun_bc::CONTEXT / WORD, 1);
        assert_eq!(fun_bc::CHILD_TABLE / WORD, 2);
        assert_eq!(fun_bc::BYTECODE / WORD, 3);
        assert_eq!(module_context::GLOBALS / WORD, 1);
        assert_eq!(module_context::QSTR_TABLE / WORD, 2);
        assert_eq!(module_context::OBJ_TABLE / WORD, 3);
        assert_eq!(code_state::STATE / WORD, 5);
        assert_eq!(cell::OBJ / WORD, 1);
    }

    #[test]
    fn str_object_round_trips_through_the_arena() {
        let mut heap = heap();
        let data = heap.alloc(6).unwrap();
        heap.arena_mut()
            .bytes_mut(data, 6)
            .copy_from_slice(b"hello\0");
        let obj = heap.alloc(string::SIZE).unwrap();
        let s = StrObj::init(heap.arena_mut(), obj, 0x100, 0xBEEF, 5, data);
        let arena = heap.arena();
        assert_eq!(type_of(arena, obj), 0x100);
        assert_eq!(
            (s.hash(arena), s.len(arena), s.data(arena)),
            (0xBEEF, 5, data)
        );
        assert_eq!(s.bytes(arena), b"hello");
        assert!(!s.is_empty(arena));
        // Byte for byte what a 32-bit little-endian MCU sees.
        assert_eq!(arena.bytes(obj + 4, 8), &[0xEF, 0xBE, 0, 0, 5, 0, 0, 0]);
    }

    #[test]
    fn tuple_items_are_inline_and_bounds_checked() {
        let mut heap = heap();
        let obj = heap.alloc(tuple::size(2)).unwrap();
        let t = TupleObj::init(heap.arena_mut(), obj, 0x200, 2);
        assert_eq!(t.get(heap.arena(), 0), Some(Obj::NULL));
        assert!(t.set(heap.arena_mut(), 1, Obj::TRUE));
        assert!(!t.set(heap.arena_mut(), 2, Obj::TRUE));
        assert_eq!(t.get(heap.arena(), 1), Some(Obj::TRUE));
        assert_eq!(t.get(heap.arena(), 2), None);
        assert_eq!(heap.arena().load_u32(obj + 12), Obj::TRUE.raw());
    }

    #[test]
    fn list_items_live_in_their_own_allocation() {
        let mut heap = heap();
        let items = heap.alloc(4 * WORD).unwrap();
        heap.arena_mut().store_u32(items + 4, Obj::NONE.raw());
        let obj = heap.alloc(list::SIZE).unwrap();
        let l = ListObj::init(heap.arena_mut(), obj, 0x300, 4, 2, items);
        let arena = heap.arena();
        assert_eq!(
            (l.alloc(arena), l.len(arena), l.items(arena)),
            (4, 2, items)
        );
        assert_eq!(l.get(arena, 1), Some(Obj::NONE));
        assert_eq!(l.get(arena, 2), None, "beyond len, though within alloc");
        // Reachability goes through the items pointer: rooting the list keeps both.
        heap.add_root(Obj::from_ptr(obj).unwrap());
        assert_eq!(heap.collect(), 0);
        assert!(heap.is_allocated(items));
    }

    #[test]
    fn function_context_and_frame_views_read_their_c_offsets() {
        let mut heap = heap();
        let qstrs = heap.alloc(4).unwrap();
        heap.arena_mut().store_u16(qstrs + 2, 0x1234);
        let objs = heap.alloc(8).unwrap();
        heap.arena_mut().store_u32(objs + 4, Obj::TRUE.raw());
        let context = ModuleContextObj(heap.alloc(module_context::SIZE).unwrap());
        context.set_qstr_table(heap.arena_mut(), qstrs);
        context.set_obj_table(heap.arena_mut(), objs);
        context.set_globals(heap.arena_mut(), 0x40);
        let arena = heap.arena();
        assert_eq!(context.qstr(arena, 1), 0x1234);
        assert_eq!(context.obj(arena, 1), Obj::TRUE);
        assert_eq!(arena.load_u32(context.0 + 4), 0x40, "globals is word 1");

        let fun = FunBcObj(heap.alloc(fun_bc::EXTRA_ARGS + 8).unwrap());
        fun.set_context(heap.arena_mut(), context.0);
        fun.set_bytecode(heap.arena_mut(), 0x500);
        assert_eq!(heap.arena().load_u32(fun.0 + 4), context.0);
        assert_eq!(fun.bytecode(heap.arena()), 0x500);
        assert_eq!(fun.extra_arg_offset(1), fun.0 + 20);

        let size = CodeStateObj::size(3, 1);
        assert_eq!(size, 20 + 12 + 12);
        let frame = CodeStateObj(heap.alloc(size).unwrap());
        frame.set_fun_bc(heap.arena_mut(), fun.0);
        frame.set_n_state(heap.arena_mut(), 3);
        frame.set_exc_sp_idx(heap.arena_mut(), 0xBEEF);
        frame.set_sp(heap.arena_mut(), frame.state_offset(0));
        let arena = heap.arena();
        assert_eq!(arena.bytes(frame.0 + 12, 4), &[3, 0, 0xEF, 0xBE]);
        assert_eq!(frame.sp(arena), frame.0 + 20);
        assert_eq!((frame.n_state(arena), frame.exc_sp_idx(arena)), (3, 0xBEEF));
        assert_eq!(frame.fun_bc(arena), fun.0);
    }
}
