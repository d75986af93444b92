//! Builtin functions and the methods of builtin types.
//!
//! Each builtin is a static function object (`{type, index}`) in the immortal region, and a
//! Rust function with the one helper signature `fn(&mut Vm, Args) -> PyResult<Obj>`, where
//! `Args` are MicroPython's `n_args, n_kw, args` on the Python stack. Methods of builtin types
//! are found by (type, name) in [`type_attr`], so builtin types need no locals dicts.
mod eval;
pub mod format;
mod functions;
mod methods;
mod reflect;

use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::qstrs::{self, q};
use crate::objects::{ty, BUILTIN_FUN_BASE, BUILTIN_FUN_STRIDE};
use crate::runtime::arena::Arena;
use crate::runtime::obj::Obj;

/// A builtin's implementation.
pub type BuiltinFn = fn(&mut Vm, Args) -> PyResult<Obj>;

macro_rules! builtin_table {
    ($($konst:ident = $owner:ident . $name:literal => $fun:path;)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(u32)]
        enum Index { $($konst,)* }

        /// Every builtin: the type it is a method of (`NO_PARENT` for plain functions), its
        /// name and its implementation.
        const TABLE: &[(u32, u32, BuiltinFn)] = &[$((ty::$owner, q($name), $fun),)*];

        $(#[allow(dead_code)] const $konst: u32 = Index::$konst as u32;)*
    };
}

builtin_table! {
    BUILD_CLASS = NO_PARENT."__build_class__" => reflect::build_class;
    PRINT = NO_PARENT."print" => functions::print;
    LEN = NO_PARENT."len" => functions::len;
    REPR = NO_PARENT."repr" => functions::repr;
    ISINSTANCE = NO_PARENT."isinstance" => reflect::isinstance;
    ISSUBCLASS = NO_PARENT."issubclass" => reflect::issubclass;
    ABS = NO_PARENT."abs" => functions::abs;
    MIN = NO_PARENT."min" => functions::min;
    MAX = NO_PARENT."max" => functions::max;
    SUM = NO_PARENT."sum" => functions::sum;
    SORTED = NO_PARENT."sorted" => functions::sorted;
    CHR = NO_PARENT."chr" => functions::chr;
    ORD = NO_PARENT."ord" => functions::ord;
    HASH = NO_PARENT."hash" => functions::hash;
    ID = NO_PARENT."id" => functions::id;
    CALLABLE = NO_PARENT."callable" => reflect::callable;
    GETATTR = NO_PARENT."getattr" => reflect::getattr;
    SETATTR = NO_PARENT."setattr" => reflect::setattr;
    HASATTR = NO_PARENT."hasattr" => reflect::hasattr;
    ITER = NO_PARENT."iter" => functions::iter;
    NEXT = NO_PARENT."next" => functions::next;
    DIVMOD = NO_PARENT."divmod" => functions::divmod;
    ALL = NO_PARENT."all" => functions::all;
    ANY = NO_PARENT."any" => functions::any;
    REVERSED = NO_PARENT."reversed" => functions::reversed;
    HEX = NO_PARENT."hex" => functions::hex;
    OCT = NO_PARENT."oct" => functions::oct;
    BIN = NO_PARENT."bin" => functions::bin;
    POW = NO_PARENT."pow" => functions::pow;
    ROUND = NO_PARENT."round" => functions::round;
    OBJECT_INIT = OBJECT."__init__" => reflect::object_init;
    LIST_APPEND = LIST."append" => methods::list_append;
    LIST_POP = LIST."pop" => methods::list_pop;
    LIST_EXTEND = LIST."extend" => methods::list_extend;
    LIST_INSERT = LIST."insert" => methods::list_insert;
    LIST_REVERSE = LIST."reverse" => methods::list_reverse;
    LIST_SORT = LIST."sort" => methods::list_sort;
    LIST_INDEX = LIST."index" => methods::seq_index;
    LIST_COUNT = LIST."count" => methods::seq_count;
    TUPLE_INDEX = TUPLE."index" => methods::seq_index;
    TUPLE_COUNT = TUPLE."count" => methods::seq_count;
    DICT_GET = DICT."get" => methods::dict_get;
    DICT_KEYS = DICT."keys" => methods::dict_keys;
    DICT_VALUES = DICT."values" => methods::dict_values;
    DICT_ITEMS = DICT."items" => methods::dict_items;
    DICT_POP = DICT."pop" => methods::dict_pop;
    DICT_SETDEFAULT = DICT."setdefault" => methods::dict_setdefault;
    STR_JOIN = STR."join" => methods::str_join;
    STR_SPLIT = STR."split" => methods::str_split;
    STR_UPPER = STR."upper" => methods::str_upper;
    STR_LOWER = STR."lower" => methods::str_lower;
    STR_STRIP = STR."strip" => methods::str_strip;
    STR_STARTSWITH = STR."startswith" => methods::str_startswith;
    STR_ENDSWITH = STR."endswith" => methods::str_endswith;
    STR_REPLACE = STR."replace" => methods::str_replace;
    STR_FIND = STR."find" => methods::str_find;
    STR_FORMAT = STR."format" => format::str_format;
    GEN_SEND = GENERATOR."send" => methods::gen_send;
    SET_ADD = SET."add" => methods::set_add;
    SET_REMOVE = SET."remove" => methods::set_remove;
    SET_DISCARD = SET."discard" => methods::set_discard;
    GEN_CLOSE = GENERATOR."close" => methods::gen_close;
    GEN_THROW = GENERATOR."throw" => methods::gen_throw;
    DELATTR = NO_PARENT."delattr" => reflect::delattr;
    OBJECT_NEW = OBJECT."__new__" => reflect::object_new;
    OBJECT_SETATTR = OBJECT."__setattr__" => reflect::object_setattr;
    OBJECT_DELATTR = OBJECT."__delattr__" => reflect::object_delattr;
    NATIVE_BASE_INIT = INTERNAL."native_base_init" => reflect::native_base_init;
    PROPERTY_GETTER = PROPERTY."getter" => reflect::property_getter;
    PROPERTY_SETTER = PROPERTY."setter" => reflect::property_setter;
    PROPERTY_DELETER = PROPERTY."deleter" => reflect::property_deleter;
    GEN_PEND_THROW = GENERATOR."pend_throw" => methods::gen_pend_throw;
    EXEC = NO_PARENT."exec" => eval::exec;
    EVAL = NO_PARENT."eval" => eval::eval;
    COMPILE = NO_PARENT."compile" => eval::compile;
    GLOBALS = NO_PARENT."globals" => eval::globals;
    LOCALS = NO_PARENT."locals" => eval::locals;
    REPL_PRINT = NO_PARENT."__repl_print__" => eval::repl_print;
    DIR = NO_PARENT."dir" => reflect::dir;
    DICT_GETITEM = DICT."__getitem__" => reflect::op_getitem;
    DICT_SETITEM = DICT."__setitem__" => reflect::op_setitem;
    DICT_DELITEM = DICT."__delitem__" => reflect::op_delitem;
    SET_CONTAINS = SET."__contains__" => reflect::op_contains;
}

