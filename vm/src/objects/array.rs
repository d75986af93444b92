//! `bytearray` and `memoryview`, in MicroPython's `mp_obj_array_t` (see
//! [`crate::runtime::layout::ArrayObj`]), the layout `array.array` shares.
//!
//! An array's elements live in their own arena allocation (`items`), `len` elements used and
//! `free` more allocated after them, so native code reads `items` directly. A memoryview uses
//! the same four words differently, as MicroPython does: `items` is the *start* of the
//! viewed allocation (so the GC keeps it alive), `free` is the view's offset in elements, and
//! the typecode's [`TYPECODE_FLAG_RW`] bit says whether it may be written. Slicing a
//! memoryview makes another view, with no copy.
use super::buffer::{typecode_size, Buffer, BYTEARRAY_TYPECODE};
use super::ty;
use crate::bytecode::BinaryOpNum as B;
use crate::format::quote::quote;
use crate::interp::ops::compare_result;
use crate::interp::{PyResult, Vm};
use crate::runtime::layout::{array, ArrayObj};
use crate::runtime::obj::Obj;

/// Set in a memoryview's typecode when its buffer is writable.
pub const TYPECODE_FLAG_RW: u8 = 0x80;
/// Elements an array grows by when an append finds it full (`array_append`).
const APPEND_GROWTH: u32 = 8;

impl Vm {
    /// Whether `obj` is laid out as `mp_obj_array_t` (bytearray, memoryview or array).
    pub fn is_array(&self, obj: Obj) -> bool {
        obj.is_ptr()
            && obj.raw() >= 16
            && matches!(
                self.type_of(obj),
                ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY
            )
    }

    /// A new array of type `type_` holding `data` (a whole number of `typecode` elements).
    pub fn new_array(&mut self, type_: u32, typecode: u8, data: &[u8]) -> PyResult<Obj> {
        let size = typecode_size(typecode).unwrap_or(1);
        let n_bytes = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let items = self.alloc(n_bytes)?;
        if n_bytes > 0 {
            self.arena_mut()
                .bytes_mut(items, n_bytes)
                .copy_from_slice(data);
        }
        let items_slot = self.root(Obj::from_raw(items))?;
        let obj = self.alloc(array::SIZE)?;
        let items = self.slot(items_slot).raw();
        ArrayObj::init(
            self.arena_mut(),
            obj,
            type_,
            typecode,
            0,
            n_bytes / size,
            items,
        );
        Ok(Obj::from_raw(obj))
    }

    pub fn new_bytearray(&mut self, data: &[u8]) -> PyResult<Obj> {
        self.new_array(ty::BYTEARRAY, BYTEARRAY_TYPECODE, data)
    }

    /// The buffer an array exposes: a memoryview's starts at its offset.
    pub(crate) fn array_buffer(&self, a: ArrayObj) -> Buffer {
        let arena = self.arena();
        let stored = a.typecode(arena);
        let is_view = self.type_of(Obj::from_raw(a.0)) == ty::MEMORYVIEW;
        let typecode = if is_view {
            stored & !TYPECODE_FLAG_RW
        } else {
            stored
        };
        let size = typecode_size(typecode).unwrap_or(1);
        let offset = if is_view { a.free(arena) * size } else { 0 };
        Buffer {
            addr: a.items(arena) + offset,
            len: a.len(arena) * size,
            typecode,
            writable: !is_view || stored & TYPECODE_FLAG_RW != 0,
        }
    }

    /// `memoryview(obj)`: a view of the whole buffer, writable if the buffer is.
    pub fn new_memoryview(&mut self, source: Obj) -> PyResult<Obj> {
        let buffer = self.get_buffer_raise(source)?;
        let size = typecode_size(buffer.typecode).unwrap_or(1);
        // Point at the start of the allocation (keeping it alive), with the offset in `free`.
        let (items, offset) = if self.type_of(source) == ty::MEMORYVIEW {
            let a = ArrayObj(source.raw());
            (a.items(self.arena()), a.free(self.arena()))
        } else {
            (buffer.addr, 0)
        };
        let flag = if buffer.writable { TYPECODE_FLAG_RW } else { 0 };
        let slot = self.root(source)?;
        let obj = self.alloc(array::SIZE)?;
        let _ = self.slot(slot);
        ArrayObj::init(
            self.arena_mut(),
            obj,
            ty::MEMORYVIEW,
            buffer.typecode | flag,
            offset,
            buffer.len / size,
            items,
        );
        Ok(Obj::from_raw(obj))
    }

