//! `math` (`py/modmath.c`), as the unix port configures it: doubles, the constants, the
//! special functions, `isclose` and `factorial`.
//!
//! Most functions go through one of two checks, as in MicroPython: a NaN result from non-NaN
//! arguments, or an infinite one from finite arguments, is `ValueError: math domain error`.
use super::args::{arg_or_kw, float_arg, int_from_float};
use super::{ModuleBuilder, ModuleDef};
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Raise, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;
use num_bigint::BigInt;

pub const MODULE: ModuleDef = ModuleDef {
    name: "math",
    extensible: false,
    functions: &[
        ("sqrt", sqrt),
        ("pow", pow),
        ("exp", exp),
        ("expm1", expm1),
        ("log", log),
        ("log2", log2),
        ("log10", log10),
        ("cosh", cosh),
        ("sinh", sinh),
        ("tanh", tanh),
        ("acosh", acosh),
        ("asinh", asinh),
        ("atanh", atanh),
        ("cos", cos),
        ("sin", sin),
        ("tan", tan),
        ("acos", acos),
        ("asin", asin),
        ("atan", atan),
        ("atan2", atan2),
        ("ceil", ceil),
        ("copysign", copysign),
        ("fabs", fabs),
        ("floor", floor),
        ("fmod", fmod),
        ("frexp", frexp),
        ("ldexp", ldexp),
        ("modf", modf),
        ("isfinite", isfinite),
        ("isinf", isinf),
        ("isnan", isnan),
        ("isclose", isclose),
        ("trunc", trunc),
        ("radians", radians),
        ("degrees", degrees),
        ("factorial", factorial),
        ("erf", erf),
        ("erfc", erfc),
        ("gamma", gamma),
        ("lgamma", lgamma),
    ],
    attrs,
};

fn attrs(vm: &mut Vm, module: &ModuleBuilder) -> PyResult<()> {
    for (name, value) in [
        ("e", std::f64::consts::E),
        ("pi", std::f64::consts::PI),
        ("tau", std::f64::consts::TAU),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        let value = vm.new_float(value)?;
        module.set(vm, name, value)?;
    }
    Ok(())
}

pub(crate) fn domain_error(vm: &mut Vm) -> Raise {
    vm.value_error("math domain error")
}

/// A one-argument float function with MicroPython's domain check (`math_generic_1`).
fn generic_1(vm: &mut Vm, args: &Args, f: fn(f64) -> f64) -> PyResult<Obj> {
    arity(vm, args, 1, 1)?;
    let x = float_arg(vm, vm.arg(args, 0))?;
    let ans = f(x);
    if (ans.is_nan() && !x.is_nan()) || (ans.is_infinite() && !x.is_infinite()) {
        return Err(domain_error(vm));
    }
    vm.new_float(ans)
}

/// A two-argument float function with MicroPython's domain check (`math_generic_2`).
fn generic_2(vm: &mut Vm, args: &Args, f: fn(f64, f64) -> f64) -> PyResult<Obj> {
    arity(vm, args, 2, 2)?;
    let x = float_arg(vm, vm.arg(args, 0))?;
    let y = float_arg(vm, vm.arg(args, 1))?;
    let ans = f(x, y);
    if (ans.is_nan() && !x.is_nan() && !y.is_nan())
        || (ans.is_infinite() && !x.is_infinite() && !y.is_infinite())
    {
        return Err(domain_error(vm));
    }
    vm.new_float(ans)
}

macro_rules! float_functions {
    ($($kind:ident $name:ident => $f:expr;)*) => {
        $(fn $name(vm: &mut Vm, args: Args) -> PyResult<Obj> {
            $kind(vm, &args, $f)
        })*
    };
}

float_functions! {
    generic_1 sqrt => f64::sqrt;
    generic_2 pow => f64::powf;
    generic_1 exp => f64::exp;
    generic_1 expm1 => f64::exp_m1;
    generic_1 log2 => f64::log2;
    generic_1 log10 => f64::log10;
    generic_1 cosh => f64::cosh;
    generic_1 sinh => f64::sinh;
    generic_1 tanh => f64::tanh;
    generic_1 acosh => f64::acosh;
    generic_1 asinh => f64::asinh;
    generic_1 atanh => f64::atanh;
    generic_1 cos => f64::cos;
    generic_1 sin => f64::sin;
    generic_1 tan => f64::tan;
    generic_1 acos => f64::acos;
    generic_1 asin => f64::asin;
    generic_1 atan => f64::atan;
    generic_2 atan2 => f64::atan2;
    generic_2 copysign => f64::copysign;
    generic_1 fabs => f64::abs;
    generic_2 fmod => |x, y| x % y;
    generic_1 erf => libm::erf;
    generic_1 erfc => libm::erfc;
    generic_1 gamma => libm::tgamma;
    generic_1 lgamma => libm::lgamma;
    to_int ceil => f64::ceil;
    to_int floor => f64::floor;
    to_int trunc => f64::trunc;
    to_bool isfinite => f64::is_finite;
    to_bool isinf => f64::is_infinite;
    to_bool isnan => f64::is_nan;
    scaled radians => |x| x * (std::f64::consts::PI / 180.0);
    scaled degrees => |x| x * (180.0 / std::f64::consts::PI);
}

