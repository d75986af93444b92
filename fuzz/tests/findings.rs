//! Bugs the fuzzers found in `vm/`, each as a minimal failing test. They are `#[ignore]`d so CI
//! stays green until the owner fixes them; run them with `cargo test -p fuzz -- --ignored`.

use vm::compile::{compile_source, CompileOptions};
use vm::rawcode::ConstObj;

fn float_consts(source: &str) -> Vec<f64> {
    let module = compile_source(source, "t.py", &CompileOptions::default()).expect("compiles");
    module
        .objs
        .iter()
        .filter_map(|o| match o {
            ConstObj::Float(f) => Some(*f),
            _ => None,
        })
        .collect()
}

/// FINDING (libFuzzer, compile target): two folded NaN constants share one constant-table
/// entry, but mpy-cross 1.29 stores two (`strictly_equal` uses `mp_obj_equal`, and NaN is not
/// equal to itself), so the `.mpy` differs from mpy-cross's. Cause: `ConstObj::eq` in
/// vm/src/rawcode.rs treats floats with identical bits as equal, NaN included. `mpy-cross` on
/// this source writes the constant table `nan`, `nan` (2 objects).
#[test]
#[ignore = "FINDING: NaN constants are deduplicated; mpy-cross keeps each (vm/src/rawcode.rs ConstObj::eq)"]
fn nan_constants_are_not_deduplicated() {
    let consts = float_consts("a = 0.0 * 1e400\nb = 0.0 * 1e400\n");
    assert_eq!(consts.len(), 2, "constants: {consts:?}");
}
