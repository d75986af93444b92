//! Object types: the immortal static region holding every builtin type object, and the
//! per-type modules that build and read objects in MicroPython's 32-bit layouts.
//!
//! A builtin type is an `mp_obj_type_t`-shaped object at a fixed arena address below the GC
//! pool, laid out when the VM starts and never collected. Because the addresses are constants
//! ([`ty`]), Rust dispatches on an object's type by comparing its type word with them: no
//! hashing, no table lookup on the hot path. User classes are type objects in the GC heap
//! with the same layout (their `parent` and `locals_dict` slots filled).
pub mod array;
pub mod buffer;
pub mod class;
pub mod complex;
pub mod dict;
pub mod exception;
pub mod fun;
pub mod int;
pub mod iter;
pub mod qstrs;
pub mod seq;
pub mod set;
pub mod slice;
pub mod string;

use crate::runtime::arena::Arena;
use crate::runtime::layout::{base, obj_type};
use crate::runtime::obj::{Obj, ObjKind};

/// First address of the static region (after a page that stays unmapped, so stray small
/// words like `NULL + 4` never read a real object).
pub const STATIC_BASE: u32 = 0x1000;
/// Bytes per builtin type object: the header plus three slots (parent, locals dict, spare).
pub const TYPE_STRIDE: u32 = 32;
/// Where the builtin function objects start (`{type, index}` pairs, 8 bytes each).
pub const BUILTIN_FUN_BASE: u32 = 0x4000;
/// Bytes per builtin function object.
pub const BUILTIN_FUN_STRIDE: u32 = 8;
/// Static singletons (`Ellipsis`, `NotImplemented`, the empty tuple) live here.
pub const SINGLETON_BASE: u32 = 0xC000;
/// End of the static region; the GC pool starts at or after it.
pub const STATIC_END: u32 = 0x1_0000;

/// Slot numbers (1-based, as the type's slot-index bytes store them) of the slots krait fills.
pub const SLOT_PARENT: u8 = 1;
pub const SLOT_LOCALS_DICT: u8 = 2;

macro_rules! builtin_types {
    ($($konst:ident = $name:literal < $parent:ident;)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(u32)]
        enum TypeIndex { $($konst,)* }

        /// The addresses of the builtin type objects.
        pub mod ty {
            use super::*;
            /// Marks a type with no parent (only `object`).
            pub const NO_PARENT: u32 = 0;
            /// Owner of builtins that are neither global functions nor a type's methods.
            pub const INTERNAL: u32 = 4;
            $(pub const $konst: u32 = STATIC_BASE + (TypeIndex::$konst as u32) * TYPE_STRIDE;)*
        }

        /// Every builtin type: its address, name and parent.
        pub const BUILTIN_TYPES: &[(u32, &str, u32)] = &[$((ty::$konst, $name, ty::$parent),)*];
    };
}

