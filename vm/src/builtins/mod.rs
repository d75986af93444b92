//! Builtin functions and the methods of builtin types.
//!
//! Each builtin is a static function object (`{type, index}`) in the immortal region, and a
//! Rust function with the one helper signature `fn(&mut Vm, Args) -> PyResult<Obj>`, where
//! `Args` are MicroPython's `n_args, n_kw, args` on the Python stack. Methods of builtin types
//! are found by (type, name) in [`type_attr`], so builtin types need no locals dicts.
mod eval;
pub mod format;
mod functions;

pub use functions::arity;
mod methods;
mod reflect;

use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::qstrs::{self, q};
use crate::objects::{ty, BUILTIN_FUN_BASE, BUILTIN_FUN_STRIDE};
use crate::runtime::arena::Arena;
use crate::runtime::obj::Obj;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A builtin's implementation.
pub type BuiltinFn = fn(&mut Vm, Args) -> PyResult<Obj>;

/// Most positional arguments a builtin with no upper bound takes (`MP_OBJ_FUN_ARGS_MAX`).
const UNBOUNDED: u32 = 0xFFFF;

/// A row's optional `[min, max]` positional argument count (self included).
macro_rules! arity {
    () => {
        None
    };
    ($min:literal, $max:expr) => {
        Some(($min, $max))
    };
}

