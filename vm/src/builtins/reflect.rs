//! Builtins about classes and attributes: `__build_class__`, `type`, `super`, `property`,
//! `staticmethod`/`classmethod`, the exception constructors, `isinstance`/`issubclass`,
//! `callable`, `getattr`/`setattr`/`delattr`/`hasattr`, and the methods of `object` and
//! `property`.
use super::functions::arity;
use crate::interp::call::{Args, CallTarget};
use crate::interp::{PyResult, Raise, Vm};
use crate::objects::class::descriptor::Accessor;
use crate::objects::{is_builtin_exception_type, qstrs, ty};
use crate::runtime::obj::Obj;

/// Constructors of the class-related builtin types; `None` for other types.
pub fn construct(vm: &mut Vm, t: u32, args: Args) -> PyResult<Option<Obj>> {
    if is_builtin_exception_type(t) {
        no_keywords(vm, &args)?;
        let tuple = vm.new_tuple_from_arena(args.base, args.n_pos)?;
        return vm.new_exception(t, tuple).map(Some);
    }
    let made = match t {
        ty::TYPE => {
            no_keywords(vm, &args)?;
            arity(vm, &args, 1, 3)?;
            match args.n_pos {
                1 => Obj::from_raw(vm.type_of(vm.arg(&args, 0))),
                3 => {
                    let name = attr_name(vm, vm.arg(&args, 0))?;
                    vm.new_class(name, vm.arg(&args, 1), vm.arg(&args, 2))?
                }
                _ => return Err(vm.type_error("type takes 1 or 3 arguments")),
            }
        }
        ty::OBJECT => {
            arity(vm, &args, 0, 0)?;
            Obj::from_raw(vm.alloc_obj(ty::OBJECT, 4)?)
        }
        ty::STATICMETHOD | ty::CLASSMETHOD => {
            arity(vm, &args, 1, 1)?;
            vm.new_pair(t, vm.arg(&args, 0), Obj::NONE)?
        }
        ty::PROPERTY => {
            if args.n_pos > 4 {
                return Err(vm.type_error("extra positional arguments given"));
            }
            let accessor = |vm: &Vm, i: u32| {
                if i < args.n_pos {
                    vm.arg(&args, i)
                } else {
                    Obj::NONE
                }
            };
            let (get, set, delete) = (accessor(vm, 0), accessor(vm, 1), accessor(vm, 2));
            vm.new_property(get, set, delete)?
        }
        ty::SUPER => {
            arity(vm, &args, 2, 2)?;
            let (class, obj) = (vm.arg(&args, 0), vm.arg(&args, 1));
            let obj_type = if vm.is_type(obj) {
                obj.raw()
            } else {
                vm.type_of(obj)
            };
            class_matches(vm, obj_type, class).and_then(|matched| {
                if matched == Obj::TRUE {
                    Ok(())
                } else {
                    Err(vm.raise_type(ty::TYPE_ERROR))
                }
            })?;
            vm.new_pair(ty::SUPER, class, obj)?
        }
        _ => return Ok(None),
    };
    Ok(Some(made))
}

fn no_keywords(vm: &mut Vm, args: &Args) -> PyResult<()> {
    if args.n_kw > 0 {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    Ok(())
}

/// `__build_class__(body, name, *bases)`: runs the body with a fresh locals dict, makes the
/// class with `type(name, bases, dict)`, and fills the `__class__` cell the body returns.
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
    // A native body runs inside `prepare_call` and reaches its locals through the VM.
    let locals = vm.slot(locals_slot);
    let outer = std::mem::replace(&mut vm.class_body_locals, locals);
    let called = vm.prepare_call(body, no_args);
    vm.class_body_locals = outer;
    let cell = match called? {
        CallTarget::Frame(frame) => {
            vm.set_frame_locals(&frame, vm.slot(locals_slot));
            vm.run_frame(frame)?
        }
        CallTarget::Done(value) => value,
    };
    let cell_slot = vm.root(cell)?;
    let bases = vm.new_tuple_from_arena(args.base + 8, args.n_pos - 2)?;
    // The class is made by the type of the first base (`type` for classes), called with
    // (name, bases, dict): anything else as a base fails as calling its type fails.
    let meta = match args.n_pos {
        2 => ty::TYPE,
        _ => vm.type_of(vm.arg(&args, 2)),
    };
    let name_obj = Obj::qstr(name).unwrap_or(Obj::NONE);
    let class = if meta == ty::TYPE {
        vm.new_class(name, bases, vm.slot(locals_slot))?
    } else {
        vm.call_objs(
            Obj::from_raw(meta),
            &[name_obj, bases, vm.slot(locals_slot)],
        )?
    };
    let cell = vm.slot(cell_slot);
    if cell != Obj::NONE && vm.type_of(cell) == ty::CELL {
        vm.cell_set(cell, class);
    }
    vm.stack_release(mark);
    Ok(class)
}

