//! The Python stack (MicroPython's `MICROPY_ENABLE_PYSTACK`): one arena region holding every
//! frame's code state and the temporaries Rust helpers root, allocated and freed LIFO.
//!
//! Invariant: the GC root range registered for it is always exactly `start..top`, so a
//! collection scans every live frame and temporary and nothing that was popped.
use crate::runtime::gc::{Heap, RootRangeId};

/// Where the Python stack goes: just past the GC pool, rounded up to 64 KiB.
pub fn placement(pool_start: u32, pool_size: u32) -> u32 {
    (pool_start + pool_size).next_multiple_of(0x1_0000)
}

pub struct PyStack {
    start: u32,
    end: u32,
    top: u32,
    range: RootRangeId,
}

impl PyStack {
    /// A Python stack over `start..start + size` (already committed).
    pub fn new(heap: &mut Heap, start: u32, size: u32) -> PyStack {
        let range = heap.add_root_range(start, 0);
        PyStack {
            start,
            end: start + size,
            top: start,
            range,
        }
    }

    pub fn top(&self) -> u32 {
        self.top
    }

    /// Bytes in use (`mp_pystack_usage`) and in all.
    pub fn usage(&self) -> (u32, u32) {
        (self.top - self.start, self.end - self.start)
    }

    /// Reserves `n_bytes` (a multiple of 4), zeroed; `None` when the stack is full.
    pub fn alloc(&mut self, heap: &mut Heap, n_bytes: u32) -> Option<u32> {
        let addr = self.top;
        let new_top = addr.checked_add(n_bytes).filter(|&top| top <= self.end)?;
        heap.arena_mut().fill(addr, n_bytes, 0);
        self.top = new_top;
        heap.set_root_range(self.range, self.start, self.top - self.start);
        Some(addr)
    }

    #[inline]
    pub fn push_word(&mut self, heap: &mut Heap, word: u32) -> Option<u32> {
        let addr = self.top;
        if self.end - addr < 4 {
            return None;
        }
        heap.arena_mut().store_u32(addr, word);
        self.top = addr + 4;
        heap.set_root_range(self.range, self.start, self.top - self.start);
        Some(addr)
    }

    /// Frees everything at and above `mark` (a value of [`PyStack::top`] taken earlier).
    #[inline]
    pub fn release(&mut self, heap: &mut Heap, mark: u32) {
        if mark >= self.start && mark < self.top {
            self.top = mark;
            heap.set_root_range(self.range, self.start, self.top - self.start);
        }
    }
}
