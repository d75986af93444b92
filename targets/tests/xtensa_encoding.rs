//! The Xtensa encoder and decoder against their oracle, GNU binutils for the ESP8266's
//! `lx106` (Debian's `binutils-xtensa-lx106`): every instruction form that configuration
//! has, swept over registers and immediates (each field's ends and a fixed pseudo-random
//! sample), is written as assembly text, assembled in one `xtensa-lx106-elf-as
//! --no-transform` call, linked at a fixed address (so PC-relative fields are resolved) and
//! must give the bytes `xtensa::encode` gives; `xtensa-lx106-elf-objdump`'s text of them
//! must equal `xtensa::disasm`'s. Every form also decodes back to itself.
//!
//! The instructions `lx106` lacks (the windowed option, the 32-bit divide) are checked
//! against the encodings of the Xtensa ISA Reference Manual in
//! `windowed_and_divide_forms_match_the_isa_reference`, and run under QEMU in
//! `xtensa_qemu.rs`.

use std::process::Command;
use targets::xtensa::disasm::{decode, decode_one, text};
use targets::xtensa::encode::{
    encode, AluOp, Encoding, ImmCond, Inst, IsaOption, MemOp, Reg, RegCond, ZeroCond,
};

/// Where the sweep is linked: high enough that every backward reach (`l32r`'s 256 KiB,
/// `call0`'s 512 KiB) stays above zero.
const BASE: u32 = 0x0100_0000;

/// A small deterministic generator, so a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 32) as u32
    }

    /// A value in `lo..=hi`.
    fn within(&mut self, lo: i32, hi: i32) -> i32 {
        lo + (self.next() % ((hi - lo) as u32 + 1)) as i32
    }
}

/// The registers the sweeps take: both ends, the stack pointer, and the window boundaries.
const REGS: [Reg; 6] = [Reg(0), Reg(1), Reg(2), Reg(7), Reg(8), Reg(15)];

/// `lo`, `hi`, their neighbours inside, zero and one when inside, and `n` random values.
fn edges(rng: &mut Lcg, lo: i32, hi: i32, n: usize) -> Vec<i32> {
    let mut v = vec![lo, lo + 1, hi - 1, hi, 0, 1, -1];
    v.retain(|x| (lo..=hi).contains(x));
    v.extend((0..n).map(|_| rng.within(lo, hi)));
    v.dedup();
    v
}

/// Every form once per register choice and immediate; PC-relative forms are completed by
/// [`place`], which knows their address.
fn register_forms(rng: &mut Lcg) -> Vec<Inst> {
    let mut out = Vec::new();
    for &r in &REGS {
        for &s in &REGS {
            for &t in &REGS {
                for op in AluOp::ALL {
                    out.push(Inst::Alu { op, r, s, t });
                }
                out.push(Inst::AddN { r, s, t });
            }
            out.push(Inst::Neg { r, t: s });
            out.push(Inst::Sll { r, s });
            out.push(Inst::Srl { r, t: s });
            out.push(Inst::Sra { r, t: s });
            out.push(Inst::MovN { t: r, s });
            for sa in 1..32 {
                out.push(Inst::Slli { r, s, sa });
            }
            for sa in 0..32 {
                out.push(Inst::Srai { r, t: s, sa });
            }
            for sa in 0..16 {
                out.push(Inst::Srli { r, t: s, sa });
            }
            for (shift, bits) in [(0, 1), (0, 16), (31, 1), (16, 16), (15, 8), (7, 3)] {
                out.push(Inst::Extui {
                    r,
                    t: s,
                    shift,
                    bits,
                });
            }
            for imm in edges(rng, -128, 127, 3) {
                out.push(Inst::Addi { t: r, s, imm });
            }
            for imm in edges(rng, -128, 127, 3) {
                out.push(Inst::Addmi {
                    t: r,
                    s,
                    imm: imm * 256,
                });
            }
            for imm in [-1, 1, 2, 7, 8, 15] {
                out.push(Inst::AddiN { r, s, imm });
            }
            for op in MemOp::ALL {
                for k in edges(rng, 0, 255, 2) {
                    out.push(Inst::Mem {
                        op,
                        t: r,
                        s,
                        offset: (k as u32) << op.scale(),
                    });
                }
            }
            for k in [0, 1, 14, 15] {
                out.push(Inst::L32iN {
                    t: r,
                    s,
                    offset: k * 4,
                });
                out.push(Inst::S32iN {
                    t: r,
                    s,
                    offset: k * 4,
                });
            }
            out.push(Inst::Movsp { t: r, s });
        }
        out.push(Inst::Ssl { s: r });
        out.push(Inst::Ssr { s: r });
        out.push(Inst::Jx { s: r });
        out.push(Inst::Callx0 { s: r });
        out.push(Inst::Callx4 { s: r });
        out.push(Inst::Callx8 { s: r });
        for imm in edges(rng, -2048, 2047, 6)
            .into_iter()
            .chain([255, 256, -256, -257])
        {
            out.push(Inst::Movi { t: r, imm });
        }
        for imm in edges(rng, -32, 95, 4) {
            out.push(Inst::MoviN { s: r, imm });
        }
        for frame in [0, 8, 32, 256, 32760] {
            out.push(Inst::Entry { s: r, frame });
        }
    }
    for sa in 0..32 {
        out.push(Inst::Ssai { sa });
    }
    out.extend([
        Inst::Ret,
        Inst::Retw,
        Inst::Nop,
        Inst::Syscall,
        Inst::RetN,
        Inst::RetwN,
        Inst::NopN,
    ]);
    out
}

