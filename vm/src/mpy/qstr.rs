//! The static qstrs: the strings every MicroPython build interns first, in a fixed order, so a
//! `.mpy` file can name them by index instead of spelling them out.
//!
//! This order is part of the `.mpy` v6 ABI (it is `static_qstr_list` in MicroPython's
//! `py/makeqstrdata.py`). Index 0 is `MP_QSTRnull`, which never names a string, so the first
//! entry below has index 1 and the last (`zip`) is `QSTR_LAST_STATIC`.

/// The static qstrs in ABI order; the qstr index of `STATIC_QSTRS[i]` is `i + 1`.
#[rustfmt::skip]
pub const STATIC_QSTRS: [&str; 165] = [
    "", "__dir__", "\n", " ", "*", "/", "<module>", "_", "__call__", "__class__", "__delitem__",
    "__enter__", "__exit__", "__getattr__", "__getitem__", "__hash__", "__init__", "__int__",
    "__iter__", "__len__", "__main__", "__module__", "__name__", "__new__", "__next__",
    "__qualname__", "__repr__", "__setitem__", "__str__", "ArithmeticError", "AssertionError",
    "AttributeError", "BaseException", "EOFError", "Ellipsis", "Exception", "GeneratorExit",
    "ImportError", "IndentationError", "IndexError", "KeyError", "KeyboardInterrupt",
    "LookupError", "MemoryError", "NameError", "NoneType", "NotImplementedError", "OSError",
    "OverflowError", "RuntimeError", "StopIteration", "SyntaxError", "SystemExit", "TypeError",
    "ValueError", "ZeroDivisionError", "abs", "all", "any", "append", "args", "bool", "builtins",
    "bytearray", "bytecode", "bytes", "callable", "chr", "classmethod", "clear", "close", "const",
    "copy", "count", "dict", "dir", "divmod", "end", "endswith", "eval", "exec", "extend", "find",
    "format", "from_bytes", "get", "getattr", "globals", "hasattr", "hash", "id", "index",
    "insert", "int", "isalpha", "isdigit", "isinstance", "islower", "isspace", "issubclass",
    "isupper", "items", "iter", "join", "key", "keys", "len", "list", "little", "locals", "lower",
    "lstrip", "main", "map", "micropython", "next", "object", "open", "ord", "pop", "popitem",
    "pow", "print", "range", "read", "readinto", "readline", "remove", "replace", "repr",
    "reverse", "rfind", "rindex", "round", "rsplit", "rstrip", "self", "send", "sep", "set",
    "setattr", "setdefault", "sort", "sorted", "split", "start", "startswith", "staticmethod",
    "step", "stop", "str", "strip", "sum", "super", "throw", "to_bytes", "tuple", "type", "update",
    "upper", "utf-8", "value", "values", "write", "zip",
];

/// The highest qstr index a `.mpy` file may refer to in static form (`MP_QSTR_zip`).
pub const LAST_STATIC_INDEX: u16 = STATIC_QSTRS.len() as u16;

/// The static qstr index of `s`, if `s` is one of the static qstrs.
pub fn static_qstr_index(s: &str) -> Option<u16> {
    // A linear scan over 165 short strings is fast enough for the writer, which calls this once
    // per module-table qstr, and keeps the table as plain data.
    STATIC_QSTRS
        .iter()
        .position(|&q| q == s)
        .map(|i| i as u16 + 1)
}

/// The string of static qstr `index` (1 ..= [`LAST_STATIC_INDEX`]).
pub fn static_qstr(index: u16) -> Option<&'static str> {
    let slot = usize::from(index).checked_sub(1)?;
    STATIC_QSTRS.get(slot).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_start_after_the_null_qstr() {
        assert_eq!(static_qstr_index(""), Some(1));
        assert_eq!(static_qstr_index("__dir__"), Some(2));
        assert_eq!(static_qstr_index("<module>"), Some(7));
        assert_eq!(static_qstr_index("zip"), Some(LAST_STATIC_INDEX));
        assert_eq!(static_qstr_index("float"), None);
    }

    #[test]
    fn lookup_by_index_inverts_lookup_by_name() {
        assert_eq!(static_qstr(0), None);
        assert_eq!(static_qstr(LAST_STATIC_INDEX + 1), None);
        for index in 1..=LAST_STATIC_INDEX {
            let name = static_qstr(index).unwrap();
            assert_eq!(static_qstr_index(name), Some(index));
        }
    }
}
