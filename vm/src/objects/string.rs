//! `str` and `bytes`: qstr words or `mp_obj_str_t` objects (`base, hash, len, data`) whose
//! `data` is a separate NUL-terminated allocation, as in MicroPython.
//!
//! Concatenation is amortised so that `s += x` in a loop is linear: a concatenation result
//! gets a data buffer with spare room, and a later `s + x` whose `s` ends exactly where the
//! buffer's used bytes end writes `x` into that room and makes a new object sharing the
//! buffer. Older objects stay correct because each reads only its own `len` bytes. Appended
//! text never contains NUL, so "the byte after my last one is NUL" means "nothing was
//! appended after me yet" (the allocation is zeroed, and every append writes a non-NUL byte
//! at the old end). Such objects store hash 0 (MicroPython's "not computed"), and
//! [`Vm::str_hash`] computes it when asked, so building a long string never hashes it.
use super::ty;
use crate::interp::{PyResult, Vm};
use crate::runtime::layout::{string, StrObj};
use crate::runtime::obj::Obj;
use crate::runtime::qstr::compute_hash;

/// Bytes of hash MicroPython's unix port keeps (`MICROPY_QSTR_BYTES_IN_HASH`).
const BYTES_IN_HASH: u8 = 2;

impl Vm {
    /// A `str` with this text: the qstr if it is already interned, else a heap string.
    pub fn new_str(&mut self, text: &str) -> PyResult<Obj> {
        if let Some(q) = self.qstrs.find(text.as_bytes()) {
            return Ok(Obj::qstr(q).unwrap_or(Obj::NONE));
        }
        self.new_str_object(ty::STR, text.as_bytes())
    }

    pub fn new_bytes(&mut self, data: &[u8]) -> PyResult<Obj> {
        self.new_str_object(ty::BYTES, data)
    }

    fn new_str_object(&mut self, type_: u32, data: &[u8]) -> PyResult<Obj> {
        let len = u32::try_from(data.len()).unwrap_or(u32::MAX - 1);
        let buf = self.alloc(len + 1)?;
        self.arena_mut().bytes_mut(buf, len).copy_from_slice(data);
        let hash = compute_hash(data, BYTES_IN_HASH);
        self.str_object_over(type_, buf, len, hash)
    }

    /// A string object over the `len` bytes at `buf` (an allocation, rooted here).
    fn str_object_over(&mut self, type_: u32, buf: u32, len: u32, hash: u32) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let buf_slot = self.root(Obj::from_raw(buf))?;
        let obj = self.alloc(string::SIZE)?;
        let buf = self.slot(buf_slot).raw();
        self.stack_release(mark);
        StrObj::init(self.arena_mut(), obj, type_, hash, len, buf);
        Ok(Obj::from_raw(obj))
    }

    /// `lhs + rhs` for two `str`s or two `bytes` (`type_`), amortised as the module doc says.
    pub fn str_concat(&mut self, type_: u32, lhs: Obj, rhs: Obj) -> PyResult<Obj> {
        let tail = self.str_bytes(rhs);
        if lhs.is_qstr() || tail.is_empty() || tail.contains(&0) {
            let mut joined = self.str_bytes(lhs);
            joined.extend_from_slice(&tail);
            return self.new_concat_result(type_, &joined);
        }
        let s = StrObj(lhs.raw());
        let (data, len) = (s.data(self.arena()), s.len(self.arena()));
        let new_len = len.saturating_add(tail.len() as u32);
        let room = self.heap.allocation_size(data).unwrap_or(0);
        let at_end = room > len && self.arena().load_u8(data + len) == 0;
        if !at_end || new_len >= room || new_len as usize <= self.qstrs.longest() {
            let mut joined = self.str_bytes(lhs);
            joined.extend_from_slice(&tail);
            return self.new_concat_result(type_, &joined);
        }
        // `lhs` (on the caller's stack) keeps the buffer alive until the new object holds it.
        self.arena_mut()
            .bytes_mut(data + len, tail.len() as u32)
            .copy_from_slice(&tail);
        self.str_object_over(type_, data, new_len, 0)
    }

    /// A concatenation's result: the qstr if interned, else a string with room to grow.
    fn new_concat_result(&mut self, type_: u32, data: &[u8]) -> PyResult<Obj> {
        if type_ == ty::STR {
            if let Some(q) = self.qstrs.find(data) {
                return Ok(Obj::qstr(q).unwrap_or(Obj::NONE));
            }
        }
        let len = u32::try_from(data.len()).unwrap_or(u32::MAX / 2);
        let buf = self.alloc(len.saturating_mul(2).max(len + 1))?;
        self.arena_mut().bytes_mut(buf, len).copy_from_slice(data);
        self.str_object_over(type_, buf, len, 0)
    }

    /// Whether `obj` is a `str` (qstr or heap string).
    pub fn is_str(&self, obj: Obj) -> bool {
        obj.is_qstr() || (obj.is_ptr() && obj.raw() >= 16 && self.type_of(obj) == ty::STR)
    }

    pub fn is_bytes(&self, obj: Obj) -> bool {
        obj.is_ptr() && obj.raw() >= 16 && self.type_of(obj) == ty::BYTES
    }

    /// The bytes of a `str` or `bytes` object (a copy, so the heap may change meanwhile).
    /// Anything else gives no bytes: callers check types first, and a wrong guess must not
    /// read a foreign object as a string.
    pub fn str_bytes(&self, obj: Obj) -> Vec<u8> {
        if let Some(q) = obj.as_qstr() {
            return self.qstrs.get(q).unwrap_or_default().to_vec();
        }
        if !(self.is_str(obj) || self.is_bytes(obj)) {
            return Vec::new();
        }
        StrObj(obj.raw()).bytes(self.arena()).to_vec()
    }

    /// The text of argument `obj`, or MicroPython's `TypeError` if it is not a `str`.
    pub fn expect_str(&mut self, obj: Obj) -> PyResult<String> {
        if self.is_str(obj) {
            return Ok(self.str_text(obj));
        }
        let name = self.type_name_of(obj);
        Err(self.type_error(&format!("can't convert '{name}' object to str implicitly")))
    }

    /// The text of a `str` object.
    pub fn str_text(&self, obj: Obj) -> String {
        String::from_utf8_lossy(&self.str_bytes(obj)).into_owned()
    }

    /// The hash MicroPython gives a `str` or `bytes` (computed here for a concatenation's
    /// result, which stores 0).
    pub fn str_hash(&self, obj: Obj) -> u32 {
        match obj.as_qstr() {
            Some(q) => self.qstrs.hash(q).unwrap_or(0),
            None => match StrObj(obj.raw()).hash(self.arena()) {
                0 => compute_hash(StrObj(obj.raw()).bytes(self.arena()), BYTES_IN_HASH),
                hash => hash,
            },
        }
    }

    /// The qstr for a `str` object's text, interning it.
    pub fn str_to_qstr(&mut self, obj: Obj) -> PyResult<u32> {
        match obj.as_qstr() {
            Some(q) => Ok(q),
            None => {
                let text = self.str_text(obj);
                self.intern(&text)
            }
        }
    }
}
