//! `range`, `slice` and the iterators. Iterators for the common sequences fit in the four
//! value-stack words a `for` loop reserves (`mp_obj_iter_buf_t`), so `GET_ITER_STACK` builds
//! them in place on the Python stack with no heap allocation.
use super::ty;
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;

/// Iterator kinds over a dict (the word after the position).
pub const DICT_KEYS: u32 = 0;
pub const DICT_VALUES: u32 = 1;
pub const DICT_ITEMS: u32 = 2;

impl Vm {
    pub fn new_range(&mut self, start: i64, stop: i64, step: i64) -> PyResult<Obj> {
        let obj = self.alloc_obj(ty::RANGE, 16)?;
        let arena = self.arena_mut();
        arena.store_u32(obj + 4, start as u32);
        arena.store_u32(obj + 8, stop as u32);
        arena.store_u32(obj + 12, step as u32);
        Ok(Obj::from_raw(obj))
    }

    fn range_fields(&self, obj: Obj) -> (i64, i64, i64) {
        let arena = self.arena();
        let word = |off: u32| i64::from(arena.load_u32(obj.raw() + off) as i32);
        (word(4), word(8), word(12))
    }

    pub fn range_len(&self, obj: Obj) -> i64 {
        let (start, stop, step) = self.range_fields(obj);
        let len = if step > 0 {
            (stop - start + step - 1) / step
        } else {
            (stop - start + step + 1) / step
        };
        len.max(0)
    }

    pub fn range_subscr(&mut self, obj: Obj, index: Obj) -> PyResult<Obj> {
        let len = self.range_len(obj) as u32;
        if self.type_of(index) == ty::SLICE {
            // A slice of a range is the range of the selected values.
            let (start, _, step) = self.range_fields(obj);
            let b = self.slice_bounds(index, len)?;
            return self.new_range(start + b.start * step, start + b.stop * step, step * b.step);
        }
        let i = self.seq_index(index, len, ty::RANGE)?;
        let (start, _, step) = self.range_fields(obj);
        self.new_int(start + i64::from(i) * step)
    }

