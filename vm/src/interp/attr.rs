//! Attribute access: `mp_load_method_maybe`, `mp_store_attr` and their per-type parts
//! (instances, types, `super`, and the builtin objects that carry attributes).
//!
//! A lookup answers `(value, self)`: `self` is `NULL` for a plain value and the object to
//! bind for a method, so `LOAD_METHOD` needs no bound-method object. Instances follow
//! `py/objtype.c`: members first, then the class (where a `property` or an object with
//! `__get__` intercepts), then the native part, then `__getattr__`. Stores check the class
//! for a property or `__set__`/`__delete__`, then `__setattr__`/`__delattr__`, then write the
//! members. Unlike MicroPython, krait keeps no "has special accessors" flag on classes: it
//! always checks (through the class lookup cache), which gives the same results without its
//! "already-subclassed" restriction.
use super::{PyResult, Raise, Vm};
use crate::objects::class::descriptor::Accessor;
use crate::objects::class::Found;
use crate::objects::{is_builtin_type, qstrs, ty, type_locals_dict, type_name};
use crate::runtime::layout::{FunBcObj, ModuleContextObj};
use crate::runtime::obj::Obj;

/// Names an instance's `__getattr__` is never asked for (it would recurse, or shadow the
/// descriptor protocol).
const NOT_FOR_GETATTR: [u32; 7] = [
    qstrs::GETATTR,
    qstrs::GET,
    qstrs::SET,
    qstrs::DELETE,
    qstrs::SET_NAME,
    qstrs::SETATTR,
    qstrs::DELATTR,
];

impl Vm {
    /// `mp_load_method_maybe`: the attribute as (function, self) when it is a method, else
    /// (value, `NULL`); `None` if absent.
    pub fn find_method(&mut self, obj: Obj, q: u32) -> PyResult<Option<(Obj, Obj)>> {
        let t = self.type_of(obj);
        if q == qstrs::CLASS {
            return Ok(Some((Obj::from_raw(t), Obj::NULL)));
        }
        if t == ty::TYPE {
            return self.type_load(obj, q);
        }
        if t == ty::MODULE {
            return self.module_attr(obj, q).map(|v| v.map(|v| (v, Obj::NULL)));
        }
        if t == ty::ATTR_TUPLE {
            return Ok(self.attrtuple_attr(obj, q).map(|v| (v, Obj::NULL)));
        }
        if t == ty::TEXT_IO && q == qstrs::BUFFER {
            return Ok(Some((self.stream_buffer(obj), Obj::NULL)));
        }
        if self.is_user_type(t) {
            return self.instance_load(obj, q);
        }
        if t == ty::SUPER {
            return self.super_load(self.field(obj, 1), self.field(obj, 2), q);
        }
        if let Some(found) = self.builtin_object_attr(obj, q)? {
            return Ok(Some(found));
        }
        if let Some(value) = self.builtin_type_attr(obj, q)? {
            return Ok(Some((value, Obj::NULL)));
        }
        let found = self.class_lookup(t, q)?;
        Ok(found.map(|found| self.convert_member(obj, found)))
    }

    /// Whether type `t` is a class a builtin module defined (see `obj_type::FLAG_MODULE_CLASS`).
    fn is_module_class(&self, t: u32) -> bool {
        let flags = self
            .arena()
            .load_u16(t + crate::runtime::layout::obj_type::FLAGS);
        flags & crate::runtime::layout::obj_type::FLAG_MODULE_CLASS != 0
    }

