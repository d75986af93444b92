//! `collections` (`py/modcollections.c`): `deque` (`py/objdeque.c`), `OrderedDict` and
//! `namedtuple` (`py/objnamedtuple.c`), as MicroPython has them.
//!
//! `deque(iterable, maxlen[, flags])` takes its `maxlen` positionally and always has one;
//! appending to a full deque drops an item from the other end, unless `flags` has bit 1 set,
//! which makes it raise `IndexError: full` instead. Items can be read and replaced by index
//! but not deleted; there is no `clear` (MicroPython compiles it out). The state is
//! `(items, maxlen, flags)` with `items` a list in order, leftmost first.
//!
//! `OrderedDict` keeps insertion order: its state is `(keys, dict)`, the keys in order beside
//! a plain dict of the values. Equality with another `OrderedDict` depends on order, as in
//! MicroPython. (Unlike MicroPython's, it is not a `dict` subclass: `isinstance(d, dict)` is
//! false.)
//!
//! `namedtuple(name, fields)` makes a class deriving from the module's `namedtuple` base class,
//! with the field names in its `_fields`; an instance's state is `(values,)`, a tuple that
//! indexing, `len`, iteration, `+`, `*` and `==` use. (Again not a `tuple` subclass, so
//! `isinstance(p, tuple)` is false and `%` formatting does not take one.)
use super::native::{self, State};
use super::ModuleDef;
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::runtime::layout::ListObj;
use crate::runtime::obj::Obj;

pub const MODULE: ModuleDef = ModuleDef {
    name: "collections",
    extensible: true,
    functions: &[
        ("namedtuple", namedtuple),
        ("namedtuple.__init__", nt_init),
        ("namedtuple.__repr__", nt_repr),
        ("namedtuple.__getattr__", nt_getattr),
        ("namedtuple.__getitem__", nt_getitem),
        ("namedtuple.__len__", nt_len),
        ("namedtuple.__iter__", nt_iter),
        ("namedtuple.__eq__", nt_eq),
        ("namedtuple.__add__", nt_add),
        ("namedtuple.__mul__", nt_mul),
        ("deque.__init__", deque_init),
        ("deque.__len__", deque_len),
        ("deque.__bool__", deque_bool),
        ("deque.__iter__", deque_iter),
        ("deque.__getitem__", deque_getitem),
        ("deque.__setitem__", deque_setitem),
        ("deque.append", deque_append),
        ("deque.appendleft", deque_appendleft),
        ("deque.extend", deque_extend),
        ("deque.pop", deque_pop),
        ("deque.popleft", deque_popleft),
        ("OrderedDict.__init__", od_init),
        ("OrderedDict.__repr__", od_repr),
        ("OrderedDict.__len__", od_len),
        ("OrderedDict.__getitem__", od_getitem),
        ("OrderedDict.__setitem__", od_setitem),
        ("OrderedDict.__delitem__", od_delitem),
        ("OrderedDict.__contains__", od_contains),
        ("OrderedDict.__iter__", od_iter),
        ("OrderedDict.__eq__", od_eq),
        ("OrderedDict.keys", od_keys),
        ("OrderedDict.values", od_values),
        ("OrderedDict.items", od_items),
        ("OrderedDict.get", od_get),
        ("OrderedDict.pop", od_pop),
        ("OrderedDict.popitem", od_popitem),
        ("OrderedDict.setdefault", od_setdefault),
    ],
    attrs: super::no_attrs,
};

const ITEMS: u32 = 0;
const MAXLEN: u32 = 1;
const FLAGS: u32 = 2;
const FLAG_CHECK_OVERFLOW: i32 = 1;

fn deque(vm: &mut Vm, args: &Args) -> PyResult<(State, ListObj)> {
    let state = native::state(vm, vm.arg(args, 0), "deque")?;
    let items = ListObj(state.get(vm, ITEMS).raw());
    Ok((state, items))
}

fn small(state: State, vm: &Vm, field: u32) -> i32 {
    state.get(vm, field).as_small_int().unwrap_or(0)
}

