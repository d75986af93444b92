//! Builtin functions and constructors.
use crate::bytecode::BinaryOpNum as B;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::{qstrs, ty};
use crate::runtime::obj::Obj;

/// Checks that a builtin got between `min` and `max` positional arguments.
/// Checks the positional argument count with MicroPython's messages
/// (`mp_arg_check_num_sig`): fixed-arity functions say what they take, others what is
/// missing or too many.
pub fn arity(vm: &mut Vm, args: &Args, min: u32, max: u32) -> PyResult<()> {
    let n = args.n_pos;
    let msg = if min == max && n != min {
        format!("function takes {max} positional arguments but {n} were given")
    } else if n < min {
        format!("function missing {} required positional arguments", min - n)
    } else if n > max {
        format!("function expected at most {max} arguments, got {n}")
    } else {
        return Ok(());
    };
    Err(vm.type_error(&msg))
}

pub fn print(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let text_of = |vm: &mut Vm, name: u32, default: &str| -> PyResult<String> {
        match vm.kwarg_named(&args, name) {
            Some(v) if v != Obj::NONE => vm.str_of(v),
            _ => Ok(default.to_string()),
        }
    };
    let sep = text_of(vm, qstrs::SEP, " ")?;
    let end = text_of(vm, qstrs::END, "\n")?;
    let mut out = String::new();
    for i in 0..args.n_pos {
        if i > 0 {
            out.push_str(&sep);
        }
        let text = vm.str_of(vm.arg(&args, i))?;
        out.push_str(&text);
    }
    out.push_str(&end);
    match vm.kwarg_named(&args, qstrs::FILE_ARG) {
        Some(file) if file != Obj::NONE => vm.stream_write(file, &out)?,
        _ => vm.write_stdio(crate::modules::stdio::STDOUT, out.as_bytes()),
    }
    Ok(Obj::NONE)
}

pub fn len(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let n = vm.len_of(vm.arg(&args, 0))?;
    vm.new_int(n)
}

pub fn repr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let text = vm.repr(vm.arg(&args, 0))?;
    vm.new_str(&text)
}

pub fn abs(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let mut x = vm.arg(&args, 0);
    if x == Obj::TRUE || x == Obj::FALSE {
        // A bool's absolute value is an int, as for every other unary operation on it.
        x = Obj::small_int(i64::from(x == Obj::TRUE)).unwrap_or(x);
    }
    if vm.is_complex(x) {
        let (real, imag) = vm.complex_parts(x);
        return vm.new_float(real.hypot(imag));
    }
    let negative = vm.binary_op(B::Less, x, Obj::small_int(0).unwrap_or(x))?;
    if negative == Obj::TRUE {
        vm.unary_op(crate::bytecode::UnaryOpNum::Negative, x)
    } else {
        Ok(x)
    }
}

fn extreme(vm: &mut Vm, args: Args, op: B) -> PyResult<Obj> {
    let source = if args.n_pos == 1 {
        vm.arg(&args, 0)
    } else {
        vm.new_tuple_from_arena(args.base, args.n_pos)?
    };
    let key = vm.kwarg_named(&args, qstrs::KEY).unwrap_or(Obj::NONE);
    let mark = vm.stack_mark();
    // The tuple made from several arguments is referenced from nowhere else.
    let source_slot = vm.root(source)?;
    let iter = vm.get_iter(vm.slot(source_slot))?;
    let iter_slot = vm.root(iter)?;
    let best = vm.root(Obj::NULL)?;
    let best_key = vm.root(Obj::NULL)?;
    while let Some(item) = vm.iter_next(vm.slot(iter_slot))? {
        let item_slot = vm.root(item)?;
        let k = if key == Obj::NONE {
            item
        } else {
            vm.call_objs(key, &[item])?
        };
        let current = vm.slot(best_key);
        if current == Obj::NULL || vm.binary_op(op, k, current)? == Obj::TRUE {
            let item = vm.slot(item_slot);
            vm.set_slot(best, item);
            vm.set_slot(best_key, k);
        }
    }
    let result = vm.slot(best);
    vm.stack_release(mark);
    if result == Obj::NULL {
        return match vm.kwarg_named(&args, qstrs::DEFAULT) {
            Some(default) => Ok(default),
            None => Err(vm.value_error("arg is an empty sequence")),
        };
    }
    Ok(result)
}

