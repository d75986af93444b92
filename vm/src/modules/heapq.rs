//! `heapq` (`extmod/modheapq.c`): a min-heap on a list, compared with `<`.
//!
//! Comparisons may run Python code (`__lt__`) that changes the list, so every item access
//! re-reads the list's length and is bounds-checked: a list shrunk mid-sift stops the sift
//! instead of reading past its end.
use super::ModuleDef;
use crate::builtins::arity;
use crate::bytecode::BinaryOpNum as B;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::layout::ListObj;
use crate::runtime::obj::Obj;

pub const MODULE: ModuleDef = ModuleDef {
    name: "heapq",
    extensible: true,
    functions: &[
        ("heappush", heappush),
        ("heappop", heappop),
        ("heapify", heapify),
    ],
    attrs: super::no_attrs,
};

fn heap_arg(vm: &mut Vm, args: &Args) -> PyResult<Obj> {
    let heap = vm.arg(args, 0);
    if vm.type_of(heap) != ty::LIST {
        return Err(vm.type_error("heap must be a list"));
    }
    Ok(heap)
}

fn len(vm: &Vm, heap: Obj) -> u32 {
    ListObj(heap.raw()).len(vm.arena())
}

fn get(vm: &Vm, heap: Obj, index: u32) -> Option<Obj> {
    ListObj(heap.raw()).get(vm.arena(), index)
}

fn set(vm: &mut Vm, heap: Obj, index: u32, item: Obj) {
    if index < len(vm, heap) {
        let items = ListObj(heap.raw()).items(vm.arena());
        vm.arena_mut().store_u32(items + 4 * index, item.raw());
    }
}

fn less(vm: &mut Vm, a: Obj, b: Obj) -> PyResult<bool> {
    Ok(vm.binary_op(B::Less, a, b)? == Obj::TRUE)
}

/// Moves the item at `pos` up toward `start` while it is less than its parent.
fn sift_down(vm: &mut Vm, heap: Obj, start: u32, mut pos: u32) -> PyResult<()> {
    let Some(item) = get(vm, heap, pos) else {
        return Ok(());
    };
    let item_slot = vm.root(item)?;
    while pos > start {
        let parent_pos = (pos - 1) / 2;
        let Some(parent) = get(vm, heap, parent_pos) else {
            break;
        };
        if !less(vm, vm.slot(item_slot), parent)? {
            break;
        }
        set(vm, heap, pos, parent);
        pos = parent_pos;
    }
    set(vm, heap, pos, vm.slot(item_slot));
    Ok(())
}

/// Moves the item at `pos` down to a leaf along the smaller children, then back up.
fn sift_up(vm: &mut Vm, heap: Obj, mut pos: u32) -> PyResult<()> {
    let start = pos;
    let Some(item) = get(vm, heap, pos) else {
        return Ok(());
    };
    let item_slot = vm.root(item)?;
    loop {
        let mut child = 2 * pos + 1;
        let (Some(left), end) = (get(vm, heap, child), len(vm, heap)) else {
            break;
        };
        if child + 1 < end {
            let right = get(vm, heap, child + 1).unwrap_or(left);
            if !less(vm, left, right)? {
                child += 1;
            }
        }
        let Some(smaller) = get(vm, heap, child) else {
            break;
        };
        set(vm, heap, pos, smaller);
        pos = child;
    }
    set(vm, heap, pos, vm.slot(item_slot));
    sift_down(vm, heap, start, pos)
}

/// `heappush(heap, item)`.
fn heappush(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let heap = heap_arg(vm, &args)?;
    // Objects never move, and the argument keeps the list alive.
    vm.list_append(heap, vm.arg(&args, 1))?;
    sift_down(vm, heap, 0, len(vm, heap) - 1)?;
    Ok(Obj::NONE)
}

/// `heappop(heap)`: the smallest item.
fn heappop(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let heap = heap_arg(vm, &args)?;
    let n = len(vm, heap);
    let (Some(first), Some(last)) = (get(vm, heap, 0), n.checked_sub(1)) else {
        return Err(vm.raise_msg(ty::INDEX_ERROR, "empty heap"));
    };
    let first_slot = vm.root(first)?;
    let last_item = get(vm, heap, last).unwrap_or(Obj::NONE);
    set(vm, heap, 0, last_item);
    set(vm, heap, last, Obj::NULL);
    vm.list_set_len(heap, last);
    if last > 0 {
        sift_up(vm, heap, 0)?;
    }
    Ok(vm.slot(first_slot))
}

/// `heapify(list)`: makes a heap in place.
fn heapify(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let heap = heap_arg(vm, &args)?;
    for i in (0..len(vm, heap) / 2).rev() {
        sift_up(vm, heap, i)?;
    }
    Ok(Obj::NONE)
}
