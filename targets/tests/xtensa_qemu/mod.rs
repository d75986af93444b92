//! Running Xtensa code under `qemu-xtensa` (user mode): a small label-resolving assembler
//! over `xtensa::encode`, a minimal static Xtensa ELF executable around its image, and the
//! Linux system calls the programs end with (`syscall`: number in `a2`, arguments in `a6`,
//! `a3`, `a4`; `write` is 13 and `exit` 118 on Xtensa Linux).
//!
//! Each test crate that includes this module uses a part of it.
#![allow(dead_code)]

use std::process::{Command, Output};
use targets::xtensa::encode::{encode, Inst, Reg};

/// Where the image is loaded.
pub const BASE: u32 = 0x10000;
/// Where the code starts in the image: after the ELF and program headers.
const CODE: u32 = 0x60;
/// Where the code is in memory (word-aligned, as `l32r` and `call0` targets need).
pub const CODE_BASE: u32 = BASE + CODE;

pub const SYS_WRITE: i32 = 13;
pub const SYS_EXIT: i32 = 118;

/// One item of a program.
pub enum Item {
    Inst(Inst),
    /// An instruction whose target is a label: the function completes it with the target
    /// (bytes from the instruction) once addresses are known.
    To(&'static str, fn(i32) -> Inst),
    Label(&'static str),
    /// Zero bytes up to the next word boundary (for literals and windowed functions, whose
    /// `call8`/`call0` targets must be word-aligned).
    Align,
    /// A literal word.
    Word(u32),
    /// A literal word holding the address of a label.
    Addr(&'static str),
}

pub use Item::*;

fn size(item: &Item, at: u32) -> u32 {
    match item {
        Inst(i) => i.size() as u32,
        To(_, make) => make(0).size() as u32,
        Label(_) => 0,
        Align => (4 - at % 4) % 4,
        Word(_) | Addr(_) => 4,
    }
}

/// The program's bytes at `CODE_BASE`, labels resolved.
pub fn assemble(items: &[Item]) -> Vec<u8> {
    let mut labels = std::collections::HashMap::new();
    let mut at = CODE_BASE;
    for item in items {
        if let Label(name) = item {
            labels.insert(*name, at);
        }
        at += size(item, at);
    }
    let label = |name: &str| {
        *labels
            .get(name)
            .unwrap_or_else(|| panic!("no label {name}"))
    };
    let mut out = Vec::new();
    let mut at = CODE_BASE;
    for item in items {
        let bytes = match item {
            Inst(i) => encode(i, at).expect("program encodes").bytes(),
            To(name, make) => {
                let inst = make(label(name).wrapping_sub(at) as i32);
                encode(&inst, at)
                    .unwrap_or_else(|e| panic!("{inst:?}: {e}"))
                    .bytes()
            }
            Label(_) => vec![],
            Align => vec![0; size(item, at) as usize],
            Word(w) => w.to_le_bytes().to_vec(),
            Addr(name) => label(name).to_le_bytes().to_vec(),
        };
        at += bytes.len() as u32;
        out.extend(bytes);
    }
    out
}

/// `a2 = number; a6 = first argument; syscall`
pub fn exit_with(code_reg: Reg) -> Vec<Item> {
    vec![
        Inst(Inst::MovN {
            t: Reg(6),
            s: code_reg,
        }),
        Inst(Inst::Movi {
            t: Reg(2),
            imm: SYS_EXIT,
        }),
        Inst(Inst::Syscall),
    ]
}

/// A static little-endian Xtensa ELF executable of one read-write-execute segment: the
/// headers, then `code` at `CODE_BASE`; execution starts `entry` bytes into it.
pub fn elf(code: &[u8], entry: u32) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(b"\x7fELF\x01\x01\x01\0\0\0\0\0\0\0\0\0");
    let half = |f: &mut Vec<u8>, v: u16| f.extend(v.to_le_bytes());
    let word = |f: &mut Vec<u8>, v: u32| f.extend(v.to_le_bytes());
    half(&mut f, 2); // ET_EXEC
    half(&mut f, 94); // EM_XTENSA
    word(&mut f, 1);
    word(&mut f, CODE_BASE + entry);
    word(&mut f, 52); // program headers
    word(&mut f, 0);
    word(&mut f, 0);
    for v in [52, 32, 1, 40, 0, 0] {
        half(&mut f, v);
    }
    let size = CODE + code.len() as u32;
    for v in [1, 0, BASE, BASE, size, size, 7, 0x1000] {
        word(&mut f, v); // PT_LOAD, rwx
    }
    f.resize(CODE as usize, 0);
    f.extend(code);
    f
}

/// A name part no other call in any test process shares (tests run in parallel threads).
fn unique() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

/// Runs the executable `elf` under `qemu-xtensa -cpu cpu`.
pub fn run(elf: &[u8], cpu: &str) -> Output {
    run_with(elf, cpu, &[])
}

/// The number of guest instructions `elf` executes (QEMU translating one instruction a
/// block and logging each block it runs), and its output.
pub fn count_instructions(elf: &[u8], cpu: &str) -> (u64, Output) {
    let log = std::env::temp_dir().join(format!("krait-xtensa-{}.log", unique()));
    let log_name = log.to_str().expect("a UTF-8 temp path").to_string();
    let out = run_with(
        elf,
        cpu,
        &["-singlestep", "-d", "exec,nochain", "-D", &log_name],
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let count = text.lines().filter(|l| l.starts_with("Trace")).count() as u64;
    (count, out)
}

/// Runs `elf` under `qemu-xtensa -cpu cpu` with `extra` QEMU options.
pub fn run_with(elf: &[u8], cpu: &str, extra: &[&str]) -> Output {
    let path = std::env::temp_dir().join(format!("krait-xtensa-{}.elf", unique()));
    std::fs::write(&path, elf).expect("write the executable");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("mark it executable");
    let out = Command::new("qemu-xtensa")
        .args(["-cpu", cpu])
        .args(extra)
        .arg(&path)
        .output()
        .expect("qemu-xtensa (Debian's qemu-user), this test's oracle, must be installed");
    let _ = std::fs::remove_file(&path);
    out
}
