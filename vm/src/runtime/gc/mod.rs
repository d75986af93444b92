//! The garbage-collected heap: MicroPython's `py/gc.c` design over krait's arena.
//!
//! The pool is a run of 16-byte blocks inside the [`Arena`]. An allocation table holds two
//! bits per block: free, head (first block of an allocation), tail (a following block) or
//! mark (a head found reachable during a collection). Allocation is first-fit over the table;
//! collection marks from explicitly registered roots, scanning every word of every reachable
//! allocation conservatively (any word that equals the offset of a head keeps it alive, as in
//! MicroPython), then sweeps unmarked heads and their tails.
//!
//! Invariants:
//! - The pool is `pool_start..pool_start + n_blocks * 16`, block aligned, and never contains
//!   the words 0, 4 or 8 (`MP_OBJ_NULL`, `MP_OBJ_STOP_ITERATION`, `MP_OBJ_SENTINEL`).
//! - Every block from a head up to its last tail is committed in the arena; the committed part
//!   of the pool is a prefix (first fit only grows the high-water mark), extended on demand.
//! - Outside a collection no block is marked; a tail always follows a head or another tail.
//! - A fresh allocation is zeroed in full, so stale words never keep garbage alive.
//! - Only head offsets keep allocations alive: a pointer into the middle of an allocation does
//!   not (MicroPython's rule; for example a code state keeps its function, not its `ip`).
//!
//! Deviations from `gc.c`, on purpose: the allocation table and the mark stack live in host
//! memory rather than in the heap, so device code cannot corrupt allocator state, and the mark
//! stack grows instead of overflowing into rescans. There are no finalisers yet.

use std::fmt;

use super::arena::{Arena, ArenaError};
use super::obj::Obj;

mod config;
#[cfg(test)]
mod shadow_model_tests;
mod table;

pub use config::{parse_heapsize, HeapConfig, DEFAULT_HEAP_SIZE, DEFAULT_POOL_START};
use table::{AllocTable, BlockKind};

/// Bytes in one allocation block (MicroPython's `MICROPY_BYTES_PER_GC_BLOCK` on 32-bit).
pub const BYTES_PER_BLOCK: u32 = 16;
const WORD: u32 = 4;

/// An allocation failed even after a collection, or the heap is locked; the VM raises
/// `MemoryError` with this message (MicroPython's `m_malloc_fail` wording).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory {
    /// The size asked for, in bytes.
    pub requested: u32,
    /// The heap was locked (`micropython.heap_lock()`), so nothing was even tried.
    pub heap_locked: bool,
}

impl OutOfMemory {
    /// A failure to find `requested` bytes in an unlocked heap.
    pub fn new(requested: u32) -> OutOfMemory {
        OutOfMemory {
            requested,
            heap_locked: false,
        }
    }
}

impl fmt::Display for OutOfMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.heap_locked {
            write!(f, "memory allocation failed, heap is locked")
        } else {
            write!(
                f,
                "memory allocation failed, allocating {} bytes",
                self.requested
            )
        }
    }
}

impl std::error::Error for OutOfMemory {}

/// Why a heap could not be created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeapError {
    /// `pool_start` is zero or not block aligned, or the pool is empty or passes 2^32.
    BadGeometry,
    Arena(ArenaError),
}

impl fmt::Display for HeapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeapError::BadGeometry => write!(
                f,
                "heap pool must be block aligned, nonempty and inside the arena"
            ),
            HeapError::Arena(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for HeapError {}

/// Heap statistics, as MicroPython's `gc_info` reports them (sizes in bytes, runs in blocks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapInfo {
    pub total: u32,
    /// `gc.mem_alloc()`.
    pub used: u32,
    /// `gc.mem_free()`.
    pub free: u32,
    /// Longest run of free blocks.
    pub max_free: u32,
    pub num_1block: u32,
    pub num_2block: u32,
    /// Blocks in the largest allocation.
    pub max_block: u32,
}

/// A long-lived root slot (module dicts, interned tables, the exception being raised, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootId(u32);

/// A registered arena range scanned conservatively at every collection (a Python stack, say).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootRangeId(u32);

/// Explicitly registered roots: long-lived slots, a stack of temporaries, and arena ranges.
#[derive(Default)]
struct Roots {
    slots: Vec<Obj>,
    free_slots: Vec<u32>,
    temps: Vec<Obj>,
    ranges: Vec<Option<(u32, u32)>>,
}

/// Request sizes (in blocks) with a first-fit hint of their own; larger ones share the last.
const FIT_CLASSES: usize = 16;