pub fn isinstance(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let t = vm.type_of(vm.arg(&args, 0));
    class_matches(vm, t, vm.arg(&args, 1))
}

pub fn issubclass(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let t = vm.arg(&args, 0);
    if !vm.is_type(t) {
        return Err(vm.type_error("issubclass() arg 1 must be a class"));
    }
    class_matches(vm, t.raw(), vm.arg(&args, 1))
}

/// Whether type `t` derives from `classinfo`, a class or a tuple of classes.
fn class_matches(vm: &mut Vm, t: u32, classinfo: Obj) -> PyResult<Obj> {
    let candidates = if vm.is_type(classinfo) {
        vec![classinfo]
    } else if vm.type_of(classinfo) == ty::TUPLE {
        vm.seq_items(classinfo)
    } else {
        return Err(vm.type_error("issubclass() arg 2 must be a class or a tuple of classes"));
    };
    Ok(Obj::bool(
        candidates.iter().any(|c| vm.is_subclass(t, c.raw())),
    ))
}

pub fn callable(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let obj = vm.arg(&args, 0);
    let t = vm.type_of(obj);
    let yes = match t {
        ty::FUNCTION
        | ty::FUN_NATIVE
        | ty::CLOSURE
        | ty::BOUND_METHOD
        | ty::BUILTIN_FUNCTION
        | ty::TYPE => true,
        _ if vm.is_user_type(t) => vm.class_lookup(t, qstrs::CALL)?.is_some(),
        _ => false,
    };
    Ok(Obj::bool(yes))
}

/// Whether the exception in flight is an `AttributeError`.
fn raised_attribute_error(vm: &Vm) -> bool {
    let exc = vm.pending_exception();
    vm.is_subclass(vm.type_of(exc), ty::ATTRIBUTE_ERROR)
}

pub fn getattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let q = attr_name(vm, vm.arg(&args, 1))?;
    match vm.load_attr(vm.arg(&args, 0), q) {
        Err(_) if args.n_pos == 3 && raised_attribute_error(vm) => Ok(vm.arg(&args, 2)),
        result => result,
    }
}

pub fn hasattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let q = attr_name(vm, vm.arg(&args, 1))?;
    match vm.load_attr(vm.arg(&args, 0), q) {
        Ok(_) => Ok(Obj::TRUE),
        Err(_) if raised_attribute_error(vm) => Ok(Obj::FALSE),
        Err(raise) => Err(raise),
    }
}

pub fn setattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 3)?;
    let q = attr_name(vm, vm.arg(&args, 1))?;
    vm.store_attr(vm.arg(&args, 0), q, vm.arg(&args, 2))?;
    Ok(Obj::NONE)
}

pub fn delattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let q = attr_name(vm, vm.arg(&args, 1))?;
    vm.delete_attr(vm.arg(&args, 0), q)?;
    Ok(Obj::NONE)
}

/// An attribute name argument: a `str`, interned (`mp_obj_str_get_qstr`).
fn attr_name(vm: &mut Vm, name: Obj) -> PyResult<u32> {
    if !vm.is_str(name) {
        let tname = vm.type_name_of(name);
        let msg = format!("can't convert '{tname}' object to str implicitly");
        return Err(vm.type_error(&msg));
    }
    vm.str_to_qstr(name)
}

/// `dir()`: the current locals' names; `dir(obj)`: every name `obj` has an attribute for,
/// found by probing each qstr in pool order as MicroPython does (a `__dir__` method answers
/// instead).
pub fn dir(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    let names = vm.new_list(&[])?;
    let slot = vm.root(names)?;
    if args.n_pos == 0 {
        let locals = vm.scope()?.1;
        if locals != Obj::NULL {
            for (key, _) in vm.dict_entries(locals) {
                vm.list_append(vm.slot(slot), key)?;
            }
        }
        return Ok(vm.slot(slot));
    }
    let obj = vm.arg(&args, 0);
    let dir_hook = qstrs::q("__dir__");
    for q in 1..vm.qstrs.len() {
        let mark = vm.stack_mark();
        let found = match vm.find_method(obj, q) {
            Ok(found) => found,
            Err(_) if raised_attribute_error(vm) => None,
            Err(raise) => return Err(raise),
        };
        vm.stack_release(mark);
        let Some((value, self_obj)) = found else {
            continue;
        };
        if q == dir_hook && self_obj != Obj::NULL {
            return vm.call_method(value, self_obj, &[]);
        }
        let name = Obj::qstr(q).unwrap_or(Obj::NONE);
        vm.list_append(vm.slot(slot), name)?;
    }
    Ok(vm.slot(slot))
}

