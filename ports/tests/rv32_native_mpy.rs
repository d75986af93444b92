//! Native `.mpy` files for RV32IMC: `krait-cross -march=rv32imc` against `mpy-cross` 1.29 on
//! the same sources. The machine code differs by design; everything around it must not: the
//! header (version, arch, sub-version, small-int bits), the qstr and constant tables (the
//! fun-table marker where mpy-cross puts it), the tree of raw codes with each one's kind and
//! scope flags, and the bytecode of the non-native functions, byte for byte. krait's reader
//! loads both files, and capstone decodes all of krait's machine code.
//! (`targets/tests/rv32_instruction_counts.rs` runs both compilers' code.)

mod common;

use common::{krait_cross, mpy_cross, run_in, scratch_dir};
use std::path::Path;
use targets::rv32::disasm;
use vm::rawcode::{CodeKind, CompiledModule, NativeArch, RawCode};

const PROGRAMS: [(&str, &str); 2] = [
    (
        "kernels.py",
        "import micropython

@micropython.viper
def sum8(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += p[i]
    return s

@micropython.viper
def fill16(p: ptr16, n: int, v: uint):
    for i in range(n):
        p[i] = v
    return None

def plain(x, y=2):
    return x * y + len('abc')

class Holder:
    @micropython.viper
    def scale(self, a: int, b: int) -> int:
        return (a << 3) - b

@micropython.viper
def checksum(p: ptr8, n: int) -> int:
    a = 0
    b = 0
    for i in range(n):
        a = (a + p[i]) % 255
        b = (b + a) & 0xffff
    return (b << 8) | a

@micropython.viper
def describe(x, n: int):
    if n > 100:
        return 'big'
    if n < 0:
        return 2.5
    return x.real

@micropython.viper
def uses_globals(buf) -> int:
    global counter
    counter = int(len(buf)) + int(counter)
    return int(counter)

counter = 5

def outer(k):
    @micropython.viper
    def inner(x: int) -> bool:
        return x > 10
    return inner(k)

print(plain(3))
",
    ),
    ("only_bytecode.py", "x = [1, 2.5, 'three']\nprint(x)\n"),
];

fn compile(tool: &Path, dir: &Path, name: &str) -> (Vec<u8>, CompiledModule) {
    let out_name = format!("{name}.{}.mpy", tool.file_name().unwrap().to_string_lossy());
    let out = run_in(dir, tool, &["-march=rv32imc", "-o", &out_name, name]);
    assert!(
        out.status.success(),
        "{} -march=rv32imc {name}: {}",
        tool.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.join(&out_name)).expect("the .mpy was written");
    let module = vm::mpy::read(&bytes)
        .unwrap_or_else(|e| panic!("krait reads {}'s {name}: {e}", tool.display()));
    (bytes, module)
}

/// Compares two raw-code trees: same shape and kinds, same bytecode, same native fields
/// other than the machine code; each of krait's viper functions decodes through capstone.
/// Returns the number of viper functions.
fn compare(ours: &RawCode, theirs: &RawCode, at: &str) -> usize {
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
            disasm::decode(&ours.fun_data, 0)
                .unwrap_or_else(|e| panic!("capstone on raw code {at}: {e}"));
            vipers += 1;
        }
        kind => panic!("raw code {at}: krait wrote {kind:?}, which this test does not expect"),
    }
    for (i, (a, b)) in ours.children.iter().zip(&theirs.children).enumerate() {
        vipers += compare(a, b, &format!("{at}.{i}"));
    }
    vipers
}

