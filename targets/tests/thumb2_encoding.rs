//! The Thumb encoder against its oracle, LLVM's assembler: every instruction form, swept
//! over registers and immediates (the boundaries of each field and a fixed pseudo-random
//! sample), is written as assembly text, assembled by `llvm-mc` once per architecture, and
//! must give the bytes `thumb2::encode` gives. The bytes are then decoded back by capstone
//! (`thumb2::disasm`), which must agree on the length and the mnemonic.
//!
//! `llvm-mc` must be on the PATH (`.ci/oracles` documents it); without it the test fails.

use std::io::Write;
use std::process::{Command, Stdio};
use targets::thumb2::disasm;
use targets::thumb2::encode::{
    encode, Addr, AluOp, Arch, CmpOp, Cond, Encoding, Inst, MemOp, Operand, Reg, RegList,
};

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

    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

/// The registers the sweeps take: the ends of the low and high banks, and some between.
const REGS: [Reg; 7] = [Reg(0), Reg(1), Reg(7), Reg(8), Reg(12), Reg::LR, Reg::SP];

const ALU_OPS: [AluOp; 13] = [
    AluOp::Add,
    AluOp::Sub,
    AluOp::Rsb,
    AluOp::And,
    AluOp::Orr,
    AluOp::Eor,
    AluOp::Bic,
    AluOp::Lsl,
    AluOp::Lsr,
    AluOp::Asr,
    AluOp::Mul,
    AluOp::Sdiv,
    AluOp::Udiv,
];

/// Field boundaries of every immediate form, and modified immediates of each shape.
fn immediates(rng: &mut Lcg) -> Vec<u32> {
    let mut imms = vec![
        0, 1, 2, 3, 4, 7, 8, 31, 32, 33, 124, 127, 128, 252, 255, 256, 257, 508, 510, 512, 1020,
        1024, 4092, 4095, 4096, 0xffff, 0x10000, 0x00ab00ab, 0xab00ab00, 0xabababab, 0x3fc00,
        0x80000000, 0xff000000, 0x7f800000, 0xffffffff, 0x12345678,
    ];
    for _ in 0..12 {
        imms.push(rng.next() >> rng.below(32));
        // A random byte, rotated: always a modified immediate when its top bit is set.
        imms.push((0x80 | rng.below(0x80)).rotate_right(8 + rng.below(24)));
    }
    imms
}

fn offsets(rng: &mut Lcg, max: i32) -> Vec<i32> {
    let mut v = vec![
        0, 2, 4, -2, -4, 254, 256, -256, -258, 1020, 2046, -2048, 4094, 4095, -255,
    ];
    v.extend([max - 2, max, max + 2, -max, -max - 2]);
    for _ in 0..10 {
        v.push((rng.below(2 * max as u32) as i32 - max) & !1);
    }
    v
}

