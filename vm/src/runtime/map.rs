//! `mp_map_t` in the arena: MicroPython's dictionary table, bit-compatible with its 32-bit
//! layout (see [`layout::map`]) so native code and device code can read globals directly.
//!
//! The algorithm is `py/map.c`'s: open addressing with linear probing from `hash % alloc`,
//! deleted slots become `MP_OBJ_SENTINEL` unless the next slot is empty, tables grow through
//! MicroPython's sequence of sizes (so iteration order matches MicroPython's), and a map that
//! has only ever held qstr keys compares keys by identity. An *ordered* map (used for
//! `OrderedDict` and fixed tables) is a plain array searched linearly.
//!
//! Invariants: `used` counts filled slots (keys other than `NULL` and `SENTINEL`); a hashed map
//! with `alloc > 0` always has at least one `NULL` slot or the probe wraps and triggers a
//! rehash; `table` is `0` exactly when `alloc` is 0. The caller keeps the map's owner and the
//! key being looked up reachable from GC roots, since growing the table allocates.

use super::gc::{Heap, OutOfMemory};
use super::layout::{self, map};
use super::obj::Obj;

/// What [`lookup`] should do when the key is or isn't present (`mp_map_lookup_kind_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupKind {
    Lookup,
    AddIfNotFound,
    RemoveIfFound,
}

/// What a map needs from the object system: hashing and equality of keys, which can run
/// Python code and fail, and access to the heap. The VM implements it.
pub trait MapContext {
    type Error: From<OutOfMemory>;

    fn heap(&self) -> &Heap;
    fn heap_mut(&mut self) -> &mut Heap;
    /// The hash MicroPython uses: `qstr_hash` for a qstr, else the object's hash.
    fn hash(&mut self, key: Obj) -> Result<u32, Self::Error>;
    /// Value equality (`mp_obj_equal`), asked only when the keys are not identical.
    fn equal(&mut self, a: Obj, b: Obj) -> Result<bool, Self::Error>;
    /// Whether `key` is exactly a `str` (not a qstr), which may equal a qstr key by value.
    fn is_exact_str(&self, key: Obj) -> bool;
}

/// Allocation sizes a hashed table grows through (`hash_allocation_sizes` in `py/map.c`).
const ALLOCATION_SIZES: [u32; 34] = [
    0, 2, 4, 6, 8, 10, 12, 17, 23, 29, 37, 47, 59, 73, 97, 127, 167, 223, 293, 389, 521, 691, 919,
    1223, 1627, 2161, 3229, 4831, 7243, 10861, 16273, 24407, 36607, 54907,
];

/// Growth step of an ordered map's array.
const ORDERED_GROWTH: u32 = 4;

/// Bytes of a table of `n` slots; too many to address is reported as running out of memory.
fn table_bytes(n: u32) -> Result<u32, OutOfMemory> {
    n.checked_mul(map::ELEM_SIZE)
        .ok_or(OutOfMemory::new(u32::MAX))
}

/// The smallest table size in MicroPython's growth sequence that holds `n` slots
/// (`get_hash_alloc_greater_or_equal_to`), shared with sets.
pub fn alloc_at_least(n: u32) -> u32 {
    ALLOCATION_SIZES
        .into_iter()
        .find(|&size| size >= n)
        .unwrap_or_else(|| n.saturating_add(n / 2) | 1)
}

/// An `mp_map_t` at an arena offset (inside a dict object, a module, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapRef(pub u32);

impl MapRef {
    /// Sets up an empty hashed map with room for `n` entries (`mp_map_init`).
    pub fn init(self, heap: &mut Heap, n: u32) -> Result<(), OutOfMemory> {
        let table = if n == 0 {
            0
        } else {
            heap.alloc(table_bytes(n)?)?
        };
        let arena = heap.arena_mut();
        arena.store_u32(self.0 + map::FLAGS_AND_USED, map::ALL_KEYS_ARE_QSTRS);
        arena.store_u32(self.0 + map::ALLOC, n);
        arena.store_u32(self.0 + map::TABLE, table);
        Ok(())
    }

