//! Builtin functions and the methods of builtin types.
//!
//! Each builtin is a static function object (`{type, index}`) in the immortal region, and a
//! Rust function with the one helper signature `fn(&mut Vm, Args) -> PyResult<Obj>`, where
//! `Args` are MicroPython's `n_args, n_kw, args` on the Python stack. Methods of builtin types
//! are found by (type, name) in [`type_attr`], so builtin types need no locals dicts.
pub mod format;
mod functions;

pub use functions::arity;
mod methods;

use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::{qstrs::q, ty, BUILTIN_FUN_BASE, BUILTIN_FUN_STRIDE};
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
    BUILD_CLASS = NO_PARENT."__build_class__" => functions::build_class;
    PRINT = NO_PARENT."print" => functions::print;
    LEN = NO_PARENT."len" => functions::len;
    REPR = NO_PARENT."repr" => functions::repr;
    ISINSTANCE = NO_PARENT."isinstance" => functions::isinstance;
    ISSUBCLASS = NO_PARENT."issubclass" => functions::issubclass;
    ABS = NO_PARENT."abs" => functions::abs;
    MIN = NO_PARENT."min" => functions::min;
    MAX = NO_PARENT."max" => functions::max;
    SUM = NO_PARENT."sum" => functions::sum;
    SORTED = NO_PARENT."sorted" => functions::sorted;
    CHR = NO_PARENT."chr" => functions::chr;
    ORD = NO_PARENT."ord" => functions::ord;
    HASH = NO_PARENT."hash" => functions::hash;
    ID = NO_PARENT."id" => functions::id;
    CALLABLE = NO_PARENT."callable" => functions::callable;
    GETATTR = NO_PARENT."getattr" => functions::getattr;
    SETATTR = NO_PARENT."setattr" => functions::setattr;
    HASATTR = NO_PARENT."hasattr" => functions::hasattr;
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
    OBJECT_INIT = OBJECT."__init__" => functions::object_init;
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
    IMPORT = NO_PARENT."__import__" => crate::interp::import::builtin_import;
    GLOBALS = NO_PARENT."globals" => crate::modules::builtin_globals;
    LOCALS = NO_PARENT."locals" => crate::modules::builtin_locals;
    EXEC = NO_PARENT."exec" => crate::interp::eval::builtin_exec;
    EVAL = NO_PARENT."eval" => crate::interp::eval::builtin_eval;
    INPUT = NO_PARENT."input" => crate::modules::stdio::input;
    REPL_PRINT = NO_PARENT."__repl_print__" => crate::modules::builtin_repl_print;
    TEXT_IO_WRITE = TEXT_IO."write" => crate::modules::stdio::write;
    TEXT_IO_READ = TEXT_IO."read" => crate::modules::stdio::read;
    TEXT_IO_READLINE = TEXT_IO."readline" => crate::modules::stdio::readline;
    TEXT_IO_FLUSH = TEXT_IO."flush" => crate::modules::stdio::flush;
    FILE_IO_WRITE = FILE_IO."write" => crate::modules::stdio::write;
    FILE_IO_READ = FILE_IO."read" => crate::modules::stdio::read;
    FILE_IO_READLINE = FILE_IO."readline" => crate::modules::stdio::readline;
    FILE_IO_FLUSH = FILE_IO."flush" => crate::modules::stdio::flush;
    TEXT_IO_FILENO = TEXT_IO."fileno" => crate::modules::stdio::fileno;
    FILE_IO_FILENO = FILE_IO."fileno" => crate::modules::stdio::fileno;
    OPEN = NO_PARENT."open" => crate::modules::io::open;
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
}

/// The static function object of builtin `index`.
pub fn fun_obj(index: u32) -> Obj {
    Obj::from_raw(BUILTIN_FUN_BASE + index * BUILTIN_FUN_STRIDE)
}

/// `__build_class__`, pushed by `LOAD_BUILD_CLASS`.
pub fn build_class_fun() -> Obj {
    fun_obj(BUILD_CLASS)
}

/// `__import__`, to tell whether a program replaced it.
pub fn import_fun() -> Obj {
    fun_obj(IMPORT)
}

/// `object.__init__`, what `super().__init__()` finds at the root.
pub fn object_init_fun() -> Obj {
    fun_obj(OBJECT_INIT)
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
    if owner != ty::NO_PARENT && owner != ty::OBJECT {
        // Instances of user subclasses of builtin types carry no native part yet.
        let self_type = if args.n_pos > 0 {
            vm.type_of(vm.arg(&args, 0))
        } else {
            0
        };
        let self_ok =
            crate::objects::is_builtin_type(self_type) && vm.is_subclass(self_type, owner);
        if !self_ok {
            let name = vm
                .qstr_str(crate::objects::type_name(vm.arena(), owner))
                .to_string();
            return Err(vm.type_error(&format!("argument has wrong type, expected '{name}'")));
        }
    }
    fun(vm, args)
}

/// A method of builtin type `t` named `name`.
pub fn type_attr(t: u32, name: u32) -> Option<Obj> {
    TABLE
        .iter()
        .position(|&(owner, q, _)| owner == t && q == name && owner != ty::NO_PARENT)
        .map(|i| fun_obj(i as u32))
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
        ) {
            vm.dict_store_qstr(vm.slot(slot), name, Obj::from_raw(addr))?;
        }
    }
    Ok(vm.slot(slot))
}

/// Calling a builtin type: `int(x)`, `str(x)`, `list(it)`, `range(n)`, exceptions, ...
pub fn construct(vm: &mut Vm, t: u32, args: Args) -> PyResult<Obj> {
    functions::construct(vm, t, args)
}