    /// `mp_convert_member_lookup`: what a class attribute becomes when read through `self_obj`
    /// (an instance, or `NULL` when read from the class): functions bind it, builtin
    /// functions bind it only as methods of builtin types, static methods unwrap, class
    /// methods bind the class.
    fn convert_member(&self, self_obj: Obj, found: Found) -> (Obj, Obj) {
        let value = found.value;
        if !value.is_ptr() || value.raw() < 16 {
            return (value, Obj::NULL);
        }
        match self.type_of(value) {
            ty::FUNCTION | ty::FUN_NATIVE | ty::CLOSURE => (value, self_obj),
            ty::BUILTIN_FUNCTION if crate::builtins::is_classmethod(value) => {
                let class = if self_obj == Obj::NULL || self.is_type(self_obj) {
                    found.owner
                } else {
                    self.type_of(self_obj)
                };
                (value, Obj::from_raw(class))
            }
            // Builtin functions are methods of native types only (on a user class they act
            // as static methods), and of the classes builtin modules define.
            ty::BUILTIN_FUNCTION
                if is_builtin_type(found.owner) || self.is_module_class(found.owner) =>
            {
                (value, self_obj)
            }
            ty::STATICMETHOD => (self.field(value, 1), Obj::NULL),
            ty::CLASSMETHOD => {
                let class = if self_obj == Obj::NULL {
                    found.owner
                } else if self.is_type(self_obj) {
                    self_obj.raw()
                } else {
                    self.type_of(self_obj)
                };
                (self.field(value, 1), Obj::from_raw(class))
            }
            _ => (value, Obj::NULL),
        }
    }

    /// Attributes of builtin objects that are not methods: a function's `__name__`, an
    /// exception's `args` (and `value`/`errno`, both its first argument).
    fn builtin_object_attr(&mut self, obj: Obj, q: u32) -> PyResult<Option<(Obj, Obj)>> {
        if !obj.is_ptr() || obj.raw() < 16 {
            return Ok(None);
        }
        match self.type_of(obj) {
            ty::FUNCTION | ty::FUN_NATIVE if q == qstrs::NAME => {
                return Ok(Obj::qstr(self.fun_name(obj)).map(|name| (name, Obj::NULL)))
            }
            ty::FUNCTION | ty::FUN_NATIVE if q == qstrs::GLOBALS => {
                let context = FunBcObj(obj.raw()).context(self.arena());
                let globals = ModuleContextObj(context).globals(self.arena());
                return Ok(Some((Obj::from_raw(globals), Obj::NULL)));
            }
            ty::CLOSURE | ty::BOUND_METHOD => {
                return self.builtin_object_attr(self.field(obj, 1), q);
            }
            ty::RANGE_ITER
            | ty::SEQ_ITER
            | ty::DICT_VIEW_ITER
            | ty::SET_ITER
            | ty::GENERATOR
            | ty::GETITEM_ITER
            | ty::ENUMERATE
            | ty::ZIP
            | ty::MAP
            | ty::FILTER
                if q == qstrs::NEXT =>
            {
                return Ok(Some((crate::builtins::next_fun(), obj)));
            }
            _ => {}
        }
        if self.native_exception(obj).is_some() {
            if q == qstrs::ARGS {
                return Ok(Some((self.exception_args(obj), Obj::NULL)));
            }
            if q == qstrs::VALUE || q == qstrs::ERRNO {
                return Ok(Some((self.exception_value(obj), Obj::NULL)));
            }
        }
        Ok(None)
    }

    /// An attribute of a type object (`type_attr`): `__name__`, `__dict__`, `__bases__`, then
    /// the class and its bases, with class methods bound to this class.
    fn type_load(&mut self, t: Obj, q: u32) -> PyResult<Option<(Obj, Obj)>> {
        match q {
            qstrs::NAME => return Ok(Some((self.type_name_obj(t.raw()), Obj::NULL))),
            qstrs::DICT => return Ok(Some((self.class_dict_copy(t.raw())?, Obj::NULL))),
            qstrs::BASES => return Ok(Some((self.bases_tuple(t.raw())?, Obj::NULL))),
            _ => {}
        }
        let found = if t.raw() == ty::OBJECT {
            // `object` is skipped inside every other lookup, but answers for itself.
            crate::builtins::type_attr(ty::OBJECT, q).map(|value| Found {
                value,
                owner: ty::OBJECT,
            })
        } else {
            self.class_lookup(t.raw(), q)?
        };
        Ok(found.map(|found| {
            let (value, bound) = self.convert_member(Obj::NULL, found);
            let is_classmethod = bound != Obj::NULL;
            (value, if is_classmethod { t } else { Obj::NULL })
        }))
    }

    fn type_name_obj(&self, t: u32) -> Obj {
        Obj::qstr(type_name(self.arena(), t)).unwrap_or(Obj::NONE)
    }

