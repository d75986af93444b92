//! Running host machine code: native function objects, the call into their code, and the
//! runtime helpers that code calls (MicroPython's fun table, `py/nativeglue.c`).
//!
//! Calling convention of the code a host backend makes (see `targets/src/host`):
//! `extern "C" fn(ctx: *mut NativeCtx, a0..a5: u32) -> u32`. The arguments arrive already
//! converted to their viper types (`mp_native_from_obj`) and the result is a word of the
//! function's return type, which the caller converts back (`mp_native_to_obj`): MicroPython
//! does both conversions inside the machine code; doing them here keeps the code free of
//! the argument-checking prologue until native-to-native calls need it. After the call,
//! `ctx.raised != 0` means an exception is in flight in the VM.
//!
//! Helpers all share the signature [`HelperFn`] and implement their operation by calling the
//! VM's own (`binary_op`, `load_attr`, `call`...), so native and bytecode code cannot drift
//! apart. An object-returning helper returns 0 (`MP_OBJ_NULL`) when it raised; a scalar one
//! sets `ctx.raised`.
//!
//! The machine code's memory lives as long as the backend that made it (for `krait`, the
//! whole run); freeing it with the last function object is left for later.
//!
//! Viper pointers are arena offsets, so machine code cannot reach memory outside the arena;
//! but an offset into the arena's uncommitted part faults the process, as a wild pointer
//! faults an MCU. Turning that fault into a Python exception needs a signal handler (later).

use super::call::Args;
use super::{PyResult, Raise, Vm};
use crate::objects::ty;
use crate::rawcode::HostCode;
use crate::runtime::arena::Backing;
use crate::runtime::layout::{fun_bc, string, FunBcObj, ModuleContextObj};
use crate::runtime::obj::Obj;

/// What native code reaches of the VM during one call. `repr(C)`: backends load its fields
/// at the offsets below.
#[repr(C)]
pub struct NativeCtx {
    /// Host address of arena offset 0 (the arena never moves on the mapped backing).
    pub arena_base: *mut u8,
    /// Arena address of this call's frame slots, on the GC-scanned Python stack.
    pub frame: u32,
    /// Non-zero once an exception is in flight.
    pub raised: u32,
    /// The exception in flight (also rooted in the VM), for a handler in the machine code.
    pub exc: u32,
    /// The function object running (its module context holds the qstr table).
    pub fun: u32,
    /// Arena address of the module's constant-object table.
    pub obj_table: u32,
    /// Arena address of the module's qstr table (`u16` each).
    pub qstr_table: u32,
    /// A generator's resume point: 0 to start, `k + 1` to resume after its `k`th yield;
    /// a yield leaves here where to resume.
    pub resume: u32,
    /// Non-zero when the code left by yielding rather than returning.
    pub yielded: u32,
    /// Arena address of the arguments past the register ones, in order.
    pub extra_args: u32,
    /// Back edges left until the code calls `poll` (see `emit::mir::Inst::Tick`).
    pub countdown: u32,
    vm: *mut Vm,
}

pub const CTX_ARENA_BASE: i32 = std::mem::offset_of!(NativeCtx, arena_base) as i32;
pub const CTX_FRAME: i32 = std::mem::offset_of!(NativeCtx, frame) as i32;
pub const CTX_RAISED: i32 = std::mem::offset_of!(NativeCtx, raised) as i32;
pub const CTX_EXC: i32 = std::mem::offset_of!(NativeCtx, exc) as i32;
pub const CTX_OBJ_TABLE: i32 = std::mem::offset_of!(NativeCtx, obj_table) as i32;
pub const CTX_QSTR_TABLE: i32 = std::mem::offset_of!(NativeCtx, qstr_table) as i32;
pub const CTX_RESUME: i32 = std::mem::offset_of!(NativeCtx, resume) as i32;
pub const CTX_YIELDED: i32 = std::mem::offset_of!(NativeCtx, yielded) as i32;
pub const CTX_EXTRA_ARGS: i32 = std::mem::offset_of!(NativeCtx, extra_args) as i32;
pub const CTX_COUNTDOWN: i32 = std::mem::offset_of!(NativeCtx, countdown) as i32;

/// Back edges native code takes between polls of the runtime.
const POLL_EVERY: u32 = 1024;

