//! Which string literals MicroPython's parser interns (turns into qstrs).
//!
//! `py/parse.c` interns every string literal of at most 10 bytes
//! (`MICROPY_ALLOC_PARSE_INTERN_STRING_LEN`) and any longer one that already exists as a qstr:
//! a name seen earlier in the source, a short string seen earlier, or a qstr built into the
//! compiler binary.

use std::collections::HashSet;
use std::rc::Rc;

/// Longest string literal MicroPython's parser always interns, in bytes.
const ALWAYS_INTERN_LEN: usize = 10;

/// The qstrs a parse has created so far, on top of the built-in ones.
#[derive(Debug, Default)]
pub(super) struct QstrPool {
    seen: HashSet<Rc<str>>,
}

impl QstrPool {
    /// A pool holding `known` besides the built-in qstrs.
    pub(super) fn with_known(known: &[String]) -> Self {
        let mut pool = QstrPool::default();
        for s in known {
            pool.add(s);
        }
        pool
    }

    /// Records a name or an interned string, as MicroPython's `qstr_from_strn` does.
    pub(super) fn add(&mut self, s: &str) {
        if !self.seen.contains(s) {
            self.seen.insert(Rc::from(s));
        }
    }

    /// Decides whether a string literal is interned, recording it if it is.
    pub(super) fn intern_literal(&mut self, s: &str) -> bool {
        if s.len() <= ALWAYS_INTERN_LEN {
            self.add(s);
            true
        } else {
            self.seen.contains(s) || is_builtin_qstr(s)
        }
    }
}

/// Whether mpy-cross 1.29 has `s` among the qstrs compiled into it, for strings longer than
/// [`ALWAYS_INTERN_LEN`] (shorter ones are interned anyway). The list was measured: every
/// candidate string of the mpy-cross binary was compiled as a literal and kept if mpy-cross
/// emitted it as a qstr. This is a larger set than the `.mpy` static qstr table
/// (`vm::mpy::qstr`), which holds only the qstrs every firmware shares.
pub(super) fn is_builtin_qstr(s: &str) -> bool {
    BUILTIN_LONG_QSTRS.binary_search(&s).is_ok()
}

/// Sorted, so [`is_builtin_qstr`] can binary-search it.
const BUILTIN_LONG_QSTRS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "GeneratorExit",
    "ImportError",
    "IndentationError",
    "Interpolation",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "NotImplementedError",
    "OverflowError",
    "RuntimeError",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "UnicodeError",
    "ViperTypeError",
    "ZeroDivisionError",
    "__build_class__",
    "__complex__",
    "__contains__",
    "__delitem__",
    "__getattr__",
    "__getitem__",
    "__qualname__",
    "__repl_print__",
    "__reversed__",
    "__setitem__",
    "__template__",
    "__traceback__",
    "bound_method",
    "classmethod",
    "difference_update",
    "format_spec",
    "heap_unlock",
    "interpolations",
    "intersection",
    "intersection_update",
    "maximum recursion depth exceeded",
    "micropython",
    "staticmethod",
    "string.templatelib",
    "symmetric_difference",
    "symmetric_difference_update",
    "templatelib",
    "unpack_from",
    "vcvt_f32_s32",
    "vcvt_s32_f32",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_is_sorted_and_long() {
        assert!(BUILTIN_LONG_QSTRS.windows(2).all(|w| w[0] < w[1]));
        assert!(BUILTIN_LONG_QSTRS
            .iter()
            .all(|s| s.len() > ALWAYS_INTERN_LEN));
    }

    #[test]
    fn interning_follows_micropython() {
        // Verified with mpy-cross 1.29: "__build_class__" and "staticmethod" compile to
        // LOAD_CONST_STRING, "hello world!" and "NotImplemented" to LOAD_CONST_OBJ.
        let mut pool = QstrPool::default();
        assert!(pool.intern_literal("__build_class__"));
        assert!(pool.intern_literal("staticmethod"));
        assert!(!pool.intern_literal("hello world!"));
        assert!(!pool.intern_literal("NotImplemented"));
        assert!(pool.intern_literal("short"));
        pool.add("a_long_identifier");
        assert!(pool.intern_literal("a_long_identifier"));
    }
}