/// First fit without rescanning: for each request size, a block before which no free run is
/// long enough for it. A search starts there, so it finds exactly the block a scan from the
/// pool start would (addresses stay those of `gc.c`'s first fit), and a full heap with small
/// holes is not walked again on every allocation. Frees lower the hints; a sweep resets them.
#[derive(Clone, Copy, Default)]
struct FitHints([u32; FIT_CLASSES]);

impl FitHints {
    fn class(n_blocks: u32) -> usize {
        (n_blocks as usize).clamp(1, FIT_CLASSES) - 1
    }

    fn start(&self, n_blocks: u32) -> u32 {
        self.0[Self::class(n_blocks)]
    }

    /// A search for `n_blocks` found its run at `head`: every free run before `head` is
    /// shorter than `n_blocks`, so also too short for each class whose sizes are all at least
    /// `n_blocks` (the last class holds every larger size, so it only learns from requests
    /// no larger than its smallest).
    fn found(&mut self, n_blocks: u32, head: u32) {
        if n_blocks as usize > FIT_CLASSES {
            return;
        }
        for hint in &mut self.0[Self::class(n_blocks)..] {
            *hint = (*hint).max(head);
        }
    }

    /// Blocks from `block` on became free.
    fn freed(&mut self, block: u32) {
        for hint in &mut self.0 {
            *hint = (*hint).min(block);
        }
    }
}

/// The arena plus MicroPython's block allocator and mark-sweep collector.
pub struct Heap {
    arena: Arena,
    pool_start: u32,
    table: AllocTable,
    /// Blocks from the pool start that are committed in the arena.
    committed_blocks: u32,
    /// Where first fit may start looking, per request size (see [`FitHints`]).
    fit_hints: FitHints,
    /// Highest block that may be in use (`gc_last_used_block`), bounds the sweep.
    last_used_block: u32,
    roots: Roots,
    mark_stack: Vec<u32>,
    auto_collect: bool,
    stress: bool,
    collections: u64,
    /// `micropython.heap_lock()` depth: while nonzero, nothing is allocated or freed.
    lock_depth: u32,
    /// `gc.threshold()` in blocks: collect once this many were allocated since the last one.
    alloc_threshold: Option<u32>,
    allocated_since_collect: u32,
    /// Position hints of map lookups (see `map::lookup`), kept here as MicroPython keeps
    /// its `map_lookup_cache` in the VM state: any value is safe, each use checks it.
    map_hints: Box<[u32; MAP_HINTS]>,
}

/// Entries of the map lookup hints.
pub const MAP_HINTS: usize = 256;

impl Heap {
    /// A heap whose pool is `config`'s range of `arena`; nothing is committed until used.
    pub fn new(arena: Arena, config: HeapConfig) -> Result<Heap, HeapError> {
        let n_blocks = config.pool_size / BYTES_PER_BLOCK;
        let pool_end = u64::from(config.pool_start) + u64::from(n_blocks * BYTES_PER_BLOCK);
        if config.pool_start == 0
            || config.pool_start & (BYTES_PER_BLOCK - 1) != 0
            || n_blocks == 0
            || pool_end > super::arena::ARENA_SPAN
        {
            return Err(HeapError::BadGeometry);
        }
        Ok(Heap {
            arena,
            pool_start: config.pool_start,
            table: AllocTable::new(n_blocks),
            committed_blocks: 0,
            fit_hints: FitHints::default(),
            last_used_block: 0,
            roots: Roots::default(),
            mark_stack: Vec::new(),
            auto_collect: true,
            stress: false,
            collections: 0,
            lock_depth: 0,
            alloc_threshold: None,
            allocated_since_collect: 0,
            map_hints: Box::new([0; MAP_HINTS]),
        })
    }

    pub fn arena(&self) -> &Arena {
        &self.arena
    }

    pub fn arena_mut(&mut self) -> &mut Arena {
        &mut self.arena
    }

    /// Collect before every allocation, to flush out missing roots in tests.
    pub fn set_stress(&mut self, stress: bool) {
        self.stress = stress;
    }

    /// `gc.enable()` / `gc.disable()`: whether running out of blocks triggers a collection.
    pub fn set_auto_collect(&mut self, enabled: bool) {
        self.auto_collect = enabled;
    }

    /// Collections run so far (explicit, automatic and stress).
    pub fn collections(&self) -> u64 {
        self.collections
    }

    /// `micropython.heap_lock()`: allocations fail and frees are ignored until unlocked.
    pub fn lock(&mut self) {
        self.lock_depth += 1;
    }