/// The branches, jumps, calls and literal loads, with a placeholder target [`place`]
/// replaces by one of the edge values for the instruction's address.
fn pc_relative_forms() -> Vec<Inst> {
    let mut out = Vec::new();
    for &s in &REGS {
        for &t in &REGS {
            for cond in RegCond::ALL {
                out.push(Inst::Branch {
                    cond,
                    s,
                    t,
                    target: 0,
                });
            }
        }
        for cond in ZeroCond::ALL {
            out.push(Inst::BranchZ { cond, s, target: 0 });
        }
        for cond in ImmCond::ALL {
            for &imm in cond.table() {
                out.push(Inst::BranchImm {
                    cond,
                    s,
                    imm,
                    target: 0,
                });
            }
        }
        for bit in [0, 1, 15, 16, 31] {
            for set in [false, true] {
                out.push(Inst::BranchBit {
                    set,
                    s,
                    bit,
                    target: 0,
                });
            }
        }
        out.push(Inst::BeqzN { s, target: 0 });
        out.push(Inst::BnezN { s, target: 0 });
        out.push(Inst::L32r { t: s, target: 0 });
    }
    out.extend([
        Inst::J { target: 0 },
        Inst::Call0 { target: 0 },
        Inst::Call4 { target: 0 },
        Inst::Call8 { target: 0 },
    ]);
    out
}

/// The reaches worth trying for `inst`: the ends and a few between, in bytes from the
/// instruction, or for `call0`/`call8`/`l32r` in words from their word-aligned base.
fn reaches(inst: &Inst, rng: &mut Lcg) -> Vec<i32> {
    let mut sweep = |lo: i32, hi: i32| edges(rng, lo, hi, 3);
    match inst {
        Inst::Branch { .. } | Inst::BranchImm { .. } | Inst::BranchBit { .. } => sweep(-124, 131),
        Inst::BranchZ { .. } => sweep(-2044, 2051),
        Inst::BeqzN { .. } | Inst::BnezN { .. } => sweep(4, 67),
        Inst::J { .. } => sweep(-131068, 131075),
        Inst::Call0 { .. } | Inst::Call4 { .. } | Inst::Call8 { .. } => {
            sweep(-(1 << 17), (1 << 17) - 1)
        }
        Inst::L32r { .. } => sweep(-65536, -1),
        _ => vec![],
    }
}

/// The target (bytes from `address`) a reach of [`reaches`] stands for.
fn target_at(inst: &Inst, reach: i32, address: u32) -> i32 {
    let base = match inst {
        Inst::Call0 { .. } | Inst::Call4 { .. } | Inst::Call8 { .. } => (address & !3) + 4,
        Inst::L32r { .. } => (address + 3) & !3,
        _ => return reach,
    };
    base.wrapping_add((reach * 4) as u32).wrapping_sub(address) as i32
}