/// Register arguments every entry point takes (unused ones are passed as 0); the others
/// are read from memory ([`NativeCtx::extra_args`]).
pub const N_REG_ARGS: usize = 6;

/// How machine code left.
pub(crate) enum NativeExit {
    Return(Obj),
    /// A generator suspended, giving `value`; it resumes at `resume` (see
    /// [`NativeCtx::resume`]).
    Yield {
        value: Obj,
        resume: u32,
    },
}

/// Every helper's signature: the context and three words (unused ones ignored).
pub type HelperFn = extern "C" fn(*mut NativeCtx, u32, u32, u32) -> u32;

type EntryFn = extern "C" fn(*mut NativeCtx, u32, u32, u32, u32, u32, u32) -> u32;

// `MP_NATIVE_TYPE_*`.
const TYPE_OBJ: u32 = 0;
const TYPE_BOOL: u32 = 1;
const TYPE_INT: u32 = 2;

/// The host address of the helper with fun-table index `index`, if krait has it.
pub fn helper_address(index: u32) -> Option<usize> {
    let f: HelperFn = match index {
        3 => convert_obj_to_native,
        4 => convert_native_to_obj,
        6 => load_name,
        7 => load_global,
        8 => load_build_class,
        9 => load_attr,
        11 => load_super_method,
        12 => store_name,
        13 => store_global,
        14 => store_attr,
        15 => obj_subscr,
        16 => obj_is_true,
        17 => unary_op,
        18 => binary_op,
        19 => build_tuple,
        20 => build_list,
        21 => build_map,
        22 => build_set,
        23 => store_set,
        24 => list_append,
        25 => store_map,
        26 => make_function,
        27 => call_function_n_kw,
        29 => call_method_n_kw_var,
        30 => native_getiter,
        31 => native_iternext,
        34 => native_raise,
        35 => import_name,
        36 => import_from,
        37 => import_all,
        38 => new_slice,
        39 => unpack_sequence,
        40 => unpack_ex,
        41 => delete_name,
        42 => delete_global,
        43 => new_closure,
        46 => small_int_floor_divide,
        47 => small_int_modulo,
        64 => new_cell,
        65 => cell_get,
        66 => cell_set,
        67 => with_exit,
        68 => reraise,
        69 => raise_from,
        70 => gen_resume,
        71 => yield_from_step,
        72 => poll,
        73 => raise_unbound_local,
        _ => return None,
    };
    Some(f as usize)
}

/// Runs `op` on the VM behind `ctx`, turning an exception into the helper protocol.
fn with_vm(ctx: *mut NativeCtx, op: impl FnOnce(&mut Vm, u32) -> PyResult<u32>) -> u32 {
    // SAFETY: `ctx` is the context `Vm::call_native` built for this call and passed to the
    // machine code, which hands it unchanged to helpers; it lives on that caller's host stack
    // for the whole call. Its `vm` pointer was made from the caller's `&mut Vm`, which the
    // caller does not touch until the machine code returns, so this is the only live
    // reference to the VM while the helper runs.
    let (vm, fun) = unsafe { (&mut *(*ctx).vm, (*ctx).fun) };
    // VM operations root their temporaries on the Python stack until their caller returns;
    // release them here, or a loop in native code would keep every temporary alive. The
    // result needs no root: the machine code stores it in a frame slot before it allocates.
    let mark = vm.stack_mark();
    let result = op(vm, fun);
    vm.stack_release(mark);
    match result {
        Ok(word) => word,
        Err(Raise(())) => {
            let exc = vm.pending_exception().raw();
            // SAFETY: as above; the VM borrow has ended.
            unsafe {
                (*ctx).raised = 1;
                (*ctx).exc = exc;
            }
            0
        }
    }
}

fn qstr_of(vm: &Vm, fun: u32, index: u32) -> u32 {
    let context = ModuleContextObj(FunBcObj(fun).context(vm.arena()));
    u32::from(context.qstr(vm.arena(), index))
}

extern "C" fn convert_obj_to_native(ctx: *mut NativeCtx, obj: u32, ty: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.native_from_obj(Obj::from_raw(obj), ty))
}

extern "C" fn convert_native_to_obj(ctx: *mut NativeCtx, value: u32, ty: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.native_to_obj(value, ty).map(Obj::raw))
}

extern "C" fn load_global(ctx: *mut NativeCtx, qstr_index: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        let globals = globals_of(vm, fun);
        vm.load_name(globals, globals, q).map(Obj::raw)
    })
}

