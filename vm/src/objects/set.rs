//! `set` (`mp_obj_set_t`: a base and an `mp_set_t` of `alloc`, `used`, `table`), probing as
//! `py/map.c`'s `mp_set_lookup` does so sets iterate in MicroPython's order.
use super::ty;
use crate::interp::{PyResult, Vm};
use crate::runtime::map::alloc_at_least;
use crate::runtime::obj::Obj;

const ALLOC: u32 = 4;
const USED: u32 = 8;
const TABLE: u32 = 12;
const SIZE: u32 = 16;

impl Vm {
    /// An empty set with room for `n` items (`mp_set_init`: exactly `n` slots).
    pub fn new_set(&mut self, n: u32) -> PyResult<Obj> {
        let table = self.alloc(4 * n)?;
        let slot = self.root(Obj::from_raw(table))?;
        let set = self.alloc_obj(ty::SET, SIZE)?;
        let table = self.slot(slot).raw();
        self.arena_mut().store_u32(set + ALLOC, n);
        self.arena_mut().store_u32(set + TABLE, table);
        Ok(Obj::from_raw(set))
    }

    pub fn set_len(&self, set: Obj) -> u32 {
        self.arena().load_u32(set.raw() + USED)
    }

    /// The items in table order.
    pub fn set_items(&self, set: Obj) -> Vec<Obj> {
        let mut items = Vec::new();
        let mut pos = 0;
        while let Some((next, item)) = self.set_next(set, pos) {
            items.push(item);
            pos = next;
        }
        items
    }

    /// The first item at table position `pos` or later, and the position after it.
    pub fn set_next(&self, set: Obj, mut pos: u32) -> Option<(u32, Obj)> {
        let arena = self.arena();
        let alloc = arena.load_u32(set.raw() + ALLOC);
        let table = arena.load_u32(set.raw() + TABLE);
        while pos < alloc {
            let item = Obj::from_raw(arena.load_u32(table + 4 * pos));
            pos += 1;
            if item != Obj::NULL && item != Obj::SENTINEL {
                return Some((pos, item));
            }
        }
        None
    }

    /// `set.add`.
    pub fn set_add(&mut self, set: Obj, item: Obj) -> PyResult<()> {
        self.set_lookup(set, item, Lookup::Add).map(|_| ())
    }

    pub fn set_contains(&mut self, set: Obj, item: Obj) -> PyResult<bool> {
        Ok(self.set_lookup(set, item, Lookup::Find)?.is_some())
    }

    /// Removes `item`; whether it was there.
    pub fn set_remove(&mut self, set: Obj, item: Obj) -> PyResult<bool> {
        Ok(self.set_lookup(set, item, Lookup::Remove)?.is_some())
    }

    fn set_lookup(&mut self, set: Obj, item: Obj, kind: Lookup) -> PyResult<Option<Obj>> {
        let mark = self.stack_mark();
        let set_slot = self.root(set)?;
        let item_slot = self.root(item)?;
        if self.arena().load_u32(set.raw() + ALLOC) == 0 {
            if kind != Lookup::Add {
                self.stack_release(mark);
                return Ok(None);
            }
            self.set_rehash(set)?;
        }
        let hash = self.hash(item)?;
        let set = self.slot(set_slot).raw();
        let mut alloc = self.arena().load_u32(set + ALLOC);
        let mut pos = hash % alloc;
        let mut start = pos;
        let mut available = None;
        loop {
            let table = self.arena().load_u32(set + TABLE);
            let slot = table + 4 * pos;
            let elem = Obj::from_raw(self.arena().load_u32(slot));
            if elem == Obj::NULL {
                if kind != Lookup::Add {
                    self.stack_release(mark);
                    return Ok(None);
                }
                let target = available.unwrap_or(pos);
                return Ok(Some(self.set_claim(set, target, item_slot, mark)));
            }
            if elem == Obj::SENTINEL {
                available.get_or_insert(pos);
            } else if self.equal(elem, self.slot(item_slot))? {
                if kind == Lookup::Remove {
                    let table = self.arena().load_u32(set + TABLE);
                    let used = self.arena().load_u32(set + USED);
                    self.arena_mut().store_u32(set + USED, used - 1);
                    let next = self.arena().load_u32(table + 4 * ((pos + 1) % alloc));
                    let mark_word = if next == 0 { 0 } else { Obj::SENTINEL.raw() };
                    self.arena_mut().store_u32(table + 4 * pos, mark_word);
                }
                self.stack_release(mark);
                return Ok(Some(elem));
            }
            pos = (pos + 1) % alloc;
            if pos == start {
                if kind != Lookup::Add {
                    self.stack_release(mark);
                    return Ok(None);
                }
                if let Some(target) = available {
                    return Ok(Some(self.set_claim(set, target, item_slot, mark)));
                }
                self.set_rehash(Obj::from_raw(set))?;
                alloc = self.arena().load_u32(set + ALLOC);
                pos = hash % alloc;
                start = pos;
            }
        }
    }

    fn set_claim(&mut self, set: u32, pos: u32, item_slot: crate::interp::Slot, mark: u32) -> Obj {
        let item = self.slot(item_slot);
        let table = self.arena().load_u32(set + TABLE);
        self.arena_mut().store_u32(table + 4 * pos, item.raw());
        let used = self.arena().load_u32(set + USED);
        self.arena_mut().store_u32(set + USED, used + 1);
        self.stack_release(mark);
        item
    }

    /// `mp_set_rehash`: the next size up, every item re-added.
    fn set_rehash(&mut self, set: Obj) -> PyResult<()> {
        let mark = self.stack_mark();
        let set_slot = self.root(set)?;
        let old_items = self.set_items(set);
        self.root_all(&old_items)?;
        let new_alloc = alloc_at_least(self.arena().load_u32(set.raw() + ALLOC) + 1);
        let table = self.alloc(4 * new_alloc)?;
        let set = self.slot(set_slot);
        self.arena_mut().store_u32(set.raw() + ALLOC, new_alloc);
        self.arena_mut().store_u32(set.raw() + USED, 0);
        self.arena_mut().store_u32(set.raw() + TABLE, table);
        for item in old_items {
            self.set_add(self.slot(set_slot), item)?;
        }
        self.stack_release(mark);
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lookup {
    Find,
    Add,
    Remove,
}