fn with_target(inst: &Inst, target: i32) -> Inst {
    let mut inst = *inst;
    match &mut inst {
        Inst::Branch { target: t, .. }
        | Inst::BranchZ { target: t, .. }
        | Inst::BranchImm { target: t, .. }
        | Inst::BranchBit { target: t, .. }
        | Inst::BeqzN { target: t, .. }
        | Inst::BnezN { target: t, .. }
        | Inst::J { target: t }
        | Inst::Call0 { target: t }
        | Inst::Call4 { target: t }
        | Inst::Call8 { target: t }
        | Inst::L32r { target: t, .. } => *t = target,
        _ => {}
    }
    inst
}

/// The sweep laid out from `BASE`: (address, instruction, its encoding), every
/// PC-relative form once per reach.
fn place(forms: Vec<Inst>, rng: &mut Lcg) -> Vec<(u32, Inst, Encoding)> {
    let mut out = Vec::new();
    let mut address = BASE;
    for form in forms {
        let reaches = reaches(&form, rng);
        let count = reaches.len().max(1);
        for i in 0..count {
            let inst = match reaches.get(i) {
                Some(&k) => with_target(&form, target_at(&form, k, address)),
                None => form,
            };
            let enc = encode(&inst, address)
                .unwrap_or_else(|e| panic!("{inst:?} at {address:#x} does not encode: {e}"));
            assert_eq!(enc.len(), inst.size(), "{inst:?}");
            out.push((address, inst, enc));
            address += enc.len() as u32;
        }
    }
    out
}

/// The sweep as GNU assembly: our text, with each target (the last operand) written
/// relative to `.`, the instruction's own address, so the assembler computes the field.
fn assembly(cases: &[(u32, Inst, Encoding)]) -> String {
    let mut s = String::from(".text\n");
    for (address, inst, _) in cases {
        let line = text(inst, *address);
        match pc_target(inst) {
            Some(target) => {
                let cut = line.rfind("0x").expect("a target operand");
                s += &format!("{}.{target:+}\n", &line[..cut]);
            }
            None => s += &format!("{line}\n"),
        }
    }
    s
}