    /// `cls.__dict__`: a copy of the class's dict (a builtin type's methods for builtins).
    fn class_dict_copy(&mut self, t: u32) -> PyResult<Obj> {
        let dict = self.new_dict(0)?;
        let slot = self.root(dict)?;
        let locals = type_locals_dict(self.arena(), t);
        let entries = if locals >= 16 {
            self.dict_entries(Obj::from_raw(locals))
        } else {
            crate::builtins::type_methods(t)
        };
        for (key, value) in entries {
            self.dict_store(self.slot(slot), key, value)?;
        }
        Ok(self.slot(slot))
    }

    /// `cls.__bases__`.
    fn bases_tuple(&mut self, t: u32) -> PyResult<Obj> {
        let parent = crate::objects::type_parent(self.arena(), t);
        if t == ty::OBJECT {
            return self.new_tuple(&[]);
        }
        if parent >= 16 && self.type_of(Obj::from_raw(parent)) == ty::TUPLE {
            return Ok(Obj::from_raw(parent));
        }
        let parent = if parent < 16 { ty::OBJECT } else { parent };
        self.new_tuple(&[Obj::from_raw(parent)])
    }

    /// An attribute of a user instance (`mp_obj_instance_load_attr`).
    fn instance_load(&mut self, obj: Obj, q: u32) -> PyResult<Option<(Obj, Obj)>> {
        let mark = self.stack_mark();
        let slot = self.root(obj)?;
        let result = self.instance_load_rooted(slot, q);
        self.stack_release(mark);
        result
    }

    fn instance_load_rooted(&mut self, slot: super::Slot, q: u32) -> PyResult<Option<(Obj, Obj)>> {
        let obj = self.slot(slot);
        if let Some(value) = self.dict_get_qstr(obj, q)? {
            return Ok(Some((value, Obj::NULL)));
        }
        if q == qstrs::DICT {
            let dict = self.new_dict(0)?;
            let dict_slot = self.root(dict)?;
            for (key, value) in self.dict_entries(self.slot(slot)) {
                self.dict_store(self.slot(dict_slot), key, value)?;
            }
            return Ok(Some((self.slot(dict_slot), Obj::NULL)));
        }
        let t = self.type_of(obj);
        if let Some(found) = self.class_lookup(t, q)? {
            let self_obj = self.member_self(obj, found.owner)?;
            let (value, bound) = self.convert_member(self_obj, found);
            if self.type_of(value) == ty::PROPERTY {
                let getter = self.property_accessor(value, Accessor::Get);
                if getter == Obj::NONE {
                    return Err(self.raise_msg(ty::ATTRIBUTE_ERROR, "unreadable attribute"));
                }
                let result = self.call_objs(getter, &[self.slot(slot)])?;
                return Ok(Some((result, Obj::NULL)));
            }
            if self.is_instance_of_user_type(value) {
                let value_slot = self.root(value)?;
                if let Some((get, get_self)) = self.find_method(value, qstrs::GET)? {
                    let obj = self.slot(slot);
                    let owner = Obj::from_raw(self.type_of(obj));
                    let result = self.call_method(get, get_self, &[obj, owner])?;
                    return Ok(Some((result, Obj::NULL)));
                }
                return Ok(Some((self.slot(value_slot), Obj::NULL)));
            }
            return Ok(Some((value, bound)));
        }
        if let Some(native) = self.native_part(obj) {
            if let Some(found) = self.find_method(native, q)? {
                return Ok(Some(found));
            }
        }
        if NOT_FOR_GETATTR.contains(&q) {
            return Ok(None);
        }
        let obj = self.slot(slot);
        match self.find_method(obj, qstrs::GETATTR)? {
            Some((getattr, getattr_self)) => {
                let name = Obj::qstr(q).unwrap_or(Obj::NONE);
                let result = self.call_method(getattr, getattr_self, &[name])?;
                Ok(Some((result, Obj::NULL)))
            }
            None => Ok(None),
        }
    }

    /// The object a method found in `owner` binds for instance `obj`: the native part when
    /// `owner` is its builtin base.
    fn member_self(&mut self, obj: Obj, owner: u32) -> PyResult<Obj> {
        if !is_builtin_type(owner) || owner == ty::OBJECT {
            return Ok(obj);
        }
        match self.native_part(obj) {
            Some(native) => Ok(native),
            None => Err(self.raise_msg(ty::ATTRIBUTE_ERROR, "call super().__init__() first")),
        }
    }

