//! Builtin functions and constructors.
use crate::bytecode::BinaryOpNum as B;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::{qstrs, ty};
use crate::runtime::obj::Obj;

/// Checks that a builtin got between `min` and `max` positional arguments.
pub fn arity(vm: &mut Vm, args: &Args, min: u32, max: u32) -> PyResult<()> {
    if args.n_pos < min || args.n_pos > max {
        return Err(vm.type_error(&format!(
            "function takes {max} positional arguments but {} were given",
            args.n_pos
        )));
    }
    Ok(())
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

pub fn isinstance(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let t = vm.type_of(vm.arg(&args, 0));
    Ok(Obj::bool(class_matches(vm, t, vm.arg(&args, 1))))
}

pub fn issubclass(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let t = vm.arg(&args, 0).raw();
    Ok(Obj::bool(class_matches(vm, t, vm.arg(&args, 1))))
}

fn class_matches(vm: &Vm, t: u32, pattern: Obj) -> bool {
    if vm.type_of(pattern) == ty::TUPLE {
        return vm
            .seq_items(pattern)
            .iter()
            .any(|p| vm.is_subclass(t, p.raw()));
    }
    vm.is_subclass(t, pattern.raw())
}

pub fn abs(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let x = vm.arg(&args, 0);
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
        return Err(vm.value_error("arg is an empty sequence"));
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
    let text = vm.str_text(obj);
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => vm.new_int(i64::from(c as u32)),
        _ => Err(vm.type_error("ord expects a character")),
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

pub fn callable(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let obj = vm.arg(&args, 0);
    let t = vm.type_of(obj);
    let yes = matches!(
        t,
        ty::FUNCTION | ty::CLOSURE | ty::BOUND_METHOD | ty::BUILTIN_FUNCTION | ty::TYPE
    ) || (vm.is_user_type(t) && vm.class_lookup(t, qstrs::CALL)?.is_some());
    Ok(Obj::bool(yes))
}

pub fn getattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let q = vm.str_to_qstr(vm.arg(&args, 1))?;
    match vm.load_attr(vm.arg(&args, 0), q) {
        Ok(v) => Ok(v),
        Err(raise) if args.n_pos == 3 => {
            let exc = vm.pending_exception();
            if vm.is_subclass(vm.type_of(exc), ty::ATTRIBUTE_ERROR) {
                Ok(vm.arg(&args, 2))
            } else {
                Err(raise)
            }
        }
        Err(raise) => Err(raise),
    }
}

pub fn setattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 3)?;
    let q = vm.str_to_qstr(vm.arg(&args, 1))?;
    vm.store_attr(vm.arg(&args, 0), q, vm.arg(&args, 2))?;
    Ok(Obj::NONE)
}

