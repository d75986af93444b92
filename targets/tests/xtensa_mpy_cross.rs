//! The decoder on code it did not see encoded: the viper functions `mpy-cross` 1.29 compiles
//! for `-march=xtensa` (call0) and `-march=xtensawin` (windowed) decode completely (every
//! instruction MicroPython's Xtensa emitters use is one `xtensa::disasm` knows), and for the
//! call0 code the text equals what GNU `objdump` (`binutils-xtensa-lx106`, which lacks the
//! windowed option) prints for the same bytes.
//!
//! mpy-cross's code begins with a `j` over its literal words; decoding starts at its target.

use std::process::Command;
use targets::xtensa::disasm::{decode, decode_one, text};
use targets::xtensa::encode::Inst;
use vm::rawcode::{CodeKind, RawCode};

const SOURCES: [&str; 3] = [
    "
@micropython.viper
def f(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += p[i]
    return s
",
    "
@micropython.viper
def f(a: int, b: int, c: uint) -> int:
    r = 0
    if a < b:
        r |= 1
    if a >= -3:
        r |= 8
    if c > uint(100):
        r |= 64
    while b & 3:
        b += 1
        r += (a << 3) ^ (b >> 1) - a * b
    return r
",
    "
@micropython.viper
def f(q: ptr16, p: ptr32, n: int) -> int:
    s = 0
    for i in range(n):
        q[i] = i * 7000 + 3
        p[i] = q[i] - 0x12345678
        s += q[i] >> 1
    return s
",
];

fn unique_dir(tag: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("krait-xtensa-{tag}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The machine code of the viper function mpy-cross makes of `source` for `arch`.
fn mpy_cross_code(source: &str, arch: &str) -> Vec<u8> {
    let dir = unique_dir(arch);
    let py = dir.join("t.py");
    std::fs::write(&py, source).expect("write source");
    let out = Command::new("mpy-cross")
        .arg(format!("-march={arch}"))
        .arg(&py)
        .output()
        .expect("mpy-cross, this test's oracle, must be installed (see .ci/oracles)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.join("t.mpy")).expect("mpy-cross wrote t.mpy");
    let _ = std::fs::remove_dir_all(&dir);
    let module = vm::mpy::read(&bytes).expect("krait reads mpy-cross's .mpy");
    fn find(rc: &RawCode) -> Option<&RawCode> {
        if rc.kind == CodeKind::NativeViper {
            return Some(rc);
        }
        rc.children.iter().find_map(find)
    }
    find(&module.root)
        .expect("a viper function")
        .fun_data
        .clone()
}

/// Where the instructions start: the target of the opening `j` over the literals.
fn code_start(code: &[u8]) -> u32 {
    match decode_one(code, 0) {
        Some((Inst::J { target }, _)) => target as u32,
        other => panic!("mpy-cross's code opens with a j, not {other:?}"),
    }
}

/// `objdump`'s text of the little-endian `code` from `start`, per address.
fn objdump(code: &[u8], start: u32) -> Vec<(u32, String)> {
    let dir = unique_dir("objdump");
    let bin = dir.join("code.bin");
    std::fs::write(&bin, code).expect("write code");
    let out = Command::new("xtensa-lx106-elf-objdump")
        .args(["-D", "-EL", "-b", "binary", "-m", "xtensa"])
        .arg(format!("--start-address={start:#x}"))
        .arg(&bin)
        .output()
        .expect("xtensa-lx106-elf-objdump (binutils-xtensa-lx106) must be installed");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .filter_map(|line| {
            let (address, rest) = line.trim_start().split_once(":\t")?;
            let address = u32::from_str_radix(address, 16).ok()?;
            let (_, text) = rest.split_once('\t')?;
            Some((address, text.split(" (").next()?.trim_end().to_string()))
        })
        .collect()
}

#[test]
fn mpy_cross_call0_code_decodes_as_objdump_reads_it() {
    let mut checked = 0;
    for source in SOURCES {
        let code = mpy_cross_code(source, "xtensa");
        let start = code_start(&code);
        let ours =
            decode(&code[start as usize..], start).unwrap_or_else(|e| panic!("{e}\n{source}"));
        let theirs = objdump(&code, start);
        assert_eq!(ours.len(), theirs.len(), "one line per instruction");
        for (d, (address, their_text)) in ours.iter().zip(&theirs) {
            assert_eq!(d.address, *address);
            assert_eq!(&text(&d.inst, d.address), their_text, "at {address:#x}");
        }
        checked += ours.len();
    }
    assert!(checked > 100, "{checked} instructions");
}

#[test]
fn mpy_cross_windowed_code_decodes() {
    for source in SOURCES {
        let code = mpy_cross_code(source, "xtensawin");
        let start = code_start(&code);
        let insts =
            decode(&code[start as usize..], start).unwrap_or_else(|e| panic!("{e}\n{source}"));
        assert!(
            matches!(insts[0].inst, Inst::Entry { .. }),
            "a windowed function opens with entry: {:?}",
            insts[0]
        );
        assert!(insts.iter().any(|d| matches!(d.inst, Inst::Callx8 { .. })));
        assert!(insts
            .iter()
            .any(|d| matches!(d.inst, Inst::Retw | Inst::RetwN)));
    }
}