macro_rules! builtin_table {
    ($($konst:ident = $owner:ident . $name:literal $([$min:literal, $max:expr])? => $fun:path;)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(u32)]
        enum Index { $($konst,)* }

        /// Every builtin: the type it is a method of (`NO_PARENT` for plain functions), its
        /// name and its implementation.
        const TABLE: &[(u32, u32, BuiltinFn)] = &[$((ty::$owner, q($name), $fun),)*];

        /// The positional argument counts checked before a builtin runs, where given
        /// (`MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN` and friends).
        const ARITY: &[Option<(u32, u32)>] = &[$(arity!($($min, $max)?),)*];

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
    LIST_INDEX = LIST."index" [2, 4] => methods::list::index;
    LIST_COUNT = LIST."count" => methods::seq_count;
    TUPLE_INDEX = TUPLE."index" [2, 4] => methods::list::index;
    TUPLE_COUNT = TUPLE."count" => methods::seq_count;
    DICT_GET = DICT."get" => methods::dict_get;
    DICT_KEYS = DICT."keys" => methods::dict_keys;
    DICT_VALUES = DICT."values" => methods::dict_values;
    DICT_ITEMS = DICT."items" => methods::dict_items;
    DICT_POP = DICT."pop" => methods::dict_pop;
    DICT_SETDEFAULT = DICT."setdefault" => methods::dict_setdefault;
    STR_FORMAT = STR."format" => format::str_format;
    GEN_SEND = GENERATOR."send" => methods::gen_send;
    GEN_CLOSE = GENERATOR."close" => methods::gen_close;
    GEN_THROW = GENERATOR."throw" => methods::gen_throw;
    IMPORT = NO_PARENT."__import__" => crate::interp::import::builtin_import;
    INPUT = NO_PARENT."input" => crate::modules::stdio::input;
    TEXT_IO_WRITE = TEXT_IO."write" => crate::modules::stdio::write;
    TEXT_IO_READ = TEXT_IO."read" => crate::modules::stdio::read;
    TEXT_IO_READLINE = TEXT_IO."readline" => crate::modules::stdio::readline;
    TEXT_IO_FLUSH = TEXT_IO."flush" => crate::modules::stdio::flush;
    BYTEARRAY_APPEND = BYTEARRAY."append" [2, 2] => methods::bytes::array_append;
    BYTEARRAY_EXTEND = BYTEARRAY."extend" [2, 2] => methods::bytes::array_extend;
    BYTEARRAY_HEX = BYTEARRAY."hex" [1, 2] => methods::bytes::hex;
    BYTEARRAY_FROMHEX = BYTEARRAY."fromhex" [2, 2] => methods::bytes::fromhex;
    BYTEARRAY_DECODE = BYTEARRAY."decode" [1, 3] => methods::bytes::decode;
    ARRAY_APPEND = ARRAY."append" [2, 2] => methods::bytes::array_append;
    ARRAY_EXTEND = ARRAY."extend" [2, 2] => methods::bytes::array_extend;
    BYTES_HEX = BYTES."hex" [1, 2] => methods::bytes::hex;
    BYTES_FROMHEX = BYTES."fromhex" [2, 2] => methods::bytes::fromhex;
    BYTES_DECODE = BYTES."decode" [1, 3] => methods::bytes::decode;
    MEMORYVIEW_HEX = MEMORYVIEW."hex" [1, 2] => methods::bytes::hex;
    STR_ENCODE = STR."encode" [1, 3] => methods::bytes::encode;
    LIST_COPY = LIST."copy" [1, 1] => methods::list::copy;
    LIST_CLEAR = LIST."clear" [1, 1] => methods::list::clear;
    LIST_REMOVE = LIST."remove" [2, 2] => methods::list::remove;
    DICT_UPDATE = DICT."update" [1, 2] => methods::dict::update;
    DICT_POPITEM = DICT."popitem" [1, 1] => methods::dict::popitem;
    DICT_COPY = DICT."copy" [1, 1] => methods::dict::copy;
    DICT_CLEAR = DICT."clear" [1, 1] => methods::dict::clear;
    DICT_FROMKEYS = DICT."fromkeys" [2, 3] => methods::dict::fromkeys;
    SET_ADD = SET."add" [2, 2] => methods::set::add;
    SET_CLEAR = SET."clear" [1, 1] => methods::set::clear;
    SET_COPY = SET."copy" [1, 1] => methods::set::copy;
    SET_DISCARD = SET."discard" [2, 2] => methods::set::discard;
    SET_DIFFERENCE = SET."difference" [1, UNBOUNDED] => methods::set::difference;
    SET_DIFFERENCE_UPDATE = SET."difference_update" [1, UNBOUNDED] => methods::set::difference_update;
    SET_INTERSECTION = SET."intersection" [2, 2] => methods::set::intersection;
    SET_INTERSECTION_UPDATE = SET."intersection_update" [2, 2] => methods::set::intersection_update;
    SET_ISDISJOINT = SET."isdisjoint" [2, 2] => methods::set::isdisjoint;
    SET_ISSUBSET = SET."issubset" [2, 2] => methods::set::issubset;
    SET_ISSUPERSET = SET."issuperset" [2, 2] => methods::set::issuperset;
    SET_POP = SET."pop" [1, 1] => methods::set::pop;
    SET_REMOVE = SET."remove" [2, 2] => methods::set::remove;
    SET_SYMMETRIC_DIFFERENCE = SET."symmetric_difference" [2, 2] => methods::set::symmetric_difference;
    SET_SYMMETRIC_DIFFERENCE_UPDATE = SET."symmetric_difference_update" [2, 2] => methods::set::symmetric_difference_update;
    SET_UNION = SET."union" [2, 2] => methods::set::union;
    SET_UPDATE = SET."update" [1, UNBOUNDED] => methods::set::update;
    FROZENSET_COPY = FROZENSET."copy" [1, 1] => methods::set::copy;
    FROZENSET_DIFFERENCE = FROZENSET."difference" [1, UNBOUNDED] => methods::set::difference;
    FROZENSET_INTERSECTION = FROZENSET."intersection" [2, 2] => methods::set::intersection;
    FROZENSET_ISDISJOINT = FROZENSET."isdisjoint" [2, 2] => methods::set::isdisjoint;
    FROZENSET_ISSUBSET = FROZENSET."issubset" [2, 2] => methods::set::issubset;
    FROZENSET_ISSUPERSET = FROZENSET."issuperset" [2, 2] => methods::set::issuperset;
    FROZENSET_SYMMETRIC_DIFFERENCE = FROZENSET."symmetric_difference" [2, 2] => methods::set::symmetric_difference;
    FROZENSET_UNION = FROZENSET."union" [2, 2] => methods::set::union;
    FROZENSET_CONTAINS = FROZENSET."__contains__" [2, 2] => reflect::op_contains;
    STR_FIND = STR."find" [2, 4] => methods::text::find_;
    STR_RFIND = STR."rfind" [2, 4] => methods::text::rfind_;
    STR_INDEX = STR."index" [2, 4] => methods::text::index;
    STR_RINDEX = STR."rindex" [2, 4] => methods::text::rindex;
    STR_COUNT = STR."count" [2, 4] => methods::text::count;
    STR_SPLIT = STR."split" [1, 3] => methods::text::split;
    STR_RSPLIT = STR."rsplit" [1, 3] => methods::text::rsplit;
    STR_SPLITLINES = STR."splitlines" [1, 2] => methods::text::splitlines;
    STR_STARTSWITH = STR."startswith" [2, 4] => methods::text::startswith;
    STR_ENDSWITH = STR."endswith" [2, 4] => methods::text::endswith;
    STR_STRIP = STR."strip" [1, 2] => methods::text::strip;
    STR_LSTRIP = STR."lstrip" [1, 2] => methods::text::lstrip;
    STR_RSTRIP = STR."rstrip" [1, 2] => methods::text::rstrip;
    STR_REPLACE = STR."replace" [3, 4] => methods::text::replace;
    STR_PARTITION = STR."partition" [2, 2] => methods::text::partition;
    STR_RPARTITION = STR."rpartition" [2, 2] => methods::text::rpartition;
    STR_CENTER = STR."center" [2, 2] => methods::text::center;
    STR_LOWER = STR."lower" [1, 1] => methods::text::lower;
    STR_UPPER = STR."upper" [1, 1] => methods::text::upper;
    STR_ISSPACE = STR."isspace" [1, 1] => methods::text::isspace;
    STR_ISALPHA = STR."isalpha" [1, 1] => methods::text::isalpha;
    STR_ISDIGIT = STR."isdigit" [1, 1] => methods::text::isdigit;
    STR_ISUPPER = STR."isupper" [1, 1] => methods::text::isupper;
    STR_ISLOWER = STR."islower" [1, 1] => methods::text::islower;
    STR_JOIN = STR."join" [2, 2] => methods::text::join;
    BYTES_FIND = BYTES."find" [2, 4] => methods::text::find_;
    BYTES_RFIND = BYTES."rfind" [2, 4] => methods::text::rfind_;
    BYTES_INDEX = BYTES."index" [2, 4] => methods::text::index;
    BYTES_RINDEX = BYTES."rindex" [2, 4] => methods::text::rindex;
    BYTES_COUNT = BYTES."count" [2, 4] => methods::text::count;
    BYTES_SPLIT = BYTES."split" [1, 3] => methods::text::split;
    BYTES_RSPLIT = BYTES."rsplit" [1, 3] => methods::text::rsplit;
    BYTES_SPLITLINES = BYTES."splitlines" [1, 2] => methods::text::splitlines;
    BYTES_STARTSWITH = BYTES."startswith" [2, 4] => methods::text::startswith;
    BYTES_ENDSWITH = BYTES."endswith" [2, 4] => methods::text::endswith;
    BYTES_STRIP = BYTES."strip" [1, 2] => methods::text::strip;
    BYTES_LSTRIP = BYTES."lstrip" [1, 2] => methods::text::lstrip;
    BYTES_RSTRIP = BYTES."rstrip" [1, 2] => methods::text::rstrip;
    BYTES_REPLACE = BYTES."replace" [3, 4] => methods::text::replace;
    BYTES_PARTITION = BYTES."partition" [2, 2] => methods::text::partition;
    BYTES_RPARTITION = BYTES."rpartition" [2, 2] => methods::text::rpartition;
    BYTES_CENTER = BYTES."center" [2, 2] => methods::text::center;
    BYTES_LOWER = BYTES."lower" [1, 1] => methods::text::lower;
    BYTES_UPPER = BYTES."upper" [1, 1] => methods::text::upper;
    BYTES_ISSPACE = BYTES."isspace" [1, 1] => methods::text::isspace;
    BYTES_ISALPHA = BYTES."isalpha" [1, 1] => methods::text::isalpha;
    BYTES_ISDIGIT = BYTES."isdigit" [1, 1] => methods::text::isdigit;
    BYTES_ISUPPER = BYTES."isupper" [1, 1] => methods::text::isupper;
    BYTES_ISLOWER = BYTES."islower" [1, 1] => methods::text::islower;
    BYTES_JOIN = BYTES."join" [2, 2] => methods::text::join;
    BYTEARRAY_FIND = BYTEARRAY."find" [2, 4] => methods::text::find_;
    BYTEARRAY_RFIND = BYTEARRAY."rfind" [2, 4] => methods::text::rfind_;
    BYTEARRAY_INDEX = BYTEARRAY."index" [2, 4] => methods::text::index;
    BYTEARRAY_RINDEX = BYTEARRAY."rindex" [2, 4] => methods::text::rindex;
    BYTEARRAY_COUNT = BYTEARRAY."count" [2, 4] => methods::text::count;
    BYTEARRAY_SPLIT = BYTEARRAY."split" [1, 3] => methods::text::split;
    BYTEARRAY_RSPLIT = BYTEARRAY."rsplit" [1, 3] => methods::text::rsplit;
    BYTEARRAY_SPLITLINES = BYTEARRAY."splitlines" [1, 2] => methods::text::splitlines;
    BYTEARRAY_STARTSWITH = BYTEARRAY."startswith" [2, 4] => methods::text::startswith;
    BYTEARRAY_ENDSWITH = BYTEARRAY."endswith" [2, 4] => methods::text::endswith;
    BYTEARRAY_STRIP = BYTEARRAY."strip" [1, 2] => methods::text::strip;
    BYTEARRAY_LSTRIP = BYTEARRAY."lstrip" [1, 2] => methods::text::lstrip;
    BYTEARRAY_RSTRIP = BYTEARRAY."rstrip" [1, 2] => methods::text::rstrip;
    BYTEARRAY_REPLACE = BYTEARRAY."replace" [3, 4] => methods::text::replace;
    BYTEARRAY_PARTITION = BYTEARRAY."partition" [2, 2] => methods::text::partition;
    BYTEARRAY_RPARTITION = BYTEARRAY."rpartition" [2, 2] => methods::text::rpartition;
    BYTEARRAY_CENTER = BYTEARRAY."center" [2, 2] => methods::text::center;
    BYTEARRAY_LOWER = BYTEARRAY."lower" [1, 1] => methods::text::lower;
    BYTEARRAY_UPPER = BYTEARRAY."upper" [1, 1] => methods::text::upper;
    BYTEARRAY_ISSPACE = BYTEARRAY."isspace" [1, 1] => methods::text::isspace;
    BYTEARRAY_ISALPHA = BYTEARRAY."isalpha" [1, 1] => methods::text::isalpha;
    BYTEARRAY_ISDIGIT = BYTEARRAY."isdigit" [1, 1] => methods::text::isdigit;
    BYTEARRAY_ISUPPER = BYTEARRAY."isupper" [1, 1] => methods::text::isupper;
    BYTEARRAY_ISLOWER = BYTEARRAY."islower" [1, 1] => methods::text::islower;
    BYTEARRAY_JOIN = BYTEARRAY."join" [2, 2] => methods::text::join;
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
    DICT_GETITEM = DICT."__getitem__" [2, 2] => reflect::op_getitem;
    DICT_SETITEM = DICT."__setitem__" [3, 3] => reflect::op_setitem;
    DICT_DELITEM = DICT."__delitem__" [2, 2] => reflect::op_delitem;
    SET_CONTAINS = SET."__contains__" [2, 2] => reflect::op_contains;
    FILE_IO_WRITE = FILE_IO."write" => crate::modules::stdio::write;
    FILE_IO_READ = FILE_IO."read" => crate::modules::stdio::read;
    FILE_IO_READLINE = FILE_IO."readline" => crate::modules::stdio::readline;
    FILE_IO_FLUSH = FILE_IO."flush" => crate::modules::stdio::flush;
    TEXT_IO_FILENO = TEXT_IO."fileno" => crate::modules::stdio::fileno;
    FILE_IO_FILENO = FILE_IO."fileno" => crate::modules::stdio::fileno;
    INT_TO_BYTES = INT."to_bytes" [1, 3] => methods::int::to_bytes;
    INT_FROM_BYTES = INT."from_bytes" [2, 4] => methods::int::from_bytes;
    OPEN = NO_PARENT."open" => crate::modules::io::open;
}