pub fn hasattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let q = vm.str_to_qstr(vm.arg(&args, 1))?;
    match vm.load_attr(vm.arg(&args, 0), q) {
        Ok(_) => Ok(Obj::TRUE),
        Err(raise) => {
            let exc = vm.pending_exception();
            if vm.is_subclass(vm.type_of(exc), ty::ATTRIBUTE_ERROR) {
                Ok(Obj::FALSE)
            } else {
                Err(raise)
            }
        }
    }
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
    match vm.iter_next(iter)? {
        Some(v) => Ok(v),
        None if args.n_pos == 2 => Ok(vm.arg(&args, 1)),
        None => Err(vm.raise_type(ty::STOP_ITERATION)),
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

pub fn object_init(_vm: &mut Vm, _args: Args) -> PyResult<Obj> {
    Ok(Obj::NONE)
}

/// `__build_class__(body, name, *bases)`: runs the body with a fresh locals dict, makes the
/// class, and fills the `__class__` cell the body returns.
pub fn build_class(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos < 2 {
        return Err(vm.type_error("__build_class__ needs a body and a name"));
    }
    let body = vm.arg(&args, 0);
    let name = vm.str_to_qstr(vm.arg(&args, 1))?;
    let mark = vm.stack_mark();
    let locals = vm.new_dict(0)?;
    let locals_slot = vm.root(locals)?;
    let no_args = Args {
        base: vm.stack_mark(),
        n_pos: 0,
        n_kw: 0,
    };
    let cell = match vm.prepare_call(body, no_args)? {
        crate::interp::call::CallTarget::Frame(frame) => {
            vm.set_frame_locals(&frame, vm.slot(locals_slot));
            vm.run_frame(frame)?
        }
        crate::interp::call::CallTarget::Done(value) => value,
    };
    let cell_slot = vm.root(cell)?;
    let bases = vm.new_tuple_from_arena(args.base + 8, args.n_pos - 2)?;
    let class = vm.new_class(name, bases, vm.slot(locals_slot))?;
    let cell = vm.slot(cell_slot);
    if cell != Obj::NONE && vm.type_of(cell) == ty::CELL {
        vm.cell_set(cell, class);
    }
    vm.stack_release(mark);
    Ok(class)
}

/// Constructors of builtin types.
pub fn construct(vm: &mut Vm, t: u32, args: Args) -> PyResult<Obj> {
    if crate::objects::is_builtin_exception_type(t) {
        let tuple = vm.new_tuple_from_arena(args.base, args.n_pos)?;
        return vm.new_exception(t, tuple);
    }
    let first = (args.n_pos > 0).then(|| vm.arg(&args, 0));
    match t {
        ty::INT => match first {
            None => Ok(Obj::small_int(0).unwrap_or(Obj::NONE)),
            Some(x) if vm.is_str(x) => {
                let text = vm.str_text(x);
                match text.trim().replace('_', "").parse::<num_bigint::BigInt>() {
                    Ok(value) => vm.new_big_int(&value),
                    Err(_) => {
                        let shown = crate::format::quote::repr_str(&text);
                        Err(vm.value_error(&format!(
                            "invalid syntax for integer with base 10: {shown}"
                        )))
                    }
                }
            }
            Some(x) => match vm.as_num(x) {
                Some(crate::objects::int::Num::Float(f)) => {
                    let value = num_bigint::BigInt::from(f.trunc() as i64);
                    vm.new_big_int(&value)
                }
                Some(n) => vm.new_num(n),
                None => {
                    let name = vm.type_name_of(x);
                    Err(vm.type_error(&format!("can't convert {name} to int")))
                }
            },
        },
        ty::FLOAT => match first {
            None => vm.new_float(0.0),
            Some(x) => match vm.as_num(x) {
                Some(n) => vm.new_float(n.to_f64()),
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
        ty::SET => {
            let set = vm.new_set(0)?;
            let slot = vm.root(set)?;
            if let Some(source) = first {
                let iter = vm.get_iter(source)?;
                let iter_slot = vm.root(iter)?;
                while let Some(item) = vm.iter_next(vm.slot(iter_slot))? {
                    vm.set_add(vm.slot(slot), item)?;
                }
            }
            Ok(vm.slot(slot))
        }
        ty::DICT => {
            let dict = vm.new_dict(0)?;
            let slot = vm.root(dict)?;
            for i in 0..args.n_kw {
                let (k, v) = vm.kwarg(&args, i);
                vm.dict_store(vm.slot(slot), k, v)?;
            }
            Ok(vm.slot(slot))
        }
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
            arity(vm, &args, 1, 2)?;
            let start = if args.n_pos == 2 {
                vm.arg(&args, 1)
            } else {
                Obj::small_int(0).unwrap_or(Obj::NONE)
            };
            let iter = vm.get_iter(vm.arg(&args, 0))?;
            vm.new_pair(ty::ENUMERATE, iter, start)
        }
        ty::ZIP | ty::MAP => {
            let skip = u32::from(t == ty::MAP);
            if args.n_pos < 1 + skip {
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
        ty::TYPE if args.n_pos == 1 => Ok(Obj::from_raw(vm.type_of(vm.arg(&args, 0)))),
        ty::OBJECT => vm.alloc_obj(ty::OBJECT, 4).map(Obj::from_raw),
        ty::STATICMETHOD | ty::CLASSMETHOD => {
            arity(vm, &args, 1, 1)?;
            vm.new_pair(t, vm.arg(&args, 0), Obj::NONE)
        }
        _ => {
            let name = vm
                .qstr_str(crate::objects::type_name(vm.arena(), t))
                .to_string();
            Err(vm.type_error(&format!("cannot create '{name}' instances")))
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
