//! `import` (`py/builtinimport.c` and the `mp_import_*` helpers of `py/runtime.c`).
//!
//! A dotted name is imported one component at a time (`a`, then `a.b`, then `a.b.c`), each
//! component from `sys.modules` if it is there, else: a top-level name is a non-extensible
//! builtin module, else a directory, `name.py` or `name.mpy` in the first `sys.path` entry
//! that has one, else an extensible builtin module; a submodule is looked up in its parent
//! package's `__path__` directory. A directory is a package (its `__init__.py` is optional)
//! and gets `__path__`. A module found on disk is entered in `sys.modules` before its code
//! runs (so circular imports see it half-built) and removed again if that code raises.
use super::call::Args;
use super::{PyResult, Raise, Vm};

use crate::error::{CompileError, ErrorKind};
use crate::objects::exception::TracebackEntry;
use crate::objects::{qstrs, ty};
use crate::runtime::obj::Obj;
use std::path::Path;

/// What a path names (`mp_import_stat_t`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stat {
    NoExist,
    Dir,
    File,
}

fn stat(path: &str) -> Stat {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Stat::Dir,
        Ok(_) => Stat::File,
        Err(_) => Stat::NoExist,
    }
}

/// `path.py`, else `path.mpy`: the file that exists, if any.
fn py_or_mpy(path: &str) -> Option<String> {
    [".py", ".mpy"]
        .iter()
        .map(|ext| format!("{path}{ext}"))
        .find(|file| stat(file) == Stat::File)
}

/// A module on disk: a package directory, or a `.py`/`.mpy` file.
enum Found {
    Package(String),
    File(String),
}

/// `path` as a package directory or a module file (`stat_module`).
fn find_at(path: String) -> Option<Found> {
    if stat(&path) == Stat::Dir {
        return Some(Found::Package(path));
    }
    py_or_mpy(&path).map(Found::File)
}

/// The exception class a compile error raises (`ViperTypeError` a `TypeError` subclass).
pub fn compile_error_type(kind: ErrorKind) -> u32 {
    match kind {
        ErrorKind::SyntaxError => ty::SYNTAX_ERROR,
        ErrorKind::IndentationError => ty::INDENTATION_ERROR,
        ErrorKind::ValueError => ty::VALUE_ERROR,
        ErrorKind::NotImplementedError => ty::NOT_IMPLEMENTED_ERROR,
        ErrorKind::OverflowError => ty::OVERFLOW_ERROR,
        ErrorKind::MemoryError => ty::MEMORY_ERROR,
        ErrorKind::ViperTypeError => ty::VIPER_TYPE_ERROR,
    }
}

impl Vm {
    /// `IMPORT_NAME` (`mp_import_name`): imports `name` as `import`/`from ... import` do, with
    /// the importing code's `globals` for relative imports; or calls the `__import__` a
    /// program stored in `builtins`.
    pub fn import_name(
        &mut self,
        name: u32,
        fromlist: Obj,
        level: Obj,
        globals: Obj,
    ) -> PyResult<Obj> {
        let builtins = self.builtins();
        if let Some(import) = self.dict_get_qstr(builtins, qstrs::IMPORT)? {
            if import != crate::builtins::import_fun() {
                let name = Obj::qstr(name).unwrap_or(Obj::NONE);
                return self.call_objs(import, &[name, globals, Obj::NONE, fromlist, level]);
            }
        }
        let name = self.qstr_str(name).to_string();
        let level = i64::from(level.as_small_int().unwrap_or(0));
        self.import_module(&name, globals, fromlist, level)
    }