/// Builtins that are classmethods: looked up on a type they come bound to it, and their
/// first argument is checked to be that type or a subclass.
const CLASSMETHODS: &[u32] = &[
    BYTES_FROMHEX,
    BYTEARRAY_FROMHEX,
    DICT_FROMKEYS,
    INT_FROM_BYTES,
];

/// Whether `fun` is one of the builtin classmethods.
pub fn is_classmethod(fun: Obj) -> bool {
    CLASSMETHODS.iter().any(|&index| fun_obj(index) == fun)
}

/// Index of the first builtin module function: their objects follow the builtins' in one
/// array (see [`crate::modules`]).
pub const FIRST_MODULE_FUN: u32 = TABLE.len() as u32;

/// Writes the static builtin function objects, the modules' included (called once at VM
/// start).
pub fn write_builtin_functions(arena: &mut Arena) {
    for index in 0..FIRST_MODULE_FUN + crate::modules::function_count() {
        let addr = BUILTIN_FUN_BASE + index * BUILTIN_FUN_STRIDE;
        arena.store_u32(addr, ty::BUILTIN_FUNCTION);
        arena.store_u32(addr + 4, index);
    }
    let new = object_new_staticmethod().raw();
    arena.store_u32(new, ty::STATICMETHOD);
    arena.store_u32(new + 4, fun_obj(OBJECT_NEW).raw());
    arena.store_u32(new + 8, Obj::NONE.raw());
}

