//! The bytecode interpreter and the VM state it runs against.
//!
//! Design, in one place:
//! - **Objects** are 32-bit words into the arena ([`Obj`]); builtin types are static type
//!   objects at constant addresses (see [`crate::objects`]).
//! - **Frames** are MicroPython code states (`mp_code_state_t` layout) on a Python stack: one
//!   arena region ([`pystack`]) registered with the GC as a conservatively scanned root range
//!   that always covers exactly the live part. A bytecode function calling a bytecode function
//!   pushes a frame and stays in the same host loop ([`exec`]), so Python recursion never
//!   recurses on the host stack; only calls made from Rust helpers (special methods, `__init__`,
//!   builtins calling back) re-enter the loop, and that nesting is bounded separately.
//! - **Exceptions** propagate as `Err(Raise)`; `Raise` is a marker whose only constructor
//!   stores the exception object in a GC root slot first, so an exception in flight is always
//!   rooted. Handlers use the code state's exception stack exactly as `py/vm.c` does.
//! - **GC rooting**: every allocation may collect. Values live either on the Python stack
//!   (frames, arguments, and helper temporaries pushed with [`Vm::root`]) or in heap objects
//!   reachable from there; Rust code keeps a word across an allocation only by rooting it and
//!   re-reading the slot afterwards. Temporaries are released wholesale when their frame or
//!   call returns, so an early `?` cannot leak them past that point.
pub mod call;
pub mod eval;
pub mod exec;
pub mod gen;
pub mod import;
pub mod load;
pub mod ops;
pub mod print;
pub mod pystack;

use crate::objects::{self, qstrs, ty};
use crate::runtime::arena::{Arena, ArenaError, Backing};
use crate::runtime::gc::{Heap, HeapConfig, HeapError, OutOfMemory, RootId};
use crate::runtime::obj::Obj;
use crate::runtime::qstr::{QstrConfig, QstrPool};
use pystack::PyStack;
use std::fmt;

/// An exception is propagating; the exception object is in the VM's in-flight slot
/// ([`Vm::pending_exception`]). Only [`Vm::raise`] makes one.
#[derive(Debug, PartialEq, Eq)]
pub struct Raise(());

/// The result of anything that can raise.
pub type PyResult<T> = Result<T, Raise>;

/// How to build a VM.
#[derive(Clone, Copy, Debug)]
pub struct VmConfig {
    pub heap_size: u32,
    pub pystack_size: u32,
    /// Collect at every allocation (finds missing roots).
    pub gc_stress: bool,
    /// Deepest nesting of Python frames before `RuntimeError: maximum recursion depth exceeded`.
    pub max_depth: u32,
    /// Bytecode instructions to run before raising `RuntimeError: step limit exceeded`
    /// (0: no limit). For fuzzing and sandboxes, which must end whatever the program does.
    pub max_steps: u64,
}

impl Default for VmConfig {
    fn default() -> VmConfig {
        VmConfig {
            heap_size: 2 << 20,
            pystack_size: 1 << 20,
            gc_stress: false,
            max_depth: 2000,
            max_steps: 0,
        }
    }
}

/// Why a VM could not start.
#[derive(Debug)]
pub enum VmError {
    Arena(ArenaError),
    Heap(HeapError),
    /// The heap cannot even hold the builtins.
    HeapTooSmall,
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmError::Arena(err) => write!(f, "{err}"),
            VmError::Heap(err) => write!(f, "{err}"),
            VmError::HeapTooSmall => write!(f, "heap too small to start"),
        }
    }
}

impl std::error::Error for VmError {}

/// Most nested re-entries of the interpreter from Rust (a bound on host stack use).
const MAX_REENTRY: u32 = 200;