    /// `super(class, obj).name` (`super_attr`): the bases of `class` in lookup order, where
    /// `__init__` reaching a builtin base builds the native part, then `object`.
    fn super_load(&mut self, class: Obj, obj: Obj, q: u32) -> PyResult<Option<(Obj, Obj)>> {
        for base in self.type_bases(class.raw()) {
            if base == ty::OBJECT {
                continue;
            }
            if let Some(found) = self.class_lookup(base, q)? {
                let self_obj = if self.is_type(obj) {
                    obj
                } else {
                    self.member_self(obj, found.owner)?
                };
                return Ok(Some(self.convert_member(self_obj, found)));
            }
        }
        if q == qstrs::INIT && self.native_base(class.raw()).is_some() {
            return Ok(Some((crate::builtins::native_base_init_fun(), obj)));
        }
        Ok(crate::builtins::type_attr(ty::OBJECT, q).map(|value| {
            self.convert_member(
                obj,
                Found {
                    value,
                    owner: ty::OBJECT,
                },
            )
        }))
    }

    pub(crate) fn no_attribute(&mut self, obj: Obj, q: u32) -> Raise {
        let name = self.qstr_str(q).to_string();
        if self.is_type(obj) {
            let tname = self.qstr_str(type_name(self.arena(), obj.raw()));
            let msg = format!("type object '{tname}' has no attribute '{name}'");
            return self.raise_msg(ty::ATTRIBUTE_ERROR, &msg);
        }
        if self.type_of(obj) == ty::MODULE {
            // Loads name the module, as CPython does (stores do not).
            let module = self.module_name(obj);
            let msg = format!("module '{module}' has no attribute '{name}'");
            return self.raise_msg(ty::ATTRIBUTE_ERROR, &msg);
        }
        self.cannot_store(obj, q)
    }

    /// The error for a store or delete nothing accepted (`mp_store_attr`).
    fn cannot_store(&mut self, obj: Obj, q: u32) -> Raise {
        let name = self.qstr_str(q).to_string();
        let tname = self.type_name_of(obj);
        let msg = format!("'{tname}' object has no attribute '{name}'");
        self.raise_msg(ty::ATTRIBUTE_ERROR, &msg)
    }

    /// `LOAD_METHOD` (`mp_load_method`).
    pub fn load_method(&mut self, obj: Obj, q: u32) -> PyResult<(Obj, Obj)> {
        let slot = self.root(obj)?;
        match self.find_method(obj, q)? {
            Some(found) => Ok(found),
            None => {
                let obj = self.slot(slot);
                Err(self.no_attribute(obj, q))
            }
        }
    }

    /// `LOAD_ATTR` (`mp_load_attr`): methods come back bound.
    pub fn load_attr(&mut self, obj: Obj, q: u32) -> PyResult<Obj> {
        let (value, self_obj) = self.load_method(obj, q)?;
        if self_obj == Obj::NULL {
            Ok(value)
        } else {
            self.new_bound_method(value, self_obj)
        }
    }

    /// `LOAD_SUPER_METHOD`: `name` looked up as `super(class, self_obj).name`.
    pub fn load_super_method(&mut self, class: Obj, self_obj: Obj, q: u32) -> PyResult<(Obj, Obj)> {
        match self.super_load(class, self_obj, q)? {
            Some(found) => Ok(found),
            None => Err(self.no_attribute(self_obj, q)),
        }
    }

    /// `STORE_ATTR`.
    pub fn store_attr(&mut self, obj: Obj, q: u32, value: Obj) -> PyResult<()> {
        if self.set_attr(obj, q, value)? {
            Ok(())
        } else {
            Err(self.cannot_store(obj, q))
        }
    }

    /// `del obj.attr`.
    pub fn delete_attr(&mut self, obj: Obj, q: u32) -> PyResult<()> {
        if self.set_attr(obj, q, Obj::NULL)? {
            Ok(())
        } else {
            Err(self.cannot_store(obj, q))
        }
    }