    pub fn array_len(&self, obj: Obj) -> u32 {
        ArrayObj(obj.raw()).len(self.arena())
    }

    /// Element `index` (already bounds-checked) of an array or view.
    pub fn array_item(&mut self, obj: Obj, index: u32) -> PyResult<Obj> {
        let buffer = self.array_buffer(ArrayObj(obj.raw()));
        self.load_element(buffer.typecode, buffer.addr, index)
    }

    /// `bytearray.append` (`array_append`): grows by a few elements when full.
    pub fn array_append(&mut self, obj: Obj, item: Obj) -> PyResult<()> {
        let a = ArrayObj(obj.raw());
        let typecode = a.typecode(self.arena());
        let size = typecode_size(typecode).unwrap_or(1);
        if a.free(self.arena()) == 0 {
            let len = a.len(self.arena());
            self.array_reserve(obj, (len + APPEND_GROWTH) * size)?;
            a.set_typecode_and_free(self.arena_mut(), typecode, APPEND_GROWTH);
        }
        let (len, free) = (a.len(self.arena()), a.free(self.arena()));
        let items = a.items(self.arena());
        self.store_element(typecode, items, len, item)?;
        a.set_len(self.arena_mut(), len + 1);
        a.set_typecode_and_free(self.arena_mut(), typecode, free - 1);
        Ok(())
    }

    /// Reallocates an array's items to `n_bytes` (contents kept).
    fn array_reserve(&mut self, obj: Obj, n_bytes: u32) -> PyResult<()> {
        let slot = self.root(obj)?;
        let old = ArrayObj(obj.raw()).items(self.arena());
        let items = match self.heap.realloc(old, n_bytes) {
            Ok(items) => items,
            Err(oom) => return Err(self.raise_memory_error(oom)),
        };
        let a = ArrayObj(self.slot(slot).raw());
        a.set_items(self.arena_mut(), items);
        Ok(())
    }

    /// `bytearray.extend` and `+=`: raw bytes from anything with a buffer, else each item.
    pub fn array_extend(&mut self, obj: Obj, src: Obj) -> PyResult<()> {
        let Some(data) = self.buffer_bytes_of(src) else {
            let mark = self.stack_mark();
            let slot = self.root(obj)?;
            let iter = self.get_iter(src)?;
            let iter_slot = self.root(iter)?;
            while let Some(item) = self.iter_next(self.slot(iter_slot))? {
                self.array_append(self.slot(slot), item)?;
            }
            self.stack_release(mark);
            return Ok(());
        };
        let a = ArrayObj(obj.raw());
        let typecode = a.typecode(self.arena());
        let size = typecode_size(typecode).unwrap_or(1);
        let (len, free) = (a.len(self.arena()), a.free(self.arena()));
        let added = data.len() as u32 / size;
        let free = if free < added {
            self.array_reserve(obj, (len + added) * size)?;
            0
        } else {
            free - added
        };
        let items = a.items(self.arena());
        if added > 0 {
            self.arena_mut()
                .bytes_mut(items + len * size, added * size)
                .copy_from_slice(&data[..(added * size) as usize]);
        }
        a.set_len(self.arena_mut(), len + added);
        a.set_typecode_and_free(self.arena_mut(), typecode, free);
        Ok(())
    }

