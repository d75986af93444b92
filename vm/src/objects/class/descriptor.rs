//! `property` objects (`mp_obj_property_t`: a base and the getter, setter and deleter, each a
//! callable or `None`). Instance attribute access consults them directly, as MicroPython
//! does, rather than through a `__get__` method; user descriptors go through
//! `__get__`/`__set__`/`__delete__` (see `interp/attr.rs`).
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::obj::Obj;

const SIZE: u32 = 16;

/// Which accessor of a property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accessor {
    Get = 1,
    Set = 2,
    Delete = 3,
}

impl Vm {
    /// A property with the given accessors (`None` where absent).
    pub fn new_property(&mut self, get: Obj, set: Obj, delete: Obj) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let first = self.root_all(&[get, set, delete])?;
        let obj = self.alloc_obj(ty::PROPERTY, SIZE)?;
        self.arena_mut().copy_within(first, obj + 4, 12);
        self.stack_release(mark);
        Ok(Obj::from_raw(obj))
    }

    /// One accessor of property `prop`.
    pub fn property_accessor(&self, prop: Obj, which: Accessor) -> Obj {
        self.field(prop, which as u32)
    }

    /// A copy of `prop` with one accessor replaced (`property.getter` and friends).
    pub fn property_with(&mut self, prop: Obj, which: Accessor, fun: Obj) -> PyResult<Obj> {
        let mut parts = [Accessor::Get, Accessor::Set, Accessor::Delete]
            .map(|a| self.property_accessor(prop, a));
        parts[which as usize - 1] = fun;
        self.new_property(parts[0], parts[1], parts[2])
    }
}
