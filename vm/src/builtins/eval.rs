//! `compile`, `exec`, `eval`, `globals`, `locals` and `__repl_print__`.
//!
//! Source is compiled with the crate's own compiler and loaded like a module whose globals
//! are the dict the caller chose (`mp_parse_compile_execute`); its top level runs with the
//! chosen locals dict as its name scope. A code object (`compile`'s result) is a base, the
//! module context it was loaded into (its globals unset) and its raw code; running it gives it
//! a fresh context with the globals of that run, as `code_execute` does.
use super::functions::arity;
use crate::compile::CompileOptions;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::ty;
use crate::parser::InputMode;
use crate::runtime::layout::{module_context, ModuleContextObj};
use crate::runtime::obj::Obj;

const CODE_CONTEXT: u32 = 4;
const CODE_RAW_CODE: u32 = 8;
const CODE_SIZE: u32 = 12;

/// Compiles `source` and loads it: (module context without globals, raw code).
fn load_source(vm: &mut Vm, source: Obj, file: &str, mode: InputMode) -> PyResult<Obj> {
    // Source is a str or anything with a buffer (bytes, bytearray, memoryview).
    let bytes = if vm.is_str(source) {
        vm.str_bytes(source)
    } else {
        match vm.buffer_bytes_of(source) {
            Some(bytes) => bytes,
            None => return Err(vm.type_error("object with buffer protocol required")),
        }
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let options = CompileOptions {
        mode,
        ..CompileOptions::default()
    };
    let module = match vm.compile(&text, file, &options) {
        Ok(module) => module,
        Err(err) => {
            let kind = crate::interp::import::compile_error_type(err.kind);
            return Err(vm.raise_msg(kind, &err.message));
        }
    };
    let mark = vm.stack_mark();
    // A context with the code's tables; `run_code` copies it with the globals to run in.
    let context = vm.alloc_obj(ty::MODULE, module_context::SIZE)?;
    let context_slot = vm.root(Obj::from_raw(context))?;
    vm.load_context(&module, vm.slot(context_slot))?;
    let rc = vm.load_raw_code(&module.root)?;
    let rc_slot = vm.root(rc)?;
    let code = vm.alloc_obj(ty::CODE, CODE_SIZE)?;
    let (context, rc) = (vm.slot(context_slot), vm.slot(rc_slot));
    vm.arena_mut().store_u32(code + CODE_CONTEXT, context.raw());
    vm.arena_mut().store_u32(code + CODE_RAW_CODE, rc.raw());
    vm.stack_release(mark);
    Ok(Obj::from_raw(code))
}

/// Runs code object `code` with `globals` and `locals` (`code_execute`).
fn run_code(vm: &mut Vm, code: Obj, globals: Obj, locals: Obj) -> PyResult<Obj> {
    let mark = vm.stack_mark();
    let first = vm.root_all(&[code, globals, locals])?;
    let read = |vm: &Vm, i: u32| Obj::from_raw(vm.arena().load_u32(first + 4 * i));
    let context = vm.alloc_obj(ty::MODULE, module_context::SIZE)?;
    let template = ModuleContextObj(vm.arena().load_u32(read(vm, 0).raw() + CODE_CONTEXT));
    let fresh = ModuleContextObj(context);
    let (qstrs, objs) = (
        template.qstr_table(vm.arena()),
        template.obj_table(vm.arena()),
    );
    let globals = read(vm, 1).raw();
    fresh.set_globals(vm.arena_mut(), globals);
    fresh.set_qstr_table(vm.arena_mut(), qstrs);
    fresh.set_obj_table(vm.arena_mut(), objs);
    vm.root(Obj::from_raw(context))?;
    let rc = Obj::from_raw(vm.arena().load_u32(read(vm, 0).raw() + CODE_RAW_CODE));
    let fun = vm.new_function(rc, Obj::from_raw(context), Obj::NONE, Obj::NULL)?;
    vm.root(fun)?;
    let no_args = Args {
        base: vm.stack_mark(),
        n_pos: 0,
        n_kw: 0,
    };
    let frame = vm.setup_frame(fun, no_args)?;
    vm.set_frame_locals(&frame, read(vm, 2));
    let result = vm.run_frame(frame);
    vm.stack_release(mark);
    result
}

/// `exec`/`eval`: the source or code object, then optional globals and locals dicts (`None`
/// for the caller's).
fn eval_exec(vm: &mut Vm, args: Args, mode: InputMode) -> PyResult<Obj> {
    arity(vm, &args, 1, 3)?;
    let (mut globals, mut locals) = vm.scope()?;
    for i in 1..args.n_pos {
        let dict = vm.arg(&args, i);
        if dict == Obj::NONE {
            continue;
        }
        if vm.type_of(dict) != ty::DICT {
            return Err(vm.raise_type(ty::TYPE_ERROR));
        }
        locals = dict;
        if i == 1 {
            globals = dict;
        }
    }
    if globals == Obj::NULL {
        return Err(vm.raise_msg(ty::RUNTIME_ERROR, "no current globals"));
    }
    let source = vm.arg(&args, 0);
    let mark = vm.stack_mark();
    vm.root_all(&[globals, locals])?;
    let code = if vm.type_of(source) == ty::CODE {
        source
    } else {
        load_source(vm, source, "<string>", mode)?
    };
    let result = run_code(vm, code, globals, locals);
    vm.stack_release(mark);
    result
}

pub fn exec(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    eval_exec(vm, args, InputMode::File)
}

pub fn eval(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    eval_exec(vm, args, InputMode::Eval)
}

/// `compile(source, filename, mode)`: a code object for `exec`/`eval`.
pub fn compile(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 3, 6)?;
    for i in 0..2 {
        let arg = vm.arg(&args, i);
        if !vm.is_str(arg) {
            let name = vm.type_name_of(arg);
            let msg = format!("can't convert '{name}' object to str implicitly");
            return Err(vm.type_error(&msg));
        }
    }
    let file = vm.str_text(vm.arg(&args, 1));
    let mode = match vm.str_text(vm.arg(&args, 2)).as_str() {
        "exec" => InputMode::File,
        "eval" => InputMode::Eval,
        "single" => InputMode::Single,
        _ => return Err(vm.value_error("bad compile mode")),
    };
    load_source(vm, vm.arg(&args, 0), &file, mode)
}

pub fn globals(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    Ok(vm.scope()?.0)
}

pub fn locals(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    Ok(vm.scope()?.1)
}

/// What the REPL (and code compiled in "single" mode) does with an expression statement's
/// value: prints its repr unless it is `None`.
pub fn repl_print(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let value = vm.arg(&args, 0);
    if value != Obj::NONE {
        let mut text = vm.repr(value)?;
        text.push('\n');
        vm.write_stdio(crate::modules::stdio::STDOUT, text.as_bytes());
        // The value is kept as `builtins._`, as MicroPython's REPL keeps it.
        let underscore = vm.intern("_")?;
        let builtins = vm.builtins();
        vm.dict_store_qstr(builtins, underscore, vm.arg(&args, 0))?;
    }
    Ok(Obj::NONE)
}