extern "C" fn load_attr(ctx: *mut NativeCtx, obj: u32, qstr_index: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        vm.load_attr(Obj::from_raw(obj), q).map(Obj::raw)
    })
}

extern "C" fn load_super_method(ctx: *mut NativeCtx, qstr_index: u32, class: u32, obj: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        let (class, obj) = (Obj::from_raw(class), Obj::from_raw(obj));
        let (method, self_obj) = vm.load_super_method(class, obj, q)?;
        if self_obj == Obj::NULL {
            return Ok(method.raw());
        }
        vm.new_bound_method(method, self_obj).map(Obj::raw)
    })
}

fn globals_of(vm: &Vm, fun: u32) -> Obj {
    let context = ModuleContextObj(FunBcObj(fun).context(vm.arena()));
    Obj::from_raw(context.globals(vm.arena()))
}

extern "C" fn store_global(ctx: *mut NativeCtx, qstr_index: u32, value: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        let globals = globals_of(vm, fun);
        vm.dict_store_qstr(globals, q, Obj::from_raw(value))?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn delete_global(ctx: *mut NativeCtx, qstr_index: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        let globals = globals_of(vm, fun);
        vm.delete_name(globals, q)?;
        Ok(Obj::NONE.raw())
    })
}

/// The dict a native class body's names live in (`mp_locals_get`): the one
/// `__build_class__` made for the running body.
fn name_locals(vm: &Vm, fun: u32) -> Obj {
    match vm.class_body_locals {
        Obj::NULL => globals_of(vm, fun),
        locals => locals,
    }
}

extern "C" fn load_name(ctx: *mut NativeCtx, qstr_index: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        let (locals, globals) = (name_locals(vm, fun), globals_of(vm, fun));
        vm.load_name(locals, globals, q).map(Obj::raw)
    })
}

extern "C" fn store_name(ctx: *mut NativeCtx, qstr_index: u32, value: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        let locals = name_locals(vm, fun);
        vm.dict_store_qstr(locals, q, Obj::from_raw(value))?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn delete_name(ctx: *mut NativeCtx, qstr_index: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        let locals = name_locals(vm, fun);
        vm.delete_name(locals, q)?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn load_build_class(ctx: *mut NativeCtx, _: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.load_build_class().map(Obj::raw))
}

extern "C" fn import_name(ctx: *mut NativeCtx, qstr_index: u32, fromlist: u32, level: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        let globals = globals_of(vm, fun);
        vm.import_name(q, Obj::from_raw(fromlist), Obj::from_raw(level), globals)
            .map(Obj::raw)
    })
}

extern "C" fn import_from(ctx: *mut NativeCtx, module: u32, qstr_index: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        vm.import_from(Obj::from_raw(module), q).map(Obj::raw)
    })
}

/// `from module import *`: into the globals, where native code keeps a module's names.
extern "C" fn import_all(ctx: *mut NativeCtx, module: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let globals = globals_of(vm, fun);
        vm.import_all(Obj::from_raw(module), globals)?;
        Ok(Obj::NONE.raw())
    })
}

/// `obj.name = value`, or with `MP_OBJ_NULL` as the value `del obj.name` (`mp_store_attr`).
extern "C" fn store_attr(ctx: *mut NativeCtx, obj: u32, qstr_index: u32, value: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let q = qstr_of(vm, fun, qstr_index);
        vm.store_attr(Obj::from_raw(obj), q, Obj::from_raw(value))?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn obj_subscr(ctx: *mut NativeCtx, base: u32, index: u32, value: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let (base, index) = (Obj::from_raw(base), Obj::from_raw(index));
        match Obj::from_raw(value) {
            Obj::SENTINEL => return vm.subscr(base, index).map(Obj::raw),
            Obj::NULL => vm.delete_subscr(base, index)?,
            value => vm.store_subscr(base, index, value)?,
        }
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn native_getiter(ctx: *mut NativeCtx, obj: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.get_iter(Obj::from_raw(obj)).map(Obj::raw))
}

extern "C" fn native_iternext(ctx: *mut NativeCtx, iter: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let next = vm.iter_next(Obj::from_raw(iter))?;
        Ok(next.unwrap_or(Obj::STOP_ITERATION).raw())
    })
}