    /// `micropython.heap_unlock()`: returns the remaining lock depth.
    pub fn unlock(&mut self) -> u32 {
        self.lock_depth = self.lock_depth.saturating_sub(1);
        self.lock_depth
    }

    pub fn is_locked(&self) -> bool {
        self.lock_depth != 0
    }

    /// `micropython.heap_locked()`: how many `heap_lock`s are in force.
    pub fn lock_depth(&self) -> u32 {
        self.lock_depth
    }

    /// `gc.isenabled()`.
    pub fn auto_collect(&self) -> bool {
        self.auto_collect
    }

    /// `gc.threshold(n)`: also collect before an allocation once `bytes` were allocated since
    /// the last collection; `None` (MicroPython's -1) turns it off.
    pub fn set_alloc_threshold(&mut self, bytes: Option<u32>) {
        self.alloc_threshold = bytes.map(|bytes| bytes / BYTES_PER_BLOCK);
    }

    /// `gc.threshold()`: the threshold in bytes, rounded down to whole blocks.
    pub fn alloc_threshold(&self) -> Option<u32> {
        self.alloc_threshold.map(|blocks| blocks * BYTES_PER_BLOCK)
    }

    /// The map lookup hint at `index` (below [`MAP_HINTS`]).
    pub fn map_hint(&self, index: usize) -> u32 {
        self.map_hints[index % MAP_HINTS]
    }

    pub fn set_map_hint(&mut self, index: usize, pos: u32) {
        self.map_hints[index % MAP_HINTS] = pos;
    }

    /// Allocates `n_bytes` rounded up to whole blocks, zeroed, and returns its arena offset
    /// (16-byte aligned). Zero bytes gives offset 0 (`NULL`), as `gc_alloc` does. When no run
    /// of free blocks is long enough, collects once (if enabled) and retries.
    pub fn alloc(&mut self, n_bytes: u32) -> Result<u32, OutOfMemory> {
        let n_blocks = n_bytes.div_ceil(BYTES_PER_BLOCK);
        if n_blocks == 0 {
            return Ok(0);
        }
        if self.is_locked() {
            return Err(OutOfMemory {
                requested: n_bytes,
                heap_locked: true,
            });
        }
        let oom = OutOfMemory::new(n_bytes);
        let mut collected = !self.auto_collect;
        let over_threshold = self
            .alloc_threshold
            .is_some_and(|threshold| self.allocated_since_collect >= threshold);
        if self.stress || (over_threshold && !collected) {
            self.collect();
            collected = true;
        }
        let head = loop {
            if let Some(head) = self.find_free_run(n_blocks) {
                break head;
            }
            if collected {
                return Err(oom);
            }
            self.collect();
            collected = true;
        };
        self.commit_through(head + n_blocks).map_err(|_| oom)?;
        self.fit_hints.found(n_blocks, head);
        self.table.set(head, BlockKind::Head);
        for block in head + 1..head + n_blocks {
            self.table.set(block, BlockKind::Tail);
        }
        self.last_used_block = self.last_used_block.max(head + n_blocks - 1);
        self.allocated_since_collect = self.allocated_since_collect.saturating_add(n_blocks);
        let offset = self.block_offset(head);
        if n_blocks == 1 {
            // The most common size (floats, small objects): four word stores beat a memset.
            for word in 0..BYTES_PER_BLOCK / WORD {
                self.arena.store_u32(offset + WORD * word, 0);
            }
        } else {
            self.arena.fill(offset, n_blocks * BYTES_PER_BLOCK, 0);
        }
        Ok(offset)
    }

    /// First fit: the lowest head of `n_blocks` consecutive free blocks.
    fn find_free_run(&self, n_blocks: u32) -> Option<u32> {
        let mut from = self.fit_hints.start(n_blocks);
        loop {
            let start = self.table.next_free(from)?;
            let end = self.table.next_used(start, start + n_blocks);
            if end - start >= n_blocks {
                return Some(start);
            }
            from = end;
        }
    }

    fn commit_through(&mut self, end_block: u32) -> Result<(), ArenaError> {
        if end_block > self.committed_blocks {
            let start = self.block_offset(self.committed_blocks);
            let len = (end_block - self.committed_blocks) * BYTES_PER_BLOCK;
            self.arena.commit(start, len)?;
            self.committed_blocks = end_block;
        }
        Ok(())
    }

    /// Frees the allocation at `offset` now (`gc_free`). Returns false, doing nothing, if
    /// `offset` is not the start of a live allocation (`NULL` included), or if the heap is
    /// locked (a later collection reclaims it instead).
    pub fn free(&mut self, offset: u32) -> bool {
        if self.is_locked() {
            return false;
        }
        let Some(head) = self.head_block(offset) else {
            return false;
        };
        let len = self.table.run_len(head);
        for block in head..head + len {
            self.table.set(block, BlockKind::Free);
        }
        self.fit_hints.freed(head);
        true
    }