/// `ceil`, `floor`, `trunc`: the rounded float as an int.
fn to_int(vm: &mut Vm, args: &Args, f: fn(f64) -> f64) -> PyResult<Obj> {
    arity(vm, args, 1, 1)?;
    let x = float_arg(vm, vm.arg(args, 0))?;
    int_from_float(vm, f(x))
}

/// `isfinite`, `isinf`, `isnan`.
fn to_bool(vm: &mut Vm, args: &Args, f: fn(f64) -> bool) -> PyResult<Obj> {
    arity(vm, args, 1, 1)?;
    let x = float_arg(vm, vm.arg(args, 0))?;
    Ok(Obj::bool(f(x)))
}

/// `radians`, `degrees`: no domain check.
fn scaled(vm: &mut Vm, args: &Args, f: fn(f64) -> f64) -> PyResult<Obj> {
    arity(vm, args, 1, 1)?;
    let x = float_arg(vm, vm.arg(args, 0))?;
    vm.new_float(f(x))
}

/// `log(x[, base])`.
fn log(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let x = float_arg(vm, vm.arg(&args, 0))?;
    if x <= 0.0 {
        return Err(domain_error(vm));
    }
    let l = x.ln();
    if args.n_pos == 1 {
        return vm.new_float(l);
    }
    let base = float_arg(vm, vm.arg(&args, 1))?;
    if base <= 0.0 {
        return Err(domain_error(vm));
    }
    if base == 1.0 {
        return Err(vm.raise_msg(ty::ZERO_DIVISION_ERROR, "divide by zero"));
    }
    vm.new_float(l / base.ln())
}

/// `ldexp(x, exp)`: the exponent is a C `int`.
fn ldexp(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let x = float_arg(vm, vm.arg(&args, 0))?;
    let exp = vm.get_int(vm.arg(&args, 1))?;
    let exp = exp.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    vm.new_float(libm::ldexp(x, exp))
}

/// `frexp(x)`: `(mantissa, exponent)`.
fn frexp(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let x = float_arg(vm, vm.arg(&args, 0))?;
    let (mantissa, exponent) = libm::frexp(x);
    let mantissa = vm.new_float(mantissa)?;
    let slot = vm.root(mantissa)?;
    let exponent = vm.new_int(i64::from(exponent))?;
    vm.new_tuple(&[vm.slot(slot), exponent])
}

/// `modf(x)`: `(fractional part, integral part)`, both floats.
fn modf(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let x = float_arg(vm, vm.arg(&args, 0))?;
    let (fraction, integral) = libm::modf(x);
    let fraction = vm.new_float(fraction)?;
    let slot = vm.root(fraction)?;
    let integral = vm.new_float(integral)?;
    vm.new_tuple(&[vm.slot(slot), integral])
}

/// `isclose(a, b, *, rel_tol=1e-9, abs_tol=0)`.
fn isclose(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let a = float_arg(vm, vm.arg(&args, 0))?;
    let b = float_arg(vm, vm.arg(&args, 1))?;
    let rel_tol = match arg_or_kw(vm, &args, u32::MAX, "rel_tol")? {
        Some(tol) => float_arg(vm, tol)?,
        None => 1e-9,
    };
    let abs_tol = match arg_or_kw(vm, &args, u32::MAX, "abs_tol")? {
        Some(tol) => float_arg(vm, tol)?,
        None => 0.0,
    };
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(domain_error(vm));
    }
    if a == b {
        return Ok(Obj::TRUE);
    }
    let difference = (a - b).abs();
    if difference.is_infinite() {
        return Ok(Obj::FALSE);
    }
    Ok(Obj::bool(
        difference <= abs_tol
            || difference <= (rel_tol * a).abs()
            || difference <= (rel_tol * b).abs(),
    ))
}

/// `factorial(n)` for a machine-word `n`.
fn factorial(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let n = vm.get_int(vm.arg(&args, 0))?;
    if n < 0 {
        return Err(vm.value_error("negative factorial"));
    }
    // n! has about n * log2(n) bits: refuse what no heap could hold before computing it.
    let bytes = (n as f64) * (n.max(2) as f64).log2() / 8.0;
    super::args::check_size(vm, bytes.min(usize::MAX as f64) as usize)?;
    vm.new_big_int(&product(1, n.max(1) as u64))
}

/// `start * (start + 1) * ... * end`, split in halves so the big multiplications balance.
fn product(start: u64, end: u64) -> BigInt {
    if end - start < 8 {
        return (start..=end).map(BigInt::from).product();
    }
    let middle = start + (end - start) / 2;
    product(start, middle) * product(middle + 1, end)
}