extern "C" fn build_tuple(ctx: *mut NativeCtx, n: u32, items: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.new_tuple_from_arena(items, n).map(Obj::raw))
}

extern "C" fn build_list(ctx: *mut NativeCtx, n: u32, items: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.new_list_from_arena(items, n).map(Obj::raw))
}

extern "C" fn build_set(ctx: *mut NativeCtx, n: u32, items: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        // The items sit in the native frame's slots, which the GC scans.
        let set = vm.new_set(n)?;
        let slot = vm.root(set)?;
        for i in 0..n {
            let item = Obj::from_raw(vm.arena().load_u32(items + 4 * i));
            vm.set_add(vm.slot(slot), item)?;
        }
        Ok(vm.slot(slot).raw())
    })
}

extern "C" fn new_slice(ctx: *mut NativeCtx, start: u32, stop: u32, step: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        vm.new_slice(
            Obj::from_raw(start),
            Obj::from_raw(stop),
            Obj::from_raw(step),
        )
        .map(Obj::raw)
    })
}

extern "C" fn build_map(ctx: *mut NativeCtx, size_hint: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.new_dict(size_hint).map(Obj::raw))
}

extern "C" fn new_closure(ctx: *mut NativeCtx, fun: u32, n: u32, cells: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        vm.new_closure(Obj::from_raw(fun), cells, n).map(Obj::raw)
    })
}

extern "C" fn new_cell(ctx: *mut NativeCtx, value: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.new_cell(Obj::from_raw(value)).map(Obj::raw))
}

extern "C" fn cell_get(ctx: *mut NativeCtx, cell: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| match vm.cell_get(Obj::from_raw(cell)) {
        Obj::NULL => Err(vm.unbound_local()),
        value => Ok(value.raw()),
    })
}

extern "C" fn cell_set(ctx: *mut NativeCtx, cell: u32, value: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        vm.cell_set(Obj::from_raw(cell), Obj::from_raw(value));
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn with_exit(ctx: *mut NativeCtx, exit: u32, exc: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let (exit, exc) = (Obj::from_raw(exit), Obj::from_raw(exc));
        // `None`, or the small int of a `return` passing through, goes on unchanged.
        if exc == Obj::NONE || exc.is_small_int() {
            vm.call_objs(exit, &[Obj::NONE, Obj::NONE, Obj::NONE])?;
            return Ok(exc.raw());
        }
        let swallowed = vm.exit_swallows(exit, Obj::NULL, exc)?;
        Ok(if swallowed { Obj::NONE } else { exc }.raw())
    })
}

extern "C" fn reraise(ctx: *mut NativeCtx, n: u32, candidates: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        for i in 0..n {
            let exc = Obj::from_raw(vm.arena().load_u32(candidates + 4 * i));
            if vm.is_exception_instance(exc) {
                return Err(vm.raise(exc));
            }
        }
        Err(vm.raise_msg(ty::RUNTIME_ERROR, "no active exception to reraise"))
    })
}

extern "C" fn raise_from(ctx: *mut NativeCtx, exc: u32, cause: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        Err(vm.raise_from(Obj::from_raw(exc), Obj::from_raw(cause)))
    })
}

extern "C" fn poll(ctx: *mut NativeCtx, _: u32, _: u32, _: u32) -> u32 {
    // SAFETY: as in `with_vm`: the context of the running call, not otherwise borrowed.
    unsafe { (*ctx).countdown = POLL_EVERY };
    with_vm(ctx, |vm, _| {
        vm.poll_native(POLL_EVERY)?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn raise_unbound_local(ctx: *mut NativeCtx, _: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| Err(vm.unbound_local()))
}

extern "C" fn gen_resume(ctx: *mut NativeCtx, _: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| match vm.native_resume.take() {
        Some((_, Some(exc))) => Err(vm.make_raise(exc)),
        Some((send, None)) => Ok(send.raw()),
        None => Ok(Obj::NONE.raw()),
    })
}

extern "C" fn yield_from_step(ctx: *mut NativeCtx, inner: u32, first: u32, done_at: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let (send, throw) = if first == Obj::TRUE.raw() {
            (Obj::NONE, None)
        } else {
            vm.native_resume.take().unwrap_or((Obj::NONE, None))
        };
        let (done, value) = vm.yield_from_step(Obj::from_raw(inner), send, throw)?;
        vm.arena_mut().store_u32(done_at, Obj::bool(done).raw());
        Ok(value.raw())
    })
}