/// The whole VM: heap, qstrs, Python stack, builtins and the exception in flight.
pub struct Vm {
    pub heap: Heap,
    pub qstrs: QstrPool,
    pub(crate) pystack: PyStack,
    /// Root slot of the exception being raised.
    exc_slot: RootId,
    /// Root slot of the builtins dict.
    builtins_slot: RootId,
    /// Root slot of a preallocated `MemoryError`, raised when even the message cannot be built.
    emergency_memory_error: RootId,
    /// Set while a `MemoryError` message is being built, so a failure there cannot recurse.
    building_memory_error: bool,
    /// Set when bytecode touched the value or exception stack outside its frame's slots;
    /// the dispatch loop raises `ValueError` for it (see `exec.rs`).
    pub(crate) stack_fault: std::cell::Cell<bool>,
    /// Instructions left before the step limit ([`VmConfig::max_steps`]; `u64::MAX` if none).
    pub(crate) steps_left: u64,
    /// Python frames currently live (all host loops together).
    pub(crate) depth: u32,
    max_depth: u32,
    /// Host re-entries of the interpreter loop.
    pub(crate) reentry: u32,
    /// `sys.modules`, `sys.path`, `sys.argv` and the builtin modules built so far.
    pub(crate) modules: crate::modules::ModuleState,
    /// Everything `print` writes, flushed by the embedder.
    pub out: Vec<u8>,
}

impl Vm {
    pub fn new(config: VmConfig) -> Result<Vm, VmError> {
        let mut arena = Arena::new(Backing::preferred()).map_err(VmError::Arena)?;
        arena
            .commit(
                objects::STATIC_BASE,
                objects::STATIC_END - objects::STATIC_BASE,
            )
            .map_err(VmError::Arena)?;
        let table = qstrs::initial_table();
        let qstr_pool = QstrPool::new(&table, QstrConfig::default());
        objects::write_static_region(&mut arena, |name| {
            qstr_pool.find(name.as_bytes()).unwrap_or(qstrs::EMPTY)
        });
        crate::builtins::write_builtin_functions(&mut arena);
        let pool = HeapConfig::with_size(config.heap_size);
        let pystack_start = pystack::placement(pool.pool_start, pool.pool_size);
        arena
            .commit(pystack_start, config.pystack_size)
            .map_err(VmError::Arena)?;
        let mut heap = Heap::new(arena, pool).map_err(VmError::Heap)?;
        let pystack = PyStack::new(&mut heap, pystack_start, config.pystack_size);
        let exc_slot = heap.add_root(Obj::NULL);
        let builtins_slot = heap.add_root(Obj::NULL);
        let emergency_memory_error = heap.add_root(Obj::NULL);
        let modules = crate::modules::ModuleState::new(&mut heap);
        let mut vm = Vm {
            heap,
            qstrs: qstr_pool,
            pystack,
            exc_slot,
            builtins_slot,
            emergency_memory_error,
            building_memory_error: false,
            stack_fault: std::cell::Cell::new(false),
            steps_left: if config.max_steps == 0 {
                u64::MAX
            } else {
                config.max_steps
            },
            depth: 0,
            max_depth: config.max_depth,
            reentry: 0,
            modules,
            out: Vec::new(),
        };
        let exc = vm
            .new_exception(ty::MEMORY_ERROR, Obj::from_raw(objects::EMPTY_TUPLE_OBJ))
            .map_err(|_| VmError::HeapTooSmall)?;
        vm.heap.set_root(vm.emergency_memory_error, exc);
        let builtins =
            crate::builtins::make_builtins_dict(&mut vm).map_err(|_| VmError::HeapTooSmall)?;
        vm.heap.set_root(vm.builtins_slot, builtins);
        vm.heap.set_stress(config.gc_stress);
        Ok(vm)
    }

    pub fn arena(&self) -> &Arena {
        self.heap.arena()
    }

    pub fn arena_mut(&mut self) -> &mut Arena {
        self.heap.arena_mut()
    }

    /// The builtins dict (`mp_builtin_module`'s globals).
    pub fn builtins(&self) -> Obj {
        self.heap.root(self.builtins_slot)
    }

    // ---- allocation ----

    /// Allocates `n_bytes` zeroed bytes; running out raises `MemoryError`.
    pub fn alloc(&mut self, n_bytes: u32) -> PyResult<u32> {
        match self.heap.alloc(n_bytes) {
            Ok(addr) => Ok(addr),
            Err(oom) => Err(self.raise_memory_error(oom)),
        }
    }

    /// Allocates an object of `n_bytes` whose type word is `type_`.
    pub fn alloc_obj(&mut self, type_: u32, n_bytes: u32) -> PyResult<u32> {
        let addr = self.alloc(n_bytes)?;
        self.arena_mut().store_u32(addr, type_);
        Ok(addr)
    }