/// The static function object of builtin `index`.
pub fn fun_obj(index: u32) -> Obj {
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

/// `__import__`, to tell whether a program replaced it.
pub fn import_fun() -> Obj {
    fun_obj(IMPORT)
}

/// `object.__init__`, what `super().__init__()` finds at the root.
pub fn object_init_fun() -> Obj {
    fun_obj(OBJECT_INIT)
}

/// `object.__new__`, a static method: the wrapper sits in the static region just after the
/// builtin function objects (the builtins' and then the builtin modules').
fn object_new_staticmethod() -> Obj {
    let n_functions = FIRST_MODULE_FUN + crate::modules::function_count();
    Obj::from_raw(BUILTIN_FUN_BASE + n_functions * BUILTIN_FUN_STRIDE)
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
/// `list.append(5, 1)` must raise rather than read an int as a list.
pub fn call_builtin(vm: &mut Vm, index: u32, args: Args) -> PyResult<Obj> {
    let Some(&(owner, _, fun)) = TABLE.get(index as usize) else {
        return match crate::modules::function(index - FIRST_MODULE_FUN) {
            Some(fun) => fun(vm, args),
            None => Err(vm.type_error("bad builtin")),
        };
    };
    if let Some(&Some((min, max))) = ARITY.get(index as usize) {
        arity(vm, &args, min, max)?;
    }
    if CLASSMETHODS.contains(&index) {
        // `bytes.fromhex(...)`, `dict.fromkeys(...)`: `self` is the class, or a subclass.
        let class = if args.n_pos > 0 {
            vm.arg(&args, 0).raw()
        } else {
            0
        };
        if !(vm.is_type(Obj::from_raw(class)) && vm.is_subclass(class, owner)) {
            let class = Obj::from_raw(class);
            return Err(reflect::wrong_self(vm, owner, class));
        }
    } else if crate::objects::is_builtin_type(owner) && owner != ty::OBJECT {
        let self_obj = if args.n_pos > 0 {
            vm.arg(&args, 0)
        } else {
            Obj::NULL
        };
        // Lookups through an instance of a user subclass bind its native part, so only an
        // unbound call (`list.append(x, 1)`) can get here with anything else.
        let self_type = vm.type_of(self_obj);
        let fits = self_obj != Obj::NULL
            && crate::objects::is_builtin_type(self_type)
            && vm.is_subclass(self_type, owner);
        if !fits {
            return Err(reflect::wrong_self(vm, owner, self_obj));
        }
    }
    fun(vm, args)
}

/// A method of builtin type `t` named `name`.
pub fn type_attr(t: u32, name: u32) -> Option<Obj> {
    if t == ty::OBJECT && name == qstrs::NEW {
        return Some(object_new_staticmethod());
    }
    method_index().get(&(t, name)).map(|&i| fun_obj(i))
}

/// (type, name) to table index for every method of a builtin type, built on first use: a
/// method call on a builtin object looks its method up here, so it must not scan the table.
fn method_index() -> &'static HashMap<(u32, u32), u32> {
    static INDEX: OnceLock<HashMap<(u32, u32), u32>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = HashMap::new();
        for (i, &(owner, q, _)) in TABLE.iter().enumerate() {
            if owner != ty::NO_PARENT {
                // The first entry wins, as a scan would find it.
                index.entry((owner, q)).or_insert(i as u32);
            }
        }
        index
    })
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
                | ty::ATTR_TUPLE
                | ty::TEXT_IO
                | ty::FILE_IO
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