    /// `array[index]`: an element, or for a step-1 slice a copy (a view, for a memoryview).
    pub fn array_subscr(&mut self, obj: Obj, index: Obj) -> PyResult<Obj> {
        let a = ArrayObj(obj.raw());
        let len = a.len(self.arena());
        let t = self.type_of(obj);
        if self.type_of(index) != ty::SLICE {
            let i = self.seq_index(index, len, t)?;
            return self.array_item(obj, i);
        }
        let (start, stop) = self.unit_slice(index, len)?;
        if t == ty::MEMORYVIEW {
            // The offset shares a word with the typecode: 24 bits.
            if a.free(self.arena()) + start >= 1 << (32 - array::FREE_SHIFT) {
                return Err(self.raise_msg(ty::OVERFLOW_ERROR, "memoryview offset too large"));
            }
            let slot = self.root(obj)?;
            let view = self.alloc(array::SIZE)?;
            let a = ArrayObj(self.slot(slot).raw());
            let arena = self.arena_mut();
            let (typecode, offset) = (a.typecode(arena), a.free(arena));
            let items = a.items(arena);
            ArrayObj::init(
                arena,
                view,
                ty::MEMORYVIEW,
                typecode,
                offset + start,
                stop - start,
                items,
            );
            return Ok(Obj::from_raw(view));
        }
        let buffer = self.array_buffer(a);
        let size = typecode_size(buffer.typecode).unwrap_or(1);
        let data = self.buffer_bytes(buffer);
        let part = &data[(start * size) as usize..(stop * size) as usize];
        self.new_array(t, buffer.typecode, part)
    }

    /// `array[index] = value`, including step-1 slice assignment from another array or bytes
    /// (a memoryview's slice must keep its length).
    pub fn array_store_subscr(&mut self, obj: Obj, index: Obj, value: Obj) -> PyResult<()> {
        let a = ArrayObj(obj.raw());
        let t = self.type_of(obj);
        let buffer = self.array_buffer(a);
        if !buffer.writable {
            return Err(self.type_error("'memoryview' object doesn't support item assignment"));
        }
        let len = a.len(self.arena());
        if self.type_of(index) != ty::SLICE {
            let i = self.seq_index(index, len, t)?;
            return self.store_element(buffer.typecode, buffer.addr, i, value);
        }
        let (start, stop) = self.unit_slice(index, len)?;
        let size = typecode_size(buffer.typecode).unwrap_or(1);
        let src = match self.type_of(value) {
            ty::BYTEARRAY | ty::MEMORYVIEW | ty::ARRAY | ty::BYTES => {
                let src = self.get_buffer_raise(value)?;
                if typecode_size(src.typecode) != Some(size) {
                    return Err(self.value_error("lhs and rhs should be compatible"));
                }
                self.buffer_bytes(src)
            }
            _ => {
                return Err(self.raise_msg(
                    ty::NOT_IMPLEMENTED_ERROR,
                    "array/bytes required on right side",
                ))
            }
        };
        let old = self.buffer_bytes(buffer);
        let (from, to) = ((start * size) as usize, (stop * size) as usize);
        if t == ty::MEMORYVIEW {
            if src.len() != to - from {
                return Err(self.value_error("lhs and rhs should be compatible"));
            }
            if !src.is_empty() {
                self.arena_mut()
                    .bytes_mut(buffer.addr + from as u32, src.len() as u32)
                    .copy_from_slice(&src);
            }
            return Ok(());
        }
        let mut data = old[..from].to_vec();
        data.extend_from_slice(&src);
        data.extend_from_slice(&old[to..]);
        self.array_set_bytes(obj, &data)
    }

    /// Replaces all of an array's contents (reallocating when they grow).
    pub fn array_set_bytes(&mut self, obj: Obj, data: &[u8]) -> PyResult<()> {
        let a = ArrayObj(obj.raw());
        let typecode = a.typecode(self.arena());
        let size = typecode_size(typecode).unwrap_or(1);
        let capacity = (a.len(self.arena()) + a.free(self.arena())) * size;
        let n_bytes = data.len() as u32;
        if n_bytes > capacity {
            self.array_reserve(obj, n_bytes)?;
        }
        let capacity = capacity.max(n_bytes);
        let items = a.items(self.arena());
        if n_bytes > 0 {
            self.arena_mut()
                .bytes_mut(items, n_bytes)
                .copy_from_slice(data);
        }
        a.set_len(self.arena_mut(), n_bytes / size);
        a.set_typecode_and_free(self.arena_mut(), typecode, (capacity - n_bytes) / size);
        Ok(())
    }

