//! The RV32IMC encoder against its oracle, LLVM's assembler: every instruction form, swept
//! over registers (the compressed set's edges, `sp`, `x0` and others) and immediates (each
//! field's boundaries and a fixed pseudo-random sample), is written as base-ISA text and
//! assembled by `llvm-mc -mattr=+m,+c`, which compresses whatever fits: its bytes must be
//! `rv32::encode`'s, compressed form for compressed form. Capstone (`rv32::disasm`) then
//! decodes the bytes back, agreeing on each instruction's length and operation.
//!
//! `llvm-mc` must be on the PATH; without it the test fails.

use std::io::Write;
use std::process::{Command, Stdio};
use targets::rv32::disasm;
use targets::rv32::encode::{encode, text, AluOp, Cond, ImmOp, Inst, LoadOp, Reg, StoreOp};

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
}

/// `x0`, `ra`, `sp`, the ends of the compressed set (`x8`, `x15`), one inside it, `x7`,
/// `x16` just outside it, and `x31`.
const REGS: [Reg; 9] = [
    Reg(0),
    Reg(1),
    Reg(2),
    Reg(7),
    Reg(8),
    Reg(10),
    Reg(15),
    Reg(16),
    Reg(31),
];

const ALU_OPS: [AluOp; 18] = [
    AluOp::Add,
    AluOp::Sub,
    AluOp::Sll,
    AluOp::Slt,
    AluOp::Sltu,
    AluOp::Xor,
    AluOp::Srl,
    AluOp::Sra,
    AluOp::Or,
    AluOp::And,
    AluOp::Mul,
    AluOp::Mulh,
    AluOp::Mulhsu,
    AluOp::Mulhu,
    AluOp::Div,
    AluOp::Divu,
    AluOp::Rem,
    AluOp::Remu,
];

const IMM_OPS: [ImmOp; 9] = [
    ImmOp::Addi,
    ImmOp::Slti,
    ImmOp::Sltiu,
    ImmOp::Xori,
    ImmOp::Ori,
    ImmOp::Andi,
    ImmOp::Slli,
    ImmOp::Srli,
    ImmOp::Srai,
];

/// Boundaries of the 6-bit, 12-bit and scaled compressed fields, plus random 12-bit values.
fn imm12(rng: &mut Lcg) -> Vec<i32> {
    let mut v = vec![
        0, 1, -1, 4, 15, 16, 31, 32, -32, -33, 124, 128, 252, 256, 496, 512, -512, -528, 1020,
        1024, 2047, -2048,
    ];
    v.extend((0..8).map(|_| (rng.next() % 4096) as i32 - 2048));
    v
}

fn cases(rng: &mut Lcg) -> Vec<Inst> {
    let mut out = Vec::new();
    let imms = imm12(rng);
    for &rd in &REGS {
        for &rs1 in &REGS {
            for &rs2 in &REGS {
                for op in ALU_OPS {
                    out.push(Inst::Op { op, rd, rs1, rs2 });
                }
            }
            for op in IMM_OPS {
                let values: Vec<i32> = if matches!(op, ImmOp::Slli | ImmOp::Srli | ImmOp::Srai) {
                    vec![0, 1, 2, 15, 16, 31]
                } else {
                    imms.clone()
                };
                for imm in values {
                    // `addi x0, x0, 0` is `nop`, which llvm writes as `c.nop`: not ours.
                    if !(rd.0 == 0 && op == ImmOp::Addi) {
                        out.push(Inst::OpImm { op, rd, rs1, imm });
                    }
                }
            }
            for &offset in &imms {
                for op in [LoadOp::Lb, LoadOp::Lh, LoadOp::Lw, LoadOp::Lbu, LoadOp::Lhu] {
                    out.push(Inst::Load {
                        op,
                        rd,
                        rs1,
                        offset,
                    });
                }
                for op in [StoreOp::Sb, StoreOp::Sh, StoreOp::Sw] {
                    out.push(Inst::Store {
                        op,
                        rs2: rd,
                        rs1,
                        offset,
                    });
                }
                out.push(Inst::Jalr { rd, rs1, offset });
            }
            for offset in [0, 2, -2, 254, 256, -256, -258, 2046, 4094, -4096] {
                for cond in [Cond::Eq, Cond::Ne, Cond::Lt, Cond::Ge, Cond::Ltu, Cond::Geu] {
                    out.push(Inst::Branch {
                        cond,
                        rs1: rd,
                        rs2: rs1,
                        offset,
                    });
                }
            }
        }
        for imm20 in [
            0, 1, 31, 32, 0x7ffff, 0x80000, 0xfffe0, 0xfffdf, 0xfffff, 0x12345,
        ] {
            out.push(Inst::Lui { rd, imm20 });
            out.push(Inst::Auipc { rd, imm20 });
        }
        for offset in [0, 2, -2, 2046, -2048, 2048, -2050, 0xffffe, -0x100000] {
            out.push(Inst::Jal { rd, offset });
        }
    }
    out.push(Inst::Ebreak);
    out
}

