//! Native `.mpy` files for Cortex-M: `krait-cross -march=<arm arch>` against `mpy-cross` 1.29
//! on the same sources. The machine code differs by design (krait's is its own); everything
//! around it must not: the header (version, arch, sub-version, small-int bits), the qstr and
//! constant tables (the fun-table marker where mpy-cross puts it), the tree of raw codes with
//! each one's kind and scope flags, and the bytecode of the non-native functions, byte for
//! byte. krait's reader loads both files, and capstone decodes all of krait's machine code.
//! (`targets/tests/thumb2_native_abi.rs` runs both compilers' code.)

mod common;

use common::native_mpy::{compare, compile};
use common::{krait_cross, mpy_cross, run_in, scratch_dir};
use targets::thumb2::{disasm, Arch};
use vm::rawcode::NativeArch;

const ARCHES: [(&str, NativeArch); 5] = [
    ("armv6m", NativeArch::Armv6m),
    ("armv7m", NativeArch::Armv7m),
    ("armv7em", NativeArch::Armv7em),
    ("armv7emsp", NativeArch::Armv7emsp),
    ("armv7emdp", NativeArch::Armv7emdp),
];

const PROGRAMS: [(&str, &str); 3] = [
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
def uses_globals(buf) -> int:
    global counter
    counter = int(len(buf)) + int(counter)
    return int(counter)

counter = 5
print(plain(3))
",
    ),
    (
        "nested.py",
        "def outer(k):
    @micropython.viper
    def inner(x: int) -> bool:
        return x > 10
    return inner(k)

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
",
    ),
    ("only_bytecode.py", "x = [1, 2.5, 'three']\nprint(x)\n"),
];

#[test]
fn same_structure_as_mpy_cross_for_every_cortex_m_arch() {
    let dir = scratch_dir("native_mpy_vs_mpy_cross");
    for (name, source) in PROGRAMS {
        std::fs::write(dir.join(name), source).unwrap();
    }
    let mut summary = Vec::new();
    for (arch_name, arch) in ARCHES {
        let thumb = if arch == NativeArch::Armv6m {
            Arch::V6M
        } else {
            Arch::V7M
        };
        for (name, _) in PROGRAMS {
            let (ours_bytes, ours) = compile(&krait_cross(), &dir, name, arch_name, &[]);
            let (theirs_bytes, theirs) = compile(&mpy_cross(), &dir, name, arch_name, &[]);
            // Header: magic, version, feature byte (arch and sub-version), small-int bits.
            assert_eq!(
                ours_bytes[..4],
                theirs_bytes[..4],
                "{name} {arch_name} header"
            );
            assert_eq!(ours.arch, theirs.arch, "{name} {arch_name}");
            assert_eq!(ours.qstrs, theirs.qstrs, "{name} {arch_name} qstrs");
            assert_eq!(ours.objs, theirs.objs, "{name} {arch_name} constants");
            let vipers = compare(&ours.root, &theirs.root, &thumb_decoder(thumb), name);
            if name == "only_bytecode.py" {
                assert_eq!(ours.arch, NativeArch::None);
                assert_eq!(ours_bytes, theirs_bytes, "a file without native code");
            } else {
                assert_eq!(ours.arch, arch);
                assert!(vipers > 0);
            }
            summary.push(format!(
                "{arch_name} {name}: {vipers} viper functions, {} bytes (mpy-cross {})",
                ours_bytes.len(),
                theirs_bytes.len()
            ));
        }
    }
    eprintln!("{}", summary.join("\n"));
}

/// Under `-X emit=viper` the module body itself is viper code (globals, calls, constants):
/// the same tree, tables and header as mpy-cross's.
#[test]
fn emit_viper_module_has_mpy_cross_structure() {
    let dir = scratch_dir("native_mpy_emit_viper");
    let source = "print('hi')\nprint(len('abc'), 2.5)\n";
    std::fs::write(dir.join("m.py"), source).unwrap();
    for (arch_name, arch) in ARCHES {
        let thumb = if arch == NativeArch::Armv6m {
            Arch::V6M
        } else {
            Arch::V7M
        };
        let viper = ["-X", "emit=viper"];
        let (ours_bytes, ours) = compile(&krait_cross(), &dir, "m.py", arch_name, &viper);
        let (theirs_bytes, theirs) = compile(&mpy_cross(), &dir, "m.py", arch_name, &viper);
        assert_eq!(ours_bytes[..4], theirs_bytes[..4], "{arch_name} header");
        assert_eq!(ours.qstrs, theirs.qstrs, "{arch_name} qstrs");
        assert_eq!(ours.objs, theirs.objs, "{arch_name} constants");
        assert_eq!(
            compare(&ours.root, &theirs.root, &thumb_decoder(thumb), "m.py"),
            1
        );
    }
}

/// What krait's Thumb backend cannot compile yet is refused with a message naming it,
/// never written as something else.
#[test]
fn unsupported_native_code_is_refused_clearly() {
    let dir = scratch_dir("native_mpy_refusals");
    let cases = [
        (
            "calls.py",
            "@micropython.viper\ndef f(x):\n    for y in x:\n        pass\n",
            vec!["-march=armv7m"],
            "for loops over objects",
        ),
        (
            "native.py",
            "@micropython.native\ndef f(x):\n    return x\n",
            vec!["-march=armv6m"],
            "@micropython.native code is not supported for armv6m yet",
        ),
        (
            "module.py",
            "for c in 'ab':\n    print(c)\n",
            vec!["-march=armv7m", "-X", "emit=viper"],
            "for loops over objects",
        ),
    ];
    for (name, source, args, message) in cases {
        std::fs::write(dir.join(name), source).unwrap();
        let mut args: Vec<&str> = args;
        args.push(name);
        let ours = run_in(&dir, &krait_cross(), &args);
        let stderr = String::from_utf8_lossy(&ours.stderr);
        assert_eq!(ours.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        let mpy = dir.join(name.replace(".py", ".mpy"));
        assert!(!mpy.exists(), "{name}: no .mpy is written");
        let theirs = run_in(&dir, &mpy_cross(), &args);
        assert!(
            theirs.status.success() && mpy.exists(),
            "mpy-cross compiles {name}"
        );
        std::fs::remove_file(mpy).unwrap();
    }
}

/// `--dump` decodes Thumb code through capstone after the `.mpy` disassembly, for krait's
/// files and mpy-cross's alike.
#[test]
fn dump_lists_thumb_code() {
    let dir = scratch_dir("native_mpy_dump");
    std::fs::write(dir.join("kernels.py"), PROGRAMS[0].1).unwrap();
    let (_, _) = compile(&krait_cross(), &dir, "kernels.py", "armv7m", &[]);
    let (_, _) = compile(&mpy_cross(), &dir, "kernels.py", "armv7m", &[]);
    for tool in ["krait-cross", "mpy-cross"] {
        let file = format!("kernels.py.armv7m.{tool}.mpy");
        let out = run_in(&dir, &krait_cross(), &["--dump", &file]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("Thumb code of raw code 0.0:"),
            "{tool}: {text}"
        );
        assert!(
            text.contains("ldrb"),
            "{tool}: the ptr8 loop's load is listed"
        );
    }
}

/// Capstone's decoding of one Thumb function for `arch`.
fn thumb_decoder(arch: Arch) -> impl Fn(&[u8]) -> Result<Vec<disasm::Decoded>, String> {
    move |code| disasm::decode_function(code, arch, 0)
}
