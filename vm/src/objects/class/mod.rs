//! User classes: type objects made by `class` statements and `type(name, bases, dict)`.
//!
//! A class is an `mp_obj_type_t` in the heap with its `parent` (one base, or a tuple of bases)
//! and `locals_dict` slots filled. Attribute lookup ([`Vm::class_lookup`]) walks the bases
//! depth first, left to right, as MicroPython's `mp_obj_class_lookup` does (not CPython's C3
//! order), and never searches `object` on the way: `object`'s own attributes are found only
//! when it is asked directly or through `super()`. Builtin types answer through Rust tables.
//!
//! Instances live in [`instance`], `property` and the other descriptor objects in
//! [`descriptor`].
pub mod descriptor;
pub mod instance;

use super::{
    is_builtin_type, slot_addr, ty, type_locals_dict, type_parent, write_type_header,
    SLOT_LOCALS_DICT, SLOT_PARENT,
};
use crate::interp::{PyResult, Vm};
use crate::runtime::layout::obj_type;
use crate::runtime::obj::Obj;

const TYPE_SIZE: u32 = obj_type::SLOTS + 2 * 4;

/// Entries in [`Vm::class_lookup`]'s cache.
pub const LOOKUP_CACHE: usize = 512;

/// One cached [`Vm::class_lookup`]: `(type, name)` and the answer. The empty entry's key
/// `(0, 0)` names no type.
#[derive(Clone, Copy, Default)]
pub struct CachedLookup {
    key: (u32, u32),
    found: Option<Found>,
}

/// What [`Vm::class_lookup`] found: the value and the type whose dict (or table) held it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub value: Obj,
    pub owner: u32,
}

impl Vm {
    /// Whether `t` is a class made by a `class` statement or `type(...)`.
    pub fn is_user_type(&self, t: u32) -> bool {
        t >= 16 && !is_builtin_type(t) && self.arena().load_u32(t) == ty::TYPE
    }

    /// Whether `obj` is a type object (builtin or user).
    pub fn is_type(&self, obj: Obj) -> bool {
        obj.is_ptr() && obj.raw() >= 16 && self.type_of(obj) == ty::TYPE
    }

