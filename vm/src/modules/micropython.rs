//! `micropython` (`py/modmicropython.c`): `const`, the optimisation level, memory and qstr
//! reports, heap locking, and the scheduler. The compiler resolves `micropython.const`,
//! `native` and `viper` itself; the module still provides `const` for code that calls it.
use super::{stdio, ModuleDef};
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;

/// Callbacks `schedule` queues at most (`MICROPY_SCHEDULER_DEPTH`).
const SCHEDULER_DEPTH: u32 = 4;

pub const MODULE: ModuleDef = ModuleDef {
    name: "micropython",
    extensible: false,
    functions: &[
        ("const", identity),
        ("opt_level", opt_level),
        ("mem_info", mem_info),
        ("qstr_info", qstr_info),
        ("stack_use", stack_use),
        ("pystack_use", stack_use),
        ("heap_lock", heap_lock),
        ("heap_unlock", heap_unlock),
        ("heap_locked", heap_locked),
        ("kbd_intr", kbd_intr),
        ("schedule", schedule),
        (
            "alloc_emergency_exception_buf",
            alloc_emergency_exception_buf,
        ),
    ],
    attrs: super::no_attrs,
};

fn identity(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    Ok(vm.arg(&args, 0))
}

/// `opt_level()` reads, `opt_level(n)` sets the level later compilations (imports) use.
fn opt_level(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    if args.n_pos == 0 {
        return vm.new_int(i64::from(vm.modules.compile_options.opt_level));
    }
    let level = vm.get_int(vm.arg(&args, 0))?;
    // MicroPython keeps the level in a small field; only its low bits matter.
    vm.modules.compile_options.opt_level = (level & 0xff) as u8;
    Ok(Obj::NONE)
}

/// `mem_info([verbose])`: stack and heap use, in the unix port's format.
fn mem_info(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    let (used, size) = vm.pystack.usage();
    let info = vm.heap.info();
    let text = format!(
        "stack: {used} out of {size}\nGC: total: {}, used: {}, free: {}\n \
         No. of 1-blocks: {}, 2-blocks: {}, max blk sz: {}, max free sz: {}\n",
        info.total,
        info.used,
        info.free,
        info.num_1block,
        info.num_2block,
        info.max_block,
        info.max_free
    );
    vm.write_stdio(stdio::STDOUT, text.as_bytes());
    Ok(Obj::NONE)
}

/// `qstr_info([verbose])`: how many qstrs were interned at run time, and their bytes.
fn qstr_info(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    let (first, last) = (vm.qstrs.n_static(), vm.qstrs.len());
    let n_qstr = last - first;
    let n_bytes: usize = (first..last)
        .filter_map(|q| vm.qstrs.get(q))
        .map(<[u8]>::len)
        .sum();
    let n_pool = u32::from(n_qstr > 0);
    let text = format!(
        "qstr pool: n_pool={n_pool}, n_qstr={n_qstr}, n_str_data_bytes={n_bytes}, \
         n_total_bytes={}\n",
        n_bytes + 4 * n_qstr as usize
    );
    vm.write_stdio(stdio::STDOUT, text.as_bytes());
    Ok(Obj::NONE)
}

/// `stack_use()`: bytes of the Python stack in use (krait's frames live there, not on the
/// host stack).
fn stack_use(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.new_int(i64::from(vm.pystack.usage().0))
}

fn heap_lock(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.heap.lock();
    Ok(Obj::NONE)
}

/// `heap_unlock()`: the lock depth left.
fn heap_unlock(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    let depth = vm.heap.unlock();
    Ok(Obj::small_int(i64::from(depth)).unwrap_or(Obj::NONE))
}

fn heap_locked(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    Ok(Obj::small_int(i64::from(vm.heap.lock_depth())).unwrap_or(Obj::NONE))
}

/// `kbd_intr(chr)`: which character raises `KeyboardInterrupt`; krait reads no terminal
/// keys, so only the argument is checked.
fn kbd_intr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    vm.get_int(vm.arg(&args, 0))?;
    Ok(Obj::NONE)
}

/// `schedule(function, arg)`: queues `function(arg)` to run at the interpreter's next
/// pending-work check.
fn schedule(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    vm.schedule(vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

/// `alloc_emergency_exception_buf(size)`: krait keeps a preallocated `MemoryError` anyway.
fn alloc_emergency_exception_buf(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    vm.get_int(vm.arg(&args, 0))?;
    Ok(Obj::NONE)
}

impl Vm {
    /// Queues `function(arg)` for [`Vm::run_scheduled`].
    pub fn schedule(&mut self, function: Obj, arg: Obj) -> PyResult<()> {
        let mark = self.stack_mark();
        let first = self.root_all(&[function, arg])?;
        let queue = self.state_list(self.modules.scheduled)?;
        if self.list_len_now(queue) >= 2 * SCHEDULER_DEPTH {
            return Err(self.raise_msg(ty::RUNTIME_ERROR, "schedule queue full"));
        }
        for i in 0..2 {
            let item = Obj::from_raw(self.arena().load_u32(first + 4 * i));
            self.list_append(queue, item)?;
        }
        self.modules.sched_pending = true;
        self.stack_release(mark);
        Ok(())
    }

    /// Runs the oldest scheduled callback, as MicroPython does at a pending-work check. Its
    /// exception, if any, is printed and goes no further; callbacks it schedules wait for the
    /// next check.
    pub fn run_scheduled(&mut self) {
        let queue = self.heap.root(self.modules.scheduled);
        if self.modules.sched_locked {
            return;
        }
        if queue == Obj::NULL || self.list_len_now(queue) < 2 {
            self.modules.sched_pending = false;
            return;
        }
        let items = self.seq_items(queue);
        let (function, arg) = (items[0], items[1]);
        let mark = self.stack_mark();
        if self.root_all(&[function, arg]).is_ok() {
            let (items, len) = self.seq_raw(queue);
            self.arena_mut()
                .copy_within(items + 8, items, 4 * (len - 2));
            self.list_set_len(queue, len - 2);
            self.modules.sched_locked = true;
            let result = self.call_objs(function, &[arg]);
            self.modules.sched_locked = false;
            if result.is_err() {
                let exc = self.pending_exception();
                let text = self.format_exception(exc);
                self.write_stdio(stdio::STDERR, text.as_bytes());
            }
            let queue = self.heap.root(self.modules.scheduled);
            self.modules.sched_pending = self.list_len_now(queue) >= 2;
        }
        self.stack_release(mark);
    }
}