    /// Size in bytes of the allocation at `offset` (`gc_nbytes`), or `None` if `offset` is
    /// not the start of a live allocation.
    pub fn allocation_size(&self, offset: u32) -> Option<u32> {
        self.head_block(offset)
            .map(|head| self.table.run_len(head) * BYTES_PER_BLOCK)
    }

    /// Resizes the allocation at `offset` to `n_bytes` (`gc_realloc` allowed to move): shrinks
    /// or grows in place when the following blocks allow, else moves the contents to a new
    /// allocation and frees the old one. Growth is zeroed. `offset` 0 allocates; `n_bytes` 0
    /// frees and returns 0. An `offset` that is no live allocation is treated as 0.
    pub fn realloc(&mut self, offset: u32, n_bytes: u32) -> Result<u32, OutOfMemory> {
        let Some(head) = self.head_block(offset) else {
            return self.alloc(n_bytes);
        };
        if self.is_locked() {
            return Err(OutOfMemory {
                requested: n_bytes,
                heap_locked: true,
            });
        }
        if n_bytes == 0 {
            self.free(offset);
            return Ok(0);
        }
        let new_blocks = n_bytes.div_ceil(BYTES_PER_BLOCK);
        let old_blocks = self.table.run_len(head);
        if new_blocks <= old_blocks {
            for block in head + new_blocks..head + old_blocks {
                self.table.set(block, BlockKind::Free);
            }
            self.fit_hints.freed(head + new_blocks);
            return Ok(offset);
        }
        let end = head + new_blocks;
        let room_after = end <= self.table.n_blocks
            && (head + old_blocks..end).all(|block| self.table.kind(block) == BlockKind::Free);
        if room_after && self.commit_through(end).is_ok() {
            for block in head + old_blocks..end {
                self.table.set(block, BlockKind::Tail);
            }
            self.last_used_block = self.last_used_block.max(end - 1);
            let grown = self.block_offset(head + old_blocks);
            self.arena
                .fill(grown, (new_blocks - old_blocks) * BYTES_PER_BLOCK, 0);
            return Ok(offset);
        }
        // Moving may collect: keep the old allocation alive meanwhile.
        self.push_temp_root(Obj::from_raw(offset));
        let moved = self.alloc(n_bytes);
        self.pop_temp_roots(1);
        let new_offset = moved?;
        self.arena
            .copy_within(offset, new_offset, old_blocks * BYTES_PER_BLOCK);
        self.free(offset);
        Ok(new_offset)
    }

    /// Whether `offset` is the start of a live allocation.
    pub fn is_allocated(&self, offset: u32) -> bool {
        self.head_block(offset).is_some()
    }

    fn head_block(&self, offset: u32) -> Option<u32> {
        let block = self.pool_block(offset)?;
        (self.table.kind(block) == BlockKind::Head).then_some(block)
    }

    /// The block starting exactly at `word`, if `word` is a block-aligned pool offset
    /// (`gc.c`'s `VERIFY_PTR`).
    fn pool_block(&self, word: u32) -> Option<u32> {
        pool_block_of(self.pool_start, self.table.n_blocks, word)
    }

    fn block_offset(&self, block: u32) -> u32 {
        self.pool_start + block * BYTES_PER_BLOCK
    }

    // ---- roots ----

    /// Registers a long-lived root holding `obj`.
    pub fn add_root(&mut self, obj: Obj) -> RootId {
        match self.roots.free_slots.pop() {
            Some(index) => {
                self.roots.slots[index as usize] = obj;
                RootId(index)
            }
            None => {
                self.roots.slots.push(obj);
                RootId(self.roots.slots.len() as u32 - 1)
            }
        }
    }

    pub fn root(&self, id: RootId) -> Obj {
        self.roots.slots[id.0 as usize]
    }

    pub fn set_root(&mut self, id: RootId, obj: Obj) {
        self.roots.slots[id.0 as usize] = obj;
    }

    /// Unregisters a root; its id may be handed out again.
    pub fn remove_root(&mut self, id: RootId) {
        self.roots.slots[id.0 as usize] = Obj::NULL;
        self.roots.free_slots.push(id.0);
    }

    /// Pushes a temporary root: values the VM holds in Rust locals across an allocation.
    pub fn push_temp_root(&mut self, obj: Obj) {
        self.roots.temps.push(obj);
    }