    pub fn new_slice(&mut self, start: Obj, stop: Obj, step: Obj) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let first = self.root_all(&[start, stop, step])?;
        let obj = self.alloc_obj(ty::SLICE, 16)?;
        self.arena_mut().copy_within(first, obj + 4, 12);
        self.stack_release(mark);
        Ok(Obj::from_raw(obj))
    }

    /// The items a slice selects from `items` (Python's slice semantics).
    pub fn slice_pick(&mut self, items: &[Obj], slice: Obj) -> PyResult<Vec<Obj>> {
        let len = items.len() as i64;
        let bound = |vm: &mut Vm, o: Obj| -> PyResult<Option<i64>> {
            if o == Obj::NONE {
                Ok(None)
            } else {
                vm.get_int(o).map(Some)
            }
        };
        let step = bound(self, self.field(slice, 3))?.unwrap_or(1);
        if step == 0 {
            return Err(self.value_error("slice step can't be zero"));
        }
        let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
        let norm = |v: i64| if v < 0 { v + len } else { v };
        let (lo, hi) = if step > 0 { (0, len) } else { (-1, len - 1) };
        let start = match bound(self, self.field(slice, 1))? {
            Some(v) => clamp(norm(v), lo, hi),
            None => {
                if step > 0 {
                    0
                } else {
                    len - 1
                }
            }
        };
        let stop = match bound(self, self.field(slice, 2))? {
            Some(v) => clamp(norm(v), lo, hi),
            None => {
                if step > 0 {
                    len
                } else {
                    -1
                }
            }
        };
        let mut picked = Vec::new();
        let mut i = start;
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
            picked.push(items[i as usize]);
            i += step;
        }
        Ok(picked)
    }

    /// Writes the iterator of `obj` into the four words at `buf` when it fits there, else
    /// stores `NULL` and a heap iterator (`mp_getiter` with an iter buffer).
    pub fn get_iter_stack(&mut self, obj: Obj, buf: u32) -> PyResult<()> {
        let obj = self.native_stand_in(obj, crate::objects::qstrs::ITER)?;
        if let Some(words) = self.inline_iter(obj) {
            for (i, word) in words.iter().enumerate() {
                self.arena_mut().store_u32(buf + 4 * i as u32, *word);
            }
            return Ok(());
        }
        let iter = self.get_iter(obj)?;
        self.arena_mut().store_u32(buf, 0);
        self.arena_mut().store_u32(buf + 4, iter.raw());
        Ok(())
    }

    /// The four words of an iterator over a builtin sequence, if `obj` is one.
    fn inline_iter(&self, obj: Obj) -> Option<[u32; 4]> {
        if obj.is_qstr() {
            return Some([ty::SEQ_ITER, obj.raw(), 0, 0]);
        }
        if !obj.is_ptr() || obj.raw() < 16 {
            return None;
        }
        match self.type_of(obj) {
            ty::RANGE => {
                let (start, stop, step) = self.range_fields(obj);
                Some([ty::RANGE_ITER, start as u32, stop as u32, step as u32])
            }
            ty::LIST
            | ty::TUPLE
            | ty::STR
            | ty::BYTES
            | ty::BYTEARRAY
            | ty::MEMORYVIEW
            | ty::ARRAY => Some([ty::SEQ_ITER, obj.raw(), 0, 0]),
            ty::DICT => Some([ty::DICT_VIEW_ITER, obj.raw(), 0, DICT_KEYS]),
            ty::SET | ty::FROZENSET => Some([ty::SET_ITER, obj.raw(), 0, 0]),
            ty::DICT_VIEW => Some([
                ty::DICT_VIEW_ITER,
                self.field(obj, 1).raw(),
                0,
                self.field(obj, 2).raw(),
            ]),
            _ => None,
        }
    }

    /// `iter(obj)` (`mp_getiter`).
    pub fn get_iter(&mut self, obj: Obj) -> PyResult<Obj> {
        let obj = self.native_stand_in(obj, crate::objects::qstrs::ITER)?;
        if let Some(words) = self.inline_iter(obj) {
            let it = self.alloc(16)?;
            for (i, word) in words.iter().enumerate() {
                self.arena_mut().store_u32(it + 4 * i as u32, *word);
            }
            return Ok(Obj::from_raw(it));
        }
        let t = self.type_of(obj);
        if matches!(
            t,
            ty::RANGE_ITER
                | ty::SET_ITER
                | ty::SEQ_ITER
                | ty::DICT_VIEW_ITER
                | ty::GENERATOR
                | ty::GETITEM_ITER
                | ty::ENUMERATE
                | ty::ZIP
                | ty::MAP
                | ty::FILTER
        ) {
            return Ok(obj);
        }
        if let Some(iter) = self.call_special(obj, crate::objects::qstrs::ITER, &[])? {
            return Ok(iter);
        }
        if self.is_user_type(t) && self.class_lookup(t, crate::objects::qstrs::NEXT)?.is_some() {
            return Ok(obj);
        }
        if self.is_user_type(t)
            && self
                .class_lookup(t, crate::objects::qstrs::GETITEM)?
                .is_some()
        {
            // The old protocol: `obj[0]`, `obj[1]`, ... until IndexError (`mp_obj_getitem_iter`).
            let start = Obj::small_int(0).unwrap_or(Obj::NONE);
            return self.new_pair(ty::GETITEM_ITER, obj, start);
        }
        let name = self.type_name_of(obj);
        Err(self.type_error(&format!("'{name}' object isn't iterable")))
    }

    /// The next item, or `None` when exhausted (`mp_iternext`, with `StopIteration` from
    /// user iterators turned into `None`).
    pub fn iter_next(&mut self, iter: Obj) -> PyResult<Option<Obj>> {
        let it = iter.raw();
        match self.type_of(iter) {
            ty::RANGE_ITER => {
                let arena = self.arena();
                let cur = i64::from(arena.load_u32(it + 4) as i32);
                let stop = i64::from(arena.load_u32(it + 8) as i32);
                let step = i64::from(arena.load_u32(it + 12) as i32);
                if (step > 0 && cur < stop) || (step < 0 && cur > stop) {
                    self.arena_mut().store_u32(it + 4, (cur + step) as u32);
                    return self.new_int(cur).map(Some);
                }
                Ok(None)
            }
            ty::SEQ_ITER => {
                let seq = self.field(iter, 1);
                let index = self.arena().load_u32(it + 8);
                if self.is_str(seq) || self.is_bytes(seq) {
                    let data = self.str_bytes(seq);
                    let Some(&first) = data.get(index as usize) else {
                        return Ok(None);
                    };
                    if self.is_bytes(seq) {
                        self.arena_mut().store_u32(it + 8, index + 1);
                        return Ok(Obj::small_int(first.into()));
                    }
                    let width = utf8_width(first);
                    let end = (index as usize + width).min(data.len());
                    let ch = String::from_utf8_lossy(&data[index as usize..end]).into_owned();
                    self.arena_mut().store_u32(it + 8, end as u32);
                    return self.new_str(&ch).map(Some);
                }
                if self.is_array(seq) {
                    if index >= self.array_len(seq) {
                        return Ok(None);
                    }
                    self.arena_mut().store_u32(it + 8, index + 1);
                    return self.array_item(seq, index).map(Some);
                }
                let (start, len) = self.seq_raw(seq);
                if index >= len {
                    return Ok(None);
                }
                self.arena_mut().store_u32(it + 8, index + 1);
                Ok(Some(Obj::from_raw(
                    self.arena().load_u32(start + 4 * index),
                )))
            }
            ty::DICT_VIEW_ITER => {
                let dict = self.field(iter, 1);
                let pos = self.arena().load_u32(it + 8);
                let kind = self.arena().load_u32(it + 12);
                let Some((next, key, value)) = self.dict_next(dict, pos) else {
                    return Ok(None);
                };
                self.arena_mut().store_u32(it + 8, next);
                match kind {
                    DICT_KEYS => Ok(Some(key)),
                    DICT_VALUES => Ok(Some(value)),
                    _ => self.new_tuple(&[key, value]).map(Some),
                }
            }
            ty::SET_ITER => {
                let set = self.field(iter, 1);
                let pos = self.arena().load_u32(it + 8);
                let Some((next, item)) = self.set_next(set, pos) else {
                    return Ok(None);
                };
                self.arena_mut().store_u32(it + 8, next);
                Ok(Some(item))
            }
            ty::ENUMERATE => {
                // {type, iterator, next index}
                let Some(value) = self.iter_next(self.field(iter, 1))? else {
                    return Ok(None);
                };
                let mark = self.stack_mark();
                let value_slot = self.root(value)?;
                let index = self.field(iter, 2);
                let index_slot = self.root(index)?;
                let one = Obj::small_int(1).unwrap_or(index);
                let next = self.binary_op(crate::bytecode::BinaryOpNum::Add, index, one)?;
                self.arena_mut().store_u32(it + 8, next.raw());
                let pair = [self.slot(index_slot), self.slot(value_slot)];
                let tuple = self.new_tuple(&pair);
                self.stack_release(mark);
                tuple.map(Some)
            }
            ty::ZIP | ty::MAP => {
                // {type, tuple of iterators, function (map only)}: one item from each.
                let mark = self.stack_mark();
                let iter_slot = self.root(iter)?;
                let items = self.new_list(&[])?;
                let items_slot = self.root(items)?;
                let n = self.seq_raw(self.field(iter, 1)).1;
                if n == 0 {
                    // `zip()` of nothing is empty.
                    self.stack_release(mark);
                    return Ok(None);
                }
                for i in 0..n {
                    let (start, _) = self.seq_raw(self.field(self.slot(iter_slot), 1));
                    let sub = Obj::from_raw(self.arena().load_u32(start + 4 * i));
                    let Some(value) = self.iter_next(sub)? else {
                        self.stack_release(mark);
                        return Ok(None);
                    };
                    self.list_append(self.slot(items_slot), value)?;
                }
                let (first, n) = self.seq_raw(self.slot(items_slot));
                let iter = self.slot(iter_slot);
                let result = if self.type_of(iter) == ty::ZIP {
                    self.new_tuple_from_arena(first, n)
                } else {
                    let fun = self.field(iter, 2);
                    let args = crate::interp::call::Args {
                        base: first,
                        n_pos: n,
                        n_kw: 0,
                    };
                    self.call(fun, args)
                };
                self.stack_release(mark);
                result.map(Some)
            }
            ty::FILTER => loop {
                let Some(value) = self.iter_next(self.field(iter, 1))? else {
                    return Ok(None);
                };
                let fun = self.field(iter, 2);
                let keep = if fun == Obj::NONE {
                    value
                } else {
                    let slot = self.root(value)?;
                    let keep = self.call_objs(fun, &[value])?;
                    let _ = self.slot(slot);
                    keep
                };
                if self.is_true(keep)? {
                    return Ok(Some(value));
                }
            },
            ty::GETITEM_ITER => {
                let index = self.field(iter, 2);
                match self.subscr(self.field(iter, 1), index) {
                    Ok(value) => {
                        let next = index.as_small_int().unwrap_or(0) + 1;
                        let next = Obj::small_int(next.into()).unwrap_or(Obj::NONE);
                        self.arena_mut().store_u32(it + 8, next.raw());
                        Ok(Some(value))
                    }
                    Err(raise) => {
                        let exc = self.pending_exception();
                        let t = self.type_of(exc);
                        if self.is_subclass(t, ty::INDEX_ERROR)
                            || self.is_subclass(t, ty::STOP_ITERATION)
                        {
                            Ok(None)
                        } else {
                            Err(raise)
                        }
                    }
                }
            }
            ty::GENERATOR => match self.resume(iter, Obj::NONE)? {
                crate::interp::gen::Resumed::Yield(value) => Ok(Some(value)),
                crate::interp::gen::Resumed::Return(_) => Ok(None),
            },
            _ => {
                let result = self.call_special(iter, crate::objects::qstrs::NEXT, &[]);
                match result {
                    Ok(Some(value)) => Ok(Some(value)),
                    Ok(None) => {
                        let name = self.type_name_of(iter);
                        Err(self.type_error(&format!("'{name}' object isn't an iterator")))
                    }
                    Err(raise) => {
                        let exc = self.pending_exception();
                        if self.is_subclass(self.type_of(exc), ty::STOP_ITERATION) {
                            self.keep_stop_iteration_arg(exc);
                            Ok(None)
                        } else {
                            Err(raise)
                        }
                    }
                }
            }
        }
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}
