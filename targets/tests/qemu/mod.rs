//! Running Thumb code under `qemu-arm` (user mode): a minimal ARM ELF executable around an
//! image, and the instructions the tests' start stubs are made of.

use std::process::{Command, Output};
use targets::thumb2::encode::{encode, Inst, Reg};
use targets::thumb2::Arch;

/// Where the image is loaded.
pub const BASE: u32 = 0x10000;

/// A static ARM ELF executable of one read-write-execute segment holding `image` at `BASE`,
/// starting in Thumb state at `BASE + entry`.
pub fn elf(image: &[u8], entry: u32) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(b"\x7fELF\x01\x01\x01\0\0\0\0\0\0\0\0\0");
    let half = |f: &mut Vec<u8>, v: u16| f.extend(v.to_le_bytes());
    let word = |f: &mut Vec<u8>, v: u32| f.extend(v.to_le_bytes());
    half(&mut f, 2); // ET_EXEC
    half(&mut f, 40); // EM_ARM
    word(&mut f, 1);
    word(&mut f, BASE + entry + 1); // odd: Thumb
    word(&mut f, 52); // program headers
    word(&mut f, 0);
    word(&mut f, 0x0500_0000); // EABI 5
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

pub fn thumb(insts: &[Inst]) -> Vec<u8> {
    insts
        .iter()
        .flat_map(|i| encode(i, Arch::V7M).expect("stub encodes").bytes())
        .collect()
}

/// `movw` + `movt` of `addr` into `rd`.
pub fn load_addr(rd: Reg, addr: u32) -> [Inst; 2] {
    [
        Inst::MovWide {
            top: false,
            rd,
            imm: addr as u16,
        },
        Inst::MovWide {
            top: true,
            rd,
            imm: (addr >> 16) as u16,
        },
    ]
}

/// A name part no other call in any test process shares: tests run in parallel threads, and two
/// writing one file (or one writing what another executes) fail at random.
pub fn unique() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

/// Runs the executable `elf` under `qemu-arm` with `qemu_args` before it.
pub fn run(elf: &[u8], qemu_args: &[&str]) -> Output {
    let path = std::env::temp_dir().join(format!("krait-thumb2-{}.elf", unique()));
    std::fs::write(&path, elf).expect("write the executable");
    // qemu-arm, like the kernel, runs only files marked executable.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("mark it executable");
    let out = Command::new("qemu-arm")
        .args(qemu_args)
        .arg(&path)
        .output()
        .expect("qemu-arm, the oracle of this test, must be installed (see .ci/oracles)");
    let _ = std::fs::remove_file(&path);
    out
}