    /// Pops the `count` most recent temporary roots.
    pub fn pop_temp_roots(&mut self, count: usize) {
        let keep = self.roots.temps.len().saturating_sub(count);
        self.roots.temps.truncate(keep);
    }

    /// Registers `start..start + len` of the arena to be scanned word by word at every
    /// collection, as MicroPython scans its Python stack. Uncommitted parts are skipped.
    pub fn add_root_range(&mut self, start: u32, len: u32) -> RootRangeId {
        self.roots.ranges.push(Some((start, len)));
        RootRangeId(self.roots.ranges.len() as u32 - 1)
    }

    /// Moves or resizes a registered range in place (a Python stack whose top moves); cheaper
    /// than removing and re-adding it on every frame push and pop.
    pub fn set_root_range(&mut self, id: RootRangeId, start: u32, len: u32) {
        self.roots.ranges[id.0 as usize] = Some((start, len));
    }

    pub fn remove_root_range(&mut self, id: RootRangeId) {
        self.roots.ranges[id.0 as usize] = None;
    }

    // ---- collection ----

    /// Runs a full collection (`gc.collect()`); returns how many allocations it freed.
    pub fn collect(&mut self) -> u32 {
        self.collections += 1;
        self.allocated_since_collect = 0;
        let roots = std::mem::take(&mut self.roots);
        for obj in roots.slots.iter().chain(&roots.temps) {
            self.mark_word(obj.raw());
        }
        for &(start, len) in roots.ranges.iter().flatten() {
            self.mark_range(start, len);
        }
        self.roots = roots;
        self.drain_mark_stack();
        self.sweep()
    }

    /// Marks the allocation headed at `word`, if any, and queues it for scanning.
    fn mark_word(&mut self, word: u32) {
        if let Some(block) = self.pool_block(word) {
            if self.table.kind(block) == BlockKind::Head {
                self.table.set(block, BlockKind::Mark);
                self.mark_stack.push(block);
            }
        }
    }

    fn mark_range(&mut self, start: u32, len: u32) {
        let words = len / WORD;
        for index in 0..words {
            let offset = start.wrapping_add(index * WORD);
            if let Some(bytes) = self.arena.get(offset, WORD) {
                let word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                self.mark_word(word);
            }
        }
    }

    fn drain_mark_stack(&mut self) {
        while let Some(block) = self.mark_stack.pop() {
            let len = self.table.run_len(block);
            let start = self.block_offset(block);
            let body = self.arena.bytes(start, len * BYTES_PER_BLOCK);
            for chunk in body.chunks_exact(WORD as usize) {
                let word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
                if let Some(child) = pool_block_of(self.pool_start, self.table.n_blocks, word) {
                    if self.table.kind(child) == BlockKind::Head {
                        self.table.set(child, BlockKind::Mark);
                        self.mark_stack.push(child);
                    }
                }
            }
        }
    }

    /// Frees unmarked heads with their tails and unmarks the survivors.
    fn sweep(&mut self) -> u32 {
        let mut freed = 0;
        let mut freeing_tails = false;
        let mut last_used = 0;
        for block in 0..=self.last_used_block.min(self.table.n_blocks - 1) {
            match self.table.kind(block) {
                BlockKind::Free => {}
                BlockKind::Head => {
                    freed += 1;
                    freeing_tails = true;
                    self.table.set(block, BlockKind::Free);
                }
                BlockKind::Tail if freeing_tails => self.table.set(block, BlockKind::Free),
                BlockKind::Tail => last_used = block,
                BlockKind::Mark => {
                    freeing_tails = false;
                    self.table.set(block, BlockKind::Head);
                    last_used = block;
                }
            }
        }
        self.last_used_block = last_used;
        self.fit_hints = FitHints::default();
        freed
    }

    /// `gc_info`: totals and fragmentation of the pool.
    pub fn info(&self) -> HeapInfo {
        let mut info = HeapInfo {
            total: self.table.n_blocks * BYTES_PER_BLOCK,
            ..HeapInfo::default()
        };
        let mut free_run = 0;
        let mut block = 0;
        while block < self.table.n_blocks {
            if self.table.kind(block) == BlockKind::Free {
                info.free += BYTES_PER_BLOCK;
                free_run += 1;
                info.max_free = info.max_free.max(free_run);
                block += 1;
                continue;
            }
            free_run = 0;
            let len = self.table.run_len(block);
            info.used += len * BYTES_PER_BLOCK;
            match len {
                1 => info.num_1block += 1,
                2 => info.num_2block += 1,
                _ => {}
            }
            info.max_block = info.max_block.max(len);
            block += len;
        }
        info
    }
}

