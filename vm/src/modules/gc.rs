//! `gc` (`py/modgc.c`), on krait's heap.
use super::{no_attrs, ModuleDef};
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::runtime::obj::Obj;

pub const MODULE: ModuleDef = ModuleDef {
    name: "gc",
    extensible: false,
    functions: &[
        ("collect", collect),
        ("disable", disable),
        ("enable", enable),
        ("isenabled", isenabled),
        ("mem_free", mem_free),
        ("mem_alloc", mem_alloc),
        ("threshold", threshold),
    ],
    attrs: no_attrs,
};

fn collect(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.heap.collect();
    Ok(Obj::NONE)
}

fn disable(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.heap.set_auto_collect(false);
    Ok(Obj::NONE)
}

fn enable(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.heap.set_auto_collect(true);
    Ok(Obj::NONE)
}

fn isenabled(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    Ok(Obj::bool(vm.heap.auto_collect()))
}

fn mem_free(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.new_int(i64::from(vm.heap.info().free))
}

fn mem_alloc(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    vm.new_int(i64::from(vm.heap.info().used))
}

/// `gc.threshold()` reads the threshold in bytes (-1: none); `gc.threshold(n)` sets it
/// (negative: none).
fn threshold(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    if args.n_pos == 0 {
        return vm.new_int(vm.heap.alloc_threshold().map_or(-1, i64::from));
    }
    let bytes = vm.get_int(vm.arg(&args, 0))?;
    vm.heap.set_alloc_threshold(u32::try_from(bytes).ok());
    Ok(Obj::NONE)
}