extern "C" fn store_set(ctx: *mut NativeCtx, set: u32, item: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        vm.set_add(Obj::from_raw(set), Obj::from_raw(item))?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn list_append(ctx: *mut NativeCtx, list: u32, item: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        vm.list_append(Obj::from_raw(list), Obj::from_raw(item))?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn store_map(ctx: *mut NativeCtx, dict: u32, key: u32, value: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        vm.dict_store(
            Obj::from_raw(dict),
            Obj::from_raw(key),
            Obj::from_raw(value),
        )?;
        Ok(dict)
    })
}

extern "C" fn make_function(ctx: *mut NativeCtx, index: u32, defaults: u32, kw: u32) -> u32 {
    with_vm(ctx, |vm, fun| {
        let f = FunBcObj(fun);
        let rc = Obj::from_raw(vm.arena().load_u32(f.child_table(vm.arena()) + 4 * index));
        let context = Obj::from_raw(f.context(vm.arena()));
        let kw = if kw == Obj::NONE.raw() {
            Obj::NULL
        } else {
            Obj::from_raw(kw)
        };
        vm.new_function(rc, context, Obj::from_raw(defaults), kw)
            .map(Obj::raw)
    })
}

extern "C" fn unpack_sequence(ctx: *mut NativeCtx, seq: u32, n: u32, dest: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        vm.unpack_sequence(Obj::from_raw(seq), n, dest)?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn unpack_ex(ctx: *mut NativeCtx, seq: u32, counts: u32, dest: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let (before, after) = (counts & 0xff, counts >> 8);
        vm.unpack_ex(Obj::from_raw(seq), before, after, dest)?;
        Ok(Obj::NONE.raw())
    })
}

extern "C" fn native_raise(ctx: *mut NativeCtx, obj: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let exc = vm.make_raise_obj(Obj::from_raw(obj))?;
        Err(vm.raise(exc))
    })
}

extern "C" fn obj_is_true(ctx: *mut NativeCtx, obj: u32, _: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| vm.is_true(Obj::from_raw(obj)).map(u32::from))
}

extern "C" fn unary_op(ctx: *mut NativeCtx, op: u32, obj: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let op = crate::bytecode::UnaryOpNum::from_number(op as u8);
        vm.unary_op(op, Obj::from_raw(obj)).map(Obj::raw)
    })
}

extern "C" fn binary_op(ctx: *mut NativeCtx, op: u32, lhs: u32, rhs: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let Some(&op) = crate::bytecode::BinaryOpNum::ALL.get(op as usize) else {
            return Err(vm.value_error("bad binary op"));
        };
        vm.binary_op(op, Obj::from_raw(lhs), Obj::from_raw(rhs))
            .map(Obj::raw)
    })
}

extern "C" fn call_function_n_kw(ctx: *mut NativeCtx, fun: u32, n_args_kw: u32, args: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let args = Args {
            base: args,
            n_pos: n_args_kw & 0xff,
            n_kw: (n_args_kw >> 8) & 0xff,
        };
        vm.call(Obj::from_raw(fun), args).map(Obj::raw)
    })
}

extern "C" fn call_method_n_kw_var(ctx: *mut NativeCtx, has_self: u32, n: u32, args: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let fun = Obj::from_raw(vm.arena().load_u32(args));
        let (n_pos, n_kw) = (n & 0xff, (n >> 8) & 0xff);
        let args = vm.prepare_var_args(args + 4, n_pos, n_kw, has_self != 0)?;
        vm.call(fun, args).map(Obj::raw)
    })
}

/// Python's flooring division on 32-bit words. Dividing by zero raises `ZeroDivisionError`
/// where MicroPython's C division would be undefined.
extern "C" fn small_int_floor_divide(ctx: *mut NativeCtx, a: u32, b: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let (q, _) = floor_div_mod_i32(vm, a as i32, b as i32)?;
        Ok(q as u32)
    })
}

extern "C" fn small_int_modulo(ctx: *mut NativeCtx, a: u32, b: u32, _: u32) -> u32 {
    with_vm(ctx, |vm, _| {
        let (_, r) = floor_div_mod_i32(vm, a as i32, b as i32)?;
        Ok(r as u32)
    })
}

