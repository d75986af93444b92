//! `errno` (`py/moderrno.c`): MicroPython's default list of error numbers, with the values of
//! the host (the unix port uses the system's `errno.h`; these are Linux's), and `errorcode`,
//! the dict from number to name.
use super::{ModuleBuilder, ModuleDef};
use crate::interp::{PyResult, Vm};

pub const MODULE: ModuleDef = ModuleDef {
    name: "errno",
    extensible: true,
    functions: &[],
    attrs,
};

/// `MICROPY_PY_ERRNO_LIST`, in its order, with Linux's numbers.
pub const ERRNO_LIST: &[(&str, i64)] = &[
    ("EPERM", 1),
    ("ENOENT", 2),
    ("EIO", 5),
    ("EBADF", 9),
    ("EAGAIN", 11),
    ("ENOMEM", 12),
    ("EACCES", 13),
    ("EEXIST", 17),
    ("ENODEV", 19),
    ("EISDIR", 21),
    ("EINVAL", 22),
    ("EOPNOTSUPP", 95),
    ("EADDRINUSE", 98),
    ("ECONNABORTED", 103),
    ("ECONNRESET", 104),
    ("ENOBUFS", 105),
    ("ENOTCONN", 107),
    ("ETIMEDOUT", 110),
    ("ECONNREFUSED", 111),
    ("EHOSTUNREACH", 113),
    ("EALREADY", 114),
    ("EINPROGRESS", 115),
];

fn attrs(vm: &mut Vm, module: &ModuleBuilder) -> PyResult<()> {
    let errorcode = vm.new_dict(ERRNO_LIST.len() as u32)?;
    let errorcode_slot = vm.root(errorcode)?;
    for &(name, number) in ERRNO_LIST {
        module.set_int(vm, name, number)?;
        let key = vm.new_int(number)?;
        let value = vm.new_str(name)?;
        vm.dict_store(vm.slot(errorcode_slot), key, value)?;
    }
    module.set(vm, "errorcode", vm.slot(errorcode_slot))
}
