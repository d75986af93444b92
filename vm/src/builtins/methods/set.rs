//! Methods of `set` and `frozenset` (`set_locals_dict_table`), over the set algebra in
//! `objects/set.rs`. Arguments may be any iterable, except where MicroPython needs a set.
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;

fn this(vm: &Vm, args: &Args) -> Obj {
    vm.arg(args, 0)
}

/// Argument `index`, which must be there (the method's arity).
fn other(vm: &mut Vm, args: &Args, index: u32) -> PyResult<Obj> {
    if args.n_pos <= index {
        return Err(vm.type_error(&format!(
            "function takes {} positional arguments but {} were given",
            index + 1,
            args.n_pos
        )));
    }
    Ok(vm.arg(args, index))
}

/// `other` as a set: itself, or a new set of its items.
fn as_set(vm: &mut Vm, other: Obj) -> PyResult<Obj> {
    if vm.is_set_like(other) {
        return Ok(other);
    }
    let set = vm.new_set(0)?;
    let slot = vm.root(set)?;
    vm.set_update(set, other)?;
    Ok(vm.slot(slot))
}

pub fn add(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let item = other(vm, &args, 1)?;
    vm.set_add(this(vm, &args), item)?;
    Ok(Obj::NONE)
}

pub fn discard(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let item = other(vm, &args, 1)?;
    vm.set_remove(this(vm, &args), item)?;
    Ok(Obj::NONE)
}

pub fn remove(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let item = other(vm, &args, 1)?;
    if vm.set_remove(this(vm, &args), item)? {
        return Ok(Obj::NONE);
    }
    let exc_args = vm.new_tuple(&[item])?;
    let exc = vm.new_exception(ty::KEY_ERROR, exc_args)?;
    Err(vm.raise(exc))
}

pub fn clear(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    vm.set_clear(this(vm, &args));
    Ok(Obj::NONE)
}

pub fn copy(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    vm.set_copy(this(vm, &args))
}

pub fn pop(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    match vm.set_pop(this(vm, &args)) {
        Some(item) => Ok(item),
        None => Err(vm.raise_msg(ty::KEY_ERROR, "pop from an empty set")),
    }
}

pub fn update(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    for i in 1..args.n_pos {
        vm.set_update(this(vm, &args), vm.arg(&args, i))?;
    }
    Ok(Obj::NONE)
}

pub fn union(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let other = other(vm, &args, 1)?;
    vm.set_union(this(vm, &args), other)
}

pub fn difference(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let copy = vm.set_copy(this(vm, &args))?;
    let slot = vm.root(copy)?;
    for i in 1..args.n_pos {
        vm.set_difference_update(vm.slot(slot), vm.arg(&args, i))?;
    }
    Ok(vm.slot(slot))
}

pub fn difference_update(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    for i in 1..args.n_pos {
        vm.set_difference_update(this(vm, &args), vm.arg(&args, i))?;
    }
    Ok(Obj::NONE)
}

pub fn intersection(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let other = other(vm, &args, 1)?;
    vm.set_intersection(this(vm, &args), other)
}

pub fn intersection_update(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let other = other(vm, &args, 1)?;
    if other != this(vm, &args) {
        vm.set_intersection_update(this(vm, &args), other)?;
    }
    Ok(Obj::NONE)
}

pub fn symmetric_difference(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let other = other(vm, &args, 1)?;
    vm.set_symmetric_difference(this(vm, &args), other)
}

pub fn symmetric_difference_update(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let other = other(vm, &args, 1)?;
    vm.set_symmetric_difference_update(this(vm, &args), other)?;
    Ok(Obj::NONE)
}

pub fn isdisjoint(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let other = other(vm, &args, 1)?;
    let mark = vm.stack_mark();
    let iter = vm.get_iter(other)?;
    let iter_slot = vm.root(iter)?;
    while let Some(item) = vm.iter_next(vm.slot(iter_slot))? {
        if vm.set_contains(this(vm, &args), item)? {
            vm.stack_release(mark);
            return Ok(Obj::FALSE);
        }
    }
    vm.stack_release(mark);
    Ok(Obj::TRUE)
}

fn subset(vm: &mut Vm, args: Args, superset: bool) -> PyResult<Obj> {
    let other = other(vm, &args, 1)?;
    let other = as_set(vm, other)?;
    let this = this(vm, &args);
    let (small, big) = if superset {
        (other, this)
    } else {
        (this, other)
    };
    vm.set_is_subset(small, big, false).map(Obj::bool)
}

pub fn issubset(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    subset(vm, args, false)
}

pub fn issuperset(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    subset(vm, args, true)
}

/// `set(iterable)` and `frozenset(iterable)`.
pub fn construct(vm: &mut Vm, t: u32, args: Args) -> PyResult<Obj> {
    if args.n_pos > 1 {
        return Err(vm.type_error(&format!(
            "function expected at most 1 arguments, got {}",
            args.n_pos
        )));
    }
    let set = vm.new_set_of_type(t, 0)?;
    let slot = vm.root(set)?;
    if args.n_pos == 1 {
        vm.set_update(set, vm.arg(&args, 0))?;
    }
    Ok(vm.slot(slot))
}