fn cases(rng: &mut Lcg) -> Vec<Inst> {
    let mut out = Vec::new();
    let imms = immediates(rng);
    for op in ALU_OPS {
        for s in [false, true] {
            for rd in REGS {
                for rn in REGS {
                    for rm in REGS {
                        out.push(Inst::Alu {
                            op,
                            s,
                            rd,
                            rn,
                            rhs: Operand::Reg(rm),
                        });
                    }
                    for &imm in &imms {
                        if rng.below(4) == 0 || rd == rn {
                            out.push(Inst::Alu {
                                op,
                                s,
                                rd,
                                rn,
                                rhs: Operand::Imm(imm),
                            });
                        }
                    }
                }
            }
        }
    }
    for op in ALU_OPS {
        for s in [false, true] {
            for rd in REGS {
                for rn in REGS {
                    for rm in REGS {
                        let shift = [1, 2, 3, 31, 0, 32][rng.below(6) as usize];
                        out.push(Inst::AluShifted {
                            op,
                            s,
                            rd,
                            rn,
                            rm,
                            shift,
                        });
                    }
                }
            }
        }
    }
    for not in [false, true] {
        for s in [false, true] {
            for rd in REGS {
                for rm in REGS {
                    out.push(Inst::Mov {
                        not,
                        s,
                        rd,
                        src: Operand::Reg(rm),
                    });
                }
                for &imm in &imms {
                    out.push(Inst::Mov {
                        not,
                        s,
                        rd,
                        src: Operand::Imm(imm),
                    });
                }
            }
        }
    }
    for top in [false, true] {
        for rd in REGS {
            for imm in [
                0,
                1,
                0xff,
                0x100,
                0xfff,
                0x1000,
                0x8000,
                0xffff,
                rng.next() as u16,
            ] {
                out.push(Inst::MovWide { top, rd, imm });
            }
        }
    }
    for op in [CmpOp::Cmp, CmpOp::Cmn, CmpOp::Tst] {
        for rn in REGS {
            for rm in REGS {
                out.push(Inst::Compare {
                    op,
                    rn,
                    rhs: Operand::Reg(rm),
                });
            }
            for &imm in &imms {
                out.push(Inst::Compare {
                    op,
                    rn,
                    rhs: Operand::Imm(imm),
                });
            }
        }
    }
    let mem_offsets = [
        0, 1, 2, 3, 4, 31, 62, 124, 128, 255, 256, 1020, 1024, 4095, 4096, -1, -4, -255, -256,
    ];
    for op in MemOp::ALL {
        for rt in REGS {
            for rn in REGS {
                for &offset in &mem_offsets {
                    out.push(Inst::Mem {
                        op,
                        rt,
                        addr: Addr::Imm { rn, offset },
                    });
                    if rng.below(3) == 0 {
                        out.push(Inst::Mem {
                            op,
                            rt,
                            addr: Addr::PreIndex { rn, offset },
                        });
                        out.push(Inst::Mem {
                            op,
                            rt,
                            addr: Addr::PostIndex { rn, offset },
                        });
                    }
                }
                for rm in REGS {
                    out.push(Inst::Mem {
                        op,
                        rt,
                        addr: Addr::Reg {
                            rn,
                            rm,
                            shift: rng.below(4) as u8,
                        },
                    });
                }
                out.push(Inst::Mem {
                    op,
                    rt,
                    addr: Addr::Reg {
                        rn,
                        rm: Reg(2),
                        shift: 0,
                    },
                });
            }
            for &offset in &mem_offsets {
                out.push(Inst::Mem {
                    op,
                    rt,
                    addr: Addr::Literal { offset },
                });
            }
        }
    }
    for offset in offsets(rng, 1 << 24) {
        out.push(Inst::B { cond: None, offset });
        out.push(Inst::Bl { offset });
    }
    for cond in Cond::ALL {
        for offset in offsets(rng, 1 << 20) {
            out.push(Inst::B {
                cond: Some(cond),
                offset,
            });
        }
    }
    for rn in REGS {
        for offset in [0, 2, 4, 64, 126, 128, -2, 3] {
            for nonzero in [false, true] {
                out.push(Inst::Cbz {
                    nonzero,
                    rn,
                    offset,
                });
            }
        }
    }
    for rm in REGS {
        out.push(Inst::Bx { link: false, rm });
        out.push(Inst::Bx { link: true, rm });
    }
    for list in [
        1, 0x80, 0xff, 0x4010, 0x8010, 0x100, 0x4100, 0x8100, 0x1ff0, 0x5ff0, 0x9ff0, 0xc000,
    ]
    .into_iter()
    .chain((0..20).map(|_| rng.next() as u16 & 0x5fff))
    {
        out.push(Inst::Push(RegList(list)));
        out.push(Inst::Pop(RegList(list & !0x4000 | (list & 0x4000) << 1)));
    }
    out.push(Inst::Nop);
    out
}