builtin_types! {
    OBJECT = "object" < NO_PARENT;
    TYPE = "type" < OBJECT;
    NONE_TYPE = "NoneType" < OBJECT;
    // MicroPython's bool has no base: isinstance(True, int) is False there.
    BOOL = "bool" < OBJECT;
    INT = "int" < OBJECT;
    FLOAT = "float" < OBJECT;
    STR = "str" < OBJECT;
    BYTES = "bytes" < OBJECT;
    TUPLE = "tuple" < OBJECT;
    LIST = "list" < OBJECT;
    DICT = "dict" < OBJECT;
    SET = "set" < OBJECT;
    RANGE = "range" < OBJECT;
    SLICE = "slice" < OBJECT;
    FUNCTION = "function" < OBJECT;
    CLOSURE = "closure" < OBJECT;
    CELL = "cell" < OBJECT;
    BOUND_METHOD = "bound_method" < OBJECT;
    BUILTIN_FUNCTION = "function" < OBJECT;
    // A function whose code is host machine code (`@native`, `@viper`).
    FUN_NATIVE = "function" < OBJECT;
    MODULE = "module" < OBJECT;
    RAW_CODE = "raw_code" < OBJECT;
    SUPER = "super" < OBJECT;
    ELLIPSIS = "ellipsis" < OBJECT;
    NOT_IMPLEMENTED = "NotImplementedType" < OBJECT;
    STATICMETHOD = "staticmethod" < OBJECT;
    CLASSMETHOD = "classmethod" < OBJECT;
    PROPERTY = "property" < OBJECT;
    CODE = "code" < OBJECT;
    GETITEM_ITER = "iterator" < OBJECT;
    GENERATOR = "generator" < OBJECT;
    ENUMERATE = "enumerate" < OBJECT;
    ZIP = "zip" < OBJECT;
    MAP = "map" < OBJECT;
    FILTER = "filter" < OBJECT;
    RANGE_ITER = "iterator" < OBJECT;
    SEQ_ITER = "iterator" < OBJECT;
    DICT_VIEW_ITER = "iterator" < OBJECT;
    SET_ITER = "iterator" < OBJECT;
    DICT_VIEW = "dict_view" < OBJECT;
    TEXT_IO = "TextIOWrapper" < OBJECT;
    BYTEARRAY = "bytearray" < OBJECT;
    MEMORYVIEW = "memoryview" < OBJECT;
    FROZENSET = "frozenset" < OBJECT;
    FILE_IO = "FileIO" < OBJECT;
    ATTR_TUPLE = "tuple" < OBJECT;
    COMPLEX = "complex" < OBJECT;
    ARRAY = "array" < OBJECT;
    BASE_EXCEPTION = "BaseException" < OBJECT;
    SYSTEM_EXIT = "SystemExit" < BASE_EXCEPTION;
    KEYBOARD_INTERRUPT = "KeyboardInterrupt" < BASE_EXCEPTION;
    GENERATOR_EXIT = "GeneratorExit" < BASE_EXCEPTION;
    EXCEPTION = "Exception" < BASE_EXCEPTION;
    STOP_ITERATION = "StopIteration" < EXCEPTION;
    ARITHMETIC_ERROR = "ArithmeticError" < EXCEPTION;
    OVERFLOW_ERROR = "OverflowError" < ARITHMETIC_ERROR;
    ZERO_DIVISION_ERROR = "ZeroDivisionError" < ARITHMETIC_ERROR;
    ASSERTION_ERROR = "AssertionError" < EXCEPTION;
    ATTRIBUTE_ERROR = "AttributeError" < EXCEPTION;
    EOF_ERROR = "EOFError" < EXCEPTION;
    IMPORT_ERROR = "ImportError" < EXCEPTION;
    LOOKUP_ERROR = "LookupError" < EXCEPTION;
    INDEX_ERROR = "IndexError" < LOOKUP_ERROR;
    KEY_ERROR = "KeyError" < LOOKUP_ERROR;
    MEMORY_ERROR = "MemoryError" < EXCEPTION;
    NAME_ERROR = "NameError" < EXCEPTION;
    OS_ERROR = "OSError" < EXCEPTION;
    RUNTIME_ERROR = "RuntimeError" < EXCEPTION;
    NOT_IMPLEMENTED_ERROR = "NotImplementedError" < RUNTIME_ERROR;
    TYPE_ERROR = "TypeError" < EXCEPTION;
    VALUE_ERROR = "ValueError" < EXCEPTION;
    SYNTAX_ERROR = "SyntaxError" < EXCEPTION;
    INDENTATION_ERROR = "IndentationError" < SYNTAX_ERROR;
    UNICODE_ERROR = "UnicodeError" < VALUE_ERROR;
    STOP_ASYNC_ITERATION = "StopAsyncIteration" < EXCEPTION;
    VIPER_TYPE_ERROR = "ViperTypeError" < TYPE_ERROR;
}

/// Address of the `Ellipsis` singleton.
pub const ELLIPSIS_OBJ: u32 = SINGLETON_BASE;
/// Address of the `NotImplemented` singleton.
pub const NOT_IMPLEMENTED_OBJ: u32 = SINGLETON_BASE + 16;
/// Address of the empty tuple (`mp_const_empty_tuple`).
pub const EMPTY_TUPLE_OBJ: u32 = SINGLETON_BASE + 32;

/// Whether `addr` is a builtin (static) type object.
pub fn is_builtin_type(addr: u32) -> bool {
    (STATIC_BASE..STATIC_BASE + BUILTIN_TYPES.len() as u32 * TYPE_STRIDE).contains(&addr)
        && (addr - STATIC_BASE).is_multiple_of(TYPE_STRIDE)
}

