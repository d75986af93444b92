//! Functions and what they close over: raw code objects (a function's bytecode and its
//! children, krait's own small layout), bytecode functions (`mp_obj_fun_bc_t`, pointing at
//! their module context), closures (`mp_obj_closure_t`), cells (`mp_obj_cell_t`), bound
//! methods (`mp_obj_bound_meth_t`) and the static/class method wrappers.
use super::ty;
use crate::bytecode::decode::{decode_prelude_size, decode_signature, decode_uint};
use crate::interp::{PyResult, Vm};
use crate::runtime::layout::{cell, closure, fun_bc, FunBcObj, ModuleContextObj};
use crate::runtime::obj::Obj;

/// Raw code object fields: `fun_data`, its length, the children array and its length.
pub mod raw_code {
    pub const FUN_DATA: u32 = 4;
    pub const FUN_DATA_LEN: u32 = 8;
    pub const CHILDREN: u32 = 12;
    pub const N_CHILDREN: u32 = 16;
    /// 1 + the index of the host machine code (`interp::native`), or 0 for bytecode.
    pub const NATIVE: u32 = 20;
    pub const SIZE: u32 = 24;
}

impl Vm {
    /// `MAKE_FUNCTION`: a function for raw code `rc` in module context `context`, with the
    /// positional defaults tuple and keyword-defaults dict (`NULL` when absent).
    pub fn new_function(
        &mut self,
        rc: Obj,
        context: Obj,
        defaults: Obj,
        kw_defaults: Obj,
    ) -> PyResult<Obj> {
        // Machine code: the index of its registered code comes before the defaults.
        let native = self.arena().load_u32(rc.raw() + raw_code::NATIVE);
        let (kind, lead) = match native {
            0 => (ty::FUNCTION, 0),
            _ => (ty::FUN_NATIVE, 1),
        };
        let mark = self.stack_mark();
        let first = self.root_all(&[rc, context, defaults, kw_defaults])?;
        let n_defaults = if defaults.raw() >= 16 && self.type_of(defaults) == ty::TUPLE {
            self.seq_raw(defaults).1
        } else {
            0
        };
        let n_extra = lead + n_defaults + u32::from(kw_defaults != Obj::NULL);
        let obj = self.alloc_obj(kind, fun_bc::EXTRA_ARGS + 4 * n_extra)?;
        let read = |vm: &Vm, i: u32| Obj::from_raw(vm.arena().load_u32(first + 4 * i));
        let (rc, context, defaults, kw_defaults) =
            (read(self, 0), read(self, 1), read(self, 2), read(self, 3));
        let f = FunBcObj(obj);
        let arena = self.heap.arena_mut();
        f.set_context(arena, context.raw());
        f.set_child_table(arena, arena.load_u32(rc.raw() + raw_code::CHILDREN));
        f.set_bytecode(arena, arena.load_u32(rc.raw() + raw_code::FUN_DATA));
        if native != 0 {
            arena.store_u32(f.extra_arg_offset(0), native);
        }
        if n_defaults > 0 {
            let (items, _) = self.seq_raw(defaults);
            self.arena_mut()
                .copy_within(items, f.extra_arg_offset(lead), 4 * n_defaults);
        }
        if kw_defaults != Obj::NULL {
            self.arena_mut()
                .store_u32(f.extra_arg_offset(lead + n_defaults), kw_defaults.raw());
        }
        self.stack_release(mark);
        Ok(Obj::from_raw(obj))
    }

    /// The name qstr of a bytecode function (`mp_obj_fun_bc_get_name`).
    pub fn fun_name(&self, fun: Obj) -> u32 {
        let f = FunBcObj(fun.raw());
        let bytecode = f.bytecode(self.arena());
        let room = self.heap.allocation_size(bytecode).unwrap_or(0);
        let data = self.arena().bytes(bytecode, room);
        let mut pos = 0;
        let name = decode_signature(data, &mut pos)
            .and_then(|_| decode_prelude_size(data, &mut pos))
            .and_then(|_| decode_uint(data, &mut pos))
            .unwrap_or(0);
        let context = ModuleContextObj(f.context(self.arena()));
        u32::from(context.qstr(self.arena(), name))
    }

    /// A closure over `fun` capturing the `n` cells at arena address `src` (rooted).
    pub fn new_closure(&mut self, fun: Obj, src: u32, n: u32) -> PyResult<Obj> {
        let slot = self.root(fun)?;
        let obj = self.alloc_obj(ty::CLOSURE, closure::CLOSED + 4 * n)?;
        let fun = self.slot(slot);
        let arena = self.arena_mut();
        arena.store_u32(obj + closure::FUN, fun.raw());
        arena.store_u32(obj + closure::N_CLOSED, n);
        arena.copy_within(src, obj + closure::CLOSED, 4 * n);
        Ok(Obj::from_raw(obj))
    }

    pub fn new_cell(&mut self, value: Obj) -> PyResult<Obj> {
        let slot = self.root(value)?;
        let obj = self.alloc_obj(ty::CELL, cell::SIZE)?;
        let value = self.slot(slot);
        self.arena_mut().store_u32(obj + cell::OBJ, value.raw());
        Ok(Obj::from_raw(obj))
    }

    pub fn cell_get(&self, c: Obj) -> Obj {
        Obj::from_raw(self.arena().load_u32(c.raw() + cell::OBJ))
    }

    pub fn cell_set(&mut self, c: Obj, value: Obj) {
        self.arena_mut().store_u32(c.raw() + cell::OBJ, value.raw());
    }

    /// A two-field object `{type, a, b}` (bound methods, and the wrappers below).
    pub fn new_pair(&mut self, type_: u32, a: Obj, b: Obj) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let first = self.root_all(&[a, b])?;
        let obj = self.alloc_obj(type_, 12)?;
        self.arena_mut().copy_within(first, obj + 4, 8);
        self.stack_release(mark);
        Ok(Obj::from_raw(obj))
    }

    /// Field `index` (1 or 2) of a `{type, a, b}` object.
    pub fn field(&self, obj: Obj, index: u32) -> Obj {
        Obj::from_raw(self.arena().load_u32(obj.raw() + 4 * index))
    }

    pub fn new_bound_method(&mut self, meth: Obj, self_obj: Obj) -> PyResult<Obj> {
        self.new_pair(ty::BOUND_METHOD, meth, self_obj)
    }
}