    /// `issubclass(t, base)` for type addresses (`mp_obj_is_subclass_fast`, plus `object`
    /// being everyone's base).
    pub fn is_subclass(&self, t: u32, base: u32) -> bool {
        if t == base || base == ty::OBJECT {
            return true;
        }
        if t < 16 || !self.is_type(Obj::from_raw(t)) {
            return false;
        }
        self.type_bases(t)
            .into_iter()
            .any(|parent| self.is_subclass(parent, base))
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

    /// `mp_obj_class_lookup`: `name` in `t` or its bases, depth first, `object` skipped
    /// unless it is `t` itself. Answers come from a small direct-mapped cache: a builtin
    /// type's never change, and a user class's change only when a class dict does, which
    /// empties the cache ([`Vm::class_dicts_changed`]).
    pub fn class_lookup(&mut self, t: u32, name: u32) -> PyResult<Option<Found>> {
        if t < 16 {
            return Ok(None);
        }
        let index = (t >> 2 ^ name.wrapping_mul(0x9e37_79b9) >> 20) as usize % LOOKUP_CACHE;
        let entry = self.class_lookups[index];
        if entry.key == (t, name) {
            return Ok(entry.found);
        }
        let found = self.class_lookup_uncached(t, name)?;
        self.class_lookups[index] = CachedLookup {
            key: (t, name),
            found,
        };
        Ok(found)
    }

    /// Forgets every cached [`Vm::class_lookup`]: called whenever a class dict gains, loses or
    /// replaces an entry, and when a class is made (its address may be a collected class's).
    ///
    /// Class dicts change only through krait itself: `cls.__dict__` is a copy, and a new
    /// class copies the dict it is given (as CPython does), so no Python code holds one.
    pub fn class_dicts_changed(&mut self) {
        self.class_lookups.fill(CachedLookup::default());
    }

    fn class_lookup_uncached(&mut self, t: u32, name: u32) -> PyResult<Option<Found>> {
        if is_builtin_type(t) {
            if let Some(value) = crate::builtins::type_attr(t, name) {
                return Ok(Some(Found { value, owner: t }));
            }
        } else {
            let locals = type_locals_dict(self.arena(), t);
            if locals >= 16 {
                if let Some(value) = self.dict_get_qstr(Obj::from_raw(locals), name)? {
                    return Ok(Some(Found { value, owner: t }));
                }
            }
        }
        let parent = type_parent(self.arena(), t);
        if parent >= 16 && self.arena().load_u32(parent) != ty::TUPLE {
            // A single base, the common case: no list of bases to build.
            if parent == ty::OBJECT {
                return Ok(None);
            }
            return self.class_lookup_uncached(parent, name);
        }
        for base in self.type_bases(t) {
            if base == ty::OBJECT {
                continue;
            }
            if let Some(found) = self.class_lookup_uncached(base, name)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// The builtin types among `t` and its bases that an instance needs a native part for
    /// (`instance_count_native_bases`; `object` does not count).
    pub fn native_bases(&self, t: u32) -> Vec<u32> {
        if t == ty::OBJECT {
            return Vec::new();
        }
        if is_builtin_type(t) {
            return vec![t];
        }
        self.type_bases(t)
            .into_iter()
            .flat_map(|base| self.native_bases(base))
            .collect()
    }

    /// The builtin type an instance of `t` keeps a native part of, if any.
    pub fn native_base(&self, t: u32) -> Option<u32> {
        self.native_bases(t).first().copied()
    }

    /// `type(name, bases, dict)` and `class` statements: a new user class (`mp_obj_new_type`).
    pub fn new_class(&mut self, name: u32, bases: Obj, locals: Obj) -> PyResult<Obj> {
        if self.type_of(bases) != ty::TUPLE || self.type_of(locals) != ty::DICT {
            return Err(self.raise_type(ty::TYPE_ERROR));
        }
        let base_items = self.seq_items(bases);
        for base in &base_items {
            if !self.is_type(*base) {
                return Err(self.raise_type(ty::TYPE_ERROR));
            }
            if !crate::builtins::can_subclass(base.raw()) {
                let base_name = self.qstr_str(super::type_name(self.arena(), base.raw()));
                let msg = format!("type '{base_name}' isn't an acceptable base type");
                return Err(self.type_error(&msg));
            }
        }
        let mark = self.stack_mark();
        let first = self.root_all(&[bases, locals])?;
        // The class keeps a dict of its own: whoever passed this one may change it later.
        let own_locals = self.dict_copy(locals)?;
        self.arena_mut().store_u32(first + 4, own_locals.raw());
        let t = self.alloc(TYPE_SIZE)?;
        let bases = Obj::from_raw(self.arena().load_u32(first));
        let locals = Obj::from_raw(self.arena().load_u32(first + 4));
        let parent = match base_items.len() {
            0 => ty::OBJECT,
            1 => base_items[0].raw(),
            _ => bases.raw(),
        };
        let arena = self.arena_mut();
        write_type_header(arena, t, name as u16, obj_type::FLAG_INSTANCE_TYPE);
        arena.store_u8(t + obj_type::SLOT_INDEX_PARENT, SLOT_PARENT);
        arena.store_u32(slot_addr(t, SLOT_PARENT), parent);
        arena.store_u8(t + obj_type::SLOT_INDEX_LOCALS_DICT, SLOT_LOCALS_DICT);
        arena.store_u32(slot_addr(t, SLOT_LOCALS_DICT), locals.raw());
        self.root(Obj::from_raw(t))?;
        if self.native_bases(t).len() > 1 {
            self.stack_release(mark);
            return Err(self.type_error("multiple bases have instance lay-out conflict"));
        }
        // A plain function as `__new__` is implicitly a staticmethod.
        if let Some(new) = self.dict_get_qstr(locals, super::qstrs::NEW)? {
            if matches!(
                self.type_of(new),
                ty::FUNCTION | ty::FUN_NATIVE | ty::CLOSURE
            ) {
                let wrapped = self.new_pair(ty::STATICMETHOD, new, Obj::NONE)?;
                let locals = Obj::from_raw(self.arena().load_u32(first + 4));
                self.dict_store_qstr(locals, super::qstrs::NEW, wrapped)?;
            }
        }
        self.class_dicts_changed();
        self.call_set_names(Obj::from_raw(t), locals)?;
        self.stack_release(mark);
        Ok(Obj::from_raw(t))
    }

    /// Calls `value.__set_name__(class, name)` for every class attribute that has one
    /// (MicroPython's descriptors; the entries are collected first, as the calls may change
    /// the dict).
    fn call_set_names(&mut self, class: Obj, locals: Obj) -> PyResult<()> {
        let entries = self.dict_entries(locals);
        for (key, value) in entries {
            if !self.is_instance_of_user_type(value) {
                continue;
            }
            if let Some((meth, self_obj)) = self.find_method(value, super::qstrs::SET_NAME)? {
                self.call_method(meth, self_obj, &[class, key])?;
            }
        }
        Ok(())
    }
}
