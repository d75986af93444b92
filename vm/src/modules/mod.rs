//! Modules: module objects (`mp_obj_module_t`), the registry of builtin modules, and the
//! interpreter state behind `sys.modules`, `sys.path` and `sys.argv`.
//!
//! A module is `{type = module, globals}` (MicroPython's 32-bit `mp_obj_module_t`); a module
//! loaded from a `.py` or `.mpy` file is the larger module context (`mp_module_context_t`,
//! which adds its qstr and constant tables) that its functions point at, as in MicroPython.
//! Attribute access reads and writes the globals dict.
//!
//! Builtin modules are MicroPython's ROM modules: built on their first import into a globals
//! dict that is then fixed (read-only: `math.x = 1` raises `AttributeError`), cached here and,
//! as in MicroPython, not entered in `sys.modules`.
//!
//! # Adding a builtin module
//! 1. Write `modules/<name>.rs` holding `pub const MODULE: ModuleDef`:
//!    - `name`: the import name (`"math"`);
//!    - `extensible`: whether a file on `sys.path` may shadow it, as MicroPython's
//!      `MP_REGISTER_EXTENSIBLE_MODULE` ones (`time`, `struct`, `json`, `os`, `random`, `io`,
//!      `re`, `array`, `collections`, `errno`, `heapq`, `binascii`, `hashlib`, `select`,
//!      `socket`, `platform`); `false` for `MP_REGISTER_MODULE` ones (`sys`, `math`, `cmath`,
//!      `gc`, `micropython`, `builtins`, `uctypes`, ...). An extensible module also answers
//!      to `u<name>` (`import utime`);
//!    - `functions`: `("name", rust_fn)` pairs. Each `rust_fn` is a [`BuiltinFn`], exactly like
//!      the builtins of `builtins/mod.rs`: `fn(&mut Vm, Args) -> PyResult<Obj>`, with the
//!      arguments read by `vm.arg(&args, i)` / `vm.kwarg_named(&args, q)` and counted with
//!      [`crate::builtins::arity`]. The functions become static builtin function objects;
//!    - `attrs`: stores everything that is not a function (constants, objects, submodules)
//!      through the [`ModuleBuilder`] it is given, or [`no_attrs`].
//!
//!    A function named `"Class.method"` is a method of the module's class `Class` instead (see
//!    [`native`]: classes whose instances carry Rust-managed state, such as `deque`).
//! 2. Add `pub mod <name>;` below and `&<name>::MODULE` to [`BUILTIN_MODULES`].
//!
//! Names are interned when the module is built, so they need no entry in the qstr tables.
//! Helpers modules use: [`attrtuple`] (`vm.new_attrtuple`, for `os.uname()`-like results),
//! [`stdio`] (`vm.write_stdio`, `vm.stream_write` for `file=` arguments), `vm.os_error`.
//!
//! Two builtin modules are not `ModuleDef`s: `__main__` is the main program's module, and
//! `builtins` has the builtins dict itself as globals (storing into it overrides a builtin).
//! `sys` keeps `path`, `ps1` and `ps2` in VM state, rebindable as MicroPython's delegated
//! attributes.
use crate::builtins::BuiltinFn;
use crate::compile::native::NativeBackend;
use crate::compile::CompileOptions;
use crate::interp::{PyResult, Slot, Vm};
use crate::objects::{qstrs, ty};
use crate::rawcode::CompiledModule;
use crate::runtime::gc::{Heap, RootId};
use crate::runtime::layout::{module, module_context};
use crate::runtime::obj::Obj;

pub mod attrtuple;
pub mod gc;
pub mod micropython;
pub mod stdio;
pub mod sys;

mod args;
pub mod array;
pub mod binascii;
pub mod collections;
pub mod errno;
pub mod hashlib;
pub mod heapq;
pub mod io;
pub mod json;
pub mod math;
pub mod native;
pub mod os;
pub mod random;
pub mod re;
pub mod structs;
pub mod time;

/// A builtin module: its name, its functions and the rest of its attributes.
pub struct ModuleDef {
    pub name: &'static str,
    pub extensible: bool,
    pub functions: &'static [(&'static str, BuiltinFn)],
    /// Stores the attributes that are not functions into the module being built.
    pub attrs: fn(&mut Vm, &ModuleBuilder) -> PyResult<()>,
}

