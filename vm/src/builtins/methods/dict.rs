//! `dict` methods beyond the basics: `update`, `popitem`, `copy`, `clear`, `fromkeys`, the
//! item special methods, and the constructor's argument forms.
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::layout::{dict, map};
use crate::runtime::obj::Obj;

impl Vm {
    /// `a == b` for two dicts: the same keys, with equal values (`dict_binary_op`).
    pub fn dict_equal(&mut self, a: Obj, b: Obj) -> PyResult<bool> {
        if self.dict_len(a) != self.dict_len(b) {
            return Ok(false);
        }
        let mark = self.stack_mark();
        let b_slot = self.root(b)?;
        let entries = self.dict_entries(a);
        for &(key, value) in &entries {
            self.root_all(&[key, value])?;
        }
        for (key, value) in entries {
            let same = match self.dict_get(self.slot(b_slot), key)? {
                Some(other) => self.equal(value, other)?,
                None => false,
            };
            if !same {
                self.stack_release(mark);
                return Ok(false);
            }
        }
        self.stack_release(mark);
        Ok(true)
    }
}

/// `dict(...)`: like `update` on a new dict.
pub fn construct(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos > 1 {
        return Err(vm.type_error(&format!(
            "function expected at most 2 arguments, got {}",
            args.n_pos + 1
        )));
    }
    let d = vm.new_dict(0)?;
    vm.root(d)?;
    // The new dict goes in front of the arguments, as `update`'s self.
    let args = vm.prepend_args_obj(d, args)?;
    update(vm, args)?;
    Ok(vm.arg(&args, 0))
}

/// `d.update([other], **kw)`: a dict's entries, or (key, value) pairs, then the keywords.
pub fn update(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let d = vm.arg(&args, 0);
    if args.n_pos == 2 {
        let other = vm.arg(&args, 1);
        if vm.type_of(other) == ty::DICT {
            if other != d {
                for (key, value) in vm.dict_entries(other) {
                    vm.dict_store(vm.arg(&args, 0), key, value)?;
                }
            }
        } else {
            update_from_pairs(vm, &args, other)?;
        }
    }
    for i in 0..args.n_kw {
        let (key, value) = vm.kwarg(&args, i);
        vm.dict_store(vm.arg(&args, 0), key, value)?;
    }
    Ok(Obj::NONE)
}

/// Stores each (key, value) pair an iterable yields; each pair must have exactly two items.
fn update_from_pairs(vm: &mut Vm, args: &Args, pairs: Obj) -> PyResult<()> {
    let mark = vm.stack_mark();
    let iter = vm.get_iter(pairs)?;
    let iter_slot = vm.root(iter)?;
    while let Some(pair) = vm.iter_next(vm.slot(iter_slot))? {
        let items = vm.list_from_iterable(pair)?;
        let (start, len) = vm.seq_raw(items);
        if len != 2 {
            return Err(vm.value_error("dict update sequence has wrong length"));
        }
        vm.root(items)?;
        let key = Obj::from_raw(vm.arena().load_u32(start));
        let value = Obj::from_raw(vm.arena().load_u32(start + 4));
        vm.dict_store(vm.arg(args, 0), key, value)?;
    }
    vm.stack_release(mark);
    Ok(())
}

/// `d.popitem()`: the first entry in table order, removed.
pub fn popitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let d = vm.arg(&args, 0);
    let Some((_, key, value)) = vm.dict_next(d, 0) else {
        return Err(vm.raise_msg(ty::KEY_ERROR, "popitem(): dictionary is empty"));
    };
    let pair = vm.new_tuple(&[key, value])?;
    let slot = vm.root(pair)?;
    vm.dict_remove(vm.arg(&args, 0), key)?;
    Ok(vm.slot(slot))
}

/// `d.copy()`: the same table, so the copy iterates in the same order (`dict_copy`).
pub fn copy(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    vm.dict_copy(vm.arg(&args, 0))
}

/// `d.clear()`: an empty table of no size (`mp_map_clear`).
pub fn clear(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let map_at = vm.arg(&args, 0).raw() + dict::MAP;
    let flags = vm.arena().load_u32(map_at + map::FLAGS_AND_USED);
    let keep = flags & ((1 << map::USED_SHIFT) - 1);
    vm.arena_mut()
        .store_u32(map_at + map::FLAGS_AND_USED, keep | map::ALL_KEYS_ARE_QSTRS);
    vm.arena_mut().store_u32(map_at + map::ALLOC, 0);
    vm.arena_mut().store_u32(map_at + map::TABLE, 0);
    Ok(Obj::NONE)
}

/// `dict.fromkeys(keys[, value])` (a classmethod).
pub fn fromkeys(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let value = if args.n_pos > 2 {
        vm.arg(&args, 2)
    } else {
        Obj::NONE
    };
    let d = vm.new_dict(0)?;
    let mark = vm.stack_mark();
    let d_slot = vm.root(d)?;
    let iter = vm.get_iter(vm.arg(&args, 1))?;
    let iter_slot = vm.root(iter)?;
    while let Some(key) = vm.iter_next(vm.slot(iter_slot))? {
        vm.dict_store(vm.slot(d_slot), key, value)?;
    }
    let d = vm.slot(d_slot);
    vm.stack_release(mark);
    Ok(d)
}