/// `object.__init__(self)`.
pub fn object_init(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    Ok(Obj::NONE)
}

/// The user instance argument of `object`'s methods.
fn user_instance(vm: &mut Vm, obj: Obj) -> PyResult<Obj> {
    if vm.is_instance_of_user_type(obj) {
        Ok(obj)
    } else {
        Err(vm.type_error("arg must be user-type"))
    }
}

/// `object.__new__(cls)`: a blank instance of user class `cls`.
pub fn object_new(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let cls = vm.arg(&args, 0);
    if !vm.is_type(cls) || !vm.is_user_type(cls.raw()) {
        return Err(vm.type_error("arg must be user-type"));
    }
    vm.new_instance(cls.raw())
}

/// `object.__setattr__(self, name, value)`: writes the member, bypassing every hook.
pub fn object_setattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 3)?;
    let obj = user_instance(vm, vm.arg(&args, 0))?;
    let q = member_name(vm, vm.arg(&args, 1))?;
    vm.set_member(obj, q, vm.arg(&args, 2))?;
    Ok(Obj::NONE)
}

/// `object.__delattr__(self, name)`.
pub fn object_delattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let obj = user_instance(vm, vm.arg(&args, 0))?;
    let q = member_name(vm, vm.arg(&args, 1))?;
    if !vm.set_member(obj, q, Obj::NULL)? {
        return Err(vm.raise_msg(ty::ATTRIBUTE_ERROR, "no such attribute"));
    }
    Ok(Obj::NONE)
}

fn member_name(vm: &mut Vm, name: Obj) -> PyResult<u32> {
    if !vm.is_str(name) {
        return Err(vm.raise_type(ty::TYPE_ERROR));
    }
    vm.str_to_qstr(name)
}

/// What `super().__init__(...)` finds for a class with a builtin base: builds the
/// instance's native part from the arguments (`native_base_init_wrapper`).
pub fn native_base_init(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos == 0 || !vm.is_instance_of_user_type(vm.arg(&args, 0)) {
        return Err(vm.raise_type(ty::TYPE_ERROR));
    }
    let obj = vm.arg(&args, 0);
    let rest = Args {
        base: args.base + 4,
        n_pos: args.n_pos - 1,
        n_kw: args.n_kw,
    };
    vm.make_native_part(obj, rest)?;
    Ok(Obj::NONE)
}

/// `dict.__getitem__` and friends: the operators as methods, so `super().__getitem__(k)`
/// reaches the builtin base (`mp_op_getitem_obj`).
pub fn op_getitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    vm.subscr(vm.arg(&args, 0), vm.arg(&args, 1))
}

pub fn op_setitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 3)?;
    vm.store_subscr(vm.arg(&args, 0), vm.arg(&args, 1), vm.arg(&args, 2))?;
    Ok(Obj::NONE)
}

pub fn op_delitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    vm.delete_subscr(vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

pub fn op_contains(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    vm.contains(vm.arg(&args, 0), vm.arg(&args, 1))
        .map(Obj::bool)
}

fn property_with(vm: &mut Vm, args: Args, which: Accessor) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    vm.property_with(vm.arg(&args, 0), which, vm.arg(&args, 1))
}

pub fn property_getter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    property_with(vm, args, Accessor::Get)
}

pub fn property_setter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    property_with(vm, args, Accessor::Set)
}

pub fn property_deleter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    property_with(vm, args, Accessor::Delete)
}

/// The error for a builtin method called on the wrong kind of object.
pub fn wrong_self(vm: &mut Vm, owner: u32, self_obj: Obj) -> Raise {
    let name = vm
        .qstr_str(crate::objects::type_name(vm.arena(), owner))
        .to_string();
    let given = vm.type_name_of(self_obj);
    vm.type_error(&format!("argument should be a '{name}' not a '{given}'"))
}