/// The assembly text of `inst`, with `.w` where the encoder chose a 32-bit form that has a
/// 16-bit twin, so that LLVM picks the same form.
fn asm(inst: &Inst, enc: Encoding) -> String {
    let w = if enc.is_wide() { ".w" } else { "" };
    let sfx = |s: bool| if s { "s" } else { "" };
    let opnd = |o: &Operand| match o {
        Operand::Reg(r) => r.to_string(),
        Operand::Imm(i) => format!("#{i}"),
    };
    match inst {
        Inst::Alu { op, s, rd, rn, rhs } => {
            let name = op.name();
            match (op, rhs) {
                (AluOp::Mul | AluOp::Sdiv | AluOp::Udiv, _) => {
                    format!("{name}{} {rd}, {rn}, {}", sfx(*s), opnd(rhs))
                }
                (AluOp::Add | AluOp::Sub, Operand::Imm(i))
                    if enc.is_wide()
                        && !s
                        && targets::thumb2::encode::modified_imm(*i).is_none() =>
                {
                    format!("{name}w {rd}, {rn}, #{i}")
                }
                _ => format!("{name}{}{w} {rd}, {rn}, {}", sfx(*s), opnd(rhs)),
            }
        }
        Inst::AluShifted {
            op,
            s,
            rd,
            rn,
            rm,
            shift,
        } => format!("{}{}.w {rd}, {rn}, {rm}, lsl #{shift}", op.name(), sfx(*s)),
        Inst::Mov { not, s, rd, src } => {
            let name = if *not { "mvn" } else { "mov" };
            format!("{name}{}{w} {rd}, {}", sfx(*s), opnd(src))
        }
        Inst::MovWide { top, rd, imm } => {
            format!("{} {rd}, #{imm}", if *top { "movt" } else { "movw" })
        }
        Inst::Compare { op, rn, rhs } => format!("{}{w} {rn}, {}", op.name(), opnd(rhs)),
        Inst::Mem { op, rt, addr } => {
            let a = match addr {
                Addr::Imm { rn, offset } => format!("[{rn}, #{offset}]"),
                Addr::PreIndex { rn, offset } => format!("[{rn}, #{offset}]!"),
                Addr::PostIndex { rn, offset } => format!("[{rn}], #{offset}"),
                Addr::Reg { rn, rm, shift: 0 } => format!("[{rn}, {rm}]"),
                Addr::Reg { rn, rm, shift } => format!("[{rn}, {rm}, lsl #{shift}]"),
                Addr::Literal { offset } => format!("[pc, #{offset}]"),
            };
            // The negative and indexed forms have no 16-bit twin, and LLVM takes no `.w` there.
            let w = match addr {
                Addr::Imm { offset, .. } if *offset < 0 => "",
                Addr::PreIndex { .. } | Addr::PostIndex { .. } => "",
                _ => w,
            };
            format!("{}{w} {rt}, {a}", op.name())
        }
        Inst::B { cond, offset } => {
            format!("b{}{w} #{offset}", cond.map_or("", |c| c.name()))
        }
        Inst::Bl { offset } => format!("bl #{offset}"),
        Inst::Bx { link, rm } => format!("{} {rm}", if *link { "blx" } else { "bx" }),
        Inst::Cbz {
            nonzero,
            rn,
            offset,
        } => {
            format!("{} {rn}, #{offset}", if *nonzero { "cbnz" } else { "cbz" })
        }
        Inst::Push(list) => format!("push{w} {list}"),
        Inst::Pop(list) => format!("pop{w} {list}"),
        Inst::Nop => "nop".into(),
    }
}

/// What `llvm-mc` makes of each line of `lines`, in order: its canonical text and bytes.
fn llvm_mc(triple: &str, lines: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut child = Command::new("llvm-mc")
        .args([&format!("-triple={triple}"), "-show-encoding"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("llvm-mc, the oracle of this test, must be installed (see .ci/oracles)");
    let text = lines.join("\n") + "\n";
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("llvm-mc runs");
    writer.join().expect("writer").expect("write to llvm-mc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "llvm-mc rejected text the encoder accepted:\n{}",
        stderr
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.contains("note:") && l.trim() != "^")
            .take(40)
            .collect::<Vec<_>>()
            .join("\n")
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_once("@ encoding: ["))
        .map(|(text, rest)| {
            let bytes = rest
                .trim_end_matches(']')
                .split(',')
                .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).expect("hex"))
                .collect();
            (text.trim().to_string(), bytes)
        })
        .collect()
}