pub fn min(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    extreme(vm, args, B::Less)
}

pub fn max(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    extreme(vm, args, B::More)
}

pub fn sum(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let start = if args.n_pos == 2 {
        vm.arg(&args, 1)
    } else {
        Obj::small_int(0).unwrap_or(Obj::NONE)
    };
    let mark = vm.stack_mark();
    let total = vm.root(start)?;
    let iter = vm.get_iter(vm.arg(&args, 0))?;
    let iter_slot = vm.root(iter)?;
    while let Some(item) = vm.iter_next(vm.slot(iter_slot))? {
        let value = vm.binary_op(B::Add, vm.slot(total), item)?;
        vm.set_slot(total, value);
    }
    let result = vm.slot(total);
    vm.stack_release(mark);
    Ok(result)
}

/// Sorts the list in place (stable merge of rooted items; comparisons may run Python code).
pub fn sort_list(vm: &mut Vm, list: Obj, key: Obj, reverse: bool) -> PyResult<()> {
    let mark = vm.stack_mark();
    let list_slot = vm.root(list)?;
    let items = vm.seq_items(list);
    let first = vm.root_all(&items)?;
    let keys_first = vm.stack_mark();
    for i in 0..items.len() as u32 {
        let item = Obj::from_raw(vm.arena().load_u32(first + 4 * i));
        let k = if key == Obj::NONE {
            item
        } else {
            vm.call_objs(key, &[item])?
        };
        vm.root(k)?;
    }
    let n = items.len();
    let mut order: Vec<usize> = (0..n).collect();
    // Insertion sort: stable, and each comparison re-reads rooted keys.
    for i in 1..n {
        let mut j = i;
        while j > 0 {
            let a = Obj::from_raw(vm.arena().load_u32(keys_first + 4 * order[j] as u32));
            let b = Obj::from_raw(vm.arena().load_u32(keys_first + 4 * order[j - 1] as u32));
            let less = if reverse {
                vm.binary_op(B::Less, b, a)?
            } else {
                vm.binary_op(B::Less, a, b)?
            };
            if less != Obj::TRUE {
                break;
            }
            order.swap(j, j - 1);
            j -= 1;
        }
    }
    let list = vm.slot(list_slot);
    let (start, _) = vm.seq_raw(list);
    for (dst, &src) in order.iter().enumerate() {
        let word = vm.arena().load_u32(first + 4 * src as u32);
        vm.arena_mut().store_u32(start + 4 * dst as u32, word);
    }
    vm.stack_release(mark);
    Ok(())
}

pub fn sorted(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let list = vm.list_from_iterable(vm.arg(&args, 0))?;
    let slot = vm.root(list)?;
    let key = vm.kwarg_named(&args, qstrs::KEY).unwrap_or(Obj::NONE);
    let reverse = match vm.kwarg_named(&args, qstrs::REVERSE) {
        Some(v) => vm.is_true(v)?,
        None => false,
    };
    sort_list(vm, vm.slot(slot), key, reverse)?;
    Ok(vm.slot(slot))
}

pub fn chr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let code = vm.get_int(vm.arg(&args, 0))?;
    match u32::try_from(code).ok().and_then(char::from_u32) {
        Some(c) => vm.new_str(&c.to_string()),
        None => Err(vm.value_error("chr() arg not in range(0x110000)")),
    }
}

pub fn ord(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let obj = vm.arg(&args, 0);
    // A str counts characters; bytes count bytes.
    let (len, first) = if vm.is_str(obj) {
        let text = vm.str_text(obj);
        (text.chars().count(), text.chars().next().map(u32::from))
    } else if vm.is_bytes(obj) {
        let data = vm.str_bytes(obj);
        (data.len(), data.first().copied().map(u32::from))
    } else {
        let name = vm.type_name_of(obj);
        return Err(vm.type_error(&format!("can't convert '{name}' object to str implicitly")));
    };
    match first {
        Some(code) if len == 1 => vm.new_int(i64::from(code)),
        _ => Err(vm.type_error(&format!(
            "ord() expected a character, but string of length {len} found"
        ))),
    }
}

