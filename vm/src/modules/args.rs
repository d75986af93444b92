//! Argument conversions the builtin modules share (MicroPython's `mp_obj_get_float`,
//! `mp_obj_new_int_from_float`, keyword lookup by name).
use crate::format::error::ErrorKind;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;

/// `obj` as a float: ints, bools, floats and objects whose `__float__` gives a float convert,
/// anything else is a `TypeError`.
pub fn float_arg(vm: &mut Vm, obj: Obj) -> PyResult<f64> {
    if let Some(num) = vm.as_num(obj) {
        return Ok(num.to_f64());
    }
    let dunder_float = vm.intern("__float__")?;
    match vm.call_special(obj, dunder_float, &[])? {
        Some(value) if vm.type_of(value) == ty::FLOAT => Ok(vm.float_value(value)),
        _ => {
            let name = vm.type_name_of(obj);
            Err(vm.type_error(&format!("can't convert {name} to float")))
        }
    }
}

/// The int nearest `x` toward zero; NaN and the infinities raise as in `int(x)`.
pub fn int_from_float(vm: &mut Vm, x: f64) -> PyResult<Obj> {
    match crate::format::int::f64_to_int(x) {
        Ok(value) => vm.new_big_int(&value),
        Err(err) => {
            let exc_type = match err.kind {
                ErrorKind::OverflowError => ty::OVERFLOW_ERROR,
                _ => ty::VALUE_ERROR,
            };
            let msg = String::from_utf8_lossy(&err.message).into_owned();
            Err(vm.raise_msg(exc_type, &msg))
        }
    }
}

/// Positional argument `index` if given, else keyword argument `name`, else `None`.
pub fn arg_or_kw(vm: &mut Vm, args: &Args, index: u32, name: &str) -> PyResult<Option<Obj>> {
    if index < args.n_pos {
        return Ok(Some(vm.arg(args, index)));
    }
    if args.n_kw == 0 {
        return Ok(None);
    }
    let q = vm.intern(name)?;
    Ok(vm.kwarg_named(args, q))
}

/// The bytes of an object with the buffer protocol, for reading (`mp_get_buffer_raise` with
/// `MP_BUFFER_READ`): `bytes` and `str`.
pub fn read_buffer(vm: &mut Vm, obj: Obj) -> PyResult<Vec<u8>> {
    if vm.is_bytes(obj) || vm.is_str(obj) {
        return Ok(vm.str_bytes(obj));
    }
    Err(vm.type_error("object with buffer protocol required"))
}

/// Refuses, with MicroPython's `MemoryError`, a result of `n` bytes larger than the whole heap,
/// before a host buffer that size is made (a huge `struct.pack` or `os.urandom` must raise,
/// not exhaust the host's memory).
pub fn check_size(vm: &mut Vm, n: usize) -> PyResult<()> {
    if n <= 1 << 16 || n as u64 <= u64::from(vm.heap.info().total) {
        return Ok(());
    }
    let requested = u32::try_from(n).unwrap_or(u32::MAX);
    Err(vm.raise_memory_error(crate::runtime::gc::OutOfMemory::new(requested)))
}