    /// `__import__(name, globals, locals, fromlist, level)` (`mp_builtin___import__`): the
    /// top-level package, or with a non-`None` `fromlist` the named module itself. A
    /// `fromlist` of `False` is the unix port's `-m` (the module runs as `__main__`).
    pub fn import_module(
        &mut self,
        name: &str,
        globals: Obj,
        fromlist: Obj,
        level: i64,
    ) -> PyResult<Obj> {
        if level < 0 {
            return Err(self.raise_type(ty::VALUE_ERROR));
        }
        let mark = self.stack_mark();
        let fromlist_slot = self.root(fromlist)?;
        let name = if level > 0 {
            self.resolve_relative(name, level, globals)?
        } else {
            name.to_string()
        };
        if name.is_empty() {
            return Err(self.raise_type(ty::VALUE_ERROR));
        }
        let top = self.root(Obj::NULL)?;
        let outer = self.root(Obj::NULL)?;
        let components: Vec<&str> = name.split('.').collect();
        for (i, level_name) in components.iter().enumerate() {
            let full = components[..=i].join(".");
            let last = i + 1 == components.len();
            let override_main = last && self.slot(fromlist_slot) == Obj::FALSE;
            let module =
                self.import_at_level(&full, level_name, self.slot(outer), override_main)?;
            self.set_slot(outer, module);
            if self.slot(top) == Obj::NULL {
                self.set_slot(top, module);
            }
        }
        let result = if self.slot(fromlist_slot) == Obj::NONE {
            self.slot(top)
        } else {
            self.slot(outer)
        };
        self.stack_release(mark);
        Ok(result)
    }

    /// `evaluate_relative_import`: `name` imported `level` dots up from the module whose
    /// globals are `globals`.
    fn resolve_relative(&mut self, name: &str, mut level: i64, globals: Obj) -> PyResult<String> {
        if self.type_of(globals) != ty::DICT {
            return Err(self.raise_type(ty::TYPE_ERROR));
        }
        let slot = self.root(globals)?;
        let mut current = self.dict_get_qstr(globals, qstrs::NAME)?;
        if current == Obj::qstr(qstrs::MAIN) {
            // A module run by `-m` keeps its real name under `__main__`.
            if let Some(real) = self.dict_get_qstr(self.slot(slot), qstrs::MAIN)? {
                current = Some(real);
            }
        }
        let current = match current {
            Some(name) => self.str_of(name)?,
            None => String::new(),
        };
        if self.dict_get_qstr(self.slot(slot), qstrs::PATH)?.is_some() {
            // A package's relative imports start inside it.
            level -= 1;
        }
        let mut end = current.len();
        while level > 0 && end > 0 {
            end -= 1;
            if current.as_bytes()[end] == b'.' {
                level -= 1;
            }
        }
        if end == 0 {
            return Err(self.raise_msg(ty::IMPORT_ERROR, "can't perform relative import"));
        }
        let base = &current[..end];
        Ok(if name.is_empty() {
            base.to_string()
        } else {
            format!("{base}.{name}")
        })
    }

    /// `process_import_at_level`: module `full` (whose last component is `level_name`),
    /// inside package `outer` (`NULL` at the top).
    fn import_at_level(
        &mut self,
        full: &str,
        level_name: &str,
        outer: Obj,
        override_main: bool,
    ) -> PyResult<Obj> {
        let outer_slot = self.root(outer)?;
        let full_q = self.intern(full)?;
        let full_key = Obj::qstr(full_q).unwrap_or(Obj::NONE);
        let sys_path = self.sys_path()?;
        // An empty sys.path asks for builtins only, so file modules loaded before are ignored.
        if self.len_of(sys_path)? > 0 {
            let loaded = self.loaded_modules()?;
            if let Some(module) = self.dict_get(loaded, full_key)? {
                return Ok(module);
            }
        }
        let found = if outer == Obj::NULL {
            if let Some(module) = self.builtin_module(level_name, false)? {
                return Ok(module);
            }
            match self.find_top_level(level_name)? {
                Some(found) => Some(found),
                None => match self.builtin_module(level_name, true)? {
                    Some(module) => return Ok(module),
                    None => None,
                },
            }
        } else {
            match self.find_method(outer, qstrs::PATH)? {
                Some((dir, _)) => {
                    let dir = self.str_of(dir)?;
                    find_at(format!("{dir}/{level_name}"))
                }
                None => None,
            }
        };
        let Some(found) = found else {
            return Err(self.raise_msg(ty::IMPORT_ERROR, &format!("no module named '{full}'")));
        };
        let module = self.new_module(full_key)?;
        let module_slot = self.root(module)?;
        let loaded = self.loaded_modules()?;
        self.dict_store(loaded, full_key, module)?;
        let result = self.load_found(module, &found, full_key, override_main);
        if let Err(raise) = result {
            let loaded = self.loaded_modules()?;
            self.dict_remove(loaded, full_key)?;
            return Err(raise);
        }
        let module = self.slot(module_slot);
        let outer = self.slot(outer_slot);
        if outer != Obj::NULL {
            let level_q = self.intern(level_name)?;
            self.store_attr(outer, level_q, module)?;
        }
        Ok(self.slot(module_slot))
    }

