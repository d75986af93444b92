//! The emitter's output for small viper functions, through the printer and the verifier: a
//! target that records the MIR it is given stands in for a real architecture.

use emit::mir::Func;
use emit::{NativeCompiler, Target};
use std::cell::RefCell;
use vm::compile::{compile_source_with, CompileOptions};
use vm::rawcode::{HostCode, MachineCode};

#[derive(Default)]
struct Recorder(RefCell<Vec<Func>>);

impl Target for Recorder {
    fn compile(&self, func: &Func, _abi: &emit::ScopeAbi) -> Result<MachineCode, String> {
        emit::verify::verify(func).map_err(|e| e.0)?;
        self.0.borrow_mut().push(func.clone());
        Ok(MachineCode::Host(HostCode {
            entry: 0,
            arg_types: vec![],
            return_type: 0,
            frame_slots: func.frame_slots,
            viper: false,
            generator: false,
        }))
    }
}

fn lower(source: &str) -> Func {
    let backend = NativeCompiler(Recorder::default());
    compile_source_with(source, "t.py", &CompileOptions::default(), Some(&backend))
        .expect("compiles");
    let mut funcs = backend.0 .0.take();
    assert_eq!(funcs.len(), 1);
    funcs.remove(0)
}

#[test]
fn a_viper_sum_prints_as_blocks_of_typed_vregs() {
    // The implicit `return None` after the `return` is unreachable: its block is pruned (its
    // constant's vreg stays numbered), and so is the unused exception exit.
    let func = lower("@micropython.viper\ndef f(a: int, b: uint) -> int:\n    return a + 1\n");
    assert_eq!(
        func.to_string(),
        "func f(v0: int, v1: uint) -> int, frame 0
  vregs v0: int, v1: uint, v2: int, v3: int, v4: int, v5: int
b0:
  v2 = v0
  v3 = const 0x1
  v4 = add v2, v3
  return v4
"
    );
}

#[test]
fn a_global_call_has_an_exception_edge_and_roots_its_result() {
    let func = lower("@micropython.viper\ndef f(x: int):\n    print(x)\n");
    let text = func.to_string();
    assert!(text.contains("call load_global#7(v"), "{text}");
    assert!(text.contains("call convert_native_to_obj#4("), "{text}");
    assert!(
        text.contains("call native_call_function_n_kw#27("),
        "{text}"
    );
    assert!(text.contains("raise b1"), "{text}");
    assert!(text.contains("slot[0] = "), "{text}");
    assert_eq!(func.ret, emit::mir::Ty::Obj);
}