/// Every builtin module, in the order their function objects are numbered.
pub const BUILTIN_MODULES: &[&ModuleDef] = &[
    &sys::MODULE,
    &micropython::MODULE,
    &gc::MODULE,
    &math::MODULE,
    &structs::MODULE,
    &time::MODULE,
    &errno::MODULE,
    &heapq::MODULE,
    &array::MODULE,
    &binascii::MODULE,
    &random::MODULE,
    &json::MODULE,
    &os::MODULE,
    &io::MODULE,
    &collections::MODULE,
    &hashlib::MODULE,
    &re::MODULE,
];

/// `attrs` of a module that has only functions.
pub fn no_attrs(_vm: &mut Vm, _module: &ModuleBuilder) -> PyResult<()> {
    Ok(())
}

/// How many functions the builtin modules have together (their static function objects
/// follow the builtins' in one array, see `builtins::write_builtin_functions`).
pub const fn function_count() -> u32 {
    let mut total = 0;
    let mut i = 0;
    while i < BUILTIN_MODULES.len() {
        total += BUILTIN_MODULES[i].functions.len();
        i += 1;
    }
    total as u32
}

/// The implementation of module function `n` (numbered across [`BUILTIN_MODULES`]).
pub fn function(mut n: u32) -> Option<BuiltinFn> {
    for def in BUILTIN_MODULES {
        match def.functions.get(n as usize) {
            Some(&(_, fun)) => return Some(fun),
            None => n -= def.functions.len() as u32,
        }
    }
    None
}

/// The globals of a module being built, rooted for the duration of its `attrs`.
pub struct ModuleBuilder {
    globals: Slot,
}

impl ModuleBuilder {
    /// Stores `value` as attribute `name`.
    pub fn set(&self, vm: &mut Vm, name: &str, value: Obj) -> PyResult<()> {
        let value_slot = vm.root(value)?;
        let q = vm.intern(name)?;
        vm.dict_store_qstr(vm.slot(self.globals), q, vm.slot(value_slot))
    }

    pub fn set_int(&self, vm: &mut Vm, name: &str, value: i64) -> PyResult<()> {
        let value = vm.new_int(value)?;
        self.set(vm, name, value)
    }

    pub fn set_str(&self, vm: &mut Vm, name: &str, value: &str) -> PyResult<()> {
        let value = vm.new_str(value)?;
        self.set(vm, name, value)
    }
}

/// The VM's module state: roots of the dicts and lists MicroPython keeps in `MP_STATE_VM`.
pub struct ModuleState {
    /// `sys.modules` (`mp_loaded_modules_dict`): modules loaded from files, by full name.
    loaded: RootId,
    /// Builtin modules built so far, by name.
    builtin: RootId,
    /// The `__main__` and `builtins` modules, `NULL` until first used.
    main: RootId,
    builtins_module: RootId,
    /// `sys.argv` (`mp_sys_argv`): a list, or `NULL` before its first use.
    argv: RootId,
    /// The `sys` attributes programs may rebind (`sys_mutable`: `path`, `ps1`, `ps2`, in
    /// [`sys::MUTABLE`]'s order), `NULL` until first used.
    pub(crate) sys_mutable: [RootId; 3],
    /// The exception being handled, for `sys.exc_info()` (`cur_exception`).
    pub(crate) cur_exception: RootId,
    /// The function `sys.atexit` registered, or `NULL`.
    pub(crate) exit_func: RootId,
    /// `sys.executable`.
    pub(crate) executable: String,
    /// `micropython.schedule`'s queue: a list of (function, argument) pairs, flattened.
    pub(crate) scheduled: RootId,
    /// Whether a scheduled callback waits (checked per instruction).
    pub(crate) sched_pending: bool,
    /// Set while a scheduled callback runs: others wait until it returns.
    pub(crate) sched_locked: bool,
    /// The code state of the frame whose instructions run (0: none), for `globals()` and
    /// `locals()` (MicroPython's `mp_globals_get`/`mp_locals_get`).
    pub(crate) current_frame: u32,
    /// How `.py` modules are compiled when imported: as the main program was.
    pub compile_options: CompileOptions,
    /// What compiles `@native`/`@viper` code, if the embedder gave one (see [`Vm::compile`]).
    native_backend: Option<Box<dyn NativeBackend>>,
    /// Whether output goes straight to the host (see [`stdio`]).
    streaming: bool,
}

