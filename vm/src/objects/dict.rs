//! `dict` (`mp_obj_dict_t`: a base and an inline `mp_map_t`) over [`crate::runtime::map`],
//! with the VM supplying hashing and equality. Module globals are dicts too.
use super::ty;
use crate::interp::{PyResult, Raise, Vm};
use crate::runtime::gc::{Heap, OutOfMemory};
use crate::runtime::layout::{dict, map as map_layout};
use crate::runtime::map::{self, LookupKind, MapContext, MapRef};
use crate::runtime::obj::Obj;

/// A map operation failed: out of memory, or hashing/equality raised.
pub enum MapError {
    Oom(OutOfMemory),
    Raised(Raise),
}

impl From<OutOfMemory> for MapError {
    fn from(oom: OutOfMemory) -> MapError {
        MapError::Oom(oom)
    }
}

impl MapContext for Vm {
    type Error = MapError;

    fn heap(&self) -> &Heap {
        &self.heap
    }

    fn heap_mut(&mut self) -> &mut Heap {
        &mut self.heap
    }

    fn hash(&mut self, key: Obj) -> Result<u32, MapError> {
        Vm::hash(self, key).map_err(MapError::Raised)
    }

    fn equal(&mut self, a: Obj, b: Obj) -> Result<bool, MapError> {
        self.equal(a, b).map_err(MapError::Raised)
    }

    fn is_exact_str(&self, key: Obj) -> bool {
        !key.is_qstr() && self.is_str(key)
    }
}

impl Vm {
    fn map_result<T>(&mut self, result: Result<T, MapError>) -> PyResult<T> {
        result.map_err(|err| match err {
            MapError::Oom(oom) => self.raise_memory_error(oom),
            MapError::Raised(raise) => raise,
        })
    }

    /// `d.copy()`: a new dict with `d`'s table, flags and order.
    pub fn dict_copy(&mut self, d: Obj) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let slot = self.root(d)?;
        let alloc = Vm::dict_map(d).alloc(&self.heap);
        let copy = self.new_dict(alloc)?;
        let src = self.slot(slot).raw() + dict::MAP;
        self.stack_release(mark);
        let dst = copy.raw() + dict::MAP;
        let flags = self.arena().load_u32(src + map_layout::FLAGS_AND_USED);
        self.arena_mut()
            .store_u32(dst + map_layout::FLAGS_AND_USED, flags);
        let (from, to) = (
            self.arena().load_u32(src + map_layout::TABLE),
            self.arena().load_u32(dst + map_layout::TABLE),
        );
        self.arena_mut()
            .copy_within(from, to, alloc * map_layout::ELEM_SIZE);
        Ok(copy)
    }

    pub fn new_dict(&mut self, n: u32) -> PyResult<Obj> {
        let obj = self.alloc_obj(ty::DICT, dict::SIZE)?;
        let slot = self.root(Obj::from_raw(obj))?;
        if let Err(oom) = MapRef(obj + dict::MAP).init(&mut self.heap, n) {
            return Err(self.raise_memory_error(oom));
        }
        Ok(self.slot(slot))
    }

    /// The `mp_map_t` inside a dict object.
    pub fn dict_map(dict_obj: Obj) -> MapRef {
        MapRef(dict_obj.raw() + dict::MAP)
    }

    /// `d[key] = value`.
    pub fn dict_store(&mut self, d: Obj, key: Obj, value: Obj) -> PyResult<()> {
        let mark = self.stack_mark();
        let d_slot = self.root(d)?;
        let k_slot = self.root(key)?;
        let v_slot = self.root(value)?;
        let found = map::lookup(self, Self::dict_map(d), key, LookupKind::AddIfNotFound);
        let slot = self.map_result(found)?;
        let value = self.slot(v_slot);
        let _ = (d_slot, k_slot);
        if let Some(slot) = slot {
            map::set_slot_value(&mut self.heap, slot, value);
        }
        self.stack_release(mark);
        Ok(())
    }

    /// `d.get(key)`: the value, or `None` when absent.
    pub fn dict_get(&mut self, d: Obj, key: Obj) -> PyResult<Option<Obj>> {
        let found = map::lookup(self, Self::dict_map(d), key, LookupKind::Lookup);
        let slot = self.map_result(found)?;
        Ok(slot.map(|slot| map::slot_value(&self.heap, slot)))
    }

    /// Removes `key`, returning its value if it was present.
    pub fn dict_remove(&mut self, d: Obj, key: Obj) -> PyResult<Option<Obj>> {
        let found = map::lookup(self, Self::dict_map(d), key, LookupKind::RemoveIfFound);
        let slot = self.map_result(found)?;
        Ok(slot.map(|slot| map::slot_value(&self.heap, slot)))
    }

    /// The entries in MicroPython's iteration order (copied out).
    pub fn dict_entries(&self, d: Obj) -> Vec<(Obj, Obj)> {
        Self::dict_map(d).entries(&self.heap)
    }

    pub fn dict_len(&self, d: Obj) -> u32 {
        Self::dict_map(d).used(&self.heap)
    }

    /// The entry at table position `pos` or later: `(next position, key, value)`, for
    /// iterators that walk the table without copying it.
    pub fn dict_next(&self, d: Obj, mut pos: u32) -> Option<(u32, Obj, Obj)> {
        let map = Self::dict_map(d);
        let alloc = map.alloc(&self.heap);
        while pos < alloc {
            let key = map.key_at(&self.heap, pos);
            if key != Obj::NULL && key != Obj::SENTINEL {
                let value = map::slot_value(&self.heap, map.slot(&self.heap, pos));
                return Some((pos + 1, key, value));
            }
            pos += 1;
        }
        None
    }

    /// Looks a qstr name up in a dict (globals, a class's locals).
    pub fn dict_get_qstr(&mut self, d: Obj, name: u32) -> PyResult<Option<Obj>> {
        let key = Obj::qstr(name).unwrap_or(Obj::NONE);
        self.dict_get(d, key)
    }

    pub fn dict_store_qstr(&mut self, d: Obj, name: u32, value: Obj) -> PyResult<()> {
        let key = Obj::qstr(name).unwrap_or(Obj::NONE);
        self.dict_store(d, key, value)
    }
}