fn floor_div_mod_i32(vm: &mut Vm, a: i32, b: i32) -> PyResult<(i32, i32)> {
    if b == 0 {
        return Err(vm.raise_msg(ty::ZERO_DIVISION_ERROR, "divide by zero"));
    }
    let (q, r) = (a.wrapping_div(b), a.wrapping_rem(b));
    if r != 0 && (r < 0) != (b < 0) {
        Ok((q.wrapping_sub(1), r.wrapping_add(b)))
    } else {
        Ok((q, r))
    }
}

impl Vm {
    /// `mp_native_from_obj`: `obj` as a word of viper type `ty`.
    pub fn native_from_obj(&mut self, obj: Obj, ty: u32) -> PyResult<u32> {
        match ty {
            TYPE_OBJ => Ok(obj.raw()),
            TYPE_BOOL => self.is_true(obj).map(u32::from),
            2 | 3 => self.int_truncated(obj),
            // A pointer: the buffer's address, else an integer taken as an address.
            _ => match self.buffer_address(obj) {
                Some(addr) => Ok(addr),
                None => self.int_truncated(obj),
            },
        }
    }

    /// `mp_native_to_obj`: a word of viper type `ty` as an object.
    pub fn native_to_obj(&mut self, value: u32, ty: u32) -> PyResult<Obj> {
        match ty {
            TYPE_OBJ => Ok(Obj::from_raw(value)),
            TYPE_BOOL => Ok(Obj::bool(value != 0)),
            TYPE_INT => self.new_int(i64::from(value as i32)),
            _ => self.new_int(i64::from(value)),
        }
    }

    /// `mp_obj_get_int_truncated`: the low 32 bits of an int.
    fn int_truncated(&mut self, obj: Obj) -> PyResult<u32> {
        if let Some(v) = obj.as_small_int() {
            return Ok(v as u32);
        }
        if obj == Obj::FALSE || obj == Obj::TRUE {
            return Ok(u32::from(obj == Obj::TRUE));
        }
        match self.as_bigint(obj) {
            Some(big) => {
                let low = big.iter_u32_digits().next().unwrap_or(0);
                Ok(if big.sign() == num_bigint::Sign::Minus {
                    low.wrapping_neg()
                } else {
                    low
                })
            }
            None => {
                let name = self.type_name_of(obj);
                Err(self.type_error(&format!("can't convert {name} to int")))
            }
        }
    }

    /// The arena address of the bytes of a buffer object (`mp_get_buffer`): bytes,
    /// bytearray, memoryview, array, or a `str` that lives in the heap.
    fn buffer_address(&self, obj: Obj) -> Option<u32> {
        if let Some(buffer) = self.get_buffer(obj) {
            return Some(buffer.addr);
        }
        (obj.is_ptr() && obj.raw() >= 16 && self.is_str(obj))
            .then(|| self.arena().load_u32(obj.raw() + string::DATA))
    }

    /// Registers host code loaded with a raw code; the index goes in the raw code object.
    pub(crate) fn register_host_code(&mut self, code: &HostCode) -> u32 {
        self.native_code.push(code.clone());
        self.native_code.len() as u32
    }

    /// A viper function's arguments: exactly its positional parameters.
    fn viper_args(&mut self, args: Args, n_params: u32) -> PyResult<Vec<Obj>> {
        if args.n_kw != 0 {
            return Err(self.type_error("function doesn't take keyword arguments"));
        }
        if args.n_pos != n_params {
            return Err(self.type_error(&format!(
                "function takes {n_params} positional arguments but {} were given",
                args.n_pos
            )));
        }
        Ok((0..n_params).map(|i| self.arg(&args, i)).collect())
    }