impl ModuleState {
    pub fn new(heap: &mut Heap) -> ModuleState {
        ModuleState {
            loaded: heap.add_root(Obj::NULL),
            builtin: heap.add_root(Obj::NULL),
            main: heap.add_root(Obj::NULL),
            builtins_module: heap.add_root(Obj::NULL),
            argv: heap.add_root(Obj::NULL),
            sys_mutable: [(); 3].map(|_| heap.add_root(Obj::NULL)),
            cur_exception: heap.add_root(Obj::NULL),
            exit_func: heap.add_root(Obj::NULL),
            executable: String::new(),
            scheduled: heap.add_root(Obj::NULL),
            sched_pending: false,
            sched_locked: false,
            current_frame: 0,
            compile_options: CompileOptions::default(),
            native_backend: None,
            streaming: false,
        }
    }
}

impl Vm {
    /// A new module named `name` with an empty globals dict holding `__name__`
    /// (`mp_obj_new_module`). It has the size of a module context, whose qstr and constant
    /// tables stay empty until code is loaded into it ([`Vm::exec_module`]).
    pub fn new_module(&mut self, name: Obj) -> PyResult<Obj> {
        let name_slot = self.root(name)?;
        let globals = self.new_dict(1)?;
        let globals_slot = self.root(globals)?;
        self.dict_store_qstr(globals, qstrs::NAME, self.slot(name_slot))?;
        let obj = self.alloc_obj(ty::MODULE, module_context::SIZE)?;
        let globals = self.slot(globals_slot);
        self.arena_mut()
            .store_u32(obj + module::GLOBALS, globals.raw());
        Ok(Obj::from_raw(obj))
    }

    /// Runs `compiled` as the main program, in the `__main__` module, with `file` as its
    /// `__file__`.
    pub fn run_main(&mut self, compiled: &CompiledModule, file: &str) -> PyResult<()> {
        let mark = self.stack_mark();
        let main = self.main_module()?;
        let slot = self.root(main)?;
        let file = self.new_str(file)?;
        self.dict_store_qstr(self.module_globals(self.slot(slot)), qstrs::FILE, file)?;
        let result = self.exec_module(compiled, self.slot(slot));
        self.stack_release(mark);
        result.map(|_| ())
    }

    /// Runs `compiled` (a REPL input) in the `__main__` module's globals, in a module context
    /// of its own (each compiled unit has its own qstr and constant tables).
    pub fn exec_in_main(&mut self, compiled: &CompiledModule) -> PyResult<()> {
        let mark = self.stack_mark();
        let main = self.main_module()?;
        let context = self.new_module(Obj::NONE)?;
        let globals = self.module_globals(main);
        self.arena_mut()
            .store_u32(context.raw() + module::GLOBALS, globals.raw());
        let result = self.exec_module(compiled, context);
        self.stack_release(mark);
        result.map(|_| ())
    }

    /// The `__main__` module (`import __main__`), made on first use.
    pub fn main_module(&mut self) -> PyResult<Obj> {
        if self.heap.root(self.modules.main) == Obj::NULL {
            let main = self.new_module(Obj::qstr(qstrs::MAIN).unwrap_or(Obj::NONE))?;
            self.heap.set_root(self.modules.main, main);
        }
        Ok(self.heap.root(self.modules.main))
    }

    /// The `builtins` module: its globals are the builtins dict itself, so a program that
    /// stores into it overrides builtins (`MICROPY_CAN_OVERRIDE_BUILTINS`).
    fn builtins_module(&mut self) -> PyResult<Obj> {
        if self.heap.root(self.modules.builtins_module) == Obj::NULL {
            let name = Obj::qstr(self.intern("builtins")?).unwrap_or(Obj::NONE);
            let builtins = self.builtins();
            self.dict_store_qstr(builtins, qstrs::NAME, name)?;
            let module = self.alloc_obj(ty::MODULE, module::SIZE)?;
            let builtins = self.builtins();
            self.arena_mut()
                .store_u32(module + module::GLOBALS, builtins.raw());
            self.heap
                .set_root(self.modules.builtins_module, Obj::from_raw(module));
        }
        Ok(self.heap.root(self.modules.builtins_module))
    }

    /// Whether `obj` is a package: a module with `__path__`.
    pub fn is_package(&mut self, obj: Obj) -> PyResult<bool> {
        if self.type_of(obj) != ty::MODULE {
            return Ok(false);
        }
        let globals = self.module_globals(obj);
        Ok(self.dict_get_qstr(globals, qstrs::PATH)?.is_some())
    }