/// Writes the static builtin function objects (called once at VM start).
pub fn write_builtin_functions(arena: &mut Arena) {
    for index in 0..TABLE.len() as u32 {
        let addr = BUILTIN_FUN_BASE + index * BUILTIN_FUN_STRIDE;
        arena.store_u32(addr, ty::BUILTIN_FUNCTION);
        arena.store_u32(addr + 4, index);
    }
    let new = object_new_staticmethod().raw();
    arena.store_u32(new, ty::STATICMETHOD);
    arena.store_u32(new + 4, fun_obj(OBJECT_NEW).raw());
    arena.store_u32(new + 8, Obj::NONE.raw());
}

fn fun_obj(index: u32) -> Obj {
    Obj::from_raw(BUILTIN_FUN_BASE + index * BUILTIN_FUN_STRIDE)
}

/// `__build_class__`, pushed by `LOAD_BUILD_CLASS`.
pub fn build_class_fun() -> Obj {
    fun_obj(BUILD_CLASS)
}

/// `next`, which iterators answer for `__next__`.
pub fn next_fun() -> Obj {
    fun_obj(NEXT)
}

/// `object.__init__`, what `super().__init__()` finds at the root.
pub fn object_init_fun() -> Obj {
    fun_obj(OBJECT_INIT)
}

/// `object.__new__`, a static method: the wrapper sits in the static region just after the
/// builtin function objects.
fn object_new_staticmethod() -> Obj {
    Obj::from_raw(BUILTIN_FUN_BASE + TABLE.len() as u32 * BUILTIN_FUN_STRIDE)
}