    /// Turns an empty map into an ordered one (linear search, insertion order kept).
    pub fn set_ordered(self, heap: &mut Heap) {
        let flags = self.flags(heap);
        heap.arena_mut()
            .store_u32(self.0 + map::FLAGS_AND_USED, flags | map::IS_ORDERED);
    }

    /// Makes the map read-only (a builtin module's globals, as MicroPython's ROM maps).
    pub fn set_fixed(self, heap: &mut Heap) {
        let flags = self.flags(heap);
        heap.arena_mut()
            .store_u32(self.0 + map::FLAGS_AND_USED, flags | map::IS_FIXED);
    }

    fn flags(self, heap: &Heap) -> u32 {
        heap.arena().load_u32(self.0 + map::FLAGS_AND_USED)
    }

    pub fn used(self, heap: &Heap) -> u32 {
        self.flags(heap) >> map::USED_SHIFT
    }

    pub fn alloc(self, heap: &Heap) -> u32 {
        heap.arena().load_u32(self.0 + map::ALLOC)
    }

    pub fn table(self, heap: &Heap) -> u32 {
        heap.arena().load_u32(self.0 + map::TABLE)
    }

    pub fn is_ordered(self, heap: &Heap) -> bool {
        self.flags(heap) & map::IS_ORDERED != 0
    }

    pub fn is_fixed(self, heap: &Heap) -> bool {
        self.flags(heap) & map::IS_FIXED != 0
    }

    pub fn all_keys_are_qstrs(self, heap: &Heap) -> bool {
        self.flags(heap) & map::ALL_KEYS_ARE_QSTRS != 0
    }

    /// Arena offset of slot `pos`'s `mp_map_elem_t`.
    pub fn slot(self, heap: &Heap, pos: u32) -> u32 {
        self.table(heap) + pos * map::ELEM_SIZE
    }

    pub fn key_at(self, heap: &Heap, pos: u32) -> Obj {
        Obj::from_raw(heap.arena().load_u32(self.slot(heap, pos) + map::ELEM_KEY))
    }

    /// The filled slots' keys and values in table order (the order MicroPython iterates).
    pub fn entries(self, heap: &Heap) -> Vec<(Obj, Obj)> {
        let limit = if self.is_ordered(heap) {
            self.used(heap)
        } else {
            self.alloc(heap)
        };
        (0..limit)
            .filter_map(|pos| {
                let slot = self.slot(heap, pos);
                let key = Obj::from_raw(heap.arena().load_u32(slot + map::ELEM_KEY));
                let value = Obj::from_raw(heap.arena().load_u32(slot + map::ELEM_VALUE));
                is_filled(key).then_some((key, value))
            })
            .collect()
    }

    fn set_used(self, heap: &mut Heap, used: u32) {
        let flags = self.flags(heap) & ((1 << map::USED_SHIFT) - 1);
        heap.arena_mut().store_u32(
            self.0 + map::FLAGS_AND_USED,
            flags | (used << map::USED_SHIFT),
        );
    }

    fn clear_flag(self, heap: &mut Heap, flag: u32) {
        let flags = self.flags(heap);
        heap.arena_mut()
            .store_u32(self.0 + map::FLAGS_AND_USED, flags & !flag);
    }

    fn set_key(self, heap: &mut Heap, slot: u32, key: Obj) {
        heap.arena_mut().store_u32(slot + map::ELEM_KEY, key.raw());
    }

    /// Fills a free `slot` with `key` (value `NULL`, for the caller to set).
    fn claim(self, heap: &mut Heap, slot: u32, key: Obj) -> u32 {
        self.set_used(heap, self.used(heap) + 1);
        self.set_key(heap, slot, key);
        heap.arena_mut()
            .store_u32(slot + map::ELEM_VALUE, Obj::NULL.raw());
        if !key.is_qstr() {
            self.clear_flag(heap, map::ALL_KEYS_ARE_QSTRS);
        }
        slot
    }
}

