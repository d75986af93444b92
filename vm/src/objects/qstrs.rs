//! Qstr numbers the runtime names at compile time.
//!
//! The VM's qstr pool starts with MicroPython's static qstrs (the `.mpy` ABI order, so qstr
//! `n` here is static qstr `n` of a `.mpy` file) followed by [`EXTRA`], the further names the
//! runtime needs. Each constant below is resolved by a `const fn` search, so a name that is
//! missing from both tables is a compile error, not a runtime lookup.
use crate::mpy::qstr::STATIC_QSTRS;

/// Names interned after the static qstrs. Entries that are already static are harmless: the
/// static number is found first.
pub const EXTRA: &[&str] = &[
    "object",
    "NoneType",
    "bool",
    "int",
    "str",
    "bytes",
    "tuple",
    "list",
    "dict",
    "range",
    "function",
    "closure",
    "cell",
    "bound_method",
    "type",
    "module",
    "generator",
    "iterator",
    "builtin_function",
    "raw_code",
    "float",
    "slice",
    "super",
    "ellipsis",
    "NotImplementedType",
    "property",
    "staticmethod",
    "classmethod",
    "BaseException",
    "Exception",
    "UnboundLocalError",
    "RecursionError",
    "maximum recursion depth exceeded",
    "__add__",
    "__sub__",
    "__mul__",
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__contains__",
    "__bool__",
    "__neg__",
    "__pos__",
    "__invert__",
    "__truediv__",
    "__floordiv__",
    "__mod__",
    "__pow__",
    "__and__",
    "__or__",
    "__xor__",
    "__lshift__",
    "__rshift__",
    "__radd__",
    "__iadd__",
    "__isub__",
    "__imul__",
    "__doc__",
    "__dict__",
    "__bases__",
    "__build_class__",
    "__import__",
    "__file__",
    "max",
    "min",
    "isinstance",
    "reversed",
    "enumerate",
    "filter",
    "callable",
    "iter",
    "next",
    "hex",
    "bin",
    "oct",
    "hash",
    "id",
    "divmod",
    "sorted",
    "abs",
    "sum",
    "all",
    "any",
    "chr",
    "ord",
    "issubclass",
    "getattr",
    "setattr",
    "hasattr",
    "delattr",
    "print",
    "len",
    "repr",
    "str",
    "type",
    "add",
    "discard",
    "lower",
    "upper",
    "startswith",
    "endswith",
    "strip",
    "split",
    "join",
    "replace",
    "find",
    "format",
    "count",
    "index",
    "items",
    "keys",
    "values",
    "get",
    "reverse",
    "sort",
    "pop",
    "insert",
    "extend",
    "remove",
    "clear",
    "copy",
    "update",
    "setdefault",
    "popitem",
    "isdigit",
    "isalpha",
    "isspace",
    "lstrip",
    "rstrip",
    "rfind",
    "encode",
    "decode",
    "args",
    "value",
    "errno",
    "key",
    "default",
    "sep",
    "end",
    "file",
    "flush",
    "NotImplemented",
    "Ellipsis",
    "__next__",
    "__iter__",
    "__len__",
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__call__",
    "__enter__",
    "__exit__",
    "__repr__",
    "__str__",
    "__hash__",
    "__init__",
    "__new__",
    "__class__",
    "__name__",
    "__getattr__",
    "__module__",
    "__main__",
    "__qualname__",
    "send",
    "throw",
    "close",
    "<lambda>",
    "<listcomp>",
    "<dictcomp>",
    "<setcomp>",
    "<genexpr>",
    "<module>",
    "__setattr__",
    "__delattr__",
    "utf-8",
    "little",
    "big",
    "to_bytes",
    "from_bytes",
    "bit_length",
    "enumerate",
    "filter",
    "dict_view",
    "discard",
    "__path__",
    "__all__",
    "SyntaxError",
    "IndentationError",
    "TextIOWrapper",
    // builtin types and their methods (types branch)
    "memoryview",
    "frozenset",
    "complex",
    "itemsize",
    "fromhex",
    "splitlines",
    "partition",
    "rpartition",
    "center",
    "union",
    "intersection",
    "difference",
    "symmetric_difference",
    "isdisjoint",
    "issubset",
    "issuperset",
    "fromkeys",
    "real",
    "imag",
    "intersection_update",
    "difference_update",
    "symmetric_difference_update",
    "signed",
    "keepends",
    "rindex",
    "rsplit",
    "islower",
    "isupper",
    "hex",
    "append",
    "bytearray",
    "UnicodeError",
    "StopAsyncIteration",
    "SyntaxError",
    "IndentationError",
    "UnicodeError",
    "ViperTypeError",
    "__get__",
    "__set__",
    "__delete__",
    "__set_name__",
    "__getattribute__",
    "__init_subclass__",
    "getter",
    "setter",
    "deleter",
    "fget",
    "fset",
    "fdel",
    "doc",
    "native_base_init",
    "exec",
    "eval",
    "compile",
    "globals",
    "locals",
    "dir",
    "pend_throw",
    "code",
    "__traceback__",
    "__iadd__",
    "__isub__",
    "__imul__",
    "__imatmul__",
    "__ifloordiv__",
    "__itruediv__",
    "__imod__",
    "__ipow__",
    "__ior__",
    "__ixor__",
    "__iand__",
    "__ilshift__",
    "__irshift__",
    "__rsub__",
    "__rmul__",
    "__rmatmul__",
    "__rfloordiv__",
    "__rtruediv__",
    "__rmod__",
    "__rpow__",
    "__ror__",
    "__rxor__",
    "__rand__",
    "__rlshift__",
    "__rrshift__",
    "__matmul__",
    "__divmod__",
    "__abs__",
    "__int__",
    "__float__",
    "__aiter__",
    "__anext__",
    "__aenter__",
    "__aexit__",
    "__await__",
    "__globals__",
    "__repl_print__",
    "<string>",
    "single",
    "__dir__",
    "FileIO",
    "buffer",
    "fileno",
    "input",
    "__repl_print__",
    "length",
    "byteorder",
    "iterable",
];

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The qstr number of `name` in the VM's pool (static first, then [`EXTRA`]).
pub const fn q(name: &str) -> u32 {
    let mut i = 0;
    while i < STATIC_QSTRS.len() {
        if same(STATIC_QSTRS[i], name) {
            return i as u32 + 1;
        }
        i += 1;
    }
    let mut j = 0;
    while j < EXTRA.len() {
        if same(EXTRA[j], name) {
            return (STATIC_QSTRS.len() + 1 + j) as u32;
        }
        j += 1;
    }
    panic!("qstr missing from the runtime tables")
}