fn deque_init(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    if args.n_pos < 3 {
        return Err(vm.type_error(&format!(
            "function missing {} required positional arguments",
            3 - args.n_pos
        )));
    }
    arity(vm, &args, 3, 4)?;
    let maxlen = vm.get_int(vm.arg(&args, 2))?;
    if !(0..1 << 30).contains(&maxlen) {
        return Err(vm.raise_type(ty::VALUE_ERROR));
    }
    let flags = if args.n_pos > 3 {
        vm.get_int(vm.arg(&args, 3))?
    } else {
        0
    };
    let items = vm.new_list(&[])?;
    let items_slot = vm.root(items)?;
    let maxlen = vm.new_int(maxlen)?;
    let flags = vm.new_int(flags)?;
    native::attach(
        vm,
        vm.arg(&args, 0),
        "deque",
        &[vm.slot(items_slot), maxlen, flags],
    )?;
    extend(vm, vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

fn deque_len(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, items) = deque(vm, &args)?;
    vm.new_int(i64::from(items.len(vm.arena())))
}

fn deque_bool(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, items) = deque(vm, &args)?;
    Ok(Obj::bool(!items.is_empty(vm.arena())))
}

fn deque_iter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (_, items) = deque(vm, &args)?;
    vm.get_iter(Obj::from_raw(items.0))
}

/// The list position of deque index `index` (negative counts from the right).
fn position(vm: &mut Vm, args: &Args, items: ListObj) -> PyResult<u32> {
    let len = items.len(vm.arena());
    let t = vm.type_of(vm.arg(args, 0));
    vm.seq_index(vm.arg(args, 1), len, t)
}

fn deque_getitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (_, items) = deque(vm, &args)?;
    let at = position(vm, &args, items)?;
    Ok(items.get(vm.arena(), at).unwrap_or(Obj::NONE))
}

fn deque_setitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 3)?;
    let (_, items) = deque(vm, &args)?;
    let at = position(vm, &args, items)?;
    let slot = items.items(vm.arena()) + 4 * at;
    let value = vm.arg(&args, 2);
    vm.arena_mut().store_u32(slot, value.raw());
    Ok(Obj::NONE)
}

/// Whether adding to a deque already holding `maxlen` items must raise.
fn check_full(vm: &mut Vm, state: State, items: ListObj) -> PyResult<bool> {
    let full = items.len(vm.arena()) as i32 >= small(state, vm, MAXLEN);
    if full && small(state, vm, FLAGS) & FLAG_CHECK_OVERFLOW != 0 {
        return Err(vm.raise_msg(ty::INDEX_ERROR, "full"));
    }
    Ok(full)
}

fn append(vm: &mut Vm, this: Obj, item: Obj) -> PyResult<()> {
    let state = native::state(vm, this, "deque")?;
    let items = ListObj(state.get(vm, ITEMS).raw());
    let full = check_full(vm, state, items)?;
    vm.list_append(Obj::from_raw(items.0), item)?;
    if full {
        remove(vm, items, 0);
    }
    Ok(())
}