/// What `llvm-mc` makes of each line of `lines`, in order: its canonical text and bytes.
fn llvm_mc(lines: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut child = Command::new("llvm-mc")
        .args(["-triple=riscv32", "-mattr=+m,+c", "-show-encoding"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("llvm-mc, the oracle of this test, must be installed");
    let input = lines.join("\n") + "\n";
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("llvm-mc runs");
    writer.join().expect("writer").expect("write to llvm-mc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "llvm-mc rejected text the encoder accepted:\n{}",
        stderr.lines().take(40).collect::<Vec<_>>().join("\n")
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_once("# encoding: ["))
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

#[test]
fn encodings_match_llvm_mc_and_decode_back() {
    let mut rng = Lcg(0x5c_2026);
    let mut lines = Vec::new();
    let mut ours = Vec::new();
    for inst in cases(&mut rng) {
        if let Ok(enc) = encode(&inst) {
            lines.push(text(&inst));
            ours.push((inst, enc));
        }
    }
    assert!(ours.len() > 20_000, "only {} encoded", ours.len());
    let compressed = ours.iter().filter(|(_, e)| e.len() == 2).count();
    assert!(compressed > 800, "only {compressed} compressed");
    let theirs = llvm_mc(&lines);
    assert_eq!(theirs.len(), ours.len(), "one encoding per line");
    let mismatches: Vec<String> = lines
        .iter()
        .zip(&ours)
        .zip(&theirs)
        .filter(|((_, (_, enc)), (_, bytes))| enc.bytes() != *bytes)
        .map(|((line, (_, enc)), (t, bytes))| {
            format!("{line}: ours {:02x?}, llvm {bytes:02x?} ({t})", enc.bytes())
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} differ from llvm-mc, e.g.:\n{}",
        mismatches.len(),
        ours.len(),
        mismatches[..mismatches.len().min(25)].join("\n")
    );
    eprintln!(
        "{} instructions ({compressed} compressed) match llvm-mc",
        ours.len()
    );
    round_trip(&ours.iter().map(|(i, _)| *i).collect::<Vec<_>>(), &theirs);
}

/// The operation names capstone may print for `inst`: its own, or an alias or compressed
/// form of it.
fn accepted(inst: &Inst) -> Vec<&'static str> {
    let base = match inst {
        Inst::Op { op, .. } => op.mnemonic(),
        Inst::OpImm { op, .. } => op.mnemonic(),
        Inst::Lui { .. } => "lui",
        Inst::Auipc { .. } => "auipc",
        Inst::Load { op, .. } => op.mnemonic(),
        Inst::Store { op, .. } => op.mnemonic(),
        Inst::Branch { cond, .. } => cond.mnemonic(),
        Inst::Jal { .. } => "jal",
        Inst::Jalr { .. } => "jalr",
        Inst::Ebreak => "ebreak",
    };
    let aliases: &[&'static str] = match base {
        "add" | "addi" => &["mv", "li", "nop", "addi16sp", "addi4spn", "add", "addi"],
        "sub" => &["neg"],
        "xori" => &["not"],
        "sltiu" => &["seqz"],
        "sltu" => &["snez"],
        "slt" => &["sltz", "sgtz"],
        "beq" => &["beqz"],
        "bne" => &["bnez"],
        "blt" => &["bltz", "bgtz", "bgt"],
        "bge" => &["bgez", "blez", "ble"],
        "bltu" => &["bgtu"],
        "bgeu" => &["bleu"],
        "jal" => &["j"],
        "jalr" => &["jr", "ret"],
        "lw" => &["lwsp"],
        "sw" => &["swsp"],
        _ => &[],
    };
    let mut v = vec![base];
    v.extend_from_slice(aliases);
    v
}

/// Decodes the bytes with capstone, which must split them as `llvm-mc` did and name each
/// instruction's operation (or an alias of it).
fn round_trip(insts: &[Inst], assembled: &[(String, Vec<u8>)]) {
    let code: Vec<u8> = assembled.iter().flat_map(|(_, b)| b.clone()).collect();
    let decoded = disasm::decode(&code, 0).expect("capstone decodes every instruction");
    assert_eq!(decoded.len(), assembled.len(), "one decoded per encoding");
    let mut mismatches = Vec::new();
    for ((d, (text, bytes)), inst) in decoded.iter().zip(assembled).zip(insts) {
        assert_eq!(
            d.bytes, *bytes,
            "capstone split the code differently at {text}"
        );
        let name = d.mnemonic.trim_start_matches("c.");
        if !accepted(inst).contains(&name) {
            mismatches.push(format!("{text} decoded as {} {}", d.mnemonic, d.operands));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} decoded differently, e.g.:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(25)].join("\n")
    );
}