fn check_arch(arch: Arch, triple: &str, min_encoded: usize) {
    let mut rng = Lcg(0x7b1d_2024);
    let mut lines = Vec::new();
    let mut ours = Vec::new();
    for inst in cases(&mut rng) {
        if let Ok(enc) = encode(&inst, arch) {
            lines.push(asm(&inst, enc));
            ours.push((inst, enc));
        }
    }
    assert!(
        ours.len() >= min_encoded,
        "only {} instructions encoded for {arch:?}",
        ours.len()
    );
    let theirs = llvm_mc(triple, &lines);
    assert_eq!(theirs.len(), ours.len(), "one encoding per line");
    let mut mismatches = Vec::new();
    for ((line, (inst, enc)), (_, bytes)) in lines.iter().zip(&ours).zip(&theirs) {
        if enc.bytes() != *bytes {
            mismatches.push(format!(
                "{line}: ours {:02x?}, llvm {bytes:02x?} ({inst:?})",
                enc.bytes()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} differ from llvm-mc, e.g.:\n{}",
        mismatches.len(),
        ours.len(),
        mismatches[..mismatches.len().min(25)].join("\n")
    );
    eprintln!("{arch:?}: {} instructions match llvm-mc", ours.len());
    round_trip(arch, &theirs);
}

#[test]
fn armv7m_encodings_match_llvm_mc() {
    check_arch(Arch::V7M, "thumbv7m", 10_000);
}

#[test]
fn armv6m_encodings_match_llvm_mc() {
    check_arch(Arch::V6M, "thumbv6m", 1_000);
}

/// Decodes the encoder's bytes with capstone, which must read back each instruction as
/// `llvm-mc` printed it (ignoring width qualifiers and spacing).
fn round_trip(arch: Arch, assembled: &[(String, Vec<u8>)]) {
    let code: Vec<u8> = assembled.iter().flat_map(|(_, b)| b.clone()).collect();
    let decoded = disasm::decode(&code, arch, 0).expect("capstone decodes every instruction");
    assert_eq!(
        decoded.len(),
        assembled.len(),
        "one instruction decoded per encoding"
    );
    let normal = |text: &str| {
        let words: Vec<String> = text
            .replacen(".w", "", 1)
            .replace("[pc]", "[pc, #0]")
            .split_whitespace()
            .map(canonical_word)
            .collect();
        words.join(" ")
    };
    let mut mismatches = Vec::new();
    for (d, (text, bytes)) in decoded.iter().zip(assembled) {
        assert_eq!(
            d.bytes, *bytes,
            "capstone split the code differently at {text}"
        );
        let ours = normal(&format!("{} {}", d.mnemonic, pc_relative(d)));
        if ours != normal(text) && !alias(&normal(text), &ours) {
            mismatches.push(format!("{text} decoded as {ours}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} decode differently, e.g.:\n{}",
        mismatches.len(),
        decoded.len(),
        mismatches[..mismatches.len().min(40)].join("\n")
    );
}

/// One word of an instruction's text as both printers agree to write it: registers by
/// number, immediates as unsigned decimal words.
fn canonical_word(word: &str) -> String {
    let (body, tail) = word.split_at(word.trim_end_matches([',', ']', '!', '}']).len());
    let (head, body) = body.split_at(body.len() - body.trim_start_matches(['[', '{']).len());
    let body = match body {
        "sb" => "r9".to_string(),
        "sl" => "r10".to_string(),
        "fp" => "r11".to_string(),
        "ip" => "r12".to_string(),
        _ => match body.strip_prefix('#') {
            Some(num) => {
                let (neg, num) = match num.strip_prefix('-') {
                    Some(n) => (true, n),
                    None => (false, num),
                };
                let value = match num.strip_prefix("0x") {
                    Some(hex) => u64::from_str_radix(hex, 16),
                    None => num.parse(),
                }
                .expect("a number") as u32;
                format!("#{}", if neg { value.wrapping_neg() } else { value })
            }
            None => body.to_string(),
        },
    };
    format!("{head}{body}{tail}")
}

/// The operands of `d` with a branch target (capstone prints addresses) made relative to
/// the branch's PC, as assembly text writes it.
fn pc_relative(d: &disasm::Decoded) -> String {
    let m = d.mnemonic.trim_end_matches(".w");
    let is_branch = ["b", "bl", "cbz", "cbnz"].contains(&m)
        || Cond::ALL.iter().any(|c| m == format!("b{}", c.name()));
    match d.operands.rsplit_once("#0x") {
        Some((head, hex)) if is_branch => {
            let target = u32::from_str_radix(hex, 16).expect("hex target");
            format!("{head}#{}", target.wrapping_sub(d.address + 4) as i32)
        }
        _ => d.operands.clone(),
    }
}

/// Whether two texts name the same instruction by a documented alias: `lsls rd, rm, #0`
/// is `movs rd, rm`; `add sp, rm` is `add sp, sp, rm`.
fn alias(llvm: &str, capstone: &str) -> bool {
    if let Some(regs) = llvm
        .strip_prefix("lsls ")
        .and_then(|r| r.strip_suffix(", #0"))
    {
        return capstone == format!("movs {regs}");
    }
    if let Some(rm) = llvm.strip_prefix("add sp, ") {
        return capstone == format!("add sp, sp, {rm}");
    }
    false
}
