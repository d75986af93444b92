//! `sys` (`py/modsys.c`) as the unix port's standard variant configures it: `argv`, `path`,
//! `modules`, the standard streams, `implementation`, `exc_info`, `atexit`, ... `path`,
//! `ps1` and `ps2` live in VM state and may be rebound (`sys.path = [...]`), as MicroPython's
//! delegated `sys_mutable` attributes.
use super::{stdio, ModuleBuilder, ModuleDef};
use crate::builtins::arity;
use crate::interp::call::Args;
use crate::interp::{PyResult, Vm};
use crate::objects::{qstrs, ty, EMPTY_TUPLE_OBJ};
use crate::runtime::obj::Obj;

/// MicroPython's banner: name and version (`MICROPY_BANNER_NAME_AND_VERSION`).
pub const VERSION_BANNER: &str = concat!(
    "MicroPython v1.29.0 (krait ",
    env!("CARGO_PKG_VERSION"),
    ")"
);
/// `MICROPY_BANNER_MACHINE`, also `sys.implementation._machine`.
pub const MACHINE: &str = "linux [krait] version";
/// `sys.implementation._mpy`: the `.mpy` version (6), sub-version (3) and native
/// architecture (x64, 2) the unix x64 port loads (`MPY_FILE_HEADER_INT`).
pub const MPY: i64 = 6 | ((3 | (2 << 2)) << 8);

/// The rebindable attributes, in `ModuleState::sys_mutable`'s order.
pub const MUTABLE: [&str; 3] = ["path", "ps1", "ps2"];
pub const PATH: usize = 0;

pub const MODULE: ModuleDef = ModuleDef {
    name: "sys",
    extensible: false,
    functions: &[
        ("exit", exit),
        ("print_exception", print_exception),
        ("exc_info", exc_info),
        ("atexit", atexit),
    ],
    attrs,
};

fn attrs(vm: &mut Vm, module: &ModuleBuilder) -> PyResult<()> {
    let argv = vm.sys_argv()?;
    module.set(vm, "argv", argv)?;
    module.set_str(vm, "version", &format!("3.4.0; {VERSION_BANNER}"))?;
    let version_info = int_tuple(vm, &[3, 4, 0])?;
    module.set(vm, "version_info", version_info)?;
    let implementation = implementation(vm)?;
    module.set(vm, "implementation", implementation)?;
    module.set_str(vm, "platform", "linux")?;
    module.set_str(vm, "byteorder", "little")?;
    // krait's machine word is 32 bits (MicroPython's `mp_int_t` on a 32-bit port).
    module.set_int(vm, "maxsize", i64::from(i32::MAX))?;
    for (name, fd) in [
        ("stdin", stdio::STDIN),
        ("stdout", stdio::STDOUT),
        ("stderr", stdio::STDERR),
    ] {
        let stream = vm.new_stream(fd)?;
        module.set(vm, name, stream)?;
    }
    let modules = vm.loaded_modules()?;
    module.set(vm, "modules", modules)?;
    let executable = vm.modules.executable.clone();
    module.set_str(vm, "executable", &executable)
}

fn int_tuple(vm: &mut Vm, items: &[i64]) -> PyResult<Obj> {
    let items: Vec<Obj> = items
        .iter()
        .map(|&i| Obj::small_int(i).unwrap_or(Obj::NONE))
        .collect();
    vm.new_tuple(&items)
}

