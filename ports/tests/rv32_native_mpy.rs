//! Native `.mpy` files for RV32IMC: `krait-cross -march=rv32imc` against `mpy-cross` 1.29 on
//! the same sources. The machine code differs by design; everything around it must not: the
//! header (version, arch, sub-version, small-int bits), the qstr and constant tables (the
//! fun-table marker where mpy-cross puts it), the tree of raw codes with each one's kind and
//! scope flags, and the bytecode of the non-native functions, byte for byte. krait's reader
//! loads both files, and capstone decodes all of krait's machine code.
//! (`targets/tests/rv32_instruction_counts.rs` runs both compilers' code.)

mod common;

use common::native_mpy::{compare, compile};
use common::{krait_cross, mpy_cross, run_in, scratch_dir};
use targets::rv32::disasm;
use vm::rawcode::NativeArch;

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

#[test]
fn same_structure_as_mpy_cross() {
    let dir = scratch_dir("rv32_native_mpy");
    for (name, source) in PROGRAMS {
        std::fs::write(dir.join(name), source).unwrap();
        let (ours_bytes, ours) = compile(&krait_cross(), &dir, name, "rv32imc", &[]);
        let (theirs_bytes, theirs) = compile(&mpy_cross(), &dir, name, "rv32imc", &[]);
        assert_eq!(ours_bytes[..4], theirs_bytes[..4], "{name} header");
        assert_eq!(ours.arch, theirs.arch, "{name}");
        assert_eq!(ours.qstrs, theirs.qstrs, "{name} qstrs");
        assert_eq!(ours.objs, theirs.objs, "{name} constants");
        let vipers = compare(
            &ours.root,
            &theirs.root,
            &|code| disasm::decode(code, 0),
            name,
        );
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
        compile(&tool, &dir, "kernels.py", "rv32imc", &[]);
        let file = format!(
            "kernels.py.rv32imc.{}.mpy",
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
