//! Bytecode that the `.mpy` reader accepts but whose stack use does not fit its frame:
//! each must end in `ValueError: incompatible .mpy file`, never a panic or a corrupted stack.
use super::{Vm, VmConfig};
use crate::bytecode::op;

/// Runs a module compiled from `x = 1` whose code after the prelude is replaced by `code`;
/// returns the text of the exception it raised ("" if none).
fn run_patched(code: &[u8]) -> String {
    let opts = crate::compile::CompileOptions::default();
    let mut module = crate::compile::compile_source("x = 1", "<stdin>", &opts).expect("compiles");
    // The module's bytecode is exactly `LOAD_CONST_SMALL_INT_MULTI 1, STORE_NAME x,
    // LOAD_CONST_NONE, RETURN_VALUE` (5 bytes) at the end of its function data.
    let data = &mut module.root.fun_data;
    data.truncate(data.len() - 5);
    data.extend_from_slice(code);
    let mpy = crate::mpy::write(&module);
    let module = crate::mpy::read(&mpy).expect("the reader accepts it");
    let mut vm = Vm::new(VmConfig::default()).expect("vm starts");
    match vm.run_module(&module) {
        Ok(_) => String::new(),
        Err(_) => {
            let exc = vm.pending_exception();
            vm.format_exception(exc)
        }
    }
}

fn assert_rejected(code: &[u8]) {
    let out = run_patched(code);
    assert!(
        out.ends_with("ValueError: incompatible .mpy file\n"),
        "{code:02x?}: {out}"
    );
}

#[test]
fn the_unpatched_tail_runs() {
    assert_eq!(
        run_patched(&[0x81, 0x16, 0x02, op::LOAD_CONST_NONE, op::RETURN_VALUE]),
        ""
    );
}

#[test]
fn popping_below_the_stack_base_is_rejected() {
    assert_rejected(&[op::POP_TOP, op::LOAD_CONST_NONE, op::RETURN_VALUE]);
    assert_rejected(&[op::BUILD_TUPLE, 0x7f, op::RETURN_VALUE]);
    assert_rejected(&[op::RETURN_VALUE]);
}

#[test]
fn pushing_past_n_state_is_rejected() {
    let mut code = vec![op::LOAD_CONST_NONE; 40];
    code.push(op::RETURN_VALUE);
    assert_rejected(&code);
}

#[test]
fn locals_out_of_range_are_refused_by_the_reader() {
    let opts = crate::compile::CompileOptions::default();
    let mut module = crate::compile::compile_source("x = 1", "<stdin>", &opts).expect("compiles");
    let data = &mut module.root.fun_data;
    data.truncate(data.len() - 5);
    data.extend_from_slice(&[op::LOAD_FAST_N, 0x7f, op::RETURN_VALUE]);
    assert!(crate::mpy::read(&crate::mpy::write(&module)).is_err());
}

#[test]
fn popping_an_empty_exception_stack_is_rejected() {
    assert_rejected(&[
        op::POP_EXCEPT_JUMP,
        0x00,
        op::LOAD_CONST_NONE,
        op::RETURN_VALUE,
    ]);
}

#[test]
fn the_step_limit_ends_an_endless_loop() {
    let opts = crate::compile::CompileOptions::default();
    let module = crate::compile::compile_source("while True:\n    pass\n", "<stdin>", &opts)
        .expect("compiles");
    let mut vm = Vm::new(VmConfig {
        max_steps: 1000,
        ..VmConfig::default()
    })
    .expect("vm starts");
    assert!(vm.run_module(&module).is_err());
    let exc = vm.pending_exception();
    assert!(vm
        .format_exception(exc)
        .ends_with("RuntimeError: step limit exceeded\n"));
}

/// A program that catches everything cannot outlive the step limit: the limit's error passes
/// every `except` and `finally` (the fuzzer's generated programs wrap statements in `try`).
#[test]
fn the_step_limit_is_not_caught_by_the_program() {
    let source = "\
n = 0
while True:
    try:
        try:
            while True:
                n += 1
        finally:
            n += 1
    except:
        n += 1
";
    let opts = crate::compile::CompileOptions::default();
    let module = crate::compile::compile_source(source, "<stdin>", &opts).expect("compiles");
    let mut vm = Vm::new(VmConfig {
        max_steps: 10_000,
        ..VmConfig::default()
    })
    .expect("vm starts");
    assert!(vm.run_module(&module).is_err());
    let exc = vm.pending_exception();
    assert!(vm
        .format_exception(exc)
        .ends_with("RuntimeError: step limit exceeded\n"));
}
