//! `list` methods beyond the basics (`copy`, `clear`, `remove`) and the `index` that lists
//! and tuples share.
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;

pub fn copy(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let (start, len) = vm.seq_raw(vm.arg(&args, 0));
    vm.new_list_from_arena(start, len)
}

/// `list.clear()`: no items, and none kept alive by the old array.
pub fn clear(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let list = vm.arg(&args, 0);
    let (start, len) = vm.seq_raw(list);
    for i in 0..len {
        vm.arena_mut().store_u32(start + 4 * i, 0);
    }
    vm.list_set_len(list, 0);
    Ok(Obj::NONE)
}

/// Position of the first item equal to `args[1]` within the optional `start`/`stop`
/// (clamped as slice bounds are), or MicroPython's `ValueError`.
fn position(vm: &mut Vm, args: &Args) -> PyResult<u32> {
    let seq = vm.arg(args, 0);
    let len = i64::from(vm.seq_raw(seq).1);
    let bound = |vm: &mut Vm, index: u32, default: i64| -> PyResult<i64> {
        if args.n_pos <= index {
            return Ok(default);
        }
        let v = vm.get_int(vm.arg(args, index))?;
        Ok(if v < 0 { v + len } else { v }.clamp(0, len))
    };
    let start = bound(vm, 2, 0)?;
    let stop = bound(vm, 3, len)?;
    for i in start..stop {
        let (items, len) = vm.seq_raw(vm.arg(args, 0));
        if i >= i64::from(len) {
            break;
        }
        let item = Obj::from_raw(vm.arena().load_u32(items + 4 * i as u32));
        if vm.equal(item, vm.arg(args, 1))? {
            return Ok(i as u32);
        }
    }
    Err(vm.value_error("object not in sequence"))
}

pub fn index(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let i = position(vm, &args)?;
    vm.new_int(i64::from(i))
}

pub fn remove(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let i = position(vm, &args)?;
    let index = Obj::small_int(i64::from(i)).unwrap_or(Obj::NONE);
    vm.delete_subscr(vm.arg(&args, 0), index)?;
    Ok(Obj::NONE)
}
