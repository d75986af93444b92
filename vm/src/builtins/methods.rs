//! Methods of builtin types; `args[0]` is the object.
pub mod bytes;
pub mod dict;
pub mod list;
pub mod set;
pub mod text;

use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::iter::{DICT_ITEMS, DICT_KEYS, DICT_VALUES};
use crate::objects::{qstrs, ty};
use crate::runtime::obj::Obj;

pub fn list_append(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    vm.list_append(vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

pub fn list_extend(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    vm.extend_list(vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

pub fn list_pop(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let list = vm.arg(&args, 0);
    let (_, len) = vm.seq_raw(list);
    if len == 0 {
        return Err(vm.raise_msg(ty::INDEX_ERROR, "pop from empty list"));
    }
    let index = if args.n_pos > 1 {
        vm.arg(&args, 1)
    } else {
        Obj::small_int(-1).unwrap_or(Obj::NONE)
    };
    let i = vm.seq_index(index, len, ty::LIST)?;
    let value = vm.subscr(list, Obj::small_int(i.into()).unwrap_or(Obj::NONE))?;
    vm.delete_subscr(list, Obj::small_int(i.into()).unwrap_or(Obj::NONE))?;
    Ok(value)
}

pub fn list_insert(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let list = vm.arg(&args, 0);
    let (_, len) = vm.seq_raw(list);
    let mut i = vm.get_int(vm.arg(&args, 1))?;
    if i < 0 {
        i += i64::from(len);
    }
    let i = i.clamp(0, i64::from(len)) as u32;
    vm.list_append(list, vm.arg(&args, 2))?;
    let (start, len) = vm.seq_raw(vm.arg(&args, 0));
    let value = vm.arena().load_u32(start + 4 * (len - 1));
    vm.arena_mut()
        .copy_within(start + 4 * i, start + 4 * (i + 1), 4 * (len - 1 - i));
    vm.arena_mut().store_u32(start + 4 * i, value);
    Ok(Obj::NONE)
}

pub fn list_reverse(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let (start, len) = vm.seq_raw(vm.arg(&args, 0));
    for i in 0..len / 2 {
        let (a, b) = (start + 4 * i, start + 4 * (len - 1 - i));
        let (x, y) = (vm.arena().load_u32(a), vm.arena().load_u32(b));
        vm.arena_mut().store_u32(a, y);
        vm.arena_mut().store_u32(b, x);
    }
    Ok(Obj::NONE)
}

pub fn list_sort(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let key = vm.kwarg_named(&args, qstrs::KEY).unwrap_or(Obj::NONE);
    let reverse = match vm.kwarg_named(&args, qstrs::REVERSE) {
        Some(v) => vm.is_true(v)?,
        None => false,
    };
    super::functions::sort_list(vm, vm.arg(&args, 0), key, reverse)?;
    Ok(Obj::NONE)
}

pub fn seq_count(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let items = vm.seq_items(vm.arg(&args, 0));
    let mut n = 0;
    for item in items {
        if vm.equal(item, vm.arg(&args, 1))? {
            n += 1;
        }
    }
    vm.new_int(n)
}

pub fn dict_get(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let found = vm.dict_get(vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(found.unwrap_or(if args.n_pos > 2 {
        vm.arg(&args, 2)
    } else {
        Obj::NONE
    }))
}

fn dict_view(vm: &mut Vm, args: Args, kind: u32) -> PyResult<Obj> {
    vm.new_pair(ty::DICT_VIEW, vm.arg(&args, 0), Obj::from_raw(kind))
}

pub fn dict_keys(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    dict_view(vm, args, DICT_KEYS)
}

pub fn dict_values(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    dict_view(vm, args, DICT_VALUES)
}

pub fn dict_items(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    dict_view(vm, args, DICT_ITEMS)
}

pub fn dict_pop(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    match vm.dict_remove(vm.arg(&args, 0), vm.arg(&args, 1))? {
        Some(v) => Ok(v),
        None if args.n_pos > 2 => Ok(vm.arg(&args, 2)),
        None => {
            let exc_args = vm.new_tuple(&[vm.arg(&args, 1)])?;
            let exc = vm.new_exception(ty::KEY_ERROR, exc_args)?;
            Err(vm.raise(exc))
        }
    }
}

pub fn dict_setdefault(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if let Some(v) = vm.dict_get(vm.arg(&args, 0), vm.arg(&args, 1))? {
        return Ok(v);
    }
    let default = if args.n_pos > 2 {
        vm.arg(&args, 2)
    } else {
        Obj::NONE
    };
    vm.dict_store(vm.arg(&args, 0), vm.arg(&args, 1), default)?;
    Ok(default)
}

pub fn gen_send(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    match vm.resume(vm.arg(&args, 0), vm.arg(&args, 1))? {
        crate::interp::gen::Resumed::Yield(value) => Ok(value),
        crate::interp::gen::Resumed::Return(value) => Err(raise_stop_iteration(vm, value)),
    }
}

/// Raises `StopIteration` carrying a generator's return value (none for `None`/exhausted).
pub fn raise_stop_iteration(vm: &mut Vm, value: Obj) -> crate::interp::Raise {
    let exc_args = if value == Obj::NULL || value == Obj::NONE {
        vm.new_tuple(&[])
    } else {
        vm.new_tuple(&[value])
    };
    match exc_args.and_then(|args| vm.new_exception(ty::STOP_ITERATION, args)) {
        Ok(exc) => vm.raise(exc),
        Err(raise) => raise,
    }
}

pub fn gen_close(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    vm.close_generator(vm.arg(&args, 0))?;
    Ok(Obj::NONE)
}

/// `generator.throw(exc[, value])`: a value other than `None` is what gets thrown.
pub fn gen_throw(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if !(2..=4).contains(&args.n_pos) {
        return Err(vm.type_error("function takes 2 positional arguments"));
    }
    let exc = match args.n_pos {
        3.. if vm.arg(&args, 2) != Obj::NONE => vm.arg(&args, 2),
        _ => vm.arg(&args, 1),
    };
    match vm.throw_into(vm.arg(&args, 0), exc)? {
        crate::interp::gen::Resumed::Yield(value) => Ok(value),
        crate::interp::gen::Resumed::Return(value) => Err(raise_stop_iteration(vm, value)),
    }
}

/// `generator.pend_throw(exc)`.
pub fn gen_pend_throw(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos != 2 {
        return Err(vm.type_error("function takes 2 positional arguments"));
    }
    vm.pend_throw(vm.arg(&args, 0), vm.arg(&args, 1))
}
