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
pub mod attr;
pub mod call;
pub mod exec;
pub mod gen;
pub mod import;
pub mod load;
pub mod native;
pub mod ops;
pub mod print;
pub mod pystack;

use crate::objects::class::{CachedLookup, LOOKUP_CACHE};
use crate::objects::{self, qstrs, ty};
use crate::runtime::arena::{Arena, ArenaError, Backing};
use crate::runtime::gc::{Heap, HeapConfig, HeapError, OutOfMemory, RootId};
use crate::runtime::layout;
use crate::runtime::obj::{Obj, ObjKind};
use crate::runtime::qstr::{QstrConfig, QstrPool};
use pystack::PyStack;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// Root slot of the argument of the last `StopIteration` a user `__next__` raised inside
    /// an iteration (`NULL` for none), which `next()` raises again (`stop_iteration_arg`).
    stop_iteration_arg: RootId,
    /// Set while a `MemoryError` message is being built, so a failure there cannot recurse.
    building_memory_error: bool,
    /// Set when bytecode touched the value or exception stack outside its frame's slots;
    /// the dispatch loop raises `ValueError` for it (see `exec.rs`).
    pub(crate) stack_fault: std::cell::Cell<bool>,
    /// Instructions left before the step limit ([`VmConfig::max_steps`]; `u64::MAX` if none).
    pub(crate) steps_left: u64,
    /// Instructions left before the dispatch loop's next poll (`exec.rs`), and how many the
    /// current poll window held (they are taken off `steps_left` at the next poll).
    pub(crate) poll_countdown: u32,
    pub(crate) poll_window: u32,
    /// Set from outside (a SIGINT handler) to interrupt the running program: the dispatch
    /// loop clears it and raises `KeyboardInterrupt` (`mp_sched_keyboard_interrupt`).
    interrupt: Option<&'static AtomicBool>,
    /// Python frames currently live (all host loops together).
    pub(crate) depth: u32,
    max_depth: u32,
    /// Host re-entries of the interpreter loop.
    pub(crate) reentry: u32,
    /// `sys.modules`, `sys.path`, `sys.argv` and the builtin modules built so far.
    pub(crate) modules: crate::modules::ModuleState,
    /// Everything `print` writes, flushed by the embedder.
    pub out: Vec<u8>,
    /// Host machine code of the loaded native functions, by index - 1 (see `native`).
    pub(crate) native_code: Vec<crate::rawcode::HostCode>,
    /// Emptied frame lists of finished interpreter runs, reused by the next ones.
    spare_frame_lists: Vec<Vec<exec::Frame>>,
    /// The locals dict of the native class body running (`NULL` when none), which its name
    /// helpers use as MicroPython's use `mp_locals_get()`. Not a GC root of its own:
    /// `__build_class__` keeps it rooted while the body runs.
    pub(crate) class_body_locals: Obj,
    /// What a native generator is being resumed with (the value sent, or the exception
    /// thrown in), until its code takes it (`gen_resume`). `Vm::resume_with` roots both.
    pub(crate) native_resume: Option<(Obj, Option<Obj>)>,
    /// Class attribute lookups, cached (see `Vm::class_lookup`).
    pub(crate) class_lookups: Box<[CachedLookup; LOOKUP_CACHE]>,
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
        let stop_iteration_arg = heap.add_root(Obj::NULL);
        let mut vm = Vm {
            heap,
            qstrs: qstr_pool,
            pystack,
            exc_slot,
            builtins_slot,
            emergency_memory_error,
            stop_iteration_arg,
            building_memory_error: false,
            stack_fault: std::cell::Cell::new(false),
            steps_left: if config.max_steps == 0 {
                u64::MAX
            } else {
                config.max_steps
            },
            poll_countdown: 0,
            poll_window: 0,
            interrupt: None,
            depth: 0,
            max_depth: config.max_depth,
            reentry: 0,
            modules,
            out: Vec::new(),
            native_code: Vec::new(),
            spare_frame_lists: Vec::new(),
            class_body_locals: Obj::NULL,
            native_resume: None,
            class_lookups: Box::new([CachedLookup::default(); LOOKUP_CACHE]),
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

    /// The running code's globals and locals dicts (`globals()`, `locals()`): its module's
    /// globals, and a class body's namespace or (at module level and, as in MicroPython, in
    /// functions) the globals again. Outside any frame, `__main__`'s.
    pub fn scope(&mut self) -> PyResult<(Obj, Obj)> {
        let cs = layout::CodeStateObj(self.modules.current_frame);
        if cs.0 == 0 {
            let main = self.main_module()?;
            let globals = self.module_globals(main);
            return Ok((globals, globals));
        }
        let fun = layout::FunBcObj(cs.fun_bc(self.arena()));
        let globals = layout::ModuleContextObj(fun.context(self.arena())).globals(self.arena());
        Ok((
            Obj::from_raw(globals),
            Obj::from_raw(cs.old_globals(self.arena())),
        ))
    }

    /// Remembers the argument of `StopIteration` instance `exc` for `next()`.
    pub(crate) fn keep_stop_iteration_arg(&mut self, exc: Obj) {
        let args = self.exception_args(exc);
        let arg = self.seq_items(args).first().copied().unwrap_or(Obj::NULL);
        self.heap.set_root(self.stop_iteration_arg, arg);
    }

    /// Takes the remembered `StopIteration` argument (`NULL` if none).
    pub(crate) fn take_stop_iteration_arg(&mut self) -> Obj {
        let arg = self.heap.root(self.stop_iteration_arg);
        self.heap.set_root(self.stop_iteration_arg, Obj::NULL);
        arg
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

    /// Makes `flag` this VM's interrupt request (see [`Vm::take_interrupt`]).
    pub fn set_interrupt_flag(&mut self, flag: &'static AtomicBool) {
        self.interrupt = Some(flag);
    }

    /// Sleeps for `duration`, waking early with `KeyboardInterrupt` if an interrupt is
    /// requested meanwhile (`time.sleep` and friends; MicroPython's `mp_hal_delay_ms` polls
    /// pending exceptions the same way).
    pub fn sleep(&mut self, duration: std::time::Duration) -> PyResult<()> {
        const SLICE: std::time::Duration = std::time::Duration::from_millis(10);
        let end = std::time::Instant::now() + duration;
        loop {
            if self.take_interrupt() {
                return Err(self.raise_type(ty::KEYBOARD_INTERRUPT));
            }
            let now = std::time::Instant::now();
            if now >= end {
                return Ok(());
            }
            std::thread::sleep(SLICE.min(end - now));
        }
    }

    /// Whether an interrupt was requested since the last call (clearing the request).
    #[inline]
    pub(crate) fn take_interrupt(&self) -> bool {
        self.interrupt
            .is_some_and(|flag| flag.load(Ordering::Relaxed) && flag.swap(false, Ordering::Relaxed))
    }

    /// The type of `obj` (`mp_obj_get_type`).
    ///
    /// Bytecode from a `.mpy` file is not trusted to keep its own invariants, so a word that is
    /// not an object (`NULL`, or anything whose type word is not a type) can reach here. It
    /// records a bytecode fault, which the dispatch loop turns into `ValueError`, and reads as
    /// `object` meanwhile so the current instruction finishes without touching bad memory.
    #[inline]
    pub fn type_of(&self, obj: Obj) -> u32 {
        let ObjKind::Ptr(addr) = obj.kind() else {
            return objects::type_of(self.arena(), obj);
        };
        let arena = self.arena();
        match arena.try_load_u32(addr) {
            Some(t) if objects::is_builtin_type(t) => t,
            Some(t) if arena.try_load_u32(t) == Some(ty::TYPE) => t,
            _ => {
                self.stack_fault.set(true);
                ty::OBJECT
            }
        }
    }

    /// Whether `obj` is exactly of builtin type `t`; a bytecode fault if not. For operands whose
    /// type the compiler guarantees (the cell of `LOAD_DEREF`, the dict of `STORE_MAP`), which
    /// a corrupt `.mpy` file can break.
    pub(crate) fn expect_type(&self, obj: Obj, t: u32) -> bool {
        let ok = self.type_of(obj) == t;
        if !ok {
            self.stack_fault.set(true);
        }
        ok
    }
}

/// A rooted temporary on the Python stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot(u32);

#[cfg(test)]
mod guard_tests;
#[cfg(test)]
mod tests;