    /// Runs a module found on disk in its new module object.
    fn load_found(
        &mut self,
        module: Obj,
        found: &Found,
        full_key: Obj,
        override_main: bool,
    ) -> PyResult<()> {
        let slot = self.root(module)?;
        let globals = self.module_globals(module);
        let main = Obj::qstr(qstrs::MAIN).unwrap_or(Obj::NONE);
        if override_main && matches!(found, Found::File(_)) {
            // `-m`: the module runs as `__main__`, keeping its real name for relative imports.
            self.dict_store_qstr(globals, qstrs::NAME, main)?;
            let loaded = self.loaded_modules()?;
            self.dict_store(loaded, main, self.slot(slot))?;
            self.dict_store_qstr(self.module_globals(self.slot(slot)), qstrs::MAIN, full_key)?;
        }
        match found {
            Found::Package(dir) => {
                let path = self.new_str(dir)?;
                self.dict_store_qstr(self.module_globals(self.slot(slot)), qstrs::PATH, path)?;
                match py_or_mpy(&format!("{dir}/__init__")) {
                    Some(file) => self.load_file(self.slot(slot), &file),
                    None => Ok(()),
                }
            }
            Found::File(file) => self.load_file(self.slot(slot), file),
        }
    }

    /// `stat_top_level`: `name` in the first `sys.path` entry that has it.
    fn find_top_level(&mut self, name: &str) -> PyResult<Option<Found>> {
        let sys_path = self.sys_path()?;
        for entry in self.seq_items(sys_path) {
            let entry = self.str_of(entry)?;
            let path = if entry.is_empty() {
                name.to_string()
            } else {
                format!("{entry}/{name}")
            };
            if let Some(found) = find_at(path) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// `do_load`: compiles (`.py`, with the program's compile options) or reads (`.mpy`)
    /// `file` and runs it in `module`, whose `__file__` it becomes.
    fn load_file(&mut self, module: Obj, file: &str) -> PyResult<()> {
        let slot = self.root(module)?;
        let file_q = self.intern(file)?;
        let globals = self.module_globals(module);
        self.dict_store_qstr(globals, qstrs::FILE, Obj::qstr(file_q).unwrap_or(Obj::NONE))?;
        let bytes = match std::fs::read(Path::new(file)) {
            Ok(bytes) => bytes,
            Err(err) => return Err(self.os_error(&err)),
        };
        let compiled = if file.ends_with(".mpy") {
            match crate::mpy::read(&bytes) {
                Ok(compiled) => compiled,
                Err(err) => return Err(self.value_error(&err.to_string())),
            }
        } else {
            let source = String::from_utf8_lossy(&bytes);
            match self.compile(&source, file, &self.modules.compile_options) {
                Ok(compiled) => compiled,
                Err(err) => return Err(self.raise_compile_error(&err, file_q)),
            }
        };
        self.exec_module(&compiled, self.slot(slot)).map(|_| ())
    }

    /// `OSError(errno)` for a failed host operation.
    pub fn os_error(&mut self, err: &std::io::Error) -> Raise {
        let errno = Obj::small_int(i64::from(err.raw_os_error().unwrap_or(0))).unwrap_or(Obj::NONE);
        match self.new_tuple(&[errno]) {
            Ok(args) => match self.new_exception(ty::OS_ERROR, args) {
                Ok(exc) => self.raise(exc),
                Err(raise) => raise,
            },
            Err(raise) => raise,
        }
    }

    /// Raises the exception MicroPython raises for a compile error in `file`, with the
    /// traceback entry its parser or compiler adds (no scope for parser errors).
    pub fn raise_compile_error(&mut self, err: &CompileError, file: u32) -> Raise {
        let exc_type = compile_error_type(err.kind);
        let block = match &err.scope {
            Some(scope) => match self.intern(scope) {
                Ok(q) => q,
                Err(raise) => return raise,
            },
            None => 0,
        };
        let exc = match self.new_exception_msg(exc_type, &err.message) {
            Ok(exc) => exc,
            Err(raise) => return raise,
        };
        // Raising roots the exception before the traceback entry allocates.
        let raise = self.raise(exc);
        if err.line != 0 {
            let entry = TracebackEntry {
                file,
                line: err.line,
                block,
            };
            self.add_traceback(exc, entry);
        }
        raise
    }

    /// `IMPORT_FROM` (`mp_import_from`): attribute `name` of `module`, else its submodule
    /// `name` if `module` is a package.
    pub fn import_from(&mut self, module: Obj, name: u32) -> PyResult<Obj> {
        let slot = self.root(module)?;
        if let Some((value, self_obj)) = self.find_method(module, name)? {
            if self_obj != Obj::NULL {
                return self.new_bound_method(value, self_obj);
            }
            return Ok(value);
        }
        if self.is_package(self.slot(slot))? {
            if let Some((package, _)) = self.find_method(self.slot(slot), qstrs::NAME)? {
                let package = self.str_of(package)?;
                let full = format!("{package}.{}", self.qstr_str(name));
                return self.import_module(&full, Obj::NONE, Obj::TRUE, 0);
            }
        }
        let msg = format!("can't import name {}", self.qstr_str(name));
        Err(self.raise_msg(ty::IMPORT_ERROR, &msg))
    }

    /// `IMPORT_STAR` (`mp_import_all`): stores the names of `__all__`, else every public name
    /// of `module`, into the `locals` dict.
    pub fn import_all(&mut self, module: Obj, locals: Obj) -> PyResult<()> {
        let mark = self.stack_mark();
        let module_slot = self.root(module)?;
        let locals_slot = self.root(locals)?;
        // A module `__getattr__` refusing `__all__` with AttributeError means there is none.
        let all = match self.find_method(module, qstrs::ALL) {
            Err(raise) => {
                let exc = self.pending_exception();
                if !self.is_subclass(self.type_of(exc), ty::ATTRIBUTE_ERROR) {
                    return Err(raise);
                }
                None
            }
            Ok(found) => found,
        };
        if let Some((all, _)) = all {
            let all_slot = self.root(all)?;
            let n = self.len_of(all)?;
            for i in 0..n {
                let index = self.new_int(i)?;
                let item = self.subscr(self.slot(all_slot), index)?;
                let name = self.str_to_qstr(item)?;
                let value = self.load_attr(self.slot(module_slot), name)?;
                self.dict_store_qstr(self.slot(locals_slot), name, value)?;
            }
        } else {
            let globals = self.load_attr(module, qstrs::DICT)?;
            for (key, value) in self.dict_entries(globals) {
                if !self.str_text(key).starts_with('_') {
                    self.dict_store(self.slot(locals_slot), key, value)?;
                }
            }
        }
        self.stack_release(mark);
        Ok(())
    }
}

/// The `__import__` builtin: `__import__(name, globals=None, locals=None, fromlist=None,
/// level=0)`, positional only as in MicroPython.
pub fn builtin_import(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    crate::builtins::arity(vm, &args, 1, 5)?;
    let name = vm.expect_str(vm.arg(&args, 0))?;
    let arg_or = |vm: &Vm, i: u32, default: Obj| {
        if args.n_pos > i {
            vm.arg(&args, i)
        } else {
            default
        }
    };
    // Relative imports are relative to the caller's module unless `globals` says otherwise.
    let globals = match arg_or(vm, 1, Obj::NONE) {
        Obj::NONE => vm.scope()?.0,
        globals => globals,
    };
    let fromlist = arg_or(vm, 3, Obj::NONE);
    let level = match arg_or(vm, 4, Obj::NULL) {
        Obj::NULL => 0,
        level => vm.get_int(level)?,
    };
    vm.import_module(&name, globals, fromlist, level)
}