fn deque_append(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    append(vm, vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

fn deque_appendleft(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (state, items) = deque(vm, &args)?;
    let full = check_full(vm, state, items)?;
    if full {
        let len = items.len(vm.arena());
        if len == 0 {
            return Ok(Obj::NONE);
        }
        remove(vm, items, len - 1);
    }
    // Grow by one, then shift everything right.
    vm.list_append(Obj::from_raw(items.0), Obj::NONE)?;
    let (base, len) = (items.items(vm.arena()), items.len(vm.arena()));
    vm.arena_mut().copy_within(base, base + 4, 4 * (len - 1));
    let item = vm.arg(&args, 1);
    vm.arena_mut().store_u32(base, item.raw());
    Ok(Obj::NONE)
}

fn extend(vm: &mut Vm, this: Obj, iterable: Obj) -> PyResult<()> {
    let mark = vm.stack_mark();
    let this_slot = vm.root(this)?;
    let iter = vm.get_iter(iterable)?;
    let iter_slot = vm.root(iter)?;
    while let Some(item) = vm.iter_next(vm.slot(iter_slot))? {
        append(vm, vm.slot(this_slot), item)?;
    }
    vm.stack_release(mark);
    Ok(())
}

fn deque_extend(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    deque(vm, &args)?;
    extend(vm, vm.arg(&args, 0), vm.arg(&args, 1))?;
    Ok(Obj::NONE)
}

/// Removes and returns the item at list position `at` (which must exist).
fn remove(vm: &mut Vm, items: ListObj, at: u32) -> Obj {
    let (base, len) = (items.items(vm.arena()), items.len(vm.arena()));
    let item = items.get(vm.arena(), at).unwrap_or(Obj::NONE);
    let after = base + 4 * (at + 1);
    vm.arena_mut()
        .copy_within(after, after - 4, 4 * (len - at - 1));
    vm.arena_mut().store_u32(base + 4 * (len - 1), 0);
    vm.list_set_len(Obj::from_raw(items.0), len - 1);
    item
}

fn pop_at(vm: &mut Vm, args: &Args, left: bool) -> PyResult<Obj> {
    arity(vm, args, 1, 1)?;
    let (_, items) = deque(vm, args)?;
    let len = items.len(vm.arena());
    if len == 0 {
        return Err(vm.raise_msg(ty::INDEX_ERROR, "empty"));
    }
    Ok(remove(vm, items, if left { 0 } else { len - 1 }))
}

fn deque_pop(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    pop_at(vm, &args, false)
}

fn deque_popleft(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    pop_at(vm, &args, true)
}

const KEYS: u32 = 0;
const VALUES: u32 = 1;

/// An `OrderedDict`'s keys (a list, in order) and values (a dict).
fn ordered(vm: &mut Vm, obj: Obj) -> PyResult<(Obj, Obj)> {
    let state = native::state(vm, obj, "OrderedDict")?;
    Ok((state.get(vm, KEYS), state.get(vm, VALUES)))
}

/// `OrderedDict([pairs])`: from an iterable of pairs, or a dict's items.
fn od_init(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let keys = vm.new_list(&[])?;
    let keys_slot = vm.root(keys)?;
    let values = vm.new_dict(0)?;
    native::attach(
        vm,
        vm.arg(&args, 0),
        "OrderedDict",
        &[vm.slot(keys_slot), values],
    )?;
    if args.n_pos < 2 {
        return Ok(Obj::NONE);
    }
    let source = vm.arg(&args, 1);
    let mark = vm.stack_mark();
    let pairs = if vm.type_of(source) == ty::DICT {
        let items: Vec<Obj> = vm
            .dict_entries(source)
            .into_iter()
            .flat_map(|(k, v)| [k, v])
            .collect();
        let first = vm.root_all(&items)?;
        (0..items.len() as u32 / 2)
            .map(|i| {
                let at = first + 8 * i;
                (vm.arena().load_u32(at), vm.arena().load_u32(at + 4))
            })
            .map(|(k, v)| (Obj::from_raw(k), Obj::from_raw(v)))
            .collect::<Vec<_>>()
    } else {
        let iter = vm.get_iter(source)?;
        let iter_slot = vm.root(iter)?;
        let mut pairs = Vec::new();
        while let Some(pair) = vm.iter_next(vm.slot(iter_slot))? {
            vm.root(pair)?;
            let mut items = Vec::new();
            let pair_iter = vm.get_iter(pair)?;
            let pair_iter_slot = vm.root(pair_iter)?;
            while let Some(item) = vm.iter_next(vm.slot(pair_iter_slot))? {
                vm.root(item)?;
                items.push(item);
            }
            if items.len() != 2 {
                return Err(vm.value_error("dict update sequence has wrong length"));
            }
            pairs.push((items[0], items[1]));
        }
        pairs
    };
    for (key, value) in pairs {
        set_item(vm, vm.arg(&args, 0), key, value)?;
    }
    vm.stack_release(mark);
    Ok(Obj::NONE)
}

fn set_item(vm: &mut Vm, this: Obj, key: Obj, value: Obj) -> PyResult<()> {
    let (keys, values) = ordered(vm, this)?;
    if vm.dict_get(values, key)?.is_none() {
        vm.list_append(keys, key)?;
    }
    vm.dict_store(values, key, value)
}

fn key_error(vm: &mut Vm, key: Obj) -> crate::interp::Raise {
    match vm
        .new_tuple(&[key])
        .and_then(|args| vm.new_exception(ty::KEY_ERROR, args))
    {
        Ok(exc) => vm.raise(exc),
        Err(raise) => raise,
    }
}

/// Removes `key` (present in the values) from the ordered keys.
fn forget_key(vm: &mut Vm, keys: Obj, key: Obj) -> PyResult<()> {
    let list = ListObj(keys.raw());
    for i in 0..list.len(vm.arena()) {
        let candidate = list.get(vm.arena(), i).unwrap_or(Obj::NONE);
        if candidate == key || vm.equal(candidate, key)? {
            remove(vm, list, i);
            break;
        }
    }
    Ok(())
}

fn od_repr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (keys, values) = ordered(vm, vm.arg(&args, 0))?;
    let mut text = String::from("OrderedDict({");
    for (i, key) in vm.seq_items(keys).into_iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        let value = vm.dict_get(values, key)?.unwrap_or(Obj::NONE);
        text.push_str(&vm.repr(key)?);
        text.push_str(": ");
        text.push_str(&vm.repr(value)?);
    }
    text.push_str("})");
    vm.new_str(&text)
}