    /// A module's `__name__` if it is a qstr (as MicroPython's messages name it), else "".
    pub fn module_name(&mut self, module_obj: Obj) -> String {
        let globals = self.module_globals(module_obj);
        match self.dict_get_qstr(globals, qstrs::NAME) {
            Ok(Some(name)) if name.is_qstr() => self.str_text(name),
            _ => String::new(),
        }
    }

    /// A module's globals dict.
    pub fn module_globals(&self, module_obj: Obj) -> Obj {
        Obj::from_raw(self.arena().load_u32(module_obj.raw() + module::GLOBALS))
    }

    /// `sys.modules`.
    pub fn loaded_modules(&mut self) -> PyResult<Obj> {
        self.state_dict(self.modules.loaded)
    }

    /// `sys.path`.
    pub fn sys_path(&mut self) -> PyResult<Obj> {
        self.sys_mutable(sys::PATH)
    }

    /// `sys.argv`.
    pub fn sys_argv(&mut self) -> PyResult<Obj> {
        self.state_list(self.modules.argv)
    }

    /// Replaces `sys.path`'s items with `entries` (the embedder's search path).
    pub fn set_sys_path(&mut self, entries: &[String]) -> PyResult<()> {
        let list = self.sys_path()?;
        self.fill_list(list, entries)
    }

    /// Replaces `sys.argv`'s items with `args`.
    pub fn set_sys_argv(&mut self, args: &[String]) -> PyResult<()> {
        let list = self.sys_argv()?;
        self.fill_list(list, args)
    }

    fn fill_list(&mut self, list: Obj, items: &[String]) -> PyResult<()> {
        let slot = self.root(list)?;
        self.list_set_len(list, 0);
        for item in items {
            let text = self.new_str(item)?;
            self.list_append(self.slot(slot), text)?;
        }
        Ok(())
    }

    fn state_dict(&mut self, root: RootId) -> PyResult<Obj> {
        if self.heap.root(root) == Obj::NULL {
            let dict = self.new_dict(0)?;
            self.heap.set_root(root, dict);
        }
        Ok(self.heap.root(root))
    }

    pub(crate) fn state_list(&mut self, root: RootId) -> PyResult<Obj> {
        if self.heap.root(root) == Obj::NULL {
            let list = self.new_list(&[])?;
            self.heap.set_root(root, list);
        }
        Ok(self.heap.root(root))
    }

    /// The options `.py` modules are compiled with when imported.
    pub fn set_compile_options(&mut self, options: CompileOptions) {
        self.modules.compile_options = options;
    }

    /// Gives the VM a native code backend: from then on every compile ([`Vm::compile`]: the
    /// main program, imports, `exec`/`eval`, the REPL) turns `@micropython.native` and
    /// `@micropython.viper` functions into machine code. `vm` cannot name the backends
    /// (they live in `targets/`, which depends on `vm`), so the program running the VM
    /// passes one in.
    pub fn set_native_backend(&mut self, backend: Box<dyn NativeBackend>) {
        self.modules.native_backend = Some(backend);
    }

    /// Compiles `source` with `opts` and this VM's native backend, if any.
    pub fn compile(
        &self,
        source: &str,
        file: &str,
        opts: &CompileOptions,
    ) -> Result<CompiledModule, crate::error::CompileError> {
        crate::compile::compile_source_with(
            source,
            file,
            opts,
            self.modules.native_backend.as_deref(),
        )
    }

    /// The builtin module named `name` among the extensible or the other ones
    /// (`mp_module_get_builtin`), built on first use; `None` if there is none. `usys` is
    /// `sys`, and `u<name>` an extensible `<name>` even when looking for the others.
    pub fn builtin_module(&mut self, name: &str, extensible: bool) -> PyResult<Option<Obj>> {
        let find = |name: &str, extensible: bool| {
            BUILTIN_MODULES
                .iter()
                .position(|def| def.name == name && def.extensible == extensible)
        };
        if !extensible {
            match name {
                "__main__" => return Ok(Some(self.main_module()?)),
                "builtins" => return self.builtins_module().map(Some),
                _ => {}
            }
        }
        let found = find(name, extensible).or_else(|| match name.strip_prefix('u') {
            Some("sys") => find("sys", false),
            Some(base) if !extensible => find(base, true),
            _ => None,
        });
        let Some(index) = found else {
            return Ok(None);
        };
        let name = BUILTIN_MODULES[index].name;
        let cache = self.state_dict(self.modules.builtin)?;
        let q = self.intern(name)?;
        if let Some(module) = self.dict_get_qstr(cache, q)? {
            return Ok(Some(module));
        }
        let module = self.build_module(index, q)?;
        let cache = self.heap.root(self.modules.builtin);
        self.dict_store_qstr(cache, q, module)?;
        Ok(Some(module))
    }

