//! `tuple` and `list` in MicroPython's layouts: a tuple's items follow its header; a list
//! points at a separate item array of `alloc` words.
use super::{ty, EMPTY_TUPLE_OBJ};
use crate::interp::{PyResult, Vm};
use crate::runtime::layout::{list, tuple, ListObj, TupleObj};
use crate::runtime::obj::Obj;

/// Smallest item array a list allocates (`LIST_MIN_ALLOC`).
const LIST_MIN_ALLOC: u32 = 4;

impl Vm {
    /// A tuple of `items`; the items are rooted while the tuple is allocated.
    pub fn new_tuple(&mut self, items: &[Obj]) -> PyResult<Obj> {
        if items.is_empty() {
            return Ok(Obj::from_raw(EMPTY_TUPLE_OBJ));
        }
        let mark = self.stack_mark();
        let first = self.root_all(items)?;
        let obj = self.new_tuple_from_arena(first, items.len() as u32);
        self.stack_release(mark);
        obj
    }

    /// A tuple of the `n` words at arena address `src` (a rooted region, such as the Python
    /// stack), read after allocating.
    pub fn new_tuple_from_arena(&mut self, src: u32, n: u32) -> PyResult<Obj> {
        if n == 0 {
            return Ok(Obj::from_raw(EMPTY_TUPLE_OBJ));
        }
        let obj = self.alloc(tuple::size(n))?;
        TupleObj::init(self.arena_mut(), obj, ty::TUPLE, n);
        self.arena_mut().copy_within(src, obj + tuple::ITEMS, n * 4);
        Ok(Obj::from_raw(obj))
    }

    /// Roots every item on the Python stack; returns the address of the first.
    pub fn root_all(&mut self, items: &[Obj]) -> PyResult<u32> {
        let first = self.stack_mark();
        for &item in items {
            self.root(item)?;
        }
        Ok(first)
    }

    /// A list of the `n` words at arena address `src` (a rooted region).
    pub fn new_list_from_arena(&mut self, src: u32, n: u32) -> PyResult<Obj> {
        let alloc = n.max(LIST_MIN_ALLOC);
        let items = self.alloc(alloc * 4)?;
        self.arena_mut().copy_within(src, items, n * 4);
        let items_slot = self.root(Obj::from_raw(items))?;
        let obj = self.alloc(list::SIZE)?;
        let items = self.slot(items_slot).raw();
        ListObj::init(self.arena_mut(), obj, ty::LIST, alloc, n, items);
        Ok(Obj::from_raw(obj))
    }

    pub fn new_list(&mut self, items: &[Obj]) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let first = self.root_all(items)?;
        let obj = self.new_list_from_arena(first, items.len() as u32);
        self.stack_release(mark);
        obj
    }

    /// `list.append` (`mp_obj_list_append`): doubles the item array when full.
    pub fn list_append(&mut self, list_obj: Obj, item: Obj) -> PyResult<()> {
        let l = ListObj(list_obj.raw());
        let (len, alloc) = (l.len(self.arena()), l.alloc(self.arena()));
        if len >= alloc {
            let mark = self.stack_mark();
            let list_slot = self.root(list_obj)?;
            let item_slot = self.root(item)?;
            let new_alloc = (alloc * 2).max(LIST_MIN_ALLOC);
            let old = l.items(self.arena());
            let items = match self.heap.realloc(old, new_alloc * 4) {
                Ok(items) => items,
                Err(oom) => return Err(self.raise_memory_error(oom)),
            };
            let list_obj = self.slot(list_slot);
            let item = self.slot(item_slot);
            self.stack_release(mark);
            let l = ListObj(list_obj.raw());
            self.arena_mut().store_u32(l.0 + list::ITEMS, items);
            self.arena_mut().store_u32(l.0 + list::ALLOC, new_alloc);
            return self.list_append(list_obj, item);
        }
        let items = l.items(self.arena());
        self.arena_mut().store_u32(items + len * 4, item.raw());
        self.arena_mut().store_u32(l.0 + list::LEN, len + 1);
        Ok(())
    }

    /// The items of a tuple or list (copied out; root them before allocating).
    pub fn seq_items(&self, obj: Obj) -> Vec<Obj> {
        let arena = self.arena();
        let (start, len) = match self.type_of(obj) {
            ty::TUPLE => {
                let t = TupleObj(obj.raw());
                (obj.raw() + tuple::ITEMS, t.len(arena))
            }
            _ => {
                let l = ListObj(obj.raw());
                (l.items(arena), l.len(arena))
            }
        };
        (0..len)
            .map(|i| Obj::from_raw(arena.load_u32(start + 4 * i)))
            .collect()
    }

    /// Address of item 0 and the length of a tuple or list.
    pub fn seq_raw(&self, obj: Obj) -> (u32, u32) {
        let arena = self.arena();
        if self.type_of(obj) == ty::TUPLE {
            (obj.raw() + tuple::ITEMS, TupleObj(obj.raw()).len(arena))
        } else {
            let l = ListObj(obj.raw());
            (l.items(arena), l.len(arena))
        }
    }

    /// `list[a:b] = items` and `del list[a:b]` (`items` empty): step 1 only, as MicroPython;
    /// the new items come from a tuple or list.
    pub fn list_store_slice(&mut self, list_obj: Obj, slice: Obj, items: Obj) -> PyResult<()> {
        if !matches!(self.type_of(items), ty::TUPLE | ty::LIST) {
            let name = self.type_name_of(items);
            return Err(self.type_error(&format!("object '{name}' isn't a tuple or list")));
        }
        let len = self.seq_raw(list_obj).1;
        let bounds = self.slice_bounds(slice, len)?;
        if bounds.step != 1 {
            return Err(self.raise_type(ty::NOT_IMPLEMENTED_ERROR));
        }
        let (start, stop) = (bounds.start as u32, bounds.stop.max(bounds.start) as u32);
        let mark = self.stack_mark();
        let list_slot = self.root(list_obj)?;
        let new_items = self.seq_items(items);
        let old = self.seq_items(list_obj);
        self.root_all(&new_items)?;
        let mut all = old[..start as usize].to_vec();
        all.extend_from_slice(&new_items);
        all.extend_from_slice(&old[stop as usize..]);
        let n = all.len() as u32;
        let l = ListObj(self.slot(list_slot).raw());
        if n > l.alloc(self.arena()) {
            let items = match self.heap.realloc(l.items(self.arena()), n * 4) {
                Ok(items) => items,
                Err(oom) => return Err(self.raise_memory_error(oom)),
            };
            self.arena_mut().store_u32(l.0 + list::ITEMS, items);
            self.arena_mut().store_u32(l.0 + list::ALLOC, n);
        }
        let items = l.items(self.arena());
        for (i, item) in all.iter().enumerate() {
            self.arena_mut().store_u32(items + 4 * i as u32, item.raw());
        }
        // Clear the slots a shrink frees, so they keep nothing alive.
        for i in n..old.len() as u32 {
            self.arena_mut().store_u32(items + 4 * i, 0);
        }
        self.list_set_len(Obj::from_raw(l.0), n);
        self.stack_release(mark);
        Ok(())
    }

    /// Sets a list's length (items past it must already be written or be dropped).
    pub fn list_set_len(&mut self, list_obj: Obj, len: u32) {
        self.arena_mut().store_u32(list_obj.raw() + list::LEN, len);
    }
}