    pub(crate) fn raise_memory_error(&mut self, oom: OutOfMemory) -> Raise {
        // Building the message allocates too; if that fails (or we are already inside such
        // an attempt), raise the preallocated instance instead.
        if !self.building_memory_error {
            self.building_memory_error = true;
            let built = self.new_exception_msg(ty::MEMORY_ERROR, &oom.to_string());
            self.building_memory_error = false;
            if let Ok(exc) = built {
                return self.raise(exc);
            }
        }
        let exc = self.heap.root(self.emergency_memory_error);
        self.raise(exc)
    }

    // ---- roots for Rust temporaries ----

    /// Keeps `obj` alive across allocations until the pystack is unwound past this point;
    /// read it back with [`Vm::slot`] (the word may be stale only if you copied it out).
    pub fn root(&mut self, obj: Obj) -> PyResult<Slot> {
        match self.pystack.push_word(&mut self.heap, obj.raw()) {
            Some(addr) => Ok(Slot(addr)),
            None => Err(self.raise_recursion_error()),
        }
    }

    pub fn slot(&self, slot: Slot) -> Obj {
        Obj::from_raw(self.arena().load_u32(slot.0))
    }

    pub fn set_slot(&mut self, slot: Slot, obj: Obj) {
        self.arena_mut().store_u32(slot.0, obj.raw());
    }

    /// The current top of the Python stack, to release temporaries to later.
    pub fn stack_mark(&self) -> u32 {
        self.pystack.top()
    }

    /// Releases every temporary and frame above `mark`.
    pub fn stack_release(&mut self, mark: u32) {
        self.pystack.release(&mut self.heap, mark);
    }

    // ---- raising ----

    /// Starts raising `exc` (an exception instance): roots it and returns the marker.
    pub fn raise(&mut self, exc: Obj) -> Raise {
        self.heap.set_root(self.exc_slot, exc);
        Raise(())
    }

    /// The exception being raised (valid after an `Err(Raise)`).
    pub fn pending_exception(&self) -> Obj {
        self.heap.root(self.exc_slot)
    }

    /// Raises a new instance of `exc_type` with message `msg`.
    pub fn raise_msg(&mut self, exc_type: u32, msg: &str) -> Raise {
        match self.new_exception_msg(exc_type, msg) {
            Ok(exc) => self.raise(exc),
            Err(raise) => raise,
        }
    }

    /// Raises `exc_type` with no arguments.
    pub fn raise_type(&mut self, exc_type: u32) -> Raise {
        match self.new_exception(exc_type, Obj::from_raw(objects::EMPTY_TUPLE_OBJ)) {
            Ok(exc) => self.raise(exc),
            Err(raise) => raise,
        }
    }

    pub fn type_error(&mut self, msg: &str) -> Raise {
        self.raise_msg(ty::TYPE_ERROR, msg)
    }

    pub fn value_error(&mut self, msg: &str) -> Raise {
        self.raise_msg(ty::VALUE_ERROR, msg)
    }

    pub(crate) fn raise_recursion_error(&mut self) -> Raise {
        self.raise_msg(ty::RUNTIME_ERROR, "maximum recursion depth exceeded")
    }

    /// Counts one more live Python frame, refusing past the configured depth.
    pub(crate) fn enter_frame(&mut self) -> PyResult<()> {
        if self.depth >= self.max_depth {
            return Err(self.raise_recursion_error());
        }
        self.depth += 1;
        Ok(())
    }

    // ---- qstrs ----

    pub fn intern(&mut self, text: &str) -> PyResult<u32> {
        match self.qstrs.intern(text.as_bytes()) {
            Ok(q) => Ok(q),
            Err(err) => Err(self.raise_msg(ty::RUNTIME_ERROR, &err.to_string())),
        }
    }

    pub fn qstr_str(&self, q: u32) -> &str {
        self.qstrs
            .get(q)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or("")
    }

    /// The type of `obj` (`mp_obj_get_type`).
    #[inline]
    pub fn type_of(&self, obj: Obj) -> u32 {
        objects::type_of(self.arena(), obj)
    }
}

/// A rooted temporary on the Python stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot(u32);

#[cfg(test)]
mod guard_tests;
#[cfg(test)]
mod tests;