    /// Calls a native function object: checks and converts the arguments, runs the machine
    /// code with a fresh frame on the Python stack, and converts the result.
    pub fn call_native(&mut self, fun: Obj, args: Args) -> PyResult<Obj> {
        let code = self.host_code_of(fun)?;
        // Bound values made here (a `*args` tuple) stay rooted until the call returns.
        let mark = self.stack_mark();
        let mut words = vec![0u32; code.arg_types.len()];
        let bound = if code.viper {
            self.viper_args(args, code.arg_types.len() as u32)
        } else {
            self.bind_native_args(fun, args)
        };
        let converted = bound.and_then(|values| {
            for (i, &t) in code.arg_types.iter().enumerate() {
                let value = values.get(i).copied().unwrap_or(Obj::NONE);
                words[i] = self.native_from_obj(value, u32::from(t))?;
            }
            Ok(())
        });
        let exit = match converted {
            Err(raise) => Err(raise),
            Ok(()) if code.generator => {
                let gen = self.new_native_generator(fun, code.frame_slots, &words);
                self.stack_release(mark);
                return gen;
            }
            Ok(()) => {
                // The frame slots, then the argument words the code reads from memory.
                let n_words = code.frame_slots + words.len() as u32;
                match self.pystack.alloc(&mut self.heap, 4 * n_words) {
                    Some(frame) => {
                        let args = frame + 4 * code.frame_slots;
                        for (i, &word) in (0..).zip(&words) {
                            self.arena_mut().store_u32(args + 4 * i, word);
                        }
                        self.run_native_code(fun, &code, frame, 0, args)
                    }
                    None => Err(self.raise_recursion_error()),
                }
            }
        };
        self.stack_release(mark);
        match exit? {
            NativeExit::Return(value) => Ok(value),
            // Only a generator's code yields.
            NativeExit::Yield { .. } => Err(self.value_error("bad native function")),
        }
    }

    /// The registered host code of native function `fun`.
    pub(crate) fn host_code_of(&mut self, fun: Obj) -> PyResult<HostCode> {
        let index = self.arena().load_u32(fun.raw() + fun_bc::EXTRA_ARGS);
        let Some(code) = index
            .checked_sub(1)
            .and_then(|i| self.native_code.get(i as usize))
            .cloned()
        else {
            return Err(self.value_error("bad native function"));
        };
        if self.arena().backing() != Backing::Mapped {
            let msg = "native code needs the memory-mapped arena";
            return Err(self.raise_msg(ty::NOT_IMPLEMENTED_ERROR, msg));
        }
        Ok(code)
    }

    /// Runs `fun`'s machine code `code` over the frame slots at arena address `frame`, from
    /// resume point `resume` (0: the start), with the argument words at arena address `args`.
    pub(crate) fn run_native_code(
        &mut self,
        fun: Obj,
        code: &HostCode,
        frame: u32,
        resume: u32,
        args: u32,
    ) -> PyResult<NativeExit> {
        if self.reentry >= super::MAX_REENTRY {
            return Err(self.raise_recursion_error());
        }
        let context = ModuleContextObj(FunBcObj(fun.raw()).context(self.arena()));
        let obj_table = context.obj_table(self.arena());
        let qstr_table = context.qstr_table(self.arena());
        self.reentry += 1;
        let mut ctx = NativeCtx {
            arena_base: self.heap.arena_mut().base_ptr(),
            frame,
            raised: 0,
            exc: 0,
            fun: fun.raw(),
            obj_table,
            qstr_table,
            resume,
            yielded: 0,
            extra_args: args + 4 * N_REG_ARGS as u32,
            countdown: POLL_EVERY,
            vm: self as *mut Vm,
        };
        let n_args = code.arg_types.len().min(N_REG_ARGS);
        let mut words = [0u32; N_REG_ARGS];
        for (i, word) in (0..).zip(&mut words[..n_args]) {
            *word = self.arena().load_u32(args + 4 * i);
        }
        let [a0, a1, a2, a3, a4, a5] = words;
        // SAFETY: `code.entry` is the entry point a host backend compiled with the
        // `EntryFn` signature and keeps executable while this VM runs (the backend outlives
        // the VM in every embedder). The machine code touches memory only at `arena_base`
        // plus 32-bit offsets, inside the arena's 4 GiB reservation (mapped backing, checked
        // by `host_code_of`), and the VM only through the helpers, which receive `ctx`;
        // `self` is not used until the call returns.
        let result = unsafe {
            let entry = std::mem::transmute::<usize, EntryFn>(code.entry);
            entry(&mut ctx, a0, a1, a2, a3, a4, a5)
        };
        self.reentry -= 1;
        if ctx.raised != 0 {
            // The helper that raised left the exception in flight, rooted.
            return Err(Raise(()));
        }
        if ctx.yielded != 0 {
            let value = Obj::from_raw(result);
            return Ok(NativeExit::Yield {
                value,
                resume: ctx.resume,
            });
        }
        self.native_to_obj(result, u32::from(code.return_type))
            .map(NativeExit::Return)
    }
}