/// `(name='micropython', version=(1, 29, 0, ''), _machine=..., _mpy=..., _build='standard')`.
fn implementation(vm: &mut Vm) -> PyResult<Obj> {
    let mark = vm.stack_mark();
    let name = Obj::qstr(vm.intern("micropython")?).unwrap_or(Obj::NONE);
    let version = {
        let parts = [1, 29, 0].map(|i| Obj::small_int(i).unwrap_or(Obj::NONE));
        let release = Obj::qstr(qstrs::EMPTY).unwrap_or(Obj::NONE);
        vm.new_tuple(&[parts[0], parts[1], parts[2], release])?
    };
    let version = vm.root(version)?;
    let machine = vm.new_str(MACHINE)?;
    let machine = vm.root(machine)?;
    let build = vm.new_str("standard")?;
    let values = [
        name,
        vm.slot(version),
        vm.slot(machine),
        Obj::small_int(MPY).unwrap_or(Obj::NONE),
        build,
    ];
    let names = ["name", "version", "_machine", "_mpy", "_build"];
    let result = vm.new_attrtuple(&names, &values);
    vm.stack_release(mark);
    result
}

impl Vm {
    /// `sys.executable`, as the embedder found it.
    pub fn set_sys_executable(&mut self, path: &str) {
        self.modules.executable = path.to_string();
    }

    /// Rebindable `sys` attribute `index` of [`MUTABLE`], made with its default on first use.
    pub(crate) fn sys_mutable(&mut self, index: usize) -> PyResult<Obj> {
        let root = self.modules.sys_mutable[index];
        if self.heap.root(root) != Obj::NULL {
            return Ok(self.heap.root(root));
        }
        let value = match index {
            PATH => self.new_list(&[])?,
            1 => self.new_str(">>> ")?,
            _ => self.new_str("... ")?,
        };
        self.heap.set_root(root, value);
        Ok(value)
    }

    /// Loads (`value` `None`) or rebinds a delegated `sys` attribute; `None` if `q` is not one.
    pub(crate) fn sys_mutable_attr(&mut self, q: u32, value: Option<Obj>) -> PyResult<Option<Obj>> {
        let name = self.qstr_str(q);
        let Some(index) = MUTABLE.iter().position(|&m| m == name) else {
            return Ok(None);
        };
        match value {
            Some(value) => {
                self.heap.set_root(self.modules.sys_mutable[index], value);
                Ok(Some(value))
            }
            None => self.sys_mutable(index).map(Some),
        }
    }

    /// Records the exception an `except` or `finally` block is handling (`NULL`: none).
    pub(crate) fn set_cur_exception(&mut self, exc: Obj) {
        self.heap.set_root(self.modules.cur_exception, exc);
    }

    /// Runs the function `sys.atexit` registered, if any (the embedder calls this last).
    pub fn run_atexit(&mut self) -> PyResult<()> {
        let fun = self.heap.root(self.modules.exit_func);
        if fun == Obj::NULL || fun == Obj::NONE {
            return Ok(());
        }
        self.call_objs(fun, &[]).map(|_| ())
    }
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

/// `sys.print_exception(exc, file=sys.stdout)`: the traceback and message, as an uncaught
/// exception prints them.
fn print_exception(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 2)?;
    let text = vm.format_exception(vm.arg(&args, 0));
    if args.n_pos < 2 {
        vm.write_stdio(stdio::STDOUT, text.as_bytes());
        return Ok(Obj::NONE);
    }
    vm.stream_write(vm.arg(&args, 1), &text)?;
    Ok(Obj::NONE)
}

/// `sys.exc_info()`: `(type, exception, None)` of the exception being handled, or three
/// `None`s.
fn exc_info(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 0, 0)?;
    let exc = vm.heap.root(vm.modules.cur_exception);
    if exc == Obj::NULL {
        return vm.new_tuple(&[Obj::NONE; 3]);
    }
    let exc_type = Obj::from_raw(vm.type_of(exc));
    vm.new_tuple(&[exc_type, exc, Obj::NONE])
}

/// `sys.atexit(func)`: registers the function to run when the program ends; returns the one
/// it replaces.
fn atexit(vm: &mut Vm, args: Args) -> PyResult<Obj> {
    arity(vm, &args, 1, 1)?;
    let old = vm.heap.root(vm.modules.exit_func);
    vm.heap.set_root(vm.modules.exit_func, vm.arg(&args, 0));
    Ok(if old == Obj::NULL { Obj::NONE } else { old })
}