pub fn hash(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let h = vm.hash(vm.arg(&args, 0))?;
    vm.new_int(i64::from(h as i32))
}

pub fn id(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    vm.new_int(i64::from(vm.arg(&args, 0).raw()))
}

pub fn iter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    vm.get_iter(vm.arg(&args, 0))
}

pub fn next(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let iter = vm.arg(&args, 0);
    if vm.type_of(iter) == ty::GENERATOR {
        return match vm.resume(iter, Obj::NONE)? {
            crate::interp::gen::Resumed::Yield(value) => Ok(value),
            crate::interp::gen::Resumed::Return(_) if args.n_pos == 2 => Ok(vm.arg(&args, 1)),
            crate::interp::gen::Resumed::Return(value) => {
                Err(super::methods::raise_stop_iteration(vm, value))
            }
        };
    }
    if vm.is_instance_of_user_type(iter) {
        // A user `__next__` raises its own StopIteration, whose arguments must survive.
        return match vm.call_special(iter, qstrs::NEXT, &[]) {
            Ok(Some(value)) => Ok(value),
            Ok(None) => {
                let name = vm.type_name_of(iter);
                Err(vm.type_error(&format!("'{name}' object isn't an iterator")))
            }
            Err(_)
                if args.n_pos == 2
                    && vm.is_subclass(vm.type_of(vm.pending_exception()), ty::STOP_ITERATION) =>
            {
                Ok(vm.arg(&args, 1))
            }
            Err(raise) => Err(raise),
        };
    }
    vm.take_stop_iteration_arg();
    match vm.iter_next(iter)? {
        Some(v) => Ok(v),
        None if args.n_pos == 2 => Ok(vm.arg(&args, 1)),
        None => {
            // An iterator built on a user `__next__` passes its StopIteration argument on.
            let arg = vm.take_stop_iteration_arg();
            Err(super::methods::raise_stop_iteration(vm, arg))
        }
    }
}

pub fn divmod(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let q = vm.binary_op(B::FloorDivide, vm.arg(&args, 0), vm.arg(&args, 1))?;
    let slot = vm.root(q)?;
    let r = vm.binary_op(B::Modulo, vm.arg(&args, 0), vm.arg(&args, 1))?;
    vm.new_tuple(&[vm.slot(slot), r])
}

fn all_any(vm: &mut Vm, args: Args, want: bool) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let iter = vm.get_iter(vm.arg(&args, 0))?;
    let slot = vm.root(iter)?;
    while let Some(item) = vm.iter_next(vm.slot(slot))? {
        if vm.is_true(item)? == want {
            return Ok(Obj::bool(want));
        }
    }
    Ok(Obj::bool(!want))
}

pub fn all(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    all_any(vm, args, false)
}

pub fn any(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    all_any(vm, args, true)
}

/// `reversed(seq)`: an iterator over a reversed copy of a sequence.
pub fn reversed(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let list = vm.list_from_iterable(vm.arg(&args, 0))?;
    let slot = vm.root(list)?;
    let (start, len) = vm.seq_raw(list);
    for i in 0..len / 2 {
        let (a, b) = (start + 4 * i, start + 4 * (len - 1 - i));
        let (x, y) = (vm.arena().load_u32(a), vm.arena().load_u32(b));
        vm.arena_mut().store_u32(a, y);
        vm.arena_mut().store_u32(b, x);
    }
    vm.get_iter(vm.slot(slot))
}