fn od_len(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (keys, _) = ordered(vm, vm.arg(&args, 0))?;
    vm.new_int(i64::from(ListObj(keys.raw()).len(vm.arena())))
}

fn od_getitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (_, values) = ordered(vm, vm.arg(&args, 0))?;
    let key = vm.arg(&args, 1);
    match vm.dict_get(values, key)? {
        Some(value) => Ok(value),
        None => Err(key_error(vm, key)),
    }
}

fn od_setitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 3)?;
    set_item(vm, vm.arg(&args, 0), vm.arg(&args, 1), vm.arg(&args, 2))?;
    Ok(Obj::NONE)
}

fn od_delitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (keys, values) = ordered(vm, vm.arg(&args, 0))?;
    let key = vm.arg(&args, 1);
    if vm.dict_remove(values, key)?.is_none() {
        return Err(key_error(vm, key));
    }
    forget_key(vm, keys, key)?;
    Ok(Obj::NONE)
}

fn od_contains(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (_, values) = ordered(vm, vm.arg(&args, 0))?;
    Ok(Obj::bool(vm.dict_get(values, vm.arg(&args, 1))?.is_some()))
}

fn od_iter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (keys, _) = ordered(vm, vm.arg(&args, 0))?;
    vm.get_iter(keys)
}

/// `==`: the same items in the same order (another `OrderedDict`), else not equal.
fn od_eq(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let (keys, values) = ordered(vm, vm.arg(&args, 0))?;
    let Ok((other_keys, other_values)) = ordered(vm, vm.arg(&args, 1)) else {
        return Ok(Obj::FALSE);
    };
    let (mine, theirs) = (vm.seq_items(keys), vm.seq_items(other_keys));
    if mine.len() != theirs.len() {
        return Ok(Obj::FALSE);
    }
    for (a, b) in mine.into_iter().zip(theirs) {
        let (va, vb) = (vm.dict_get(values, a)?, vm.dict_get(other_values, b)?);
        let same_value = match (va, vb) {
            (Some(va), Some(vb)) => vm.equal(va, vb)?,
            _ => false,
        };
        if !vm.equal(a, b)? || !same_value {
            return Ok(Obj::FALSE);
        }
    }
    Ok(Obj::TRUE)
}

/// The keys, values or `(key, value)` pairs, in order, as a list.
fn od_list(
    vm: &mut Vm,
    args: &Args,
    pick: fn(&mut Vm, Obj, Obj) -> PyResult<Obj>,
) -> PyResult<Obj> {
    arity(vm, args, 1, 1)?;
    let (keys, values) = ordered(vm, vm.arg(args, 0))?;
    let list = vm.new_list(&[])?;
    let list_slot = vm.root(list)?;
    for key in vm.seq_items(keys) {
        let value = vm.dict_get(values, key)?.unwrap_or(Obj::NONE);
        let item = pick(vm, key, value)?;
        vm.list_append(vm.slot(list_slot), item)?;
    }
    Ok(vm.slot(list_slot))
}

fn od_keys(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    od_list(vm, &args, |_, key, _| Ok(key))
}

fn od_values(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    od_list(vm, &args, |_, _, value| Ok(value))
}

fn od_items(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    od_list(vm, &args, |vm, key, value| vm.new_tuple(&[key, value]))
}

fn od_get(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let (_, values) = ordered(vm, vm.arg(&args, 0))?;
    let default = if args.n_pos > 2 {
        vm.arg(&args, 2)
    } else {
        Obj::NONE
    };
    Ok(vm.dict_get(values, vm.arg(&args, 1))?.unwrap_or(default))
}

