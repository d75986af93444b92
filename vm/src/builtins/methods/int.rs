//! The `int` constructor, `int.to_bytes` and the classmethod `int.from_bytes`, as
//! MicroPython 1.29 has them:
//! `to_bytes(length=1, byteorder='big', *, signed=False)` with overflow checks, and
//! `from_bytes(bytes, byteorder='big')` (unsigned; any byteorder but `'little'` is big).
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::int::Num;
use crate::objects::qstrs::q;
use crate::objects::ty;
use crate::runtime::obj::Obj;
use num_bigint::{BigInt, Sign};
use num_traits::FromPrimitive;

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

/// `int()`, `int(x)` and `int(text, base)` (`mp_obj_int_make_new`).
pub fn construct(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_kw > 0 {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    if args.n_pos > 2 {
        return Err(vm.type_error(&format!(
            "function expected at most 2 arguments, got {}",
            args.n_pos
        )));
    }
    if args.n_pos == 0 {
        return Ok(Obj::small_int(0).unwrap_or(Obj::NONE));
    }
    let x = vm.arg(&args, 0);
    if args.n_pos == 2 {
        // Text as str or bytes (`mp_obj_str_get_data`).
        let text = if vm.is_bytes(x) {
            vm.str_bytes(x)
        } else {
            vm.expect_str(x)?.into_bytes()
        };
        let base = vm.get_int(vm.arg(&args, 1))?;
        return parse(vm, &text, base);
    }
    if vm.is_str(x) {
        let text = vm.str_bytes(x);
        return parse(vm, &text, 10);
    }
    if let Some(text) = vm.buffer_bytes_of(x) {
        return parse(vm, &text, 10);
    }
    match vm.as_num(x) {
        Some(Num::Float(f)) => from_float(vm, f),
        Some(n) => vm.new_num(n),
        None => match vm.call_special(x, crate::objects::qstrs::q("__int__"), &[])? {
            Some(value) if vm.as_bigint(value).is_some() => Ok(value),
            Some(_) => Err(vm.raise_type(ty::TYPE_ERROR)),
            None => {
                let name = vm.type_name_of(x);
                Err(vm.type_error(&format!("can't convert {name} to int")))
            }
        },
    }
}

/// The integer part of a float; `inf` and `nan` have none.
fn from_float(vm: &mut Vm, f: f64) -> PyResult<Obj> {
    match BigInt::from_f64(f.trunc()) {
        Some(value) => vm.new_big_int(&value),
        None if f.is_nan() => Err(vm.value_error("can't convert NaN to int")),
        None => Err(vm.raise_msg(ty::OVERFLOW_ERROR, "can't convert inf to int")),
    }
}

/// `mp_parse_num_integer`: whitespace, a sign, a base prefix (`0x`/`0o`/`0b`, which base 0
/// also infers), digits with `_` anywhere, whitespace.
fn parse(vm: &mut Vm, text: &[u8], base: i64) -> PyResult<Obj> {
    if base != 0 && !(2..=36).contains(&base) {
        return Err(vm.value_error("int() arg 2 must be >= 2 and <= 36"));
    }
    let mut base = base as u32;
    let mut s = text.trim_ascii_start();
    let negative = s.first() == Some(&b'-');
    if matches!(s.first(), Some(b'+' | b'-')) {
        s = &s[1..];
    }
    let prefix = match s {
        [b'0', p, ..] => match (p | 0x20, base) {
            (b'x', 0 | 16) => Some(16),
            (b'o', 0 | 8) => Some(8),
            (b'b', 0 | 2) => Some(2),
            _ => None,
        },
        _ => None,
    };
    if let Some(prefixed) = prefix {
        base = prefixed;
        s = &s[2..];
    } else if base == 0 {
        // Without a prefix base 0 means 10, except that a leading 0 allows only zeros.
        base = if s.len() > 1 && s[0] == b'0' { 1 } else { 10 };
    }
    let digits_start = s;
    let mut value = BigInt::from(0);
    let mut used = 0;
    for &c in s {
        let digit = match c {
            b'_' => {
                used += 1;
                continue;
            }
            _ => match (c as char).to_digit(36) {
                Some(d) if d < base.max(1) => d,
                _ => break,
            },
        };
        value = value * base.max(2) + digit;
        used += 1;
    }
    let rest = &s[used..];
    if used == 0 || !rest.trim_ascii().is_empty() {
        let shown = crate::format::quote::quote(digits_start, true);
        let shown_base = if base == 1 { 0 } else { base };
        return Err(vm.value_error(&format!(
            "invalid syntax for integer with base {shown_base}: {}",
            String::from_utf8_lossy(&shown)
        )));
    }
    vm.new_big_int(&if negative { -value } else { value })
}