fn is_filled(key: Obj) -> bool {
    key != Obj::NULL && key != Obj::SENTINEL
}

/// `mp_map_lookup`: finds `key`'s slot, adding or removing it as `kind` asks. Returns the arena
/// offset of the slot's `mp_map_elem_t` (its value is at `+4`), or `None` if absent. A removed
/// slot keeps its value for the caller to read, as in MicroPython. A fixed (read-only) map
/// is only searched: adding or removing finds nothing, where MicroPython would assert.
pub fn lookup<C: MapContext>(
    ctx: &mut C,
    map: MapRef,
    key: Obj,
    kind: LookupKind,
) -> Result<Option<u32>, C::Error> {
    if kind != LookupKind::Lookup && map.is_fixed(ctx.heap()) {
        return Ok(None);
    }
    // Position hints (`MICROPY_OPT_MAP_LOOKUP_CACHE`): where a qstr key was last found in a
    // hashed map. A hint is only a guess, checked before use: keys are unique in a map, so a
    // slot holding this very qstr is the slot a probe would reach.
    let hint = (key.is_qstr() && kind != LookupKind::RemoveIfFound && !map.is_ordered(ctx.heap()))
        .then(|| hint_index(map, key));
    if let Some(index) = hint {
        let pos = ctx.heap().map_hint(index);
        if pos < map.alloc(ctx.heap()) && map.key_at(ctx.heap(), pos) == key {
            return Ok(Some(map.slot(ctx.heap(), pos)));
        }
    }
    let found = probe(ctx, map, key, kind)?;
    if let (Some(index), Some(slot)) = (hint, found) {
        let pos = (slot - map.table(ctx.heap())) / map::ELEM_SIZE;
        ctx.heap_mut().set_map_hint(index, pos);
    }
    Ok(found)
}

/// The hint slot for `key` in `map`.
fn hint_index(map: MapRef, key: Obj) -> usize {
    let mixed = (map.0 ^ key.raw().rotate_left(16)).wrapping_mul(0x9e37_79b9);
    (mixed >> 24) as usize % super::gc::MAP_HINTS
}

/// [`lookup`] without the hints: the search `py/map.c` does.
fn probe<C: MapContext>(
    ctx: &mut C,
    map: MapRef,
    key: Obj,
    kind: LookupKind,
) -> Result<Option<u32>, C::Error> {
    let mut compare_only_identity = map.all_keys_are_qstrs(ctx.heap());
    if compare_only_identity && !key.is_qstr() {
        if ctx.is_exact_str(key) {
            compare_only_identity = false;
        } else if kind != LookupKind::AddIfNotFound {
            // Only qstrs and strs can equal a qstr key.
            return Ok(None);
        }
    }
    if map.is_ordered(ctx.heap()) {
        return lookup_ordered(ctx, map, key, kind, compare_only_identity);
    }
    if map.alloc(ctx.heap()) == 0 {
        if kind != LookupKind::AddIfNotFound {
            return Ok(None);
        }
        rehash(ctx, map)?;
    }
    let hash = ctx.hash(key)?;
    let mut alloc = map.alloc(ctx.heap());
    let mut pos = hash % alloc;
    let mut start = pos;
    let mut available = None;
    loop {
        let slot = map.slot(ctx.heap(), pos);
        let slot_key = map.key_at(ctx.heap(), pos);
        if slot_key == Obj::NULL {
            if kind != LookupKind::AddIfNotFound {
                return Ok(None);
            }
            let target = available.unwrap_or(slot);
            return Ok(Some(map.claim(ctx.heap_mut(), target, key)));
        }
        if slot_key == Obj::SENTINEL {
            available.get_or_insert(slot);
        } else if slot_key == key || (!compare_only_identity && ctx.equal(slot_key, key)?) {
            if kind == LookupKind::RemoveIfFound {
                let heap = ctx.heap_mut();
                map.set_used(heap, map.used(heap) - 1);
                // A slot followed by an empty one can become empty too; otherwise probes that
                // passed through it must keep going, so it becomes a tombstone.
                let next = map.key_at(heap, (pos + 1) % alloc);
                let mark = if next == Obj::NULL {
                    Obj::NULL
                } else {
                    Obj::SENTINEL
                };
                map.set_key(heap, slot, mark);
            }
            return Ok(Some(slot));
        }
        pos = (pos + 1) % alloc;
        if pos == start {
            if kind != LookupKind::AddIfNotFound {
                return Ok(None);
            }
            if let Some(target) = available {
                return Ok(Some(map.claim(ctx.heap_mut(), target, key)));
            }
            rehash(ctx, map)?;
            alloc = map.alloc(ctx.heap());
            pos = hash % alloc;
            start = pos;
        }
    }
}

