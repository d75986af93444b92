//! `exec` and `eval` of source text (`py/builtinevex.c`): compiled as the program was, named
//! `<string>`, and run in the caller's namespaces or the dicts given.
use super::call::Args;
use super::{PyResult, Vm};
use crate::compile::compile_source;
use crate::objects::ty;
use crate::parser::InputMode;
use crate::runtime::layout::module;
use crate::runtime::obj::Obj;

/// `exec(source, globals=None, locals=None)`.
pub fn builtin_exec(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    eval_exec(vm, args, InputMode::File).map(|_| Obj::NONE)
}

/// `eval(source, globals=None, locals=None)`.
pub fn builtin_eval(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    eval_exec(vm, args, InputMode::Eval)
}

fn eval_exec(vm: &mut Vm, args: Args, mode: InputMode) -> PyResult<Obj> {
    crate::builtins::arity(vm, &args, 1, 3)?;
    let no_args = Args { n_pos: 0, ..args };
    let mut globals = crate::modules::builtin_globals(vm, no_args)?;
    let mut locals = crate::modules::builtin_locals(vm, no_args)?;
    // A dict given for globals is the locals too, unless locals are given as well.
    for i in 1..args.n_pos {
        let namespace = vm.arg(&args, i);
        if namespace == Obj::NONE {
            continue;
        }
        if vm.type_of(namespace) != ty::DICT {
            return Err(vm.raise_type(ty::TYPE_ERROR));
        }
        locals = namespace;
        if i == 1 {
            globals = namespace;
        }
    }
    let source = vm.arg(&args, 0);
    if !(vm.is_str(source) || vm.is_bytes(source)) {
        let name = vm.type_name_of(source);
        let msg = format!("object with buffer protocol required, not '{name}'");
        return Err(vm.type_error(&msg));
    }
    let source = String::from_utf8_lossy(&vm.str_bytes(source)).into_owned();
    let options = crate::compile::CompileOptions {
        mode,
        ..vm.modules.compile_options
    };
    let compiled = match compile_source(&source, "<string>", &options) {
        Ok(compiled) => compiled,
        Err(err) => {
            let file = vm.intern("<string>")?;
            return Err(vm.raise_compile_error(&err, file));
        }
    };
    let mark = vm.stack_mark();
    let globals = vm.root(globals)?;
    let locals = vm.root(locals)?;
    // The code's module context shares the namespace dict, as MicroPython's does.
    let context = vm.new_module(Obj::NONE)?;
    let globals = vm.slot(globals);
    vm.arena_mut()
        .store_u32(context.raw() + module::GLOBALS, globals.raw());
    let result = vm.exec_module_with_locals(&compiled, context, vm.slot(locals));
    vm.stack_release(mark);
    result
}