/// What `super().__init__(...)` finds when it reaches a builtin base, and what marks an
/// instance's native part as not made yet.
pub fn native_base_init_fun() -> Obj {
    fun_obj(NATIVE_BASE_INIT)
}

/// Whether user classes may derive from builtin type `t` (it has a constructor).
pub fn can_subclass(t: u32) -> bool {
    !matches!(
        t,
        ty::NONE_TYPE
            | ty::FUNCTION
            | ty::CLOSURE
            | ty::CELL
            | ty::BOUND_METHOD
            | ty::BUILTIN_FUNCTION
            | ty::MODULE
            | ty::RAW_CODE
            | ty::ELLIPSIS
            | ty::NOT_IMPLEMENTED
            | ty::GENERATOR
            | ty::RANGE_ITER
            | ty::SEQ_ITER
            | ty::DICT_VIEW_ITER
            | ty::SET_ITER
            | ty::DICT_VIEW
    )
}

/// Runs builtin `index`. A method first checks that its `self` is of its type, since
/// `list.append(5, 1)` must raise rather than read an int as a list; an instance of a user
/// subclass stands in for its native part (`mp_obj_cast_to_native_base`).
pub fn call_builtin(vm: &mut Vm, index: u32, args: Args) -> PyResult<Obj> {
    let Some(&(owner, _, fun)) = TABLE.get(index as usize) else {
        return Err(vm.type_error("bad builtin"));
    };
    if crate::objects::is_builtin_type(owner) && owner != ty::OBJECT {
        let self_obj = if args.n_pos > 0 {
            vm.arg(&args, 0)
        } else {
            Obj::NULL
        };
        match vm.cast_to_native(self_obj, owner) {
            Some(native) => vm.arena_mut().store_u32(args.base, native.raw()),
            None => return Err(reflect::wrong_self(vm, owner)),
        }
    }
    fun(vm, args)
}

/// A method of builtin type `t` named `name`.
pub fn type_attr(t: u32, name: u32) -> Option<Obj> {
    if t == ty::OBJECT && name == qstrs::NEW {
        return Some(object_new_staticmethod());
    }
    TABLE
        .iter()
        .position(|&(owner, q, _)| owner == t && q == name && owner != ty::NO_PARENT)
        .map(|i| fun_obj(i as u32))
}

/// The methods of builtin type `t` as (name, function) pairs (its `__dict__`).
pub fn type_methods(t: u32) -> Vec<(Obj, Obj)> {
    TABLE
        .iter()
        .filter(|&&(owner, _, _)| owner == t && owner != ty::NO_PARENT)
        .filter_map(|&(_, q, _)| Some((Obj::qstr(q)?, type_attr(t, q)?)))
        .collect()
}

/// The builtins dict: every plain builtin function and every builtin type by name.
pub fn make_builtins_dict(vm: &mut Vm) -> PyResult<Obj> {
    let dict = vm.new_dict(64)?;
    let slot = vm.root(dict)?;
    for (index, &(owner, name, _)) in TABLE.iter().enumerate() {
        if owner == ty::NO_PARENT {
            vm.dict_store_qstr(vm.slot(slot), name, fun_obj(index as u32))?;
        }
    }
    for &(addr, name, _) in crate::objects::BUILTIN_TYPES {
        let name = vm.intern(name)?;
        if !matches!(
            addr,
            ty::BUILTIN_FUNCTION
                | ty::RANGE_ITER
                | ty::SEQ_ITER
                | ty::DICT_VIEW_ITER
                | ty::SET_ITER
                | ty::GENERATOR
                | ty::CODE
                | ty::GETITEM_ITER
        ) {
            vm.dict_store_qstr(vm.slot(slot), name, Obj::from_raw(addr))?;
        }
    }
    let singletons = [
        (
            qstrs::q("NotImplemented"),
            crate::objects::NOT_IMPLEMENTED_OBJ,
        ),
        (qstrs::q("Ellipsis"), crate::objects::ELLIPSIS_OBJ),
    ];
    for (name, obj) in singletons {
        vm.dict_store_qstr(vm.slot(slot), name, Obj::from_raw(obj))?;
    }
    Ok(vm.slot(slot))
}

/// Calling a builtin type: `int(x)`, `str(x)`, `list(it)`, `range(n)`, exceptions, ...
pub fn construct(vm: &mut Vm, t: u32, args: Args) -> PyResult<Obj> {
    functions::construct(vm, t, args)
}