/// The pool's initial table: qstr 0 (`MP_QSTRnull`, never a name), the static qstrs, then
/// [`EXTRA`].
pub fn initial_table() -> Vec<&'static str> {
    let mut table = Vec::with_capacity(1 + STATIC_QSTRS.len() + EXTRA.len());
    table.push("\0");
    table.extend_from_slice(&STATIC_QSTRS);
    table.extend_from_slice(EXTRA);
    table
}

pub const INIT: u32 = q("__init__");
pub const NEW: u32 = q("__new__");
pub const CLASS: u32 = q("__class__");
pub const NAME: u32 = q("__name__");
pub const MODULE: u32 = q("__module__");
pub const QUALNAME: u32 = q("__qualname__");
pub const MAIN: u32 = q("__main__");
pub const MODULE_BLOCK: u32 = q("<module>");
pub const REPR: u32 = q("__repr__");
pub const STR: u32 = q("__str__");
pub const CALL: u32 = q("__call__");
pub const ITER: u32 = q("__iter__");
pub const NEXT: u32 = q("__next__");
pub const LEN: u32 = q("__len__");
pub const GETITEM: u32 = q("__getitem__");
pub const SETITEM: u32 = q("__setitem__");
pub const DELITEM: u32 = q("__delitem__");
pub const ENTER: u32 = q("__enter__");
pub const EXIT: u32 = q("__exit__");
pub const EQ: u32 = q("__eq__");
pub const HASH: u32 = q("__hash__");
pub const BOOL: u32 = q("__bool__");
pub const CONTAINS: u32 = q("__contains__");
pub const GETATTR: u32 = q("__getattr__");
pub const DICT: u32 = q("__dict__");
pub const BASES: u32 = q("__bases__");
pub const GET: u32 = q("__get__");
pub const SET: u32 = q("__set__");
pub const DELETE: u32 = q("__delete__");
pub const SET_NAME: u32 = q("__set_name__");
pub const SETATTR: u32 = q("__setattr__");
pub const DELATTR: u32 = q("__delattr__");
pub const ERRNO: u32 = q("errno");
pub const CODE: u32 = q("code");
pub const GLOBALS: u32 = q("__globals__");
pub const ARGS: u32 = q("args");
pub const VALUE: u32 = q("value");
pub const SEP: u32 = q("sep");
pub const END: u32 = q("end");
pub const KEY: u32 = q("key");
pub const REVERSE: u32 = q("reverse");
pub const EMPTY: u32 = q("");
pub const FILE: u32 = q("__file__");
pub const PATH: u32 = q("__path__");
pub const ALL: u32 = q("__all__");
pub const FILE_ARG: u32 = q("file");
pub const WRITE: u32 = q("write");
pub const BUFFER: u32 = q("buffer");
pub const IMPORT: u32 = q("__import__");
pub const BUILD_CLASS: u32 = q("__build_class__");
pub const DEFAULT: u32 = q("default");
pub const ITERABLE: u32 = q("iterable");
pub const START: u32 = q("start");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_name_their_strings() {
        let table = initial_table();
        for (number, name) in [(INIT, "__init__"), (ARGS, "args"), (DICT, "__dict__")] {
            assert_eq!(table[number as usize], name);
        }
        assert_eq!(q("<module>"), 7, "static qstrs keep their .mpy numbers");
    }
}