    /// Operators with an array on the left (`array_binary_op`); `None` if unsupported.
    pub fn array_binary_op(&mut self, op: B, lhs: Obj, rhs: Obj) -> PyResult<Option<Obj>> {
        let is_view = self.type_of(lhs) == ty::MEMORYVIEW;
        let lhs_buf = self.array_buffer(ArrayObj(lhs.raw()));
        match op {
            B::Add if !is_view => {
                let rhs_buf = self.get_buffer_raise(rhs)?;
                let size = typecode_size(lhs_buf.typecode).unwrap_or(1);
                let mut data = self.buffer_bytes(lhs_buf);
                let extra = self.buffer_bytes(rhs_buf);
                data.extend_from_slice(&extra[..extra.len() / size as usize * size as usize]);
                let t = self.type_of(lhs);
                self.new_array(t, lhs_buf.typecode, &data).map(Some)
            }
            B::InplaceAdd if !is_view => {
                self.array_extend(lhs, rhs)?;
                Ok(Some(lhs))
            }
            B::Equal | B::NotEqual | B::Less | B::LessEqual | B::More | B::MoreEqual => {
                let Some(rhs_buf) = self.get_buffer(rhs) else {
                    return Ok(Some(Obj::bool(op == B::NotEqual)));
                };
                // Bytes compare only for the same integer element kind (signedness aside for
                // `==`), and only unsigned for ordering, as MicroPython does: other pairs
                // would need element-wise comparison, which it does not do.
                let (lhs_kind, lhs_unsigned) = comparison_kind(lhs_buf.typecode);
                let (rhs_kind, rhs_unsigned) = comparison_kind(rhs_buf.typecode);
                let equality = matches!(op, B::Equal | B::NotEqual);
                if lhs_kind != rhs_kind
                    || matches!(lhs_kind, b'f' | b'd')
                    || !(equality || lhs_unsigned || rhs_unsigned)
                {
                    return Err(self.raise_type(ty::NOT_IMPLEMENTED_ERROR));
                }
                let (a, b) = (self.buffer_bytes(lhs_buf), self.buffer_bytes(rhs_buf));
                Ok(Some(Obj::bool(compare_result(op, a.cmp(&b)))))
            }
            _ => Ok(None),
        }
    }

    /// `item in bytearray`: a byte value or a run of bytes.
    pub fn array_contains(&mut self, container: Obj, item: Obj) -> PyResult<bool> {
        let hay = self.buffer_bytes(self.array_buffer(ArrayObj(container.raw())));
        if let Some(needle) = self.buffer_bytes_of(item) {
            return Ok(self.type_of(container) == ty::BYTEARRAY && find(&hay, &needle).is_some());
        }
        if self.as_bigint(item).is_some() || self.type_of(item) == ty::FLOAT {
            return Err(self.raise_type(ty::NOT_IMPLEMENTED_ERROR));
        }
        Ok(false)
    }

    /// `repr` of a bytearray (`bytearray(b'...')`) or a memoryview.
    pub fn array_repr(&self, obj: Obj) -> String {
        if self.type_of(obj) == ty::MEMORYVIEW {
            return format!("<memoryview object at {:x}>", obj.raw());
        }
        let data = self.buffer_bytes(self.array_buffer(ArrayObj(obj.raw())));
        format!(
            "bytearray(b{})",
            String::from_utf8_lossy(&quote(&data, true))
        )
    }
}

/// A typecode as MicroPython compares buffers (`typecode_for_comparison`): the lowercase
/// element kind, and whether it was unsigned (bytearray's is `B`).
fn comparison_kind(typecode: u8) -> (u8, bool) {
    let typecode = if typecode == BYTEARRAY_TYPECODE {
        b'B'
    } else {
        typecode
    };
    (typecode.to_ascii_lowercase(), typecode.is_ascii_uppercase())
}

/// Index of the first occurrence of `needle` in `hay` (an empty needle is found at 0).
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}
