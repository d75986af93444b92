//! `sys` (`py/modsys.c`), as the unix port's standard variant configures it.
use super::{stdio, ModuleBuilder, ModuleDef};
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::{ty, EMPTY_TUPLE_OBJ};
use crate::runtime::obj::Obj;

/// MicroPython's banner: name and version (`MICROPY_BANNER_NAME_AND_VERSION`).
pub const VERSION_BANNER: &str = concat!(
    "MicroPython v1.29.0 (krait ",
    env!("CARGO_PKG_VERSION"),
    ")"
);
/// `MICROPY_BANNER_MACHINE`, also `sys.implementation._machine`.
pub const MACHINE: &str = "linux [krait] version";

pub const MODULE: ModuleDef = ModuleDef {
    name: "sys",
    extensible: false,
    functions: &[("exit", exit)],
    attrs,
};

fn attrs(vm: &mut Vm, module: &ModuleBuilder) -> PyResult<()> {
    let path = vm.sys_path()?;
    module.set(vm, "path", path)?;
    let argv = vm.sys_argv()?;
    module.set(vm, "argv", argv)?;
    let modules = vm.loaded_modules()?;
    module.set(vm, "modules", modules)?;
    for (name, fd) in [
        ("stdin", stdio::STDIN),
        ("stdout", stdio::STDOUT),
        ("stderr", stdio::STDERR),
    ] {
        let stream = vm.new_stream(fd)?;
        module.set(vm, name, stream)?;
    }
    module.set_str(vm, "platform", "linux")?;
    module.set_str(vm, "byteorder", "little")?;
    // krait's machine word is 32 bits (MicroPython's `mp_int_t` on a 32-bit port).
    module.set_int(vm, "maxsize", i64::from(i32::MAX))
}

/// `sys.exit([status])`: raises `SystemExit`.
fn exit(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 1)?;
    let exc_args = if args.n_pos == 0 {
        Obj::from_raw(EMPTY_TUPLE_OBJ)
    } else {
        vm.new_tuple(&[vm.arg(&args, 0)])?
    };
    let exc = vm.new_exception(ty::SYSTEM_EXIT, exc_args)?;
    Err(vm.raise(exc))
}
