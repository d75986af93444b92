//! `int.to_bytes` and the classmethod `int.from_bytes`, as MicroPython 1.29 has them:
//! `to_bytes(length=1, byteorder='big', *, signed=False)` with overflow checks, and
//! `from_bytes(bytes, byteorder='big')` (unsigned; any byteorder but `'little'` is big).
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::qstrs::q;
use crate::objects::ty;
use crate::runtime::obj::Obj;
use num_bigint::{BigInt, Sign};

/// Whether `byteorder` asks for big-endian (everything but the qstr `little` does).
fn is_big_endian(byteorder: Option<Obj>) -> bool {
    byteorder.and_then(Obj::as_qstr) != Some(q("little"))
}

/// Positional argument `index`, else keyword argument `name`.
fn arg_or_kw(vm: &Vm, args: &Args, index: u32, name: &str) -> Option<Obj> {
    if args.n_pos > index {
        return Some(vm.arg(args, index));
    }
    vm.kwarg_named(args, q(name))
}

pub fn to_bytes(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let length = match arg_or_kw(vm, &args, 1, "length") {
        Some(obj) => vm.get_int(obj)?,
        None => 1,
    };
    if length < 0 {
        return Err(vm.raise_type(ty::VALUE_ERROR));
    }
    let big_endian = is_big_endian(arg_or_kw(vm, &args, 2, "byteorder"));
    let signed = match vm.kwarg_named(&args, q("signed")) {
        Some(obj) => vm.is_true(obj)?,
        None => false,
    };
    let value = vm.as_bigint(vm.arg(&args, 0)).unwrap_or_default();
    if !signed && value.sign() == Sign::Minus {
        return Err(vm.raise_msg(ty::OVERFLOW_ERROR, "can't convert negative int to unsigned"));
    }
    // Compare bit lengths rather than build 2**(8 * length), which may be huge.
    let bits = 8 * length as u64;
    let fits = match value.sign() {
        Sign::NoSign => true,
        Sign::Plus if !signed => value.bits() <= bits,
        Sign::Plus => value.bits() < bits,
        Sign::Minus => (-&value - 1u32).bits() < bits,
    };
    if !fits {
        return Err(vm.raise_msg(
            ty::OVERFLOW_ERROR,
            &format!("value would overflow a {length} byte buffer"),
        ));
    }
    vm.check_repeat_size(length as usize, 1, 1)?;
    let mut data = value.to_signed_bytes_le();
    let fill = if value.sign() == Sign::Minus { 0xFF } else { 0 };
    data.resize(length as usize, fill);
    if big_endian {
        data.reverse();
    }
    vm.new_bytes(&data)
}

pub fn from_bytes(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos < 2 {
        return Err(vm.type_error("function missing 1 required positional arguments"));
    }
    let buffer = vm.get_buffer_raise(vm.arg(&args, 1))?;
    let data = vm.buffer_bytes(buffer);
    let big_endian = is_big_endian((args.n_pos > 2).then(|| vm.arg(&args, 2)));
    let value = if big_endian {
        BigInt::from_bytes_be(Sign::Plus, &data)
    } else {
        BigInt::from_bytes_le(Sign::Plus, &data)
    };
    vm.new_big_int(&value)
}