fn lookup_ordered<C: MapContext>(
    ctx: &mut C,
    map: MapRef,
    key: Obj,
    kind: LookupKind,
    compare_only_identity: bool,
) -> Result<Option<u32>, C::Error> {
    let used = map.used(ctx.heap());
    for pos in 0..used {
        let slot_key = map.key_at(ctx.heap(), pos);
        if slot_key == key || (!compare_only_identity && ctx.equal(slot_key, key)?) {
            let slot = map.slot(ctx.heap(), pos);
            if kind != LookupKind::RemoveIfFound {
                return Ok(Some(slot));
            }
            // Close the gap, then park the removed value in the freed last slot.
            let heap = ctx.heap_mut();
            let value = heap.arena().load_u32(slot + map::ELEM_VALUE);
            let last = map.slot(heap, used - 1);
            heap.arena_mut()
                .copy_within(slot + map::ELEM_SIZE, slot, last - slot);
            heap.arena_mut()
                .store_u32(last + map::ELEM_KEY, Obj::NULL.raw());
            heap.arena_mut().store_u32(last + map::ELEM_VALUE, value);
            map.set_used(heap, used - 1);
            return Ok(Some(last));
        }
    }
    if kind != LookupKind::AddIfNotFound {
        return Ok(None);
    }
    let heap = ctx.heap_mut();
    let alloc = map.alloc(heap);
    if used == alloc {
        let new_alloc = alloc + ORDERED_GROWTH;
        let table = heap.realloc(map.table(heap), table_bytes(new_alloc)?)?;
        heap.arena_mut().store_u32(map.0 + map::TABLE, table);
        heap.arena_mut().store_u32(map.0 + map::ALLOC, new_alloc);
    }
    let slot = map.slot(heap, used);
    Ok(Some(map.claim(heap, slot, key)))
}

/// Grows a hashed map to the next allocation size and re-inserts every entry.
fn rehash<C: MapContext>(ctx: &mut C, map: MapRef) -> Result<(), C::Error> {
    let heap = ctx.heap_mut();
    let old_alloc = map.alloc(heap);
    let old_table = map.table(heap);
    let new_alloc = alloc_at_least(old_alloc + 1);
    let new_table = heap.alloc(table_bytes(new_alloc)?)?;
    let flags = map.flags(heap) & (map::IS_FIXED | map::IS_ORDERED);
    heap.arena_mut()
        .store_u32(map.0 + map::FLAGS_AND_USED, flags | map::ALL_KEYS_ARE_QSTRS);
    heap.arena_mut().store_u32(map.0 + map::ALLOC, new_alloc);
    heap.arena_mut().store_u32(map.0 + map::TABLE, new_table);
    // Hashing a key may run Python code and allocate: keep the old table alive meanwhile.
    heap.push_temp_root(Obj::from_raw(old_table));
    let result = reinsert(ctx, map, old_table, old_alloc);
    let heap = ctx.heap_mut();
    heap.pop_temp_roots(1);
    heap.free(old_table);
    result
}

