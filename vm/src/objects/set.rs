//! `set` and `frozenset` (`mp_obj_set_t`: a base and an `mp_set_t` of `alloc`, `used`,
//! `table`), probing as `py/map.c`'s `mp_set_lookup` does so sets iterate in MicroPython's
//! order. The set algebra here backs both the operators and the methods, and builds results
//! as MicroPython does (a copy of the left operand, then updated), so their order matches.
use super::ty;
use crate::bytecode::BinaryOpNum as B;
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
        self.new_set_of_type(ty::SET, n)
    }

    /// An empty `set` or `frozenset` (`t`) with room for `n` items.
    pub fn new_set_of_type(&mut self, t: u32, n: u32) -> PyResult<Obj> {
        let table = self.alloc(4 * n)?;
        let slot = self.root(Obj::from_raw(table))?;
        let set = self.alloc_obj(t, SIZE)?;
        let table = self.slot(slot).raw();
        self.arena_mut().store_u32(set + ALLOC, n);
        self.arena_mut().store_u32(set + TABLE, table);
        Ok(Obj::from_raw(set))
    }

    /// Whether `obj` is a `set` or a `frozenset`.
    pub fn is_set_like(&self, obj: Obj) -> bool {
        obj.is_ptr() && obj.raw() >= 16 && matches!(self.type_of(obj), ty::SET | ty::FROZENSET)
    }

    /// A copy with the same type and the same table (`set_copy`), so it iterates alike.
    pub fn set_copy(&mut self, set: Obj) -> PyResult<Obj> {
        let slot = self.root(set)?;
        let alloc = self.arena().load_u32(set.raw() + ALLOC);
        let copy = self.new_set_of_type(self.type_of(set), alloc)?;
        let set = self.slot(slot).raw();
        let (table, used) = (
            self.arena().load_u32(set + TABLE),
            self.arena().load_u32(set + USED),
        );
        let new_table = self.arena().load_u32(copy.raw() + TABLE);
        self.arena_mut().copy_within(table, new_table, 4 * alloc);
        self.arena_mut().store_u32(copy.raw() + USED, used);
        Ok(copy)
    }

    /// Empties a set, dropping its table (`mp_set_clear`).
    pub fn set_clear(&mut self, set: Obj) {
        for field in [ALLOC, USED, TABLE] {
            self.arena_mut().store_u32(set.raw() + field, 0);
        }
    }

    /// Removes and returns the first item in table order (`mp_set_remove_first`).
    pub fn set_pop(&mut self, set: Obj) -> Option<Obj> {
        let (pos, item) = self.set_next(set, 0)?;
        let (set, pos) = (set.raw(), pos - 1);
        let alloc = self.arena().load_u32(set + ALLOC);
        let table = self.arena().load_u32(set + TABLE);
        let used = self.arena().load_u32(set + USED);
        self.arena_mut().store_u32(set + USED, used - 1);
        let next = self.arena().load_u32(table + 4 * ((pos + 1) % alloc));
        let mark_word = if next == 0 { 0 } else { Obj::SENTINEL.raw() };
        self.arena_mut().store_u32(table + 4 * pos, mark_word);
        Some(item)
    }

    /// Adds `item` if absent, removes it if present (symmetric difference's step).
    pub fn set_toggle(&mut self, set: Obj, item: Obj) -> PyResult<()> {
        self.set_lookup(set, item, Lookup::Toggle).map(|_| ())
    }

    /// Calls `step(vm, set, item)` for every item of iterable `other`, `set` rooted.
    fn set_for_each(
        &mut self,
        set: Obj,
        other: Obj,
        step: fn(&mut Vm, Obj, Obj) -> PyResult<()>,
    ) -> PyResult<()> {
        let mark = self.stack_mark();
        let set_slot = self.root(set)?;
        let iter = self.get_iter(other)?;
        let iter_slot = self.root(iter)?;
        while let Some(item) = self.iter_next(self.slot(iter_slot))? {
            step(self, self.slot(set_slot), item)?;
        }
        self.stack_release(mark);
        Ok(())
    }

    /// Adds every item of iterable `other` (`set_update`).
    pub fn set_update(&mut self, set: Obj, other: Obj) -> PyResult<()> {
        self.set_for_each(set, other, Vm::set_add)
    }

    /// Removes every item of iterable `other` (`difference_update`).
    pub fn set_difference_update(&mut self, set: Obj, other: Obj) -> PyResult<()> {
        if set == other {
            self.set_clear(set);
            return Ok(());
        }
        self.set_for_each(set, other, |vm, set, item| {
            vm.set_remove(set, item).map(|_| ())
        })
    }

    /// Toggles every item of iterable `other` (`symmetric_difference_update`).
    pub fn set_symmetric_difference_update(&mut self, set: Obj, other: Obj) -> PyResult<()> {
        self.set_for_each(set, other, Vm::set_toggle)
    }

    /// A new `set` of the items of iterable `other` that are in `set` (`set_intersect`).
    pub fn set_intersection(&mut self, set: Obj, other: Obj) -> PyResult<Obj> {
        if set == other {
            return self.set_copy(set);
        }
        let mark = self.stack_mark();
        let set_slot = self.root(set)?;
        let out = self.new_set(0)?;
        let out_slot = self.root(out)?;
        let iter = self.get_iter(other)?;
        let iter_slot = self.root(iter)?;
        while let Some(item) = self.iter_next(self.slot(iter_slot))? {
            let item_slot = self.root(item)?;
            if self.set_contains(self.slot(set_slot), item)? {
                self.set_add(self.slot(out_slot), self.slot(item_slot))?;
            }
        }
        let out = self.slot(out_slot);
        self.stack_release(mark);
        Ok(out)
    }

    /// Makes `set` hold exactly the items of `other` (a set), taking over its table.
    pub fn set_take_table(&mut self, set: Obj, other: Obj) {
        for field in [ALLOC, USED, TABLE] {
            let word = self.arena().load_u32(other.raw() + field);
            self.arena_mut().store_u32(set.raw() + field, word);
        }
    }

    /// Whether every item of `set` is in `other` (both sets), and for `proper` they differ.
    pub fn set_is_subset(&mut self, set: Obj, other: Obj, proper: bool) -> PyResult<bool> {
        if proper && self.set_len(set) == self.set_len(other) {
            return Ok(false);
        }
        let mark = self.stack_mark();
        let other_slot = self.root(other)?;
        let items = self.set_items(set);
        self.root_all(&items)?;
        for item in items {
            if !self.set_contains(self.slot(other_slot), item)? {
                self.stack_release(mark);
                return Ok(false);
            }
        }
        self.stack_release(mark);
        Ok(true)
    }

    /// `frozenset`'s hash: a constant plus the items' hashes, so equal sets hash alike.
    pub fn frozenset_hash(&mut self, set: Obj) -> PyResult<u32> {
        let mut hash = ty::FROZENSET;
        for item in self.set_items(set) {
            hash = hash.wrapping_add(self.hash(item)?);
        }
        Ok(hash)
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
        let adds = matches!(kind, Lookup::Add | Lookup::Toggle);
        if self.arena().load_u32(set.raw() + ALLOC) == 0 {
            if !adds {
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
                if !adds {
                    self.stack_release(mark);
                    return Ok(None);
                }
                let target = available.unwrap_or(pos);
                return Ok(Some(self.set_claim(set, target, item_slot, mark)));
            }
            if elem == Obj::SENTINEL {
                available.get_or_insert(pos);
            } else if self.equal(elem, self.slot(item_slot))? {
                if matches!(kind, Lookup::Remove | Lookup::Toggle) {
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
                if !adds {
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
    /// Add if absent, remove if present.
    Toggle,
}

impl Vm {
    /// A copy of `set` with `step(vm, copy, other)` applied (union, difference, ...).
    fn set_copy_then(
        &mut self,
        set: Obj,
        other: Obj,
        step: fn(&mut Vm, Obj, Obj) -> PyResult<()>,
    ) -> PyResult<Obj> {
        let other_slot = self.root(other)?;
        let copy = self.set_copy(set)?;
        let copy_slot = self.root(copy)?;
        step(self, copy, self.slot(other_slot))?;
        Ok(self.slot(copy_slot))
    }

    pub fn set_union(&mut self, set: Obj, other: Obj) -> PyResult<Obj> {
        self.set_copy_then(set, other, Vm::set_update)
    }

    pub fn set_difference(&mut self, set: Obj, other: Obj) -> PyResult<Obj> {
        self.set_copy_then(set, other, Vm::set_difference_update)
    }

    pub fn set_symmetric_difference(&mut self, set: Obj, other: Obj) -> PyResult<Obj> {
        self.set_copy_then(set, other, Vm::set_symmetric_difference_update)
    }

    /// `set & other` in place: keeps the common items.
    pub fn set_intersection_update(&mut self, set: Obj, other: Obj) -> PyResult<()> {
        let slot = self.root(set)?;
        let out = self.set_intersection(set, other)?;
        self.set_take_table(self.slot(slot), out);
        Ok(())
    }

    /// Operators between two sets or frozensets (`set_binary_op`); in-place forms update a
    /// `set` and build a new object for a `frozenset`. `None` if `op` is not a set operator.
    pub fn set_operator(&mut self, op: B, lhs: Obj, rhs: Obj) -> PyResult<Option<Obj>> {
        let in_place = self.type_of(lhs) == ty::SET;
        let result = match op {
            B::Or => self.set_union(lhs, rhs)?,
            B::Xor => self.set_symmetric_difference(lhs, rhs)?,
            B::And => self.set_intersection(lhs, rhs)?,
            B::Subtract => self.set_difference(lhs, rhs)?,
            B::InplaceOr | B::InplaceXor | B::InplaceAnd | B::InplaceSubtract if in_place => {
                match op {
                    B::InplaceOr => self.set_update(lhs, rhs)?,
                    B::InplaceXor => self.set_symmetric_difference_update(lhs, rhs)?,
                    B::InplaceAnd => self.set_intersection_update(lhs, rhs)?,
                    _ => self.set_difference_update(lhs, rhs)?,
                }
                lhs
            }
            B::InplaceOr => self.set_union(lhs, rhs)?,
            B::InplaceXor => self.set_symmetric_difference(lhs, rhs)?,
            B::InplaceAnd => self.set_intersection(lhs, rhs)?,
            B::InplaceSubtract => self.set_difference(lhs, rhs)?,
            B::Less => Obj::bool(self.set_is_subset(lhs, rhs, true)?),
            B::More => Obj::bool(self.set_is_subset(rhs, lhs, true)?),
            B::LessEqual => Obj::bool(self.set_is_subset(lhs, rhs, false)?),
            B::MoreEqual => Obj::bool(self.set_is_subset(rhs, lhs, false)?),
            B::Equal | B::NotEqual => {
                let same = self.set_len(lhs) == self.set_len(rhs)
                    && self.set_is_subset(lhs, rhs, false)?;
                Obj::bool(same == (op == B::Equal))
            }
            _ => return Ok(None),
        };
        Ok(Some(result))
    }
}
