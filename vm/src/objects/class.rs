//! User classes and their instances.
//!
//! A class is an `mp_obj_type_t` in the heap with its `parent` (one base, or a tuple of bases)
//! and `locals_dict` slots filled. An instance is `mp_obj_instance_t`: a base, an inline
//! members map, and one `subobj` word that holds the native base instance when the class
//! derives from a builtin exception. Attribute lookup walks the bases depth first, as
//! MicroPython's `mp_obj_class_lookup` does; builtin types answer through Rust tables.
use super::{
    is_builtin_type, slot_addr, ty, type_locals_dict, type_parent, write_type_header,
    SLOT_LOCALS_DICT, SLOT_PARENT,
};
use crate::interp::{PyResult, Vm};
use crate::runtime::layout::obj_type;
use crate::runtime::map::MapRef;
use crate::runtime::obj::Obj;

const MEMBERS: u32 = 4;
const SUBOBJ: u32 = 16;
const INSTANCE_SIZE: u32 = 20;
const TYPE_SIZE: u32 = obj_type::SLOTS + 2 * 4;

impl Vm {
    /// Whether `t` is a class made by a `class` statement.
    pub fn is_user_type(&self, t: u32) -> bool {
        t >= 16 && !is_builtin_type(t) && self.arena().load_u32(t) == ty::TYPE
    }

    /// Whether `obj` is a type object (builtin or user).
    pub fn is_type(&self, obj: Obj) -> bool {
        obj.is_ptr() && obj.raw() >= 16 && self.type_of(obj) == ty::TYPE
    }

    /// `issubclass(t, base)` for type addresses, walking every base.
    pub fn is_subclass(&self, t: u32, base: u32) -> bool {
        let mut pending = vec![t];
        while let Some(t) = pending.pop() {
            if t == base {
                return true;
            }
            if t < 16 {
                continue;
            }
            let parent = type_parent(self.arena(), t);
            if parent < 16 {
                continue;
            }
            if self.arena().load_u32(parent) == ty::TUPLE {
                pending.extend(
                    self.seq_items(Obj::from_raw(parent))
                        .iter()
                        .map(|o| o.raw()),
                );
            } else {
                pending.push(parent);
            }
        }
        base == ty::OBJECT
    }

    /// The direct bases of `t`, in order.
    pub fn type_bases(&self, t: u32) -> Vec<u32> {
        let parent = type_parent(self.arena(), t);
        if parent < 16 {
            Vec::new()
        } else if self.arena().load_u32(parent) == ty::TUPLE {
            self.seq_items(Obj::from_raw(parent))
                .iter()
                .map(|o| o.raw())
                .collect()
        } else {
            vec![parent]
        }
    }

    /// `mp_obj_class_lookup`: `name` in `t` or its bases, depth first.
    pub fn class_lookup(&mut self, t: u32, name: u32) -> PyResult<Option<Obj>> {
        let mut pending = vec![t];
        while let Some(t) = pending.pop() {
            if t < 16 {
                continue;
            }
            if is_builtin_type(t) {
                if let Some(found) = crate::builtins::type_attr(t, name) {
                    return Ok(Some(found));
                }
            } else {
                let locals = type_locals_dict(self.arena(), t);
                if locals >= 16 {
                    if let Some(found) = self.dict_get_qstr(Obj::from_raw(locals), name)? {
                        return Ok(Some(found));
                    }
                }
            }
            let mut bases = self.type_bases(t);
            bases.reverse();
            pending.extend(bases);
        }
        Ok(None)
    }

    /// The first builtin type among `t` and its bases (what an instance's native part is).
    pub fn native_base(&self, t: u32) -> u32 {
        let mut pending = vec![t];
        while let Some(t) = pending.pop() {
            if is_builtin_type(t) {
                return t;
            }
            let mut bases = self.type_bases(t);
            bases.reverse();
            pending.extend(bases);
        }
        ty::OBJECT
    }

    /// `type(name, bases, dict)`: a new user class.
    pub fn new_class(&mut self, name: u32, bases: Obj, locals: Obj) -> PyResult<Obj> {
        let mark = self.stack_mark();
        let first = self.root_all(&[bases, locals])?;
        let t = self.alloc(TYPE_SIZE)?;
        let bases = Obj::from_raw(self.arena().load_u32(first));
        let locals = Obj::from_raw(self.arena().load_u32(first + 4));
        let base_items = self.seq_items(bases);
        let parent = match base_items.len() {
            0 => ty::OBJECT,
            1 => base_items[0].raw(),
            _ => bases.raw(),
        };
        for base in &base_items {
            if !self.is_type(*base) {
                self.stack_release(mark);
                return Err(self.type_error("type is not an acceptable base type"));
            }
        }
        let arena = self.arena_mut();
        write_type_header(arena, t, name as u16, obj_type::FLAG_INSTANCE_TYPE);
        arena.store_u8(t + obj_type::SLOT_INDEX_PARENT, SLOT_PARENT);
        arena.store_u32(slot_addr(t, SLOT_PARENT), parent);
        arena.store_u8(t + obj_type::SLOT_INDEX_LOCALS_DICT, SLOT_LOCALS_DICT);
        arena.store_u32(slot_addr(t, SLOT_LOCALS_DICT), locals.raw());
        self.stack_release(mark);
        Ok(Obj::from_raw(t))
    }

    /// A fresh instance of user class `t` with an empty members map.
    pub fn new_instance(&mut self, t: u32) -> PyResult<Obj> {
        let obj = self.alloc_obj(t, INSTANCE_SIZE)?;
        let slot = self.root(Obj::from_raw(obj))?;
        if let Err(oom) = MapRef(obj + MEMBERS).init(&mut self.heap, 0) {
            return Err(self.raise_memory_error(oom));
        }
        Ok(self.slot(slot))
    }

    pub fn instance_members(obj: Obj) -> MapRef {
        MapRef(obj.raw() + MEMBERS)
    }

    pub fn instance_native_base(&self, obj: Obj) -> Obj {
        Obj::from_raw(self.arena().load_u32(obj.raw() + SUBOBJ))
    }

    pub fn set_instance_native_base(&mut self, obj: Obj, native: Obj) {
        self.arena_mut().store_u32(obj.raw() + SUBOBJ, native.raw());
    }

    /// Whether `obj` is an instance of a user class (has a members map).
    pub fn is_instance_of_user_type(&self, obj: Obj) -> bool {
        obj.is_ptr() && obj.raw() >= 16 && self.is_user_type(self.type_of(obj))
    }
}