fn reinsert<C: MapContext>(
    ctx: &mut C,
    map: MapRef,
    old_table: u32,
    old_alloc: u32,
) -> Result<(), C::Error> {
    for pos in 0..old_alloc {
        let slot = old_table + pos * map::ELEM_SIZE;
        let arena = ctx.heap().arena();
        let key = Obj::from_raw(arena.load_u32(slot + map::ELEM_KEY));
        let value = arena.load_u32(slot + map::ELEM_VALUE);
        if is_filled(key) {
            if let Some(new_slot) = lookup(ctx, map, key, LookupKind::AddIfNotFound)? {
                ctx.heap_mut()
                    .arena_mut()
                    .store_u32(new_slot + map::ELEM_VALUE, value);
            }
        }
    }
    Ok(())
}

/// Reads the value stored in slot `slot` (an offset [`lookup`] returned).
pub fn slot_value(heap: &Heap, slot: u32) -> Obj {
    Obj::from_raw(heap.arena().load_u32(slot + map::ELEM_VALUE))
}

/// Stores `value` in slot `slot` (an offset [`lookup`] returned).
pub fn set_slot_value(heap: &mut Heap, slot: u32, value: Obj) {
    heap.arena_mut()
        .store_u32(slot + layout::map::ELEM_VALUE, value.raw());
}

#[cfg(test)]
mod tests {
    use super::super::arena::{Arena, Backing};
    use super::super::gc::HeapConfig;
    use super::*;
    use std::collections::HashMap;

    /// Type word of the test's boxed ints: heap objects equal by value, not identity.
    const BOXED_TYPE: u32 = 0xB0;

    struct TestContext {
        heap: Heap,
        hash_calls: u32,
    }

    impl MapContext for TestContext {
        type Error = OutOfMemory;

        fn heap(&self) -> &Heap {
            &self.heap
        }

        fn heap_mut(&mut self) -> &mut Heap {
            &mut self.heap
        }

        fn hash(&mut self, key: Obj) -> Result<u32, OutOfMemory> {
            self.hash_calls += 1;
            Ok(match (key.as_small_int(), key.as_qstr()) {
                (Some(value), _) => value as u32,
                (_, Some(qstr)) => qstr.wrapping_mul(31),
                _ => self.heap.arena().load_u32(key.raw() + 4),
            })
        }

        fn equal(&mut self, a: Obj, b: Obj) -> Result<bool, OutOfMemory> {
            Ok(self.boxed(a).is_some() && self.boxed(a) == self.boxed(b))
        }

        fn is_exact_str(&self, _key: Obj) -> bool {
            false
        }
    }

    impl TestContext {
        fn new() -> TestContext {
            let arena = Arena::new(Backing::preferred()).unwrap();
            let config = HeapConfig {
                pool_start: 0x1_0000,
                pool_size: 64 * 1024,
            };
            TestContext {
                heap: Heap::new(arena, config).unwrap(),
                hash_calls: 0,
            }
        }

        /// A dict-like object holding a map, rooted so collections keep it.
        fn new_map(&mut self) -> MapRef {
            let owner = self.heap.alloc(layout::dict::SIZE).unwrap();
            self.heap.add_root(Obj::from_raw(owner));
            let map = MapRef(owner + layout::dict::MAP);
            map.init(&mut self.heap, 0).unwrap();
            map
        }

        fn boxed(&self, obj: Obj) -> Option<u32> {
            let offset = obj.as_ptr().filter(|&p| self.heap.is_allocated(p))?;
            (self.heap.arena().load_u32(offset) == BOXED_TYPE)
                .then(|| self.heap.arena().load_u32(offset + 4))
        }

        fn new_boxed(&mut self, value: u32) -> Obj {
            let offset = self.heap.alloc(8).unwrap();
            self.heap.arena_mut().store_u32(offset, BOXED_TYPE);
            self.heap.arena_mut().store_u32(offset + 4, value);
            Obj::from_raw(offset)
        }

        fn insert(&mut self, map: MapRef, key: Obj, value: Obj) {
            let slot = lookup(self, map, key, LookupKind::AddIfNotFound)
                .unwrap()
                .unwrap();
            set_slot_value(&mut self.heap, slot, value);
        }