    fn build_module(&mut self, index: usize, name: u32) -> PyResult<Obj> {
        let def = BUILTIN_MODULES[index];
        let module = self.new_module(Obj::qstr(name).unwrap_or(Obj::NONE))?;
        let module_slot = self.root(module)?;
        let builder = ModuleBuilder {
            globals: self.root(self.module_globals(module))?,
        };
        let first = crate::builtins::FIRST_MODULE_FUN
            + BUILTIN_MODULES[..index]
                .iter()
                .map(|def| def.functions.len() as u32)
                .sum::<u32>();
        for (i, &(fun_name, _)) in def.functions.iter().enumerate() {
            let fun = crate::builtins::fun_obj(first + i as u32);
            match fun_name.split_once('.') {
                Some((class, method)) => native::add_method(self, &builder, class, method, fun)?,
                None => builder.set(self, fun_name, fun)?,
            }
        }
        (def.attrs)(self, &builder)?;
        let globals = self.slot(builder.globals);
        Self::dict_map(globals).set_fixed(&mut self.heap);
        Ok(self.slot(module_slot))
    }

    /// `LOAD_ATTR` on a module: its globals, `__dict__`, then the module's `__getattr__`.
    pub fn module_attr(&mut self, module_obj: Obj, q: u32) -> PyResult<Option<Obj>> {
        let globals = self.module_globals(module_obj);
        if let Some(value) = self.dict_get_qstr(globals, q)? {
            return Ok(Some(value));
        }
        if q == qstrs::DICT {
            return Ok(Some(globals));
        }
        if q != qstrs::GETATTR {
            if let Some(getattr) = self.dict_get_qstr(globals, qstrs::GETATTR)? {
                let name = Obj::qstr(q).unwrap_or(Obj::NONE);
                return self.call_objs(getattr, &[name]).map(Some);
            }
        }
        if self.is_sys(globals)? {
            return self.sys_mutable_attr(q, None);
        }
        Ok(None)
    }

    /// Whether `globals` are the `sys` module's, whose rebindable attributes live in VM state.
    fn is_sys(&mut self, globals: Obj) -> PyResult<bool> {
        if !Self::dict_map(globals).is_fixed(&self.heap) {
            return Ok(false);
        }
        let name = self.dict_get_qstr(globals, qstrs::NAME)?;
        Ok(name
            .and_then(Obj::as_qstr)
            .is_some_and(|q| self.qstr_str(q) == "sys"))
    }

    /// `STORE_ATTR`/`DELETE_ATTR` on a module (`value` `NULL` deletes); false if the module
    /// is builtin (read-only but for `sys`'s rebindable attributes). Deleting an absent name
    /// raises `KeyError`, as in MicroPython.
    pub fn module_store_attr(&mut self, module_obj: Obj, q: u32, value: Obj) -> PyResult<bool> {
        let globals = self.module_globals(module_obj);
        if Self::dict_map(globals).is_fixed(&self.heap) {
            let rebound = value != Obj::NULL
                && self.is_sys(globals)?
                && self.sys_mutable_attr(q, Some(value))?.is_some();
            return Ok(rebound);
        }
        let key = Obj::qstr(q).unwrap_or(Obj::NONE);
        if value != Obj::NULL {
            self.dict_store(globals, key, value)?;
        } else if self.dict_remove(globals, key)?.is_none() {
            let args = self.new_tuple(&[key])?;
            let exc = self.new_exception(ty::KEY_ERROR, args)?;
            return Err(self.raise(exc));
        }
        Ok(true)
    }
}

impl Vm {
    /// `<module 'name'>`, or `<module 'name' from 'file'>` for a module loaded from a file.
    pub fn module_repr(&mut self, module_obj: Obj) -> PyResult<String> {
        let globals = self.module_globals(module_obj);
        let name = match self.dict_get_qstr(globals, qstrs::NAME)? {
            Some(name) => self.str_of(name)?,
            None => String::new(),
        };
        Ok(match self.dict_get_qstr(globals, qstrs::FILE)? {
            Some(file) => format!("<module '{name}' from '{}'>", self.str_of(file)?),
            None => format!("<module '{name}'>"),
        })
    }
}

#[cfg(test)]
mod tests;