fn od_pop(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let (keys, values) = ordered(vm, vm.arg(&args, 0))?;
    let key = vm.arg(&args, 1);
    match vm.dict_remove(values, key)? {
        Some(value) => {
            let value_slot = vm.root(value)?;
            forget_key(vm, keys, key)?;
            Ok(vm.slot(value_slot))
        }
        None if args.n_pos > 2 => Ok(vm.arg(&args, 2)),
        None => Err(key_error(vm, key)),
    }
}

/// `popitem()`: the last `(key, value)` pair.
fn od_popitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let (keys, values) = ordered(vm, vm.arg(&args, 0))?;
    let list = ListObj(keys.raw());
    let Some(last) = list.len(vm.arena()).checked_sub(1) else {
        return Err(vm.raise_msg(ty::KEY_ERROR, "popitem(): dictionary is empty"));
    };
    let key = remove(vm, list, last);
    let key_slot = vm.root(key)?;
    let value = vm.dict_remove(values, key)?.unwrap_or(Obj::NONE);
    vm.new_tuple(&[vm.slot(key_slot), value])
}

fn od_setdefault(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 3)?;
    let (_, values) = ordered(vm, vm.arg(&args, 0))?;
    if let Some(value) = vm.dict_get(values, vm.arg(&args, 1))? {
        return Ok(value);
    }
    let default = if args.n_pos > 2 {
        vm.arg(&args, 2)
    } else {
        Obj::NONE
    };
    set_item(vm, vm.arg(&args, 0), vm.arg(&args, 1), default)?;
    Ok(default)
}

/// The `(key, value)` pairs of an `OrderedDict`, in order, if `obj` is one (for `json`).
pub fn ordered_items(vm: &mut Vm, obj: Obj) -> PyResult<Option<Vec<(Obj, Obj)>>> {
    let Ok((keys, values)) = ordered(vm, obj) else {
        return Ok(None);
    };
    let mut items = Vec::new();
    for key in vm.seq_items(keys) {
        let value = vm.dict_get(values, key)?.unwrap_or(Obj::NONE);
        items.push((key, value));
    }
    Ok(Some(items))
}

/// `namedtuple(name, fields)`: `fields` a list or tuple of names, or one string of names
/// separated by spaces.
fn namedtuple(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let name = vm.expect_str(vm.arg(&args, 0))?;
    let fields = vm.arg(&args, 1);
    let names: Vec<String> = if vm.is_str(fields) {
        vm.str_text(fields)
            .split_whitespace()
            .map(str::to_string)
            .collect()
    } else if matches!(vm.type_of(fields), ty::TUPLE | ty::LIST) {
        let items = vm.seq_items(fields);
        let mut names = Vec::with_capacity(items.len());
        for item in items {
            names.push(vm.expect_str(item)?);
        }
        names
    } else {
        let type_name = vm.type_name_of(fields);
        return Err(vm.type_error(&format!("object '{type_name}' isn't a tuple or list")));
    };
    let mark = vm.stack_mark();
    let mut field_objs = Vec::with_capacity(names.len());
    for field in &names {
        let q = vm.intern(field)?;
        field_objs.push(Obj::qstr(q).unwrap_or(Obj::NONE));
    }
    let field_tuple = vm.new_tuple(&field_objs)?;
    let field_slot = vm.root(field_tuple)?;
    let locals = vm.new_dict(1)?;
    let locals_slot = vm.root(locals)?;
    let fields_q = vm.intern("_fields")?;
    vm.dict_store_qstr(locals, fields_q, vm.slot(field_slot))?;
    let base = native::class(vm, "collections", "namedtuple")?;
    let bases = vm.new_tuple(&[base])?;
    let name_q = vm.intern(&name)?;
    let class = vm.new_class(name_q, bases, vm.slot(locals_slot));
    vm.stack_release(mark);
    class
}

/// The field names (qstrs) of a namedtuple instance's class.
fn fields_of(vm: &mut Vm, obj: Obj) -> PyResult<Vec<Obj>> {
    let fields_q = vm.intern("_fields")?;
    let t = vm.type_of(obj);
    match vm.class_lookup(t, fields_q)?.map(|found| found.value) {
        Some(fields) if vm.type_of(fields) == ty::TUPLE => Ok(vm.seq_items(fields)),
        _ => Ok(Vec::new()),
    }
}

