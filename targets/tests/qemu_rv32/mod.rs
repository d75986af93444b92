//! Running RV32IMC code under `qemu-riscv32` (user mode): a minimal RISC-V ELF executable
//! around an image, and a start stub that calls a function and writes out what it left.

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use std::process::{Command, Output};
use targets::rv32::encode::{encode, ImmOp, Inst, Reg, StoreOp};

/// Where the image is loaded.
pub const BASE: u32 = 0x10000;

/// A static RV32 ELF executable of one read-write-execute segment holding `image` at
/// `BASE`, starting at `BASE + entry`.
pub fn elf(image: &[u8], entry: u32) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(b"\x7fELF\x01\x01\x01\0\0\0\0\0\0\0\0\0");
    let half = |f: &mut Vec<u8>, v: u16| f.extend(v.to_le_bytes());
    let word = |f: &mut Vec<u8>, v: u32| f.extend(v.to_le_bytes());
    half(&mut f, 2); // ET_EXEC
    half(&mut f, 243); // EM_RISCV
    word(&mut f, 1);
    word(&mut f, BASE + entry);
    word(&mut f, 52); // program headers
    word(&mut f, 0);
    word(&mut f, 1); // EF_RISCV_RVC, soft float
    for v in [52, 32, 1, 40, 0, 0] {
        half(&mut f, v);
    }
    for v in [
        1,
        0,
        BASE,
        BASE,
        image.len() as u32,
        image.len() as u32,
        7,
        0x1000,
    ] {
        word(&mut f, v); // PT_LOAD, rwx
    }
    let mut out = image.to_vec();
    out[..f.len()].copy_from_slice(&f);
    out
}

/// `ecall`, which the backend never needs.
const ECALL: u32 = 0x73;

/// `lui` + `addi` of `value` into `rd`, always two full-size instructions.
fn li(rd: Reg, value: u32) -> Vec<u8> {
    let hi = value.wrapping_add(0x800) >> 12;
    let lo = value.wrapping_sub(hi << 12) as i32;
    let mut out = Vec::new();
    for inst in [
        Inst::Lui { rd, imm20: hi },
        Inst::OpImm {
            op: ImmOp::Addi,
            rd,
            rs1: rd,
            imm: lo,
        },
    ] {
        out.extend(
            targets::rv32::encode::full(&inst)
                .expect("stub encodes")
                .to_le_bytes(),
        );
    }
    out
}

/// A start stub at `at`: `args` into `a0`..., a call of the function at `func`, the result
/// word stored at `result`, then `write(1, result, 4 + extra)` and `exit(0)`.
pub fn stub(at: u32, args: &[u32], func: u32, result: u32, extra: u32) -> Vec<u8> {
    let mut s = Vec::new();
    for (i, a) in args.iter().enumerate() {
        s.extend(li(Reg(10 + i as u8), *a));
    }
    let here = at + s.len() as u32;
    s.extend(
        targets::rv32::encode::full(&Inst::Jal {
            rd: Reg::RA,
            offset: func as i32 - here as i32,
        })
        .expect("call encodes")
        .to_le_bytes(),
    );
    let t0 = Reg(5);
    s.extend(li(t0, BASE + result));
    let code = |i: Inst| encode(&i).expect("stub encodes").bytes();
    s.extend(code(Inst::Store {
        op: StoreOp::Sw,
        rs2: Reg::A0,
        rs1: t0,
        offset: 0,
    }));
    s.extend(li(Reg(10), 1));
    s.extend(code(Inst::OpImm {
        op: ImmOp::Addi,
        rd: Reg(11),
        rs1: t0,
        imm: 0,
    }));
    s.extend(li(Reg(12), 4 + extra));
    s.extend(li(Reg(17), 64)); // write
    s.extend(ECALL.to_le_bytes());
    s.extend(li(Reg(10), 0));
    s.extend(li(Reg(17), 93)); // exit
    s.extend(ECALL.to_le_bytes());
    s
}

/// A name part no other call in any test process shares.
pub fn unique() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

/// Runs the executable `elf` under `qemu-riscv32` with `qemu_args` before it.
pub fn run(elf: &[u8], qemu_args: &[&str]) -> Output {
    let path = std::env::temp_dir().join(format!("krait-rv32-{}.elf", unique()));
    std::fs::write(&path, elf).expect("write the executable");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("mark it executable");
    let out = Command::new("qemu-riscv32")
        .args(qemu_args)
        .arg(&path)
        .output()
        .expect("qemu-riscv32, the oracle of this test, must be installed");
    let _ = std::fs::remove_file(&path);
    out
}

/// Runs `elf` under `qemu-riscv32 -singlestep -d exec`, which logs one line per instruction
/// executed: the output, and how many instructions ran.
pub fn run_counted(elf: &[u8]) -> (Output, usize) {
    let log = std::env::temp_dir().join(format!("krait-rv32-{}.log", unique()));
    let log_name = log.to_string_lossy().into_owned();
    let out = run(elf, &["-singlestep", "-d", "exec,nochain", "-D", &log_name]);
    let text = std::fs::read_to_string(&log).expect("qemu's log");
    let _ = std::fs::remove_file(&log);
    (out, text.lines().filter(|l| l.starts_with("Trace")).count())
}
