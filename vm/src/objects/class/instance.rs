//! Instances of user classes (`mp_obj_instance_t`): a base, an inline members map, and one
//! `subobj` word holding the native part when the class derives from a builtin type
//! (`class L(list)`, `class E(Exception)`): a real `list` or exception object that the
//! builtin type's methods and operators work on.
//!
//! Until the native part is made, `subobj` holds the `native_base_init` builtin, as
//! MicroPython marks it with `mp_native_base_init_wrapper_obj`: `super().__init__(...)` in the
//! class's `__init__` builds it from its arguments, else construction builds it from the
//! constructor's arguments once `__init__` returns.
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::{qstrs, ty};
use crate::runtime::map::MapRef;
use crate::runtime::obj::Obj;

const MEMBERS: u32 = 4;
const SUBOBJ: u32 = 16;
const INSTANCE_SIZE: u32 = 20;

impl Vm {
    /// A fresh instance of user class `t`: empty members, and the native part marked
    /// unmade when the class has a builtin base (`mp_obj_new_instance`).
    pub fn new_instance(&mut self, t: u32) -> PyResult<Obj> {
        let obj = self.alloc_obj(t, INSTANCE_SIZE)?;
        let slot = self.root(Obj::from_raw(obj))?;
        if let Err(oom) = MapRef(obj + MEMBERS).init(&mut self.heap, 0) {
            return Err(self.raise_memory_error(oom));
        }
        if self.native_base(t).is_some() {
            let marker = crate::builtins::native_base_init_fun();
            self.arena_mut().store_u32(obj + SUBOBJ, marker.raw());
        }
        Ok(self.slot(slot))
    }

    /// The members map, which has a dict's layout after the base word, so dict operations
    /// work on the instance directly.
    pub fn instance_members(obj: Obj) -> MapRef {
        MapRef(obj.raw() + MEMBERS)
    }

    /// The native part of a user instance, if it has been made.
    pub fn native_part(&self, obj: Obj) -> Option<Obj> {
        if !self.is_instance_of_user_type(obj) {
            return None;
        }
        let sub = self.instance_subobj(obj);
        // Small ints and qstrs are native parts too (`class M(int)`), so only NULL (no
        // builtin base) and the marker mean "none". A class with no builtin base may keep
        // other state there (the classes of builtin modules do): that is no native part.
        let made = sub != Obj::NULL && sub != crate::builtins::native_base_init_fun();
        (made && self.native_base(self.type_of(obj)).is_some()).then_some(sub)
    }

    /// The instance's `subobj` word, whatever it holds.
    pub(crate) fn instance_subobj(&self, obj: Obj) -> Obj {
        Obj::from_raw(self.arena().load_u32(obj.raw() + SUBOBJ))
    }

    /// Whether `obj`'s class has a builtin base whose native part is still unmade.
    pub fn native_part_pending(&self, obj: Obj) -> bool {
        self.is_instance_of_user_type(obj)
            && self.arena().load_u32(obj.raw() + SUBOBJ)
                == crate::builtins::native_base_init_fun().raw()
    }

    pub fn set_native_part(&mut self, obj: Obj, native: Obj) {
        self.arena_mut().store_u32(obj.raw() + SUBOBJ, native.raw());
    }

    /// Builds the native part of `obj` from the constructor arguments `args` (what the
    /// builtin base's constructor makes of them).
    pub fn make_native_part(&mut self, obj: Obj, args: Args) -> PyResult<()> {
        let Some(native_type) = self.native_base(self.type_of(obj)) else {
            return Ok(());
        };
        let slot = self.root(obj)?;
        let native = crate::builtins::construct(self, native_type, args)?;
        let obj = self.slot(slot);
        self.set_native_part(obj, native);
        Ok(())
    }

    /// The object a builtin operation works on for `obj`: its native part when `obj`'s class
    /// does not define special method `name` itself, else `obj` (MicroPython finds the
    /// builtin base's slot in the same lookup, `MP_OBJ_SENTINEL`).
    pub fn native_stand_in(&mut self, obj: Obj, name: u32) -> PyResult<Obj> {
        let Some(native) = self.native_part(obj) else {
            return Ok(obj);
        };
        let t = self.type_of(obj);
        match self.class_lookup(t, name)? {
            Some(found) if !crate::objects::is_builtin_type(found.owner) => Ok(obj),
            _ => Ok(native),
        }
    }

    /// Calling user class `t` (`mp_obj_instance_make_new`): `__new__` if the class defines
    /// one (its result is returned as is unless it is an instance of `t`), then `__init__`,
    /// then the native part if `__init__` did not make it through `super().__init__()`.
    pub fn instantiate(&mut self, t: u32, args: Args) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let result = self.instantiate_rooted(t, args);
        self.stack_release(mark);
        result
    }

    fn instantiate_rooted(&mut self, t: u32, args: Args) -> PyResult<Obj> {
        let class = Obj::from_raw(t);
        let instance = match self.class_lookup(t, qstrs::NEW)? {
            Some(found) if !crate::objects::is_builtin_type(found.owner) => {
                let new = self.unwrap_static(found.value);
                let new_args = self.prepend_args_obj(class, args)?;
                let made = self.call(new, new_args)?;
                if self.type_of(made) != t {
                    return Ok(made);
                }
                made
            }
            _ => self.new_instance(t)?,
        };
        let slot = self.root(instance)?;
        if let Some((init, init_self)) = self.find_class_method(instance, qstrs::INIT)? {
            let init_args = self.prepend_args_obj(init_self, args)?;
            let returned = self.call(init, init_args)?;
            if returned != Obj::NONE {
                let name = self.type_name_of(returned);
                let msg = format!("__init__() should return None, not '{name}'");
                return Err(self.type_error(&msg));
            }
        }
        let instance = self.slot(slot);
        if self.native_part_pending(instance) {
            self.make_native_part(instance, args)?;
        }
        Ok(self.slot(slot))
    }

    /// A method of `obj`'s class (not its members) as (function, self), if defined.
    fn find_class_method(&mut self, obj: Obj, name: u32) -> PyResult<Option<(Obj, Obj)>> {
        let t = self.type_of(obj);
        match self.class_lookup(t, name)? {
            Some(found) if !crate::objects::is_builtin_type(found.owner) => {
                let fun = self.unwrap_static(found.value);
                let is_static = fun != found.value;
                Ok(Some((fun, if is_static { Obj::NULL } else { obj })))
            }
            _ => Ok(None),
        }
    }

    /// The function inside a `staticmethod`, or `fun` itself.
    fn unwrap_static(&self, fun: Obj) -> Obj {
        if fun.is_ptr() && fun.raw() >= 16 && self.type_of(fun) == ty::STATICMETHOD {
            self.field(fun, 1)
        } else {
            fun
        }
    }

    /// Whether `obj` is an instance of a user class (has a members map).
    pub fn is_instance_of_user_type(&self, obj: Obj) -> bool {
        obj.is_ptr() && obj.raw() >= 16 && self.is_user_type(self.type_of(obj))
    }
}