        fn get(&mut self, map: MapRef, key: Obj) -> Option<Obj> {
            let slot = lookup(self, map, key, LookupKind::Lookup).unwrap()?;
            Some(slot_value(&self.heap, slot))
        }

        fn remove(&mut self, map: MapRef, key: Obj) -> Option<Obj> {
            let slot = lookup(self, map, key, LookupKind::RemoveIfFound).unwrap()?;
            Some(slot_value(&self.heap, slot))
        }

        fn keys(&self, map: MapRef) -> Vec<i32> {
            map.entries(&self.heap)
                .iter()
                .map(|(key, _)| key.as_small_int().unwrap())
                .collect()
        }
    }

    fn int(value: i32) -> Obj {
        Obj::small_int(value.into()).unwrap()
    }

    #[test]
    fn allocation_sizes_follow_micropython() {
        assert_eq!(alloc_at_least(1), 2);
        assert_eq!(alloc_at_least(13), 17);
        assert_eq!(alloc_at_least(54907), 54907);
        assert_eq!(alloc_at_least(54908), (54908 + 27454) | 1);
    }

    #[test]
    fn iteration_order_matches_micropython() {
        // Expected orders printed by `list(d)` in MicroPython (webassembly port, a 32-bit
        // build) after the same insertions and deletions on a dict made by `{}`.
        let mut ctx = TestContext::new();
        let map = ctx.new_map();
        for key in [1, 2, 3] {
            ctx.insert(map, int(key), Obj::NONE);
        }
        assert_eq!(ctx.keys(map), [1, 2, 3]);

        let map = ctx.new_map();
        for key in [5, 9, 13, 2, 40, 7, 11, 100, 3, 17, 6] {
            ctx.insert(map, int(key), int(key));
        }
        assert_eq!(ctx.keys(map), [13, 2, 3, 40, 100, 5, 7, 17, 9, 6, 11]);
        assert_eq!(ctx.remove(map, int(9)), Some(int(9)));
        assert_eq!(ctx.remove(map, int(40)), Some(int(40)));
        ctx.insert(map, int(21), int(0));
        ctx.insert(map, int(8), int(0));
        assert_eq!(ctx.keys(map), [8, 13, 2, 3, 100, 5, 7, 17, 21, 6, 11]);

        let map = ctx.new_map();
        for key in (1..=30).rev().step_by(3) {
            ctx.insert(map, int(key), Obj::NONE);
        }
        assert_eq!(ctx.keys(map), [30, 21, 12, 3, 24, 15, 6, 27, 18, 9]);

        let map = ctx.new_map();
        for key in [-1, -7, 12, 0] {
            ctx.insert(map, int(key), Obj::NONE);
        }
        assert_eq!(ctx.keys(map), [12, -7, 0, -1]);
    }

    #[test]
    fn header_word_holds_used_and_flags_like_the_c_bitfields() {
        let mut ctx = TestContext::new();
        let map = ctx.new_map();
        let header = |ctx: &TestContext| ctx.heap.arena().load_u32(map.0);
        assert_eq!(header(&ctx), map::ALL_KEYS_ARE_QSTRS);
        ctx.insert(map, Obj::qstr(5).unwrap(), Obj::TRUE);
        ctx.insert(map, Obj::qstr(6).unwrap(), Obj::TRUE);
        assert_eq!(header(&ctx), (2 << 3) | map::ALL_KEYS_ARE_QSTRS);
        ctx.insert(map, int(1), Obj::TRUE);
        assert_eq!(
            header(&ctx),
            3 << 3,
            "a non-qstr key clears all_keys_are_qstrs"
        );
        assert_eq!(map.alloc(&ctx.heap), 4);
    }

