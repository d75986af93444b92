//! Exceptions: `mp_obj_exception_t` (`base`, `traceback_alloc:16 | traceback_len:16`,
//! `traceback_data`, `args`), with the traceback as `(file qstr, line, block qstr)` triples
//! appended as the exception leaves each frame, as `py/objexcept.c` keeps it.
use super::{is_builtin_exception_type, ty};
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;

const TB_SIZES: u32 = 4;
const TB_DATA: u32 = 8;
const ARGS: u32 = 12;
const SIZE: u32 = 16;
/// Traceback entries are appended three words at a time, growing by this many words.
const TB_GROWTH: u32 = 3 * 4;

/// One traceback entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TracebackEntry {
    pub file: u32,
    pub line: u32,
    pub block: u32,
}

impl Vm {
    /// A new exception of builtin exception type `exc_type` (or a user subclass' native part)
    /// with the argument tuple `args`.
    pub fn new_exception(&mut self, exc_type: u32, args: Obj) -> PyResult<Obj> {
        let slot = self.root(args)?;
        let obj = self.alloc_obj(exc_type, SIZE)?;
        let args = self.slot(slot);
        self.arena_mut().store_u32(obj + ARGS, args.raw());
        Ok(Obj::from_raw(obj))
    }

    /// A new exception with one `str` argument.
    pub fn new_exception_msg(&mut self, exc_type: u32, msg: &str) -> PyResult<Obj> {
        let text = self.new_str(msg)?;
        let args = self.new_tuple(&[text])?;
        self.new_exception(exc_type, args)
    }

    /// The native exception object behind `obj`: itself for builtin exception types, the
    /// native base instance for instances of user subclasses.
    pub fn native_exception(&self, obj: Obj) -> Option<u32> {
        if !obj.is_ptr() || obj.raw() < 16 {
            return None;
        }
        let t = self.type_of(obj);
        if is_builtin_exception_type(t) {
            return Some(obj.raw());
        }
        if self.is_user_type(t) && self.is_subclass(t, ty::BASE_EXCEPTION) {
            return self.native_part(obj).map(|native| native.raw());
        }
        None
    }

    pub fn is_exception_instance(&self, obj: Obj) -> bool {
        self.native_exception(obj).is_some()
    }

    /// The exception's `args` tuple.
    pub fn exception_args(&self, obj: Obj) -> Obj {
        match self.native_exception(obj) {
            Some(native) => Obj::from_raw(self.arena().load_u32(native + ARGS)),
            None => Obj::from_raw(super::EMPTY_TUPLE_OBJ),
        }
    }

    /// Appends one traceback entry; failing to allocate drops it, as MicroPython does.
    pub fn add_traceback(&mut self, exc: Obj, entry: TracebackEntry) {
        let Some(native) = self.native_exception(exc) else {
            return;
        };
        let sizes = self.arena().load_u32(native + TB_SIZES);
        let (alloc, len) = (sizes & 0xffff, sizes >> 16);
        let mut data = self.arena().load_u32(native + TB_DATA);
        if len + 3 > alloc {
            let new_alloc = alloc + TB_GROWTH / 4;
            if self.heap.is_locked() {
                return;
            }
            match self.heap.realloc(data, new_alloc * 4) {
                Ok(moved) => data = moved,
                Err(_) => return,
            }
            self.arena_mut().store_u32(native + TB_DATA, data);
            self.arena_mut()
                .store_u32(native + TB_SIZES, new_alloc | (len << 16));
        }
        let arena = self.arena_mut();
        arena.store_u32(data + len * 4, entry.file);
        arena.store_u32(data + len * 4 + 4, entry.line);
        arena.store_u32(data + len * 4 + 8, entry.block);
        let alloc = arena.load_u32(native + TB_SIZES) & 0xffff;
        arena.store_u32(native + TB_SIZES, alloc | ((len + 3) << 16));
    }

    /// The traceback entries, oldest (innermost frame first) as appended.
    pub fn traceback(&self, exc: Obj) -> Vec<TracebackEntry> {
        let Some(native) = self.native_exception(exc) else {
            return Vec::new();
        };
        let arena = self.arena();
        let len = arena.load_u32(native + TB_SIZES) >> 16;
        let data = arena.load_u32(native + TB_DATA);
        (0..len / 3)
            .map(|i| TracebackEntry {
                file: arena.load_u32(data + 12 * i),
                line: arena.load_u32(data + 12 * i + 4),
                block: arena.load_u32(data + 12 * i + 8),
            })
            .collect()
    }

    /// `StopIteration.value` and friends: the first argument, or `None`.
    pub fn exception_value(&self, exc: Obj) -> Obj {
        let args = self.exception_args(exc);
        self.seq_items(args).first().copied().unwrap_or(Obj::NONE)
    }
}

/// The errno names the unix port's `errno` module knows, with Linux's numbers (what
/// `OSError`'s message shows).
const ERRNO_NAMES: &[(i32, &str)] = &[
    (1, "EPERM"),
    (2, "ENOENT"),
    (5, "EIO"),
    (9, "EBADF"),
    (11, "EAGAIN"),
    (12, "ENOMEM"),
    (13, "EACCES"),
    (17, "EEXIST"),
    (19, "ENODEV"),
    (21, "EISDIR"),
    (22, "EINVAL"),
    (95, "EOPNOTSUPP"),
    (98, "EADDRINUSE"),
    (103, "ECONNABORTED"),
    (104, "ECONNRESET"),
    (105, "ENOBUFS"),
    (107, "ENOTCONN"),
    (110, "ETIMEDOUT"),
    (111, "ECONNREFUSED"),
    (113, "EHOSTUNREACH"),
    (114, "EALREADY"),
    (115, "EINPROGRESS"),
];

/// The name of errno `code`, if the unix port knows it (`mp_errno_to_str`).
pub fn errno_name(code: i32) -> Option<&'static str> {
    ERRNO_NAMES
        .iter()
        .find(|&&(number, _)| number == code)
        .map(|&(_, name)| name)
}
