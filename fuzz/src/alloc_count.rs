//! A counting global allocator: per-thread live and peak bytes, so a target's allocation can
//! be compared with its input size, and a hard cap that stops a runaway allocation before the
//! machine runs out of memory.
//!
//! Install it in a binary or test crate with
//! `#[global_allocator] static A: fuzz::alloc_count::CountingAllocator = fuzz::alloc_count::CountingAllocator;`.
//! Without it, [`is_installed`] is false and measured peaks are zero.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// Live bytes one thread may hold before the allocator refuses (and calls the fatal hook).
pub const HARD_CAP_BYTES: usize = 2 << 30;

static INSTALLED: AtomicBool = AtomicBool::new(false);
/// A `fn()` called (once) before refusing an allocation over the cap, e.g. to save the input.
static FATAL_HOOK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

pub struct CountingAllocator;

impl CountingAllocator {
    fn grow(size: usize) -> bool {
        INSTALLED.store(true, Ordering::Relaxed);
        let live = LIVE.with(|l| l.get()).saturating_add(size);
        if live > HARD_CAP_BYTES {
            run_fatal_hook();
            return false;
        }
        LIVE.with(|l| l.set(live));
        PEAK.with(|p| p.set(p.get().max(live)));
        true
    }

    fn shrink(size: usize) {
        // Memory freed by another thread than the one that allocated it may underflow: saturate.
        LIVE.with(|l| l.set(l.get().saturating_sub(size)));
    }
}

fn run_fatal_hook() {
    let hook = FATAL_HOOK.swap(std::ptr::null_mut(), Ordering::SeqCst);
    if !hook.is_null() {
        // SAFETY: only `set_fatal_hook` stores into FATAL_HOOK, always a `fn()`.
        let hook: fn() = unsafe { std::mem::transmute::<*mut (), fn()>(hook) };
        hook();
    }
}

// SAFETY: every call is forwarded to `System`; the counters only observe sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !Self::grow(layout.size()) {
            return std::ptr::null_mut();
        }
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !Self::grow(layout.size()) {
            return std::ptr::null_mut();
        }
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Self::shrink(layout.size());
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            if !Self::grow(new_size - layout.size()) {
                return std::ptr::null_mut();
            }
        } else {
            Self::shrink(layout.size() - new_size);
        }
        System.realloc(ptr, layout, new_size)
    }
}

/// Whether a [`CountingAllocator`] is the global allocator (it has seen an allocation).
pub fn is_installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// Starts a measurement on this thread: the peak is reset to the live bytes, which are returned.
pub fn start() -> usize {
    let live = LIVE.with(|l| l.get());
    PEAK.with(|p| p.set(live));
    live
}

/// Highest live bytes on this thread since [`start`].
pub fn peak() -> usize {
    PEAK.with(|p| p.get())
}

/// Registers `hook` to run just before an allocation over [`HARD_CAP_BYTES`] is refused
/// (refusal then aborts the process). The hook must not allocate much.
pub fn set_fatal_hook(hook: fn()) {
    FATAL_HOOK.store(hook as *mut (), Ordering::SeqCst);
}