fn pc_target(inst: &Inst) -> Option<i32> {
    match *inst {
        Inst::Branch { target, .. }
        | Inst::BranchZ { target, .. }
        | Inst::BranchImm { target, .. }
        | Inst::BranchBit { target, .. }
        | Inst::BeqzN { target, .. }
        | Inst::BnezN { target, .. }
        | Inst::J { target }
        | Inst::Call0 { target }
        | Inst::Call4 { target }
        | Inst::Call8 { target }
        | Inst::L32r { target, .. } => Some(target),
        _ => None,
    }
}

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name}, this test's oracle, must be installed (binutils-xtensa-lx106): {e}")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Assembles and links `source` with GNU binutils; gives the linked code and `objdump`'s
/// text per address.
fn gnu(source: &str) -> (Vec<u8>, Vec<(u32, String)>) {
    let dir = std::env::temp_dir().join(format!("krait-xtensa-enc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    std::fs::write(path("sweep.s"), source).unwrap();
    tool(
        "xtensa-lx106-elf-as",
        &["--no-transform", &path("sweep.s"), "-o", &path("sweep.o")],
    );
    tool(
        "xtensa-lx106-elf-ld",
        &[
            "-s",
            "--no-relax",
            &format!("-Ttext={BASE:#x}"),
            "-e",
            &format!("{BASE:#x}"),
            &path("sweep.o"),
            "-o",
            &path("sweep.elf"),
        ],
    );
    tool(
        "xtensa-lx106-elf-objcopy",
        &[
            "-O",
            "binary",
            "-j",
            ".text",
            &path("sweep.elf"),
            &path("sweep.bin"),
        ],
    );
    let code = std::fs::read(path("sweep.bin")).unwrap();
    let dump = tool("xtensa-lx106-elf-objdump", &["-d", &path("sweep.elf")]);
    let _ = std::fs::remove_dir_all(&dir);
    let lines = String::from_utf8(dump.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            // "  address:\tbytes \tmnemonic\toperands"
            let (address, rest) = line.trim_start().split_once(":\t")?;
            let address = u32::from_str_radix(address, 16).ok()?;
            let (_, text) = rest.split_once('\t')?;
            // l32r's comment (the literal's value) is what only memory knows.
            let text = text.split(" (").next().unwrap().trim_end().to_string();
            Some((address, text))
        })
        .collect();
    (code, lines)
}

#[test]
fn lx106_forms_match_gnu_as_and_objdump() {
    let mut rng = Lcg(0x5eed);
    let mut forms: Vec<Inst> = register_forms(&mut rng);
    forms.extend(pc_relative_forms());
    forms.retain(|i| i.option().is_none());
    let cases = place(forms, &mut rng);
    let (code, lines) = gnu(&assembly(&cases));
    assert_eq!(lines.len(), cases.len(), "objdump lists one line per case");
    let mut ours = Vec::new();
    for ((address, inst, enc), (their_address, their_text)) in cases.iter().zip(&lines) {
        assert_eq!(address, their_address);
        let offset = (address - BASE) as usize;
        assert_eq!(
            enc.bytes(),
            code[offset..offset + enc.len()],
            "{inst:?} at {address:#x}: our bytes vs GNU as"
        );
        assert_eq!(
            &text(inst, *address),
            their_text,
            "{inst:?}: our text vs objdump"
        );
        ours.extend(enc.bytes());
    }
    assert_eq!(ours, code);
    println!("{} lx106 cases match GNU as and objdump", cases.len());
    assert!(cases.len() > 10_000, "the sweep shrank: {}", cases.len());
}

#[test]
fn every_form_decodes_back_to_itself() {
    let mut rng = Lcg(0xdec0de);
    let mut forms = register_forms(&mut rng);
    forms.extend(pc_relative_forms());
    let cases = place(forms, &mut rng);
    for (address, inst, enc) in &cases {
        assert_eq!(
            decode_one(&enc.bytes(), *address),
            Some((*inst, enc.len())),
            "{inst:?} at {address:#x}"
        );
    }
    let code: Vec<u8> = cases.iter().flat_map(|(_, _, e)| e.bytes()).collect();
    let decoded = decode(&code, BASE).unwrap();
    assert_eq!(decoded.len(), cases.len());
}

/// Encodings read off the Xtensa Instruction Set Architecture Reference Manual's
/// instruction pages (the windowed register option's `ENTRY`, `CALL4`/`CALL8`, `CALLX4`/`CALLX8`, `RETW`,
/// `RETW.N`, `MOVSP`, and the 32-bit divide option's `QUOS`/`QUOU`/`REMS`/`REMU`), with the
/// operand fields filled in by hand, little-endian as memory holds them.
#[test]
fn windowed_and_divide_forms_match_the_isa_reference() {
    let r = Reg;
    let cases: [(Inst, u32, u32); 13] = [
        // ENTRY: imm12 s 0011 0110 (BRI12, op0 = 6, n = 3, m = 0); imm12 = frame / 8.
        (Inst::Entry { s: r(1), frame: 32 }, 0, 0x00_4136),
        (
            Inst::Entry {
                s: r(1),
                frame: 32760,
            },
            0,
            0xfff136,
        ),
        // CALL8: offset 10 0101 (CALL, op0 = 5, n = 2); target (pc & ~3) + 4 + offset * 4.
        (Inst::Call8 { target: 8 }, 0x100, 0x000065),
        (Inst::Call8 { target: -6 }, 0x102, 0xffffa5),
        // CALL4: the same with n = 1.
        (Inst::Call4 { target: 8 }, 0x100, 0x000055),
        // CALLX4/CALLX8: 0000 0000 0000 s 11nn 0000 (CALLX, m = 3, n = 1 or 2).
        (Inst::Callx4 { s: r(8) }, 0, 0x0008d0),
        (Inst::Callx8 { s: r(8) }, 0, 0x0008e0),
        // RETW: 0000 0000 0000 0000 1001 0000; RETW.N: 1111 0000 0001 1101.
        (Inst::Retw, 0, 0x000090),
        (Inst::RetwN, 0, 0xf01d),
        // MOVSP at, as: 0000 0000 0001 s t 0000.
        (Inst::Movsp { t: r(3), s: r(1) }, 0, 0x001130),
        // QUOU/QUOS/REMU/REMS ar, as, at: op2 = 1100..1111, op1 = 0010, op0 = 0.
        (
            Inst::Alu {
                op: AluOp::Quou,
                r: r(2),
                s: r(3),
                t: r(4),
            },
            0,
            0xc22340,
        ),
        (
            Inst::Alu {
                op: AluOp::Quos,
                r: r(2),
                s: r(3),
                t: r(4),
            },
            0,
            0xd22340,
        ),
        (
            Inst::Alu {
                op: AluOp::Rems,
                r: r(15),
                s: r(0),
                t: r(1),
            },
            0,
            0xf2f010,
        ),
    ];
    for (inst, address, bits) in cases {
        let enc = encode(&inst, address).unwrap();
        let expected = if enc.len() == 2 {
            Encoding::Narrow(bits as u16)
        } else {
            Encoding::Wide(bits)
        };
        assert_eq!(enc, expected, "{inst:?}");
        assert!(inst.option().is_some(), "{inst:?} is an option's");
        assert_eq!(decode_one(&enc.bytes(), address), Some((inst, enc.len())));
    }
    assert_eq!(
        Inst::Alu {
            op: AluOp::Remu,
            r: r(2),
            s: r(3),
            t: r(4)
        }
        .option(),
        Some(IsaOption::Div32)
    );
}

#[test]
fn operands_out_of_reach_are_errors() {
    let r = Reg;
    let bad = [
        Inst::Branch {
            cond: RegCond::Beq,
            s: r(2),
            t: r(3),
            target: 132,
        },
        Inst::Branch {
            cond: RegCond::Beq,
            s: r(2),
            t: r(3),
            target: -125,
        },
        Inst::BranchZ {
            cond: ZeroCond::Bnez,
            s: r(2),
            target: 2052,
        },
        Inst::BranchImm {
            cond: ImmCond::Beqi,
            s: r(2),
            imm: 9,
            target: 8,
        },
        Inst::BranchImm {
            cond: ImmCond::Bltui,
            s: r(2),
            imm: 1,
            target: 8,
        },
        Inst::BeqzN { s: r(2), target: 2 },
        Inst::BeqzN {
            s: r(2),
            target: 68,
        },
        Inst::J { target: 131076 },
        Inst::Call0 { target: 6 },
        Inst::L32r { t: r(2), target: 0 },
        Inst::L32r { t: r(2), target: 2 },
        Inst::Movi { t: r(2), imm: 2048 },
        Inst::Addi {
            t: r(2),
            s: r(2),
            imm: 128,
        },
        Inst::Addmi {
            t: r(2),
            s: r(2),
            imm: 100,
        },
        Inst::Mem {
            op: MemOp::L32i,
            t: r(2),
            s: r(1),
            offset: 2,
        },
        Inst::Mem {
            op: MemOp::L16ui,
            t: r(2),
            s: r(1),
            offset: 512,
        },
        Inst::Slli {
            r: r(2),
            s: r(2),
            sa: 0,
        },
        Inst::Srli {
            r: r(2),
            t: r(2),
            sa: 16,
        },
        Inst::Extui {
            r: r(2),
            t: r(2),
            shift: 0,
            bits: 17,
        },
        Inst::AddiN {
            r: r(2),
            s: r(2),
            imm: 0,
        },
        Inst::MoviN { s: r(2), imm: 96 },
        Inst::Entry { s: r(1), frame: 4 },
        Inst::AddN {
            r: r(16),
            s: r(2),
            t: r(2),
        },
    ];
    for inst in bad {
        assert!(encode(&inst, 0x1000).is_err(), "{inst:?} encoded");
    }
}