/// Whether `addr` is one of the builtin exception types.
pub fn is_builtin_exception_type(addr: u32) -> bool {
    is_builtin_type(addr) && addr >= ty::BASE_EXCEPTION
}

/// The type of any object: the immediates' builtin types, else the type word at offset 0
/// (`mp_obj_get_type`).
#[inline]
pub fn type_of(arena: &Arena, obj: Obj) -> u32 {
    match obj.kind() {
        ObjKind::SmallInt(_) => ty::INT,
        ObjKind::Qstr(_) => ty::STR,
        ObjKind::Immediate(v) => {
            if v == 0 {
                ty::NONE_TYPE
            } else {
                ty::BOOL
            }
        }
        ObjKind::Ptr(addr) => arena.load_u32(addr + base::TYPE),
    }
}

/// Writes the static region: every builtin type object and the singletons. Called once when
/// the VM starts, after the region is committed; `name_qstr` maps a type name to its qstr.
pub fn write_static_region(arena: &mut Arena, name_qstr: impl Fn(&str) -> u32) {
    for &(addr, name, parent) in BUILTIN_TYPES {
        write_type_header(arena, addr, name_qstr(name) as u16, 0);
        arena.store_u8(addr + obj_type::SLOT_INDEX_PARENT, SLOT_PARENT);
        arena.store_u32(slot_addr(addr, SLOT_PARENT), parent);
    }
    arena.store_u32(ELLIPSIS_OBJ, ty::ELLIPSIS);
    arena.store_u32(NOT_IMPLEMENTED_OBJ, ty::NOT_IMPLEMENTED);
    arena.store_u32(EMPTY_TUPLE_OBJ, ty::TUPLE);
    arena.store_u32(EMPTY_TUPLE_OBJ + 4, 0);
}

/// Writes an `mp_obj_type_t` header with no slots set.
pub fn write_type_header(arena: &mut Arena, addr: u32, name: u16, flags: u16) {
    arena.store_u32(addr + base::TYPE, ty::TYPE);
    arena.store_u16(addr + obj_type::FLAGS, flags);
    arena.store_u16(addr + obj_type::NAME, name);
    for index in obj_type::SLOT_INDEX_MAKE_NEW..obj_type::SLOTS {
        arena.store_u8(addr + index, 0);
    }
}

/// Address of 1-based slot `slot` of the type at `type_addr`.
pub fn slot_addr(type_addr: u32, slot: u8) -> u32 {
    type_addr + obj_type::SLOTS + (u32::from(slot) - 1) * 4
}

/// The type's `parent` slot: 0, a type, or a tuple of bases.
pub fn type_parent(arena: &Arena, type_addr: u32) -> u32 {
    match arena.load_u8(type_addr + obj_type::SLOT_INDEX_PARENT) {
        0 => 0,
        slot => arena.load_u32(slot_addr(type_addr, slot)),
    }
}

/// The type's `locals_dict` slot (0 for builtin types, whose methods Rust dispatches).
pub fn type_locals_dict(arena: &Arena, type_addr: u32) -> u32 {
    match arena.load_u8(type_addr + obj_type::SLOT_INDEX_LOCALS_DICT) {
        0 => 0,
        slot => arena.load_u32(slot_addr(type_addr, slot)),
    }
}

/// The type's name qstr.
pub fn type_name(arena: &Arena, type_addr: u32) -> u32 {
    u32::from(arena.load_u16(type_addr + obj_type::NAME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_region_layout_fits() {
        let types_end = STATIC_BASE + BUILTIN_TYPES.len() as u32 * TYPE_STRIDE;
        assert!(types_end <= BUILTIN_FUN_BASE);
        assert!(is_builtin_type(ty::OBJECT) && is_builtin_type(ty::VALUE_ERROR));
        assert!(!is_builtin_type(ty::OBJECT + 4) && !is_builtin_type(types_end));
        assert!(is_builtin_exception_type(ty::KEY_ERROR) && !is_builtin_exception_type(ty::LIST));
        assert_eq!(obj_type::size(3), TYPE_STRIDE);
    }
}
