//! `collections` (`py/modcollections.c`): `deque` (`py/objdeque.c`), as MicroPython has it.
//!
//! `deque(iterable, maxlen[, flags])` takes its `maxlen` positionally and always has one;
//! appending to a full deque drops an item from the other end, unless `flags` has bit 1 set,
//! which makes it raise `IndexError: full` instead. Items can be read and replaced by index
//! but not deleted; there is no `clear` (MicroPython compiles it out). The state is
//! `(items, maxlen, flags)` with `items` a list in order, leftmost first.
use super::native::{self, State};
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::layout::ListObj;
use crate::runtime::obj::Obj;

pub const MODULE: ModuleDef = ModuleDef {
    name: "collections",
    extensible: true,
    functions: &[
        ("deque.__init__", deque_init),
        ("deque.__len__", deque_len),
        ("deque.__bool__", deque_bool),
        ("deque.__iter__", deque_iter),
        ("deque.__getitem__", deque_getitem),
        ("deque.__setitem__", deque_setitem),
        ("deque.append", deque_append),
        ("deque.appendleft", deque_appendleft),
        ("deque.extend", deque_extend),
        ("deque.pop", deque_pop),
        ("deque.popleft", deque_popleft),
    ],
    attrs: super::no_attrs,
};

const ITEMS: u32 = 0;
const MAXLEN: u32 = 1;
const FLAGS: u32 = 2;
const FLAG_CHECK_OVERFLOW: i32 = 1;

fn deque(vm: &mut Vm, args: &Args) -> PyResult<(State, ListObj)> {
    let state = native::state(vm, vm.arg(args, 0), "deque")?;
    let items = ListObj(state.get(vm, ITEMS).raw());
    Ok((state, items))
}

fn small(state: State, vm: &Vm, field: u32) -> i32 {
    state.get(vm, field).as_small_int().unwrap_or(0)
}

fn deque_init(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos < 3 {
        return Err(vm.type_error(&format!(
            "function missing {} required positional arguments",
            3 - args.n_pos
        )));
    }
    arity(vm, &args, 3, 4)?;
    let maxlen = vm.get_int(vm.arg(&args, 2))?;
    if !(0..1 << 30).contains(&maxlen) {
        return Err(vm.raise_type(ty::VALUE_ERROR));
    }
    let flags = if args.n_pos > 3 {
        vm.get_int(vm.arg(&args, 3))?
    } else {
        0
    };
    let items = vm.new_list(&[])?;
    let items_slot = vm.root(items)?;
    let maxlen = vm.new_int(maxlen)?;
    let flags = vm.new_int(flags)?;
    native::attach(
        vm,
        vm.arg(&args, 0),
        "deque",
        &[vm.slot(items_slot), maxlen, flags],
    )?;
    extend(vm, vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

fn deque_len(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, items) = deque(vm, &args)?;
    vm.new_int(i64::from(items.len(vm.arena())))
}

fn deque_bool(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, items) = deque(vm, &args)?;
    Ok(Obj::bool(!items.is_empty(vm.arena())))
}

fn deque_iter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, items) = deque(vm, &args)?;
    vm.get_iter(Obj::from_raw(items.0))
}

/// The list position of deque index `index` (negative counts from the right).
fn position(vm: &mut Vm, args: &Args, items: ListObj) -> PyResult<u32> {
    let len = items.len(vm.arena());
    let t = vm.type_of(vm.arg(args, 0));
    vm.seq_index(vm.arg(args, 1), len, t)
}

fn deque_getitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (_, items) = deque(vm, &args)?;
    let at = position(vm, &args, items)?;
    Ok(items.get(vm.arena(), at).unwrap_or(Obj::NONE))
}

fn deque_setitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 3)?;
    let (_, items) = deque(vm, &args)?;
    let at = position(vm, &args, items)?;
    let slot = items.items(vm.arena()) + 4 * at;
    let value = vm.arg(&args, 2);
    vm.arena_mut().store_u32(slot, value.raw());
    Ok(Obj::NONE)
}

/// Whether adding to a deque already holding `maxlen` items must raise.
fn check_full(vm: &mut Vm, state: State, items: ListObj) -> PyResult<bool> {
    let full = items.len(vm.arena()) as i32 >= small(state, vm, MAXLEN);
    if full && small(state, vm, FLAGS) & FLAG_CHECK_OVERFLOW != 0 {
        return Err(vm.raise_msg(ty::INDEX_ERROR, "full"));
    }
    Ok(full)
}

fn append(vm: &mut Vm, this: Obj, item: Obj) -> PyResult<()> {
    let state = native::state(vm, this, "deque")?;
    let items = ListObj(state.get(vm, ITEMS).raw());
    let full = check_full(vm, state, items)?;
    vm.list_append(Obj::from_raw(items.0), item)?;
    if full {
        remove(vm, items, 0);
    }
    Ok(())
}

fn deque_append(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    append(vm, vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

fn deque_appendleft(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (state, items) = deque(vm, &args)?;
    let full = check_full(vm, state, items)?;
    if full {
        let len = items.len(vm.arena());
        if len == 0 {
            return Ok(Obj::NONE);
        }
        remove(vm, items, len - 1);
    }
    // Grow by one, then shift everything right.
    vm.list_append(Obj::from_raw(items.0), Obj::NONE)?;
    let (base, len) = (items.items(vm.arena()), items.len(vm.arena()));
    vm.arena_mut().copy_within(base, base + 4, 4 * (len - 1));
    let item = vm.arg(&args, 1);
    vm.arena_mut().store_u32(base, item.raw());
    Ok(Obj::NONE)
}

fn extend(vm: &mut Vm, this: Obj, iterable: Obj) -> PyResult<()> {
    let mark = vm.stack_mark();
    let this_slot = vm.root(this)?;
    let iter = vm.get_iter(iterable)?;
    let iter_slot = vm.root(iter)?;
    while let Some(item) = vm.iter_next(vm.slot(iter_slot))? {
        append(vm, vm.slot(this_slot), item)?;
    }
    vm.stack_release(mark);
    Ok(())
}

fn deque_extend(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    deque(vm, &args)?;
    extend(vm, vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

/// Removes and returns the item at list position `at` (which must exist).
fn remove(vm: &mut Vm, items: ListObj, at: u32) -> Obj {
    let (base, len) = (items.items(vm.arena()), items.len(vm.arena()));
    let item = items.get(vm.arena(), at).unwrap_or(Obj::NONE);
    let after = base + 4 * (at + 1);
    vm.arena_mut()
        .copy_within(after, after - 4, 4 * (len - at - 1));
    vm.arena_mut().store_u32(base + 4 * (len - 1), 0);
    vm.list_set_len(Obj::from_raw(items.0), len - 1);
    item
}

fn pop_at(vm: &mut Vm, args: &Args, left: bool) -> PyResult<Obj> {
    arity(vm, args, 1, 1)?;
    let (_, items) = deque(vm, args)?;
    let len = items.len(vm.arena());
    if len == 0 {
        return Err(vm.raise_msg(ty::INDEX_ERROR, "empty"));
    }
    Ok(remove(vm, items, if left { 0 } else { len - 1 }))
}

fn deque_pop(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    pop_at(vm, &args, false)
}

fn deque_popleft(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    pop_at(vm, &args, true)
}