/// Constructors of builtin types.
pub fn construct(vm: &mut Vm, t: u32, args: Args) -> PyResult<Obj> {
    if let Some(made) = super::reflect::construct(vm, t, args)? {
        return Ok(made);
    }
    let first = (args.n_pos > 0).then(|| vm.arg(&args, 0));
    match t {
        ty::INT => super::methods::int::construct(vm, args),
        ty::FLOAT => match first {
            None => vm.new_float(0.0),
            Some(x) => match vm.as_num(x) {
                Some(n) => vm.new_float(n.to_f64()),
                None if vm.is_instance_of_user_type(x) => {
                    match vm.call_special(x, qstrs::q("__float__"), &[])? {
                        Some(value) if vm.type_of(value) == ty::FLOAT => Ok(value),
                        _ => {
                            let name = vm.type_name_of(x);
                            Err(vm.type_error(&format!("can't convert {name} to float")))
                        }
                    }
                }
                None => {
                    let text = vm.str_text(x);
                    match crate::format::float::parse_decimal(text.as_bytes(), false) {
                        Some(crate::format::float::Decimal::Float(f)) => vm.new_float(f),
                        _ => Err(vm.value_error("invalid syntax for number")),
                    }
                }
            },
        },
        ty::BOOL => match first {
            None => Ok(Obj::FALSE),
            Some(x) => vm.is_true(x).map(Obj::bool),
        },
        ty::STR if args.n_pos > 1 => super::methods::bytes::str_decoding(vm, args),
        ty::STR => match first {
            None => vm.new_str(""),
            Some(x) => {
                let text = vm.str_of(x)?;
                vm.new_str(&text)
            }
        },
        ty::TUPLE => match first {
            None => vm.new_tuple(&[]),
            Some(x) => {
                let list = vm.list_from_iterable(x)?;
                let (start, n) = vm.seq_raw(list);
                let slot = vm.root(list)?;
                let tuple = vm.new_tuple_from_arena(start, n);
                let _ = vm.slot(slot);
                tuple
            }
        },
        ty::LIST => match first {
            None => vm.new_list(&[]),
            Some(x) => vm.list_from_iterable(x),
        },
        ty::SET | ty::FROZENSET => super::methods::set::construct(vm, t, args),
        ty::DICT => super::methods::dict::construct(vm, args),
        ty::RANGE => {
            let mut values = [0i64, 0, 1];
            for i in 0..args.n_pos.min(3) {
                values[i as usize] = vm.get_int(vm.arg(&args, i))?;
            }
            let (start, stop, step) = match args.n_pos {
                1 => (0, values[0], 1),
                2 => (values[0], values[1], 1),
                3 => (values[0], values[1], values[2]),
                _ => return Err(vm.type_error("range expected at least 1 argument")),
            };
            if step == 0 {
                return Err(vm.value_error("zero step"));
            }
            vm.new_range(start, stop, step)
        }
        ty::ENUMERATE => {
            // `enumerate(iterable, start=0)`, either argument by position or keyword.
            arity(vm, &args, 0, 2)?;
            let positional = |i: u32| (args.n_pos > i).then(|| vm.arg(&args, i));
            let iterable = positional(0).or_else(|| vm.kwarg_named(&args, qstrs::ITERABLE));
            let start = positional(1)
                .or_else(|| vm.kwarg_named(&args, qstrs::START))
                .unwrap_or(Obj::small_int(0).unwrap_or(Obj::NONE));
            let Some(iterable) = iterable else {
                return Err(vm.type_error("function missing 1 required positional arguments"));
            };
            let iter = vm.get_iter(iterable)?;
            vm.new_pair(ty::ENUMERATE, iter, start)
        }
        ty::ZIP | ty::MAP => {
            let skip = u32::from(t == ty::MAP);
            if args.n_pos < skip {
                return Err(vm.type_error("function missing required positional argument"));
            }
            let iters = vm.new_list(&[])?;
            let slot = vm.root(iters)?;
            for i in skip..args.n_pos {
                let iter = vm.get_iter(vm.arg(&args, i))?;
                vm.list_append(vm.slot(slot), iter)?;
            }
            let (start, n) = vm.seq_raw(vm.slot(slot));
            let tuple = vm.new_tuple_from_arena(start, n)?;
            let fun = if t == ty::MAP {
                vm.arg(&args, 0)
            } else {
                Obj::NONE
            };
            vm.new_pair(t, tuple, fun)
        }
        ty::FILTER => {
            arity(vm, &args, 2, 2)?;
            let iter = vm.get_iter(vm.arg(&args, 1))?;
            vm.new_pair(ty::FILTER, iter, vm.arg(&args, 0))
        }
        ty::BYTES => super::methods::bytes::bytes_new(vm, args),
        ty::COMPLEX => super::methods::complex::construct(vm, args),
        ty::BYTEARRAY => super::methods::bytes::bytearray_new(vm, args),
        ty::ARRAY => crate::modules::array::construct(vm, args),
        ty::MEMORYVIEW => super::methods::bytes::memoryview_new(vm, args),
        _ => {
            let name = vm
                .qstr_str(crate::objects::type_name(vm.arena(), t))
                .to_string();
            Err(vm.type_error(&format!("can't create '{name}' instances")))
        }
    }
}

