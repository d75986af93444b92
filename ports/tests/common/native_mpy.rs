//! What the native `.mpy` tests of every device architecture share: compiling with either
//! tool and comparing krait's raw-code tree with mpy-cross's.

use crate::common::run_in;
use std::path::Path;
use vm::rawcode::{CodeKind, CompiledModule, RawCode};

/// Compiles `name` with `tool` for `arch` (and `extra` options) into
/// `{name}.{arch}.{tool}.mpy`; the `.mpy` read back by krait's reader.
pub fn compile(
    tool: &Path,
    dir: &Path,
    name: &str,
    arch: &str,
    extra: &[&str],
) -> (Vec<u8>, CompiledModule) {
    let out_name = format!("{}.{arch}.{}.mpy", name, tool_name(tool));
    let march = format!("-march={arch}");
    let mut args = vec![march.as_str(), "-o", &out_name];
    args.extend(extra);
    args.push(name);
    let out = run_in(dir, tool, &args);
    assert!(
        out.status.success(),
        "{} -march={arch} {name}: {}",
        tool.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.join(&out_name)).expect("the .mpy was written");
    let module = vm::mpy::read(&bytes)
        .unwrap_or_else(|e| panic!("krait reads {}'s {name}: {e}", tool.display()));
    (bytes, module)
}

fn tool_name(tool: &Path) -> String {
    tool.file_name().unwrap().to_string_lossy().into_owned()
}

/// Compares two raw-code trees: same shape and kinds, same bytecode, same native fields
/// other than the machine code; each of krait's viper functions goes through `decode` (the
/// architecture's capstone decoder). Returns the number of viper functions.
pub fn compare<T>(
    ours: &RawCode,
    theirs: &RawCode,
    decode: &dyn Fn(&[u8]) -> Result<T, String>,
    at: &str,
) -> usize {
    assert_eq!(ours.kind, theirs.kind, "kind of raw code {at}");
    assert_eq!(
        ours.children.len(),
        theirs.children.len(),
        "children of raw code {at}"
    );
    let mut vipers = 0;
    match ours.kind {
        CodeKind::Bytecode => assert_eq!(ours.fun_data, theirs.fun_data, "bytecode of {at}"),
        CodeKind::NativeViper => {
            let (a, b) = (ours.native.as_ref(), theirs.native.as_ref());
            let (a, b) = (a.expect("native section"), b.expect("native section"));
            assert_eq!(a.scope_flags, b.scope_flags, "scope flags of {at}");
            assert_eq!(a.rodata, b.rodata, "rodata of {at}");
            assert_eq!(a.bss_size, b.bss_size, "bss of {at}");
            assert_eq!(a.relocations, b.relocations, "relocations of {at}");
            decode(&ours.fun_data).unwrap_or_else(|e| panic!("capstone on raw code {at}: {e}"));
            vipers += 1;
        }
        kind => panic!("raw code {at}: krait wrote {kind:?}, which this test does not expect"),
    }
    for (i, (a, b)) in ours.children.iter().zip(&theirs.children).enumerate() {
        vipers += compare(a, b, decode, &format!("{at}.{i}"));
    }
    vipers
}