/// `pool_block` without borrowing the heap, for use while the arena is borrowed.
fn pool_block_of(pool_start: u32, n_blocks: u32, word: u32) -> Option<u32> {
    let relative = word.checked_sub(pool_start)?;
    if relative & (BYTES_PER_BLOCK - 1) != 0 {
        return None;
    }
    let block = relative / BYTES_PER_BLOCK;
    (block < n_blocks).then_some(block)
}

impl fmt::Debug for Heap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Heap")
            .field("pool_start", &self.pool_start)
            .field("info", &self.info())
            .field("collections", &self.collections)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::arena::Backing;
    use super::*;

    const POOL_START: u32 = 0x1_0000;

    fn heap(pool_blocks: u32) -> Heap {
        let arena = Arena::new(Backing::preferred()).unwrap();
        let config = HeapConfig {
            pool_start: POOL_START,
            pool_size: pool_blocks * BYTES_PER_BLOCK,
        };
        Heap::new(arena, config).unwrap()
    }

    fn ptr(offset: u32) -> Obj {
        Obj::from_ptr(offset).unwrap()
    }

    #[test]
    fn bad_geometry_is_rejected() {
        let arena = || Arena::new(Backing::Owned).unwrap();
        for (pool_start, pool_size) in [(0, 1024), (8, 1024), (0x100, 15), (0xFFFF_FF00, 0x200)] {
            let config = HeapConfig {
                pool_start,
                pool_size,
            };
            assert_eq!(
                Heap::new(arena(), config).err(),
                Some(HeapError::BadGeometry),
                "{config:?}"
            );
        }
    }

    #[test]
    fn allocations_are_block_aligned_zeroed_and_first_fit() {
        let mut heap = heap(64);
        let a = heap.alloc(1).unwrap();
        let b = heap.alloc(17).unwrap();
        let c = heap.alloc(16).unwrap();
        assert_eq!(a, POOL_START);
        assert_eq!(b, POOL_START + 16, "first fit right after a");
        assert_eq!(c, POOL_START + 48, "b took two blocks");
        assert_eq!(heap.allocation_size(b), Some(32));
        heap.arena_mut().fill(b, 32, 0xAB);
        assert!(heap.free(b));
        assert!(!heap.free(b), "double free is refused");
        let d = heap.alloc(20).unwrap();
        assert_eq!(d, b, "the hole is reused");
        assert!(heap.arena().bytes(d, 32).iter().all(|&x| x == 0));
        assert_eq!(heap.alloc(0), Ok(0));
    }

    #[test]
    fn only_exact_heads_count_as_allocations() {
        let mut heap = heap(16);
        let a = heap.alloc(40).unwrap();
        assert!(heap.is_allocated(a));
        for word in [0, 4, 8, a + 4, a + 16, a + 32, POOL_START - 16, a + 48] {
            assert!(!heap.is_allocated(word), "{word:#x}");
            assert!(!heap.free(word));
        }
    }

    #[test]
    fn heap_exhaustion_is_an_error_and_collection_recovers() {
        let mut heap = heap(8);
        let mut kept = Vec::new();
        while let Ok(offset) = heap.alloc(16) {
            kept.push(heap.add_root(ptr(offset)));
        }
        assert_eq!(kept.len(), 8);
        assert_eq!(heap.alloc(1), Err(OutOfMemory::new(1)));
        assert_eq!(heap.alloc(u32::MAX), Err(OutOfMemory::new(u32::MAX)));
        assert_eq!(heap.info().free, 0);
        heap.remove_root(kept[3]);
        let again = heap.alloc(16).unwrap();
        assert_eq!(
            again,
            POOL_START + 3 * 16,
            "the collection freed the unrooted block"
        );
        heap.add_root(ptr(again));
        // A request larger than any free run fails although enough bytes are free in total.
        heap.remove_root(kept[0]);
        heap.remove_root(kept[5]);
        heap.collect();
        assert_eq!(heap.info().free, 32);
        assert_eq!(heap.alloc(32), Err(OutOfMemory::new(32)));
    }

    #[test]
    fn locked_heap_refuses_to_allocate_or_free() {
        let mut heap = heap(8);
        let a = heap.alloc(16).unwrap();
        heap.lock();
        heap.lock();
        let err = heap.alloc(16).unwrap_err();
        assert!(err.heap_locked);
        assert_eq!(err.to_string(), "memory allocation failed, heap is locked");
        assert!(!heap.free(a));
        assert!(heap.realloc(a, 64).unwrap_err().heap_locked);
        assert_eq!(heap.unlock(), 1);
        assert!(heap.alloc(16).is_err());
        assert_eq!(heap.unlock(), 0);
        assert!(heap.free(a));
        assert_eq!(
            heap.alloc(1 << 20).unwrap_err().to_string(),
            "memory allocation failed, allocating 1048576 bytes"
        );
    }

    #[test]
    fn threshold_collects_after_enough_allocation() {
        let mut heap = heap(64);
        heap.set_alloc_threshold(Some(100));
        assert_eq!(heap.alloc_threshold(), Some(96), "rounded down to blocks");
        for _ in 0..6 {
            heap.alloc(16).unwrap();
        }
        assert_eq!(
            heap.collections(),
            0,
            "6 blocks allocated, none collected yet"
        );
        heap.alloc(16).unwrap();
        assert_eq!(
            heap.collections(),
            1,
            "the 7th allocation crossed 96 bytes first"
        );
        assert_eq!(heap.info().used, 16, "the six unrooted blocks went");
        heap.set_alloc_threshold(None);
        for _ in 0..20 {
            heap.alloc(16).unwrap();
        }
        assert_eq!(heap.collections(), 1);
    }

    #[test]
    fn default_config_leaves_the_first_64k_unmapped() {
        let arena = Arena::new(Backing::preferred()).unwrap();
        let mut heap = Heap::new(arena, HeapConfig::with_size(DEFAULT_HEAP_SIZE)).unwrap();
        let first = heap.alloc(16).unwrap();
        assert_eq!(first, DEFAULT_POOL_START);
        assert_eq!(heap.info().total, DEFAULT_HEAP_SIZE);
        assert!(heap.arena().get(0, 4).is_none());
    }

    #[test]
    fn disabled_auto_collect_fails_instead_of_collecting() {
        let mut heap = heap(2);
        heap.alloc(32).unwrap();
        heap.set_auto_collect(false);
        assert!(heap.alloc(16).is_err());
        assert_eq!(heap.collections(), 0);
        heap.set_auto_collect(true);
        assert!(heap.alloc(16).is_ok());
        assert_eq!(heap.collections(), 1);
    }

    #[test]
    fn marking_follows_pointers_in_bodies_but_not_interior_pointers() {
        let mut heap = heap(64);
        let root = heap.alloc(32).unwrap();
        let child = heap.alloc(16).unwrap();
        let grandchild = heap.alloc(16).unwrap();
        let interior_target = heap.alloc(32).unwrap();
        let garbage = heap.alloc(16).unwrap();
        // The child is referenced from the second block of the root (a tail block).
        heap.arena_mut().store_u32(root + 20, child);
        heap.arena_mut().store_u32(child, grandchild);
        heap.arena_mut().store_u32(root, interior_target + 16);
        // Garbage pointing at the root does not keep itself alive.
        heap.arena_mut().store_u32(garbage, root);
        heap.add_root(ptr(root));
        assert_eq!(heap.collect(), 2);
        assert!(
            heap.is_allocated(root) && heap.is_allocated(child) && heap.is_allocated(grandchild)
        );
        assert!(
            !heap.is_allocated(interior_target),
            "interior pointers don't keep objects alive"
        );
        assert!(!heap.is_allocated(garbage));
        assert_eq!(
            heap.arena().load_u32(child),
            grandchild,
            "survivors are untouched"
        );
    }

    #[test]
    fn cycles_are_collected_when_unreachable() {
        let mut heap = heap(16);
        let a = heap.alloc(16).unwrap();
        let b = heap.alloc(16).unwrap();
        heap.arena_mut().store_u32(a, b);
        heap.arena_mut().store_u32(b, a);
        let id = heap.add_root(ptr(a));
        assert_eq!(heap.collect(), 0);
        heap.set_root(id, Obj::NONE);
        assert_eq!(heap.collect(), 2);
        assert_eq!(heap.info().used, 0);
    }

    #[test]
    fn temp_roots_and_root_ranges_keep_objects_alive() {
        let mut heap = heap(64);
        // A "Python stack" outside the pool, committed by its owner.
        heap.arena_mut().commit(0x8000, 64).unwrap();
        let on_stack = heap.alloc(16).unwrap();
        let temp = heap.alloc(16).unwrap();
        heap.arena_mut().store_u32(0x8000 + 12, on_stack);
        let range = heap.add_root_range(0x8000, 64);
        heap.push_temp_root(ptr(temp));
        assert_eq!(heap.collect(), 0);
        heap.pop_temp_roots(1);
        assert_eq!(heap.collect(), 1);
        assert!(!heap.is_allocated(temp) && heap.is_allocated(on_stack));
        heap.remove_root_range(range);
        assert_eq!(heap.collect(), 1);
        assert!(!heap.is_allocated(on_stack));
        // A range that is not committed is skipped, not a crash.
        heap.add_root_range(0x20_0000, 64);
        heap.collect();
    }

    #[test]
    fn root_slots_are_reused_after_removal() {
        let mut heap = heap(4);
        let first = heap.add_root(Obj::NONE);
        let second = heap.add_root(Obj::TRUE);
        heap.remove_root(first);
        let third = heap.add_root(Obj::FALSE);
        assert_eq!(third, first);
        assert_eq!(heap.root(second), Obj::TRUE);
        assert_eq!(heap.root(third), Obj::FALSE);
    }

    #[test]
    fn realloc_shrinks_grows_in_place_and_moves() {
        let mut heap = heap(32);
        let a = heap.alloc(48).unwrap();
        heap.arena_mut().store_u32(a, 0x1111);
        assert_eq!(heap.realloc(a, 20), Ok(a));
        assert_eq!(heap.allocation_size(a), Some(32));
        assert_eq!(
            heap.realloc(a, 64),
            Ok(a),
            "the freed tail and beyond are free"
        );
        assert_eq!(heap.allocation_size(a), Some(64));
        assert!(heap.arena().bytes(a + 32, 32).iter().all(|&x| x == 0));
        let blocker = heap.alloc(16).unwrap();
        assert_eq!(blocker, a + 64);
        heap.add_root(ptr(blocker));
        heap.add_root(ptr(a));
        let moved = heap.realloc(a, 80).unwrap();
        assert_eq!(moved, blocker + 16);
        assert_eq!(heap.arena().load_u32(moved), 0x1111, "contents move along");
        assert!(!heap.is_allocated(a));
        assert_eq!(heap.realloc(moved, 0), Ok(0));
        assert!(!heap.is_allocated(moved));
        let fresh = heap.realloc(0, 16).unwrap();
        assert!(heap.is_allocated(fresh));
    }

    #[test]
    fn realloc_that_must_collect_keeps_the_old_contents() {
        let mut heap = heap(6);
        heap.set_stress(true);
        let a = heap.alloc(16).unwrap();
        let root = heap.add_root(ptr(a));
        let blocker = heap.alloc(16).unwrap();
        heap.add_root(ptr(blocker));
        heap.arena_mut().store_u32(a, 0xFEED);
        // Growing a must move past the blocker; the stress collection inside must not free a.
        let moved = heap.realloc(a, 48).unwrap();
        heap.set_root(root, ptr(moved));
        assert_eq!(heap.arena().load_u32(moved), 0xFEED);
    }

    #[test]
    fn stress_mode_collects_at_every_allocation() {
        let mut heap = heap(16);
        heap.set_stress(true);
        let kept = heap.alloc(16).unwrap();
        heap.add_root(ptr(kept));
        let dropped = heap.alloc(16).unwrap();
        assert_eq!(heap.collections(), 2);
        let third = heap.alloc(16).unwrap();
        assert_eq!(heap.collections(), 3);
        assert!(heap.is_allocated(kept));
        assert_eq!(
            third, dropped,
            "the collection freed `dropped` before the search"
        );
        assert_eq!(heap.info().used, 32);
    }

    #[test]
    fn info_reports_fragmentation_like_gc_info() {
        let mut heap = heap(16);
        let a = heap.alloc(16).unwrap();
        let b = heap.alloc(32).unwrap();
        let _c = heap.alloc(48).unwrap();
        heap.free(b);
        let info = heap.info();
        assert_eq!(info.total, 256);
        assert_eq!(info.used, 64);
        assert_eq!(info.free, 192);
        assert_eq!(info.num_1block, 1);
        assert_eq!(info.num_2block, 0);
        assert_eq!(info.max_block, 3);
        assert_eq!(info.max_free, 10, "blocks 6..16");
        heap.free(a);
        assert_eq!(heap.info().max_free, 10);
    }

    #[test]
    fn the_pool_is_committed_on_demand() {
        let mut heap = heap(1 << 20);
        assert_eq!(heap.arena().committed_bytes(), 0);
        heap.alloc(16).unwrap();
        let after_one = heap.arena().committed_bytes();
        assert!(after_one > 0 && after_one < 1 << 20);
        let big = heap.alloc(4 << 20).unwrap();
        assert!(heap.arena().committed_bytes() >= u64::from(big + (4 << 20) - POOL_START));
        assert!(heap.arena().committed_bytes() < 16 << 20);
    }
}
