//! The module registry through the Rust API (Python-level behaviour is tested by the
//! programs in `ports/tests/`, against CPython and MicroPython).
use crate::interp::{Vm, VmConfig};
use crate::objects::{BUILTIN_FUN_BASE, BUILTIN_FUN_STRIDE, SINGLETON_BASE};

#[test]
fn module_functions_fit_in_the_static_region() {
    let n = crate::builtins::FIRST_MODULE_FUN + super::function_count();
    assert!(BUILTIN_FUN_BASE + n * BUILTIN_FUN_STRIDE <= SINGLETON_BASE);
}

#[test]
fn builtin_module_is_built_once_and_read_only() {
    let mut vm = Vm::new(VmConfig::default()).expect("vm starts");
    let sys = vm.builtin_module("sys", false).ok().flatten().expect("sys");
    let again = vm.builtin_module("sys", false).ok().flatten().expect("sys");
    assert_eq!(sys, again);
    assert_eq!(vm.module_repr(sys).ok().as_deref(), Some("<module 'sys'>"));
    let platform = vm.intern("platform").expect("qstr");
    let value = vm
        .module_attr(sys, platform)
        .ok()
        .flatten()
        .expect("sys.platform");
    assert_eq!(vm.str_text(value), "linux");
    let stored = vm.module_store_attr(sys, platform, crate::runtime::obj::Obj::NONE);
    assert_eq!(stored.ok(), Some(false));
    assert_eq!(vm.builtin_module("no_such_module", false), Ok(None));
}