fn radix_text(vm: &mut Vm, args: Args, radix: u32, prefix: &str) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let x = vm.arg(&args, 0);
    let Some(value) = vm.as_bigint(x) else {
        let name = vm.type_name_of(x);
        return Err(vm.type_error(&format!("can't convert {name} to int")));
    };
    let digits = value.magnitude().to_str_radix(radix);
    let sign = if value.sign() == num_bigint::Sign::Minus {
        "-"
    } else {
        ""
    };
    vm.new_str(&format!("{sign}{prefix}{digits}"))
}

pub fn hex(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    radix_text(vm, args, 16, "0x")
}

pub fn oct(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    radix_text(vm, args, 8, "0o")
}

pub fn bin(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    radix_text(vm, args, 2, "0b")
}

/// `pow(x, y)` is `x ** y`; `pow(x, y, z)` is modular, on ints only.
pub fn pow(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    if args.n_pos == 2 {
        return vm.binary_op(B::Power, vm.arg(&args, 0), vm.arg(&args, 1));
    }
    let values: Vec<_> = (0..3).map(|i| vm.as_bigint(vm.arg(&args, i))).collect();
    let (Some(base), Some(exp), Some(modulus)) = (&values[0], &values[1], &values[2]) else {
        return Err(vm.type_error("pow() with 3 arguments requires integers"));
    };
    if exp.sign() == num_bigint::Sign::Minus {
        return Err(
            vm.value_error("pow() 2nd argument cannot be negative when 3rd argument specified")
        );
    }
    if modulus.sign() == num_bigint::Sign::NoSign {
        return Err(vm.value_error("pow() 3rd argument cannot be 0"));
    }
    // Python's result takes the modulus' sign.
    let mut result = base.modpow(exp, modulus);
    if result.sign() != num_bigint::Sign::NoSign && (result.sign() != modulus.sign()) {
        result += modulus;
    }
    vm.new_big_int(&result)
}

/// `round(x)` rounds half to even; `round(int, n)` rounds to a power of ten.
pub fn round(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let x = vm.arg(&args, 0);
    let digits = if args.n_pos == 2 && vm.arg(&args, 1) != Obj::NONE {
        Some(vm.get_int(vm.arg(&args, 1))?)
    } else {
        None
    };
    match vm.as_num(x) {
        Some(crate::objects::int::Num::Float(f)) => match digits {
            None => {
                let rounded = f.round_ties_even();
                if !rounded.is_finite() {
                    return Err(vm.raise_msg(ty::OVERFLOW_ERROR, "can't convert inf to int"));
                }
                vm.new_big_int(&num_bigint::BigInt::from(rounded as i64))
            }
            Some(n) => {
                let scale = 10f64.powi(n as i32);
                vm.new_float((f * scale).round_ties_even() / scale)
            }
        },
        Some(_) => match digits {
            Some(n) if n < 0 => {
                let value = vm.as_bigint(x).unwrap_or_default();
                let unit = num_traits::pow(num_bigint::BigInt::from(10), (-n) as usize);
                let half = &unit / 2;
                let (q, r) = (&value / &unit, &value % &unit);
                let (mut q, r) = if r.sign() == num_bigint::Sign::Minus {
                    (q - 1, r + &unit)
                } else {
                    (q, r)
                };
                if r > half || (r == half && (&q % 2u32) != num_bigint::BigInt::from(0)) {
                    q += 1;
                }
                vm.new_big_int(&(q * unit))
            }
            _ => Ok(x),
        },
        None => {
            let name = vm.type_name_of(x);
            Err(vm.type_error(&format!("can't convert {name} to float")))
        }
    }
}