fn class_name(vm: &Vm, obj: Obj) -> String {
    let t = vm.type_of(obj);
    vm.qstr_str(crate::objects::type_name(vm.arena(), t))
        .to_string()
}

/// `Name(*values, **by_field)`: exactly one value per field.
fn nt_init(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    let this = vm.arg(&args, 0);
    let fields = fields_of(vm, this)?;
    let given = args.n_pos - 1 + args.n_kw;
    if given as usize != fields.len() {
        let name = class_name(vm, this);
        return Err(vm.type_error(&format!(
            "{name}() takes {} positional arguments but {given} were given",
            fields.len()
        )));
    }
    let mut values: Vec<Option<Obj>> = (1..args.n_pos).map(|i| Some(vm.arg(&args, i))).collect();
    values.resize(fields.len(), None);
    for i in 0..args.n_kw {
        let (key, value) = vm.kwarg(&args, i);
        let name = vm.str_text(key);
        let Some(at) = fields.iter().position(|&f| f == key) else {
            return Err(vm.type_error(&format!("unexpected keyword argument '{name}'")));
        };
        if values[at].is_some() {
            return Err(vm.type_error(&format!(
                "function got multiple values for argument '{name}'"
            )));
        }
        values[at] = Some(value);
    }
    let values: Vec<Obj> = values.into_iter().map(|v| v.unwrap_or(Obj::NONE)).collect();
    let tuple = vm.new_tuple(&values)?;
    native::attach(vm, this, "namedtuple", &[tuple])?;
    Ok(Obj::NONE)
}

fn values_of(vm: &mut Vm, obj: Obj) -> PyResult<Obj> {
    let state = native::state(vm, obj, "namedtuple")?;
    Ok(state.get(vm, 0))
}

fn nt_repr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let this = vm.arg(&args, 0);
    let values = values_of(vm, this)?;
    let values = vm.seq_items(values);
    let fields = fields_of(vm, this)?;
    let mut text = class_name(vm, this) + "(";
    for (i, (field, value)) in fields.iter().zip(values).enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&vm.str_text(*field));
        text.push('=');
        text.push_str(&vm.repr(value)?);
    }
    text.push(')');
    vm.new_str(&text)
}

/// Field access by name (`__getattr__`, so it comes after the class's own attributes).
fn nt_getattr(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let this = vm.arg(&args, 0);
    let name = vm.arg(&args, 1);
    let fields = fields_of(vm, this)?;
    let values = values_of(vm, this)?;
    let at = fields.iter().position(|&f| f == name);
    match at.and_then(|at| vm.seq_items(values).get(at).copied()) {
        Some(value) => Ok(value),
        None => {
            let type_name = class_name(vm, this);
            let name = vm.str_text(name);
            Err(vm.raise_msg(
                ty::ATTRIBUTE_ERROR,
                &format!("'{type_name}' object has no attribute '{name}'"),
            ))
        }
    }
}

fn nt_getitem(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let values = values_of(vm, vm.arg(&args, 0))?;
    vm.subscr(values, vm.arg(&args, 1))
}

fn nt_len(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let values = values_of(vm, vm.arg(&args, 0))?;
    vm.new_int(vm.seq_items(values).len() as i64)
}

fn nt_iter(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let values = values_of(vm, vm.arg(&args, 0))?;
    vm.get_iter(values)
}

/// A namedtuple operand as its values tuple; anything else as itself.
fn as_tuple(vm: &mut Vm, obj: Obj) -> Obj {
    values_of(vm, obj).unwrap_or(obj)
}

fn nt_eq(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let values = values_of(vm, vm.arg(&args, 0))?;
    let other = as_tuple(vm, vm.arg(&args, 1));
    vm.equal(values, other).map(Obj::bool)
}

fn nt_add(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let values = values_of(vm, vm.arg(&args, 0))?;
    let other = as_tuple(vm, vm.arg(&args, 1));
    vm.binary_op(crate::bytecode::BinaryOpNum::Add, values, other)
}

fn nt_mul(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 2, 2)?;
    let values = values_of(vm, vm.arg(&args, 0))?;
    vm.binary_op(
        crate::bytecode::BinaryOpNum::Multiply,
        values,
        vm.arg(&args, 1),
    )
}
