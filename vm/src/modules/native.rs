//! Classes of builtin modules whose instances carry Rust-managed state (`deque`, `StringIO`,
//! hash objects, ...).
//!
//! Such a class is an ordinary class object made when its module is built, whose methods are
//! the module's builtin functions named `"Class.method"` (builtin functions bind `self` like
//! Python ones). Its instances are ordinary instances, so subclassing, `isinstance` and the
//! special methods (`__len__`, `__iter__`, `__enter__`, ...) work through the VM's class
//! machinery. The state lives in the instance's `subobj` word (unused by instances of classes
//! with no builtin base) as a tuple `(kind, field, ...)`: `kind` is the class name as a qstr,
//! so a method checks it was given the right kind of object, and the fields are objects the
//! methods replace in place (the tuple is never visible to Python).
use super::ModuleBuilder;
use crate::interp::{PyResult, Vm};
use crate::runtime::layout::{obj_type, TupleObj};
use crate::runtime::obj::Obj;

/// Stores method `method` of class `class` (made on first use) into the module being built.
pub fn add_method(
    vm: &mut Vm,
    module: &ModuleBuilder,
    class: &str,
    method: &str,
    fun: Obj,
) -> PyResult<()> {
    let class_q = vm.intern(class)?;
    let globals = vm.slot(module.globals);
    let key = class_key(vm, globals, class)?;
    let key_q = vm.intern(&key)?;
    let class_obj = match vm.dict_get_qstr(globals, key_q)? {
        Some(class_obj) => class_obj,
        None => {
            let locals = vm.new_dict(0)?;
            let locals_slot = vm.root(locals)?;
            let bases = vm.new_tuple(&[])?;
            let class_obj = vm.new_class(class_q, bases, vm.slot(locals_slot))?;
            let flags_at = class_obj.raw() + obj_type::FLAGS;
            let flags = vm.arena().load_u16(flags_at);
            vm.arena_mut()
                .store_u16(flags_at, flags | obj_type::FLAG_MODULE_CLASS);
            module.set(vm, &key, class_obj)?;
            class_obj
        }
    };
    let locals = crate::objects::type_locals_dict(vm.arena(), class_obj.raw());
    let method_q = vm.intern(method)?;
    vm.class_dicts_changed();
    vm.dict_store_qstr(Obj::from_raw(locals), method_q, fun)
}

/// The module attribute holding class `class`: its name, or `.name` when a function of the
/// module has that name (the `re` module's `match` function and `match` class).
fn class_key(vm: &mut Vm, globals: Obj, class: &str) -> PyResult<String> {
    let q = vm.intern(class)?;
    Ok(match vm.dict_get_qstr(globals, q)? {
        Some(found) if !vm.is_type(found) => format!(".{class}"),
        _ => class.to_string(),
    })
}

/// Class `class` of builtin module `module`.
pub fn class(vm: &mut Vm, module: &str, class: &str) -> PyResult<Obj> {
    let module = vm.builtin_module(module, true)?.unwrap_or(Obj::NONE);
    let globals = vm.module_globals(module);
    let key = class_key(vm, globals, class)?;
    let key = vm.intern(&key)?;
    match vm.dict_get_qstr(globals, key)? {
        Some(class_obj) if vm.is_type(class_obj) => Ok(class_obj),
        _ => Err(vm.type_error("no such class")),
    }
}

/// Gives `instance` its state: `kind` and the initial `fields`.
pub fn attach(vm: &mut Vm, instance: Obj, kind: &str, fields: &[Obj]) -> PyResult<()> {
    if !vm.is_instance_of_user_type(instance) {
        return Err(wrong_kind(vm, kind));
    }
    let mark = vm.stack_mark();
    let instance_slot = vm.root(instance)?;
    let first = vm.root_all(fields)?;
    let kind_q = vm.intern(kind)?;
    let mut items = vec![Obj::qstr(kind_q).unwrap_or(Obj::NONE)];
    items.extend(
        (0..fields.len() as u32).map(|i| Obj::from_raw(vm.arena().load_u32(first + 4 * i))),
    );
    let state = vm.new_tuple(&items)?;
    vm.set_native_part(vm.slot(instance_slot), state);
    vm.stack_release(mark);
    Ok(())
}

/// The state of `obj`, which must be an instance of a `kind` class whose `__init__` ran.
pub fn state(vm: &mut Vm, obj: Obj, kind: &str) -> PyResult<State> {
    if vm.is_instance_of_user_type(obj) {
        let state = vm.instance_subobj(obj);
        let kind_q = vm.intern(kind)?;
        if state.is_ptr() && state.raw() >= 16 && vm.type_of(state) == crate::objects::ty::TUPLE {
            let tuple = TupleObj(state.raw());
            if tuple.get(vm.arena(), 0) == Obj::qstr(kind_q) {
                return Ok(State(tuple));
            }
        }
    }
    Err(wrong_kind(vm, kind))
}

fn wrong_kind(vm: &mut Vm, kind: &str) -> crate::interp::Raise {
    vm.type_error(&format!("argument has wrong type, expected '{kind}'"))
}

/// An instance's state: its fields, numbered from 0.
#[derive(Clone, Copy)]
pub struct State(TupleObj);

impl State {
    pub fn get(self, vm: &Vm, field: u32) -> Obj {
        self.0.get(vm.arena(), field + 1).unwrap_or(Obj::NONE)
    }

    pub fn set(self, vm: &mut Vm, field: u32, value: Obj) {
        self.0.set(vm.arena_mut(), field + 1, value);
    }
}