    #[test]
    fn fixed_maps_are_read_only() {
        let mut ctx = TestContext::new();
        let map = ctx.new_map();
        ctx.insert(map, Obj::qstr(3).unwrap(), int(1));
        let header = ctx.heap.arena().load_u32(map.0);
        ctx.heap
            .arena_mut()
            .store_u32(map.0, header | map::IS_FIXED);
        assert!(map.is_fixed(&ctx.heap));
        assert_eq!(ctx.get(map, Obj::qstr(3).unwrap()), Some(int(1)));
        assert_eq!(ctx.remove(map, Obj::qstr(3).unwrap()), None);
        let added = lookup(
            &mut ctx,
            map,
            Obj::qstr(4).unwrap(),
            LookupKind::AddIfNotFound,
        );
        assert_eq!(added, Ok(None));
        assert_eq!(map.used(&ctx.heap), 1);
    }

    #[test]
    fn oversized_tables_are_out_of_memory_not_overflow() {
        let mut ctx = TestContext::new();
        let owner = ctx.heap.alloc(layout::dict::SIZE).unwrap();
        assert!(MapRef(owner + 4).init(&mut ctx.heap, u32::MAX / 4).is_err());
        assert!(
            MapRef(owner + 4).init(&mut ctx.heap, 1 << 20).is_err(),
            "bigger than the pool"
        );
    }

    #[test]
    fn qstr_only_maps_reject_other_keys_without_hashing() {
        let mut ctx = TestContext::new();
        let map = ctx.new_map();
        ctx.insert(map, Obj::qstr(10).unwrap(), int(1));
        let calls = ctx.hash_calls;
        assert_eq!(ctx.get(map, int(10)), None);
        assert_eq!(ctx.hash_calls, calls);
        assert_eq!(ctx.get(map, Obj::qstr(10).unwrap()), Some(int(1)));
    }

    #[test]
    fn ordered_maps_keep_insertion_order_and_close_gaps() {
        let mut ctx = TestContext::new();
        let map = ctx.new_map();
        map.set_ordered(&mut ctx.heap);
        for key in [9, 1, 5, 3, 7, 2] {
            ctx.insert(map, int(key), int(key * 10));
        }
        assert_eq!(ctx.keys(map), [9, 1, 5, 3, 7, 2]);
        assert_eq!(map.alloc(&ctx.heap), 8, "grown by 4 at a time");
        assert_eq!(ctx.remove(map, int(5)), Some(int(50)));
        assert_eq!(ctx.remove(map, int(5)), None);
        assert_eq!(ctx.keys(map), [9, 1, 3, 7, 2]);
        assert_eq!(ctx.get(map, int(7)), Some(int(70)));
        assert_eq!(ctx.hash_calls, 0, "ordered maps never hash");
    }

    #[test]
    fn random_operations_agree_with_a_hash_map_under_gc_stress() {
        let mut ctx = TestContext::new();
        ctx.heap.set_stress(true);
        let map = ctx.new_map();
        let mut model: HashMap<u32, i32> = HashMap::new();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for step in 0..1500 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let key_value = (state % 61) as u32;
            // Half the keys are boxed: equal by value though each lookup uses a new object.
            let key = if state & 64 == 0 {
                int(key_value as i32)
            } else {
                ctx.new_boxed(key_value + 1000)
            };
            let model_key = if key.is_small_int() {
                key_value
            } else {
                key_value + 1000
            };
            ctx.heap.push_temp_root(key);
            match (state >> 8) % 3 {
                0 => {
                    ctx.insert(map, key, int(step));
                    model.insert(model_key, step);
                }
                1 => {
                    let removed = ctx.remove(map, key).map(|v| v.as_small_int().unwrap());
                    assert_eq!(removed, model.remove(&model_key), "step {step}");
                }
                _ => {
                    let found = ctx.get(map, key).map(|v| v.as_small_int().unwrap());
                    assert_eq!(found, model.get(&model_key).copied(), "step {step}");
                }
            }
            ctx.heap.pop_temp_roots(1);
            assert_eq!(map.used(&ctx.heap) as usize, model.len(), "step {step}");
        }
        let alloc = map.alloc(&ctx.heap);
        assert!(
            alloc > 12 && ALLOCATION_SIZES.contains(&alloc),
            "grew through rehashes: {alloc}"
        );
    }
}