    /// Stores (or, for a `NULL` value, deletes) an attribute; false if `obj` has nowhere
    /// to put it.
    fn set_attr(&mut self, obj: Obj, q: u32, value: Obj) -> PyResult<bool> {
        let t = self.type_of(obj);
        if t == ty::MODULE {
            return self.module_store_attr(obj, q, value);
        }
        if t == ty::TYPE && self.is_user_type(obj.raw()) {
            let locals = Obj::from_raw(type_locals_dict(self.arena(), obj.raw()));
            let key = Obj::qstr(q).unwrap_or(Obj::NONE);
            self.class_dicts_changed();
            if value == Obj::NULL {
                return Ok(self.dict_remove(locals, key)?.is_some());
            }
            self.dict_store(locals, key, value)?;
            return Ok(true);
        }
        if !self.is_user_type(t) {
            return Ok(false);
        }
        let mark = self.stack_mark();
        let first = self.root_all(&[obj, value])?;
        let result = self.instance_store(first, q);
        self.stack_release(mark);
        result
    }

    /// `mp_obj_instance_store_attr` with the instance and value rooted at `first`.
    fn instance_store(&mut self, first: u32, q: u32) -> PyResult<bool> {
        let read = |vm: &Vm, i: u32| Obj::from_raw(vm.arena().load_u32(first + 4 * i));
        let (obj, value) = (read(self, 0), read(self, 1));
        let deleting = value == Obj::NULL;
        let t = self.type_of(obj);
        if let Some(found) = self.class_lookup(t, q)? {
            let member = found.value;
            if self.type_of(member) == ty::PROPERTY {
                let which = if deleting {
                    Accessor::Delete
                } else {
                    Accessor::Set
                };
                let accessor = self.property_accessor(member, which);
                if accessor == Obj::NONE {
                    return Ok(false);
                }
                let args: &[Obj] = if deleting { &[obj] } else { &[obj, value] };
                self.call_objs(accessor, args)?;
                return Ok(true);
            }
            if self.is_instance_of_user_type(member) {
                let name = if deleting { qstrs::DELETE } else { qstrs::SET };
                if let Some((meth, meth_self)) = self.find_method(member, name)? {
                    let (obj, value) = (read(self, 0), read(self, 1));
                    let args: &[Obj] = if deleting { &[obj] } else { &[obj, value] };
                    self.call_method(meth, meth_self, args)?;
                    return Ok(true);
                }
            }
        }
        let hook = if deleting {
            qstrs::DELATTR
        } else {
            qstrs::SETATTR
        };
        // As `py/objtype.c` does, the hook is looked for in the class only.
        if let Some(found) = self.class_lookup(t, hook)? {
            let (meth, meth_self) = self.convert_member(read(self, 0), found);
            let name = Obj::qstr(q).unwrap_or(Obj::NONE);
            let value = read(self, 1);
            let args: &[Obj] = if deleting { &[name] } else { &[name, value] };
            self.call_method(meth, meth_self, args)?;
            return Ok(true);
        }
        self.set_member(read(self, 0), q, read(self, 1))
    }

    /// Writes (or, for `NULL`, removes) an instance member directly, bypassing every hook
    /// (`object.__setattr__`); false when removing a member that is not there.
    pub fn set_member(&mut self, obj: Obj, q: u32, value: Obj) -> PyResult<bool> {
        let key = Obj::qstr(q).unwrap_or(Obj::NONE);
        if value == Obj::NULL {
            return Ok(self.dict_remove(obj, key)?.is_some());
        }
        self.dict_store(obj, key, value)?;
        Ok(true)
    }

    /// Calls special method `name` of a user instance if its class defines it (in the class
    /// or a user base; a builtin base's operations are reached through the native part).
    pub fn call_special(&mut self, obj: Obj, name: u32, items: &[Obj]) -> PyResult<Option<Obj>> {
        let t = self.type_of(obj);
        if !self.is_user_type(t) {
            return Ok(None);
        }
        let slot = self.root(obj)?;
        let Some(found) = self.class_lookup(t, name)? else {
            return Ok(None);
        };
        if is_builtin_type(found.owner) {
            return Ok(None);
        }
        let (meth, self_obj) = self.convert_member(self.slot(slot), found);
        self.call_method(meth, self_obj, items).map(Some)
    }
}