#[test]
fn same_structure_as_mpy_cross() {
    let dir = scratch_dir("rv32_native_mpy");
    for (name, source) in PROGRAMS {
        std::fs::write(dir.join(name), source).unwrap();
        let (ours_bytes, ours) = compile(&krait_cross(), &dir, name);
        let (theirs_bytes, theirs) = compile(&mpy_cross(), &dir, name);
        assert_eq!(ours_bytes[..4], theirs_bytes[..4], "{name} header");
        assert_eq!(ours.arch, theirs.arch, "{name}");
        assert_eq!(ours.qstrs, theirs.qstrs, "{name} qstrs");
        assert_eq!(ours.objs, theirs.objs, "{name} constants");
        let vipers = compare(&ours.root, &theirs.root, name);
        if name == "only_bytecode.py" {
            assert_eq!(ours.arch, NativeArch::None);
            assert_eq!(ours_bytes, theirs_bytes, "a file without native code");
        } else {
            assert_eq!(ours.arch, NativeArch::Rv32imc);
            assert_eq!(vipers, 7);
            assert!(
                ours_bytes.len() < theirs_bytes.len(),
                "smaller than mpy-cross's"
            );
        }
        eprintln!(
            "{name}: {vipers} viper functions, {} bytes (mpy-cross {})",
            ours_bytes.len(),
            theirs_bytes.len()
        );
    }
}

#[test]
fn unsupported_rv32_code_is_refused_clearly() {
    let dir = scratch_dir("rv32_native_mpy_refusals");
    let cases = [
        (
            "delete.py",
            "@micropython.viper\ndef f():\n    global g\n    del g\n",
            "rv32: helper calls (delete_global) not supported yet",
        ),
        (
            "iteration.py",
            "@micropython.viper\ndef f(x):\n    for y in x:\n        pass\n",
            "rv32: helper calls (native_getiter) not supported yet",
        ),
        (
            "native.py",
            "@micropython.native\ndef f(x):\n    return x\n",
            "@micropython.native code is not supported for rv32imc yet",
        ),
    ];
    for (name, source, message) in cases {
        std::fs::write(dir.join(name), source).unwrap();
        let ours = run_in(&dir, &krait_cross(), &["-march=rv32imc", name]);
        let stderr = String::from_utf8_lossy(&ours.stderr);
        assert_eq!(ours.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        let mpy = dir.join(name.replace(".py", ".mpy"));
        assert!(!mpy.exists(), "{name}: no .mpy is written");
        let theirs = run_in(&dir, &mpy_cross(), &["-march=rv32imc", name]);
        assert!(
            theirs.status.success() && mpy.exists(),
            "mpy-cross compiles {name}"
        );
        std::fs::remove_file(mpy).unwrap();
    }
}

/// `--dump` decodes RV32 code through capstone after the `.mpy` disassembly, for krait's
/// files and mpy-cross's alike.
#[test]
fn dump_lists_rv32_code() {
    let dir = scratch_dir("rv32_native_mpy_dump");
    std::fs::write(dir.join("kernels.py"), PROGRAMS[0].1).unwrap();
    for tool in [krait_cross(), mpy_cross()] {
        compile(&tool, &dir, "kernels.py");
        let file = format!(
            "kernels.py.{}.mpy",
            tool.file_name().unwrap().to_string_lossy()
        );
        let out = run_in(&dir, &krait_cross(), &["--dump", &file]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("RV32 code of raw code 0.0:"),
            "{file}: {text}"
        );
        assert!(
            text.contains("lbu"),
            "{file}: the ptr8 loop's load is listed"
        );
    }
}

/// `--elf` writes an RV32 object (RVC flag set), one symbol per viper function, whose code
/// is the `.mpy`'s.
#[test]
fn elf_object_holds_rv32_code() {
    use object::{Object, ObjectSymbol};
    let dir = scratch_dir("rv32_native_mpy_elf");
    std::fs::write(dir.join("kernels.py"), PROGRAMS[0].1).unwrap();
    let out = run_in(
        &dir,
        &krait_cross(),
        &[
            "-march=rv32imc",
            "--elf",
            "k.o",
            "-o",
            "k.mpy",
            "kernels.py",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.join("k.o")).unwrap();
    let file = object::File::parse(&*bytes).expect("an ELF object");
    assert_eq!(file.architecture(), object::Architecture::Riscv32);
    let names: Vec<String> = file
        .symbols()
        .filter_map(|s| s.name().ok().map(str::to_string))
        .collect();
    for name in [
        "sum8",
        "fill16",
        "checksum",
        "describe",
        "Holder.scale",
        "outer.inner",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
}
